//! A ticket as people read it on a terminal: title, fields, links with the
//! other tickets' titles, attachments, linked commits and the conversation
//! rendered from Markdown, styled with ANSI codes (`anstream` strips them when
//! colour is off). `desk show` prints it; `desk tui` shows it.

use super::Result;
use super::commands::{attachments, human_size, short_id};
use super::markdown;
use super::output::{self, BOLD, DIM, ID, NOTE, REPLY, human_time, terminal_line, terminal_text};
use crate::model::{FIELDS, Field, FieldKind, Ticket, TicketId, Val, Visibility};
use crate::store::{Store, Tip};
use crate::time::Zone;

/// The ticket `t` (whose short id is `short`) at `tip`, as of `now` (Unix
/// seconds), times shown in `zone`.
pub fn render(store: &Store, tip: &Tip, t: &Ticket, short: &str, now: i64, zone: Zone) -> Result<String> {
    let (head, conversation) = parts(store, tip, t, short, now, zone)?;
    Ok(head + &conversation)
}

/// [`render`] in two parts: the title and the fields, then the description
/// and the conversation (starting with an empty line, when there is any).
pub fn parts(
    store: &Store,
    tip: &Tip,
    t: &Ticket,
    short: &str,
    now: i64,
    zone: Zone,
) -> Result<(String, String)> {
    let links: Vec<String> = t
        .links
        .iter()
        .filter_map(|l| crate::model::link::split(l))
        .map(|(kind, other)| match TicketId::parse(other).map(|o| store.load_ticket(tip, &o)) {
            Some(Ok(o)) => format!("{kind} {} {} ({})", short_id(store, tip, &o.id), o.title, o.status),
            _ => format!("{kind} {other} (not found)"),
        })
        .collect();
    let files: Vec<String> = attachments(store, tip, &t.id)?
        .iter()
        .map(|a| format!("{} ({})", a.name, human_size(a.size as u64)))
        .collect();
    Ok(styled_parts(t, short, (now, zone), &links, &files))
}

/// [`parts`] with the ticket's links (with the other tickets' titles and
/// statuses) and attachments (with their sizes) given as text.
pub fn styled_parts(
    t: &Ticket,
    short: &str,
    (now, zone): (i64, Zone),
    links: &[String],
    files: &[String],
) -> (String, String) {
    let head = head((now, zone), t, short, links, files, &linked_commits(t));
    (head, conversation(t, zone))
}

/// The commits `desk link-commits` linked to the ticket: `commit ID10 SUBJECT…`,
/// from the notes that start with its marker.
fn linked_commits(t: &Ticket) -> Vec<String> {
    t.comments
        .iter()
        .filter_map(|c| {
            let mut lines = c.body.lines();
            let id = lines.next()?.strip_prefix("Linked commit ")?;
            (id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
                let about = lines.find(|l| !l.trim().is_empty()).unwrap_or_default();
                format!("commit {} {about}", &id[..10])
            })
        })
        .collect()
}

/// A line of a field: its name, dimmed, then its value.
pub fn field_line(name: &str, value: &str) -> String {
    let (name, value) = (terminal_line(name), terminal_text(value));
    format!("{DIM}{name:<10}{DIM:#} {value}\n")
}

/// The title and the fields for people; `links` are its links with the other
/// tickets' titles and statuses, `files` its attachments with their sizes.
fn head(
    (now, zone): (i64, Zone),
    t: &Ticket,
    short: &str,
    links: &[String],
    files: &[String],
    commits: &[String],
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let ago = |secs: i64| output::age(now - secs);
    // Everything taken from the ticket goes through terminal_line or terminal_text.
    let _ = writeln!(out, "{BOLD}{}{BOLD:#}", terminal_line(&t.title));
    let mut line =
        format!("{ID}{short}{ID:#} · {} · {}", terminal_line(&t.status), terminal_line(&t.priority));
    if let Some(q) = &t.queue {
        let _ = write!(line, " · queue {}", terminal_line(q));
    }
    let _ = writeln!(out, "{line}");
    let mut field = |name: &str, value: &str| out.push_str(&field_line(name, value));
    // Title, status, priority and queue are on the lines above; the other fields follow.
    for def in FIELDS {
        let value = match (def.kind, def.get(t)) {
            (FieldKind::Id | FieldKind::Enum(_), _) => continue,
            (FieldKind::Text, _) if def.field == Field::Title => continue,
            (FieldKind::Person, Val::None) => "-".to_owned(),
            (_, v) if v.is_empty() => continue,
            (FieldKind::Links, _) => links.join("; "),
            (_, Val::Str(s)) => s.to_owned(),
            (_, Val::List(items)) => items.join(", "),
            (_, Val::Time(secs)) => {
                let time = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
                format!("{} ({} ago)", human_time(time, zone), ago(secs))
            }
            (_, Val::Rating(score, comment, _)) => {
                let comment = comment.map(|c| format!(" “{c}”")).unwrap_or_default();
                format!("{score}/5{comment}")
            }
            (_, Val::None) => continue,
        };
        field(def.label, &value);
    }
    for (k, v) in &t.fields {
        let key = k.as_str().map_or_else(|| format!("{k:?}"), str::to_owned);
        let value = match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_owned(),
        };
        field(&key, &value);
    }
    if !files.is_empty() {
        field("attached", &files.join(", "));
    }
    for c in commits {
        field("linked", c);
    }
    out
}

/// The description and the conversation, Markdown rendered.
fn conversation(t: &Ticket, zone: Zone) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if !t.description.is_empty() {
        out.push('\n');
        out.push_str(&markdown::render(&t.description, "  "));
    }
    for c in &t.comments {
        let (style, label) = match (c.visibility, c.automated, c.merged) {
            (Visibility::Public, _, true) => (REPLY, "Merged reply"),
            (Visibility::Internal, _, true) => (NOTE, "Merged internal note"),
            (Visibility::Public, true, false) => (REPLY, "Automatic reply"),
            (Visibility::Internal, true, false) => (NOTE, "Automatic note"),
            (Visibility::Public, false, false) => (REPLY, "Reply"),
            (Visibility::Internal, false, false) => (NOTE, "Internal note"),
        };
        let _ = writeln!(
            out,
            "\n{style}── {label} from {}{style:#} {DIM}· {} · {}{DIM:#}",
            terminal_line(&c.author),
            human_time(c.date, zone),
            terminal_line(&c.id)
        );
        if !c.body.is_empty() {
            out.push_str(&markdown::render(&c.body, "  "));
        }
    }
    out
}
