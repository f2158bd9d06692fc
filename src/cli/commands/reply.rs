//! `desk reply` and `desk note`: add to a ticket's conversation.

use super::{
    ChangeOutput, check_transition, confirm, given_person, people, person, short_id, signature_time,
    update_ticket,
};
use crate::cli::input::{MessageArgs, check_line, check_text, given_text, required_text};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, Visibility};
use crate::store::Identity;
use crate::workflow::{Config, People};

/// Reply to the requester (a public comment), or record the requester's own message.
///
/// A response (a reply by an agent — by anyone but the requester when desk.yaml
/// lists no agents) to a ticket in the workflow's initial status (new) moves it
/// to the reopen status (open). A message from the requester on a pending,
/// on-hold or solved ticket moves it to the reopen status too. --status says
/// otherwise, within the transitions desk.yaml allows.
///
/// --from records a message someone else wrote — what a requester said on the
/// phone: `--from requester` (the ticket's requester) or `--from "Name <email>"`.
/// The comment's author is that person, and every report counts it as theirs;
/// the commit's author stays you, who typed it.
#[derive(Debug, clap::Args)]
pub struct ReplyArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    #[command(flatten)]
    pub text: MessageArgs,

    /// Also set the ticket's status, e.g. `pending` or `resolved`.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,

    /// Who wrote it: `requester` (the ticket's), or `Name <email>` (default: you).
    #[arg(long, value_name = "PERSON")]
    pub from: Option<String>,
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
    from: Option<&str>,
    output: ChangeOutput,
) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    if let Some(s) = status {
        config.check_status(s).map_err(CliError::usage)?;
    }
    if let Some(f) = from {
        check_line("--from", f)?;
    }
    if visibility == Visibility::Public {
        // Who responds depends on who the agents are.
        people(&config)?;
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
        let writer = writer(from, ticket, author)?;
        let fresh = ticket.add_comment(writer.clone(), signature_time(author), visibility, &body);
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
        } else if visibility == Visibility::Public {
            let people = people(config)?;
            if let Some(s) = status_after_message(config, people, ticket, &writer) {
                ticket.status = s;
            }
        }
        Ok(true)
    })?;
    let done = match (visibility, from) {
        (Visibility::Public, None) => {
            format!("replied (comment {comment_id}), status {}", updated.ticket.status)
        }
        (Visibility::Public, Some(_)) => {
            let by = updated.ticket.comments.last().map_or("", |c| c.author.as_str());
            format!("added a message from {by} (comment {comment_id}), status {}", updated.ticket.status)
        }
        (Visibility::Internal, _) => format!("added internal note {comment_id}"),
    };
    confirm(&updated, output, &done, "")
}

/// Who wrote the message: the acting user, or the person `--from` names
/// (`requester` is the ticket's requester, `me` the user).
fn writer(from: Option<&str>, ticket: &Ticket, author: &Identity) -> Result<String> {
    match from {
        Some(f) if f.trim().eq_ignore_ascii_case("requester") => ticket.requester.clone().ok_or_else(|| {
            CliError::usage(format!("ticket {} has no requester", ticket.id))
                .hint("name the person who wrote it: --from 'Name <email>'")
        }),
        Some(f) => Ok(given_person(f.trim(), author)),
        None => Ok(person(author)),
    }
}

/// The status a public message by `writer` moves the ticket to, by the
/// workflow's own rules: a message from the requester reopens a pending,
/// on-hold or solved ticket; a response moves a ticket in the initial status
/// to the reopen status.
fn status_after_message(config: &Config, people: &People, ticket: &Ticket, writer: &str) -> Option<String> {
    let reopen = || Some(config.workflow.reopen.clone());
    if people.is_requester(writer, ticket.requester.as_deref()) {
        let category = config.category(&ticket.status)?;
        return if category.reopens_on_requester_message() { reopen() } else { None };
    }
    if ticket.status == config.workflow.initial && people.is_response(writer, ticket.requester.as_deref()) {
        return reopen();
    }
    None
}

pub fn run_reply(ctx: &Ctx, args: &ReplyArgs) -> Result<()> {
    let (status, from) = (args.status.as_deref(), args.from.as_deref());
    add(ctx, &args.id, &args.text, Visibility::Public, status, from, args.output)
}

pub fn run_note(ctx: &Ctx, args: &NoteArgs) -> Result<()> {
    add(ctx, &args.id, &args.text, Visibility::Internal, None, None, args.output)
}
