//! What changed between two versions of a ticket, as events. Pure: works on
//! parsed tickets (through [`Facts`], the parts of a ticket events look at).

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::model::field::{Domain, FIELDS, Field, FieldDef, FieldKind, Track};
use crate::model::{self, Ticket, Val, Visibility};

/// What happened to a ticket in one commit. `S` is the string type: `String`
/// for callers, an interned symbol inside the event log. Fields are named by
/// their front-matter key (see [`crate::model::FIELDS`]); custom fields by theirs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind<S> {
    /// The ticket file appeared. `values` holds the value of each field whose
    /// history is tracked in full, as (field, value) pairs in table order: a
    /// field without a value is left out, a set gives one pair per member.
    Created { values: List<(S, S)> },
    /// The ticket file was removed.
    Deleted,
    /// A single-valued field changed: a field of the table, a custom field, or
    /// `description` (then without values).
    Changed { field: S, from: Option<S>, to: Option<S> },
    /// A set-valued field (labels, cc) changed.
    Members { field: S, added: List<S>, removed: List<S> },
    /// A public reply appeared; `author` as written in the ticket file.
    Reply { comment: S, author: S },
    /// An internal note appeared.
    Note { comment: S, author: S },
    /// A reply (`public`) or note written by an automation rule appeared:
    /// never a response, never a requester's message.
    Automated { comment: S, author: S, public: bool },
    /// A reply (`public`) or note copied from a ticket merged into this one
    /// appeared: never a response, never a requester's message.
    Copied { comment: S, author: S, public: bool },
    /// A reply or note was removed (`desk edit`); the actor is the commit's author.
    Removed { comment: S },
    /// The rating was given, changed or removed.
    Rating { from: Option<u8>, to: Option<u8>, comment: Option<S> },
}

/// The items of an event (a set's members, the values of a new ticket), kept
/// behind one thin pointer: with them, [`Kind`] takes 24 bytes and an event
/// of the log 40, where two `Vec`s made it 72 — the log of a million tickets
/// holds millions of events, and only a few have items. Reads as a slice;
/// serialised as a sequence (the same bytes as a `Vec`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct List<T>(Box<Box<[T]>>);

impl<T> std::ops::Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> List<T> {
        List(Box::new(items.into_boxed_slice()))
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> List<T> {
        items.into_iter().collect::<Vec<T>>().into()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The name `desk log` gives a change to the field called `field`: the field's
/// own name for a field of the table and the description, `field` for a custom
/// field.
pub fn change_name(field: &str) -> &'static str {
    match model::field::by_name(field) {
        Some(def) => def.name,
        None if field == DESCRIPTION => DESCRIPTION,
        None => "field",
    }
}

/// The name history gives the description.
pub const DESCRIPTION: &str = "description";

impl<S: AsRef<str>> Kind<S> {
    /// The name of the kind, as `desk log --json` prints it: `created`,
    /// `deleted`, a field's name, `field` (a custom field), `reply`, `note`, `rating`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Created { .. } => "created",
            Kind::Deleted => "deleted",
            Kind::Changed { field, .. } | Kind::Members { field, .. } => change_name(field.as_ref()),
            Kind::Reply { .. } => "reply",
            Kind::Note { .. } => "note",
            Kind::Automated { public: true, .. } => "auto-reply",
            Kind::Automated { public: false, .. } => "auto-note",
            Kind::Copied { public: true, .. } => "merged-reply",
            Kind::Copied { public: false, .. } => "merged-note",
            Kind::Removed { .. } => "removed",
            Kind::Rating { .. } => "rating",
        }
    }
}

impl<S> Kind<S> {
    /// The same event with every string mapped through `f`.
    pub fn map<'a, T>(&'a self, mut f: impl FnMut(&'a S) -> T) -> Kind<T> {
        let opt = |o: &'a Option<S>, f: &mut dyn FnMut(&'a S) -> T| o.as_ref().map(f);
        match self {
            Kind::Created { values } => {
                Kind::Created { values: values.iter().map(|(k, v)| (f(k), f(v))).collect() }
            }
            Kind::Deleted => Kind::Deleted,
            Kind::Changed { field, from, to } => {
                Kind::Changed { field: f(field), from: opt(from, &mut f), to: opt(to, &mut f) }
            }
            Kind::Members { field, added, removed } => Kind::Members {
                field: f(field),
                added: added.iter().map(&mut f).collect(),
                removed: removed.iter().map(&mut f).collect(),
            },
            Kind::Reply { comment, author } => Kind::Reply { comment: f(comment), author: f(author) },
            Kind::Note { comment, author } => Kind::Note { comment: f(comment), author: f(author) },
            Kind::Automated { comment, author, public } => {
                Kind::Automated { comment: f(comment), author: f(author), public: *public }
            }
            Kind::Copied { comment, author, public } => {
                Kind::Copied { comment: f(comment), author: f(author), public: *public }
            }
            Kind::Removed { comment } => Kind::Removed { comment: f(comment) },
            Kind::Rating { from, to, comment } => {
                Kind::Rating { from: *from, to: *to, comment: opt(comment, &mut f) }
            }
        }
    }
}

/// One reply or note, as events see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentFact {
    pub id: String,
    pub author: String,
    pub public: bool,
    pub automated: bool,
    pub merged: bool,
}

/// A tracked field's value in [`Facts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactValue {
    None,
    One(String),
    Many(Vec<String>),
    /// Score, comment, date (Unix seconds).
    Rating(u8, Option<String>, i64),
}

impl FactValue {
    /// The value of a field as history keeps it.
    pub fn of(v: Val<'_>) -> FactValue {
        match v {
            Val::None | Val::Time(_) => FactValue::None,
            Val::Str(s) => FactValue::One(s.to_owned()),
            Val::List(l) => FactValue::Many(l.to_vec()),
            Val::Rating(score, comment, date) => FactValue::Rating(score, comment.map(str::to_owned), date),
        }
    }

    fn one(&self) -> Option<&String> {
        match self {
            FactValue::One(s) => Some(s),
            _ => None,
        }
    }

    fn many(&self) -> &[String] {
        match self {
            FactValue::Many(l) => l,
            _ => &[],
        }
    }

    fn rating(&self) -> Option<(u8, Option<&String>)> {
        match self {
            FactValue::Rating(score, comment, _) => Some((*score, comment.as_ref())),
            _ => None,
        }
    }
}

/// The parts of one version of a ticket that events are derived from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Each field's value, by position in [`FIELDS`]; [`FactValue::None`] for
    /// fields whose history is not tracked.
    pub values: Vec<FactValue>,
    /// Custom fields: key and value (a string as it is, anything else as YAML).
    pub fields: Vec<(String, String)>,
    /// A hash of the description, to notice edits without keeping the text.
    pub description: u64,
    pub comments: Vec<CommentFact>,
    /// Ids of removed comments.
    pub removed: Vec<String>,
}

impl Facts {
    /// The value of `field`.
    pub fn get(&self, field: Field) -> &FactValue {
        self.values.get(field.index()).unwrap_or(&FactValue::None)
    }
}

pub(super) fn text_hash(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A custom field's value as text: strings as they are, anything else as YAML.
pub fn field_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_owned(),
    }
}

impl From<&Ticket> for Facts {
    fn from(t: &Ticket) -> Self {
        Facts {
            values: FIELDS
                .iter()
                .map(|def| if def.track == Track::Off { FactValue::None } else { FactValue::of(def.get(t)) })
                .collect(),
            fields: t
                .fields
                .iter()
                .map(|(k, v)| (k.as_str().map_or_else(|| field_text(k), str::to_owned), field_text(v)))
                .collect(),
            description: text_hash(&t.description),
            comments: t
                .comments
                .iter()
                .map(|c| CommentFact {
                    id: c.id.clone(),
                    author: c.author.clone(),
                    public: c.visibility == Visibility::Public,
                    automated: c.automated,
                    merged: c.merged,
                })
                .collect(),
            removed: t.removed.iter().map(|r| r.id.clone()).collect(),
        }
    }
}

/// The events that turn ticket version `before` into `after` (`None`: no file).
pub fn diff_tickets(before: Option<&Ticket>, after: Option<&Ticket>) -> Vec<Kind<String>> {
    diff(before.map(Facts::from).as_ref(), after.map(Facts::from).as_ref())
}

fn comment_event(c: &CommentFact) -> Kind<String> {
    if c.merged {
        Kind::Copied { comment: c.id.clone(), author: c.author.clone(), public: c.public }
    } else if c.automated {
        Kind::Automated { comment: c.id.clone(), author: c.author.clone(), public: c.public }
    } else if c.public {
        Kind::Reply { comment: c.id.clone(), author: c.author.clone() }
    } else {
        Kind::Note { comment: c.id.clone(), author: c.author.clone() }
    }
}

fn rating_event(from: &FactValue, to: &FactValue) -> Kind<String> {
    Kind::Rating {
        from: from.rating().map(|r| r.0),
        to: to.rating().map(|r| r.0),
        comment: to.rating().and_then(|r| r.1.cloned()),
    }
}

/// Where a field's events go among a commit's events: status changes come
/// after the conversation (a reply that resolves a ticket comes before the
/// resolution), the rating last.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Fields,
    Status,
    Rating,
}

fn phase(def: &FieldDef) -> Phase {
    match def.kind {
        FieldKind::Enum(Domain::Status) => Phase::Status,
        FieldKind::Rating => Phase::Rating,
        _ => Phase::Fields,
    }
}

/// The events of the fields of `phase` that differ between `b` and `a`.
fn field_events(b: &Facts, a: &Facts, which: Phase, out: &mut Vec<Kind<String>>) {
    for def in FIELDS.iter().filter(|d| d.track != Track::Off && phase(d) == which) {
        let (old, new) = (b.get(def.field), a.get(def.field));
        if old == new {
            continue;
        }
        if def.kind == FieldKind::Rating {
            out.push(rating_event(old, new));
        } else if def.is_set() {
            let (old, new) = (old.many(), new.many());
            let added: Vec<String> = new.iter().filter(|l| !old.contains(l)).cloned().collect();
            let removed: Vec<String> = old.iter().filter(|l| !new.contains(l)).cloned().collect();
            if !added.is_empty() || !removed.is_empty() {
                out.push(Kind::Members {
                    field: def.name.to_owned(),
                    added: added.into(),
                    removed: removed.into(),
                });
            }
        } else {
            out.push(Kind::Changed {
                field: def.name.to_owned(),
                from: old.one().cloned(),
                to: new.one().cloned(),
            });
        }
    }
}

/// The events that turn `before` into `after`, in the order a reader expects
/// within one commit: fields, description and custom fields, the conversation,
/// then status and rating.
pub fn diff(before: Option<&Facts>, after: Option<&Facts>) -> Vec<Kind<String>> {
    let mut out = Vec::new();
    let (b, a) = match (before, after) {
        (None, None) => return out,
        (Some(_), None) => return vec![Kind::Deleted],
        (None, Some(a)) => {
            let mut values = Vec::new();
            for def in FIELDS.iter().filter(|d| d.track == Track::Full && d.kind != FieldKind::Rating) {
                match a.get(def.field) {
                    FactValue::One(v) => values.push((def.name.to_owned(), v.clone())),
                    FactValue::Many(items) => {
                        values.extend(items.iter().map(|v| (def.name.to_owned(), v.clone())));
                    }
                    FactValue::None | FactValue::Rating(..) => {}
                }
            }
            out.push(Kind::Created { values: values.into() });
            out.extend(a.comments.iter().map(comment_event));
            if a.get(Field::Rating) != &FactValue::None {
                out.push(rating_event(&FactValue::None, a.get(Field::Rating)));
            }
            return out;
        }
        (Some(b), Some(a)) => (b, a),
    };
    field_events(b, a, Phase::Fields, &mut out);
    if b.description != a.description {
        out.push(Kind::Changed { field: DESCRIPTION.to_owned(), from: None, to: None });
    }
    let field = |name: &str, from: Option<&String>, to: Option<&String>| Kind::Changed {
        field: name.to_owned(),
        from: from.cloned(),
        to: to.cloned(),
    };
    for (k, v) in &a.fields {
        let old = b.fields.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv);
        if old != Some(v) {
            out.push(field(k, old, Some(v)));
        }
    }
    for (k, v) in &b.fields {
        if !a.fields.iter().any(|(ak, _)| ak == k) {
            out.push(field(k, Some(v), None));
        }
    }
    for c in &a.comments {
        if !b.comments.iter().any(|old| old.id == c.id) {
            out.push(comment_event(c));
        }
    }
    for id in a.removed.iter().filter(|id| !b.removed.contains(id)) {
        out.push(Kind::Removed { comment: id.clone() });
    }
    field_events(b, a, Phase::Status, &mut out);
    field_events(b, a, Phase::Rating, &mut out);
    out
}

/// The events a merge commit itself made to a ticket: the changes against its
/// first parent that also differ from every other parent. What one side of
/// the merge brought in was already counted in that side's own commits.
pub fn diff_merge(parents: &[Option<&Facts>], after: Option<&Facts>) -> Vec<Kind<String>> {
    let Some((first, others)) = parents.split_first() else { return diff(None, after) };
    let mut out = Vec::new();
    for kind in diff(*first, after) {
        let kept = match (&kind, after) {
            (Kind::Deleted, _) => others.iter().all(Option::is_some),
            (Kind::Members { field, added, removed }, _) => {
                let members = |p: &Facts| {
                    model::field::by_name(field).map_or(&[][..], |def| p.get(def.field).many()).to_vec()
                };
                let added: Vec<String> = added
                    .iter()
                    .filter(|l| others.iter().all(|p| p.is_none_or(|p| !members(p).contains(l))))
                    .cloned()
                    .collect();
                let removed: Vec<String> = removed
                    .iter()
                    .filter(|l| others.iter().all(|p| p.is_some_and(|p| members(p).contains(l))))
                    .cloned()
                    .collect();
                if !added.is_empty() || !removed.is_empty() {
                    out.push(Kind::Members {
                        field: field.clone(),
                        added: added.into(),
                        removed: removed.into(),
                    });
                }
                false
            }
            (_, Some(a)) => others.iter().all(|p| differs(&kind, *p, a)),
            (_, None) => true,
        };
        if kept {
            out.push(kind);
        }
    }
    out
}

/// Whether the aspect of the ticket that `kind` is about differs between a
/// parent `p` and the merge result `a`.
fn differs(kind: &Kind<String>, p: Option<&Facts>, a: &Facts) -> bool {
    let Some(p) = p else { return true };
    match kind {
        Kind::Created { .. } | Kind::Deleted => false,
        Kind::Reply { comment, .. }
        | Kind::Note { comment, .. }
        | Kind::Automated { comment, .. }
        | Kind::Copied { comment, .. } => !p.comments.iter().any(|c| &c.id == comment),
        Kind::Removed { comment } => !p.removed.contains(comment),
        Kind::Rating { .. } => p.get(Field::Rating) != a.get(Field::Rating),
        Kind::Changed { field, .. } | Kind::Members { field, .. } => match model::field::by_name(field) {
            Some(def) => p.get(def.field) != a.get(def.field),
            None if field == DESCRIPTION => p.description != a.description,
            None => {
                let get = |f: &Facts| f.fields.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone());
                get(p) != get(a)
            }
        },
    }
}
