//! A fast path to a ticket file's [`Facts`]: a line scanner for files in the
//! exact form desk writes them, which skips the YAML parser. Anything it is
//! not sure about (a custom field, a quoted value it cannot decode, a block
//! list, a number or keyword YAML would read differently) makes it give up, and
//! the caller parses the file fully; when it does answer, its answer is the one
//! the full parser gives (a property test holds it to that).

use chrono::DateTime;

use super::diff::{CommentFact, FactValue, Facts, text_hash};
use crate::model::field::{self, FIELDS, FieldKind, Track};
use crate::model::{BodyLine, TicketId, Visibility, body_lines, normalise_text, yaml};

/// A scalar value as YAML would read it, when that is certain: a plain scalar
/// by the one rule desk writes by, or a double-quoted string desk could have written.
fn scalar(v: &str) -> Option<String> {
    if v.starts_with('"') {
        return yaml::read_quoted(v);
    }
    yaml::is_plain(v).then(|| v.to_owned())
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

/// A ticket id value.
fn id(v: &str) -> Option<TicketId> {
    TicketId::parse(&scalar(v)?)
}

fn time(v: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(v).ok().map(|t| t.timestamp())
}

/// A flow list `[a, b]` of scalars.
fn list(v: &str) -> Option<Vec<String>> {
    if v.is_empty() {
        return Some(Vec::new());
    }
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim_matches([' ', '\t']).is_empty() {
        return Some(Vec::new());
    }
    if inner.contains(['\'', '[', ']', '{', '}']) {
        return None;
    }
    // A quoted label with a comma in it splits into pieces that are not
    // scalars, so the scanner gives up on it.
    inner.split(',').map(|l| scalar(l.trim_matches([' ', '\t'])).filter(|s| !s.trim().is_empty())).collect()
}

/// The facts of a ticket file in desk's own form; `None` when the file needs
/// the full parser (which may then also reject it).
pub fn scan(text: &str) -> Option<Facts> {
    if text.contains('\r') || text.contains("\n<<<<<<<") || text.contains("\n>>>>>>>") {
        return None;
    }
    let rest = text.strip_prefix("---\n")?;
    let mut lines = rest.split('\n');
    let mut line_no = 1;
    // The value text of each field, by position in FIELDS; a rating is read at once.
    let mut found: Vec<Option<&str>> = vec![None; FIELDS.len()];
    let mut rating_value = None;
    let mut body = None;
    while let Some(line) = lines.next() {
        line_no += 1;
        if line.trim_end() == "---" {
            // `line` is a slice of `rest`: the body starts after it and its `\n`.
            let start = line.as_ptr().addr() - rest.as_ptr().addr() + line.len() + 1;
            body = Some(rest.get(start..).unwrap_or(""));
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
            let r = rating(&mut lines)?;
            line_no += 2 + usize::from(r.1.is_some());
            rating_value = Some(r);
            continue;
        }
        if found[def.field.index()].replace(value).is_some() {
            return None;
        }
    }
    let body = body?;
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
            FieldKind::Labels | FieldKind::People | FieldKind::Links => {
                FactValue::Many(list(text.unwrap_or(""))?)
            }
            FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person if def.required => {
                FactValue::One(required(text)?)
            }
            FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person | FieldKind::Ticket => {
                optional(text.unwrap_or("")).ok()?.map_or(FactValue::None, FactValue::One)
            }
        };
        values.push(if def.track == Track::Off { FactValue::None } else { value });
    }
    let mut facts =
        Facts { values, fields: Vec::new(), description: 0, comments: Vec::new(), removed: Vec::new() };
    read_body(body, line_no + 1, &mut facts)?;
    Some(facts)
}

/// The description's hash, the comments and the removals of a body whose
/// first line is line `first_line`; `None` when a line cannot be read.
fn read_body(body: &str, first_line: usize, facts: &mut Facts) -> Option<()> {
    let mut description = Vec::new();
    for line in body_lines(body, first_line) {
        match line.ok()? {
            BodyLine::Description(text) => description.push(text),
            BodyLine::Comment { visibility, automated, merged, id, author, .. } => {
                facts.comments.push(CommentFact {
                    id: id.to_owned(),
                    author: author.to_owned(),
                    public: visibility == Visibility::Public,
                    automated,
                    merged,
                });
            }
            BodyLine::Text(_) => {}
            BodyLine::Removed { id, .. } => facts.removed.push(id.to_owned()),
        }
    }
    facts.description = text_hash(&normalise_text(&description.join("\n")));
    Some(())
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
