//! `desk init`: create the desk branch with its configuration, and register
//! desk's merge driver so plain git merges tickets as `desk sync` does.

use serde::Serialize;

use crate::cli::output::print_json;
use crate::cli::{CliError, Ctx, Result};
use crate::store::{Change, Store, Written};
use crate::workflow::{CONFIG_PATH, Config};

/// Path of the attributes file on the desk branch.
const ATTRIBUTES_PATH: &str = ".gitattributes";
/// The line that routes ticket files to desk's merge driver.
const ATTRIBUTES_LINE: &str = "tickets/** merge=desk";
/// The driver command git runs for each ticket file it merges.
const DRIVER: &str = "desk merge-driver %O %A %B %P";

/// Create the desk branch with desk.yaml and register the merge driver
/// (harmless when run again; run it in every clone).
///
/// The branch is `desk` unless git config `desk.branch` names another; a branch
/// of that name that is not a helpdesk (no desk.yaml) is refused. The
/// branch gets a .gitattributes routing `tickets/**` to merge driver `desk`, and
/// the repository's git config gets `merge.desk.driver`, so `git merge` and
/// `git pull` of the desk branch merge tickets as `desk sync` does. Nothing else
/// in the repository changes: not HEAD, the index or the working tree.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print `{branch, commit, created}` as JSON instead of the message.
    #[arg(long)]
    pub json: bool,
}

/// `desk init --json`. Field names are part of desk's interface (docs/json.md).
#[derive(Serialize)]
struct InitJson<'a> {
    /// The desk branch's name.
    branch: &'a str,
    /// The full id of the branch's commit after init.
    commit: String,
    /// Whether this run created the helpdesk (false: it was there already).
    created: bool,
}

fn print(store: &Store, args: &Args, created: bool) -> Result<()> {
    if !args.json {
        return Ok(());
    }
    let tip = store.require_tip()?;
    print_json(&InitJson { branch: store.branch(), commit: tip.commit.to_string(), created })
}

/// The attributes file with desk's line added, or `None` if it has it.
fn with_driver_line(current: Option<&[u8]>) -> Option<Vec<u8>> {
    let text = current.map(String::from_utf8_lossy).unwrap_or_default();
    if text.lines().any(|l| l.trim() == ATTRIBUTES_LINE) {
        return None;
    }
    let mut out = text.into_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(ATTRIBUTES_LINE);
    out.push('\n');
    Some(out.into_bytes())
}

/// Registers the merge driver in the repository's own git config; returns
/// whether anything changed.
fn register_driver(store: &Store) -> Result<bool> {
    let mut changed = false;
    for (key, value) in [("merge.desk.name", "desk ticket merge"), ("merge.desk.driver", DRIVER)] {
        changed |= store.set_local_config(key, value)?;
    }
    Ok(changed)
}

/// Whether the desk branch already has desk.yaml and the attributes line.
fn complete(store: &Store) -> Result<bool> {
    let Some(tip) = store.tip()? else { return Ok(false) };
    let attributes = store.read_file(tip.tree, ATTRIBUTES_PATH)?;
    Ok(store.read_file(tip.tree, CONFIG_PATH)?.is_some() && with_driver_line(attributes.as_deref()).is_none())
}

/// Refuses a desk branch that exists but is not a helpdesk (a code branch that
/// happens to be called `desk`): desk would add its files on top of that code.
fn check_not_foreign(store: &Store) -> Result<()> {
    let Some(tip) = store.tip()? else { return Ok(()) };
    if store.read_file(tip.tree, CONFIG_PATH)?.is_some() {
        return Ok(());
    }
    let branch = if tip.local {
        format!("branch '{}'", store.branch())
    } else {
        let remote = store.remote_tracking_ref();
        format!("branch '{}'", remote.strip_prefix("refs/remotes/").unwrap_or(&remote))
    };
    Err(CliError::conflict(format!(
        "{branch} already exists and is not a helpdesk (it has no {CONFIG_PATH})"
    ))
    .hint("keep the helpdesk on another branch: `git config desk.branch helpdesk`, then `desk init`"))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    check_not_foreign(&store)?;
    // The driver is registered first: a clone that has everything on the
    // branch (even one with the desk branch checked out) only needs this.
    let registered = register_driver(&store)?;
    if complete(&store)? {
        if !args.json {
            say!("desk is already initialised on branch '{}'", store.branch());
            if registered {
                say!("registered desk's merge driver in the repository's git config (merge.desk.driver)");
            }
        }
        return print(&store, args, false);
    }
    let (author, committer) = store.signatures()?;
    let mut created = false;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let mut files = Vec::new();
        let has_config = match tip {
            Some(tip) => store.read_file(tip.tree, CONFIG_PATH)?.is_some(),
            None => false,
        };
        if !has_config {
            files.push((CONFIG_PATH.to_owned(), Some(Config::default_text().into_bytes())));
        }
        let attributes = match tip {
            Some(tip) => store.read_file(tip.tree, ATTRIBUTES_PATH)?,
            None => None,
        };
        if let Some(bytes) = with_driver_line(attributes.as_deref()) {
            files.push((ATTRIBUTES_PATH.to_owned(), Some(bytes)));
        }
        created = !has_config;
        if files.is_empty() {
            return Ok(None);
        }
        let summary =
            if has_config { "desk init: merge tickets with desk's merge driver" } else { "desk init" };
        Ok(Some(Change { summary: summary.into(), files, tickets: Vec::new(), trailers: Vec::new() }))
    })?;
    let created = created && matches!(written, Written::Commit(_));
    if args.json {
        return print(&store, args, created);
    }
    match written {
        Written::Commit(_) if created => say!("initialised desk on branch '{}'", store.branch()),
        Written::Commit(_) => {
            say!("added .gitattributes for desk's merge driver to branch '{}'", store.branch());
        }
        Written::Unchanged => say!("desk is already initialised on branch '{}'", store.branch()),
    }
    if registered {
        say!("registered desk's merge driver in the repository's git config (merge.desk.driver)");
    }
    Ok(())
}
