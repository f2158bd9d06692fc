//! Bulk changes: `--where QUERY` on `set`, `label`, `assign` and `status`
//! changes every selected ticket in one commit, or nothing.

use serde_json::Value;

use crate::common::TestEnv;

fn show(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

/// Three printer tickets in queue it and one VPN ticket.
fn helpdesk() -> (TestEnv, Vec<String>, String) {
    let env = TestEnv::initialised();
    let printers: Vec<String> =
        (1..=3).map(|i| env.new_ticket(&format!("Printer {i} jams"), &["--queue", "it"])).collect();
    let vpn = env.new_ticket("VPN drops", &[]);
    (env, printers, vpn)
}

#[test]
fn a_status_change_where_a_query_selects_is_one_commit_with_a_trailer_per_ticket() {
    let (env, printers, vpn) = helpdesk();
    let before = env.desk_head();
    let run = env.desk(&["status", "--where", "queue:it printer", "pending", "--yes"]).ok();
    assert_eq!(run.stderr.trim(), "3 of 3 tickets: status pending");
    assert_eq!(env.git(&["rev-list", "--count", &format!("{before}..desk")]).trim(), "1");
    let message = env.git(&["log", "-1", "--format=%B", "desk"]);
    assert!(
        message.starts_with("status: status pending for 3 tickets where queue:it printer\n"),
        "{message}"
    );
    let mut trailers: Vec<&str> = message.lines().filter_map(|l| l.strip_prefix("Desk-Ticket: ")).collect();
    trailers.sort_unstable();
    let mut expected: Vec<&str> = printers.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(trailers, expected);
    for id in &printers {
        assert_eq!(show(&env, id)["status"], "pending");
        let log = env.desk(&["log", id]).ok().stdout;
        assert!(log.contains("status new → pending"), "{log}");
    }
    assert_eq!(show(&env, &vpn)["status"], "new", "a ticket the query does not select is untouched");
    // Again: nothing left to change, nothing committed.
    let head = env.desk_head();
    let run = env.desk(&["status", "--where", "queue:it", "pending", "--yes"]).ok();
    assert_eq!(run.stderr.trim(), "0 of 3 tickets: status pending; nothing to commit");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn without_a_terminal_a_bulk_change_needs_yes_and_dry_run_writes_nothing() {
    let (env, printers, _) = helpdesk();
    let head = env.desk_head();
    let message = env.desk(&["label", "--where", "queue:it", "+hardware"]).error(2);
    assert_eq!(message, "--where selects 3 tickets: pass --yes to change them");
    let dry = env.desk(&["label", "--where", "queue:it", "+hardware", "--dry-run"]).ok();
    assert_eq!(dry.stdout.lines().count(), 3, "{}", dry.stdout);
    assert!(dry.stdout.lines().all(|l| l.contains("  would change  Printer ")), "{}", dry.stdout);
    assert_eq!(dry.stderr.trim(), "dry run: 3 of 3 selected would change; nothing was written");
    let json = env.desk(&["label", "--where", "queue:it", "+hardware", "--dry-run", "--json"]).ok().json();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(
            (item["changed"].clone(), item["skipped"].clone()),
            (Value::Bool(true), Value::Bool(false))
        );
        assert_eq!(item["ticket"]["labels"], serde_json::json!(["hardware"]));
        assert!(printers.contains(&item["id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(env.desk_head(), head, "nothing was written");
    assert!(!env.ticket_file(&printers[0]).contains("hardware"));
    // `--dry-run` and `--yes` only mean something with --where.
    env.desk(&["label", &printers[0], "+x", "--dry-run"]).fails(2);
    env.desk(&["status", &printers[0], "open", "--yes"]).fails(2);
}

#[test]
fn label_assign_and_set_take_where_and_print_every_ticket_as_json() {
    let (env, printers, vpn) = helpdesk();
    env.desk(&["label", "--where", "queue:it", "+hardware", "+floor3", "--yes"]).ok();
    env.desk(&["label", "--where", "label:floor3", "-floor3", "--yes"]).ok();
    env.desk(&["assign", "--where", "label:hardware", "--me", "--yes"]).ok();
    let json = env
        .desk(&["set", "--where", "assignee:me", "priority=high", "customer=acme", "--yes", "--json"])
        .ok();
    let items = json.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    for id in &printers {
        let t = show(&env, id);
        assert_eq!(t["labels"], serde_json::json!(["hardware"]), "{id}");
        assert_eq!(t["assignee"], "Test Agent <agent@example.com>");
        assert_eq!((t["priority"].clone(), t["fields"]["customer"].clone()), ("high".into(), "acme".into()));
    }
    assert!(
        items.as_array().unwrap().iter().all(|t| t["priority"] == "high" && t["labels"][0] == "hardware")
    );
    let vpn = show(&env, &vpn);
    assert_eq!((vpn["priority"].clone(), vpn["assignee"].clone()), ("normal".into(), Value::Null));
    env.desk(&["assign", "--where", "queue:it", "none", "-y"]).ok();
    assert_eq!(show(&env, &printers[1])["assignee"], Value::Null);
}

#[test]
fn one_ticket_the_change_cannot_apply_to_stops_all_of_them_and_closed_ones_are_left_alone() {
    let (env, printers, _) = helpdesk();
    env.commit_by_hand(
        &[(
            "desk.yaml",
            "workflow:\n  statuses:\n    - {name: new, category: new}\n    - {name: open, category: open, transitions: [fixed]}\n    - {name: fixed, category: solved}\n    - {name: done, category: closed}\n  initial: new\n  reopen: open\npriorities:\n  levels: [low, normal, high]\n  default: normal\n",
        )],
        "transitions",
    );
    env.desk(&["status", &printers[0], "open"]).ok();
    env.desk(&["status", &printers[2], "done"]).ok();
    let head = env.desk_head();
    // printers[1] is new; new may go anywhere, open only to fixed.
    let message = env.desk(&["status", "--where", "queue:it", "new", "--yes"]).error(2);
    assert!(message.starts_with("ticket "), "{message}");
    assert_eq!(env.desk_head(), head, "nothing was written");
    let run = env.desk(&["status", "--where", "queue:it", "fixed", "--yes"]).ok();
    assert_eq!(run.stderr.trim(), "2 of 3 tickets: status fixed; 1 closed left as they are");
    assert_eq!(show(&env, &printers[2])["status"], "done");
}

#[test]
fn a_where_without_terms_or_with_a_ticket_id_is_refused() {
    let (env, printers, _) = helpdesk();
    let head = env.desk_head();
    let message = env.desk(&["status", "--where", "", "open", "--yes"]).error(2);
    assert_eq!(message, "--where needs a query: it would select every ticket");
    let message = env.desk(&["status", "--where", "queue:it", &printers[0], "open", "--yes"]).error(2);
    assert_eq!(message, "--where selects the tickets: leave out the ticket id");
    let message = env.desk(&["status", "--where", "nosuchfield:x", "open", "--yes"]).error(2);
    assert!(message.contains("nosuchfield"), "{message}");
    assert_eq!(env.desk_head(), head);
    env.desk(&["status", "--where", "queue:nowhere", "open", "--yes"]).ok();
    assert_eq!(env.desk_head(), head, "no ticket matches: nothing written");
}

#[test]
fn a_query_with_control_characters_never_reaches_the_commit_message() {
    let (env, printers, _) = helpdesk();
    env.desk(&["label", "--where", "queue:it -label:\u{1b}]52;c;aGk=\u{7}\u{1b}[2J", "+x", "--yes"]).ok();
    let subject = env.git(&["log", "-1", "--format=%s", "desk"]).trim_end().to_owned();
    assert!(!subject.chars().any(char::is_control), "{subject:?}");
    assert!(subject.starts_with("label: labels +x for "), "{subject:?}");
    let _ = printers;
}
