//! What a listing does with a ticket file desk cannot read: by default it is
//! left out with a warning on stderr (the other tickets still list, exit 0);
//! with `--strict`, for CI, it is an error (kind `malformed`, exit 1).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::{CliError, Result};

/// How many ticket files were left out since [`take_left_out`] was last asked.
static LEFT_OUT: AtomicUsize = AtomicUsize::new(0);

/// How many unreadable ticket files listings left out since the last call.
pub fn take_left_out() -> usize {
    LEFT_OUT.swap(0, Ordering::Relaxed)
}

/// The `--strict` flag of commands that read every ticket (`list`, `report`).
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct Strict {
    /// Fail (exit 1) on a ticket file desk cannot read, instead of leaving it out with a warning.
    #[arg(long)]
    pub strict: bool,

    /// Leave such a file out without the warning, only counting it
    /// ([`take_left_out`]): for the terminal UI, whose screen a line on stderr
    /// would break, and which shows the count instead.
    #[arg(skip)]
    pub quiet: bool,
}

impl Strict {
    /// Reports a ticket file desk cannot read (`path`, `line`, what is wrong):
    /// a `warning:` line on stderr, or with `--strict` the error to return —
    /// before anything was printed on stdout.
    pub fn malformed(self, path: &str, line: usize, message: &str) -> Result<()> {
        if self.strict {
            return Err(CliError::malformed(format!("{path}: line {line}: {message}")).hint(
                "`desk doctor` lists every problem and `desk edit ID` repairs a file; without --strict the other tickets are listed",
            ));
        }
        LEFT_OUT.fetch_add(1, Ordering::Relaxed);
        if self.quiet {
            return Ok(());
        }
        say!(
            "warning: {}: line {line}: {}",
            crate::cli::output::Shown(path),
            crate::cli::output::Shown(message)
        );
        Ok(())
    }
}
