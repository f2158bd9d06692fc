#![allow(clippy::many_single_char_names)]

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::model::{Comment, TicketId, Visibility, render_ticket};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap()
}

fn base() -> Ticket {
    let mut t = Ticket::new(
        TicketId::parse("k3x9q2hm7d").unwrap(),
        "Printer broken".into(),
        "open".into(),
        "normal".into(),
        at(9, 0),
    );
    t.labels = vec!["printer".into(), "hardware".into()];
    t.description = "It does not print.".into();
    t.comments.push(Comment {
        id: "aaaaaaaaaa".into(),
        author: "Bob <bob@example.com>".into(),
        date: at(9, 30),
        visibility: Visibility::Public,
        automated: false,
        merged: false,
        body: "Is it plugged in?".into(),
    });
    t
}

fn comment(id: &str, time: DateTime<Utc>, body: &str) -> Comment {
    Comment {
        id: id.into(),
        author: "X <x@example.com>".into(),
        date: time,
        visibility: Visibility::Public,
        automated: false,
        merged: false,
        body: body.into(),
    }
}

fn times(ours: DateTime<Utc>, theirs: DateTime<Utc>) -> Times {
    Times { ours: FieldTimes::all(ours), theirs: FieldTimes::all(theirs) }
}

#[test]
fn one_sided_changes_apply_and_both_replies_are_kept() {
    let b = base();
    let mut o = b.clone();
    o.assignee = Some("Ann <ann@example.com>".into());
    o.comments.push(comment("bbbbbbbbbb", at(10, 0), "ours"));
    o.updated = at(10, 0);
    let mut t = b.clone();
    t.status = "pending".into();
    t.comments.push(comment("cccccccccc", at(9, 45), "theirs"));
    t.updated = at(9, 45);
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &times(at(10, 0), at(9, 45)));
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    let got = m.ticket.unwrap();
    assert_eq!(got.assignee.as_deref(), Some("Ann <ann@example.com>"));
    assert_eq!(got.status, "pending");
    let ids: Vec<&str> = got.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["aaaaaaaaaa", "cccccccccc", "bbbbbbbbbb"]);
    assert_eq!(got.updated, at(10, 0));
}

#[test]
fn a_follow_up_link_made_on_one_side_is_kept() {
    let b = base();
    let mut o = b.clone();
    o.follow_up = Some("z9x8w7v6t5".into());
    let mut t = b.clone();
    t.priority = "high".into();
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &times(at(10, 0), at(9, 45)));
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    let got = m.ticket.unwrap();
    assert_eq!((got.follow_up.as_deref(), got.priority.as_str()), (Some("z9x8w7v6t5"), "high"));
    // A follow-up made on one side only merges as a new file would.
    let m = merge_ticket(None, Some(&o), None, &times(at(10, 0), at(9, 45)));
    assert_eq!(m.ticket.unwrap().follow_up.as_deref(), Some("z9x8w7v6t5"));
}

#[test]
fn a_field_changed_on_both_sides_takes_the_later_change() {
    let b = base();
    let mut o = b.clone();
    o.assignee = Some("Ann <ann@example.com>".into());
    let mut t = b.clone();
    t.assignee = Some("Bob <bob@example.com>".into());
    // Per-field times: theirs assigned later although ours touched the ticket last.
    let mut tm = times(at(11, 0), at(10, 0));
    tm.ours.fields.insert("assignee".into(), at(9, 50));
    tm.theirs.fields.insert("assignee".into(), at(9, 55));
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &tm);
    assert_eq!(m.ticket.unwrap().assignee.as_deref(), Some("Bob <bob@example.com>"));
    assert_eq!(
        m.conflicts,
        vec![Resolution {
            field: "assignee".into(),
            kept: Side::Theirs,
            kept_value: "Bob <bob@example.com>".into(),
            dropped_value: "Ann <ann@example.com>".into(),
        }]
    );
    // Equal times: the greater value wins, whichever side it is on.
    let tie = times(at(10, 0), at(10, 0));
    let a = merge_ticket(Some(&b), Some(&o), Some(&t), &tie).ticket.unwrap();
    let z = merge_ticket(Some(&b), Some(&t), Some(&o), &tie).ticket.unwrap();
    assert_eq!(a.assignee.as_deref(), Some("Bob <bob@example.com>"));
    assert_eq!(a, z);
}

#[test]
fn links_added_and_removed_in_two_clones_merge_as_a_set() {
    let mut b = base();
    b.links = vec!["relates:aaaaaaaaaa".into(), "blocks:bbbbbbbbbb".into()];
    let mut o = b.clone();
    o.links.retain(|l| l != "relates:aaaaaaaaaa");
    o.links.push("caused-by:cccccccccc".into());
    let mut t = b.clone();
    t.links.push("parent-of:dddddddddd".into());
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &times(at(10, 0), at(10, 0)));
    let mut links = m.ticket.unwrap().links;
    links.sort();
    assert_eq!(links, ["blocks:bbbbbbbbbb", "caused-by:cccccccccc", "parent-of:dddddddddd"]);
    assert!(m.conflicts.is_empty());
}

#[test]
fn labels_merge_additions_and_removals_of_both_sides() {
    let b = base();
    let mut o = b.clone();
    o.remove_label("printer");
    o.add_label("urgent");
    let mut t = b.clone();
    t.add_label("floor3");
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &times(at(10, 0), at(10, 0)));
    assert_eq!(m.ticket.unwrap().labels, ["hardware", "floor3", "urgent"]);
    assert!(m.conflicts.is_empty());
}

#[test]
fn a_description_edited_on_both_sides_keeps_the_loser_as_a_note() {
    let b = base();
    let mut o = b.clone();
    o.description = "Ours.".into();
    let mut t = b.clone();
    t.description = "Theirs.".into();
    let tm = times(at(10, 0), at(11, 0));
    let m = merge_ticket(Some(&b), Some(&o), Some(&t), &tm);
    let got = m.ticket.unwrap();
    assert_eq!(got.description, "Theirs.");
    let note = got.comments.last().unwrap();
    assert_eq!(note.visibility, Visibility::Internal);
    assert_eq!(note.author, MERGE_AUTHOR);
    assert_eq!(note.date, at(10, 0));
    assert!(note.body.ends_with("\n\nOurs."), "{}", note.body);
    let swapped = merge_ticket(Some(&b), Some(&t), Some(&o), &tm.swapped()).ticket.unwrap();
    assert_eq!(got, swapped);
}

#[test]
fn a_comment_removed_on_one_side_stays_removed() {
    let b = base();
    let mut o = b.clone();
    o.comments.clear();
    o.record_removals(&b, "Ann <ann@example.com>", at(11, 0)).unwrap();
    let mut t = b.clone();
    t.comments[0].body = "Is it plugged in? (edited)".into();
    t.comments.push(comment("cccccccccc", at(10, 0), "theirs"));
    t.status = "pending".into();
    for (x, y) in [(&o, &t), (&t, &o)] {
        let m = merge_ticket(Some(&b), Some(x), Some(y), &times(at(11, 0), at(10, 0))).ticket.unwrap();
        assert_eq!(comment_ids(&m), ["cccccccccc"]);
        assert_eq!(m.removed, o.removed);
        assert_eq!(m.status, "pending");
    }
    // Removed on both sides: one removal, the earlier.
    let mut late = b.clone();
    late.comments.clear();
    late.record_removals(&b, "Zed <zed@example.com>", at(12, 0)).unwrap();
    let m = merge_ticket(Some(&b), Some(&late), Some(&o), &times(at(12, 0), at(11, 0))).ticket.unwrap();
    let n = merge_ticket(Some(&b), Some(&o), Some(&late), &times(at(11, 0), at(12, 0))).ticket.unwrap();
    assert_eq!(m.removed, o.removed);
    assert_eq!(render_ticket(&m), render_ticket(&n));
}

#[test]
fn deleted_on_one_side_and_changed_on_the_other_is_kept() {
    let b = base();
    let mut o = b.clone();
    o.title = "Printer really broken".into();
    let m = merge_ticket(Some(&b), Some(&o), None, &times(at(10, 0), at(10, 0)));
    assert_eq!(m.ticket.as_ref(), Some(&o));
    assert_eq!(m.conflicts[0].field, "ticket");
    // Deleted on one side, unchanged on the other: deleted.
    assert_eq!(merge_ticket(Some(&b), Some(&b), None, &times(at(10, 0), at(10, 0))).ticket, None);
}

#[test]
fn custom_list_fields_merge_as_sets() {
    let b = base();
    let key = Value::String("cc".into());
    let list = |xs: &[&str]| Value::Sequence(xs.iter().map(|x| Value::String((*x).into())).collect());
    let mut b2 = b.clone();
    b2.fields.insert(key.clone(), list(&["a@x", "b@x"]));
    let mut o = b2.clone();
    o.fields.insert(key.clone(), list(&["a@x", "b@x", "c@x"]));
    let mut t = b2.clone();
    t.fields.insert(key.clone(), list(&["b@x"]));
    let m = merge_ticket(Some(&b2), Some(&o), Some(&t), &times(at(10, 0), at(10, 0)));
    assert_eq!(m.ticket.unwrap().fields.get(&key), Some(&list(&["b@x", "c@x"])));
}

use serde_yaml::Value;

// ---- properties ----

#[derive(Clone, Debug)]
enum Op {
    Reply(u8, u32),
    Note(u8, u32),
    Assign(u8),
    Status(u8),
    Label(bool, u8),
    Describe(u8),
    Title(u8),
    Field(u8),
    Remove(u8, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u8>(), 0u32..600).prop_map(|(a, b)| Op::Reply(a, b)),
        (any::<u8>(), 0u32..600).prop_map(|(a, b)| Op::Note(a, b)),
        any::<u8>().prop_map(Op::Assign),
        any::<u8>().prop_map(Op::Status),
        (any::<bool>(), any::<u8>()).prop_map(|(a, b)| Op::Label(a, b)),
        any::<u8>().prop_map(Op::Describe),
        any::<u8>().prop_map(Op::Title),
        any::<u8>().prop_map(Op::Field),
        (any::<u8>(), 0u32..600).prop_map(|(a, b)| Op::Remove(a, b)),
    ]
}

fn apply(t: &mut Ticket, ops: &[Op], side: u8) {
    for (n, op) in ops.iter().enumerate() {
        match op {
            Op::Reply(k, min) | Op::Note(k, min) => {
                let vis = if matches!(op, Op::Reply(..)) { Visibility::Public } else { Visibility::Internal };
                let id = format!("{side}{k:03}{n:06}");
                if !t.comments.iter().any(|c| c.id == id) {
                    let date = at(10, 0) + chrono::Duration::minutes(i64::from(*min));
                    t.comments.push(Comment { visibility: vis, ..comment(&id, date, &format!("body {k}")) });
                }
            }
            Op::Assign(k) => t.assignee = (k % 4 != 0).then(|| format!("Agent{} <a{}@x>", k % 4, k % 4)),
            Op::Status(k) => t.status = ["open", "pending", "resolved"][usize::from(k % 3)].into(),
            Op::Label(add, k) => {
                let l = format!("l{}", k % 5);
                if *add {
                    t.add_label(&l);
                } else {
                    t.remove_label(&l);
                }
            }
            Op::Describe(k) => t.description = format!("Description {}", k % 3),
            Op::Title(k) => t.title = format!("Title {}", k % 3),
            Op::Field(k) => {
                t.fields.insert(Value::String(format!("f{}", k % 2)), Value::String(format!("v{}", k % 3)));
            }
            Op::Remove(k, min) => {
                if !t.comments.is_empty() {
                    let before = t.clone();
                    t.comments.remove(usize::from(*k) % t.comments.len());
                    let date = at(10, 0) + chrono::Duration::minutes(i64::from(*min));
                    t.record_removals(&before, &format!("Remover{side} <r@x>"), date).unwrap();
                }
            }
        }
    }
}

fn variant() -> impl Strategy<Value = (Vec<Op>, u32)> {
    (prop::collection::vec(op(), 0..6), 0u32..4)
}

fn comment_ids(t: &Ticket) -> Vec<String> {
    t.comments.iter().map(|c| c.id.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn merge_laws((a_ops, a_t) in variant(), (b_ops, b_t) in variant()) {
        let b = base();
        let mut x = b.clone();
        apply(&mut x, &a_ops, 1);
        x.updated = at(10, a_t);
        let mut y = b.clone();
        apply(&mut y, &b_ops, 2);
        y.updated = at(10, b_t);
        let tm = Times::from_updated(Some(&x), Some(&y));

        // merge(base, x, x) == x and merge(base, base, x) == x, either way round.
        prop_assert_eq!(merge_ticket(Some(&b), Some(&x), Some(&x), &tm).ticket, Some(x.clone()));
        prop_assert_eq!(merge_ticket(Some(&b), Some(&b), Some(&x), &tm).ticket, Some(x.clone()));
        prop_assert_eq!(merge_ticket(Some(&b), Some(&x), Some(&b), &tm).ticket, Some(x.clone()));

        // Symmetric, byte for byte.
        let m = merge_ticket(Some(&b), Some(&x), Some(&y), &tm).ticket.unwrap();
        let n = merge_ticket(Some(&b), Some(&y), Some(&x), &tm.swapped()).ticket.unwrap();
        prop_assert_eq!(render_ticket(&m), render_ticket(&n));

        // No comment is ever lost, unless removed; a removal on either side is final.
        let ids = comment_ids(&m);
        let removed: Vec<&str> = m.removed.iter().map(|r| r.id.as_str()).collect();
        for id in comment_ids(&x).into_iter().chain(comment_ids(&y)) {
            prop_assert!(ids.contains(&id) || removed.contains(&id.as_str()), "lost comment {}", id);
        }
        for r in x.removed.iter().chain(&y.removed) {
            prop_assert!(removed.contains(&r.id.as_str()) && !ids.contains(&r.id), "comment {} came back", r.id);
        }
        // The result is a valid ticket file.
        prop_assert_eq!(crate::model::parse_ticket(&render_ticket(&m)).unwrap(), m.clone());

        // Merging the result with either side again changes nothing.
        let again = merge_ticket(Some(&x), Some(&m), Some(&m), &tm).ticket.unwrap();
        prop_assert_eq!(again, m);
    }
}
