//! `desk assign`: say who works on a ticket.

use super::bulk::{self, Where};
use super::{ChangeOutput, confirm, given_assignee, person, update_ticket};
use crate::cli::input::check_line;
use crate::cli::{CliError, Ctx, Result};
use crate::model::Ticket;
use crate::query::means_nobody;
use crate::store::Identity;
use crate::workflow::Config;

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
                            desk assign [OPTIONS] <ID> --none\n       \
                            desk assign [OPTIONS] --where <QUERY> <WHO>")]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    #[arg(value_name = "ID", index = 1, required_unless_present = "query")]
    pub id: Option<String>,

    /// Who: an agent (any unique part of a name or email), `Name <email>`, `me` (`@me`) for you, or `none`.
    #[arg(
        value_name = "WHO",
        index = 2,
        required_unless_present_any = ["me", "none", "query"],
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
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    // With --where the ticket slot holds WHO.
    let (id, who) = if args.bulk.is_set() {
        bulk::no_id_with_where(args.person.is_some())?;
        if args.id.is_none() && !args.me && !args.none {
            return Err(CliError::usage("give who: WHO, --me or --none"));
        }
        if args.id.is_some() && (args.me || args.none) {
            return Err(CliError::usage("give who once: WHO, --me or --none"));
        }
        (None, args.id.as_deref())
    } else {
        let id = args.id.as_deref().ok_or_else(|| CliError::usage("give the ticket id"))?;
        (Some(bulk::ticket_ref(id)?), args.person.as_deref())
    };
    if let Some(p) = who {
        check_line("assignee", p)?;
    }
    let apply = |ticket: &mut Ticket, config: &Config, author: &Identity| {
        let who = if args.none || who.is_some_and(means_nobody) {
            None
        } else if args.me {
            Some(person(author))
        } else {
            who.map(|p| given_assignee(p, author, config)).transpose()?
        };
        let changed = ticket.assignee != who;
        ticket.assignee = who;
        Ok(changed)
    };
    let Some(id) = id else {
        let what = if args.none || who.is_some_and(means_nobody) {
            "unassigned".to_owned()
        } else if args.me {
            "assigned to me".to_owned()
        } else {
            format!("assigned to {}", who.unwrap_or_default())
        };
        return bulk::update_where(ctx, &args.bulk, args.output, "assign", &what, apply);
    };
    let store = ctx.store()?;
    let updated = update_ticket(&store, &id, "assign", apply)?;
    let done = match &updated.ticket.assignee {
        Some(a) => format!("assigned to {a}"),
        None => "unassigned".to_owned(),
    };
    confirm(&updated, args.output, &done, &format!("already {done}"))
}
