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

/// A workflow with transitions: new → open or triage; triage → open;
/// open → waiting, fixed; waiting → open; fixed → open, done.
const TRANSITIONS: &str = "\
workflow:
  statuses:
    - {name: new, category: new, transitions: [open, triage]}
    - {name: triage, category: new, transitions: [open]}
    - {name: open, category: open, transitions: [waiting, fixed]}
    - {name: waiting, category: pending, transitions: [open]}
    - {name: fixed, category: solved, transitions: [open, done]}
    - {name: done, category: closed}
  initial: new
  reopen: open
priorities:
  levels: [low, normal, high]
  default: normal
";

#[test]
fn a_status_change_the_workflow_does_not_allow_is_refused_naming_the_allowed_ones() {
    let env = TestEnv::initialised();
    env.commit_by_hand(&[("desk.yaml", TRANSITIONS)], "transitions");
    let id = env.new_ticket("Printer jams", &[]);
    let file = env.root.join("edited.md");
    let head = env.desk_head();
    let refused: Vec<Vec<&str>> = vec![
        vec!["status", &id, "fixed"],
        vec!["resolve", &id],
        vec!["close", &id],
        vec!["set", &id, "status=waiting", "priority=high"],
        vec!["reply", &id, "-m", "Done", "--status", "fixed"],
    ];
    for args in &refused {
        let message = env.desk(args).error(2);
        assert!(message.ends_with("; allowed from 'new': triage, open"), "{args:?}: {message}");
        assert!(message.starts_with("status '"), "{args:?}: {message}");
    }
    let edited = env.ticket_file(&id).replace("status: new", "status: fixed");
    std::fs::write(&file, edited).unwrap();
    let message = env.desk(&["edit", &id, "-F", file.to_str().unwrap()]).error(1);
    assert!(
        message.contains("status 'fixed' is not allowed from 'new'; allowed from 'new': triage, open"),
        "{message}"
    );
    let json = env.desk(&["status", &id, "fixed", "--json"]).fails(2);
    let error: Value = serde_json::from_str(&json.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
    assert_eq!(env.desk_head(), head, "nothing was written");

    env.desk(&["status", &id, "triage"]).ok();
    env.desk(&["status", &id, "open"]).ok();
    // Nothing goes back to a status of category new, whatever the transitions say.
    for back in ["new", "triage"] {
        let message = env.desk(&["status", &id, back]).error(2);
        assert_eq!(
            message,
            format!(
                "a ticket never goes back to '{back}' (category new); allowed from 'open': waiting, fixed"
            )
        );
    }
    env.desk(&["reply", &id, "-m", "Which tray?", "--status", "waiting"]).ok();
    let message = env.desk(&["resolve", &id]).error(2);
    assert_eq!(message, "status 'fixed' is not allowed from 'waiting'; allowed from 'waiting': open");
    env.desk(&["set", &id, "status=open"]).ok();
    env.desk(&["resolve", &id]).ok();
    assert_eq!(show(&env, &id)["status"], "fixed");
    env.desk(&["reopen", &id]).ok();
    env.desk(&["resolve", &id]).ok();
    env.desk(&["close", &id]).ok();
    assert_eq!(show(&env, &id)["status"], "done");
}

#[test]
fn a_closed_ticket_is_never_changed_and_names_the_follow_up() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    env.desk(&["close", &id]).ok();
    let file = env.root.join("edited.md");
    std::fs::write(&file, env.ticket_file(&id).replace("Printer jams", "Printer jams again")).unwrap();
    let head = env.desk_head();
    let short = &id[..6];
    let writes: Vec<Vec<&str>> = vec![
        vec!["reply", short, "-m", "Hello?"],
        vec!["note", short, "-m", "Called"],
        vec!["assign", short, "--me"],
        vec!["status", short, "open"],
        vec!["resolve", short],
        vec!["reopen", short],
        vec!["label", short, "+printer"],
        vec!["set", short, "priority=high"],
        vec!["rate", short, "5"],
        vec!["edit", short, "-F", file.to_str().unwrap()],
    ];
    for args in &writes {
        let run = env.desk(args);
        assert!(
            run.stderr.contains(&format!("hint: open a follow-up instead: desk new --follow-up {short}")),
            "{run}"
        );
        let message = run.error(1);
        assert_eq!(
            message,
            format!("ticket {short} is closed (status closed) and cannot be changed"),
            "{args:?}"
        );
        let mut json = args.clone();
        json.push("--json");
        let run = env.desk(&json).fails(1);
        assert!(run.stderr.contains(r#""kind":"conflict""#), "{args:?}: {run}");
    }
    assert_eq!(env.desk_head(), head, "nothing was written");
    // Closing it again asks for no change: that is fine.
    env.desk(&["close", short]).ok();
    assert_eq!(env.desk_head(), head);
}
