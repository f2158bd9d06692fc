//! `desk status`, `resolve`, `close`, `reopen`: move a ticket through the workflow.

use super::bulk::{self, Where};
use super::{ChangeOutput, check_transition, confirm, update_ticket};
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, TicketId, link};
use crate::store::{Change, Identity, Store, StoreError};
use crate::workflow::Config;

/// Set a ticket's status (one of the statuses in desk.yaml).
///
/// The change must be one desk.yaml's workflow allows: a status's `transitions`,
/// when it lists them, name the statuses it may move to, and no ticket goes back
/// to a status of category new. A refused change names the allowed ones (exit 2).
/// A closed ticket is never changed (exit 1): `desk new --follow-up ID` opens a
/// follow-up instead.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    #[arg(value_name = "ID", index = 1)]
    pub id: String,

    /// The new status, e.g. `open`, `pending`, `resolved`.
    #[arg(index = 2, required_unless_present = "query")]
    pub status: Option<String>,
    #[command(flatten)]
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// Shortcut for a status change.
#[derive(Debug, clap::Args)]
pub struct ShortcutArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// `desk resolve`: the shortcut, and resolving the incidents a problem causes.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A problem ticket with incidents: link each incident to the problem with
`desk link INCIDENT PROBLEM --type caused-by`. Resolving the problem on a terminal then
offers to resolve its open incidents too; --cascade does it without asking: each one gets
a reply (-m TEXT, or a line naming the problem) and the solved status, all in one commit.")]
pub struct ResolveArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,
    /// Also resolve, with a reply each, the open tickets linked to it as caused by it.
    #[arg(long)]
    pub cascade: bool,
    /// With --cascade: the reply each incident gets (default: a line naming this ticket).
    #[arg(short = 'm', long = "message", value_name = "TEXT", requires = "cascade")]
    pub message: Option<String>,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// The shortcuts.
#[derive(Clone, Copy, Debug)]
pub enum Shortcut {
    /// To the first status of category solved (`resolved`): the requester has what they asked for.
    Resolve,
    /// To the first status of category closed (`closed`): finished for good.
    Close,
    /// Back to `open` (the workflow's reopen status).
    Reopen,
}

pub fn run(ctx: &Ctx, args: &StatusArgs) -> Result<()> {
    let status = bulk::second_argument(&args.bulk, &args.id, args.status.as_deref(), "the new status")?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    Config::load(&store, &tip)?.check_status(status).map_err(CliError::usage)?;
    let apply = |ticket: &mut Ticket, config: &Config, _: &Identity| {
        if ticket.status == status {
            return Ok(false);
        }
        check_transition(config, &ticket.status, status)?;
        status.clone_into(&mut ticket.status);
        Ok(true)
    };
    if args.bulk.is_set() {
        return bulk::update_where(
            ctx,
            &args.bulk,
            args.output,
            "status",
            &format!("status {status}"),
            apply,
        );
    }
    let updated = update_ticket(&store, &bulk::ticket_ref(&args.id)?, "status", apply)?;
    confirm(&updated, args.output, &format!("status {status}"), &format!("already {status}"))
}

pub fn run_resolve(ctx: &Ctx, args: &ResolveArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let problem = store.load_ticket(&tip, &store.resolve(&tip, &args.id.0)?)?;
    let config = Config::load(&store, &tip)?;
    let open: Vec<TicketId> = incidents(&problem)
        .into_iter()
        .filter(|id| store.load_ticket(&tip, id).is_ok_and(|t| !config.is_done(&t.status)))
        .collect();
    let cascade = args.cascade
        || (!open.is_empty()
            && ctx.interactive()
            && dialoguer::Confirm::new()
                .with_prompt(format!("Also resolve the {} open tickets caused by it?", open.len()))
                .default(false)
                .interact()
                .map_err(|e| CliError::input(format!("no answer: {e}")))?);
    if !cascade {
        let shortcut = ShortcutArgs { id: args.id.clone(), output: args.output };
        run_done(ctx, &shortcut, Shortcut::Resolve)?;
        if !open.is_empty() {
            let n = open.len();
            say!(
                "hint: {n} tickets caused by it are still open; `desk resolve {} --cascade` resolves them",
                args.id.0
            );
        }
        return Ok(());
    }
    cascade_resolve(&store, args)
}

/// The tickets `problem` causes: its `causes:` links.
fn incidents(problem: &Ticket) -> Vec<TicketId> {
    problem
        .links
        .iter()
        .filter_map(|l| {
            link::split(l).filter(|(k, _)| *k == "causes").and_then(|(_, id)| TicketId::parse(id))
        })
        .collect()
}

/// Resolves a problem and every open ticket it causes, each of those with a
/// reply, as one commit.
/// Adds a ticket's file to a change of several tickets.
fn add_ticket(change: &mut Change, t: &Ticket) -> Result<()> {
    let one = Change::ticket("resolve", t)?;
    change.files.extend(one.files);
    change.tickets.extend(one.tickets);
    Ok(())
}

fn cascade_resolve(store: &Store, args: &ResolveArgs) -> Result<()> {
    let (author, committer) = store.signatures()?;
    let now = author.time();
    let mut done: Option<(Ticket, Vec<String>)> = None;
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(store, tip)?;
        let solved = config.solved_status().map(str::to_owned).ok_or_else(|| {
            CliError::config("desk.yaml has no status of category solved or closed")
                .hint("give a status `category: solved` (or closed) under workflow.statuses")
        })?;
        let mut problem = store.load_ticket(tip, &store.resolve(tip, &args.id.0)?)?;
        if config.is_final(&problem.status) {
            return Err(super::closed(&problem.id.as_str()[..6], &problem.status));
        }
        let rules = rules_of(&config, tip.tree);
        let mut env = RuleEnv::new(store, Some(tip), &config, &author);
        let mut change = Change::default();
        let text = args.message.clone().unwrap_or_else(|| {
            format!(
                "This was caused by ticket {} ({}), which is now resolved.",
                &problem.id.as_str()[..6],
                problem.title
            )
        });
        crate::cli::input::check_text("reply text", &text, &config.limits)?;
        let mut resolved = Vec::new();
        for id in incidents(&problem) {
            let Ok(mut t) = store.load_ticket(tip, &id) else { continue };
            if config.is_done(&t.status) {
                continue;
            }
            let before = t.clone();
            t.add_comment(
                crate::cli::commands::person(&author),
                now,
                crate::model::Visibility::Public,
                &text,
            );
            check_transition(&config, &t.status, &solved).map_err(|e| e.for_ticket(id.as_str()))?;
            t.status.clone_from(&solved);
            t.updated = now.max(t.created);
            env.after_change(&rules, Some(&before), &mut t);
            add_ticket(&mut change, &t)?;
            resolved.push(id.to_string());
        }
        if problem.status != solved {
            let before = problem.clone();
            check_transition(&config, &problem.status, &solved)?;
            problem.status.clone_from(&solved);
            problem.updated = now.max(problem.created);
            env.after_change(&rules, Some(&before), &mut problem);
            add_ticket(&mut change, &problem)?;
        }
        if change.files.is_empty() {
            return Ok(None);
        }
        change.summary = format!(
            "{} resolve: {} and {} tickets it caused",
            &problem.id.as_str()[..6],
            problem.title.chars().take(40).collect::<String>(),
            resolved.len()
        );
        env.sign(&mut change)?;
        done = Some((problem, resolved));
        Ok(Some(change))
    })?;
    let Some((problem, resolved)) = done else {
        say!("{}: already resolved, and no ticket it causes is open; nothing to commit", args.id.0);
        return Ok(());
    };
    if args.output.json {
        return crate::cli::output::print_json(&crate::cli::output::TicketJson(&problem));
    }
    say!(
        "{}: status {}; resolved {} tickets it caused",
        &problem.id.as_str()[..6],
        problem.status,
        resolved.len()
    );
    Ok(())
}

pub fn run_done(ctx: &Ctx, args: &ShortcutArgs, which: Shortcut) -> Result<()> {
    let id = &args.id;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let (status, verb) = match which {
        Shortcut::Resolve => (config.solved_status().unwrap_or_default().to_owned(), "resolve"),
        Shortcut::Close => (config.closed_status().unwrap_or_default().to_owned(), "close"),
        Shortcut::Reopen => (config.workflow.reopen.clone(), "reopen"),
    };
    if status.is_empty() {
        return Err(CliError::config("desk.yaml has no status of category solved or closed")
            .hint("give a status `category: solved` (or closed) under workflow.statuses"));
    }
    let updated = update_ticket(&store, id, verb, |ticket, config, _| {
        if matches!(which, Shortcut::Reopen) && !config.is_done(&ticket.status) || ticket.status == status {
            return Ok(false);
        }
        check_transition(config, &ticket.status, &status)?;
        ticket.status.clone_from(&status);
        Ok(true)
    })?;
    let unchanged = if matches!(which, Shortcut::Reopen) {
        format!("is not done (status {})", updated.ticket.status)
    } else {
        format!("already {status}")
    };
    confirm(&updated, args.output, &format!("status {status}"), &unchanged)
}
