//! `desk edit`: change anything in a ticket file, checked before it is committed.

use std::path::PathBuf;

use super::{ChangeOutput, closed, person, short_id, signature_time};
use crate::cli::error::Kind;
use crate::cli::input::{check_not_binary, check_text, check_title};
use crate::cli::output::{TicketJson, print_json};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result, editor};
use crate::model::{Ticket, TicketId};
use crate::store::{Change, Store, StoreError, Tip, parse_at_path};
use crate::workflow::{Config, Limits};

/// Edit a ticket file in your editor; it is checked before it is committed.
///
/// Deleting the section of a reply or note removes it for good: the file keeps a
/// removal marker (`<!-- desk:removed ID TIME WHO -->`) so that no sync or merge
/// brings it back, and `desk log` shows who removed it.
///
/// A closed ticket cannot be edited, and a status change in the file must be one
/// desk.yaml's workflow allows (as with `desk status`).
///
/// Works on a file desk cannot read too (for example one left with git conflict
/// markers), so it is also the way to repair one. An edit that does not parse is
/// refused: the text is kept under .git/desk/ and the error says where.
///
/// The editor (VISUAL, EDITOR, git's core.editor, else vi on a terminal) opens the
/// file under a comment `<!-- desk: … -->` that desk removes again; saving the file
/// unchanged, or emptying it, changes nothing.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// Take the new file from FILE (`-` for standard input) instead of the editor.
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(flatten)]
    pub output: ChangeOutput,
}

/// The new text of the file: from `-F`, or from the editor (`None`: the user
/// emptied the file, which changes nothing).
fn edited_text(
    ctx: &Ctx,
    args: &Args,
    store: &Store,
    tip: &Tip,
    id: &TicketId,
    original: &str,
) -> Result<Option<String>> {
    match &args.file {
        Some(f) if f.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            Ok(Some(s))
        }
        Some(f) => std::fs::read_to_string(f)
            .map(Some)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", f.display()))),
        None => {
            if !editor::can_edit(ctx, Some(store)) {
                return Err(CliError::usage(
                    "no terminal to edit on and no editor set; pass the new file with -F FILE, or set VISUAL or EDITOR",
                ));
            }
            let short = short_id(store, tip, id);
            let header = editor::header(&format!(
                "Editing ticket {short}. Save and quit to commit your change; quit without saving, or \
                 empty the file, to change nothing."
            ));
            let edited = editor::edit_text(Some(store), &header, original, &format!("{id}.md"))?;
            if edited.trim().is_empty() {
                say!("{short}: the file is empty; nothing changed");
                return Ok(None);
            }
            Ok(Some(edited))
        }
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, &args.id.0)?;
    let path = id.path();
    let original = store.ticket_text(&tip, &id)?;
    let config = Config::load(&store, &tip)?;
    // A file desk could not read before the edit has no comments to compare with.
    let before = parse_at_path(&original, &path).ok();
    if let Some(b) = before.as_ref().filter(|b| config.is_final(&b.status)) {
        return Err(closed(&short_id(&store, &tip, &id), &b.status));
    }
    let Some(edited) = edited_text(ctx, args, &store, &tip, &id, &original)? else { return Ok(()) };
    let short = short_id(&store, &tip, &id);
    if edited == original {
        if args.output.json {
            return print_json(&TicketJson(&store.load_ticket(&tip, &id)?));
        }
        say!("{short}: no changes");
        return Ok(());
    }
    let keep = |problem: String| -> CliError {
        let dir = store.cache_dir();
        let kept = dir.join(format!("edit-{id}.md"));
        let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&kept, &edited));
        let err = CliError::malformed(format!("the edited ticket is not valid: {problem}"));
        match saved {
            Ok(()) => err.hint(format!(
                "your text is kept in {}; fix it there and run `desk edit {short} -F {}`",
                kept.display(),
                kept.display()
            )),
            Err(e) => err.cause(format!("could not keep your text: {e}")),
        }
    };
    check_not_binary("edited ticket file", &edited)?;
    let mut ticket = match parse_at_path(&edited, &path) {
        Ok(t) => t,
        Err(StoreError::Malformed { error, .. }) => return Err(keep(error.to_string())),
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = config.check_status(&ticket.status).and_then(|()| config.check_priority(&ticket.priority))
    {
        return Err(keep(e));
    }
    if let Some(Err(e)) = before.as_ref().map(|b| config.check_transition(&b.status, &ticket.status)) {
        return Err(keep(e.to_string()));
    }
    let (author, committer) = store.signatures()?;
    check_new_text(&ticket, before.as_ref(), &config.limits)?;
    if let Some(before) = &before {
        ticket.record_removals(before, &person(&author), signature_time(&author)).map_err(keep)?;
    }
    ticket.updated = signature_time(&author).max(ticket.created);
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        if store.ticket_text(tip, &id)? != original {
            let raced = keep("someone changed the ticket while you were editing".into());
            return Err(CliError { kind: Kind::Conflict, ..raced });
        }
        Ok(Some(Change::ticket("edit", &ticket)?))
    })?;
    if args.output.json {
        return print_json(&TicketJson(&ticket));
    }
    say!("{short}: edited");
    Ok(())
}

/// Checks the title and texts an edit changed against the limits (texts it left
/// alone stay, even when a limit was lowered since they were written).
fn check_new_text(ticket: &Ticket, before: Option<&Ticket>, limits: &Limits) -> Result<()> {
    if before.is_none_or(|b| b.title != ticket.title) {
        check_title(&ticket.title, limits)?;
    }
    if before.is_none_or(|b| b.description != ticket.description) {
        check_text("description", &ticket.description, limits)?;
    }
    for c in &ticket.comments {
        let unchanged = before.is_some_and(|b| b.comments.iter().any(|o| o.id == c.id && o.body == c.body));
        if !unchanged {
            check_text(&format!("text of comment {}", c.id), &c.body, limits)?;
        }
    }
    Ok(())
}
