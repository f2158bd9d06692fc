//! `desk edit`: change anything in a ticket file, checked before it is committed.

use std::path::PathBuf;

use super::{short_id, signature_time};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result, editor};
use crate::model::render_ticket;
use crate::store::{Change, StoreError, commit_summary, parse_at_path};

/// Edit a ticket file in your editor; it is checked before it is committed.
///
/// Works on a file desk cannot read too (for example one left with git conflict
/// markers), so it is also the way to repair one. An edit that does not parse is
/// refused: the text is kept under .git/desk/ and the error says where.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket (any unique prefix of its id).
    pub id: TicketRef,

    /// Take the new file from FILE (`-` for standard input) instead of the editor.
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, &args.id.0)?;
    let path = id.path();
    let original = store.ticket_text(&tip, &id)?;
    let edited = match &args.file {
        Some(f) if f.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            s
        }
        Some(f) => std::fs::read_to_string(f)
            .map_err(|e| CliError::user(format!("cannot read {}: {e}", f.display())))?,
        None => {
            if !ctx.interactive() {
                return Err(CliError::usage("no terminal to edit on; pass the new file with -F FILE"));
            }
            editor::edit_text(Some(&store), &original, &format!("{id}.md"))?
        }
    };
    let short = short_id(&store, &tip, &id);
    if edited == original {
        say!("{short}: no changes");
        return Ok(());
    }
    let keep = |problem: String| -> CliError {
        let dir = store.cache_dir();
        let kept = dir.join(format!("edit-{id}.md"));
        let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&kept, &edited));
        let err = CliError::user(format!("the edited ticket is not valid: {problem}"));
        match saved {
            Ok(()) => err.hint(format!(
                "your text is kept in {}; fix it there and run `desk edit {short} -F {}`",
                kept.display(),
                kept.display()
            )),
            Err(e) => err.cause(format!("could not keep your text: {e}")),
        }
    };
    let config = store.config(&tip)?;
    let mut ticket = match parse_at_path(&edited, &path) {
        Ok(t) => t,
        Err(StoreError::Malformed { error, .. }) => return Err(keep(error.to_string())),
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = config.check_status(&ticket.status).and_then(|()| config.check_priority(&ticket.priority))
    {
        return Err(keep(e));
    }
    let (author, committer) = store.signatures()?;
    ticket.updated = signature_time(&author).max(ticket.created);
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        if store.ticket_text(tip, &id)? != original {
            return Err(keep("someone changed the ticket while you were editing".into()));
        }
        Ok(Some(Change {
            summary: commit_summary("edit", &ticket),
            files: vec![(path.clone(), Some(render_ticket(&ticket).into_bytes()))],
            tickets: vec![id.clone()],
        }))
    })?;
    say!("{short}: edited");
    Ok(())
}
