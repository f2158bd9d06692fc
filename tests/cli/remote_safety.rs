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
    let served = env.root.join("served");
    std::fs::create_dir_all(&served).unwrap();
    env.git_in(&served, &["init", "-q", "--bare", "helpdesk.git"]);
    let daemon = Daemon::start(&served);
    let url = daemon.url("helpdesk.git");
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
    for round in 0..3 {
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
