//! `desk assign`: say who works on a ticket.

use super::{ChangeOutput, confirm, given_assignee, person, update_ticket};
use crate::cli::input::check_line;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result};
use crate::query::means_nobody;

/// Assign a ticket to someone, to yourself (--me), or to nobody (--none).
///
/// When desk.yaml lists agents, WHO names one of them by any unique part of a
/// name or an email (`ada`, `lovelace`, `ada@example.com`), and the ticket is
/// assigned to the agent's `Name <email>`; a word that matches no agent, or
/// several, is an error listing what it matched. Without agents, WHO is taken as
/// written.
#[derive(Debug, clap::Args)]
// The three forms, ticket first: derived usage would show `[WHO]` as optional.
#[command(override_usage = "desk assign [OPTIONS] <ID> <WHO>\n       \
                            desk assign [OPTIONS] <ID> --me\n       \
                            desk assign [OPTIONS] <ID> --none")]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// Who: an agent (any unique part of a name or email), `Name <email>`, `me` (`@me`) for you, or `none`.
    #[arg(
        value_name = "WHO",
        required_unless_present_any = ["me", "none"],
        conflicts_with_all = ["me", "none"]
    )]
    pub person: Option<String>,

    /// Assign it to yourself (your git user.name and user.email).
    #[arg(long)]
    pub me: bool,

    /// Remove the assignee.
    #[arg(long, conflicts_with = "me")]
    pub none: bool,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(p) = &args.person {
        check_line("assignee", p)?;
    }
    let store = ctx.store()?;
    let updated = update_ticket(&store, &args.id, "assign", |ticket, config, author| {
        let who = if args.none || args.person.as_deref().is_some_and(means_nobody) {
            None
        } else if args.me {
            Some(person(author))
        } else {
            args.person.as_deref().map(|p| given_assignee(p, author, config)).transpose()?
        };
        let changed = ticket.assignee != who;
        ticket.assignee = who;
        Ok(changed)
    })?;
    let done = match &updated.ticket.assignee {
        Some(a) => format!("assigned to {a}"),
        None => "unassigned".to_owned(),
    };
    confirm(&updated, args.output, &done, &format!("already {done}"))
}
