//! The pager, as git runs one: `show`, `log`, `list` and `report` send their
//! standard output through it when it is a terminal. The command is the first
//! set of `GIT_PAGER`, git's `core.pager`, `PAGER`, else `less`; an empty one
//! or `cat` means none. It runs through `sh -c` with `LESS=FRX` and `LV=-c`
//! unless those are set (quit when the text fits on one screen, keep colours,
//! leave the text on the screen), and desk's standard output becomes the
//! pager's input until desk is done.

use std::io::Write as _;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::{CliError, Result};

/// The pager command to run, from the environment and git's `core.pager`;
/// `None` when paging is off (`cat`, or empty).
pub fn command(
    env: impl Fn(&str) -> Option<String>,
    core_pager: impl FnOnce() -> Option<String>,
) -> Option<String> {
    let chosen =
        env("GIT_PAGER").or_else(core_pager).or_else(|| env("PAGER")).unwrap_or_else(|| "less".to_owned());
    let trimmed = chosen.trim();
    (!trimmed.is_empty() && trimmed != "cat").then(|| chosen.clone())
}

/// A running pager that desk's standard output is connected to.
pub struct Pager {
    child: Child,
    /// desk's standard output before the pager took it (the terminal).
    terminal: OwnedFd,
}

impl Pager {
    /// Starts `command` and connects desk's standard output to it.
    pub fn start(command: &str) -> Result<Pager> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command).stdin(Stdio::piped());
        for (name, value) in [("LESS", "FRX"), ("LV", "-c")] {
            if std::env::var_os(name).is_none() {
                cmd.env(name, value);
            }
        }
        let mut child =
            cmd.spawn().map_err(|e| CliError::config(format!("cannot start the pager '{command}': {e}")))?;
        let input = child.stdin.take().expect("the pager's input is piped");
        std::io::stdout().flush()?;
        let stdout = std::io::stdout();
        let terminal = rustix::io::dup(&stdout).map_err(std::io::Error::from)?;
        rustix::stdio::dup2_stdout(&input).map_err(std::io::Error::from)?;
        drop(input);
        // Ctrl-C is for the pager (less stops a search with it); desk goes on
        // writing or waiting rather than leaving the pager behind on the terminal.
        let interrupted = Arc::new(AtomicBool::new(false));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted);
        Ok(Pager { child, terminal })
    }

    /// Gives the pager the end of its input, waits until the user quits it, and
    /// gives desk its standard output back.
    pub fn finish(mut self) {
        let _ = std::io::stdout().flush();
        // Pointing standard output back at the terminal closes the pager's input.
        let _ = rustix::stdio::dup2_stdout(&self.terminal);
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(vars: &[(&str, &str)], core: Option<&str>) -> Option<String> {
        let env = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
        command(env, || core.map(str::to_owned))
    }

    #[test]
    fn the_pager_is_chosen_as_git_chooses_it() {
        assert_eq!(pick(&[], None).as_deref(), Some("less"));
        assert_eq!(pick(&[("PAGER", "more")], None).as_deref(), Some("more"));
        assert_eq!(pick(&[("PAGER", "more")], Some("most")).as_deref(), Some("most"));
        assert_eq!(pick(&[("PAGER", "more"), ("GIT_PAGER", "pg")], Some("most")).as_deref(), Some("pg"));
        assert_eq!(pick(&[("PAGER", "cat")], None), None);
        assert_eq!(pick(&[("PAGER", "")], None), None);
        assert_eq!(pick(&[("GIT_PAGER", " ")], Some("most")), None, "an empty GIT_PAGER turns paging off");
    }
}
