use chrono::{DateTime, TimeZone as _, Utc};

use super::*;
use crate::model::{Removal, parse_ticket};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, h, m, 0).unwrap()
}

fn record(events: Vec<Event>) -> Record {
    let mut t =
        Ticket::new(TicketId::derived("x"), "Printer".into(), "new".into(), "normal".into(), at(10, 0));
    t.requester = Some("Jane <jane@example.org>".into());
    t.description = "It jams.".into();
    Record {
        position: "in.json: item 1".into(),
        origin: "github:acme/app#1".into(),
        id: None,
        creator: t.requester.clone(),
        ticket: t,
        events,
        partial: false,
    }
}

fn comment(time: DateTime<Utc>, id: &str, who: Option<&str>) -> Event {
    Event {
        time,
        actor: who.map(str::to_owned),
        what: What::Comment {
            id: id.into(),
            public: true,
            body: format!("text {id}"),
            automated: false,
            merged: false,
        },
    }
}

fn status(time: DateTime<Utc>, s: &str) -> Event {
    Event { time, actor: None, what: What::Status(s.into()) }
}

fn ticket_of(step: &Step) -> Ticket {
    parse_ticket(&step.text).unwrap()
}

const ME: &str = "Importer <me@example.com>";

#[test]
fn a_new_ticket_gets_one_version_per_event_in_time_order() {
    let r = record(vec![
        status(at(12, 0), "resolved"),
        comment(at(10, 30), "c1", Some("Ada <ada@example.com>")),
        comment(at(11, 0), "c2", None),
    ]);
    let id = TicketId::derived("github:acme/app#1");
    let plan = plan(r, None, id.clone(), ME).unwrap();
    assert!(plan.created);
    assert_eq!(plan.comments, 2);
    let verbs: Vec<(&str, DateTime<Utc>)> = plan.steps.iter().map(|s| (s.verb, s.time)).collect();
    assert_eq!(
        verbs,
        [("import", at(10, 0)), ("reply", at(10, 30)), ("reply", at(11, 0)), ("status", at(12, 0))]
    );
    assert_eq!(plan.steps[0].author.as_deref(), Some("Jane <jane@example.org>"));
    let last = ticket_of(&plan.steps[3]);
    assert_eq!(last.id, id);
    assert_eq!(last.origin.as_deref(), Some("github:acme/app#1"));
    assert_eq!(last.status, "resolved");
    assert_eq!(last.updated, at(12, 0));
    assert_eq!(last.created, at(10, 0));
    // A comment whose author the source does not name is the importer's.
    assert_eq!(last.comments[1].author, ME);
    assert_eq!(last.comments[0].author, "Ada <ada@example.com>");
}

#[test]
fn events_before_the_creation_count_at_it_and_no_ops_make_no_version() {
    let r =
        record(vec![comment(at(9, 0), "e4ry", None), status(at(11, 0), "new"), status(at(11, 0), "open")]);
    let plan = plan(r, None, TicketId::derived("y"), ME).unwrap();
    let verbs: Vec<(&str, DateTime<Utc>)> = plan.steps.iter().map(|s| (s.verb, s.time)).collect();
    assert_eq!(verbs, [("import", at(10, 0)), ("reply", at(10, 0)), ("status", at(11, 0))]);
}

#[test]
fn on_a_ticket_imported_before_only_new_comments_and_later_changes_apply() {
    let id = TicketId::derived("github:acme/app#1");
    let first = plan(record(vec![comment(at(10, 30), "c1", None)]), None, id.clone(), ME).unwrap();
    let mut existing = ticket_of(first.steps.last().unwrap());
    // Changed in desk since: reopened at 13:00, and a comment removed.
    existing.status = "open".into();
    existing.updated = at(13, 0);
    existing.removed.push(Removal { id: "g0ne".into(), author: ME.into(), date: at(13, 0) });
    let again = record(vec![
        comment(at(10, 30), "c1", None),
        comment(at(11, 0), "g0ne", None),
        comment(at(12, 0), "c3", None),
        status(at(12, 30), "resolved"),
        status(at(14, 0), "pending"),
    ]);
    let p = plan(again, Some(existing), id, ME).unwrap();
    assert!(!p.created);
    assert_eq!(p.comments, 1);
    let verbs: Vec<(&str, DateTime<Utc>)> = p.steps.iter().map(|s| (s.verb, s.time)).collect();
    assert_eq!(verbs, [("reply", at(12, 0)), ("status", at(14, 0))]);
    let last = ticket_of(p.steps.last().unwrap());
    assert_eq!(last.status, "pending");
    assert_eq!(last.updated, at(14, 0));
    // The late comment sits in date order among the ticket's comments.
    let ids: Vec<&str> = last.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c3"]);
}

#[test]
fn events_of_a_ticket_never_imported_are_refused() {
    let mut r = record(vec![comment(at(11, 0), "c", None)]);
    r.partial = true;
    assert!(plan(r, None, TicketId::derived("z"), ME).unwrap_err().contains("neither in the input"));
}

#[test]
fn rewinding_undoes_label_events_latest_first() {
    let mut r = record(vec![
        Event { time: at(10, 5), actor: None, what: What::Label { name: "bug".into(), add: true } },
        Event { time: at(10, 6), actor: None, what: What::Label { name: "triage".into(), add: true } },
        Event { time: at(10, 40), actor: None, what: What::Label { name: "bug".into(), add: false } },
        Event { time: at(10, 20), actor: None, what: What::Assign(Some("Ada".into())) },
    ]);
    r.ticket.labels = vec!["triage".into()];
    r.ticket.assignee = Some("Ada".into());
    r.rewind();
    assert!(r.ticket.labels.is_empty());
    assert_eq!(r.ticket.assignee, None);
    let last = plan(r, None, TicketId::derived("w"), ME).unwrap();
    let t = ticket_of(last.steps.last().unwrap());
    assert_eq!(t.labels, ["triage"]);
    assert_eq!(t.assignee.as_deref(), Some("Ada"));
}

#[test]
fn labels_of_other_trackers_become_single_words() {
    assert_eq!(label_of("area: printers").as_deref(), Some("area-printers"));
    assert_eq!(label_of("good first issue").as_deref(), Some("good-first-issue"));
    assert_eq!(label_of("  -+bug, \"x\"").as_deref(), Some("bug-x"));
    assert_eq!(label_of("a//b/../c").as_deref(), Some("a/b/c"));
    assert_eq!(label_of("kind/bug").as_deref(), Some("kind/bug"));
    assert_eq!(label_of(" : "), None);
    assert_eq!(label_of("\u{1b}[31mred"), Some("[31mred".into()));
}

#[test]
fn people_are_built_from_what_there_is() {
    assert_eq!(person("Mona", "mona@example.com").as_deref(), Some("Mona <mona@example.com>"));
    assert_eq!(person("", "mona@example.com").as_deref(), Some("mona@example.com"));
    assert_eq!(person("Mona", "").as_deref(), Some("Mona"));
    assert_eq!(person("Ev<il>\nName", "a@b").as_deref(), Some("EvilName <a@b>"));
    assert_eq!(person(" ", ""), None);
}

#[test]
fn json_input_is_an_array_one_object_or_one_per_line() {
    let collect = |text: &str| {
        let mut seen = Vec::new();
        each_json_value(text.as_bytes(), |i, v| {
            seen.push((i, v));
            Ok(())
        })
        .map(|()| seen)
    };
    assert_eq!(collect(" [ {\"a\":1}, {\"a\":2} ] ").unwrap().len(), 2);
    assert_eq!(collect("{\"a\":1}").unwrap().len(), 1);
    assert_eq!(collect("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n").unwrap().len(), 3);
    assert_eq!(collect("   ").unwrap().len(), 0);
    assert!(collect("[{\"a\":1}, {oops").is_err());
    assert!(collect("[{\"a\":1}] trailing").is_err());
}

#[test]
fn derived_ids_are_stable_valid_and_distinct() {
    let a = TicketId::derived("github:acme/app#1");
    assert_eq!(a, TicketId::derived("github:acme/app#1"));
    assert_ne!(a, TicketId::derived("github:acme/app#2"));
    assert_eq!(TicketId::parse(a.as_str()), Some(a));
    let c = crate::model::derived_comment_id("github:acme/app#1 IC_1");
    assert_eq!(c.len(), 16);
    assert!(crate::model::is_comment_id(&c));
}
