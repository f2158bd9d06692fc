//! Events from two versions of a ticket, without git.

use chrono::{DateTime, Utc};

use super::*;
use crate::model::{Rating, Ticket, TicketId, Visibility};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test times are RFC 3339").with_timezone(&Utc)
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn changed(field: &str, from: Option<&str>, to: Option<&str>) -> Kind<String> {
    Kind::Changed { field: s(field), from: from.map(s), to: to.map(s) }
}

fn members(field: &str, added: &[&str], removed: &[&str]) -> Kind<String> {
    Kind::Members {
        field: s(field),
        added: added.iter().copied().map(s).collect(),
        removed: removed.iter().copied().map(s).collect(),
    }
}

fn created(values: &[(&str, &str)]) -> Kind<String> {
    Kind::Created { values: values.iter().map(|(k, v)| (s(k), s(v))).collect() }
}

fn ticket() -> Ticket {
    let id = TicketId::parse("k3x9q2hm7d").expect("a valid id");
    let mut t = Ticket::new(id, s("Printer broken"), s("new"), s("normal"), at("2026-11-02T09:00:00Z"));
    t.requester = Some(s("Jane <jane@example.com>"));
    t.labels = vec![s("printer")];
    t
}

#[test]
fn a_new_file_is_created_with_its_values_and_conversation() {
    let mut t = ticket();
    t.add_comment(s("Bob <bob@example.com>"), at("2026-11-02T09:00:00Z"), Visibility::Public, "hi");
    let events = diff_tickets(None, Some(&t));
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0],
        created(&[
            ("status", "new"),
            ("priority", "normal"),
            ("requester", "Jane <jane@example.com>"),
            ("labels", "printer")
        ])
    );
    assert_eq!(
        events[1],
        Kind::Reply { comment: t.comments[0].id.clone(), author: s("Bob <bob@example.com>") }
    );
    assert_eq!(diff_tickets(Some(&t), None), vec![Kind::Deleted]);
    assert_eq!(diff_tickets(Some(&t), Some(&t)), vec![]);
    assert_eq!(diff_tickets(None, None), vec![]);
}

#[test]
fn each_change_is_one_event_in_reading_order() {
    let before = ticket();
    let mut after = before.clone();
    after.title = s("Printer on fire");
    after.description = s("Smoke.");
    after.fields.insert("team".into(), "ops".into());
    after.assignee = Some(s("Bob <bob@example.com>"));
    after.priority = s("urgent");
    after.queue = Some(s("it"));
    after.labels = vec![s("fire")];
    after.cc = vec![s("Ann <ann@example.com>")];
    let note =
        after.add_comment(s("Bob <bob@example.com>"), at("2026-11-02T10:00:00Z"), Visibility::Internal, "x");
    let reply =
        after.add_comment(s("Bob <bob@example.com>"), at("2026-11-02T10:00:00Z"), Visibility::Public, "y");
    after.status = s("resolved");
    after.rating = Some(Rating { score: 4, comment: Some(s("ok")), date: at("2026-11-02T11:00:00Z") });
    let bob = Some("Bob <bob@example.com>");
    assert_eq!(
        diff_tickets(Some(&before), Some(&after)),
        vec![
            changed("title", Some("Printer broken"), Some("Printer on fire")),
            changed("priority", Some("normal"), Some("urgent")),
            changed("queue", None, Some("it")),
            changed("assignee", None, bob),
            members("cc", &["Ann <ann@example.com>"], &[]),
            members("labels", &["fire"], &["printer"]),
            changed("description", None, None),
            changed("team", None, Some("ops")),
            Kind::Note { comment: note, author: s("Bob <bob@example.com>") },
            Kind::Reply { comment: reply, author: s("Bob <bob@example.com>") },
            changed("status", Some("new"), Some("resolved")),
            Kind::Rating { from: None, to: Some(4), comment: Some(s("ok")) },
        ]
    );
    let mut unassigned = after.clone();
    unassigned.assignee = None;
    unassigned.fields.clear();
    unassigned.rating = None;
    assert_eq!(
        diff_tickets(Some(&after), Some(&unassigned)),
        vec![
            changed("assignee", bob, None),
            changed("team", Some("ops"), None),
            Kind::Rating { from: Some(4), to: None, comment: None },
        ]
    );
}

#[test]
fn a_removed_comment_is_an_event_once() {
    let mut before = ticket();
    let id =
        before.add_comment(s("Bob <bob@example.com>"), at("2026-11-02T10:00:00Z"), Visibility::Public, "pw");
    let mut after = before.clone();
    after.comments.clear();
    after.record_removals(&before, "Ann <ann@example.com>", at("2026-11-02T11:00:00Z")).unwrap();
    assert_eq!(diff_tickets(Some(&before), Some(&after)), vec![Kind::Removed { comment: id.clone() }]);
    assert_eq!(diff_tickets(Some(&after), Some(&after)), vec![]);
    // A merge that took the removal from its other parent made no removal itself.
    let (b, a) = (Facts::from(&before), Facts::from(&after));
    assert_eq!(diff_merge(&[Some(&b), Some(&a)], Some(&a)), vec![]);
    assert_eq!(diff_merge(&[Some(&b), Some(&b)], Some(&a)), vec![Kind::Removed { comment: id }]);
}

#[test]
fn a_merge_yields_only_what_it_changed_itself() {
    let base = ticket();
    let mut ours = base.clone();
    ours.add_comment(s("Bob <bob@example.com>"), at("2026-11-02T10:00:00Z"), Visibility::Public, "a");
    ours.status = s("pending");
    let mut theirs = base.clone();
    theirs.add_comment(s("Carol <carol@example.com>"), at("2026-11-02T10:05:00Z"), Visibility::Public, "b");
    theirs.labels.push(s("vip"));
    // The merge keeps both replies and both changes: nothing new.
    let mut merged = ours.clone();
    merged.comments.push(theirs.comments[0].clone());
    merged.labels.push(s("vip"));
    let (o, t, m) = (Facts::from(&ours), Facts::from(&theirs), Facts::from(&merged));
    assert_eq!(diff_merge(&[Some(&o), Some(&t)], Some(&m)), vec![]);
    // A merge that also resolves the ticket (neither side did) yields that status change.
    let mut resolved = merged.clone();
    resolved.status = s("resolved");
    resolved.labels.push(s("merged"));
    let r = Facts::from(&resolved);
    assert_eq!(
        diff_merge(&[Some(&o), Some(&t)], Some(&r)),
        vec![members("labels", &["merged"], &[]), changed("status", Some("pending"), Some("resolved")),]
    );
    // A ticket created on the other side only: the merge made nothing.
    assert_eq!(diff_merge(&[None, Some(&t)], Some(&t)), vec![]);
}

#[test]
fn a_history_keeps_only_consistent_symbols() {
    let h = History::from_events([(s("a"), 1, s("me"), changed("status", Some("new"), Some("open")))]);
    assert!(h.is_consistent());
    assert_eq!(h.kind(&h.events[0]), changed("status", Some("new"), Some("open")));
    let mut broken = h.clone();
    broken.events[0].actor = 99;
    assert!(!broken.is_consistent());
    let mut miscounted = h;
    miscounted.commits.set_events(0, 2);
    assert!(!miscounted.is_consistent());
}

mod scanner {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{parse_ticket, render_ticket};

    fn full(text: &str) -> Option<Facts> {
        parse_ticket(text).ok().map(|t| Facts::from(&t))
    }

    fn busy_ticket() -> Ticket {
        let mut t = ticket();
        t.queue = Some(s("it"));
        t.assignee = Some(s("Bob Agent <bob@example.com>"));
        t.labels = vec![s("printer"), s("area/network")];
        t.description = s("It shows:\n\n<!-- desk:reply fake -->\n---\n### not a heading");
        t.add_comment(
            s("Bob <bob@example.com>"),
            at("2026-11-02T10:00:00Z"),
            Visibility::Public,
            "Try this.",
        );
        t.add_comment(
            s("Bob <bob@example.com>"),
            at("2026-11-02T10:01:00Z"),
            Visibility::Internal,
            "---\nhm",
        );
        t.rating = Some(Rating {
            score: 5,
            comment: Some(s("Thanks: \"great\"")),
            date: at("2026-11-03T09:00:00Z"),
        });
        t.removed.push(crate::model::Removal {
            id: s("9psyawyvvj"),
            author: s("Ann <ann@example.com>"),
            date: at("2026-11-03T10:00:00Z"),
        });
        t
    }

    #[test]
    fn files_desk_writes_take_the_fast_path_with_the_same_facts() {
        for t in [ticket(), busy_ticket()] {
            let text = render_ticket(&t);
            assert_eq!(scan(&text), Some(Facts::from(&t)), "{text}");
        }
        let mut quoted = busy_ticket();
        quoted.title = s("yes");
        quoted.status = s("3rd: line");
        quoted.requester = None;
        let text = render_ticket(&quoted);
        assert_eq!(scan(&text), Some(Facts::from(&quoted)), "{text}");
    }

    #[test]
    fn anything_unusual_goes_to_the_full_parser() {
        let text = render_ticket(&ticket());
        let custom = text.replacen("created:", "team: ops\ncreated:", 1);
        assert_eq!(scan(&custom), None);
        assert!(full(&custom).is_some());
        for (from, to) in [
            ("title: Printer broken", "title: 'Printer broken'"),
            ("title: Printer broken", "title: 12"),
            ("status: new", "status: null"),
            ("labels: [printer]", "labels:\n- printer"),
            ("priority: normal", "priority: normal # comment"),
            ("---\n", "---\r\n"),
            ("updated: 2026", "updated: 20x6"),
        ] {
            let changed = text.replacen(from, to, 1);
            assert_ne!(changed, text, "{from}");
            assert_eq!(scan(&changed), None, "{changed}");
        }
        let conflicted = format!("{text}<<<<<<< ours\n");
        assert_eq!((scan(&conflicted), full(&conflicted)), (None, None));
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(s("open")),
            Just(s("Jane <jane@example.com>")),
            Just(s("\"quoted: yes\"")),
            Just(s("'single'")),
            Just(s("null")),
            Just(s("12")),
            Just(s("1e3")),
            Just(s("[a, b]")),
            Just(s("[\"a, b\"]")),
            Just(s("2026-11-02T09:00:00Z")),
            Just(s("k3x9q2hm7d")),
            Just(s("0123456789")),
            "[ -~]{0,12}",
        ]
    }

    fn front_line() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("id"),
            Just("title"),
            Just("status"),
            Just("priority"),
            Just("queue"),
            Just("requester"),
            Just("assignee"),
            Just("labels"),
            Just("follow_up"),
            Just("created"),
            Just("updated"),
            Just("rating"),
            Just("  score"),
            Just("  date"),
            Just("team"),
        ];
        (key, value()).prop_map(|(k, v)| if v.is_empty() { format!("{k}:") } else { format!("{k}: {v}") })
    }

    fn body_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(s("")),
            Just(s("text")),
            Just(s("\\<!-- desk:note x -->")),
            Just(s("<!-- desk:reply 0psyawyvvj 2026-11-02T10:00:00Z Bob <bob@example.com> -->")),
            Just(s("<!-- desk:note 0psyawyvvj 2026-11-02T10:00:00Z Bob -->")),
            Just(s("<!-- desk:reply 1psyawyvvj nottime Bob -->")),
            Just(s("### Reply from Bob")),
            Just(s(">>>>>>> theirs")),
            Just(s("<!-- desk:description -->")),
            Just(s("> quoted")),
            Just(s(">")),
            Just(s("<!-- desk:removed 2psyawyvvj 2026-11-02T10:00:00Z Ann -->")),
            Just(s("<!-- desk:removed 0psyawyvvj 2026-11-02T10:00:00Z Ann -->")),
            "[ -~]{0,20}",
        ]
    }

    proptest! {
        /// Whenever the scanner answers, the full parser agrees.
        #[test]
        fn the_scanner_never_disagrees_with_the_parser(
            front in proptest::collection::vec(front_line(), 0..14),
            body in proptest::collection::vec(body_line(), 0..6),
        ) {
            let text = format!("---\n{}\n---\n{}\n", front.join("\n"), body.join("\n"));
            if let Some(facts) = scan(&text) {
                prop_assert_eq!(Some(facts), full(&text), "{}", text);
            }
        }

        /// The same over rendered tickets with body lines added anywhere.
        #[test]
        fn rendered_tickets_with_lines_added_agree_too(
            at_line in 0usize..200,
            added in proptest::collection::vec(body_line(), 1..4),
        ) {
            let text = render_ticket(&busy_ticket());
            let mut lines: Vec<&str> = text.split('\n').collect();
            let at_line = at_line % (lines.len() + 1);
            for l in added.iter().rev() {
                lines.insert(at_line, l);
            }
            let edited = lines.join("\n");
            if let Some(facts) = scan(&edited) {
                prop_assert_eq!(Some(facts), full(&edited), "{}", edited);
            }
        }

        /// The same over rendered tickets with one line replaced.
        #[test]
        fn edited_rendered_tickets_agree_too(line in 0usize..16, replacement in front_line()) {
            let text = render_ticket(&busy_ticket());
            let mut lines: Vec<&str> = text.split('\n').collect();
            if line < lines.len() {
                lines[line] = &replacement;
            }
            let edited = lines.join("\n");
            if let Some(facts) = scan(&edited) {
                prop_assert_eq!(Some(facts), full(&edited), "{}", edited);
            }
        }
    }
}

#[test]
fn events_of_one_second_follow_commit_generations_not_walk_order() {
    let created = created(&[("status", "new"), ("priority", "normal")]);
    let status = changed("status", Some("new"), Some("open"));
    let mut h = History::from_events([(s("t"), 100, s("me"), created), (s("t"), 100, s("me"), status)]);
    let commit_of = h.commits.of_events();
    let mut order = vec![1, 0];
    h.sort_events(&mut order, &commit_of);
    assert_eq!(order, vec![0, 1], "generation 1 before generation 2");
    // Walked the other way round (the second commit is the parent): its event comes first.
    h.commits.generations = vec![2, 1];
    h.sort_events(&mut order, &commit_of);
    assert_eq!(order, vec![1, 0]);
    // Unrelated commits of one generation: by commit id, whatever the walk order.
    h.commits.generations = vec![1, 1];
    let ids_ascending = h.commits.id(0) < h.commits.id(1);
    h.sort_events(&mut order, &commit_of);
    assert_eq!(order, if ids_ascending { vec![0, 1] } else { vec![1, 0] });
    // Events keep their order within one commit, and earlier times come first.
    let mut later = vec![0, 1];
    h.events[0].time = 200;
    h.sort_events(&mut later, &commit_of);
    assert_eq!(later, vec![1, 0]);
}
