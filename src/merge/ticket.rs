//! Three-way merge of one ticket, field by field.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_yaml::{Mapping, Value};

use super::{FieldTimes, Resolution, Side, Times};
use crate::model::field::MergeRule;
use crate::model::{Comment, FIELDS, Removal, Ticket, Val, Visibility};

/// Author of the internal note that keeps a description that lost a merge.
pub const MERGE_AUTHOR: &str = "desk merge <merge@desk.invalid>";

/// The result of merging one ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct MergedTicket {
    /// The merged ticket; `None` when it is deleted.
    pub ticket: Option<Ticket>,
    /// Every field both sides changed differently, and how it was decided.
    pub conflicts: Vec<Resolution>,
}

/// Merges one ticket: `base` is its version at the merge base, `ours` and
/// `theirs` the two sides (`None`: the file does not exist there). Symmetric:
/// swapping the sides (and their times) gives the identical ticket.
pub fn merge_ticket(
    base: Option<&Ticket>,
    ours: Option<&Ticket>,
    theirs: Option<&Ticket>,
    times: &Times,
) -> MergedTicket {
    let clean = |t: Option<&Ticket>| MergedTicket { ticket: t.cloned(), conflicts: Vec::new() };
    if ours == theirs || base == theirs {
        return clean(ours);
    }
    if base == ours {
        return clean(theirs);
    }
    match (ours, theirs) {
        (Some(o), Some(t)) => {
            let mut m = Merger { times, conflicts: Vec::new() };
            let ticket = m.ticket(base, o, t);
            MergedTicket { ticket: Some(ticket), conflicts: m.conflicts }
        }
        // Deleted on one side and changed on the other: keep the change.
        (Some(kept), None) | (None, Some(kept)) => {
            let side = if ours.is_some() { Side::Ours } else { Side::Theirs };
            MergedTicket {
                ticket: Some(kept.clone()),
                conflicts: vec![Resolution {
                    field: "ticket".into(),
                    kept: side,
                    kept_value: "changed".into(),
                    dropped_value: "deleted".into(),
                }],
            }
        }
        (None, None) => clean(None),
    }
}

struct Merger<'a> {
    times: &'a Times,
    conflicts: Vec<Resolution>,
}

impl Merger<'_> {
    fn ticket(&mut self, base: Option<&Ticket>, o: &Ticket, t: &Ticket) -> Ticket {
        let mut merged = o.clone();
        for def in FIELDS {
            let (ov, tv) = (def.get(o), def.get(t));
            let bv = base.map(|b| def.get(b));
            let value = match def.merge {
                MergeRule::Fixed => continue,
                MergeRule::Later => self.scalar(def.name, bv.as_ref(), &ov, &tv, show_val).to_value(),
                MergeRule::Union => crate::model::Value::List(merge_set(
                    bv.map(Val::as_list),
                    ov.as_list(),
                    tv.as_list(),
                    Clone::clone,
                )),
                // The merged ticket was last touched when either side last touched it.
                MergeRule::Latest => match (ov, tv) {
                    (Val::Time(a), Val::Time(b)) if b > a => tv,
                    _ => ov,
                }
                .to_value(),
            };
            let kind_matches = def.set(&mut merged, value);
            debug_assert!(kind_matches, "merged values keep the field's kind");
        }
        merged.fields = self.fields(base.map(|b| &b.fields), &o.fields, &t.fields);
        let (mut comments, removed) = merge_comments(self, base, o, t);
        merged.description = self.description(base, o, t, &mut comments);
        comments.retain(|c| !removed.iter().any(|r| r.id == c.id));
        merged.comments = comments;
        merged.removed = removed;
        merged
    }

    /// A value changed on one side takes that side; changed on both, the later
    /// change wins, ties broken by the greater rendered value.
    fn scalar<T: Clone + PartialEq>(
        &mut self,
        field: &str,
        base: Option<&T>,
        o: &T,
        t: &T,
        show: impl Fn(&T) -> String,
    ) -> T {
        if o == t || base == Some(t) {
            return o.clone();
        }
        if base == Some(o) {
            return t.clone();
        }
        let (so, st) = (show(o), show(t));
        let side = later(self.times, field, &so, &st);
        let (kept, dropped, value) = match side {
            Side::Ours => (so, st, o),
            Side::Theirs => (st, so, t),
        };
        self.conflicts.push(Resolution {
            field: field.to_owned(),
            kept: side,
            kept_value: kept,
            dropped_value: dropped,
        });
        value.clone()
    }

    /// Custom fields key by key; lists (cc, links, …) merge as sets.
    fn fields(&mut self, base: Option<&Mapping>, o: &Mapping, t: &Mapping) -> Mapping {
        if o == t || base == Some(t) {
            return o.clone();
        }
        if base == Some(o) {
            return t.clone();
        }
        let empty = Mapping::new();
        let b = base.unwrap_or(&empty);
        // Keys in base order, then added keys in a side-independent order.
        let mut keys: Vec<&Value> = b.keys().collect();
        let mut added: Vec<&Value> = o.keys().chain(t.keys()).filter(|k| !b.contains_key(*k)).collect();
        added.sort_by_cached_key(|k| show_yaml(k));
        added.dedup();
        keys.extend(added);
        let mut out = Mapping::new();
        for key in keys {
            let name = format!("fields.{}", show_yaml(key));
            let (bv, ov, tv) = (b.get(key), o.get(key), t.get(key));
            let merged = match (bv, ov, tv) {
                (_, Some(Value::Sequence(os)), Some(Value::Sequence(ts)))
                    if matches!(bv, None | Some(Value::Sequence(_))) =>
                {
                    let bs = bv.and_then(Value::as_sequence).map(Vec::as_slice);
                    Some(Value::Sequence(merge_set(bs, os, ts, show_yaml)))
                }
                _ => self.scalar(&name, Some(&bv.cloned()), &ov.cloned(), &tv.cloned(), |v| {
                    v.as_ref().map_or_else(|| "(none)".to_owned(), show_yaml)
                }),
            };
            if let Some(v) = merged {
                out.insert(key.clone(), v);
            }
        }
        out
    }

    /// The description: one-sided edits apply; edited on both sides, the later
    /// wins and the other is kept as an internal note.
    fn description(
        &mut self,
        base: Option<&Ticket>,
        o: &Ticket,
        t: &Ticket,
        comments: &mut Vec<Comment>,
    ) -> String {
        let (od, td) = (&o.description, &t.description);
        if od == td || base.is_some_and(|b| &b.description == td) {
            return od.clone();
        }
        if base.is_some_and(|b| &b.description == od) {
            return td.clone();
        }
        let side = later(self.times, "description", od, td);
        let (kept, dropped, dropped_side) = match side {
            Side::Ours => (od, td, Side::Theirs),
            Side::Theirs => (td, od, Side::Ours),
        };
        if !dropped.is_empty() {
            let id = note_id(o.id.as_str(), dropped);
            if !comments.iter().any(|c| c.id == id) {
                let date = self.times.side(dropped_side).at("description");
                comments.push(Comment {
                    id,
                    author: MERGE_AUTHOR.to_owned(),
                    date,
                    visibility: Visibility::Internal,
                    automated: false,
                    merged: false,
                    body: format!(
                        "The description was edited in two places at once. This version was replaced by a later edit:\n\n{dropped}"
                    ),
                });
                sort_comments(comments);
            }
        }
        self.conflicts.push(Resolution {
            field: "description".into(),
            kept: side,
            kept_value: first_line(kept),
            dropped_value: first_line(dropped),
        });
        kept.clone()
    }
}

/// Which side changed `field` later; equal times go to the greater value, so
/// the answer does not depend on which side is "ours".
fn later(times: &Times, field: &str, ours_value: &str, theirs_value: &str) -> Side {
    let (to, tt) = (times.ours.at(field), times.theirs.at(field));
    match to.cmp(&tt).then_with(|| ours_value.cmp(theirs_value)) {
        std::cmp::Ordering::Less => Side::Theirs,
        _ => Side::Ours,
    }
}

/// Additions and removals of both sides: base items survive only where both
/// sides kept them; base order first, then additions in sorted order.
fn merge_set<T: Clone + PartialEq>(
    base: Option<&[T]>,
    o: &[T],
    t: &[T],
    key: impl Fn(&T) -> String,
) -> Vec<T> {
    if o == t || base == Some(t) {
        return o.to_vec();
    }
    if base == Some(o) {
        return t.to_vec();
    }
    let b = base.unwrap_or(&[]);
    let mut out: Vec<T> = Vec::new();
    for item in b {
        if o.contains(item) && t.contains(item) && !out.contains(item) {
            out.push(item.clone());
        }
    }
    let mut added: Vec<&T> = o.iter().chain(t).filter(|i| !b.contains(i)).collect();
    added.sort_by_cached_key(|i| key(i));
    added.dedup();
    out.extend(added.into_iter().cloned());
    out
}

/// Union by comment id, in time order, without the comments either side
/// removed: a removal is final. A comment both sides changed takes the later
/// side's version. Removals are the union of both sides'; one comment removed on
/// both sides keeps the earlier removal.
fn merge_comments(
    m: &mut Merger<'_>,
    base: Option<&Ticket>,
    o: &Ticket,
    t: &Ticket,
) -> (Vec<Comment>, Vec<Removal>) {
    let mut removed: Vec<Removal> = Vec::new();
    for r in base.map_or(&[][..], |b| b.removed.as_slice()).iter().chain(&o.removed).chain(&t.removed) {
        match removed.iter_mut().find(|k| k.id == r.id) {
            Some(kept) if (&r.date, &r.author) < (&kept.date, &kept.author) => *kept = r.clone(),
            Some(_) => {}
            None => removed.push(r.clone()),
        }
    }
    removed.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    let gone = |id: &str| removed.iter().any(|r| r.id == id);
    let base = base.map(|b| b.comments.as_slice());
    let (o, t) = (o.comments.as_slice(), t.comments.as_slice());
    let kept = |list: &[Comment]| list.iter().filter(|c| !gone(&c.id)).cloned().collect::<Vec<_>>();
    if o == t || base == Some(t) {
        return (kept(o), removed);
    }
    if base == Some(o) {
        return (kept(t), removed);
    }
    let find = |list: &[Comment], id: &str| list.iter().find(|c| c.id == id).cloned();
    let ids: std::collections::BTreeSet<&str> =
        o.iter().chain(t).map(|c| c.id.as_str()).filter(|id| !gone(id)).collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let bc = base.and_then(|b| find(b, id));
        let merged = match (find(o, id), find(t, id)) {
            (Some(oc), Some(tc)) => m.scalar(&format!("comment {id}"), bc.as_ref(), &oc, &tc, show_comment),
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => continue,
        };
        out.push(merged);
    }
    sort_comments(&mut out);
    (out, removed)
}

fn sort_comments(comments: &mut [Comment]) {
    comments.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
}

/// A comment id derived from the ticket and the text, so every clone that makes
/// the same merge makes the same note (FNV-1a, stable across versions).
fn note_id(ticket: &str, text: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in ticket.bytes().chain([0]).chain(text.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..10).map(|i| ALPHABET[((h >> (i * 5)) & 31) as usize] as char).collect()
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let short: String = line.chars().take(60).collect();
    if short.len() < s.len() { format!("{short}…") } else { short }
}

/// A field's value as merge conflicts report it.
fn show_val(v: &Val<'_>) -> String {
    match *v {
        Val::None => "(none)".into(),
        Val::Str(s) => s.to_owned(),
        Val::List(items) => items.join(", "),
        Val::Time(t) => show_time(&DateTime::from_timestamp(t, 0).unwrap_or_default()),
        Val::Rating(score, comment, date) => format!(
            "{score} {} {}",
            show_time(&DateTime::from_timestamp(date, 0).unwrap_or_default()),
            comment.unwrap_or("")
        ),
    }
}

fn show_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn show_comment(c: &Comment) -> String {
    format!("{} {} {} {}\n{}", show_time(&c.date), c.visibility.as_str(), c.author, c.id, c.body)
}

fn show_yaml(v: &Value) -> String {
    serde_yaml::to_string(v).map_or_else(|_| format!("{v:?}"), |s| s.trim_end().to_owned())
}

impl Times {
    fn side(&self, side: Side) -> &FieldTimes {
        match side {
            Side::Ours => &self.ours,
            Side::Theirs => &self.theirs,
        }
    }
}

/// The names of the fields that differ between `before` (`None`: the ticket did
/// not exist) and `after`, as [`FieldTimes`] keys them.
pub fn changed_fields(before: Option<&Ticket>, after: &Ticket) -> Vec<String> {
    let mut out: Vec<String> = FIELDS
        .iter()
        .filter(|def| def.merge != MergeRule::Fixed && def.merge != MergeRule::Latest)
        .filter(|def| before.is_none_or(|b| def.get(b) != def.get(after)))
        .map(|def| def.name.to_owned())
        .collect();
    if before.is_none_or(|b| b.description != after.description) {
        out.push("description".into());
    }
    if before.is_none_or(|b| b.comments != after.comments) {
        out.push("comments".into());
    }
    let empty = Mapping::new();
    let old = before.map_or(&empty, |b| &b.fields);
    for key in old.keys().chain(after.fields.keys()) {
        if before.is_none() || old.get(key) != after.fields.get(key) {
            let name = format!("fields.{}", show_yaml(key));
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
