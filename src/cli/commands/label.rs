//! `desk label`: add and remove labels.

use super::{ChangeOutput, confirm, update_ticket};
use crate::cli::input::check_label;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};

/// Add labels (`name` or `+name`) and remove them (`-name`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// `+name` or `name` adds a label, `-name` removes one.
    #[arg(value_name = "[+|-]LABEL", required = true, allow_hyphen_values = true, num_args = 1..)]
    pub changes: Vec<String>,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut add = Vec::new();
    let mut remove = Vec::new();
    // Changes may start with `-`, so clap reads a `--json` after one as one more
    // change; no label can be named `--json`, so it is the flag.
    let output = ChangeOutput { json: args.output.json || args.changes.iter().any(|c| c == "--json") };
    for change in args.changes.iter().filter(|c| *c != "--json") {
        if let Some(l) = change.strip_prefix('-') {
            check_label(l)?;
            remove.push(l.to_owned());
        } else {
            let l = change.strip_prefix('+').unwrap_or(change);
            check_label(l)?;
            add.push(l.to_owned());
        }
    }
    if let Some(both) = add.iter().find(|l| remove.contains(l)) {
        return Err(CliError::usage(format!("label '{both}' is both added and removed")));
    }
    let store = ctx.store()?;
    // Labels asked to be removed that the ticket does not have (the closure may
    // run again on a newer tip, so it starts afresh each time).
    let mut missing: Vec<&str> = Vec::new();
    let updated = update_ticket(&store, &args.id, "label", |ticket, _, _| {
        missing.clear();
        let mut changed = false;
        for l in &add {
            changed |= ticket.add_label(l);
        }
        for l in &remove {
            if ticket.remove_label(l) {
                changed = true;
            } else {
                missing.push(l);
            }
        }
        Ok(changed)
    })?;
    for l in &missing {
        let id = crate::cli::output::ID;
        anstream::eprintln!("warning: {id}{}{id:#} has no label '{l}'", updated.short);
    }
    let labels =
        if updated.ticket.labels.is_empty() { "none".to_owned() } else { updated.ticket.labels.join(", ") };
    confirm(&updated, output, &format!("labels {labels}"), &format!("labels already {labels}"))
}
