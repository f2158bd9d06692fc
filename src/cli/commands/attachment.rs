//! `desk attachment list|get`: the files attached to a ticket
//! (`attachments/<id>/` on the desk branch; the mail gateway puts them there).

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::json;

use super::{attachments, human_size, short_id};
use crate::cli::error::Kind;
use crate::cli::output::{Shown, print_json};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};

/// List and fetch the files attached to a ticket.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: AttachmentCommand,
}

/// `desk attachment`'s commands.
#[derive(Debug, clap::Subcommand)]
pub enum AttachmentCommand {
    /// List a ticket's attachments: name and size.
    List {
        /// The ticket: its id or a unique prefix of 4 or more characters.
        id: TicketRef,
        /// Print a JSON array of `{name, size, path}`.
        #[arg(long)]
        json: bool,
    },
    /// Write one attachment to a file: NAME in the current directory, or -o FILE (`-o -`: standard output).
    Get {
        /// The ticket: its id or a unique prefix of 4 or more characters.
        #[arg(index = 1)]
        id: TicketRef,
        /// The attachment's name, as `desk attachment list` shows it.
        #[arg(index = 2)]
        name: String,
        /// Where to write it (`-` for standard output).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    match &args.command {
        AttachmentCommand::List { id, json } => {
            let id = store.resolve(&tip, &id.0)?;
            let files = attachments(&store, &tip, &id)?;
            if *json {
                let list: Vec<_> =
                    files.iter().map(|a| json!({"name": a.name, "size": a.size, "path": a.path})).collect();
                return print_json(&list);
            }
            let mut out = std::io::stdout().lock();
            for a in &files {
                writeln!(out, "{}\t{}", Shown(&a.name), human_size(a.size as u64))?;
            }
            if files.is_empty() {
                say!("ticket {} has no attachments", short_id(&store, &tip, &id));
            }
            Ok(())
        }
        AttachmentCommand::Get { id, name, output, force } => {
            let id = store.resolve(&tip, &id.0)?;
            let files = attachments(&store, &tip, &id)?;
            let Some(found) = files.iter().find(|a| a.name == *name) else {
                let names: Vec<&str> = files.iter().map(|a| a.name.as_str()).collect();
                let short = short_id(&store, &tip, &id);
                let err = CliError::new(Kind::NotFound, format!("ticket {short} has no attachment '{name}'"));
                return Err(if names.is_empty() {
                    err
                } else {
                    err.hint(format!("its attachments: {}", names.join(", ")))
                });
            };
            let bytes = store.blob(found.blob)?;
            let target = output.clone().unwrap_or_else(|| PathBuf::from(&found.name));
            if target.as_os_str() == "-" {
                std::io::stdout().lock().write_all(&bytes)?;
                return Ok(());
            }
            if target.exists() && !force {
                return Err(CliError::conflict(format!("{} exists; nothing was written", target.display()))
                    .hint("pass --force to replace it, or -o FILE to write elsewhere"));
            }
            let dir =
                target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| CliError::input(format!("cannot write in {}: {e}", dir.display())))?;
            tmp.write_all(&bytes)?;
            tmp.persist(&target)
                .map_err(|e| CliError::input(format!("cannot write {}: {}", target.display(), e.error)))?;
            say!("wrote {} ({})", target.display(), human_size(bytes.len() as u64));
            Ok(())
        }
    }
}
