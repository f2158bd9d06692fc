//! `desk man DIR`: write the man pages.

use std::path::PathBuf;

use crate::cli::{CliError, Result, manual};

/// Write the man pages (desk.1 and one per command, desk-list.1, …) into DIR.
///
/// For example, for your user: `desk man ~/.local/share/man/man1`, then
/// `man desk-list` (add ~/.local/share/man to MANPATH if man does not find it).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to write into; it is created if missing.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn run(args: &Args) -> Result<()> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", args.dir.display())))?;
    let pages = manual::pages();
    for (name, bytes) in &pages {
        let path = args.dir.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
    }
    eprintln!("wrote {} man pages to {}", pages.len(), args.dir.display());
    Ok(())
}
