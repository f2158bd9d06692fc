//! A fast path to a ticket file's [`Facts`]: a line scanner for files in the
//! exact form desk writes them, which skips the YAML parser. Anything it is
//! not sure about (a custom field, a quoted value it cannot decode, a block
//! list, a number or keyword YAML would read differently) makes it give up, and
//! the caller parses the file fully; when it does answer, its answer is the one
//! the full parser gives (a property test holds it to that).

use chrono::DateTime;

use super::diff::{CommentFact, FactValue, Facts, text_hash};
use crate::model::field::{self, FIELDS, FieldKind, Track};
use crate::model::{MARKER_PREFIX, TicketId, is_comment_id, normalise_text, unescape_line};

/// A scalar value as YAML would read it, when that is certain: a plain word
/// or phrase desk would also write plain, or a JSON-style double-quoted string.
fn scalar(v: &str) -> Option<String> {
    if v.starts_with('"') {
        return serde_json::from_str::<String>(v).ok();
    }
    let first = v.chars().next()?;
    let plain = first.is_alphanumeric()
        && !first.is_ascii_digit()
        && v.chars().all(|c| c.is_alphanumeric() || " -_.@<>/()+'".contains(c) || c == ':')
        && !v.ends_with(' ')
        && !v.ends_with(':')
        && !v.contains(": ")
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    plain.then(|| v.to_owned())
}

/// An optional value: empty (or blank) is none; `Err` when unsure.
fn optional(v: &str) -> Result<Option<String>, ()> {
    if v.is_empty() {
        return Ok(None);
    }
    scalar(v).map(|s| (!s.trim().is_empty()).then_some(s)).ok_or(())
}

/// A required value: present and not blank.
fn required(v: Option<&str>) -> Option<String> {
    scalar(v?).filter(|s| !s.trim().is_empty())
}

/// A ticket id value, unless YAML would read it as a number.
fn id(v: &str) -> Option<TicketId> {
    if v.starts_with('"') {
        return TicketId::parse(&serde_json::from_str::<String>(v).ok()?);
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let number =
        digits(v) || v.starts_with("0x") || v.split_once('e').is_some_and(|(m, e)| digits(m) && digits(e));
    if number { None } else { TicketId::parse(v) }
}

fn time(v: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(v).ok().map(|t| t.timestamp())
}

/// A flow list `[a, b]` of plain scalars.
fn list(v: &str) -> Option<Vec<String>> {
    if v.is_empty() {
        return Some(Vec::new());
    }
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    if inner.contains(['"', '\'', '[', ']', '{', '}']) {
        return None;
    }
    inner.split(',').map(|l| scalar(l.trim())).collect()
}

/// The facts of a ticket file in desk's own form; `None` when the file needs
/// the full parser (which may then also reject it).
pub fn scan(text: &str) -> Option<Facts> {
    if text.contains('\r') {
        return None;
    }
    let rest = text.strip_prefix("---\n")?;
    let mut lines = rest.split('\n');
    // The value text of each field, by position in FIELDS; a rating is read at once.
    let mut found: Vec<Option<&str>> = vec![None; FIELDS.len()];
    let mut rating_value = None;
    let mut closed = false;
    while let Some(line) = lines.next() {
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        let (key, value) = line.split_once(':')?;
        let value = value.strip_prefix(' ').unwrap_or(value);
        if value.starts_with(' ') || value.ends_with(' ') || (!value.is_empty() && !line.contains(": ")) {
            return None;
        }
        // Custom fields, comments, block values: the full parser's job.
        let def = field::by_name(key)?;
        if def.kind == FieldKind::Rating {
            if !value.is_empty() || rating_value.is_some() {
                return None;
            }
            rating_value = Some(rating(&mut lines)?);
            continue;
        }
        if found[def.field.index()].replace(value).is_some() {
            return None;
        }
    }
    if !closed {
        return None;
    }
    let mut values = Vec::with_capacity(FIELDS.len());
    for def in FIELDS {
        let text = found[def.field.index()];
        let value = match def.kind {
            FieldKind::Id => {
                id(text?)?;
                FactValue::None
            }
            FieldKind::Time => {
                time(text?)?;
                FactValue::None
            }
            FieldKind::Rating => rating_value
                .take()
                .map_or(FactValue::None, |(score, comment, date)| FactValue::Rating(score, comment, date)),
            FieldKind::Labels | FieldKind::People => FactValue::Many(list(text.unwrap_or(""))?),
            FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person if def.required => {
                FactValue::One(required(text)?)
            }
            FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person => {
                optional(text.unwrap_or("")).ok()?.map_or(FactValue::None, FactValue::One)
            }
        };
        values.push(if def.track == Track::Off { FactValue::None } else { value });
    }
    let mut facts = Facts { values, fields: Vec::new(), description: 0, comments: Vec::new() };
    let mut description = Vec::new();
    let mut in_description = true;
    for line in lines {
        if line.starts_with("<<<<<<<") || line.starts_with(">>>>>>>") {
            return None;
        }
        if line.starts_with(MARKER_PREFIX) {
            let c = marker(line)?;
            if facts.comments.iter().any(|old| old.id == c.id) {
                return None;
            }
            facts.comments.push(c);
            in_description = false;
        } else if in_description {
            description.push(unescape_line(line));
        }
    }
    facts.description = text_hash(&normalise_text(&description.join("\n")));
    Some(facts)
}

/// The indented lines of a `rating:` mapping as desk writes it.
fn rating<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Option<(u8, Option<String>, i64)> {
    let score: u8 = lines.next()?.strip_prefix("  score: ")?.parse().ok().filter(|s| (1..=5).contains(s))?;
    let mut next = lines.next()?;
    let mut comment = None;
    if let Some(c) = next.strip_prefix("  comment: ") {
        comment = optional(c).ok()?;
        next = lines.next()?;
    }
    let date = time(next.strip_prefix("  date: ")?)?;
    Some((score, comment, date))
}

/// A comment marker line: `<!-- desk:reply|note ID TIME AUTHOR -->`.
fn marker(line: &str) -> Option<CommentFact> {
    let inner = line.strip_prefix(MARKER_PREFIX)?.trim_end().strip_suffix("-->")?.trim_end();
    let mut parts = inner.splitn(4, ' ');
    let (kind, id, date, author) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let public = match kind {
        "reply" => true,
        "note" => false,
        _ => return None,
    };
    if !is_comment_id(id) {
        return None;
    }
    time(date)?;
    Some(CommentFact { id: id.to_owned(), author: author.trim().to_owned(), public })
}
