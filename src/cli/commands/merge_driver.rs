//! `desk merge-driver`: desk's ticket merge as a git merge driver, so plain
//! `git merge`/`git pull` of the desk branch merges tickets as `desk sync` does.

use std::path::PathBuf;

use crate::cli::{CliError, Result};
use crate::merge::{TextMerge, Times, merge_text, merge_ticket};
use crate::model::{parse_ticket, render_ticket};

/// Merge one file for git (registered by `desk init` as merge driver `desk`).
///
/// git runs `desk merge-driver %O %A %B %P`: the base, ours (where the result is
/// written) and theirs. Ticket files merge field by field; a field both sides
/// changed takes the side whose ticket was updated later. Anything else merges
/// line by line and, on overlapping changes, is left with conflict markers for
/// you to resolve (exit 1).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The merge base's version (%O).
    pub base: PathBuf,
    /// Our version (%A); the result is written here.
    pub ours: PathBuf,
    /// Their version (%B).
    pub theirs: PathBuf,
    /// The path in the repository (%P), for messages.
    pub path: Option<String>,
}

fn read(path: &PathBuf) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::internal(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| CliError::internal(format!("{} is not UTF-8 text", path.display())))
}

pub fn run(args: &Args) -> Result<()> {
    let name = args.path.clone().unwrap_or_else(|| args.ours.display().to_string());
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let write = |text: &str| {
        std::fs::write(&args.ours, text)
            .map_err(|e| CliError::internal(format!("cannot write {}: {e}", args.ours.display())))
    };
    // An empty base: the file was added on both sides.
    let base_ticket = if base.is_empty() { Some(None) } else { parse_ticket(&base).ok().map(Some) };
    if let (Some(b), Ok(o), Ok(t)) = (base_ticket, parse_ticket(&ours), parse_ticket(&theirs))
        && o.id == t.id
    {
        let times = Times::from_updated(Some(&o), Some(&t));
        let merged = merge_ticket(b.as_ref(), Some(&o), Some(&t), &times);
        let ticket = merged.ticket.expect("both sides have the ticket, so the merge keeps it");
        write(&render_ticket(&ticket))?;
        for c in &merged.conflicts {
            say!("desk: {name}: {} changed on both sides; kept {:?}", c.field, c.kept_value);
        }
        return Ok(());
    }
    match merge_text(&base, &ours, &theirs) {
        TextMerge::Clean(text) => write(&text),
        TextMerge::Conflict { marked } => {
            write(&marked)?;
            say!("desk: {name}: both sides changed the same lines; left with conflict markers");
            Err(CliError::conflict(format!("merge conflict in {name}")))
        }
    }
}
