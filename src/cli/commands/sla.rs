//! `desk sla` and `desk sla check`: where tickets stand against their service
//! levels, computed from history (docs/sla.md).

use std::io::Write as _;

use anstyle::Style;
use serde_json::{Value, json};

use crate::cli::clocks::{self, open_ledger};
use crate::cli::output::{self, print_json, rfc3339};
use crate::cli::select::{self, Selected};
use crate::cli::strict::Strict;
use crate::cli::{CliError, Ctx, Result};
use crate::query::Query;
use crate::sla::evaluate::alarming;
use crate::sla::ledger::TicketClocks;
use crate::sla::{ClockKind, ClockStatus, Cycle, parse_duration};
use crate::workflow::Config;

const DEFINITIONS: &str = "\
Clocks (docs/sla.md has the exact definitions and a worked example):
  first response   creation -> the first response (a public reply by an agent, or by anyone but
                   the requester when no agents are configured)
  next response    a requester's message after the first response -> the next response
  resolution       creation -> the ticket is solved or closed (a reopen lets it count on)
  Only business time counts, in the calendar of the policy in force: the first policy of the
  commit's desk.yaml whose `match` fits the ticket. Pending and on-hold pause every clock,
  solved pauses them, closed stops them.
Status: running, paused, met, breached, not_applicable (no target, or closed before it was due).

Without a status or is: term only tickets that are not done are shown (--all shows every one).
--as-of DATE evaluates at DATE with the history before it; --as-of REV at that commit, with the
history it contains. --policy REV judges every event under REV's desk.yaml (a what-if).";

/// Show where tickets stand against their SLA policies: each clock's status and due time.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, after_help = DEFINITIONS)]
pub struct Args {
    #[command(subcommand)]
    pub check: Option<SlaCommand>,

    #[command(flatten)]
    pub common: Common,
}

/// `desk sla check`.
#[derive(Debug, clap::Subcommand)]
pub enum SlaCommand {
    /// Exit 3 when a selected ticket is breached (or due within --warn); for CI.
    Check(CheckArgs),
}

/// The options of `desk sla` and `desk sla check`.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Query terms, as `desk list` takes them.
    #[arg(value_name = "QUERY", id = "query")]
    pub query: Vec<String>,

    /// Include done tickets (solved, closed).
    #[arg(short, long)]
    pub all: bool,

    /// Evaluate as things stood at DATE (RFC 3339, a day, an age) or at a commit REV.
    #[arg(long, value_name = "DATE|REV")]
    pub as_of: Option<String>,

    /// Judge every event under the desk.yaml of revision REV instead of its own commit's.
    #[arg(long, value_name = "REV")]
    pub policy: Option<String>,

    /// Print JSON: an array of tickets (`sla check`: an object with the verdict).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub strict: Strict,
}

/// `desk sla check`'s options.
#[derive(Debug, clap::Args)]
#[command(after_help = DEFINITIONS)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Also fail on a running or paused clock due within DURATION of business time
    /// (30m, 4h); without it, a policy's own `warning` applies.
    #[arg(long, value_name = "DURATION")]
    pub warn: Option<String>,
}

/// One selected ticket and its clocks.
#[derive(Clone)]
struct Judged {
    ticket: Selected,
    clocks: TicketClocks,
}

impl std::ops::Deref for Judged {
    type Target = TicketClocks;

    fn deref(&self) -> &TicketClocks {
        &self.clocks
    }
}

/// The clocks of the selected tickets, the next due first.
fn judge(ctx: &Ctx, common: &Common) -> Result<(Vec<Judged>, i64)> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let mut query = Query::parse(&common.query, ctx.zone)?;
    query.validate(&config)?;
    if !common.all && !query.names_state() {
        query = Query::parse(&["is:open"], ctx.zone).map(|mut open| {
            open.terms.extend(query.terms);
            open
        })?;
    }
    let selected = select::matching(ctx, &store, &tip, &query, &config, common.strict)?;
    let mut ledger = open_ledger(ctx, &store, &tip, common.as_of.as_deref(), common.policy.as_deref())?;
    let mut out = Vec::with_capacity(selected.len());
    for ticket in selected {
        let clocks = ledger.clocks(&ticket.id)?;
        if query.matches_clocks(&clocks.facts()) {
            out.push(Judged { ticket, clocks });
        }
    }
    // Stable: tickets due at the same time stay in id order, as selected.
    out.sort_by_cached_key(|j| j.next_due().unwrap_or(i64::MAX));
    Ok((out, ledger.moment().now))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(SlaCommand::Check(check)) = &args.check {
        return run_check(ctx, check);
    }
    let (judged, now) = judge(ctx, &args.common)?;
    if args.common.json {
        let tickets: Vec<Value> = judged.iter().map(|j| ticket_json(j, None)).collect();
        return print_json(&tickets);
    }
    if judged.is_empty() {
        say!("no tickets match");
        return Ok(());
    }
    ctx.page()?;
    print_table(ctx, judged.iter(), now)?;
    // Freeing tens of thousands of small allocations one by one just before
    // the process ends costs more than printing them.
    std::mem::forget(judged);
    Ok(())
}

fn run_check(ctx: &Ctx, args: &CheckArgs) -> Result<()> {
    let warn = args.warn.as_deref().map(parse_duration).transpose().map_err(CliError::usage)?;
    let (judged, now) = judge(ctx, &args.common)?;
    let failing: Vec<&Judged> =
        judged.iter().filter(|j| j.clocks().any(|c| alarming(c, warn.or_else(|| j.warning(c))))).collect();
    if args.common.json {
        let tickets: Vec<Value> = failing.iter().map(|j| ticket_json(j, warn)).collect();
        print_json(&json!({"ok": failing.is_empty(), "checked": judged.len(), "tickets": tickets}))?;
    } else if failing.is_empty() {
        say!("sla: {} checked, none breached", judged.len());
    } else {
        print_table(ctx, failing.iter().copied(), now)?;
        say!("sla: {} of {} checked are breached or due soon", failing.len(), judged.len());
    }
    let ok = failing.is_empty();
    drop(failing);
    // As in `run`: the process ends next.
    std::mem::forget(judged);
    if ok { Ok(()) } else { Err(CliError::problems()) }
}

fn clock_json(c: &Cycle, warn: Option<i64>) -> Value {
    let time =
        |t: Option<i64>| t.map(|t| rfc3339(chrono::DateTime::from_timestamp(t, 0).unwrap_or_default()));
    json!({
        "status": c.status.name(),
        "policy": c.policy.as_deref(),
        "target_seconds": c.target,
        "elapsed_seconds": c.elapsed,
        "remaining_seconds": c.remaining,
        "started": time(Some(c.start)),
        "due": time(c.due),
        "met_at": time(c.met_at),
        "due_soon": alarming(c, warn) && c.status != ClockStatus::Breached,
    })
}

fn ticket_json(j: &Judged, warn: Option<i64>) -> Value {
    let mut clocks = serde_json::Map::new();
    for kind in ClockKind::ALL {
        let value = j.clocks().find(|c| c.kind == kind).map_or(Value::Null, |c| clock_json(c, warn));
        clocks.insert(kind.name().into(), value);
    }
    let time =
        |t: Option<i64>| t.map(|t| rfc3339(chrono::DateTime::from_timestamp(t, 0).unwrap_or_default()));
    json!({
        "id": j.ticket.id,
        "title": j.ticket.title,
        "status": j.ticket.status,
        "priority": j.ticket.priority,
        "policy": j.policy(),
        "next_due": time(j.next_due()),
        "breached": j.clocks().any(|c| c.status == ClockStatus::Breached),
        "clocks": clocks,
    })
}

fn print_table<'j>(ctx: &Ctx, judged: impl Iterator<Item = &'j Judged>, now: i64) -> Result<()> {
    let mut table = output::PlainTable::new(
        &["ID", "POLICY", "FIRST RESP", "NEXT RESP", "RESOLUTION", "DUE", "TITLE"],
        ctx.color,
    );
    for j in judged {
        let clocks: Vec<&Cycle> = j.clocks().collect();
        let cell = |k: ClockKind| clocks::clock_cell(clocks.iter().copied().find(|c| c.kind == k));
        let due = j.next_due().map_or_else(
            || "-".to_owned(),
            |d| {
                if d < now {
                    format!("{} ago", output::age(now - d))
                } else {
                    format!("in {}", output::age(d - now))
                }
            },
        );
        let [fr, nr, res] =
            [cell(ClockKind::FirstResponse), cell(ClockKind::NextResponse), cell(ClockKind::Resolution)];
        table.push([
            (j.ticket.short.clone().into(), output::ID),
            (j.policy().unwrap_or("-").to_owned().into(), Style::new()),
            (fr.0.into(), fr.1),
            (nr.0.into(), nr.1),
            (res.0.into(), res.1),
            (due.into(), Style::new()),
            (j.ticket.title.clone().into(), Style::new()),
        ]);
    }
    let mut out = anstream::stdout().lock();
    table.print(&mut out, output::table_width())?;
    out.flush()?;
    Ok(())
}
