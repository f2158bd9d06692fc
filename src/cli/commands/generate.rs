//! `desk generate` (hidden): write the man pages and shell completions from the
//! clap definitions. A test fails when the committed copies are stale.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, Result};

/// Write man/ and completions/ from the command-line definitions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write man/ and completions/ into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

fn man_page(cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).expect("rendering to memory cannot fail");
    buf
}

/// Every generated file: its path below the output directory and its bytes.
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut files = vec![("man/desk.1".to_owned(), man_page(cmd.clone()))];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let name = format!("desk-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).bin_name(format!("desk {}", sub.get_name()));
        files.push((format!("man/{name}.1"), man_page(page)));
    }
    for (shell, file) in [
        (Shell::Bash, "desk.bash"),
        (Shell::Zsh, "_desk"),
        (Shell::Fish, "desk.fish"),
        (Shell::Elvish, "desk.elv"),
        (Shell::PowerShell, "_desk.ps1"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "desk", &mut buf);
        files.push((format!("completions/{file}"), buf));
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
