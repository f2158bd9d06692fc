//! The part of the ticket file after the front matter: the description, then
//! one section per reply or note, then the removal markers of removed comments.
//!
//! Every text a person wrote is stored as a Markdown block quote (`> line`, `>`
//! for an empty line) followed by a blank line. Closing a block quote closes
//! everything opened inside it (code fences, `<pre>`, `<!--`), so nothing in
//! one text can change how the next part of the file renders on a forge, and
//! no line of a text can look like desk's own lines: the markers (`<!-- desk:`)
//! and the comment headings, which desk writes unquoted. Authors' names in
//! headings have every ASCII punctuation character backslash-escaped.
//!
//! The file says which form it is in: the quoted form starts with the line
//! `<!-- desk:description -->`. Files of the earlier form (unquoted texts, with a
//! backslash added to lines that looked like a marker or a git conflict marker)
//! are still read.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::text::{ParseError, err, parse_time_str, time_str};
use super::{Comment, Removal, Visibility, normalise_text};

/// Start of every marker line.
pub const MARKER_PREFIX: &str = "<!-- desk:";
const MARKER_SUFFIX: &str = " -->";
/// The first line of a body in the quoted form; the description follows it.
const DESCRIPTION_MARKER: &str = "<!-- desk:description -->";
/// Line starts the earlier, unquoted form escaped with a backslash.
const RESERVED_STARTS: &[&str] = &[MARKER_PREFIX, "<<<<<<<", ">>>>>>>"];

/// A line of the earlier form as written by a person: one escaping backslash removed.
fn unescape_line(line: &str) -> &str {
    if let Some(stripped) = line.strip_prefix('\\') {
        let rest = line.trim_start_matches('\\');
        if RESERVED_STARTS.iter().any(|p| rest.starts_with(p)) {
            return stripped;
        }
    }
    line
}

/// A line of the quoted form as written by a person: `> text` is `text`, `>` an
/// empty line. A line without `>` (added by hand) is read as it is.
fn unquote_line(line: &str) -> &str {
    line.strip_prefix("> ").or_else(|| line.strip_prefix('>')).unwrap_or(line)
}

/// Writes `text` as a block quote.
fn push_quoted(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    for line in text.split('\n') {
        if line.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// A name as Markdown text that renders as itself: every ASCII punctuation
/// character backslash-escaped (`_Bob_` stays `_Bob_`, not italic).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn marker_line(out: &mut String, kind: &str, id: &str, date: DateTime<Utc>, author: &str) {
    let _ = writeln!(out, "\n{MARKER_PREFIX}{kind} {id} {} {author}{MARKER_SUFFIX}", time_str(date));
}

/// `2026-11-28 15:01 UTC`, as a comment heading shows a time (what
/// `format("%Y-%m-%d %H:%M UTC")` writes, without parsing a format per comment).
fn heading_time(t: DateTime<Utc>) -> String {
    use chrono::{Datelike as _, Timelike as _};
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

/// Writes the description, the conversation and the removal markers.
pub(super) fn render_body(out: &mut String, description: &str, comments: &[Comment], removed: &[Removal]) {
    out.push_str(DESCRIPTION_MARKER);
    out.push('\n');
    push_quoted(out, description);
    for c in comments {
        let (kind, label) = match (c.visibility, c.automated, c.merged) {
            (Visibility::Public, _, true) => ("merged-reply", "Merged reply"),
            (Visibility::Internal, _, true) => ("merged-note", "Merged internal note"),
            (Visibility::Public, true, false) => ("auto-reply", "Automatic reply"),
            (Visibility::Internal, true, false) => ("auto-note", "Automatic note"),
            (Visibility::Public, false, false) => ("reply", "Reply"),
            (Visibility::Internal, false, false) => ("note", "Internal note"),
        };
        marker_line(out, kind, &c.id, c.date, &c.author);
        let _ = writeln!(
            out,
            "### {label} from {} · {}\n",
            escape_markdown(super::display_name(&c.author)),
            heading_time(c.date)
        );
        push_quoted(out, &c.body);
    }
    for r in removed {
        marker_line(out, "removed", &r.id, r.date, &r.author);
    }
}

/// A text with `\r\n` and lone `\r` line ends turned into `\n` (a file edited
/// on Windows); borrowed when there is none.
pub(super) fn lf_line_ends(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// One line of a body, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyLine<'a> {
    /// A line of the description.
    Description(&'a str),
    /// The marker that starts a reply or note.
    Comment {
        visibility: Visibility,
        automated: bool,
        merged: bool,
        id: &'a str,
        date: DateTime<Utc>,
        author: &'a str,
    },
    /// A line of the text of the comment started last.
    Text(&'a str),
    /// A removed comment.
    Removed { id: &'a str, date: DateTime<Utc>, author: &'a str },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Description,
    /// A comment; `true` until its first line (the heading desk writes) is read.
    Comment(bool),
    Removed,
}

/// The lines of a body (the text after the front matter), read one by one: the
/// one reading of the body format, used by the parser and by the history scanner.
pub struct BodyLines<'a> {
    lines: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    /// Line number in the file of the body's first line.
    first_line: usize,
    /// `Some(quoted)` once the form is known.
    quoted: Option<bool>,
    section: Section,
    seen: Vec<&'a str>,
}

/// Reads `body`, whose first line is line `first_line` of the file. The file
/// must use `\n` line ends (see [`lf_line_ends`]).
pub fn body_lines(body: &str, first_line: usize) -> BodyLines<'_> {
    BodyLines {
        lines: body.lines().enumerate().peekable(),
        first_line,
        quoted: None,
        section: Section::Description,
        seen: Vec::new(),
    }
}

/// The parts of a marker line: kind, id, time, author.
fn parse_marker(line: &str, line_no: usize) -> Result<(&str, &str, DateTime<Utc>, &str), ParseError> {
    let inner = line
        .strip_prefix(MARKER_PREFIX)
        .and_then(|l| l.trim_end().strip_suffix(MARKER_SUFFIX.trim_start()))
        .map(str::trim_end);
    let bad = || {
        err(
            line_no,
            "malformed marker; expected `<!-- desk:KIND ID TIME AUTHOR -->` (KIND: reply, note, auto-reply, \
             auto-note, merged-reply, merged-note or removed)",
        )
    };
    let Some(inner) = inner else { return bad() };
    let mut parts = inner.splitn(4, ' ');
    let (Some(kind), Some(id), Some(date), Some(author)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad();
    };
    if !matches!(
        kind,
        "reply" | "note" | "auto-reply" | "auto-note" | "merged-reply" | "merged-note" | "removed"
    ) {
        return err(
            line_no,
            format!(
                "unknown comment kind `{kind}`; expected reply, note, auto-reply, auto-note, merged-reply, \
                 merged-note or removed"
            ),
        );
    }
    if !super::is_comment_id(id) {
        return err(line_no, format!("`{id}` is not a comment id"));
    }
    let date = parse_time_str(date, "comment time").map_err(|m| ParseError { line: line_no, message: m })?;
    Ok((kind, id, date, author.trim()))
}

impl<'a> BodyLines<'a> {
    fn marker(&mut self, line: &'a str, line_no: usize) -> Result<Option<BodyLine<'a>>, ParseError> {
        if line.trim_end() == DESCRIPTION_MARKER {
            return err(line_no, "`<!-- desk:description -->` must be the first line after the front matter");
        }
        let (kind, id, date, author) = parse_marker(line, line_no)?;
        if self.seen.contains(&id) {
            return err(line_no, format!("comment id `{id}` appears twice"));
        }
        self.seen.push(id);
        Ok(Some(match kind {
            "removed" => {
                self.section = Section::Removed;
                BodyLine::Removed { id, date, author }
            }
            kind => {
                self.section = Section::Comment(true);
                let automated = kind.starts_with("auto-");
                let merged = kind.starts_with("merged-");
                let visibility =
                    if kind.ends_with("reply") { Visibility::Public } else { Visibility::Internal };
                BodyLine::Comment { visibility, automated, merged, id, date, author }
            }
        }))
    }

    /// The next line's meaning; `None` for a line that means nothing (the
    /// description marker, a comment heading, a blank line after a removal).
    fn read(&mut self, i: usize, line: &'a str) -> Result<Option<BodyLine<'a>>, ParseError> {
        let line_no = self.first_line + i;
        let quoted = match self.quoted {
            Some(q) => q,
            None if line.trim().is_empty() => return Ok(None),
            None => {
                let q = line.trim_end() == DESCRIPTION_MARKER;
                self.quoted = Some(q);
                if q {
                    return Ok(None);
                }
                q
            }
        };
        if line.starts_with(MARKER_PREFIX) {
            return self.marker(line, line_no);
        }
        let text = if quoted { unquote_line(line) } else { unescape_line(line) };
        match self.section {
            Section::Description => Ok(Some(BodyLine::Description(text))),
            Section::Comment(heading) => {
                self.section = Section::Comment(false);
                if heading && line.starts_with("### ") {
                    return Ok(None);
                }
                Ok(Some(BodyLine::Text(text)))
            }
            Section::Removed if line.trim().is_empty() => Ok(None),
            Section::Removed => {
                err(line_no, "text after a `<!-- desk:removed … -->` marker; a removed comment has no text")
            }
        }
    }
}

impl<'a> Iterator for BodyLines<'a> {
    type Item = Result<BodyLine<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, line) = self.lines.next()?;
            match self.read(i, line) {
                Ok(None) => {}
                Ok(Some(l)) => return Some(Ok(l)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The description, conversation and removed comments of a body.
pub(super) struct Body {
    pub description: String,
    pub comments: Vec<Comment>,
    pub removed: Vec<Removal>,
}

/// Parses the text after the front matter (`body_line`: its first line's
/// number in the file).
pub(super) fn parse_body(body: &str, body_line: usize) -> Result<Body, ParseError> {
    let mut comments: Vec<Comment> = Vec::new();
    let mut removed = Vec::new();
    let mut description = Vec::new();
    let mut current: Option<(Comment, Vec<&str>)> = None;
    let finish = |current: &mut Option<(Comment, Vec<&str>)>, comments: &mut Vec<Comment>| {
        if let Some((mut c, lines)) = current.take() {
            c.body = normalise_text(&lines.join("\n"));
            comments.push(c);
        }
    };
    for line in body_lines(body, body_line) {
        match line? {
            BodyLine::Description(text) => description.push(text),
            BodyLine::Comment { visibility, automated, merged, id, date, author } => {
                finish(&mut current, &mut comments);
                let comment = Comment {
                    id: id.to_owned(),
                    author: author.to_owned(),
                    date,
                    visibility,
                    automated,
                    merged,
                    body: String::new(),
                };
                current = Some((comment, Vec::new()));
            }
            BodyLine::Text(text) => {
                if let Some((_, lines)) = &mut current {
                    lines.push(text);
                }
            }
            BodyLine::Removed { id, date, author } => {
                finish(&mut current, &mut comments);
                removed.push(Removal { id: id.to_owned(), author: author.to_owned(), date });
            }
        }
    }
    finish(&mut current, &mut comments);
    Ok(Body { description: normalise_text(&description.join("\n")), comments, removed })
}

impl super::Ticket {
    /// Records as removed every comment of `before` that this version (an edit
    /// of `before`) no longer has, by `author` at `date`, and keeps the removals
    /// `before` had: a removal is final. Refuses an edit that brings a removed
    /// comment back.
    pub fn record_removals(
        &mut self,
        before: &super::Ticket,
        author: &str,
        date: DateTime<Utc>,
    ) -> Result<(), String> {
        for r in &before.removed {
            if self.comments.iter().any(|c| c.id == r.id) {
                return Err(format!(
                    "comment {} was removed and cannot come back; add its text as a new reply or note",
                    r.id
                ));
            }
            if !self.removed.iter().any(|k| k.id == r.id) {
                self.removed.push(r.clone());
            }
        }
        let date = super::whole_seconds(date);
        for c in &before.comments {
            let kept =
                self.comments.iter().any(|k| k.id == c.id) || self.removed.iter().any(|k| k.id == c.id);
            if !kept {
                self.removed.push(Removal { id: c.id.clone(), author: author.to_owned(), date });
            }
        }
        self.removed.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
        Ok(())
    }
}

#[cfg(test)]
mod tests;
