//! `desk reply` and `desk note`: add to a ticket's conversation.

use super::{ChangeOutput, check_transition, confirm, person, short_id, signature_time, update_ticket};
use crate::cli::input::{MessageArgs, check_text, given_text, required_text};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::Visibility;
use crate::workflow::Config;

/// Reply to the requester (a public comment).
///
/// A reply to a ticket in the workflow's initial status (new) moves it to the
/// reopen status (open) unless --status says otherwise.
#[derive(Debug, clap::Args)]
pub struct ReplyArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    #[command(flatten)]
    pub text: MessageArgs,

    /// Also set the ticket's status, e.g. `pending` or `resolved`.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// Add an internal note (seen by agents only, never by the requester).
#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    #[command(flatten)]
    pub text: MessageArgs,
    #[command(flatten)]
    pub output: ChangeOutput,
}

fn add(
    ctx: &Ctx,
    id: &TicketRef,
    text: &MessageArgs,
    visibility: Visibility,
    status: Option<&str>,
    output: ChangeOutput,
) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    if let Some(s) = status {
        config.check_status(s).map_err(CliError::usage)?;
    }
    let given = given_text(&text.message, text.file.as_ref())?;
    // Resolve the id before asking for text, so a typo fails before the editor opens.
    let short =
        if given.is_none() { short_id(&store, &tip, &store.resolve(&tip, &id.0)?) } else { String::new() };
    let (what, flags, file, verb) = match visibility {
        Visibility::Public => ("reply text", "-m TEXT or -F FILE", "REPLY.md", "reply"),
        Visibility::Internal => ("note text", "-m TEXT or -F FILE", "NOTE.md", "note"),
    };
    let purpose = match visibility {
        Visibility::Public => format!(
            "Write the reply to {short} below, in Markdown: the requester reads it. Save and quit to send \
             it; an empty text sends nothing."
        ),
        Visibility::Internal => format!(
            "Write the internal note on {short} below, in Markdown: agents only. Save and quit to add \
             it; an empty text adds nothing."
        ),
    };
    let body = required_text(ctx, &store, given, what, flags, (file, &purpose))?;
    check_text(what, &body, &config.limits)?;
    let mut comment_id = String::new();
    let updated = update_ticket(&store, id, verb, |ticket, config, author| {
        let fresh = ticket.add_comment(person(author), signature_time(author), visibility, &body);
        // The same comment id on every attempt: when another writer moved the
        // branch without touching this ticket, the retry writes the same file.
        let taken = ticket.comments.iter().any(|c| c.id == comment_id);
        match ticket.comments.last_mut() {
            Some(added) if added.id == fresh && !comment_id.is_empty() && !taken => {
                added.id.clone_from(&comment_id);
            }
            _ => comment_id = fresh,
        }
        if let Some(s) = status {
            check_transition(config, &ticket.status, s)?;
            s.clone_into(&mut ticket.status);
        } else if visibility == Visibility::Public && ticket.status == config.workflow.initial {
            ticket.status.clone_from(&config.workflow.reopen);
        }
        Ok(true)
    })?;
    let done = match visibility {
        Visibility::Public => format!("replied (comment {comment_id}), status {}", updated.ticket.status),
        Visibility::Internal => format!("added internal note {comment_id}"),
    };
    confirm(&updated, output, &done, "")
}

pub fn run_reply(ctx: &Ctx, args: &ReplyArgs) -> Result<()> {
    add(ctx, &args.id, &args.text, Visibility::Public, args.status.as_deref(), args.output)
}

pub fn run_note(ctx: &Ctx, args: &NoteArgs) -> Result<()> {
    add(ctx, &args.id, &args.text, Visibility::Internal, None, args.output)
}
