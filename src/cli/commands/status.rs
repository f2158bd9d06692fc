//! `desk status`, `resolve`, `close`, `reopen`: move a ticket through the workflow.

use super::bulk::{self, Where};
use super::{ChangeOutput, check_transition, confirm, update_ticket};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::Ticket;
use crate::store::Identity;
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
