//! Many writers at once: compare-and-swap on the branch ref loses nothing.

use std::process::Stdio;

use crate::common::TestEnv;

const WRITERS: usize = 8;

#[test]
fn eight_simultaneous_replies_are_all_kept_in_a_linear_history() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Everyone replies at once", &[]);
    let before = env.desk_head();
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            let mut cmd = env.command(&["reply", &id, "-m", &format!("reply number {i}")]);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().expect("desk starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("desk finishes");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    let t = env.desk(&["show", &id, "--json"]).ok().json();
    let mut bodies: Vec<String> =
        t["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_owned()).collect();
    bodies.sort();
    let expected: Vec<String> = (0..WRITERS).map(|i| format!("reply number {i}")).collect();
    assert_eq!(bodies, expected);

    let range = format!("{before}..refs/heads/desk");
    assert_eq!(env.git(&["rev-list", "--count", &range]).trim(), WRITERS.to_string());
    assert_eq!(env.git(&["rev-list", "--merges", &range]), "", "no merges");
    // Linear: every new commit has exactly one parent, and the chain reaches the old tip.
    for line in env.git(&["rev-list", "--parents", &range]).lines() {
        assert_eq!(line.split(' ').count(), 2, "one parent: {line}");
    }
    assert_eq!(env.git(&["rev-parse", &format!("refs/heads/desk~{WRITERS}")]).trim(), before);
    // Each commit adds exactly one reply to the previous state.
    for n in 0..WRITERS {
        let file = env.git(&["show", &format!("refs/heads/desk~{n}:tickets/{}/{id}.md", &id[..2])]);
        assert_eq!(file.matches("<!-- desk:reply ").count(), WRITERS - n);
    }
    env.desk(&["doctor"]).ok();
}

#[test]
fn simultaneous_new_tickets_all_land() {
    let env = TestEnv::initialised();
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            let mut cmd = env.command(&["new", &format!("Ticket {i}"), "-b", "x"]);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().expect("desk starts")
        })
        .collect();
    let mut printed: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("desk finishes");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        })
        .collect();
    printed.sort();
    assert_eq!(env.all_ids(), printed);
    assert_eq!(env.git(&["rev-list", "--count", "refs/heads/desk"]).trim(), (WRITERS + 1).to_string());
}

/// Runs `desk mail import` once per message, all at the same moment.
fn import_at_once(env: &TestEnv, messages: &[String]) -> Vec<serde_json::Value> {
    use std::io::Write as _;
    let children: Vec<_> = messages
        .iter()
        .map(|m| {
            let mut cmd = env.command(&["mail", "import", "--json"]);
            cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("desk starts");
            child.stdin.take().unwrap().write_all(m.as_bytes()).unwrap();
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("desk finishes");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

#[test]
fn an_mta_delivering_at_once_loses_nothing_and_records_a_replay_once() {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(&[("desk.yaml", &format!("{config}mail:\n  address: support@example.com\n"))], "mail");
    let message = |n: usize| {
        format!(
            "From: user{n}@example.org\r\nSubject: request {n}\r\nMessage-ID: <m{n}@example.org>\r\n\r\nhelp {n}\r\n"
        )
    };
    // Eight different messages at once: eight tickets.
    let outcomes = import_at_once(&env, &(0..WRITERS).map(message).collect::<Vec<_>>());
    assert!(outcomes.iter().all(|o| o["action"] == "created"), "{outcomes:?}");
    assert_eq!(env.all_ids().len(), WRITERS);
    // The same message delivered eight times at once: recorded once.
    let outcomes = import_at_once(&env, &vec![message(99); WRITERS]);
    let created = outcomes.iter().filter(|o| o["action"] == "created").count();
    let duplicates = outcomes.iter().filter(|o| o["action"] == "duplicate").count();
    assert_eq!((created, duplicates), (1, WRITERS - 1), "{outcomes:?}");
    assert_eq!(env.all_ids().len(), WRITERS + 1);
    env.desk(&["doctor"]).ok();
}
