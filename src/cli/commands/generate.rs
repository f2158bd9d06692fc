//! `desk generate` (hidden): write the repository's man/ and completions/ from
//! the clap definitions, as `desk man` and `desk completions` print them. A
//! test fails when the committed copies are stale.

use std::path::PathBuf;

use clap::ValueEnum as _;

use super::completions::Shell;
use crate::cli::{Result, complete, manual};

/// Write man/ and completions/ from the command-line definitions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write man/ and completions/ into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// The file a shell's completion script is kept in, under completions/.
fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "desk.bash",
        Shell::Zsh => "_desk",
        Shell::Fish => "desk.fish",
        Shell::Elvish => "desk.elv",
        Shell::Powershell => "_desk.ps1",
    }
}

/// Every generated file: its path below the output directory and its bytes.
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        manual::pages().into_iter().map(|(name, bytes)| (format!("man/{name}"), bytes)).collect();
    for &shell in Shell::value_variants() {
        files.push((format!("completions/{}", completion_file(shell)), complete::registration(shell.name())));
    }
    files
}

pub fn run(args: &Args) -> Result<()> {
    for (path, bytes) in generated_files() {
        let path = args.out.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
        say!("wrote {}", path.display());
    }
    Ok(())
}
