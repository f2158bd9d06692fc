//! The keys of a ticket's JSON object, and `--fields a,b,…`: which of them to
//! print, in the order given (as `gh --json FIELDS`). Shared by every command
//! that prints tickets: parse the list once (clap does, through [`FromStr`]; an
//! unknown name is a usage error listing the valid ones), then serialise a
//! whole ticket, or — when no selected key needs more than the front matter —
//! the list index's summary of one.

use std::str::FromStr;

use serde::Serialize;
use serde::ser::SerializeMap;

use super::output::{CommentJson, field_json};
use crate::model::{FIELDS, Field, FieldSource, Ticket};

/// One key of a ticket's JSON object (docs/json.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A field of the field table, under its JSON name.
    Field(Field),
    /// `body`: the description.
    Body,
    /// `comments`: the replies and internal notes.
    Comments,
    /// `fields`: the custom fields, as an object.
    Custom,
}

impl Key {
    /// Every key, in the order `desk show --json` prints them: the field
    /// table's fields, then `body`, `comments` and `fields`.
    pub fn all() -> impl Iterator<Item = Key> {
        FIELDS.iter().map(|def| Key::Field(def.field)).chain([Key::Body, Key::Comments, Key::Custom])
    }

    /// The key's name in the JSON object.
    pub fn name(self) -> &'static str {
        match self {
            Key::Field(f) => f.def().json,
            Key::Body => "body",
            Key::Comments => "comments",
            Key::Custom => "fields",
        }
    }

    /// Whether its value needs the whole ticket: the list index holds only the
    /// fields of the field table.
    pub fn needs_ticket(self) -> bool {
        !matches!(self, Key::Field(_))
    }

    fn named(name: &str) -> Option<Key> {
        Key::all().find(|k| k.name() == name)
    }
}

/// The valid names of `--fields`, comma-separated, in object order.
pub fn names() -> String {
    Key::all().map(Key::name).collect::<Vec<_>>().join(", ")
}

/// The help text of a `--fields` option.
pub fn help() -> String {
    format!("Print only these keys of the JSON object, in this order (implies --json): {}", names())
}

/// A `--fields` list: keys of the ticket object, in the order to print them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields(Vec<Key>);

impl Fields {
    /// Every key, as `--json` without `--fields` prints them.
    pub fn all() -> Fields {
        Fields(Key::all().collect())
    }

    /// The keys, in order.
    pub fn keys(&self) -> &[Key] {
        &self.0
    }

    /// Whether some key needs the whole ticket, not only its summary in the
    /// list index (`body`, `comments`, `fields`).
    pub fn needs_ticket(&self) -> bool {
        self.0.iter().any(|k| k.needs_ticket())
    }

    /// The object of `ticket` with these keys only.
    pub fn of_ticket<'a>(&'a self, ticket: &'a Ticket) -> Selected<'a> {
        Selected { keys: &self.0, source: Source::Ticket(ticket) }
    }

    /// The object made from front-matter values alone (a `store::Summary` of
    /// the list index), or `None` when a key needs the whole ticket. For the
    /// same ticket it is the same object as [`Fields::of_ticket`].
    pub fn of_summary<'a>(&'a self, summary: &'a dyn FieldSource) -> Option<Selected<'a>> {
        (!self.needs_ticket()).then_some(Selected { keys: &self.0, source: Source::Summary(summary) })
    }
}

impl FromStr for Fields {
    type Err = String;

    /// `id,status,title`: names separated by commas (spaces around them are
    /// ignored); each must be a key of the ticket object, given once.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let mut keys = Vec::new();
        for name in list.split(',').map(str::trim) {
            if name.is_empty() {
                return Err(format!(
                    "the list has an empty name; give names separated by commas: {}",
                    names()
                ));
            }
            let key = Key::named(name)
                .ok_or_else(|| format!("unknown field '{name}'; valid fields: {}", names()))?;
            if keys.contains(&key) {
                return Err(format!("'{name}' is given twice"));
            }
            keys.push(key);
        }
        Ok(Fields(keys))
    }
}

/// Where the values come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Ticket(&'a Ticket),
    Summary(&'a dyn FieldSource),
}

/// A ticket's JSON object with the selected keys, ready to serialise.
pub struct Selected<'a> {
    keys: &'a [Key],
    source: Source<'a>,
}

impl Serialize for Selected<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.keys.len()))?;
        for &key in self.keys {
            entry(&mut map, key, self.source)?;
        }
        map.end()
    }
}

/// A whole ticket's JSON object, every key in order, without allocating a
/// key list (`desk list --json` prints many).
pub fn serialize_ticket<S: serde::Serializer>(ticket: &Ticket, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(FIELDS.len() + 3))?;
    for key in Key::all() {
        entry(&mut map, key, Source::Ticket(ticket))?;
    }
    map.end()
}

/// Writes one key and its value.
fn entry<M: SerializeMap>(map: &mut M, key: Key, source: Source<'_>) -> Result<(), M::Error> {
    match (key, source) {
        (Key::Field(f), Source::Ticket(t)) => map.serialize_entry(key.name(), &field_json(f.def().get(t))),
        (Key::Field(f), Source::Summary(s)) => map.serialize_entry(key.name(), &field_json(s.val(f))),
        (Key::Body, Source::Ticket(t)) => map.serialize_entry(key.name(), &t.description),
        (Key::Comments, Source::Ticket(t)) => {
            let comments: Vec<CommentJson> = t.comments.iter().map(CommentJson::from).collect();
            map.serialize_entry(key.name(), &comments)
        }
        (Key::Custom, Source::Ticket(t)) => map
            .serialize_entry(key.name(), &serde_json::to_value(&t.fields).unwrap_or(serde_json::Value::Null)),
        (Key::Body | Key::Comments | Key::Custom, Source::Summary(_)) => {
            unreachable!("of_summary refuses keys that need the whole ticket")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TicketId;

    fn ticket() -> Ticket {
        let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut t = Ticket::new(
            TicketId::parse("k3x9q2hm7d").unwrap(),
            "Printer".into(),
            "open".into(),
            "high".into(),
            now,
        );
        t.labels = vec!["printer".into()];
        t.description = "Tray 2".into();
        t
    }

    #[test]
    fn a_list_selects_keys_in_its_own_order() {
        let fields: Fields = "status, id,labels,body".parse().unwrap();
        let t = ticket();
        let json = serde_json::to_value(fields.of_ticket(&t)).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["status", "id", "labels", "body"]);
        assert_eq!(json["labels"], serde_json::json!(["printer"]));
        assert!(fields.needs_ticket());
        assert!(fields.of_summary(&t).is_none());
    }

    #[test]
    fn every_key_comes_from_the_table_and_the_whole_object_is_all_keys() {
        let names: Vec<&str> = Key::all().map(Key::name).collect();
        let table: Vec<&str> = FIELDS.iter().map(|d| d.json).collect();
        assert_eq!(names[..table.len()], table[..]);
        assert_eq!(names[table.len()..], ["body", "comments", "fields"]);
        let t = ticket();
        let all = serde_json::to_value(Fields::all().of_ticket(&t)).unwrap();
        let mut whole = serde_json::Serializer::new(Vec::new());
        serialize_ticket(&t, &mut whole).unwrap();
        assert_eq!(all, serde_json::from_slice::<serde_json::Value>(&whole.into_inner()).unwrap());
    }

    #[test]
    fn a_summary_gives_the_same_values_as_the_ticket() {
        let fields: Fields = "id,created,rating,cc".parse().unwrap();
        let t = ticket();
        let from_source = serde_json::to_value(fields.of_summary(&t).unwrap()).unwrap();
        assert_eq!(from_source, serde_json::to_value(fields.of_ticket(&t)).unwrap());
        assert_eq!(from_source["created"], "2026-09-21T14:13:20Z");
    }

    #[test]
    fn unknown_empty_and_repeated_names_are_refused() {
        let e = "id,colour".parse::<Fields>().unwrap_err();
        assert!(e.starts_with("unknown field 'colour'; valid fields: id, title, status"), "{e}");
        assert!(e.ends_with("body, comments, fields"), "{e}");
        assert!("id,,title".parse::<Fields>().unwrap_err().contains("empty name"));
        assert!("".parse::<Fields>().is_err());
        assert_eq!("id,title,id".parse::<Fields>().unwrap_err(), "'id' is given twice");
    }
}
