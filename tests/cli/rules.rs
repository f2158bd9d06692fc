//! Automation rules: event rules inside the commands that change tickets, timed
//! rules with `desk rules run`, assignment strategies, automatic text that is
//! never a response, and `desk rules check|test|explain|list`.

use serde_json::{Value, json};

use crate::common::TestEnv;

const AGENTS: &str = "agents:
  - {name: Ann, email: ann@example.com, skills: [vpn]}
  - {name: Bob, email: bob@example.com, skills: [printers], away: [2026-12-01..2026-12-31]}
  - {name: Cy, email: cy@example.com, skills: [printers]}
teams:
  - {name: it, members: [ann@example.com, bob@example.com, cy@example.com]}
";

/// A helpdesk with three agents (Bob away in December 2026) and `rules`.
fn helpdesk(rules: &str) -> TestEnv {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let config = config.replace("agents: []\n", "").replace("teams: []\n", "");
    env.commit_by_hand(
        &[
            ("desk.yaml", &format!("{config}{AGENTS}rules:\n{rules}")),
            ("macros/ack.md", "Hello {{ requester.name }}, we have your request \"{{ ticket.title }}\".\n"),
        ],
        "rules",
    );
    env
}

fn show(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

fn message(env: &TestEnv) -> String {
    env.git(&["log", "-1", "--format=%B", "refs/heads/desk"])
}

const AT: &str = "2026-12-02T10:00:00Z";

fn new_at(env: &TestEnv, title: &str, extra: &[&str]) -> String {
    let mut args = vec!["new", title, "-b", "x", "--requester", "Jane <jane@example.com>"];
    args.extend(extra);
    env.desk_at(AT, &args).ok().line()
}

#[test]
fn an_event_rule_changes_the_new_ticket_in_the_same_commit_with_a_trailer() {
    let env = helpdesk(
        "  - name: route printers\n    on: create\n    if: printer\n    then:\n      set: [queue=it, priority=high]\n      labels: [+hardware]\n",
    );
    let before = env.desk_head();
    let run = env.desk_at(AT, &["new", "Printer on fire", "-b", "x"]).ok();
    let id = run.line();
    assert!(run.stderr.contains(": by rule route printers"), "{run}");
    assert_eq!(env.git(&["rev-list", "--count", &format!("{before}..refs/heads/desk")]).trim(), "1");
    let t = show(&env, &id);
    assert_eq!(
        (t["queue"].clone(), t["priority"].clone(), t["labels"].clone()),
        (json!("it"), json!("high"), json!(["hardware"]))
    );
    let msg = message(&env);
    assert!(msg.contains(&format!("Desk-Ticket: {id}\nDesk-Rule: route printers\n")), "{msg}");
    // A ticket the condition does not match: no rule, no trailer.
    env.desk_at(AT, &["new", "VPN drops", "-b", "x"]).ok();
    assert!(!message(&env).contains("Desk-Rule"), "{}", message(&env));
    // desk log says which rules fired in the commit.
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    assert_eq!(log[0]["rules"], json!(["route printers"]));
    let text = env.desk(&["log", &id]).ok().stdout;
    assert!(text.contains("(by rule route printers)"), "{text}");
}

#[test]
fn rules_answer_the_changes_of_other_rules_and_each_fires_once() {
    let env = helpdesk(
        "  - name: escalate\n    on: label\n    if: label:vip\n    then: {set: [priority=urgent]}\n  - name: tag vip\n    on: create\n    if: requester:ceo\n    then: {labels: [+vip]}\n  - name: ping-pong\n    on: [label, create]\n    then: {labels: [+seen]}\n",
    );
    let id =
        env.desk_at(AT, &["new", "Laptop", "-b", "x", "--requester", "CEO <ceo@example.com>"]).ok().line();
    let t = show(&env, &id);
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["labels"], json!(["vip", "seen"]));
    let msg = message(&env);
    assert!(
        msg.trim_end().ends_with("Desk-Rule: tag vip\nDesk-Rule: escalate\nDesk-Rule: ping-pong"),
        "{msg}"
    );
}

#[test]
fn reply_status_and_who_wrote_decide_which_rules_fire() {
    let env = helpdesk(
        "  - name: requester wrote\n    on: reply\n    by: requester\n    then: {labels: [+customer-replied]}\n  - name: solved\n    on: status\n    to: resolved\n    then: {labels: [+done]}\n",
    );
    let id = new_at(&env, "Mouse", &[]);
    env.desk_at(AT, &["reply", &id, "-m", "on it"]).ok();
    assert_eq!(show(&env, &id)["labels"], json!([]));
    env.desk_at(AT, &["reply", &id, "-m", "thanks", "--from", "requester"]).ok();
    assert_eq!(show(&env, &id)["labels"], json!(["customer-replied"]));
    env.desk_at(AT, &["resolve", &id]).ok();
    assert_eq!(show(&env, &id)["labels"], json!(["customer-replied", "done"]));
    assert!(message(&env).contains("Desk-Rule: solved"));
}

#[test]
fn round_robin_takes_turns_from_history_and_skips_away_agents() {
    let env = helpdesk(
        "  - name: assign it\n    on: create\n    then:\n      assign: {team: it, strategy: round-robin}\n",
    );
    let assignees: Vec<String> = (0..5)
        .map(|i| {
            let id = new_at(&env, &format!("Ticket {i}"), &[]);
            show(&env, &id)["assignee"].as_str().unwrap().to_owned()
        })
        .collect();
    // Bob is away: Ann, Cy, Ann, Cy, Ann.
    assert_eq!(
        assignees,
        [
            "Ann <ann@example.com>",
            "Cy <cy@example.com>",
            "Ann <ann@example.com>",
            "Cy <cy@example.com>",
            "Ann <ann@example.com>"
        ]
    );
    assert!(message(&env).contains("Desk-Assigned: assign it -> ann@example.com"), "{}", message(&env));
    // In one commit of many tickets, turns go on from ticket to ticket.
    env.desk_at(AT, &["new", "Unrouted", "-b", "x"]).ok();
    let bulk = env.desk_at(AT, &["label", "--where", "is:open", "+x", "--yes"]).ok();
    assert!(bulk.code == 0, "{bulk}");
}

#[test]
fn least_load_and_skills_pick_from_the_open_tickets_and_labels() {
    let env = helpdesk(
        "  - name: by skill\n    on: create\n    if: label:vpn,printers\n    then:\n      assign: {team: it, strategy: skills}\n  - name: by load\n    on: create\n    if: -label:vpn -label:printers\n    then:\n      assign: {team: it, strategy: least-load}\n",
    );
    // Ann has the vpn skill, Cy printers (Bob, also printers, is away).
    let vpn = new_at(&env, "VPN", &["-l", "vpn"]);
    assert_eq!(show(&env, &vpn)["assignee"], "Ann <ann@example.com>");
    let printer = new_at(&env, "Printer", &["-l", "printers"]);
    assert_eq!(show(&env, &printer)["assignee"], "Cy <cy@example.com>");
    let second_vpn = new_at(&env, "VPN 2", &["-l", "vpn"]);
    assert_eq!(show(&env, &second_vpn)["assignee"], "Ann <ann@example.com>");
    // Least-load: Ann has 2 open, Cy 1, Bob is away.
    let other = new_at(&env, "Chair", &[]);
    assert_eq!(show(&env, &other)["assignee"], "Cy <cy@example.com>");
    let other2 = new_at(&env, "Desk", &[]);
    assert_eq!(show(&env, &other2)["assignee"], "Ann <ann@example.com>");
}

#[test]
fn when_nobody_is_available_the_ticket_stays_unassigned_with_a_note() {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]).replace(
        "agents: []",
        "agents:\n  - {name: Bob, email: bob@example.com, away: [2026-12-01..2026-12-31]}",
    );
    let rules = "rules:\n  - name: assign\n    on: create\n    then:\n      assign: {strategy: least-load}\n";
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{rules}"))], "rules");
    let id = new_at(&env, "Nobody home", &[]);
    let t = show(&env, &id);
    assert!(t["assignee"].is_null());
    let note = &t["comments"][0];
    assert_eq!(note["automated"], true);
    assert_eq!(note["visibility"], "internal");
    assert_eq!(note["author"], "rule assign");
    assert_eq!(
        note["body"],
        "Not assigned (least-load of the ticket's queue): every agent of the pool is away on 2026-12-02."
    );
}

#[test]
fn automatic_replies_are_marked_and_never_count_as_a_response() {
    let env = helpdesk(
        "  - name: acknowledge\n    on: create\n    by: [requester, other]\n    then:\n      reply: ack\n      note: Acknowledged automatically.\n",
    );
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let policy = "sla:\n  - name: all\n    targets:\n      normal: {first_response: 1h}\n";
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{policy}"))], "a policy");
    let id = new_at(&env, "Printer", &[]);
    let t = show(&env, &id);
    // The note comes first, then the reply (the order of the actions).
    let note = &t["comments"][0];
    assert_eq!((note["visibility"].clone(), note["automated"].clone()), (json!("internal"), json!(true)));
    let reply = &t["comments"][1];
    assert_eq!((reply["visibility"].clone(), reply["automated"].clone()), (json!("public"), json!(true)));
    assert_eq!(reply["body"], "Hello Jane, we have your request \"Printer\".");
    let file = env.ticket_file(&id);
    assert!(file.contains("<!-- desk:auto-reply "), "{file}");
    assert!(file.contains("### Automatic reply from rule acknowledge"), "{file}");
    // The first-response clock still runs, and the report counts no response.
    let sla = env.desk_env(&["sla", "--json"], &[("DESK_NOW", "2026-12-02T10:30:00Z")]).ok().json();
    assert_eq!(sla[0]["clocks"]["first_response"]["status"], "running", "{sla:#}");
    let report =
        env.desk(&["report", "--since", "2026-12-01", "--until", "2026-12-03", "--json"]).ok().json();
    assert_eq!(report["first_response"]["count"], 0, "{report:#}");
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "auto-note", "auto-reply"]);
    // A real agent's reply is the response.
    env.desk_at("2026-12-02T10:20:00Z", &["reply", &id, "-m", "Looking", "--from", "Ann <ann@example.com>"])
        .ok();
    let sla = env.desk_env(&["sla", "--json", "--all"], &[("DESK_NOW", "2026-12-02T10:30:00Z")]).ok().json();
    assert_eq!(sla[0]["clocks"]["first_response"]["status"], "met", "{sla:#}");
}

#[test]
fn bulk_changes_run_the_rules_of_each_ticket_in_one_commit() {
    let env = helpdesk(
        "  - name: urgent vip\n    on: label\n    if: label:vip\n    then: {set: [priority=urgent]}\n",
    );
    let a = new_at(&env, "A", &[]);
    let b = new_at(&env, "B", &[]);
    let before = env.desk_head();
    env.desk_at(AT, &["label", "--where", "is:open", "+vip", "--yes"]).ok();
    assert_eq!(env.git(&["rev-list", "--count", &format!("{before}..refs/heads/desk")]).trim(), "1");
    assert_eq!(show(&env, &a)["priority"], "urgent");
    assert_eq!(show(&env, &b)["priority"], "urgent");
    let msg = message(&env);
    assert_eq!(msg.matches("Desk-Rule: urgent vip").count(), 1, "{msg}");
}

#[test]
fn a_rule_that_cannot_apply_warns_and_the_change_still_lands() {
    let env = helpdesk("  - name: to nobody\n    on: create\n    then: {assign: Zed}\n");
    let run = env.desk_at(AT, &["new", "Thing", "-b", "x"]).ok();
    assert!(
        run.stderr.contains("warning: ")
            && run.stderr.contains("rule 'to nobody' did not fire: no agent matches 'Zed'"),
        "{run}"
    );
    assert!(show(&env, &run.line())["assignee"].is_null());
    assert!(!message(&env).contains("Desk-Rule"));
}

#[test]
fn timed_rules_run_once_and_a_second_run_changes_nothing() {
    let env = helpdesk(
        "  - name: close quiet\n    on: schedule\n    if: status:pending updated:>3d\n    then:\n      set: [status=resolved]\n      note: Closed after 3 days without an answer.\n  - name: after solve\n    on: status\n    to: resolved\n    then: {labels: [+auto-solved]}\n",
    );
    let quiet = new_at(&env, "Quiet", &[]);
    env.desk_at(AT, &["status", &quiet, "pending"]).ok();
    let busy = new_at(&env, "Busy", &[]);
    env.desk_at(AT, &["status", &busy, "pending"]).ok();
    env.desk_at("2026-12-05T09:00:00Z", &["reply", &busy, "-m", "still here"]).ok();
    let later = [
        ("DESK_NOW", "2026-12-06T12:00:00Z"),
        ("GIT_AUTHOR_DATE", "2026-12-06T12:00:00Z"),
        ("GIT_COMMITTER_DATE", "2026-12-06T12:00:00Z"),
    ];
    let head = env.desk_head();
    let dry = env.desk_env(&["rules", "run", "--dry-run", "--json"], &later).ok().json();
    assert_eq!(dry["tickets"][0]["id"], quiet.as_str());
    assert_eq!(env.desk_head(), head, "--dry-run writes nothing");
    let ran = env.desk_env(&["rules", "run", "--json"], &later).ok().json();
    assert_eq!(ran["tickets"].as_array().unwrap().len(), 1, "{ran:#}");
    assert_eq!(ran["tickets"][0]["rules"], json!(["close quiet", "after solve"]));
    let t = show(&env, &quiet);
    assert_eq!((t["status"].clone(), t["labels"].clone()), (json!("resolved"), json!(["auto-solved"])));
    assert_eq!(t["comments"][0]["body"], "Closed after 3 days without an answer.");
    assert_eq!(show(&env, &busy)["status"], "pending");
    let msg = message(&env);
    assert!(msg.starts_with("rules run: 1 ticket\n"), "{msg}");
    assert!(msg.contains("Desk-Rule: close quiet\nDesk-Rule: after solve\n"), "{msg}");
    let head = env.desk_head();
    let again = env.desk_env(&["rules", "run"], &later).ok();
    assert!(again.stderr.contains("nothing to do"), "{again}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn sla_breach_rules_see_the_clocks() {
    let env = helpdesk(
        "  - name: escalate breach\n    on: sla.breach\n    if: -label:escalated\n    then: {labels: [+escalated], set: [priority=urgent]}\n",
    );
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let policy = "sla:\n  - name: all\n    targets:\n      normal: {first_response: 1h}\n";
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{policy}"))], "a policy");
    let late = new_at(&env, "Late", &[]);
    let answered = new_at(&env, "Answered", &[]);
    env.desk_at("2026-12-02T10:10:00Z", &["reply", &answered, "-m", "hi", "--from", "Ann <ann@example.com>"])
        .ok();
    let at = [("DESK_NOW", "2026-12-02T12:00:00Z")];
    let ran = env.desk_env(&["rules", "run", "--json"], &at).ok().json();
    assert_eq!(ran["tickets"].as_array().unwrap().len(), 1, "{ran:#}");
    assert_eq!(show(&env, &late)["labels"], json!(["escalated"]));
    assert_eq!(show(&env, &answered)["labels"], json!([]));
    let again = env.desk_env(&["rules", "run", "--json"], &at).ok().json();
    assert_eq!(again["tickets"], json!([]));
}

#[test]
fn rules_check_names_each_problem_with_its_line() {
    let env = helpdesk(
        "  - name: nudge\n    on: schedule\n    if: status:pending\n    then: {note: ping}\n  - name: reply\n    on: create\n    then: {reply: missing, set: [priority=huge]}\n  - name: team\n    on: create\n    then: {assign: {team: nope}}\n",
    );
    let run = env.desk(&["rules", "check"]);
    assert_eq!(run.code, 3, "{run}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{run}");
    assert!(
        lines[0].contains("rules[0].if: a timed rule needs a condition its own actions make false"),
        "{run}"
    );
    // In the order of the file.
    assert!(lines[1].contains("rules[1].then.reply: no macro 'missing'"), "{run}");
    assert!(lines[2].contains("rules[1].then.set: invalid priority 'huge'"), "{run}");
    assert!(lines[3].contains("rules[2].then.assign.team: no team 'nope' in desk.yaml"), "{run}");
    assert!(lines[0].starts_with("desk.yaml:"), "{run}");
    // desk config check reports the rules' problems too (macros aside).
    let config = env.desk(&["config", "check"]);
    assert_eq!(config.code, 3);
    assert!(config.stdout.contains("rules[2].then.assign.team"), "{config}");
}

#[test]
fn rules_test_passes_good_fixtures_and_fails_a_wrong_expectation_with_a_diff() {
    let env = helpdesk(
        "  - name: route printers\n    on: create\n    if: label:printers\n    then:\n      set: [queue=it]\n      assign: {team: it, strategy: round-robin}\n  - name: welcome\n    on: create\n    by: requester\n    then: {reply: ack}\n",
    );
    let good = "- name: printers go to it\n  now: 2026-12-02T10:00:00Z\n  event: create\n  ticket: {title: Printer, labels: [printers], requester: Jane <jane@example.com>}\n  last: {route printers: ann@example.com}\n  expect:\n    fired: [route printers, welcome]\n    ticket: {queue: it, assignee: cy@example.com}\n    replies: 1\n";
    env.commit_by_hand(&[("rules/tests/printers.yaml", good)], "fixtures");
    let run = env.desk(&["rules", "test"]).ok();
    assert_eq!(run.stdout, "ok    printers go to it\n", "{run}");
    let wrong = "name: agent writes\nevent: create\nby: agent\nticket: {title: Mouse}\nexpect:\n  fired: [welcome]\n  ticket: {queue: it}\n";
    std::fs::write(env.root.join("wrong.yaml"), wrong).unwrap();
    let run = env.desk(&["rules", "test", env.root.join("wrong.yaml").to_str().unwrap()]);
    assert_eq!(run.code, 3, "{run}");
    assert!(run.stdout.starts_with("FAIL  agent writes ("), "{run}");
    assert!(run.stdout.contains("      fired: expected [welcome]\n                  got []\n"), "{run}");
    assert!(run.stdout.contains("      queue: expected it\n                  got (none)\n"), "{run}");
    // --config tests a desk.yaml on disk before it is committed.
    let config =
        env.git(&["show", "refs/heads/desk:desk.yaml"]).replace("by: requester", "by: [requester, agent]");
    std::fs::write(
        env.root.join("desk.yaml"),
        config.replace("set: [queue=it]", "set: [queue=it]\n      labels: [+x]"),
    )
    .unwrap();
    let fixed =
        "name: agent writes\nevent: create\nby: agent\nticket: {title: Mouse}\nexpect: {fired: [welcome]}\n";
    std::fs::write(env.root.join("fixed.yaml"), fixed).unwrap();
    let path = env.root.join("fixed.yaml");
    let cfg = env.root.join("desk.yaml");
    env.desk(&["rules", "test", path.to_str().unwrap(), "--config", cfg.to_str().unwrap()]).ok();
}

#[test]
fn explain_shows_every_rule_and_the_condition_that_failed() {
    let env = helpdesk(
        "  - name: printers\n    on: create\n    if: label:printers\n    then: {set: [queue=it]}\n  - name: on reply\n    on: reply\n    then: {labels: [+r]}\n  - name: always\n    on: create\n    then: {labels: [+seen]}\n",
    );
    let id = new_at(&env, "Mouse", &[]);
    let run = env.desk(&["rules", "explain", &id, "--by", "requester"]).ok();
    assert_eq!(
        run.stdout,
        "no     printers  if: `label:printers` does not hold\nno     on reply  on: reply — the change was create by requester\nfires  always\n"
    );
    let list = env.desk(&["rules", "list"]).ok();
    assert_eq!(
        list.stdout,
        "printers  on create  if label:printers\non reply  on reply\nalways  on create\n"
    );
}

#[test]
fn every_other_trigger_and_action_works_through_the_binary() {
    let env = helpdesk(
        "  - name: on note\n    on: note\n    by: agent\n    then: {set: [cc+=boss@example.com, tier=gold]}\n  - name: on assign\n    on: assign\n    if: assignee:ann\n    then: {apply: hold}\n  - name: follow up\n    on: status\n    to: resolved\n    then: {follow_up: Check the fix in a week}\n  - name: warn\n    on: sla.warning\n    if: -label:warned\n    then: {labels: [+warned]}\n",
    );
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let policy = "sla:\n  - name: all\n    targets:\n      normal: {first_response: 4h}\n      low: {first_response: 4h}\n    warning: 50%\n";
    env.commit_by_hand(
        &[
            ("desk.yaml", &format!("{config}{policy}")),
            ("macros/hold.md", "---\nset: [priority=low]\nlabels: [+on-hold]\n---\n"),
        ],
        "policy and macro",
    );
    let id = new_at(&env, "Scanner", &[]);
    env.desk_env(
        &["note", &id, "-m", "checked"],
        &[("GIT_AUTHOR_NAME", "Ann"), ("GIT_AUTHOR_EMAIL", "ann@example.com")],
    )
    .ok();
    let t = show(&env, &id);
    assert_eq!(
        (t["cc"].clone(), t["fields"]["tier"].clone()),
        (json!(["boss@example.com"]), json!("gold")),
        "{t:#}"
    );
    env.desk_at(AT, &["assign", &id, "ann"]).ok();
    let t = show(&env, &id);
    assert_eq!((t["priority"].clone(), t["labels"].clone()), (json!("low"), json!(["on-hold"])));
    // 2h45m after creation, 1h15m of the 4h target are left: within the 50% warning.
    let at = [("DESK_NOW", "2026-12-02T12:45:00Z")];
    let ran = env.desk_env(&["rules", "run", "--json"], &at).ok().json();
    assert_eq!(ran["tickets"][0]["rules"], json!(["warn"]), "{ran:#}");
    // A follow-up ticket, opened in the same commit and linked both ways.
    env.desk_at(AT, &["resolve", &id]).ok();
    let t = show(&env, &id);
    let link = t["links"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|l| l.as_str().unwrap().strip_prefix("relates:"))
        .unwrap()
        .to_owned();
    let f = show(&env, &link);
    assert_eq!(f["title"], "Check the fix in a week");
    assert_eq!(f["links"], json!([format!("relates:{id}")]));
    assert_eq!(f["requester"], "Jane <jane@example.com>");
    let msg = message(&env);
    assert!(msg.contains(&format!("Desk-Ticket: {id}\nDesk-Ticket: {link}\nDesk-Rule: follow up")), "{msg}");
}

#[test]
fn least_load_follows_changes_made_since_it_last_counted() {
    let env = helpdesk(
        "  - name: by load\n    on: create\n    if: -label:manual\n    then:\n      assign: {team: it, strategy: least-load}\n",
    );
    // Ann gets the first ticket (ties go to the first listed), Cy the second, Ann the third.
    let ids: Vec<String> = (0..3).map(|i| new_at(&env, &format!("T{i}"), &[])).collect();
    let who = |id: &str| show(&env, id)["assignee"].as_str().unwrap().to_owned();
    assert_eq!(
        [who(&ids[0]), who(&ids[1]), who(&ids[2])],
        ["Ann <ann@example.com>", "Cy <cy@example.com>", "Ann <ann@example.com>"]
    );
    // Changes the counts must follow: Ann's tickets resolved, two more for Cy by hand.
    env.desk_at(AT, &["resolve", &ids[0]]).ok();
    env.desk_at(AT, &["resolve", &ids[2]]).ok();
    for i in 0..2 {
        let id = new_at(&env, &format!("Manual {i}"), &["-l", "manual"]);
        env.desk_at(AT, &["assign", &id, "cy"]).ok();
    }
    // Ann has 0 open, Cy 3: Ann is picked.
    let next = new_at(&env, "Next", &[]);
    assert_eq!(who(&next), "Ann <ann@example.com>");
    // The same answer without the kept counts.
    std::fs::remove_file(env.root.join("repo/.git/desk/load")).unwrap();
    let again = new_at(&env, "Again", &[]);
    assert_eq!(who(&again), "Ann <ann@example.com>");
}
