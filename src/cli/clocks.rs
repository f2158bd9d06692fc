//! SLA clocks for the commands that show or filter by them (`sla`, `list`,
//! `report`, `next`, `tui`): the moment of `--as-of`, the ledger of `--policy`,
//! and how a ticket's next due time and its clocks read in a table.

use anstyle::{AnsiColor, Style};

use crate::cli::output::{self, duration};
use crate::cli::{CliError, Ctx, Result};
use crate::query::ClockFacts;
use crate::sla::config::Problem;
use crate::sla::ledger::{Ledger, Moment};
use crate::sla::{ClockStatus, Cycle};
use crate::store::{CONFIG_PATH, Store, Tip};
use crate::time::When;
use crate::workflow::Config;

/// `--as-of DATE|REV` as a moment of evaluation: a day is evaluated at its
/// end, an instant just before it, a revision at its commit time with only the
/// history it contains.
pub fn moment(ctx: &Ctx, store: &Store, as_of: Option<&str>) -> Result<Moment> {
    let now = ctx.now.timestamp();
    let Some(v) = as_of else { return Ok(Moment { now, within: None }) };
    match crate::time::parse_when(v, ctx.zone) {
        // A day is evaluated at its end, as `report --until DAY` includes the day.
        Ok(When::Day(_, end)) => Ok(Moment { now: end - 1, within: None }),
        Ok(When::Instant(t)) => Ok(Moment { now: t - 1, within: None }),
        Ok(When::Age(a)) => Ok(Moment { now: now - a - 1, within: None }),
        Err(_) => {
            let commit = store.resolve_revision(v)?;
            Ok(Moment { now: store.commit_info(commit)?.1, within: Some(commit) })
        }
    }
}

/// Opens the ledger for `--as-of` and `--policy`, refusing policies with problems.
pub fn open_ledger<'s>(
    ctx: &Ctx,
    store: &'s Store,
    tip: &Tip,
    as_of: Option<&str>,
    policy: Option<&str>,
) -> Result<Ledger<'s>> {
    let at = moment(ctx, store, as_of)?;
    let policy = policy.map(|rev| store.resolve_revision(rev)).transpose()?;
    let ledger = Ledger::open(store, tip, at, policy)?;
    match ledger.problem() {
        Some(problem) => Err(policy_error(problem)),
        None => Ok(ledger),
    }
}

/// The error for a calendar or policy desk cannot use.
pub fn policy_error(problem: &Problem) -> CliError {
    CliError::config(format!("{CONFIG_PATH}: {}: {}", problem.path, problem.message))
        .hint("`desk config check` lists every problem of desk.yaml")
}

/// The ledger of SLA clocks for a listing (`desk list`, `desk tui`): one that
/// must work when the query or the sort needs clocks (`needed`), else one for
/// the DUE column, when desk.yaml has policies desk can read (a broken policy
/// leaves the column out rather than fail).
pub fn clock_ledger<'s>(
    ctx: &Ctx,
    store: &'s Store,
    tip: &Tip,
    config: &Config,
    needed: bool,
) -> Result<Option<Ledger<'s>>> {
    if needed {
        return open_ledger(ctx, store, tip, None, None).map(Some);
    }
    if !has_policies(config) {
        return Ok(None);
    }
    let ledger = Ledger::open(store, tip, Moment { now: ctx.now.timestamp(), within: None }, None)?;
    Ok(ledger.problem().is_none().then_some(ledger))
}

/// Whether the desk.yaml lists SLA policies (so tables show when tickets are due).
pub fn has_policies(config: &Config) -> bool {
    config.other.get("sla").and_then(serde_yaml::Value::as_sequence).is_some_and(|s| !s.is_empty())
}

/// A ticket's next due time for a table: the business time left (`2h 10m`),
/// `overdue 1h 5m`, `paused`, or `-`.
pub fn due_cell(facts: &ClockFacts) -> (String, Style) {
    match facts.due_in {
        Some(d) if d < 0 => {
            (format!("overdue {}", output::duration(-d)), Style::new().fg_color(Some(AnsiColor::Red.into())))
        }
        Some(d) if facts.warning => {
            (output::duration(d), Style::new().fg_color(Some(AnsiColor::Yellow.into())))
        }
        Some(d) => (output::duration(d), Style::new()),
        None if facts.paused => ("paused".into(), Style::new().dimmed()),
        None => ("-".into(), Style::new()),
    }
}

/// A clock for a table (`desk sla`) or a ticket (`desk tui`): `met`, `breached 2h 5m`, `1h 10m left`, `paused`, `-`.
pub fn clock_cell(c: Option<&Cycle>) -> (String, Style) {
    let Some(c) = c else { return ("-".into(), Style::new()) };
    let red = Style::new().fg_color(Some(AnsiColor::Red.into()));
    match (c.status, c.remaining) {
        (ClockStatus::Breached, Some(r)) => (format!("breached {}", duration(-r)), red),
        (ClockStatus::Running, Some(r)) => (format!("{} left", duration(r)), Style::new()),
        (ClockStatus::Paused, Some(r)) => (format!("paused, {} left", duration(r)), Style::new().dimmed()),
        (ClockStatus::Met, _) => ("met".into(), Style::new().dimmed()),
        _ => ("-".into(), Style::new()),
    }
}
