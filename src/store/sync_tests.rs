//! Sync between several clones through a bare "server" repository, with the
//! git binary for fetch and push: the tree merge's decisions, and the
//! properties that must hold whatever the order of syncs.
#![allow(clippy::many_single_char_names)]

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{TimeZone, Utc};
use git2::{Oid, Repository};
use proptest::prelude::*;

use super::{Change, Conflict, Identity, Store, SyncOptions, SyncReport, SyncState};
use crate::merge::{DeskMerge, Side};
use crate::model::{Ticket, TicketId, Visibility};
use crate::workflow::{CONFIG_PATH, Config};

const T0: i64 = 1_795_856_400; // 2026-11-28T09:00:00Z

fn sig(who: &str, at: i64) -> Identity {
    let at = chrono::DateTime::from_timestamp(at, 0).unwrap();
    Identity::new(who, &format!("{}@example.com", who.to_lowercase()), at).unwrap()
}

struct World {
    _dir: tempfile::TempDir,
    clones: Vec<Store>,
}

fn world(n: usize) -> World {
    let dir = tempfile::tempdir().unwrap();
    let server = dir.path().join("server.git");
    Repository::init_bare(&server).unwrap();
    let mut clones = Vec::new();
    for i in 0..n {
        let path = dir.path().join(format!("clone{i}"));
        let repo = Repository::init(&path).unwrap();
        repo.remote("origin", server.to_str().unwrap()).unwrap();
        clones.push(Store::open(&path).unwrap());
    }
    // The first clone starts the helpdesk; the others get it by syncing.
    let first = &clones[0];
    let s = sig("Admin", T0);
    first
        .write(&s, &s, |_| -> Result<_, super::StoreError> {
            Ok(Some(Change {
                summary: "desk init".into(),
                files: vec![(CONFIG_PATH.into(), Some(Config::default_text().into_bytes()))],
                tickets: Vec::new(),
                trailers: Vec::new(),
            }))
        })
        .unwrap();
    World { _dir: dir, clones }
}

fn sync(store: &Store, at: i64) -> SyncReport {
    let s = sig("Syncer", at);
    store.sync(&SyncOptions { remote: None, push: true }, &s, &s, &DeskMerge).unwrap()
}

fn local(store: &Store) -> Option<Oid> {
    store.repo.refname_to_id(&store.refname()).ok()
}

fn tickets(store: &Store) -> Vec<Ticket> {
    let Some(tip) = store.tip().unwrap() else { return Vec::new() };
    store
        .files_under(tip.tree, super::TICKETS_DIR)
        .unwrap()
        .into_iter()
        .map(|(path, blob)| store.load_blob_ticket(blob, &path).unwrap())
        .collect()
}

fn update(store: &Store, who: &str, at: i64, id: &TicketId, change: impl Fn(&mut Ticket)) {
    let s = sig(who, at);
    store
        .write(&s, &s, |tip| -> Result<_, super::StoreError> {
            let tip = tip.expect("initialised");
            let mut t = store.load_ticket(tip, id)?;
            change(&mut t);
            t.updated = Utc.timestamp_opt(at, 0).unwrap().max(t.created);
            Ok(Some(Change::ticket("update", &t)?))
        })
        .unwrap();
}

fn create(store: &Store, who: &str, at: i64, title: &str) -> TicketId {
    let id = TicketId::generate();
    let s = sig(who, at);
    let t = Ticket::new(
        id.clone(),
        title.into(),
        "new".into(),
        "normal".into(),
        Utc.timestamp_opt(at, 0).unwrap(),
    );
    store
        .write(&s, &s, |_| -> Result<_, super::StoreError> { Ok(Some(Change::ticket("new", &t)?)) })
        .unwrap();
    id
}

#[test]
fn first_contact_both_ways_and_a_resolved_conflict() {
    let w = world(2);
    let (a, b) = (&w.clones[0], &w.clones[1]);
    // The server has no desk branch: it receives one.
    let r = sync(a, T0 + 10);
    assert!(r.pushed);
    // A clone with no desk branch gets one from the server.
    let r = sync(b, T0 + 20);
    assert_eq!(r.state, SyncState::Created);
    assert_eq!(local(a), local(b));

    let id = create(a, "Ann", T0 + 30, "Printer");
    sync(a, T0 + 40);
    sync(b, T0 + 50);
    // Ann assigns early but touches the ticket last; Bob assigns later.
    update(a, "Ann", T0 + 100, &id, |t| t.assignee = Some("Ann <ann@example.com>".into()));
    update(b, "Bob", T0 + 200, &id, |t| t.assignee = Some("Bob <bob@example.com>".into()));
    update(a, "Ann", T0 + 300, &id, |t| {
        t.add_comment(
            "Ann <ann@example.com>".into(),
            Utc.timestamp_opt(T0 + 300, 0).unwrap(),
            Visibility::Internal,
            "checked",
        );
    });
    update(b, "Bob", T0 + 250, &id, |t| {
        t.add_comment(
            "Bob <bob@example.com>".into(),
            Utc.timestamp_opt(T0 + 250, 0).unwrap(),
            Visibility::Public,
            "on it",
        );
    });
    sync(a, T0 + 400);
    let r = sync(b, T0 + 500);
    assert_eq!(r.state, SyncState::Merged);
    assert_eq!(
        r.conflicts,
        vec![Conflict {
            path: id.path(),
            field: "assignee".into(),
            kept: Side::Ours,
            kept_value: "Bob <bob@example.com>".into(),
            dropped_value: "Ann <ann@example.com>".into(),
            copy: None,
        }]
    );
    let merge = b.repo.find_commit(r.merge_commit.unwrap()).unwrap();
    assert_eq!(merge.parent_count(), 2);
    sync(a, T0 + 600);
    assert_eq!(local(a), local(b));
    let t = &tickets(a)[0];
    assert_eq!(t.assignee.as_deref(), Some("Bob <bob@example.com>"));
    assert_eq!(t.comments.len(), 2);
    // Nothing new: no commit, nothing pushed.
    let before = local(b);
    let r = sync(b, T0 + 700);
    assert_eq!((r.state, r.pushed, r.merge_commit), (SyncState::UpToDate, false, None));
    assert_eq!(local(b), before);
}

#[test]
fn text_files_that_conflict_keep_both_versions() {
    let w = world(2);
    let (a, b) = (&w.clones[0], &w.clones[1]);
    sync(a, T0 + 1);
    sync(b, T0 + 2);
    let edit = |store: &Store, who: &str, at: i64, text: &str| {
        let s = sig(who, at);
        store
            .write(&s, &s, |_| -> Result<_, super::StoreError> {
                Ok(Some(Change {
                    summary: "kb".into(),
                    files: vec![("kb/vpn.md".into(), Some(text.as_bytes().to_vec()))],
                    tickets: Vec::new(),
                    trailers: Vec::new(),
                }))
            })
            .unwrap();
    };
    edit(a, "Ann", T0 + 10, "# VPN\n\nUse the client.\n");
    sync(a, T0 + 11);
    sync(b, T0 + 12);
    edit(a, "Ann", T0 + 20, "# VPN\n\nUse the new client.\n");
    edit(b, "Bob", T0 + 30, "# VPN\n\nUse the old client.\n");
    sync(a, T0 + 40);
    let r = sync(b, T0 + 50);
    assert_eq!(r.conflicts.len(), 1, "{:?}", r.conflicts);
    let c = &r.conflicts[0];
    assert_eq!((c.path.as_str(), c.kept), ("kb/vpn.md", Side::Ours));
    let copy = c.copy.clone().unwrap();
    assert!(copy.starts_with("kb/vpn.md.conflict-"), "{copy}");
    let tip = b.tip().unwrap().unwrap();
    assert_eq!(b.read_file(tip.tree, "kb/vpn.md").unwrap().unwrap(), b"# VPN\n\nUse the old client.\n");
    assert_eq!(b.read_file(tip.tree, &copy).unwrap().unwrap(), b"# VPN\n\nUse the new client.\n");
}

#[test]
fn an_unreachable_remote_is_one_line_with_gits_message() {
    let w = world(1);
    let s = sig("Ann", T0);
    let err = w.clones[0]
        .sync(&SyncOptions { remote: Some("nosuch".into()), push: true }, &s, &s, &DeskMerge)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "cannot fetch from 'nosuch': 'nosuch' does not appear to be a git repository");
}

// ---- properties with three clones ----

#[derive(Clone, Debug)]
enum Op {
    New,
    Reply(usize),
    Note(usize),
    Assign(usize, u8),
    Status(usize, u8),
    Label(usize, u8, bool),
    Describe(usize, u8),
    Sync,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::New),
        2 => any::<usize>().prop_map(Op::Reply),
        1 => any::<usize>().prop_map(Op::Note),
        1 => (any::<usize>(), 0u8..3).prop_map(|(t, a)| Op::Assign(t, a)),
        1 => (any::<usize>(), 0u8..3).prop_map(|(t, s)| Op::Status(t, s)),
        1 => (any::<usize>(), 0u8..3, any::<bool>()).prop_map(|(t, l, add)| Op::Label(t, l, add)),
        1 => (any::<usize>(), 0u8..3).prop_map(|(t, d)| Op::Describe(t, d)),
        2 => Just(Op::Sync),
    ]
}

fn step(
    store: &Store,
    who: &str,
    at: i64,
    op: &Op,
    comments: &mut BTreeSet<String>,
    ids: &mut BTreeSet<TicketId>,
) {
    let existing = tickets(store);
    let pick = |n: usize| existing.get(n % existing.len().max(1)).map(|t| t.id.clone());
    let now = Utc.timestamp_opt(at, 0).unwrap();
    match op {
        Op::New => {
            ids.insert(create(store, who, at, &format!("Ticket from {who}")));
        }
        Op::Sync => {
            sync(store, at);
        }
        Op::Reply(n) | Op::Note(n) => {
            let Some(id) = pick(*n) else { return };
            let vis = if matches!(op, Op::Reply(_)) { Visibility::Public } else { Visibility::Internal };
            let s = sig(who, at);
            store
                .write(&s, &s, |tip| -> Result<_, super::StoreError> {
                    let mut t = store.load_ticket(tip.expect("initialised"), &id)?;
                    let cid =
                        t.add_comment(format!("{who} <x@example.com>"), now, vis, &format!("{who} says hi"));
                    comments.insert(cid);
                    t.updated = now.max(t.created);
                    Ok(Some(Change::ticket("reply", &t)?))
                })
                .unwrap();
        }
        Op::Assign(n, a) => {
            let Some(id) = pick(*n) else { return };
            update(store, who, at, &id, |t| t.assignee = Some(format!("Agent{a} <a{a}@example.com>")));
        }
        Op::Status(n, s) => {
            let Some(id) = pick(*n) else { return };
            update(store, who, at, &id, |t| {
                t.status = ["open", "pending", "resolved"][usize::from(*s)].into();
            });
        }
        Op::Label(n, l, add) => {
            let Some(id) = pick(*n) else { return };
            update(store, who, at, &id, |t| {
                if *add {
                    t.add_label(&format!("l{l}"));
                } else {
                    t.remove_label(&format!("l{l}"));
                }
            });
        }
        Op::Describe(n, d) => {
            let Some(id) = pick(*n) else { return };
            update(store, who, at, &id, |t| t.description = format!("Description {d} by {who}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn clones_converge_and_lose_nothing(
        script in prop::collection::vec((0usize..3, op(), 0i64..5), 4..24),
    ) {
        let w = world(3);
        for c in &w.clones {
            sync(c, T0);
        }
        let mut comments = BTreeSet::new();
        let mut ids = BTreeSet::new();
        let mut at = T0 + 60;
        for (who, op, jitter) in &script {
            // Clocks are not in step across clones: times go up only roughly.
            at += 10;
            let name = ["Ann", "Bob", "Cid"][*who];
            step(&w.clones[*who], name, at - jitter * 7, op, &mut comments, &mut ids);
        }
        // Sync round-robin until a whole round changes nothing.
        let mut rounds = 0;
        loop {
            let mut quiet = true;
            for c in &w.clones {
                at += 10;
                let r = sync(c, at);
                quiet &= r.state == SyncState::UpToDate && !r.pushed;
            }
            if quiet {
                break;
            }
            rounds += 1;
            prop_assert!(rounds < 6, "no convergence after {rounds} rounds");
        }
        // Convergence: identical trees everywhere.
        let trees: BTreeSet<Oid> = w.clones.iter().map(|c| c.tip().unwrap().unwrap().tree).collect();
        prop_assert_eq!(trees.len(), 1);
        // Nothing lost: every ticket and every comment, in every clone.
        for c in &w.clones {
            let all = tickets(c);
            let have_ids: BTreeSet<TicketId> = all.iter().map(|t| t.id.clone()).collect();
            prop_assert!(ids.is_subset(&have_ids));
            let have: BTreeSet<String> = all.iter().flat_map(|t| t.comments.iter().map(|x| x.id.clone())).collect();
            prop_assert!(comments.is_subset(&have), "lost comments: {:?}", comments.difference(&have).collect::<Vec<_>>());
        }
        // Idempotence: syncing again makes no commit.
        for c in &w.clones {
            let before = local(c);
            let r = sync(c, at + 100);
            prop_assert_eq!(r.merge_commit, None);
            prop_assert_eq!(local(c), before);
        }
    }
}

#[test]
fn the_tree_merge_is_symmetric() {
    let w = world(2);
    let (a, b) = (&w.clones[0], &w.clones[1]);
    sync(a, T0 + 1);
    sync(b, T0 + 2);
    let id = create(a, "Ann", T0 + 5, "Shared");
    sync(a, T0 + 6);
    sync(b, T0 + 7);
    update(a, "Ann", T0 + 10, &id, |t| t.description = "Ann's words".into());
    update(b, "Bob", T0 + 10, &id, |t| t.description = "Bob's words".into());
    update(a, "Ann", T0 + 12, &id, |t| t.status = "pending".into());
    update(b, "Bob", T0 + 11, &id, |t| t.status = "resolved".into());
    // Bring both tips into one repository to merge them both ways round.
    let path = b.repo.path().to_str().unwrap().to_owned();
    let out = std::process::Command::new("git")
        .args([
            "--git-dir",
            a.repo.path().to_str().unwrap(),
            "fetch",
            "-q",
            &path,
            "+refs/heads/desk:refs/test/b",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (oa, ob) = (local(a).unwrap(), a.repo.refname_to_id("refs/test/b").unwrap());
    let tree = |o, t| match a.merge_commits(o, t, &DeskMerge).unwrap() {
        super::MergeOutcome::Merged(m) => m.tree,
        other => panic!("{other:?}"),
    };
    assert_eq!(tree(oa, ob), tree(ob, oa));
    let t = a.load_blob_ticket(
        a.repo.find_tree(tree(oa, ob)).unwrap().get_path(Path::new(&id.path())).unwrap().id(),
        &id.path(),
    );
    let t = t.unwrap();
    assert_eq!(t.status, "pending");
    assert_eq!(t.comments.len(), 1, "the losing description is kept as a note");
}

#[test]
fn a_push_after_the_remote_moved_is_not_forced_and_sync_merges_again() {
    let w = world(2);
    let (a, b) = (&w.clones[0], &w.clones[1]);
    sync(a, T0 + 1);
    sync(b, T0 + 2);
    let from_a = create(a, "Ann", T0 + 10, "From A");
    sync(a, T0 + 11);
    let from_b = create(b, "Bob", T0 + 12, "From B");
    // B's view of the remote is stale: a plain push is refused, not forced.
    let b_tip = local(b).unwrap();
    assert!(matches!(b.push("origin", b_tip).unwrap(), super::remote::Pushed::Behind { .. }));
    let server = a.repo.path().parent().unwrap().parent().unwrap().join("server.git");
    let server = Repository::open(server).unwrap();
    assert_ne!(server.refname_to_id("refs/heads/desk").unwrap(), b_tip);
    // sync fetches, merges and pushes.
    let r = sync(b, T0 + 20);
    assert_eq!((r.state, r.pushed), (SyncState::Merged, true));
    assert_eq!(server.refname_to_id("refs/heads/desk").unwrap(), local(b).unwrap());
    let ids: BTreeSet<TicketId> = tickets(b).into_iter().map(|t| t.id).collect();
    assert!(ids.contains(&from_a) && ids.contains(&from_b));
}

#[test]
fn a_ticket_left_with_conflict_markers_does_not_stop_a_sync() {
    let w = world(2);
    let (a, b) = (&w.clones[0], &w.clones[1]);
    sync(a, T0 + 1);
    let broken = create(a, "Ann", T0 + 5, "Broken");
    let fine = create(a, "Ann", T0 + 6, "Fine");
    sync(a, T0 + 7);
    sync(b, T0 + 8);
    // Someone merged by hand without the driver.
    let s = sig("Ann", T0 + 10);
    a.write(&s, &s, |tip| -> Result<_, super::StoreError> {
        let text = a.ticket_text(tip.unwrap(), &broken)?;
        let marked = format!("{text}<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n");
        Ok(Some(Change {
            summary: "hand merge".into(),
            files: vec![(broken.path(), Some(marked.into_bytes()))],
            tickets: vec![],
            trailers: Vec::new(),
        }))
    })
    .unwrap();
    update(b, "Bob", T0 + 11, &fine, |t| t.status = "open".into());
    sync(a, T0 + 12);
    let r = sync(b, T0 + 13);
    assert_eq!(r.state, SyncState::Merged);
    let tip = b.tip().unwrap().unwrap();
    assert!(b.load_ticket(&tip, &broken).is_err(), "the broken file came in as it is");
    assert_eq!(b.load_ticket(&tip, &fine).unwrap().status, "open");
}

#[test]
fn sync_honours_desk_branch() {
    let dir = tempfile::tempdir().unwrap();
    let server = dir.path().join("server.git");
    Repository::init_bare(&server).unwrap();
    let clones: Vec<Store> = (0..2)
        .map(|i| {
            let path = dir.path().join(format!("c{i}"));
            let repo = Repository::init(&path).unwrap();
            repo.remote("origin", server.to_str().unwrap()).unwrap();
            repo.config().unwrap().set_str("desk.branch", "helpdesk").unwrap();
            Store::open(&path).unwrap()
        })
        .collect();
    let s = sig("Admin", T0);
    clones[0]
        .write(&s, &s, |_| -> Result<_, super::StoreError> {
            Ok(Some(Change {
                summary: "desk init".into(),
                files: vec![(CONFIG_PATH.into(), Some(Config::default_text().into_bytes()))],
                tickets: Vec::new(),
                trailers: Vec::new(),
            }))
        })
        .unwrap();
    let id = create(&clones[0], "Ann", T0 + 1, "On another branch");
    sync(&clones[0], T0 + 2);
    assert_eq!(sync(&clones[1], T0 + 3).state, SyncState::Created);
    let server = Repository::open(&server).unwrap();
    assert!(server.refname_to_id("refs/heads/helpdesk").is_ok());
    assert!(server.refname_to_id("refs/heads/desk").is_err());
    assert_eq!(tickets(&clones[1])[0].id, id);
}
