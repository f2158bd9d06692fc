//! `--where QUERY` of the commands that change a ticket (`set`, `label`,
//! `assign`, `status`): the same change to every ticket a query selects, as
//! one commit.

use std::io::Write as _;

use super::{ChangeOutput, signature_time};
use crate::cli::output::{self, Shown, TicketJson};
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::select;
use crate::cli::strict::Strict;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, TicketId};
use crate::query::Query;
use crate::store::{Change, Identity, StoreError, Written};
use crate::workflow::Config;

/// The options that turn a change of one ticket into a change of many.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Where {
    /// Change every ticket QUERY selects (list query terms, quoted as one
    /// argument), in one commit; the ticket id is then left out.
    #[arg(long = "where", value_name = "QUERY")]
    pub query: Option<String>,

    /// With --where: list what would change, and change nothing.
    #[arg(long, requires = "query")]
    pub dry_run: bool,

    /// With --where: do not ask before changing the tickets (needed without a terminal).
    #[arg(long, short = 'y', requires = "query")]
    pub yes: bool,
}

impl Where {
    /// Whether the command changes the tickets of a query rather than one.
    pub fn is_set(&self) -> bool {
        self.query.is_some()
    }
}

/// The ticket a command names when it is not given `--where` (clap leaves the
/// slot unchecked, since with `--where` it holds the first of the other arguments).
pub fn ticket_ref(id: &str) -> Result<TicketRef> {
    id.parse().map_err(|e: String| CliError::usage(format!("invalid value for '<ID>': {e}")))
}

/// The argument after the ticket of a command such as `desk status ID STATUS`:
/// with `--where` the ticket slot holds it (and a second one is refused).
pub fn second_argument<'a>(
    args: &Where,
    id: &'a str,
    second: Option<&'a str>,
    what: &str,
) -> Result<&'a str> {
    match (second, args.is_set()) {
        (second, true) => {
            no_id_with_where(second.is_some())?;
            Ok(id)
        }
        (Some(second), false) => Ok(second),
        (None, false) => Err(CliError::usage(format!("give {what}"))),
    }
}

/// Refuses a ticket id given together with `--where`.
pub fn no_id_with_where(extra: bool) -> Result<()> {
    if extra {
        return Err(CliError::usage("--where selects the tickets: leave out the ticket id"));
    }
    Ok(())
}

/// What happened to one selected ticket.
struct Outcome {
    ticket: Ticket,
    changed: bool,
}

/// Applies `apply` to every ticket `query` selects and commits the tickets it
/// changed as one commit (`verb` names it, a `Desk-Ticket:` trailer each).
/// Nothing is written when `apply` refuses any ticket: the error names it.
/// Closed tickets are left as they are (a closed ticket is never changed).
pub fn update_where(
    ctx: &Ctx,
    args: &Where,
    output: ChangeOutput,
    verb: &str,
    what: &str,
    mut apply: impl FnMut(&mut Ticket, &Config, &Identity) -> Result<bool>,
) -> Result<()> {
    let text = args.query.as_deref().unwrap_or_default();
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let query = Query::parse(&[text], ctx.zone)?;
    if query.terms.is_empty() {
        return Err(CliError::usage("--where needs a query: it would select every ticket")
            .hint("to change every ticket on purpose, say so: --where 'is:open' or --where 'is:closed'"));
    }
    query.validate(&config)?;
    let selected = select::matching(ctx, &store, &tip, &query, &config, Strict::default())?;
    if selected.is_empty() {
        say!("no tickets match");
        return Ok(());
    }
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let ids: Vec<TicketId> = selected.iter().filter_map(|s| TicketId::parse(&s.id)).collect();
    // Decides every selected ticket on `tip`; `None` for one that is closed or
    // gone. Event rules answer each change; the trailers of what they did come second.
    let mut decide = |tip: &crate::store::Tip, config: &Config| -> Result<(Vec<Option<Outcome>>, Change)> {
        let files = select::ticket_files(&store, tip, &ids)?;
        let rules = rules_of(config, tip.tree);
        let mut env = RuleEnv::new(&store, Some(tip), config, &author);
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            let loaded = files.get(id.as_str()).map(|(blob, path)| store.load_blob_ticket(*blob, path));
            let Some(Ok(mut ticket)) = loaded else {
                out.push(None);
                continue;
            };
            if config.is_final(&ticket.status) {
                out.push(None);
                continue;
            }
            let before = ticket.clone();
            let changed = apply(&mut ticket, config, &author).map_err(|e| e.for_ticket(id.as_str()))?;
            if changed {
                ticket.updated = now.max(ticket.created);
                env.after_change(&rules, Some(&before), &mut ticket);
            }
            out.push(Some(Outcome { ticket, changed }));
        }
        let mut signed = Change::default();
        env.sign(&mut signed)?;
        Ok((out, signed))
    };
    if args.dry_run {
        let (outcomes, _) = decide(&tip, &config)?;
        return print_dry_run(&selected, &outcomes, output);
    }
    if !args.yes {
        confirm_count(ctx, selected.len(), what)?;
    }
    let mut outcomes = Vec::new();
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(&store, tip)?;
        let (decided, mut change) = decide(tip, &config)?;
        outcomes = decided;
        for o in outcomes.iter().flatten().filter(|o| o.changed) {
            let one = Change::ticket(verb, &o.ticket)?;
            change.files.extend(one.files);
            change.tickets.extend(one.tickets);
        }
        if change.tickets.is_empty() {
            return Ok(None);
        }
        change.summary =
            format!("{verb}: {what} for {} tickets where {}", change.tickets.len(), one_line(text));
        Ok(Some(change))
    })?;
    report(&selected, &outcomes, &written, output, what)
}

/// The query as it goes into a commit's first line: one line, without control
/// characters (a terminal shows `git log`), at most 60 characters.
fn one_line(text: &str) -> String {
    let words: Vec<String> =
        text.split_whitespace().map(|w| w.chars().filter(|c| !c.is_control()).collect()).collect();
    let line = words.join(" ");
    if line.chars().count() > 60 { format!("{}…", line.chars().take(59).collect::<String>()) } else { line }
}

/// Asks on a terminal whether to change `count` tickets; without one, refuses
/// (scripts pass `--yes`).
fn confirm_count(ctx: &Ctx, count: usize, what: &str) -> Result<()> {
    let tickets = if count == 1 { "1 ticket".to_owned() } else { format!("{count} tickets") };
    if !ctx.interactive() {
        return Err(CliError::usage(format!("--where selects {tickets}: pass --yes to change them"))
            .hint("--dry-run lists what would change"));
    }
    eprint!("{} for {tickets}? [y/N] ", Shown(what));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        Ok(())
    } else {
        Err(CliError::conflict("nothing changed: not confirmed"))
    }
}

/// `--dry-run`: each selected ticket and whether the change would touch it.
fn print_dry_run(
    selected: &[select::Selected],
    outcomes: &[Option<Outcome>],
    output: ChangeOutput,
) -> Result<()> {
    let state = |o: &Option<Outcome>| match o {
        Some(o) if o.changed => "would change",
        Some(_) => "unchanged",
        None => "closed, left as it is",
    };
    let mut out = std::io::stdout().lock();
    if output.json {
        let items: Vec<serde_json::Value> = selected
            .iter()
            .zip(outcomes)
            .map(|(s, o)| {
                serde_json::json!({
                    "id": s.id,
                    "changed": o.as_ref().is_some_and(|o| o.changed),
                    "skipped": o.is_none(),
                    "ticket": o.as_ref().map(|o| TicketJson(&o.ticket)),
                })
            })
            .collect();
        return output::print_json(&items);
    }
    for (s, o) in selected.iter().zip(outcomes) {
        writeln!(out, "{}  {}  {}", s.short, state(o), Shown(&output::terminal_line(&s.title)))?;
    }
    let changing = outcomes.iter().flatten().filter(|o| o.changed).count();
    drop(out);
    say!("dry run: {changing} of {} selected would change; nothing was written", selected.len());
    Ok(())
}

/// The summary of a bulk change: a line on stderr, or with `--json` every
/// selected ticket as it now is (closed ones as they were).
fn report(
    selected: &[select::Selected],
    outcomes: &[Option<Outcome>],
    written: &Written,
    output: ChangeOutput,
    what: &str,
) -> Result<()> {
    let changed = outcomes.iter().flatten().filter(|o| o.changed).count();
    let skipped = outcomes.iter().filter(|o| o.is_none()).count();
    if output.json {
        let tickets: Vec<&Ticket> = outcomes.iter().flatten().map(|o| &o.ticket).collect();
        let items: Vec<TicketJson<'_>> = tickets.into_iter().map(TicketJson).collect();
        return output::print_json(&items).map_err(|e| match written {
            Written::Commit(c) => {
                e.after_commit(&format!("changed {changed} tickets (commit {})", &c.to_string()[..7]))
            }
            Written::Unchanged => e,
        });
    }
    let closed = if skipped > 0 { format!("; {skipped} closed left as they are") } else { String::new() };
    let nothing = if matches!(written, Written::Unchanged) { "; nothing to commit" } else { "" };
    say!("{changed} of {} tickets: {}{closed}{nothing}", selected.len(), Shown(what));
    Ok(())
}
