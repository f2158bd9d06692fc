//! `desk link` and `desk unlink`: links between two tickets, kept on both.

use super::{ChangeOutput, short_id, write_two};
use crate::cli::output::{self, TicketJson};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::Ticket;
use crate::model::link::{self, LINK_TYPES};
use crate::store::Written;

/// Link two tickets: both show the link, each from its side (`parent-of` on A, `child-of` on B).
///
/// Types: relates (the default), duplicate-of, parent-of, child-of, blocks, blocked-by,
/// caused-by, causes, duplicated-by. A ticket's links are a set: links added in two clones
/// are both kept when they sync. Query them with `linked:ID` (a link to that ticket) or
/// `linked:TYPE` (`linked:child-of`: tickets that have a parent).
#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The ticket that gets the link of TYPE.
    pub a: TicketRef,
    /// The ticket it links to (it gets the inverse type).
    pub b: TicketRef,
    /// The link's type, as A sees B.
    #[arg(long = "type", value_name = "TYPE", default_value = "relates", value_parser = link_types())]
    pub kind: String,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// Remove every link between two tickets, on both.
#[derive(Debug, clap::Args)]
pub struct UnlinkArgs {
    pub a: TicketRef,
    pub b: TicketRef,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// The types a person gives; `merged-into`/`merged-from` are `desk merge`'s.
fn link_types() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        LINK_TYPES.iter().map(|(k, _)| *k).filter(|k| !k.starts_with("merged-")),
    )
}

fn report(ticket: &Ticket, written: &Written, output: ChangeOutput, done: &str) -> Result<()> {
    if output.json {
        return output::print_json(&TicketJson(ticket)).map_err(|e| match written {
            Written::Commit(c) => e.after_commit(&format!("{done} (commit {})", &c.to_string()[..7])),
            Written::Unchanged => e,
        });
    }
    match written {
        Written::Commit(_) => say!("{}", output::Shown(done)),
        Written::Unchanged => say!("{}; nothing to commit", output::Shown(done)),
    }
    Ok(())
}

pub fn run_link(ctx: &Ctx, args: &LinkArgs) -> Result<()> {
    let store = ctx.store()?;
    let inverse = link::inverse(&args.kind).ok_or_else(|| CliError::usage("unknown link type"))?;
    let (ticket, _, written) = write_two(&store, &args.a, &args.b, "link", |a, b, _, _| {
        let forward = link::value(&args.kind, &b.id);
        let back = link::value(inverse, &a.id);
        let mut changed = false;
        if !a.links.contains(&forward) {
            a.links.push(forward);
            changed = true;
        }
        if !b.links.contains(&back) {
            b.links.push(back);
            changed = true;
        }
        Ok(changed)
    })?;
    let tip = store.require_tip()?;
    let other = store.resolve(&tip, &args.b.0)?;
    let done =
        format!("{} {} {}", short_id(&store, &tip, &ticket.id), args.kind, short_id(&store, &tip, &other));
    report(&ticket, &written, args.output, &done)
}

pub fn run_unlink(ctx: &Ctx, args: &UnlinkArgs) -> Result<()> {
    let store = ctx.store()?;
    let (ticket, _, written) = write_two(&store, &args.a, &args.b, "unlink", |a, b, _, _| {
        let (before_a, before_b) = (a.links.len(), b.links.len());
        let (ida, idb) = (a.id.clone(), b.id.clone());
        a.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != idb.as_str()));
        b.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != ida.as_str()));
        Ok(a.links.len() != before_a || b.links.len() != before_b)
    })?;
    let tip = store.require_tip()?;
    let other = store.resolve(&tip, &args.b.0)?;
    let done =
        format!("{}: no links to {}", short_id(&store, &tip, &ticket.id), short_id(&store, &tip, &other));
    report(&ticket, &written, args.output, &done)
}
