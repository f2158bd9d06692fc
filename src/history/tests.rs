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

mod configs {
    use std::path::Path;
    use std::process::Command;

    use super::*;
    use crate::model::render_ticket;
    use crate::store::{CONFIG_PATH, Change, Identity};

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("git prints UTF-8").trim().to_owned()
    }

    type Files = Vec<(String, Option<Vec<u8>>)>;

    fn commit(store: &Store, n: i64, files: &Files) {
        let time = chrono::DateTime::from_timestamp(1_790_000_000 + n * 60, 0).expect("a valid time");
        let sig = Identity::new("Test", "test@example.com", time).expect("a valid identity");
        store
            .write(&sig, &sig, |_| -> Result<Option<Change>, StoreError> {
                Ok(Some(Change {
                    summary: format!("commit {n}"),
                    files: files.clone(),
                    tickets: Vec::new(),
                    trailers: Vec::new(),
                }))
            })
            .expect("the commit is written");
    }

    fn config(priority: &str) -> Files {
        let text = crate::workflow::Config::default_text()
            .replace("default: normal", &format!("default: {priority}"));
        vec![(CONFIG_PATH.to_owned(), Some(text.into_bytes()))]
    }

    fn ticket_file(id: &str, status: &str) -> Files {
        let mut t = ticket();
        t.id = TicketId::parse(id).expect("a valid id");
        t.status = s(status);
        vec![(t.id.path(), Some(render_ticket(&t).into_bytes()))]
    }

    /// A desk branch whose desk.yaml changes in the middle of its history, is
    /// removed and comes back, and a side branch (with a desk.yaml of its own)
    /// merged by plain git.
    fn helpdesk() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        git(dir.path(), &["init", "-q"]);
        let store = Store::open(dir.path()).expect("a repository");
        let mut first = config("normal");
        first.extend(ticket_file("aaaaaaaaaa", "new"));
        commit(&store, 0, &first);
        commit(&store, 1, &ticket_file("bbbbbbbbbb", "new"));
        commit(&store, 2, &config("high"));
        commit(&store, 3, &ticket_file("aaaaaaaaaa", "open"));
        let fork = git(dir.path(), &["rev-parse", "desk"]);
        commit(&store, 4, &vec![(CONFIG_PATH.to_owned(), None)]);
        commit(&store, 5, &config("normal"));
        // The side branch: desk.yaml changed, then a ticket.
        let main = git(dir.path(), &["rev-parse", "desk"]);
        git(dir.path(), &["update-ref", "refs/heads/desk", &fork]);
        commit(&store, 6, &config("low"));
        commit(&store, 7, &ticket_file("bbbbbbbbbb", "open"));
        let side = git(dir.path(), &["rev-parse", "desk"]);
        // The merge keeps the main line's tree, desk.yaml included.
        let tree = format!("{main}^{{tree}}");
        let merge = git(dir.path(), &["commit-tree", &tree, "-p", &main, "-p", &side, "-m", "merge"]);
        git(dir.path(), &["update-ref", "refs/heads/desk", &merge]);
        (dir, store)
    }

    fn tip(store: &Store) -> Tip {
        store.tip().expect("a readable branch").expect("a desk branch")
    }

    /// Every commit's desk.yaml as the store reads it from the commit's tree.
    fn from_trees(store: &Store, h: &History) -> Vec<Option<Oid>> {
        (0..h.commits.len())
            .map(|i| {
                let commit = Oid::from_bytes(h.commits.id(i)).expect("a commit id");
                store.blob_in_commit(commit, CONFIG_PATH).expect("a readable commit")
            })
            .collect()
    }

    fn configs_of(h: &History) -> Vec<Option<Oid>> {
        (0..h.commits.len()).map(|i| h.config_at(i)).collect()
    }

    #[test]
    fn the_desk_yaml_of_every_commit_is_recorded_where_it_changes() {
        let (dir, store) = helpdesk();
        let h = load(&store, &tip(&store)).expect("a history");
        assert_eq!(h.commits.len(), 9);
        let expected = from_trees(&store, &h);
        assert_eq!(configs_of(&h), expected);
        // The blob of each version, as git names it.
        let blob = |rev: &str| Oid::from_str(&git(dir.path(), &["rev-parse", rev])).ok();
        let at = |rev: &str| {
            let id = git(dir.path(), &["rev-parse", rev]);
            let i = (0..h.commits.len()).find(|&i| hex(h.commits.id(i)) == id).expect("a walked commit");
            h.config_at(i)
        };
        // The main line: normal, normal, high, high, none, normal.
        let main = "desk^1";
        assert_eq!(at(&format!("{main}~5")), blob(&format!("{main}~5:desk.yaml")));
        assert_eq!(at(&format!("{main}~4")), at(&format!("{main}~5")));
        assert_ne!(at(&format!("{main}~3")), at(&format!("{main}~4")), "changed in the middle");
        assert_eq!(at(&format!("{main}~3")), blob(&format!("{main}~3:desk.yaml")));
        assert_eq!(at(&format!("{main}~2")), at(&format!("{main}~3")));
        assert_eq!(at(&format!("{main}~1")), None, "removed");
        assert_eq!(at(main), blob(&format!("{main}~5:desk.yaml")), "back as it was");
        // The side branch has its own; the merge commit has the tree it made.
        assert_eq!(at("desk^2~1"), blob("desk^2~1:desk.yaml"));
        assert_ne!(at("desk^2"), at(main));
        assert_eq!(at("desk"), blob("desk:desk.yaml"));
        // Only the changes are kept: main line 4, the side branch 1, the merge 1.
        assert_eq!(h.configs.len(), 6, "{:?}", h.configs);
        // Read back from the cache, the same.
        let cached = cache::read(&store).expect("the cache was written");
        assert_eq!(configs_of(&cached), expected);
        assert_eq!(cached, h);
    }

    fn hex(bytes: &[u8]) -> String {
        Oid::from_bytes(bytes).expect("a commit id").to_string()
    }

    #[test]
    fn an_extended_or_rebuilt_log_records_the_same_desk_yaml() {
        let (dir, store) = helpdesk();
        let full = load(&store, &tip(&store)).expect("a history");
        // A cache from before the merge and the side branch: extended.
        let end = git(dir.path(), &["rev-parse", "desk"]);
        let earlier = git(dir.path(), &["rev-parse", "desk^1~3"]);
        clear_cache(&store);
        git(dir.path(), &["update-ref", "refs/heads/desk", &earlier]);
        let before = load(&store, &tip(&store)).expect("a history");
        assert_eq!(configs_of(&before), from_trees(&store, &before));
        git(dir.path(), &["update-ref", "refs/heads/desk", &end]);
        let extended = load(&store, &tip(&store)).expect("a history");
        assert_eq!(configs_of(&extended), from_trees(&store, &extended));
        assert_eq!(extended.commits.len(), full.commits.len());
        // The branch rewritten under a cache: commits it knew are reused.
        let tree = format!("{end}^{{tree}}");
        let rewritten = git(dir.path(), &["commit-tree", &tree, "-p", &earlier, "-m", "rewritten"]);
        git(dir.path(), &["update-ref", "refs/heads/desk", &rewritten]);
        let rebuilt = load(&store, &tip(&store)).expect("a history");
        assert_eq!(configs_of(&rebuilt), from_trees(&store, &rebuilt));
        clear_cache(&store);
        assert_eq!(load(&store, &tip(&store)).expect("a history"), rebuilt);
    }

    #[test]
    fn runs_derived_on_several_threads_give_the_same_log() {
        let (_dir, store) = helpdesk();
        let one = load(&store, &tip(&store)).expect("a history");
        for plan in [(1, 1), (2, 1), (2, 2), (3, 4)] {
            clear_cache(&store);
            derive::TEST_PLAN.set(Some(plan));
            let many = load(&store, &tip(&store));
            derive::TEST_PLAN.set(None);
            assert_eq!(many.expect("a history"), one, "{plan:?}");
        }
    }
}

#[test]
fn strings_whose_hashes_collide_keep_their_own_symbols() {
    let mut strings = Strings::default();
    // Every string has the same hash.
    let mut interner = Interner { hash: |_| 7, ..Interner::default() };
    let a = interner.intern(&mut strings, "a");
    let b = interner.intern(&mut strings, "b");
    assert_ne!(a, b);
    assert_eq!(interner.intern(&mut strings, "b"), b);
    assert_eq!(interner.intern(&mut strings, "a"), a);
    assert_eq!((strings.get(a), strings.get(b)), ("a", "b"));
    let mut known = Interner { hash: |_| 7, ..Interner::default() };
    known.know(&strings, "b", b);
    known.know(&strings, "a", a);
    assert_eq!(known.intern(&mut strings, "b"), b);
    assert_eq!(known.intern(&mut strings, "a"), a);
    assert_eq!(strings.len(), 2);
}

#[test]
fn an_event_of_the_log_takes_40_bytes() {
    // The log of a million tickets holds millions of events: their size is
    // most of a cold report's memory.
    assert_eq!(std::mem::size_of::<Kind<Sym>>(), 24);
    assert_eq!(std::mem::size_of::<Event>(), 40);
}

#[test]
fn a_walked_commit_takes_88_bytes_and_no_allocation_for_one_parent() {
    // A cold walk holds one per commit of the branch.
    assert_eq!(std::mem::size_of::<crate::store::CommitInfo>(), 88);
    let one = crate::store::Parents::from(vec![crate::store::Oid::ZERO_SHA1]);
    assert!(matches!(one, crate::store::Parents::One(_)));
    assert_eq!(one.len(), 1);
    assert!(crate::store::Parents::from(Vec::new()).is_empty());
}
