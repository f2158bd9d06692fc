//! `desk sync`: exchange the desk branch with a remote.

use serde::Serialize;

use super::short_id;
use crate::cli::output::{ID, print_json};
use crate::cli::{Ctx, Result};
use crate::merge::{DeskMerge, Side};
use crate::model::TicketId;
use crate::store::{Conflict, Store, SyncOptions, SyncReport, SyncState, Tip};

/// Fetch the remote's desk branch, merge it with yours, push the result.
///
/// The remote defaults to the desk branch's upstream (branch.desk.remote), else
/// `origin`; a URL or path works too. Tickets merge field by field: changes made
/// on one side apply, a field changed on both sides takes the later change,
/// labels merge additions and removals, and every reply and note of both sides
/// is kept. Other files merge line by line; where both sides changed the same
/// lines, the later version wins and the other is kept beside it as
/// `<file>.conflict-<commit>`. Every such decision is reported. Fetch and push
/// run `git`, so your ssh keys, credential helpers and `insteadOf` rules apply.
/// Never force-pushes: if the remote moved meanwhile, sync fetches and merges
/// again.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The remote: a configured remote's name, a URL or a path.
    pub remote: Option<String>,

    /// Merge what came in, but do not push.
    #[arg(long)]
    pub no_push: bool,

    /// Print what happened as JSON (see docs/sync.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Traffic {
    commits: usize,
    tickets: Vec<String>,
}

#[derive(Serialize)]
struct ConflictView {
    path: String,
    ticket: Option<String>,
    field: String,
    kept: &'static str,
    kept_value: String,
    dropped_value: String,
    copy: Option<String>,
}

#[derive(Serialize)]
struct LeftOutView {
    path: String,
    problem: String,
}

#[derive(Serialize)]
struct SyncView {
    remote: String,
    branch: String,
    state: &'static str,
    before: Option<String>,
    after: String,
    merge_commit: Option<String>,
    pushed: bool,
    incoming: Traffic,
    outgoing: Traffic,
    conflicts: Vec<ConflictView>,
    left_out: Vec<LeftOutView>,
}

fn ticket_of(path: &str) -> Option<TicketId> {
    TicketId::from_path(path)
}

fn view(r: &SyncReport) -> SyncView {
    let side = |s: Side| if s == Side::Ours { "local" } else { "remote" };
    SyncView {
        remote: r.remote.clone(),
        branch: r.branch.clone(),
        state: r.state.as_str(),
        before: r.before.map(|o| o.to_string()),
        after: r.after.to_string(),
        merge_commit: r.merge_commit.map(|o| o.to_string()),
        pushed: r.pushed,
        incoming: Traffic { commits: r.incoming_commits, tickets: r.incoming_tickets.clone() },
        outgoing: Traffic { commits: r.outgoing_commits, tickets: r.outgoing_tickets.clone() },
        conflicts: r
            .conflicts
            .iter()
            .map(|c| ConflictView {
                path: c.path.clone(),
                ticket: ticket_of(&c.path).map(|t| t.to_string()),
                field: c.field.clone(),
                kept: side(c.kept),
                kept_value: c.kept_value.clone(),
                dropped_value: c.dropped_value.clone(),
                copy: c.copy.clone(),
            })
            .collect(),
        left_out: r
            .left_out
            .iter()
            .map(|u| LeftOutView { path: u.path.clone(), problem: u.problem.clone() })
            .collect(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn describe(store: &Store, tip: &Tip, c: &Conflict) -> String {
    let id = ID;
    let what = match ticket_of(&c.path) {
        Some(t) => format!("{id}{}{id:#}", short_id(store, tip, &t)),
        None => c.path.clone(),
    };
    let side = if c.kept == Side::Ours { "local" } else { "remote" };
    match (c.field.as_str(), &c.copy) {
        ("ticket" | "file", None) => {
            format!("{what}: deleted on one side, changed on the other; kept the {side} change")
        }
        (_, Some(copy)) => format!(
            "{what}: both sides changed the same lines; kept the later {side} version, the other is in {copy}"
        ),
        (field, None) => format!(
            "{what} {field}: both sides changed it; kept the later {side} change {:?} over {:?}",
            c.kept_value, c.dropped_value
        ),
    }
}

/// The lines that say what a sync did: one when nothing moved either way,
/// else what came in (and how it was merged) and what went out.
fn summary(r: &SyncReport) -> Vec<String> {
    let came_in = r.incoming_commits > 0 || r.state != SyncState::UpToDate;
    if !came_in && r.outgoing_commits == 0 {
        return vec![format!("synced '{}' with {}: already up to date", r.branch, r.remote)];
    }
    let incoming = if came_in {
        format!(
            "{}, {} changed ({})",
            plural(r.incoming_commits, "commit", "commits"),
            plural(r.incoming_tickets.len(), "ticket", "tickets"),
            r.state.as_str()
        )
    } else {
        "nothing new".to_owned()
    };
    let outgoing = if r.outgoing_commits == 0 {
        "nothing to push".to_owned()
    } else {
        format!(
            "{}, {} changed, {}",
            plural(r.outgoing_commits, "commit", "commits"),
            plural(r.outgoing_tickets.len(), "ticket", "tickets"),
            if r.pushed { "pushed" } else { "not pushed (--no-push)" }
        )
    };
    vec![
        format!("synced '{}' with {}", r.branch, r.remote),
        format!("  in:  {incoming}"),
        format!("  out: {outgoing}"),
    ]
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let (author, committer) = store.signatures()?;
    let options = SyncOptions { remote: args.remote.clone(), push: !args.no_push };
    let report = store.sync(&options, &author, &committer, &DeskMerge)?;
    if args.json {
        let printed = print_json(&view(&report));
        if report.state == SyncState::UpToDate && !report.pushed {
            return printed;
        }
        let written = format!(
            "synced '{}' with {} ({}{}; the branch is at {})",
            report.branch,
            report.remote,
            report.state.as_str(),
            if report.pushed { ", pushed" } else { "" },
            &report.after.to_string()[..7]
        );
        return printed.map_err(|e| e.after_commit(&written));
    }
    let tip = store.require_tip()?;
    let r = &report;
    for line in summary(r) {
        say!("{line}");
    }
    if !r.conflicts.is_empty() {
        say!("  resolved {}:", plural(r.conflicts.len(), "conflict", "conflicts"));
        for c in &r.conflicts {
            say!("    {}", describe(&store, &tip, c));
        }
    }
    if !r.left_out.is_empty() {
        say!(
            "  left out {} of the remote's branch that desk cannot use:",
            plural(r.left_out.len(), "entry", "entries")
        );
        for u in &r.left_out {
            say!("    {}: {}", u.path, u.problem);
        }
    }
    Ok(())
}
