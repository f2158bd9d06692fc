//! The part of the ticket file after the front matter: the description, then
//! one section per reply or note. Sections start with a marker line only desk
//! writes (`<!-- desk:reply ID DATE AUTHOR -->`); a body line that would look
//! like a marker or a git conflict marker is escaped with one extra backslash,
//! so no text a person writes can change how the file parses.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::file::{ParseError, err, parse_time_str, time_str};
use super::{Comment, Visibility, normalise_text};

/// Start of the marker line of a reply or note.
pub const MARKER_PREFIX: &str = "<!-- desk:";
const MARKER_SUFFIX: &str = " -->";
/// Line starts that must not appear unescaped in a body.
const RESERVED_STARTS: &[&str] = &[MARKER_PREFIX, "<<<<<<<", ">>>>>>>"];

fn escape_line(line: &str) -> std::borrow::Cow<'_, str> {
    let rest = line.trim_start_matches('\\');
    if RESERVED_STARTS.iter().any(|p| rest.starts_with(p)) { format!("\\{line}").into() } else { line.into() }
}

/// A body line as written by a person: one escaping backslash removed.
pub fn unescape_line(line: &str) -> &str {
    if let Some(stripped) = line.strip_prefix('\\') {
        let rest = line.trim_start_matches('\\');
        if RESERVED_STARTS.iter().any(|p| rest.starts_with(p)) {
            return stripped;
        }
    }
    line
}

fn push_text(out: &mut String, text: &str) {
    for line in text.split('\n') {
        out.push_str(&escape_line(line));
        out.push('\n');
    }
}

/// Writes the description and the conversation.
pub(super) fn render_body(out: &mut String, description: &str, comments: &[Comment]) {
    if !description.is_empty() {
        push_text(out, description);
    }
    for c in comments {
        let (kind, label) = match c.visibility {
            Visibility::Public => ("reply", "Reply"),
            Visibility::Internal => ("note", "Internal note"),
        };
        let _ = writeln!(
            out,
            "\n{MARKER_PREFIX}{kind} {} {} {}{MARKER_SUFFIX}",
            c.id,
            time_str(c.date),
            c.author
        );
        let _ = writeln!(
            out,
            "### {label} from {} · {}\n",
            super::display_name(&c.author),
            c.date.format("%Y-%m-%d %H:%M UTC")
        );
        push_text(out, &c.body);
    }
}

pub(super) fn parse_marker(
    line: &str,
    line_no: usize,
) -> Result<(Visibility, String, DateTime<Utc>, String), ParseError> {
    let inner = line
        .strip_prefix(MARKER_PREFIX)
        .and_then(|l| l.trim_end().strip_suffix(MARKER_SUFFIX.trim_start()))
        .map(str::trim_end);
    let bad = || err(line_no, "malformed comment marker; expected `<!-- desk:reply|note ID TIME AUTHOR -->`");
    let Some(inner) = inner else { return bad() };
    let mut parts = inner.splitn(4, ' ');
    let (Some(kind), Some(id), Some(date), Some(author)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad();
    };
    let visibility = match kind {
        "reply" => Visibility::Public,
        "note" => Visibility::Internal,
        other => return err(line_no, format!("unknown comment kind `{other}`; expected reply or note")),
    };
    if !super::is_comment_id(id) {
        return err(line_no, format!("`{id}` is not a comment id"));
    }
    let date = parse_time_str(date, "comment time").map_err(|m| ParseError { line: line_no, message: m })?;
    Ok((visibility, id.to_owned(), date, author.trim().to_owned()))
}

/// Parses the text after the front matter (`body_line`: its first line's
/// number in the file) into the description and the conversation.
pub(super) fn parse_body(body: &str, body_line: usize) -> Result<(String, Vec<Comment>), ParseError> {
    let mut comments: Vec<Comment> = Vec::new();
    let mut description = Vec::new();
    let mut current: Option<(Comment, Vec<&str>)> = None;
    let mut skip_heading = false;
    for (i, line) in body.lines().enumerate() {
        if line.starts_with(MARKER_PREFIX) {
            let (visibility, id, date, author) = parse_marker(line, body_line + i)?;
            if comments.iter().any(|c| c.id == id) || current.as_ref().is_some_and(|(c, _)| c.id == id) {
                return err(body_line + i, format!("comment id `{id}` appears twice"));
            }
            if let Some((mut c, lines)) = current.take() {
                c.body = normalise_text(&lines.join("\n"));
                comments.push(c);
            }
            let comment = Comment { id, author, date, visibility, body: String::new() };
            current = Some((comment, Vec::new()));
            skip_heading = true;
            continue;
        }
        let line = unescape_line(line);
        match &mut current {
            None => description.push(line),
            Some((_, lines)) => {
                if skip_heading && lines.is_empty() && line.starts_with("### ") {
                    skip_heading = false;
                    continue;
                }
                skip_heading = false;
                lines.push(line);
            }
        }
    }
    if let Some((mut c, lines)) = current.take() {
        c.body = normalise_text(&lines.join("\n"));
        comments.push(c);
    }
    Ok((normalise_text(&description.join("\n")), comments))
}
