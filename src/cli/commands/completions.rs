//! `desk completions SHELL`: print the script that makes a shell complete desk.

use std::io::Write as _;

use crate::cli::{Result, complete};

/// Print the completion script for SHELL on standard output
///
/// The script asks desk itself for completions as you type, so it completes
/// commands and options, and also ticket ids, statuses, priorities, queues,
/// labels and people from your helpdesk (from desk.yaml and the list index).
/// Install it once:
///
///   bash:  desk completions bash > ~/.local/share/bash-completion/completions/desk
///   zsh:   echo 'source <(desk completions zsh)' >> ~/.zshrc
///   fish:  desk completions fish > ~/.config/fish/completions/desk.fish
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells desk completes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl Shell {
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Elvish => "elvish",
            Shell::Powershell => "powershell",
        }
    }
}

pub fn run(args: &Args) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(&complete::registration(args.shell.name()))?;
    out.flush()?;
    Ok(())
}
