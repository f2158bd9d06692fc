//! desk's own export (`desk export --format json` or `ndjson`): the ticket
//! objects of docs/json.md, imported with their ids, so an export imported
//! into an empty helpdesk gives the same tickets.

use chrono::{DateTime, Utc};
use serde_json::Value as J;

use super::{Event, Record, What, rfc3339};
use crate::model::{FIELDS, Field, FieldKind, Rating, Ticket, TicketId, Value, is_comment_id};
use crate::workflow::Config;

fn time(v: &J, what: &str) -> Result<DateTime<Utc>, String> {
    v.as_str().and_then(rfc3339).ok_or_else(|| format!("'{what}' is not an RFC 3339 time"))
}

/// A field's JSON value as the field table's [`Value`].
fn value(kind: FieldKind, json: &J, key: &str) -> Result<Value, String> {
    Ok(match (kind, json) {
        (_, J::Null) => Value::None,
        (FieldKind::Time, v) => Value::Time(time(v, key)?),
        (FieldKind::Rating, J::Object(r)) => Value::Rating(Rating {
            score: r
                .get("score")
                .and_then(J::as_u64)
                .and_then(|s| u8::try_from(s).ok())
                .filter(|s| (1..=5).contains(s))
                .ok_or_else(|| format!("'{key}.score' is not a score from 1 to 5"))?,
            comment: r.get("comment").and_then(J::as_str).map(str::to_owned),
            date: time(r.get("date").unwrap_or(&J::Null), &format!("{key}.date"))?,
        }),
        (_, J::String(s)) => Value::Str(s.clone()),
        (_, J::Array(items)) => Value::List(
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("'{key}' has an item that is not text"))
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(format!("'{key}' has a value of the wrong kind")),
    })
}

/// The record of one ticket object. Its history: created (by the requester)
/// with its description and the fields it has now but status, assignee and
/// rating; each comment at its time by its author; then, at `updated`, every
/// field as exported; the rating at its date.
pub fn record(config: &Config, position: String, v: &J) -> Result<Record, String> {
    let obj = v.as_object().ok_or("not a JSON object")?;
    let id = obj.get("id").and_then(J::as_str).and_then(TicketId::parse).ok_or("'id' is not a ticket id")?;
    let created = time(obj.get("created").unwrap_or(&J::Null), "created")?;
    let updated = time(obj.get("updated").unwrap_or(&J::Null), "updated")?;
    let mut last = Ticket::blank(id.clone(), created);
    for def in FIELDS.iter().filter(|d| d.field != Field::Id) {
        let json = obj.get(def.json).unwrap_or(&J::Null);
        let val = value(def.kind, json, def.json)?;
        if matches!(val, Value::None) && def.required {
            return Err(format!("'{}' is missing", def.json));
        }
        if !def.set(&mut last, val) {
            return Err(format!("'{}' has a value of the wrong kind", def.json));
        }
    }
    if let Some(J::Object(fields)) = obj.get("fields") {
        for (k, v) in fields {
            let v = serde_yaml::to_value(v).map_err(|e| format!("custom field '{k}': {e}"))?;
            last.fields.insert(serde_yaml::Value::String(k.clone()), v);
        }
    }
    let mut first = last.clone();
    obj.get("body").and_then(J::as_str).unwrap_or_default().clone_into(&mut first.description);
    first.status.clone_from(&config.workflow.initial);
    first.assignee = None;
    first.rating = None;
    first.created = created;
    let mut events = Vec::new();
    for (i, c) in obj.get("comments").and_then(J::as_array).map_or(&[][..], Vec::as_slice).iter().enumerate()
    {
        events.push(comment(c).map_err(|e| format!("comment {}: {e}", i + 1))?);
    }
    if let Some(r) = last.rating.clone() {
        events.push(Event { time: r.date, actor: last.requester.clone(), what: What::Rating(r) });
    }
    events.push(Event { time: updated, actor: None, what: What::Fields(Box::new(last)) });
    Ok(Record {
        position,
        origin: format!("desk:{id}"),
        id: Some(id),
        creator: first.requester.clone(),
        ticket: first,
        events,
        partial: false,
    })
}

fn comment(c: &J) -> Result<Event, String> {
    let id =
        c.get("id").and_then(J::as_str).filter(|i| is_comment_id(i)).ok_or("'id' is not a comment id")?;
    let author =
        c.get("author").and_then(J::as_str).filter(|a| !a.trim().is_empty()).ok_or("it has no author")?;
    let flag = |k: &str| c.get(k).and_then(J::as_bool).unwrap_or(false);
    Ok(Event {
        time: time(c.get("date").unwrap_or(&J::Null), "date")?,
        actor: Some(author.to_owned()),
        what: What::Comment {
            id: id.to_owned(),
            public: c.get("visibility").and_then(J::as_str) != Some("internal"),
            body: c.get("body").and_then(J::as_str).unwrap_or_default().to_owned(),
            automated: flag("automated"),
            merged: flag("merged"),
        },
    })
}
