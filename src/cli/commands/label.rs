//! `desk label`: add and remove labels.

use super::bulk::{self, Where};
use super::{ChangeOutput, confirm, update_ticket};
use crate::cli::changes::LabelChanges;
use crate::cli::{CliError, Ctx, Result};

/// Add labels (`name` or `+name`) and remove them (`-name`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    // With --where this slot holds the first change, which may be `-name`.
    #[arg(value_name = "ID", index = 1, allow_hyphen_values = true)]
    pub id: String,

    /// `+name` or `name` adds a label, `-name` removes one.
    #[arg(
        value_name = "[+|-]LABEL",
        index = 2,
        required_unless_present = "query",
        allow_hyphen_values = true,
        num_args = 1..
    )]
    pub changes: Vec<String>,
    #[command(flatten)]
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    // With --where the ticket slot holds the first change.
    let given: Vec<&String> = if args.bulk.is_set() {
        std::iter::once(&args.id).chain(&args.changes).collect()
    } else {
        args.changes.iter().collect()
    };
    // Changes may start with `-`, so clap reads a `--json` (or `--yes`, `--dry-run`)
    // after one as one more change; no label can be named so, so it is the flag.
    let flag = |name: &str| given.iter().any(|c| *c == name);
    let output = ChangeOutput { json: args.output.json || flag("--json") };
    let bulk = Where {
        yes: args.bulk.yes || flag("--yes"),
        dry_run: args.bulk.dry_run || flag("--dry-run"),
        ..args.bulk.clone()
    };
    if !bulk.is_set() && (bulk.yes || bulk.dry_run) {
        let flag = if bulk.dry_run { "--dry-run" } else { "--yes" };
        return Err(CliError::usage(format!("{flag} goes with --where QUERY")));
    }
    let changes: Vec<&String> =
        given.into_iter().filter(|c| !matches!(c.as_str(), "--json" | "--yes" | "--dry-run")).collect();
    let changes = LabelChanges::parse(&changes)?;
    if bulk.is_set() {
        return bulk::update_where(ctx, &bulk, output, "label", &changes.describe(), |ticket, _, _| {
            Ok(changes.apply(ticket).0)
        });
    }
    let store = ctx.store()?;
    // Labels asked to be removed that the ticket does not have (the closure may
    // run again on a newer tip, so it starts afresh each time).
    let mut missing: Vec<&str> = Vec::new();
    let updated = update_ticket(&store, &bulk::ticket_ref(&args.id)?, "label", |ticket, _, _| {
        let (touched, absent) = changes.apply(ticket);
        missing = absent;
        Ok(touched)
    })?;
    for l in &missing {
        let id = crate::cli::output::ID;
        anstream::eprintln!("warning: {id}{}{id:#} has no label '{l}'", updated.short);
    }
    let labels =
        if updated.ticket.labels.is_empty() { "none".to_owned() } else { updated.ticket.labels.join(", ") };
    confirm(&updated, output, &format!("labels {labels}"), &format!("labels already {labels}"))
}
