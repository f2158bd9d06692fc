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
