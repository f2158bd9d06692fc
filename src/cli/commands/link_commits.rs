//! `desk link-commits`: commits of a code repository that name tickets in a
//! `Fixes-Ticket:` or `Refs-Ticket:` trailer become internal notes on those
//! tickets, once each; a fix that reached a branch resolves its ticket with a
//! public reply (docs/link-commits.md).

use std::collections::BTreeMap;

use serde_json::json;

use crate::cli::macros::ticket_context;
use crate::cli::output::{Shown, print_json_line};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, Visibility};
use crate::store::{CodeCommit, Oid, Store, StoreError};

/// Link commits of a code repository to the tickets their trailers name.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A commit names tickets in trailers at the end of its message, each with an id or a unique
prefix of 4 or more characters (several separated by commas or spaces):
  Fixes-Ticket: k3x9q2
  Refs-Ticket: 7hc1, p2mw
Each commit becomes an internal note on each ticket it names, once, whatever ranges are
given later. With --resolve-on BRANCH, a ticket named in Fixes-Ticket by a commit that BRANCH
contains is resolved with a public reply (templates/fixed.md on the desk branch, or the
built-in text). Run it from a post-receive hook, a CI job, or by hand (docs/link-commits.md).

Examples:
  desk link-commits                              # every commit reachable from HEAD
  desk link-commits origin/main..HEAD --desk ../helpdesk
  desk link-commits --desk origin                # the desk branch of the remote origin
  desk link-commits --desk git@example.com:it/helpdesk.git
  desk link-commits --resolve-on main")]
pub struct Args {
    /// The commits to read: A..B, or a revision (everything it reaches; default HEAD).
    #[arg(value_name = "RANGE", default_value = "HEAD")]
    pub range: String,
    /// The helpdesk: a repository's path, or a remote (a name of this repository's remotes, or a URL) whose desk branch is fetched, changed and pushed back (default: this repository's desk branch).
    #[arg(long, value_name = "PATH|REMOTE")]
    pub desk: Option<String>,
    /// Resolve the tickets a Fixes-Ticket commit names once BRANCH (of the code repository) contains it.
    #[arg(long, value_name = "BRANCH")]
    pub resolve_on: Option<String>,
    /// Say what would change, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object per ticket changed (or that would be), one per line.
    #[arg(long)]
    pub json: bool,
}

/// How a trailer names a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Refs,
    Fixes,
}

impl Kind {
    fn trailer(self) -> &'static str {
        match self {
            Kind::Fixes => "Fixes-Ticket",
            Kind::Refs => "Refs-Ticket",
        }
    }
}

/// The ticket references in a commit message's trailers (its last paragraph,
/// keys compared without regard to case), in order.
pub fn references(message: &str) -> Vec<(Kind, String)> {
    let last = message.trim_end().rsplit("\n\n").next().unwrap_or_default();
    let mut out = Vec::new();
    for line in last.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let kind = match key.trim().to_ascii_lowercase().as_str() {
            "fixes-ticket" => Kind::Fixes,
            "refs-ticket" => Kind::Refs,
            _ => continue,
        };
        for word in value.split([',', ' ', '\t']).map(str::trim).filter(|w| !w.is_empty()) {
            out.push((kind, word.trim_start_matches('#').to_owned()));
        }
    }
    out
}

/// The first line of a note linking commit `id`: how `desk show` and later
/// runs recognise it.
pub fn note_marker(id: &str) -> String {
    format!("Linked commit {id}")
}

const FIXED: &str = "\
A change that fixes this is now in {{ branch }}: {{ commit.subject }}.

If something is still wrong, reply to this message and the ticket opens again.
";

/// What one ticket gets from this run.
#[derive(Default)]
struct Plan<'c> {
    /// Commits to link, with how they name it.
    link: Vec<(&'c CodeCommit, Kind)>,
    /// The fix that resolves it, if any.
    resolve: Option<&'c CodeCommit>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let code = ctx.store()?;
    let (desk, remote) = open_desk(ctx, &code, args.desk.as_deref())?;
    if let Some(url) = &remote {
        sync_remote(&desk, url, false)?;
    }
    let commits = code.code_commits(&args.range)?;
    // Every commit the branch contains, found in one walk.
    let released = match &args.resolve_on {
        Some(b) => Some(code.ancestry(code.resolve_revision(b)?)?),
        None => None,
    };
    let tip = desk.require_tip()?;
    let config = crate::workflow::Config::load(&desk, &tip)?;
    let plans = plans(&desk, &tip, &commits, released.as_ref())?;
    let branch = args.resolve_on.as_deref().unwrap_or_default();
    let template = match desk.read_file(tip.tree, "templates/fixed.md")? {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => FIXED.to_owned(),
    };
    let ids: Vec<crate::model::TicketId> =
        plans.keys().filter_map(|id| crate::model::TicketId::parse(id)).collect();
    let files = crate::cli::select::ticket_files(&desk, &tip, &ids)?;
    let mut changed = 0usize;
    for (id, plan) in &plans {
        let Some((blob, path)) = files.get(id) else { continue };
        let ticket = desk.load_blob_ticket(*blob, path)?;
        let new: Vec<&(&CodeCommit, Kind)> =
            plan.link.iter().filter(|(c, _)| !linked(&ticket, &c.id.to_string())).collect();
        let resolve = plan.resolve.filter(|_| !config.is_done(&ticket.status));
        if new.is_empty() && resolve.is_none() {
            continue;
        }
        if config.is_final(&ticket.status) {
            say!("warning: ticket {} is closed; commits are not linked to it", &id[..6]);
            continue;
        }
        let reply = match resolve {
            Some(c) => Some(fixed_text(&template, &ticket, c, branch)?),
            None => None,
        };
        let solved = config.solved_status().map(str::to_owned);
        changed += 1;
        say_linked(args, id, &new, resolve)?;
        if args.dry_run {
            continue;
        }
        super::update_ticket(&desk, &TicketRef(id.clone()), "link", |t, config, author| {
            let time = super::signature_time(author);
            for (c, kind) in &new {
                if !linked(t, &c.id.to_string()) {
                    t.add_comment(author.person(), time, Visibility::Internal, &note_text(c, *kind));
                }
            }
            if let (Some(text), Some(s)) = (&reply, &solved)
                && !config.is_done(&t.status)
            {
                t.add_comment(author.person(), time, Visibility::Public, text);
                super::check_transition(config, &t.status, s)?;
                t.status.clone_from(s);
            }
            Ok(true)
        })?;
    }
    if changed == 0 && !args.json {
        say!("nothing to link: {} commit(s) read", commits.len());
    }
    if let Some(url) = &remote
        && changed > 0
        && !args.dry_run
    {
        sync_remote(&desk, url, true)?;
    }
    Ok(())
}

/// What is linked to ticket `id`: a line, or a `commit_link` object with `--json`.
fn say_linked(
    args: &Args,
    id: &str,
    new: &[&(&CodeCommit, Kind)],
    resolve: Option<&CodeCommit>,
) -> Result<()> {
    if args.json {
        print_json_line(&json!({
            "ticket": id,
            "linked": new.iter().map(|(c, k)| json!({"commit": c.id.to_string(), "trailer": k.trailer()})).collect::<Vec<_>>(),
            "resolved": resolve.map(|c| c.id.to_string()),
            "dry_run": args.dry_run,
        }))?;
    } else {
        let what = if resolve.is_some() { ", resolved" } else { "" };
        println!("{}: linked {} commit(s){what}", &id[..6], new.len());
    }
    Ok(())
}

/// The helpdesk `--desk` names: an existing path is a repository opened as it
/// is; anything else a remote of the code repository or a URL, whose desk
/// branch is kept in a copy under the code repository (returned with the URL).
fn open_desk(ctx: &Ctx, code: &Store, desk: Option<&str>) -> Result<(Store, Option<String>)> {
    let Some(given) = desk else { return Ok((ctx.store()?, None)) };
    let path = std::path::Path::new(given);
    if path.exists() {
        let store = Store::open(path).map_err(|e| {
            CliError::from(e).hint(format!("--desk {given}: a repository with a desk branch"))
        })?;
        return Ok((store, None));
    }
    let url = code.remote_url(given).unwrap_or_else(|| given.to_owned());
    let looks_remote = url.contains("://") || url.contains(':') || code.is_named_remote(given);
    if !looks_remote {
        return Err(CliError::usage(format!(
            "--desk {given}: no such directory, and not a remote of this repository"
        ))
        .hint("give the helpdesk's path, a remote's name (`git remote -v`), or a URL"));
    }
    Ok((code.remote_desk_copy(&url)?, Some(url)))
}

/// Brings the copy of a remote helpdesk up to date with it (`push`: and
/// sends it what was written), as `desk sync` does.
fn sync_remote(desk: &Store, url: &str, push: bool) -> Result<()> {
    let (author, committer) = desk.signatures()?;
    let options = crate::store::SyncOptions { remote: Some(url.to_owned()), push };
    desk.sync(&options, &author, &committer, &crate::merge::DeskMerge).map_err(|e| {
        let hint = if push {
            "the notes are kept in the copy and are pushed by the next run"
        } else {
            "check that `git fetch URL` works and that its desk branch exists"
        };
        CliError::from(e).hint(hint)
    })?;
    Ok(())
}

/// What each ticket (by full id) gets from `commits`: the commits that name
/// it, and the first fix among the `released` commits.
fn plans<'c>(
    desk: &Store,
    tip: &crate::store::Tip,
    commits: &'c [CodeCommit],
    released: Option<&std::collections::HashSet<Oid>>,
) -> Result<BTreeMap<String, Plan<'c>>> {
    let mut plans: BTreeMap<String, Plan<'_>> = BTreeMap::new();
    for c in commits {
        for (kind, prefix) in references(&c.message) {
            // The rule of every command line: 4 or more id characters.
            let prefix = match prefix.parse::<TicketRef>() {
                Ok(r) => r.0,
                Err(e) => {
                    say!(
                        "warning: commit {}: {}: {}; skipped",
                        &c.id.to_string()[..10],
                        kind.trailer(),
                        Shown(&e)
                    );
                    continue;
                }
            };
            let id = match desk.resolve(tip, &prefix) {
                Ok(id) => id,
                Err(e @ (StoreError::NoSuchTicket(_) | StoreError::Ambiguous { .. })) => {
                    say!(
                        "warning: commit {}: {}: {}; skipped",
                        &c.id.to_string()[..10],
                        kind.trailer(),
                        Shown(&e.to_string())
                    );
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let plan = plans.entry(id.as_str().to_owned()).or_default();
            if !plan.link.iter().any(|(l, _)| l.id == c.id) {
                plan.link.push((c, kind));
            }
            if kind == Kind::Fixes && released.is_some_and(|r| r.contains(&c.id)) {
                plan.resolve.get_or_insert(c);
            }
        }
    }
    Ok(plans)
}

/// Whether `ticket` has the note of commit `id` already.
fn linked(ticket: &Ticket, id: &str) -> bool {
    let marker = note_marker(id);
    ticket.comments.iter().any(|c| c.body.lines().next() == Some(marker.as_str()))
}

fn subject(c: &CodeCommit) -> &str {
    c.message.lines().next().unwrap_or_default().trim()
}

/// The internal note of commit `c`.
fn note_text(c: &CodeCommit, kind: Kind) -> String {
    let date = chrono::DateTime::from_timestamp(c.time, 0).unwrap_or_default().format("%Y-%m-%d");
    format!(
        "{}\n\n{} by {}, {date} ({})",
        note_marker(&c.id.to_string()),
        subject(c),
        c.author,
        kind.trailer()
    )
}

/// The public reply that resolves a ticket fixed by `c`.
fn fixed_text(template: &str, ticket: &Ticket, c: &CodeCommit, branch: &str) -> Result<String> {
    let mut context = ticket_context(ticket, &ticket.id.as_str()[..6], None);
    let id: Oid = c.id;
    context["commit"] = json!({
        "id": id.to_string(),
        "short": id.to_string()[..10].to_owned(),
        "subject": subject(c),
        "author": c.author,
    });
    context["branch"] = branch.into();
    crate::mail::outgoing::render(template, &context).map_err(|e| {
        CliError::malformed(format!("templates/fixed.md: {e}"))
            .hint("fix the template on the desk branch, or remove it to use the built-in text")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_name_tickets() {
        let m = "Fix the VPN timeout\n\nLonger text.\nFixes-Ticket: mentioned in the body is no trailer\n\n\
                 Fixes-Ticket: k3x9q2, #7hc1\nrefs-ticket: p2mw q9aa\nSigned-off-by: Ann <ann@x>\n";
        assert_eq!(
            references(m),
            [
                (Kind::Fixes, "k3x9q2".into()),
                (Kind::Fixes, "7hc1".into()),
                (Kind::Refs, "p2mw".into()),
                (Kind::Refs, "q9aa".into())
            ]
        );
        assert!(
            references("Fixes-Ticket: k3x9q2").len() == 1,
            "a one-paragraph message is its own trailer block"
        );
        assert!(references("Subject\n\nbody only").is_empty());
    }
}
