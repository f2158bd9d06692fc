//! The one error type the binary reports: what happened, why, and what to do,
//! with the exit code decided in one place.

use std::fmt;

use crate::query::QueryError;
use crate::store::StoreError;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for an error.
pub const EXIT_ERROR: i32 = 1;
/// Exit code for a usage error (bad arguments, bad query).
pub const EXIT_USAGE: i32 = 2;
/// Exit code of a check that found problems (`desk doctor`).
pub const EXIT_PROBLEMS: i32 = 3;
/// Exit code when a change was committed but its output (an id, JSON) could not
/// be written: the change stands, and running the command again would repeat it.
pub const EXIT_OUTPUT_LOST: i32 = 4;

/// Kinds of failure, which decide the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Something the user can fix: unknown ticket, not initialised, bad file.
    User,
    /// The command line itself is wrong.
    Usage,
    /// A check ran and found problems; its report was printed already.
    Problems,
    /// Output went to a closed pipe: not an error.
    ClosedPipe,
    /// A change was committed, but its output could not be written.
    OutputLost,
    /// git or the system failed.
    Internal,
}

/// An error as the user sees it.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    pub fn user(message: impl Into<String>) -> Self {
        CliError { kind: Kind::User, message: message.into(), causes: Vec::new(), hints: Vec::new() }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError { kind: Kind::Usage, ..CliError::user(message) }
    }

    pub fn problems() -> Self {
        CliError { kind: Kind::Problems, ..CliError::user("") }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    #[must_use]
    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// This error, met while writing the output of a change that is already
    /// committed (`written` says what was written, e.g. `created ticket k3x9q2hm7d
    /// (commit 1a2b3c4)`), becomes [`Kind::OutputLost`]: a closed or full stdout
    /// must not read as a failed change to a script that would then repeat it.
    #[must_use]
    pub fn after_commit(self, written: &str) -> CliError {
        let reason = match self.kind {
            Kind::ClosedPipe => "standard output was closed".to_owned(),
            _ => self.message,
        };
        CliError {
            kind: Kind::OutputLost,
            message: format!("{written}, but its output could not be written: {reason}"),
            causes: self.causes,
            hints: vec!["the change is saved; do not run the command again".to_owned()],
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::User | Kind::Internal => EXIT_ERROR,
            Kind::Usage => EXIT_USAGE,
            Kind::Problems => EXIT_PROBLEMS,
            Kind::ClosedPipe => EXIT_OK,
            Kind::OutputLost => EXIT_OUTPUT_LOST,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let hint = e.hint();
        let kind = match e {
            StoreError::Git(_) => Kind::Internal,
            _ => Kind::User,
        };
        let mut err = CliError { kind, message: e.to_string(), causes: Vec::new(), hints: Vec::new() };
        if let Some(h) = hint {
            err = err.hint(h);
        }
        err
    }
}

impl From<QueryError> for CliError {
    fn from(e: QueryError) -> Self {
        CliError::usage(e.0)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError { kind: Kind::ClosedPipe, ..CliError::user("") }
        } else {
            CliError { kind: Kind::Internal, ..CliError::user(e.to_string()) }
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        }
        CliError { kind: Kind::Internal, ..CliError::user(e.to_string()) }
    }
}
