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
