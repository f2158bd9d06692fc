//! `desk reply` and `desk note`: add to a ticket's conversation.

use super::{
    ChangeOutput, check_transition, confirm, given_person, people, person, short_id, signature_time,
    status_after_message, update_ticket,
};
use crate::cli::editor;
use crate::cli::input::{MessageArgs, check_line, check_text, given_text, required_text};
use crate::cli::macros;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, Visibility, normalise_text};
use crate::store::{Identity, Store, Tip};
use crate::workflow::Config;
use crate::workflow::macros::Macro;

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

    /// Write the reply with macro NAME (macros/NAME.md): its text for this ticket (opened
    /// in the editor first on a terminal) and its field changes, in the same commit.
    #[arg(long = "macro", value_name = "NAME", conflicts_with_all = ["message", "file", "from"])]
    pub macro_name: Option<String>,

    /// Put the public link of knowledge-base article SLUG (public ones only) at the end
    /// of the reply: `[Title](BASE/kb/SLUG/)`, BASE being desk.yaml's `portal.base_url`.
    /// Repeat for more; without -m or -F the links are the whole reply.
    #[arg(long = "kb", value_name = "SLUG", conflicts_with = "macro_name")]
    pub kb: Vec<String>,
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

/// What is added, and how.
struct Adding<'a> {
    visibility: Visibility,
    status: Option<&'a str>,
    from: Option<&'a str>,
    macro_name: Option<&'a str>,
    /// Knowledge-base articles whose links end the reply.
    kb: &'a [String],
}

fn add(ctx: &Ctx, id: &TicketRef, text: &MessageArgs, how: &Adding<'_>, output: ChangeOutput) -> Result<()> {
    let Adding { visibility, status, from, macro_name, kb } = *how;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let chosen = macro_name.map(|name| macros::load(&store, &tip, name)).transpose()?;
    let macro_changes = chosen.as_ref().map(|m| macros::changes(m, &config)).transpose()?;
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
    let given = match &chosen {
        Some(m) => Some(macro_text(ctx, &store, &tip, id, m)?),
        None => given_text(&text.message, text.file.as_ref())?,
    };
    let given = with_links(&store, &tip, &config, given, kb)?;
    // Resolve the id before asking for text, so a typo fails before the editor opens.
    let short =
        if given.is_none() { short_id(&store, &tip, &store.resolve(&tip, &id.0)?) } else { String::new() };
    let (what, flags, file, verb) = match visibility {
        Visibility::Public => ("reply text", "-m TEXT or -F FILE", "REPLY.md", "reply"),
        Visibility::Internal => ("note text", "-m TEXT or -F FILE", "NOTE.md", "note"),
    };
    let purpose = editor::purpose(visibility, &short);
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
        // A macro's changes come last: its `status=pending` is the status the reply leaves.
        if let Some(changes) = &macro_changes {
            macros::apply(changes, ticket, config, author)?;
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

/// `text` followed by the public links of the articles `kb` names (the links
/// alone without a text); `text` as it is without articles.
fn with_links(
    store: &Store,
    tip: &Tip,
    config: &Config,
    text: Option<String>,
    kb: &[String],
) -> Result<Option<String>> {
    if kb.is_empty() {
        return Ok(text);
    }
    let links = kb
        .iter()
        .map(|slug| crate::cli::kb::public_link(store, tip, config, slug))
        .collect::<Result<Vec<_>>>()?
        .join("\n");
    Ok(Some(match text {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{links}", text.trim_end()),
        _ => links,
    }))
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

pub fn run_reply(ctx: &Ctx, args: &ReplyArgs) -> Result<()> {
    let how = Adding {
        visibility: Visibility::Public,
        status: args.status.as_deref(),
        from: args.from.as_deref(),
        macro_name: args.macro_name.as_deref(),
        kb: &args.kb,
    };
    add(ctx, &args.id, &args.text, &how, args.output)
}

pub fn run_note(ctx: &Ctx, args: &NoteArgs) -> Result<()> {
    let how =
        Adding { visibility: Visibility::Internal, status: None, from: None, macro_name: None, kb: &[] };
    add(ctx, &args.id, &args.text, &how, args.output)
}

/// A macro's reply for the ticket `id` as it is at `tip`; on a terminal with
/// an editor, the rendered text is opened there first to be checked.
fn macro_text(ctx: &Ctx, store: &Store, tip: &Tip, id: &TicketRef, m: &Macro) -> Result<String> {
    let found = store.locate(tip, &id.0)?;
    let ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
    let short = &found.id.as_str()[..found.short];
    let (author, _) = store.signatures()?;
    let text = macros::render(m, &ticket, short, &author)?;
    if ctx.interactive() && editor::can_edit(ctx, Some(store)) {
        let purpose = format!(
            "The reply to {short} from macro '{}', below: change it as needed. Save and quit to send it; \
             an empty text sends nothing.",
            m.name
        );
        let header = editor::header(&purpose);
        return Ok(normalise_text(&editor::edit_text(Some(store), &header, &text, "REPLY.md")?));
    }
    Ok(text)
}
