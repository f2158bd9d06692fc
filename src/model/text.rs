//! What both parts of the ticket file (front matter and conversation) share:
//! parse errors with their line, and times as the file writes them.

use chrono::{DateTime, SecondsFormat, Utc};

/// Why a ticket file could not be read, and where (1-based line in the file).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

pub(super) fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { line, message: message.into() })
}

pub(super) fn time_str(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an RFC 3339 time, to whole seconds.
pub(super) fn parse_time_str(s: &str, what: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| super::whole_seconds(t.with_timezone(&Utc)))
        .map_err(|e| format!("`{what}` is not an RFC 3339 time ({e}): {s}"))
}
