//! The conventions git and gh users have in their fingers: a pager, local
//! times, git's colour settings and `GIT_DIR`, the editor without a terminal,
//! completions and man pages, warnings where git would warn, and terminal
//! text that ticket content cannot take over.

use crate::common::TestEnv;

#[test]
fn removing_a_label_the_ticket_lacks_warns_and_commits_nothing() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    let head = env.desk_head();
    let run = env.desk(&["label", &id, "-nonexistent"]).ok();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(&format!("warning: {} has no label 'nonexistent'", &id[..6])),
        "{run}"
    );
    assert_eq!(env.desk_head(), head, "nothing to commit");
    // Removing one it has and one it lacks: the change is made, the other warned about.
    let run = env.desk(&["label", &id, "-printer", "-nonexistent"]).ok();
    assert!(run.stderr.contains("has no label 'nonexistent'"), "{run}");
    assert!(!run.stderr.contains("has no label 'printer'"), "{run}");
    assert_ne!(env.desk_head(), head);
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["labels"], serde_json::json!([]));
}

#[test]
fn sync_says_up_to_date_only_when_nothing_moved() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    env.new_ticket("One", &[]);
    env.new_ticket("Two", &[]);
    // Nothing comes in, three commits go out.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(
        run.stderr,
        "synced 'desk' with origin\n  in:  nothing new\n  out: 3 commits, 2 tickets changed, pushed\n"
    );
    // Nothing either way.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(run.stderr, "synced 'desk' with origin: already up to date\n");
}
