//! The workflow and its people: status categories, transitions, closed
//! tickets, follow-ups, messages from the requester, agents and teams, and
//! `desk config check`.

use serde_json::Value;

use crate::common::TestEnv;

/// `desk show ID --json`.
fn show(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

#[test]
fn a_follow_up_links_the_closed_ticket_and_takes_its_people_queue_and_labels() {
    let env = TestEnv::initialised();
    let jane = "Jane Doe <jane@example.com>";
    let old = env.new_ticket(
        "Printer jams",
        &["--requester", jane, "--queue", "it", "-l", "printer", "--assignee", "Bob <bob@example.com>"],
    );
    env.desk(&["set", &old, "cc+=Ann <ann@example.com>", "priority=high"]).ok();
    // Only a closed ticket is followed up; nothing is written otherwise.
    let head = env.desk_head();
    let message = env.desk(&["new", "--follow-up", &old, "-b", "Again"]).error(1);
    assert!(message.contains("is not closed (status new)"), "{message}");
    let kind = env.desk(&["new", "--follow-up", &old, "-b", "Again", "--json"]).fails(1);
    assert!(kind.stderr.contains(r#""kind":"conflict""#), "{kind}");
    assert_eq!(env.desk_head(), head);

    env.desk(&["close", &old]).ok();
    let new = env.desk(&["new", "--follow-up", &old[..6], "-b", "It jams again", "-l", "urgent"]).ok().line();
    let t = show(&env, &new);
    assert_eq!(t["follow_up"], old.as_str(), "the full id, whatever prefix was given");
    assert_eq!(t["title"], "Printer jams");
    assert_eq!(t["requester"], jane);
    assert_eq!(t["assignee"], "Bob <bob@example.com>");
    assert_eq!(t["cc"], serde_json::json!(["Ann <ann@example.com>"]));
    assert_eq!(t["queue"], "it");
    assert_eq!(t["labels"], serde_json::json!(["printer", "urgent"]));
    assert_eq!(t["priority"], "normal", "a follow-up is judged afresh");
    assert_eq!(t["status"], "new");
    assert_eq!(t["body"], "It jams again");
    assert!(env.ticket_file(&new).contains(&format!("\nfollow_up: {old}\n")), "{}", env.ticket_file(&new));
    assert!(env.desk(&["show", &new]).ok().stdout.contains(&format!("Follows up {old}")));
    // The options given win over what the closed ticket had.
    let other = env
        .desk(&["new", "Still jams", "--follow-up", &old, "-b", "x", "--requester", "me", "--queue", "hw"])
        .ok()
        .line();
    let t = show(&env, &other);
    assert_eq!((t["title"].as_str(), t["queue"].as_str()), (Some("Still jams"), Some("hw")));
    assert_eq!(t["requester"], "Test Agent <agent@example.com>");
    // The link is desk's: set refuses it, and other tickets have none.
    let message = env.desk(&["set", &new, &format!("follow_up={old}")]).error(2);
    assert_eq!(message, "'follow_up' cannot be set");
    assert_eq!(show(&env, &old)["follow_up"], Value::Null);
    assert!(!env.ticket_file(&old).contains("follow_up"));
}
