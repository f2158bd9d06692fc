//! Sync against remotes that race, live elsewhere or hold trees desk did not
//! write: concurrent syncs through `git daemon`, relative remote URLs, and
//! hostile entries in fetched trees.

use std::process::Stdio;

use crate::common::TestEnv;
use crate::sync::{Daemon, clone_dir, head};

const CLONES: usize = 6;

#[test]
fn clones_syncing_at_the_same_moment_all_get_through() {
    let env = TestEnv::initialised();
    let (_daemon, url) = Daemon::serve_helpdesk(&env);
    env.git(&["remote", "add", "origin", &url]);
    env.desk(&["sync"]).ok();
    let clones: Vec<_> = (0..CLONES)
        .map(|i| {
            let dir = clone_dir(&env, &format!("clone{i}"));
            env.git_in(&dir, &["remote", "add", "origin", &url]);
            env.desk_in(&dir, &["sync"]).ok();
            dir
        })
        .collect();
    let mut ids = Vec::new();
    for round in 0..2 {
        for (i, dir) in clones.iter().enumerate() {
            let id =
                env.desk_in(dir, &["new", &format!("Round {round} from clone {i}"), "-b", "x"]).ok().line();
            ids.push(id);
        }
        // Every clone syncs at once: pushes race for the remote's ref.
        let children: Vec<_> = clones
            .iter()
            .map(|dir| {
                let mut cmd = env.command(&["sync"]);
                cmd.current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
                cmd.spawn().unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    // Everything reached the remote: one more sync everywhere, and all hold the same tree.
    env.desk(&["sync"]).ok();
    let trees: Vec<String> = std::iter::once(&env.repo)
        .chain(&clones)
        .map(|dir| {
            env.desk_in(dir, &["sync"]).ok();
            env.git_in(dir, &["rev-parse", "refs/heads/desk^{tree}"])
        })
        .collect();
    assert!(trees.iter().all(|t| *t == trees[0]), "{trees:?}");
    ids.sort();
    assert_eq!(env.all_ids(), ids);
    assert_eq!(head(&env, &clones[0]), head(&env, &clones[CLONES - 1]));
}

#[test]
fn a_relative_remote_url_is_relative_to_the_repository_not_the_current_directory() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Relative remotes", &[]);
    // The remote, next to the repository; and a decoy next to where desk is started.
    env.git_in(&env.root, &["init", "-q", "--bare", "shared.git"]);
    let elsewhere = env.root.join("a/b");
    std::fs::create_dir_all(&elsewhere).unwrap();
    env.git_in(&env.root.join("a"), &["init", "-q", "--bare", "shared.git"]);
    env.git(&["remote", "add", "origin", "../shared.git"]);

    env.desk_in(&elsewhere, &["-C", "../../repo", "sync"]).ok();
    let shared = env.root.join("shared.git");
    assert_eq!(env.git_in(&shared, &["rev-parse", "refs/heads/desk"]).trim(), env.desk_head());
    assert_eq!(env.git_in(&env.root.join("a/shared.git"), &["for-each-ref"]), "", "the decoy is untouched");

    // From a subdirectory of the working tree, as git does it.
    let sub = env.repo.join("sub/dir");
    std::fs::create_dir_all(&sub).unwrap();
    env.desk_in(&sub, &["note", &id, "-m", "from below"]).ok();
    env.desk_in(&sub, &["sync"]).ok();
    assert_eq!(env.git_in(&shared, &["rev-parse", "refs/heads/desk"]).trim(), env.desk_head());

    // A bare repository resolves against its git directory.
    env.git_in(&env.root, &["clone", "-q", "--bare", shared.to_str().unwrap(), "mirror.git"]);
    let mirror = env.root.join("mirror.git");
    env.git_in(&mirror, &["remote", "set-url", "origin", "../shared.git"]);
    env.desk_in(&elsewhere, &["-C", "../../mirror.git", "note", &id, "-m", "from the mirror"]).ok();
    env.desk_in(&elsewhere, &["-C", "../../mirror.git", "sync"]).ok();
    assert_eq!(
        env.git_in(&shared, &["rev-parse", "refs/heads/desk"]),
        env.git_in(&mirror, &["rev-parse", "refs/heads/desk"])
    );
    assert_eq!(env.git_in(&env.root.join("a/shared.git"), &["for-each-ref"]), "");
}

/// Runs git in `dir` with `input` on stdin; returns stdout, trimmed.
fn git_with_input(env: &TestEnv, dir: &std::path::Path, args: &[&str], input: &str) -> String {
    let mut cmd = env.program(std::path::Path::new("git"));
    cmd.current_dir(dir).args(args);
    let out = crate::common::run(cmd, Some(input));
    assert_eq!(out.code, 0, "git {args:?} failed:\n{out}");
    out.stdout.trim().to_owned()
}

/// `tree` (`None`: empty) with the entry at `path` set to `entry` (`mode type id`),
/// built with `git ls-tree` and `git mktree`, which take names git itself would
/// refuse to check out.
fn tree_with(env: &TestEnv, dir: &std::path::Path, tree: Option<&str>, path: &[&str], entry: &str) -> String {
    let listing = tree.map(|t| env.git_in(dir, &["ls-tree", "-z", t])).unwrap_or_default();
    let mut records: Vec<(String, String)> = listing
        .split('\0')
        .filter(|r| !r.is_empty())
        .map(|r| {
            let (meta, name) = r.split_once('\t').unwrap();
            (name.to_owned(), meta.to_owned())
        })
        .collect();
    let (name, rest) = path.split_first().unwrap();
    let current = records.iter().position(|(n, _)| n == name).map(|i| records.remove(i));
    let meta = if rest.is_empty() {
        entry.to_owned()
    } else {
        let sub = current
            .as_ref()
            .filter(|(_, m)| m.contains(" tree "))
            .map(|(_, m)| m.rsplit(' ').next().unwrap());
        format!("040000 tree {}", tree_with(env, dir, sub, rest, entry))
    };
    records.push(((*name).to_owned(), meta));
    let mut input = String::new();
    for (name, meta) in &records {
        input.push_str(meta);
        input.push('\t');
        input.push_str(name);
        input.push('\0');
    }
    git_with_input(env, dir, &["mktree", "-z"], &input)
}

/// Commits, on the desk branch of the clone in `dir`, every hostile entry the
/// brief names; returns the paths desk must leave out.
fn commit_hostile_entries(env: &TestEnv, dir: &std::path::Path, shard: &str) -> Vec<String> {
    let blob = git_with_input(env, dir, &["hash-object", "-w", "--stdin"], "not a ticket\n");
    let link = git_with_input(env, dir, &["hash-object", "-w", "--stdin"], "/etc/passwd");
    let head = env.git_in(dir, &["rev-parse", "refs/heads/desk"]).trim().to_owned();
    let mut tree = env.git_in(dir, &["rev-parse", "refs/heads/desk^{tree}"]).trim().to_owned();
    let entries: [(&[&str], String); 6] = [
        (&["tickets", shard, ".."], format!("100644 blob {blob}")),
        (&[".git"], format!("100644 blob {blob}")),
        (&["tickets", "sb", "sb00000000.md"], format!("160000 commit {head}")),
        (&["desk.yaml", "x"], format!("100644 blob {blob}")),
        (&["tickets", "tr", "tr00000000.md", "x"], format!("100644 blob {blob}")),
        (&["tickets", "sy", "sy00000000.md"], format!("120000 blob {link}")),
    ];
    for (path, entry) in &entries {
        tree = tree_with(env, dir, Some(&tree), path, entry);
    }
    let commit = env.git_in(dir, &["commit-tree", &tree, "-p", &head, "-m", "hostile entries"]);
    env.git_in(dir, &["update-ref", "refs/heads/desk", commit.trim()]);
    let mut paths = vec![
        format!("tickets/{shard}/.."),
        ".git".into(),
        "tickets/sb/sb00000000.md".into(),
        "desk.yaml".into(),
        "tickets/tr/tr00000000.md".into(),
        "tickets/sy/sy00000000.md".into(),
    ];
    paths.sort();
    paths
}

fn left_out(sync: &serde_json::Value) -> Vec<String> {
    let mut paths: Vec<String> =
        sync["left_out"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap().to_owned()).collect();
    paths.sort();
    paths
}

/// Every entry (trees, files, links, submodules) of the desk branch in `dir`, as `git ls-tree` lists them.
fn every_entry(env: &TestEnv, dir: &std::path::Path) -> String {
    env.git_in(dir, &["ls-tree", "-r", "-t", "refs/heads/desk"])
}

#[test]
fn hostile_entries_from_a_remote_are_reported_and_left_out_and_the_rest_merges() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    let id = env.new_ticket("Printer jams", &[]);
    env.desk(&["sync"]).ok();
    let clone = |name: &str| {
        let dir = clone_dir(&env, name);
        env.git_in(&dir, &["remote", "add", "origin", server.to_str().unwrap()]);
        dir
    };
    let follower = clone("follower");
    env.desk_in(&follower, &["sync"]).ok();

    // Another clone makes good changes, then commits hostile entries by hand and pushes with git.
    let other = clone("other");
    env.desk_in(&other, &["sync"]).ok();
    env.desk_in(&other, &["reply", &id, "-m", "Good reply from the other clone"]).ok();
    let good = env.desk_in(&other, &["new", "A good new ticket", "-b", "x"]).ok().line();
    let hostile = commit_hostile_entries(&env, &other, &id[..2]);
    env.git_in(&other, &["push", "-q", "origin", "desk"]);

    // A clone that has nothing yet: its branch starts without the hostile entries.
    let fresh = clone("fresh");
    let created = env.desk_in(&fresh, &["sync", "--no-push", "--json"]).ok().json();
    assert_eq!(created["state"], "created");
    assert_eq!(left_out(&created), hostile);
    // A clone with nothing of its own does not fast-forward onto them.
    let forward = env.desk_in(&follower, &["sync", "--no-push", "--json"]).ok().json();
    assert_eq!(left_out(&forward), hostile, "{forward:#}");
    // A clone with changes of its own merges the good changes and leaves the rest out.
    env.desk(&["note", &id, "-m", "Local note"]).ok();
    let run = env.desk(&["sync"]).ok();
    assert!(run.stderr.contains("left out 6 entries of the remote's branch that desk cannot use:"), "{run}");
    for path in &hostile {
        assert!(run.stderr.contains(&format!("    {path}: ")), "{path} not reported:\n{run}");
    }
    assert!(!run.stderr.contains("class="), "a raw libgit2 error:\n{run}");

    for dir in [&fresh, &follower, &env.repo] {
        let entries = every_entry(&env, dir);
        for line in entries.lines() {
            let (meta, path) = line.split_once('\t').unwrap();
            let bad = meta.starts_with("160000")
                || meta.starts_with("120000")
                || path.split('/').any(|part| part == ".." || part == ".git")
                || path.starts_with("desk.yaml/")
                || path.starts_with("tickets/tr/tr00000000.md");
            assert!(!bad, "{line} in {}:\n{entries}", dir.display());
        }
        assert!(entries.contains(&format!("tickets/{}/{good}.md", &good[..2])), "{entries}");
        if dir == &fresh {
            // It had no desk.yaml of its own to keep: it has none until the remote is repaired.
            assert!(!entries.lines().any(|l| l.ends_with("\tdesk.yaml")), "{entries}");
            continue;
        }
        assert_eq!(env.git_in(dir, &["cat-file", "-t", "refs/heads/desk:desk.yaml"]).trim(), "blob");
        let show = env.desk_in(dir, &["show", &id, "--json"]).ok().json();
        let bodies: Vec<&str> =
            show["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
        assert!(bodies.contains(&"Good reply from the other clone"), "{}: {bodies:?}", dir.display());
        env.desk_in(dir, &["show", &good]).ok();
        env.desk_in(dir, &["doctor"]).ok();
    }
    // What was pushed no longer holds them either.
    assert_eq!(
        env.git_in(&server, &["rev-parse", "refs/heads/desk"]),
        env.git(&["rev-parse", "refs/heads/desk"])
    );

    // `desk doctor` in the clone that has them reports each by path.
    let doctor = env.desk_in(&other, &["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    assert!(!doctor.stderr.contains("error"), "{doctor}");
    for path in &hostile {
        assert!(doctor.stdout.lines().any(|l| l.starts_with(&format!("{path}:0: "))), "{path}:\n{doctor}");
    }
    let json = env.desk_in(&other, &["doctor", "--json"]).json();
    assert_eq!(json["problems"].as_array().unwrap().len(), hostile.len(), "{json:#}");
}

#[test]
fn a_lock_left_on_the_remote_fails_the_push_quickly_naming_it() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    env.desk(&["sync"]).ok();
    let lock = server.join("refs/heads/desk.lock");
    std::fs::write(&lock, "").unwrap();
    let id = env.new_ticket("Waiting for the server", &[]);
    let started = std::time::Instant::now();
    let run = env.desk(&["sync"]);
    let took = started.elapsed();
    let hint = run.stderr.lines().find(|l| l.starts_with("hint: ")).unwrap_or_default().to_owned();
    let message = run.error(1);
    assert_eq!(
        message,
        format!(
            "cannot push to 'origin': its desk branch is locked ('{}' exists there and stays)",
            lock.display()
        )
    );
    assert!(hint.contains(&format!("`rm '{}'`", lock.display())), "{hint}");
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    // Once the lock is gone, the next sync pushes.
    std::fs::remove_file(&lock).unwrap();
    env.desk(&["sync"]).ok();
    assert_eq!(env.git_in(&server, &["rev-parse", "refs/heads/desk"]).trim(), env.desk_head());
    env.desk(&["show", &id]).ok();
}
