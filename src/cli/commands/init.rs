//! `desk init`: create the desk branch with its configuration.

use crate::cli::{Ctx, Result};
use crate::store::{Change, Written};
use crate::workflow::{CONFIG_PATH, Config};

/// Create the desk branch with desk.yaml (harmless when run again).
///
/// The branch is `desk` unless git config `desk.branch` names another. Nothing
/// else in the repository changes: not HEAD, the index or the working tree.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let (author, committer) = store.signatures()?;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        if let Some(tip) = tip
            && store.read_file(tip.tree, CONFIG_PATH)?.is_some()
        {
            return Ok(None);
        }
        Ok(Some(Change {
            summary: "desk init".into(),
            files: vec![(CONFIG_PATH.into(), Some(Config::default_text().into_bytes()))],
            tickets: Vec::new(),
        }))
    })?;
    match written {
        Written::Commit(_) => eprintln!("initialised desk on branch '{}'", store.branch()),
        Written::Unchanged => eprintln!("desk is already initialised on branch '{}'", store.branch()),
    }
    Ok(())
}
