//! The helpdesk's domain: tickets, their conversation, and the ticket file format.
//! Knows nothing of git or of the command line.

mod body;
pub mod combine;
pub mod field;
mod file;
mod id;
pub mod link;
mod text;
pub mod yaml;

use chrono::{DateTime, SubsecRound, Utc};

pub use body::{BodyLine, BodyLines, MARKER_PREFIX, body_lines, escape_markdown};
pub use field::{
    FIELD_COUNT, FIELDS, Field, FieldDef, FieldKind, FieldSource, Ticket, Val, Value, is_known_key,
};
pub use file::{
    check_id_path, parse_front_matter_only, parse_ticket, parse_ticket_at, render_checked, render_ticket,
};
pub use id::{
    ID_LEN, MIN_SHORT, TicketId, derived_comment_id, generate_comment_id, is_comment_id, normalise_prefix,
    unique_prefix_lengths,
};
pub use text::ParseError;

/// One side of a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Ours,
    Theirs,
}

impl Side {
    #[must_use]
    pub fn other(self) -> Side {
        match self {
            Side::Ours => Side::Theirs,
            Side::Theirs => Side::Ours,
        }
    }
}

/// Requester satisfaction with a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Rating {
    pub score: u8,
    pub comment: Option<String>,
    pub date: DateTime<Utc>,
}

/// Who can see a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// A reply: sent to the requester.
    Public,
    /// An internal note: for agents only.
    Internal,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }
}

/// One reply or internal note.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// Stable id, unique within the ticket.
    pub id: String,
    /// `Name <email>` of whoever wrote it.
    pub author: String,
    pub date: DateTime<Utc>,
    pub visibility: Visibility,
    /// Written by an automation rule, not by a person: never a response.
    pub automated: bool,
    /// Copied from a ticket merged into this one (`desk merge`): the text of
    /// an earlier message, never a response or a requester's message here.
    pub merged: bool,
    /// Markdown text.
    pub body: String,
}

/// A comment removed from a ticket (only its id is kept, never its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// The id the comment had.
    pub id: String,
    /// `Name <email>` of whoever removed it.
    pub author: String,
    /// When it was removed.
    pub date: DateTime<Utc>,
}

/// Normalises a Markdown text as the ticket file stores it: `\n` line ends, no
/// leading blank lines, no trailing whitespace at the end.
pub fn normalise_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let start = text
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(text.len(), |(i, _)| text[..i].rfind('\n').map_or(0, |nl| nl + 1));
    text[start..].trim_end().to_owned()
}

/// Splits a file with optional front matter between `---` lines (`\n` line
/// ends) into the front matter (empty without one) and the rest.
pub fn split_front_matter(text: &str) -> Result<(&str, &str), &'static str> {
    let Some(rest) = text.strip_prefix("---\n") else { return Ok(("", text)) };
    let end = rest.find("\n---\n").map(|i| (i, i + 5)).or_else(|| {
        rest.strip_suffix("\n---").map(|r| (r.len(), rest.len())).or_else(|| {
            rest.starts_with("---\n").then_some((0, 4)).or_else(|| (rest == "---").then_some((0, 3)))
        })
    });
    match end {
        Some((end, body)) => Ok((&rest[..end], &rest[body..])),
        None => Err("the front matter has no closing `---` line"),
    }
}

/// Drops sub-second precision: the file stores whole seconds.
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
}

/// The display name part of `Name <email>`.
pub fn display_name(person: &str) -> &str {
    match address_start(person) {
        Some(i) if i > 0 => person[..i].trim(),
        _ => person.trim().trim_start_matches('<').trim_end_matches('>'),
    }
}

/// Where the `<email>` of `Name <email>` starts: the last `<` when the text
/// ends with `>` (a name may itself hold `<` and `>`), else the first `<`.
fn address_start(person: &str) -> Option<usize> {
    if person.trim_end().ends_with('>') { person.rfind('<') } else { person.find('<') }
}

/// The email part of `Name <email>`, if any; a bare address (`jane@example.com`)
/// is its own email.
pub fn email_of(person: &str) -> Option<&str> {
    let Some(start) = address_start(person) else {
        let bare = person.trim();
        return (bare.contains('@') && !bare.contains(char::is_whitespace)).then_some(bare);
    };
    let end = person[start..].find('>')?;
    Some(&person[start + 1..start + end])
}

/// Whether two `Name <email>` strings name the same person: the same email
/// (case-insensitively) if both have one, else the same name.
pub fn same_person(a: &str, b: &str) -> bool {
    match (email_of(a), email_of(b)) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => display_name(a).eq_ignore_ascii_case(display_name(b)),
    }
}

impl Ticket {
    /// A new ticket with the given title, status and priority at time `now`.
    pub fn new(id: TicketId, title: String, status: String, priority: String, now: DateTime<Utc>) -> Self {
        let mut t = Ticket::blank(id, whole_seconds(now));
        t.title = title;
        t.status = status;
        t.priority = priority;
        t
    }

    /// Adds a reply or note and returns its id.
    pub fn add_comment(
        &mut self,
        author: String,
        date: DateTime<Utc>,
        visibility: Visibility,
        body: &str,
    ) -> String {
        let mut id = generate_comment_id();
        while self.comments.iter().any(|c| c.id == id) {
            id = generate_comment_id();
        }
        self.comments.push(Comment {
            id: id.clone(),
            author,
            date: whole_seconds(date),
            visibility,
            automated: false,
            merged: false,
            body: normalise_text(body),
        });
        id
    }

    /// Adds `label` unless present; returns whether it was added.
    pub fn add_label(&mut self, label: &str) -> bool {
        if self.labels.iter().any(|l| l == label) {
            return false;
        }
        self.labels.push(label.to_owned());
        true
    }

    /// Removes `label`; returns whether it was there.
    pub fn remove_label(&mut self, label: &str) -> bool {
        let before = self.labels.len();
        self.labels.retain(|l| l != label);
        before != self.labels.len()
    }

    /// The texts searched by free-text query terms, each on its own (a phrase
    /// never spans two of them): title, description, then each comment's body.
    pub fn searched_texts(&self) -> impl Iterator<Item = &str> {
        [self.title.as_str(), self.description.as_str()]
            .into_iter()
            .chain(self.comments.iter().map(|c| c.body.as_str()))
    }

    /// [`Ticket::searched_texts`] lowercased, as free-text terms compare them.
    pub fn searched_texts_lower(&self) -> Vec<String> {
        self.searched_texts().map(str::to_lowercase).collect()
    }
}

/// Where free-text query terms look: a whole ticket, or a ticket's texts kept
/// lowercased by the search index. Both answer exactly the same.
pub trait TextSource {
    /// Whether one of the searched texts, lowercased, contains `needle_lower`.
    fn contains_text(&self, needle_lower: &str) -> bool;
}

impl TextSource for Ticket {
    fn contains_text(&self, needle_lower: &str) -> bool {
        self.searched_texts().any(|s| s.to_lowercase().contains(needle_lower))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_text_strips_blank_edges_but_keeps_indentation() {
        assert_eq!(normalise_text("\n\n  code\nmore  \n\n"), "  code\nmore");
        assert_eq!(normalise_text("a\r\nb\r\n"), "a\nb");
        assert_eq!(normalise_text(" \n \n"), "");
    }

    #[test]
    fn people_split_into_name_and_email() {
        assert_eq!(display_name("Jane Doe <jane@example.com>"), "Jane Doe");
        assert_eq!(email_of("Jane Doe <jane@example.com>"), Some("jane@example.com"));
        assert_eq!(display_name("<jane@example.com>"), "jane@example.com");
        assert_eq!(display_name("jane"), "jane");
        assert_eq!(email_of("jane"), None);
        assert_eq!(email_of(" jane@example.com "), Some("jane@example.com"));
        assert_eq!(email_of("Jane Doe jane@example.com"), None);
        // A name holding angle brackets: the address is the last `<…>`.
        let odd = "\"<svg onload=alert(1)>\" <bob@example.com>";
        assert_eq!(display_name(odd), "\"<svg onload=alert(1)>\"");
        assert_eq!(email_of(odd), Some("bob@example.com"));
        assert_eq!(email_of("Bob <b>Req</b> <bob@example.com>"), Some("bob@example.com"));
        assert_eq!(display_name("Bob <b>Req</b> <bob@example.com>"), "Bob <b>Req</b>");
        assert_eq!(email_of("Jane <jane@example.com> (work)"), Some("jane@example.com"));
    }
}
