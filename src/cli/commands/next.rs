//! `desk next`: the ticket to work on now, and `--take` to make it yours.

use std::io::Write as _;

use serde_json::{Value, json};

use crate::cli::output::{TicketJson, print_json, rfc3339};
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::select::{self, Selected};
use crate::cli::strict::Strict;
use crate::cli::worklist::{self, Asker};
use crate::cli::{CliError, Ctx, Result};
use crate::model::TicketId;
use crate::query::Query;
use crate::sla::ledger::{Ledger, Moment};
use crate::store::{Change, Identity, StoreError, Tip, Written};
use crate::workflow::Config;

const HOW: &str = "\
The candidates are the tickets that are not done and are assigned to you, or unassigned and
in one of your queues (an agent's own queues and their teams'; when you have none, or no
agents are listed in desk.yaml, any unassigned ticket). A ticket whose labels name skills of
desk.yaml's agents goes only to agents who have all of them. The first is the one whose next
service-level clock is due first (docs/sla.md; tickets without a due time come last), then the
most urgent priority, then the oldest.

--take assigns it to you in one commit. Two agents taking at the same moment never get the same
ticket: the second gets the next one.";

/// Show the ticket you should work on now: yours or unassigned in your queues, by due time.
#[derive(Debug, clap::Args)]
#[command(after_help = HOW)]
pub struct Args {
    /// Assign it to yourself.
    #[arg(long)]
    pub take: bool,

    /// Print a JSON object: the ticket (or null), its next due time and whether it was taken.
    #[arg(long)]
    pub json: bool,
}

/// The candidates, best first, with their next due times.
fn candidates(
    ctx: &Ctx,
    store: &crate::store::Store,
    tip: &Tip,
    config: &Config,
    asker: &Asker<'_>,
) -> Result<Vec<(Selected, Option<i64>)>> {
    let open = Query::parse(&["is:open"], ctx.zone)?;
    let found = select::matching_where(ctx, store, tip, &open, config, Strict::default(), |s| {
        asker.owns(s) || asker.may_take_ticket(s)
    })?;
    let mut ledger = Ledger::open(store, tip, Moment { now: ctx.now.timestamp(), within: None }, None)?;
    let mut out = Vec::with_capacity(found.len());
    for ticket in found {
        // Without sound policies every ticket is simply undue.
        let due = if ledger.problem().is_some() { None } else { ledger.clocks(&ticket.id)?.next_due() };
        out.push((ticket, due));
    }
    worklist::sort_by_due(config, &mut out, |(t, due)| (t, *due));
    Ok(out)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let (author, committer) = store.signatures()?;
    let asker = Asker::new(author.person(), &config)?;
    let list = candidates(ctx, &store, &tip, &config, &asker)?;
    let (chosen, taken) = if args.take {
        take(&store, &author, &committer, &list, &asker)?
    } else {
        (list.first().map(|(t, _)| t.id.clone()), false)
    };
    let Some(id) = chosen else {
        if args.json {
            return print_json(&json!({"ticket": null, "next_due": null, "taken": false}));
        }
        say!("nothing to work on: no ticket is yours or unassigned in your queues");
        return Ok(());
    };
    let due = list.iter().find(|(t, _)| t.id == id).and_then(|(_, d)| *d);
    let tip = store.require_tip()?;
    let ticket =
        store.load_ticket(&tip, &TicketId::parse(&id).ok_or_else(|| CliError::internal("a listed id"))?)?;
    let short = list.iter().find(|(t, _)| t.id == id).map_or(id.clone(), |(t, _)| t.short.clone());
    let printed = if args.json {
        let due =
            due.map(|d| Value::String(rfc3339(chrono::DateTime::from_timestamp(d, 0).unwrap_or_default())));
        print_json(&json!({"ticket": TicketJson(&ticket), "next_due": due, "taken": taken}))
    } else {
        let due_text = due.map_or_else(String::new, |d| {
            let now = ctx.now.timestamp();
            let age = crate::cli::output::age((d - now).abs());
            if d < now { format!(" (overdue {age})") } else { format!(" (due in {age})") }
        });
        let title = crate::cli::output::terminal_line(&ticket.title);
        writeln!(anstream::stdout().lock(), "{short}  {title}{due_text}").map_err(CliError::from)
    };
    if taken {
        printed.map_err(|e| e.after_commit(&format!("assigned ticket {id} to {}", asker.person)))?;
        say!("{short}: assigned to {}", asker.person);
        return Ok(());
    }
    printed
}

/// Assigns the first candidate still free (or already yours) to the asker, as
/// one commit; on a moved branch the choice is made again on the new tip.
fn take(
    store: &crate::store::Store,
    author: &Identity,
    committer: &Identity,
    list: &[(Selected, Option<i64>)],
    asker: &Asker<'_>,
) -> Result<(Option<String>, bool)> {
    let mut chosen = None;
    let written = store.write(author, committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(store, tip)?;
        chosen = None;
        for (candidate, _) in list {
            let Ok(id) = store.resolve(tip, &candidate.id) else { continue };
            let mut ticket = store.load_ticket(tip, &id)?;
            if config.is_done(&ticket.status) {
                continue;
            }
            match &ticket.assignee {
                Some(a) if asker.is_me(a) => {
                    chosen = Some(candidate.id.clone());
                    return Ok(None);
                }
                Some(_) => {}
                None => {
                    let before = ticket.clone();
                    ticket.assignee = Some(asker.assignee());
                    ticket.updated = author.time().max(ticket.created);
                    chosen = Some(candidate.id.clone());
                    let mut env = RuleEnv::new(store, Some(tip), &config, author);
                    env.after_change(&rules_of(&config, tip.tree), Some(&before), &mut ticket);
                    let mut change = Change::ticket("assign", &ticket)?;
                    env.sign(&mut change)?;
                    return Ok(Some(change));
                }
            }
        }
        Ok(None)
    })?;
    Ok((chosen, matches!(written, Written::Commit(_))))
}
