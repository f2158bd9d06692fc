//! What the terminal UI shows, read from the desk branch: a queue (from the
//! list index, never the ticket files), sorted by the next SLA due time as
//! `desk next` sorts; one ticket with its SLA clocks; and the few facts of
//! desk.yaml the screens and pickers need.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::ansi;
use crate::cli::select::{self, Selected};
use crate::cli::strict::{self, Strict};
use crate::cli::worklist::{self, Asker, Scope};
use crate::cli::{Ctx, Result, clocks, output, ticket_text};
use crate::model::Ticket;
use crate::query::{ClockFacts, Query};
use crate::sla::ClockKind;
use crate::sla::ledger::TicketClocks;
use crate::store::{Oid, Store};
use crate::workflow::{Category, Config};

/// One ticket of a queue: what the index says of it and when it is due.
#[derive(Clone, Debug)]
pub struct Row {
    pub ticket: Selected,
    /// The next due time of its SLA clocks (Unix seconds).
    pub due: Option<i64>,
    /// Where its clocks stand; `None` without SLA policies.
    pub clocks: Option<ClockFacts>,
}

/// The facts of desk.yaml the screens need: styles of statuses and priorities,
/// and the choices of the pickers.
#[derive(Clone, Debug, Default)]
pub struct Desk {
    /// The git user, `Name <email>`.
    pub me: String,
    /// The statuses, in workflow order (not the merged ones: `desk merge` merges).
    pub statuses: Vec<String>,
    /// The statuses the workflow allows a ticket in each status to move to.
    pub moves: HashMap<String, Vec<String>>,
    pub priorities: Vec<String>,
    /// Macros: name and description.
    pub macros: Vec<(String, String)>,
    pub styles: HashMap<String, ratatui::style::Style>,
    /// Whether desk.yaml has SLA policies desk can use (the DUE column).
    pub clocks: bool,
}

impl Desk {
    /// The facts of `config` for `me`, with the macros of the desk branch
    /// (name, description); `clocks`: whether SLA clocks are shown.
    pub fn of(config: &Config, me: String, macros: Vec<(String, String)>, clocks: bool) -> Desk {
        let mut styles = HashMap::new();
        let statuses: Vec<&str> = config
            .workflow
            .statuses
            .iter()
            .filter(|s| s.category != Category::Merged)
            .map(|s| s.name.as_str())
            .collect();
        for s in &statuses {
            styles.insert(format!("status:{s}"), ansi::style(output::status_style(config, s)));
        }
        let moves = statuses
            .iter()
            .map(|from| {
                let to = statuses.iter().filter(|to| config.check_transition(from, to).is_ok());
                ((*from).to_owned(), to.map(|s| (*s).to_owned()).collect())
            })
            .collect();
        for p in &config.priorities.levels {
            styles.insert(format!("priority:{p}"), ansi::style(output::priority_style(config, p)));
        }
        Desk {
            me,
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            moves,
            // Most urgent first, as people pick them.
            priorities: config.priorities.levels.iter().rev().cloned().collect(),
            macros,
            styles,
            clocks,
        }
    }

    /// The style of a status or a priority (`kind` is `status` or `priority`).
    pub fn style(&self, kind: &str, value: &str) -> ratatui::style::Style {
        self.styles.get(&format!("{kind}:{value}")).copied().unwrap_or_default()
    }
}

/// A queue as loaded at one tip.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub tip: Option<Oid>,
    pub rows: Vec<Row>,
    pub desk: Desk,
    /// Ticket files desk cannot read, left out (`desk doctor` names them).
    pub unreadable: usize,
}

/// The query typed in the query bar, as the queue applies it: like `desk
/// list`, only tickets that are not done unless it names a status.
pub fn parse_query(ctx: &Ctx, text: &str, config: &Config) -> Result<Query> {
    let query = Query::parse(&[text], ctx.zone)?;
    query.validate(config)?;
    if query.names_state() {
        return Ok(query);
    }
    let mut open = Query::parse(&["is:open"], ctx.zone)?;
    open.terms.extend(query.terms);
    Ok(open)
}

/// The tickets in `scope` that `query` selects at the branch's tip, in the
/// order of work (`desk next`'s): the next due time first.
pub fn load(ctx: &Ctx, store: &Store, scope: Scope, query: &str) -> Result<Loaded> {
    let tip = store.require_tip()?;
    let config = Config::load(store, &tip)?;
    let query = parse_query(ctx, query, &config)?;
    let (author, _) = store.signatures()?;
    let asker = Asker::new(author.person(), &config)?;
    let quiet = Strict { strict: false, quiet: true };
    strict::take_left_out();
    let found =
        select::matching_where(ctx, store, &tip, &query, &config, quiet, |s| asker.in_scope(scope, s))?;
    let unreadable = strict::take_left_out();
    let mut ledger = clocks::clock_ledger(ctx, store, &tip, &config, query.has_clock_terms())?;
    let mut rows = Vec::with_capacity(found.len());
    for ticket in found {
        let (due, facts) = match ledger.as_mut() {
            Some(ledger) => {
                let judged = ledger.clocks(&ticket.id)?;
                (judged.next_due(), Some(judged.facts()))
            }
            None => (None, None),
        };
        if facts.is_none_or(|f| query.matches_clocks(&f)) {
            rows.push(Row { ticket, due, clocks: facts });
        }
    }
    worklist::sort_by_due(&config, &mut rows, |r| (&r.ticket, r.due));
    let macros = crate::cli::macros::all(store, &tip)?
        .into_iter()
        .flatten()
        .map(|m| (m.name, m.description.unwrap_or_default()))
        .collect();
    let desk = Desk::of(&config, asker.person, macros, ledger.is_some() && clocks::has_policies(&config));
    Ok(Loaded { tip: Some(tip.commit), rows, desk, unreadable })
}

/// One ticket as the ticket view shows it.
#[derive(Clone, Debug)]
pub struct TicketPage {
    pub id: String,
    pub short: String,
    pub title: String,
    pub status: String,
    pub priority: String,
    /// The text with desk's ANSI styles (as `desk show` prints it, with the
    /// SLA clocks after the fields).
    pub text: String,
}

/// The ticket `id` at the branch's tip.
pub fn ticket(ctx: &Ctx, store: &Store, id: &str) -> Result<TicketPage> {
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, id)?;
    let ticket = store.load_ticket(&tip, &id)?;
    let short = crate::cli::commands::short_id(store, &tip, &id);
    let (head, conversation) =
        ticket_text::parts(store, &tip, &ticket, &short, ctx.now.timestamp(), ctx.zone)?;
    let config = Config::load(store, &tip)?;
    let sla = match clocks::clock_ledger(ctx, store, &tip, &config, false)? {
        Some(mut ledger) => sla_lines(&ledger.clocks(id.as_str())?, ctx.now.timestamp()),
        None => String::new(),
    };
    Ok(page(&ticket, short, head + &sla + &conversation))
}

fn page(ticket: &Ticket, short: String, text: String) -> TicketPage {
    TicketPage {
        id: ticket.id.to_string(),
        short,
        title: ticket.title.clone(),
        status: ticket.status.clone(),
        priority: ticket.priority.clone(),
        text,
    }
}

/// The SLA clocks of a ticket as field lines: its policy and when it is next
/// due, then each clock (`met`, `1h 10m left`, `breached 2h 5m`, …).
pub fn sla_lines(judged: &TicketClocks, now: i64) -> String {
    let Some(policy) = judged.policy() else { return String::new() };
    let due = match judged.next_due() {
        Some(d) if d < now => format!(", overdue since {} ago", output::age(now - d)),
        Some(d) => format!(", next due in {}", output::age(d - now)),
        None => String::new(),
    };
    let mut out = ticket_text::field_line("SLA", &format!("policy {policy}{due}"));
    for kind in ClockKind::ALL {
        let (text, style) = clocks::clock_cell(judged.clocks().find(|c| c.kind == kind));
        let name = kind.name().replace('_', " ");
        let _ = writeln!(out, "{:<10} {name:<15} {style}{text}{style:#}", "");
    }
    out
}
