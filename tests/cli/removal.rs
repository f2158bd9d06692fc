//! A comment removed with `desk edit` (a leaked password) stays removed through
//! any sync, and `desk log` says who removed it.

use std::path::Path;

use crate::common::TestEnv;

fn file_in(env: &TestEnv, dir: &Path, id: &str) -> String {
    env.git_in(dir, &["show", &format!("desk:tickets/{}/{id}.md", &id[..2])])
}

/// `text` without the section of comment `comment` (its marker up to the next marker).
fn without_comment(text: &str, comment: &str) -> String {
    let start = text.find(&format!("\n<!-- desk:reply {comment} ")).expect("the comment is in the file");
    let end = text[start + 1..].find("\n<!-- desk:").map_or(text.len(), |i| start + 1 + i);
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn a_removed_reply_stays_removed_after_syncing_both_ways() {
    let env = TestEnv::initialised();
    let shared = env.root.join("shared.git");
    env.git_in(&env.root, &["init", "-q", "--bare", "shared.git"]);
    let shared = shared.to_str().unwrap();
    env.git(&["remote", "add", "origin", shared]);
    let a = env.repo.clone();
    let b = env.root.join("b");
    std::fs::create_dir_all(&b).unwrap();
    env.git_in(&b, &["init", "-q"]);
    env.git_in(&b, &["remote", "add", "origin", shared]);

    let id = env.new_ticket("VPN access", &["--requester", "Jane Doe <jane@example.com>"]);
    let leaked = env
        .desk_at("2026-11-28T09:10:00Z", &["reply", &id, "-m", "Your password is hunter2"])
        .ok()
        .stderr
        .split("comment ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .expect("reply prints its comment id")
        .to_owned();
    env.desk_in(&a, &["sync"]).ok();
    env.desk_in(&b, &["sync"]).ok();
    assert!(file_in(&env, &b, &id).contains("hunter2"));

    // B removes the reply in the editor; A meanwhile changes the ticket.
    let with_reply = file_in(&env, &b, &id);
    let edited = without_comment(&with_reply, &leaked);
    assert!(!edited.contains("hunter2"), "{edited}");
    let admin = [
        ("GIT_AUTHOR_NAME", "Ann Admin"),
        ("GIT_AUTHOR_EMAIL", "ann@example.com"),
        ("GIT_AUTHOR_DATE", "2026-11-28T09:20:00Z"),
        ("GIT_COMMITTER_DATE", "2026-11-28T09:20:00Z"),
    ];
    env.desk_full(&b, &["edit", &id, "-F", "-"], Some(&edited), &admin).ok();
    env.desk_at("2026-11-28T09:30:00Z", &["reply", &id, "-m", "Try again now.", "--status", "pending"]).ok();

    env.desk_in(&b, &["sync"]).ok();
    env.desk_in(&a, &["sync"]).ok();
    env.desk_in(&b, &["sync"]).ok();

    let (in_a, in_b) = (file_in(&env, &a, &id), file_in(&env, &b, &id));
    assert_eq!(in_a, in_b);
    assert!(!in_a.contains("hunter2"), "{in_a}");
    assert!(in_a.contains("Try again now."), "{in_a}");
    assert!(in_a.contains(&format!(
        "<!-- desk:removed {leaked} 2026-11-28T09:20:00Z Ann Admin <ann@example.com> -->"
    )));
    for dir in [&a, &b] {
        let t = env.desk_in(dir, &["show", &id, "--json"]).ok().json();
        assert_eq!(t["status"], "pending");
        let ids: Vec<&str> =
            t["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert!(!ids.contains(&leaked.as_str()), "{ids:?}");
        assert_eq!(ids.len(), 1);

        let log = env.desk_in(dir, &["log", &id]).ok().stdout;
        let line = log.lines().find(|l| l.contains("removed comment")).unwrap_or_else(|| panic!("{log}"));
        assert!(line.contains("Ann Admin") && line.contains(&leaked), "{log}");
        let events = env.desk_in(dir, &["log", &id, "--json"]).ok().json();
        let removals: Vec<&serde_json::Value> =
            events.as_array().unwrap().iter().filter(|e| e["kind"] == "removed").collect();
        assert_eq!(removals.len(), 1, "{events}");
        assert_eq!(removals[0]["comment_id"], leaked.as_str());
        assert_eq!(removals[0]["actor"], "Ann Admin <ann@example.com>");
    }

    // Putting the reply back with an edit is refused: a removal is final.
    let message = env.desk_stdin(&["edit", &id, "-F", "-"], &with_reply).error(1);
    assert!(
        message.ends_with(&format!(
            "comment {leaked} was removed and cannot come back; add its text as a new reply or note"
        )),
        "{message}"
    );
}
