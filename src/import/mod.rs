//! Another tracker's tickets, with their history, as desk tickets: each source
//! (`github`, `csv`, `desk`) reads its format into [`Record`]s — a ticket as it
//! was created and the [`Event`]s that happened to it — and [`plan`] turns a
//! record into the versions of its ticket file, one per event, each to be
//! committed at the event's time by the event's author. docs/import.md
//! defines the mapping and the rules for running an import again.

pub mod csv;
pub mod desk;
pub mod github;

use chrono::{DateTime, Utc};

use crate::model::{self, FIELDS, Field, Rating, Ticket, TicketId, Visibility};

/// One ticket of the source.
#[derive(Clone, Debug)]
pub struct Record {
    /// Where it is in the input, for messages (`issues.json: item 3`).
    pub position: String,
    /// What the ticket is found by when the import runs again (its `origin`).
    pub origin: String,
    /// The id to give it (an export of desk keeps its ids); `None`: derived
    /// from the origin.
    pub id: Option<TicketId>,
    /// Who opened it (`Name <email>`); `None`: whoever runs the import.
    pub creator: Option<String>,
    /// The ticket as created: its `created` is the creation time.
    pub ticket: Ticket,
    /// What happened to it afterwards, in any order.
    pub events: Vec<Event>,
    /// Only events, for a ticket imported before: `ticket` means nothing.
    pub partial: bool,
}

/// Something that happened to a ticket.
#[derive(Clone, Debug)]
pub struct Event {
    pub time: DateTime<Utc>,
    /// Who did it (`Name <email>`); `None`: whoever runs the import.
    pub actor: Option<String>,
    pub what: What,
}

#[derive(Clone, Debug)]
pub enum What {
    /// A reply (public) or internal note; `id` is kept, so the comment is added
    /// once. `automated` and `merged` as [`model::Comment`] has them.
    Comment {
        id: String,
        public: bool,
        body: String,
        automated: bool,
        merged: bool,
    },
    Status(String),
    Assign(Option<String>),
    Label {
        name: String,
        add: bool,
    },
    Rating(Rating),
    /// Every front-matter field but the id and the times, as the source has
    /// them now.
    Fields(Box<Ticket>),
}

impl Record {
    /// Makes `ticket` the ticket as created when the source gave it as it is
    /// now and its label and assignment events are known: each label event
    /// undone, latest first, and no assignee when one was assigned later.
    pub fn rewind(&mut self) {
        let mut events: Vec<&Event> = self.events.iter().collect();
        events.sort_by_key(|e| e.time);
        for e in events.iter().rev() {
            match &e.what {
                What::Label { name, add: true } => {
                    self.ticket.remove_label(name);
                }
                What::Label { name, add: false } => {
                    self.ticket.add_label(name);
                }
                What::Assign(_) => self.ticket.assignee = None,
                _ => {}
            }
        }
    }
}

/// One version of a ticket file, to be committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub time: DateTime<Utc>,
    /// The commit's author (`Name <email>`); `None`: whoever runs the import.
    pub author: Option<String>,
    /// The commit summary's verb: `import`, `reply`, `note`, `status`, …
    pub verb: &'static str,
    /// The ticket file.
    pub text: String,
}

/// What [`plan`] made of a record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// The ticket's title at the end (for commit summaries).
    pub title: String,
    pub created: bool,
    pub comments: usize,
}

/// The versions of the ticket file `record` makes, after `existing` (the
/// ticket as desk has it, when imported before) or as a new ticket `id`.
///
/// A comment whose id the ticket has (or had: removed) is left out. On a
/// ticket imported before, any other event is applied only when it is later
/// than the ticket's `updated`: what was changed in desk since wins. An event
/// earlier than the creation counts as at the creation. An event that changes
/// nothing makes no version.
///
/// `importer` (`Name <email>`) is the author of comments the source names
/// nobody for.
pub fn plan(record: Record, existing: Option<Ticket>, id: TicketId, importer: &str) -> Result<Plan, String> {
    let mut out = Plan::default();
    // The first and the last version are read back before anything is
    // written; those between are made by the same writer from the same texts.
    let render =
        |t: &Ticket| model::render_checked(t).map_err(|e| format!("cannot be written as a ticket file: {e}"));
    let (mut ticket, guard) = match existing {
        Some(t) => {
            let guard = t.updated;
            (t, Some(guard))
        }
        None if record.partial => {
            return Err(
                "comments or events of an issue that is neither in the input nor imported before".into()
            );
        }
        None => {
            let mut t = record.ticket;
            t.id = id;
            t.created = model::whole_seconds(t.created);
            t.updated = t.created;
            if record.id.is_none() && t.origin.is_none() {
                t.origin = Some(record.origin.clone());
            }
            out.steps.push(Step {
                time: t.created,
                author: record.creator,
                verb: "import",
                text: render(&t)?,
            });
            out.created = true;
            (t, None)
        }
    };
    let mut last = match out.steps.last() {
        Some(s) => s.text.clone(),
        None => render(&ticket)?,
    };
    let mut events = record.events;
    events.sort_by_key(|e| e.time);
    for event in events {
        let time = model::whole_seconds(event.time).max(ticket.created);
        let before_updated = ticket.updated;
        if let What::Comment { id, .. } = &event.what
            && has_comment(&ticket, id)
        {
            continue;
        }
        if !matches!(event.what, What::Comment { .. }) && guard.is_some_and(|g| time <= g) {
            continue;
        }
        let actor = event.actor.clone();
        let verb = apply(&mut ticket, event.what, time, actor.unwrap_or_else(|| importer.to_owned()));
        if matches!(verb, "reply" | "note") {
            out.comments += 1;
        }
        let text = model::render_ticket(&ticket);
        if text == last {
            continue;
        }
        ticket.updated = before_updated.max(time);
        let text = if ticket.updated == before_updated { text } else { model::render_ticket(&ticket) };
        out.steps.push(Step { time, author: event.actor, verb, text: text.clone() });
        last = text;
    }
    let checked_already = out.steps.len() == 1 && out.created;
    if let Some(step) = out.steps.last_mut().filter(|_| !checked_already) {
        step.text = render(&ticket)?;
    }
    out.title = ticket.title;
    Ok(out)
}

/// Applies one event to the ticket (`author`: who wrote a comment) and
/// returns the verb of its commit.
fn apply(ticket: &mut Ticket, what: What, time: DateTime<Utc>, author: String) -> &'static str {
    match what {
        What::Comment { id, public, body, automated, merged } => {
            let visibility = if public { Visibility::Public } else { Visibility::Internal };
            let comment = model::Comment {
                id,
                author,
                date: time,
                visibility,
                automated,
                merged,
                body: model::normalise_text(&body),
            };
            let at = ticket.comments.partition_point(|c| c.date <= time);
            ticket.comments.insert(at, comment);
            if public { "reply" } else { "note" }
        }
        What::Status(s) => {
            ticket.status = s;
            "status"
        }
        What::Assign(who) => {
            ticket.assignee = who;
            "assign"
        }
        What::Label { name, add } => {
            if add {
                ticket.add_label(&name);
            } else {
                ticket.remove_label(&name);
            }
            "label"
        }
        What::Rating(r) => {
            ticket.rating = Some(r);
            "rate"
        }
        What::Fields(source) => {
            copy_fields(&source, ticket);
            "update"
        }
    }
}

fn has_comment(ticket: &Ticket, id: &str) -> bool {
    ticket.comments.iter().any(|c| c.id == id) || ticket.removed.iter().any(|r| r.id == id)
}

/// Copies every front-matter field but the id and the times, and the custom fields.
fn copy_fields(source: &Ticket, ticket: &mut Ticket) {
    for def in FIELDS {
        if matches!(def.field, Field::Id | Field::Created | Field::Updated) {
            continue;
        }
        def.set(ticket, def.get(source).to_value());
    }
    ticket.fields = source.fields.clone();
}

impl Record {
    /// Whether the record's texts fit desk.yaml's `limits` and are text: the
    /// title at most `title_chars` characters, the description and each
    /// comment at most `body_bytes` bytes, none with a NUL byte.
    pub fn check(&self, limits: &crate::workflow::Limits) -> Result<(), String> {
        if self.partial {
            return Ok(());
        }
        let title = self.ticket.title.chars().count();
        if title > limits.title_chars {
            return Err(format!(
                "the title has {title} characters, more than limits.title_chars ({})",
                limits.title_chars
            ));
        }
        let texts = std::iter::once(("the description", &self.ticket.description)).chain(
            self.events.iter().filter_map(|e| match &e.what {
                What::Comment { body, .. } => Some(("a comment", body)),
                _ => None,
            }),
        );
        for (what, text) in texts {
            if text.len() > limits.body_bytes {
                return Err(format!(
                    "{what} has {} bytes, more than limits.body_bytes ({})",
                    text.len(),
                    limits.body_bytes
                ));
            }
            if text.contains('\0') {
                return Err(format!("{what} has a NUL byte: binary, not text"));
            }
        }
        Ok(())
    }
}

/// A person as another tracker wrote it, cleaned: control characters left
/// out, spaces trimmed; `None` when nothing is left.
pub fn clean_person(text: &str) -> Option<String> {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

/// A person from a name and an email, either possibly empty: `Name <email>`,
/// `email`, or `Name`; `None` when both are empty.
pub fn person(name: &str, email: &str) -> Option<String> {
    let clean =
        |s: &str| s.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>')).collect::<String>();
    let (name, email) = (clean(name), clean(email));
    let (name, email) = (name.trim(), email.trim());
    match (name.is_empty(), email.is_empty()) {
        (true, true) => None,
        (true, false) => Some(email.to_owned()),
        (false, true) => Some(name.to_owned()),
        (false, false) => Some(format!("{name} <{email}>")),
    }
}

/// A label of another tracker as a desk label (a single word, docs/import.md):
/// spaces, commas, quotes, backslashes and colons become `-`, runs of `-` one,
/// control characters, empty and `..` path segments and leading punctuation go.
/// `None` when nothing is left.
pub fn label_of(name: &str) -> Option<String> {
    let mapped: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '\\' | ':') { '-' } else { c })
        .collect();
    let mut out = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let joined = out.split('/').filter(|p| !p.is_empty() && *p != "..").collect::<Vec<_>>().join("/");
    let label = joined.trim_start_matches(['-', '+', '/', '.']).trim_end_matches('-');
    (!label.is_empty()).then(|| label.to_owned())
}

/// A problem with one record of the input: it is skipped (or, with
/// `--strict`, the import stops).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub position: String,
    pub reason: String,
}

/// Calls `f` with each JSON value of `input`: the elements of a top-level
/// array (read one at a time, so memory holds one), or each of a stream of
/// values (one object, or NDJSON). A syntax error ends the input.
pub fn each_json_value(
    input: impl std::io::Read,
    mut f: impl FnMut(usize, serde_json::Value) -> Result<(), String>,
) -> Result<(), String> {
    use serde::de::{Deserializer as _, Error as _};
    use std::io::BufRead as _;
    struct Each<'f, F>(&'f mut F, usize);
    impl<'de, F: FnMut(usize, serde_json::Value) -> Result<(), String>> serde::de::Visitor<'de> for Each<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(v) = seq.next_element::<serde_json::Value>()? {
                (self.0)(self.1, v).map_err(A::Error::custom)?;
                self.1 += 1;
            }
            Ok(())
        }
    }
    let mut reader = std::io::BufReader::with_capacity(1 << 16, input);
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| e.to_string())?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                reader.consume(i);
                break Some(b);
            }
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    match first {
        None => Ok(()),
        Some(b'[') => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            de.deserialize_seq(Each(&mut f, 0)).map_err(|e| e.to_string())?;
            de.end().map_err(|e| e.to_string())
        }
        Some(_) => {
            for (i, v) in
                serde_json::Deserializer::from_reader(reader).into_iter::<serde_json::Value>().enumerate()
            {
                f(i, v.map_err(|e| e.to_string())?)?;
            }
            Ok(())
        }
    }
}

/// An RFC 3339 time (`2024-01-02T03:04:05Z`).
pub fn rfc3339(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).ok().map(|t| model::whole_seconds(t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests;
