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

/// `desk report --json` over 2026-11-02.
fn report_of_the_day(env: &TestEnv) -> Value {
    env.desk(&["report", "--since", "2026-11-02", "--until", "2026-11-02", "--json"]).ok().json()
}

#[test]
fn a_message_from_the_requester_is_theirs_in_the_file_the_status_and_every_kpi() {
    let env = TestEnv::initialised();
    let jane = "Jane Doe <jane@example.com>";
    let at = |time: &str, args: &[&str]| env.desk_at(&format!("2026-11-02T{time}:00Z"), args).ok();
    let new = |title: &str| at("09:00", &["new", title, "-b", "Broken", "--requester", jane]).line();
    let (a, b, c) = (new("Printer jams"), new("VPN drops"), new("Mail bounces"));
    // a: answered, waiting; the requester calls back; answered again; resolved.
    at("10:00", &["reply", &a, "-m", "Which tray?", "--status", "pending"]);
    let run = at("11:00", &["reply", &a, "--from", "requester", "-m", "Tray 2, still broken", "--json"]);
    let ticket = run.json();
    assert_eq!(ticket["status"], "open", "a message from the requester reopens a pending ticket");
    assert_eq!(ticket["comments"][1]["author"], jane);
    assert_eq!(ticket["comments"][1]["visibility"], "public");
    let author = env.git(&["log", "-1", "--format=%an <%ae>", "refs/heads/desk"]);
    assert_eq!(author.trim(), "Test Agent <agent@example.com>", "the commit is the agent's who typed it");
    at("12:00", &["reply", &a, "-m", "Replaced the roller"]);
    at("13:00", &["resolve", &a]);
    // b: the requester adds details before anyone answered: still new, no response yet.
    let ticket = at("09:30", &["reply", &b, "--from", jane, "-m", "It drops every hour", "--json"]).json();
    assert_eq!(ticket["status"], "new");
    at("10:00", &["reply", &b, "-m", "Fixed the tunnel"]);
    assert_eq!(show(&env, &b)["status"], "open");
    at("10:30", &["resolve", &b]);
    // c: solved at once; the requester writes back: the ticket is open again.
    at("09:15", &["reply", &c, "-m", "Unblocked you"]);
    at("09:20", &["resolve", &c]);
    let stderr = at("11:00", &["reply", &c, "--from", "REQUESTER", "-m", "It bounces again"]).stderr;
    assert!(stderr.contains(&format!("added a message from {jane}")), "{stderr}");
    assert!(stderr.ends_with("status open\n"), "{stderr}");

    let r = report_of_the_day(&env);
    assert_eq!((r["created"].as_u64(), r["resolved"].as_u64()), (Some(3), Some(3)));
    assert_eq!(r["reopened"], 1, "c, by its requester's message");
    assert_eq!(r["backlog"], 1);
    // First responses: a 1h, b 1h (not the requester's 09:30 message), c 15m.
    assert_eq!(r["first_response"]["count"], 3);
    assert_eq!(r["first_response"]["median_seconds"], 3600);
    assert_eq!(r["first_response"]["mean_seconds"], (3600 + 3600 + 900) / 3);
    // Only b was resolved with one response and never reopened.
    assert_eq!(r["fcr"]["first_contact"], 1);
    assert_eq!(r["fcr"]["resolved"], 3);
    // The requester's own messages are hers in the log too.
    let log = env.desk(&["log", &b, "--json"]).ok().json();
    let replies: Vec<&Value> = log.as_array().unwrap().iter().filter(|e| e["kind"] == "reply").collect();
    assert_eq!(replies[0]["author"], jane);
    assert_eq!(replies[0]["actor"], "Test Agent <agent@example.com>");
}

#[test]
fn from_names_someone_or_the_requester_and_a_ticket_without_one_says_so() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    env.desk(&["set", &id, "requester=none"]).ok();
    let head = env.desk_head();
    let message = env.desk(&["reply", &id, "--from", "requester", "-m", "x"]).error(2);
    assert_eq!(message, format!("ticket {id} has no requester"));
    env.desk(&["reply", &id, "--from", "line\u{7}break", "-m", "x"]).error(2);
    assert_eq!(env.desk_head(), head);
    let t = env.desk(&["reply", &id, "--from", "Jim <jim@example.com>", "-m", "Hi", "--json"]).ok().json();
    assert_eq!(t["comments"][0]["author"], "Jim <jim@example.com>");
    // Without agents in desk.yaml anyone but the requester responds: Jim's message opens it.
    assert_eq!(t["status"], "open");
    // A reply by the requester herself (by default you are the requester) is not a response.
    let mine = env.new_ticket("My own bug", &[]);
    let t = env.desk(&["reply", &mine, "-m", "More details", "--json"]).ok().json();
    assert_eq!(t["status"], "new");
}
