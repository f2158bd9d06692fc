//! `desk link` and `desk unlink`: links between two tickets, kept on both.

use super::{ChangeOutput, closed, short_id, signature_time};
use crate::cli::output::{self, TicketJson};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::Ticket;
use crate::model::link::{self, LINK_TYPES};
use crate::store::{Change, Store, StoreError, Tip, Written};
use crate::workflow::Config;

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

fn link_types() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(LINK_TYPES.map(|(k, _)| k))
}

/// Loads both tickets at `tip`, refusing one ticket twice and a closed one.
fn both(store: &Store, tip: &Tip, a: &TicketRef, b: &TicketRef) -> Result<(Ticket, Ticket)> {
    let config = Config::load(store, tip)?;
    let load = |r: &TicketRef| -> Result<Ticket> {
        let found = store.locate(tip, &r.0)?;
        let t = store.load_blob_ticket(found.blob, &found.id.path())?;
        if config.is_final(&t.status) {
            return Err(closed(&found.id.as_str()[..found.short], &t.status));
        }
        Ok(t)
    };
    let (a, b) = (load(a)?, load(b)?);
    if a.id == b.id {
        return Err(CliError::usage(format!("a ticket cannot be linked to itself ({})", a.id)));
    }
    Ok((a, b))
}

/// Writes the two tickets changed by `change` in one commit; `change` says
/// whether they changed.
fn write_both(
    store: &Store,
    a: &TicketRef,
    b: &TicketRef,
    verb: &str,
    mut change: impl FnMut(&mut Ticket, &mut Ticket) -> bool,
) -> Result<(Ticket, Written)> {
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let mut result = None;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let (mut first, mut second) = both(store, tip, a, b)?;
        let changed = change(&mut first, &mut second);
        let mut out = None;
        if changed {
            first.updated = now.max(first.created);
            second.updated = now.max(second.created);
            let mut commit = Change::ticket(verb, &first)?;
            let other = Change::ticket(verb, &second)?;
            commit.files.extend(other.files);
            commit.tickets.extend(other.tickets);
            out = Some(commit);
        }
        result = Some(first);
        Ok(out)
    })?;
    Ok((result.expect("the write closure ran at least once"), written))
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
    let (ticket, written) = write_both(&store, &args.a, &args.b, "link", |a, b| {
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
        changed
    })?;
    let tip = store.require_tip()?;
    let other = store.resolve(&tip, &args.b.0)?;
    let done =
        format!("{} {} {}", short_id(&store, &tip, &ticket.id), args.kind, short_id(&store, &tip, &other));
    report(&ticket, &written, args.output, &done)
}

pub fn run_unlink(ctx: &Ctx, args: &UnlinkArgs) -> Result<()> {
    let store = ctx.store()?;
    let (ticket, written) = write_both(&store, &args.a, &args.b, "unlink", |a, b| {
        let (before_a, before_b) = (a.links.len(), b.links.len());
        let (ida, idb) = (a.id.clone(), b.id.clone());
        a.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != idb.as_str()));
        b.links.retain(|l| link::split(l).is_none_or(|(_, id)| id != ida.as_str()));
        a.links.len() != before_a || b.links.len() != before_b
    })?;
    let tip = store.require_tip()?;
    let other = store.resolve(&tip, &args.b.0)?;
    let done =
        format!("{}: no links to {}", short_id(&store, &tip, &ticket.id), short_id(&store, &tip, &other));
    report(&ticket, &written, args.output, &done)
}
