//! The one error type the binary reports: what happened, why, and what to do,
//! with its kind — which decides the exit code and the `kind` CI scripts read
//! in the JSON error object — decided in one place.

use std::fmt;

use serde::Serialize;

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

/// Kinds of failure. A kind decides the exit code and is named in the JSON
/// error object (docs/json.md lists them); every error desk reports has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The command line is wrong: an unknown option, a bad value or query,
    /// input missing without a terminal.
    Usage,
    /// No ticket matches the id, or no agent the name.
    NotFound,
    /// The id prefix matches several tickets, or the name several agents.
    Ambiguous,
    /// No helpdesk here: not a git repository, or no desk branch with desk.yaml.
    NotInitialised,
    /// A ticket file or desk.yaml desk cannot read, or a change whose result
    /// desk could not read back.
    Malformed,
    /// Text desk refuses or cannot read: binary, over a limit, an unreadable file.
    Input,
    /// The state of the repository stands in the way: the desk branch is
    /// checked out or kept moving, the ticket changed during an edit, a merge
    /// conflict, a directory that is not empty.
    Conflict,
    /// Set-up is missing or wrong: git's user identity, desk.yaml, the editor.
    Config,
    /// Fetching from or pushing to a remote failed.
    Remote,
    /// git (libgit2) failed.
    Git,
    /// The system failed (I/O) or desk has a bug.
    Internal,
    /// A check ran and found problems; its report was printed already.
    Problems,
    /// Output went to a closed pipe: not an error.
    ClosedPipe,
    /// A change was committed, but its output could not be written.
    OutputLost,
}

impl Kind {
    /// The name in the JSON error object; `None` for outcomes that print no error.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Usage => "usage",
            Kind::NotFound => "not_found",
            Kind::Ambiguous => "ambiguous",
            Kind::NotInitialised => "not_initialised",
            Kind::Malformed => "malformed",
            Kind::Input => "input",
            Kind::Conflict => "conflict",
            Kind::Config => "config",
            Kind::Remote => "remote",
            Kind::Git => "git",
            Kind::Internal => "internal",
            Kind::OutputLost => "output_lost",
            Kind::Problems | Kind::ClosedPipe => return None,
        })
    }

    /// The process's exit code.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage => EXIT_USAGE,
            Kind::Problems => EXIT_PROBLEMS,
            Kind::ClosedPipe => EXIT_OK,
            Kind::OutputLost => EXIT_OUTPUT_LOST,
            Kind::NotFound
            | Kind::Ambiguous
            | Kind::NotInitialised
            | Kind::Malformed
            | Kind::Input
            | Kind::Conflict
            | Kind::Config
            | Kind::Remote
            | Kind::Git
            | Kind::Internal => EXIT_ERROR,
        }
    }

    /// Every kind that is reported as an error, for docs and tests.
    pub const REPORTED: [Kind; 12] = [
        Kind::Usage,
        Kind::NotFound,
        Kind::Ambiguous,
        Kind::NotInitialised,
        Kind::Malformed,
        Kind::Input,
        Kind::Conflict,
        Kind::Config,
        Kind::Remote,
        Kind::Git,
        Kind::Internal,
        Kind::OutputLost,
    ];
}

/// An error as the user sees it.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
    /// An exit code other than the kind's (`desk mail import` speaks sysexits to MTAs).
    pub exit: Option<i32>,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        CliError { kind, message: message.into(), causes: Vec::new(), hints: Vec::new(), exit: None }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Kind::Usage, message)
    }

    pub fn input(message: impl Into<String>) -> Self {
        CliError::new(Kind::Input, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        CliError::new(Kind::Conflict, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        CliError::new(Kind::Config, message)
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        CliError::new(Kind::Malformed, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        CliError::new(Kind::Internal, message)
    }

    pub fn problems() -> Self {
        CliError::new(Kind::Problems, "")
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

    /// The error about one ticket of a change of many, naming it.
    #[must_use]
    pub fn for_ticket(mut self, id: &str) -> CliError {
        self.message = format!("ticket {id}: {}", self.message);
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
            exit: None,
        }
    }

    /// This error, ending the process with `code` instead of its kind's code.
    #[must_use]
    pub fn with_exit(mut self, code: i32) -> CliError {
        self.exit = Some(code);
        self
    }

    /// An outcome already reported that ends the process with `code`.
    pub fn exit_with(code: i32) -> CliError {
        CliError::problems().with_exit(code)
    }

    pub fn exit_code(&self) -> i32 {
        self.exit.unwrap_or_else(|| self.kind.exit_code())
    }

    /// The JSON error object (`{"error": {kind, message, hint, causes}}`), or
    /// `None` for outcomes that print no error.
    pub fn json(&self) -> Option<ErrorJson<'_>> {
        let kind = self.kind.name()?;
        let hint = (!self.hints.is_empty()).then(|| self.hints.join("\n"));
        Some(ErrorJson { error: ErrorDetail { kind, message: &self.message, hint, causes: &self.causes } })
    }
}

/// `{"error": …}` as printed on stderr with `--json`. Field names are part of
/// desk's interface (docs/json.md).
#[derive(Debug, Serialize)]
pub struct ErrorJson<'a> {
    pub error: ErrorDetail<'a>,
}

/// The error object's fields.
#[derive(Debug, Serialize)]
pub struct ErrorDetail<'a> {
    pub kind: &'static str,
    pub message: &'a str,
    /// What to do, or `null`; several hints are joined by newlines.
    pub hint: Option<String>,
    /// The chain of underlying errors, outermost first (often empty).
    pub causes: &'a [String],
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let hint = e.hint();
        // Every variant is named, so a new one cannot go without a kind.
        let kind = match &e {
            StoreError::NotARepository(_) | StoreError::NotInitialised(_) => Kind::NotInitialised,
            StoreError::NoSuchTicket(_) | StoreError::NoSuchRevision(_) => Kind::NotFound,
            StoreError::Ambiguous { .. } => Kind::Ambiguous,
            StoreError::Malformed { .. } | StoreError::Unwritable { .. } => Kind::Malformed,
            StoreError::Identity | StoreError::BadIdentity { .. } | StoreError::BadDate { .. } => {
                Kind::Config
            }
            StoreError::CheckedOut(..) | StoreError::Contended(_) | StoreError::StaleLock { .. } => {
                Kind::Conflict
            }
            StoreError::Remote { .. } | StoreError::RemoteLocked { .. } => Kind::Remote,
            StoreError::Git(_) | StoreError::WriteObject { .. } => Kind::Git,
        };
        let mut err = CliError::new(kind, e.to_string());
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
            CliError::new(Kind::ClosedPipe, "")
        } else {
            CliError::internal(e.to_string())
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        }
        CliError::internal(e.to_string())
    }
}

/// The usage error clap reported, as desk reports errors: its message, its
/// tips and the usage line as hints.
pub fn from_clap(e: &clap::Error) -> CliError {
    let text = e.render().to_string();
    let mut paragraphs = text.split("\n\n");
    // The first paragraph is the message; it goes on over indented lines
    // (the arguments that were not provided).
    let first = paragraphs.next().unwrap_or_default();
    let message: Vec<&str> = first.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    // `invalid value 'x' for '--by <FIELD>' [possible values: …]`: the values are a hint.
    let (message, values) = match message.split_once(" [possible values: ") {
        Some((m, v)) => (m, v.strip_suffix(']')),
        None => (message, None),
    };
    let mut err = CliError::usage(message);
    if let Some(values) = values {
        err = err.hint(format!("possible values: {values}"));
    }
    let mut usage: Vec<&str> = Vec::new();
    let mut more = None;
    for line in paragraphs.flat_map(str::lines) {
        let line = line.trim();
        if let Some(tip) = line.strip_prefix("tip: ") {
            err = err.hint(tip);
        } else if let Some(values) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            err = err.hint(values);
        } else if let Some(u) = line.strip_prefix("Usage: ") {
            usage.push(u);
        } else if line.starts_with("desk ") && !usage.is_empty() {
            usage.push(line);
        } else if line.starts_with("For more information") {
            more = Some(line);
        }
    }
    if !usage.is_empty() {
        err = err.hint(format!("usage: {}", usage.join(" | ")));
    }
    if let Some(more) = more {
        err = err.hint(more);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reported_kind_has_a_distinct_name_and_exits_non_zero() {
        let names: Vec<&str> = Kind::REPORTED.iter().filter_map(|k| k.name()).collect();
        assert_eq!(names.len(), Kind::REPORTED.len());
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for k in Kind::REPORTED {
            assert_ne!(k.exit_code(), EXIT_OK, "{k:?}");
        }
        assert_eq!(Kind::Problems.name(), None);
        assert_eq!(Kind::ClosedPipe.name(), None);
    }

    #[test]
    fn the_json_object_has_a_null_hint_when_there_is_none() {
        let err = CliError::input("too long");
        let json = serde_json::to_value(err.json().unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"kind": "input", "message": "too long", "hint": null, "causes": []}})
        );
        let err = CliError::usage("bad").hint("one").hint("two").cause("deep");
        let json = serde_json::to_value(err.json().unwrap()).unwrap();
        assert_eq!(json["error"]["hint"], "one\ntwo");
        assert_eq!(json["error"]["causes"], serde_json::json!(["deep"]));
        assert!(CliError::problems().json().is_none());
    }
}
