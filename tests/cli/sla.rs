//! `desk sla` and `desk sla check`: service levels computed from history,
//! with policies and calendars from desk.yaml.

use serde_json::{Value, json};

use crate::common::TestEnv;

const POLICIES: &str = "
calendars:
  office:
    timezone: Europe/Berlin
    hours:
      mon: [\"09:00-12:00\", \"13:00-17:00\"]
      tue: [\"09:00-12:00\", \"13:00-17:00\"]
      wed: [\"09:00-12:00\", \"13:00-17:00\"]
      thu: [\"09:00-12:00\", \"13:00-17:00\"]
      fri: [\"09:00-12:00\", \"13:00-17:00\"]
sla:
  - name: vip
    match: label:vip
    calendar: office
    targets:
      high: {first_response: 2h, resolution: 1d}
    warning: 50%
  - name: standard
    targets:
      normal: {first_response: 4h, next_response: 2h, resolution: 2d}
      high: {first_response: 1h}
";

/// A helpdesk with the policies above committed before any ticket.
fn helpdesk() -> TestEnv {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{POLICIES}"))], "SLA policies");
    env
}

fn clock<'a>(ticket: &'a Value, name: &str) -> &'a Value {
    &ticket["clocks"][name]
}

#[test]
fn clocks_follow_the_policy_and_the_calendar() {
    let env = helpdesk();
    // Thursday 26 November 2026, 16:00 Berlin (15:00 UTC): a VIP ticket on office hours.
    let vip = env
        .desk_at(
            "2026-11-26T15:00:00Z",
            &["new", "Printer jams", "-b", "x", "-l", "vip", "--priority", "high"],
        )
        .ok()
        .line();
    // An ordinary ticket at 09:00 UTC Friday, answered at 10:00, the requester writes back at 10:30.
    let plain = env
        .desk_at(
            "2026-11-27T09:00:00Z",
            &["new", "VPN drops", "-b", "x", "--requester", "Jane <jane@example.com>"],
        )
        .ok()
        .line();
    env.desk_at("2026-11-27T10:00:00Z", &["reply", &plain, "-m", "Restart it"]).ok();
    env.desk_env(
        &["reply", &plain, "-m", "Still broken"],
        &[
            ("GIT_AUTHOR_DATE", "2026-11-27T10:30:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-27T10:30:00Z"),
            ("GIT_AUTHOR_NAME", "Jane"),
            ("GIT_AUTHOR_EMAIL", "jane@example.com"),
        ],
    )
    .ok();
    // Now is Saturday 28 November 12:00 UTC.
    let all = env.desk(&["sla", "--json"]).ok().json();
    let ticket = |id: &str| all.as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    let v = ticket(&vip);
    assert_eq!(v["policy"], "vip");
    // Office hours: Thursday 16:00-17:00 (1h) and Friday 09:00-12:00, 13:00-17:00 (7h): 8h > 2h.
    let fr = clock(&v, "first_response");
    assert_eq!(fr["status"], "breached", "{v:#}");
    assert_eq!(fr["elapsed_seconds"], 8 * 3600);
    // Due: 1h on Thursday, 1h more on Friday from 09:00 Berlin = 08:00 UTC.
    assert_eq!(fr["due"], "2026-11-27T09:00:00Z");
    // The first response was never given: no next-response period at all.
    assert_eq!(clock(&v, "next_response"), &Value::Null);
    let p = ticket(&plain);
    assert_eq!(p["policy"], "standard");
    let fr = clock(&p, "first_response");
    assert_eq!((fr["status"].clone(), fr["elapsed_seconds"].clone()), (json!("met"), json!(3600)));
    // The requester's message at 10:30 waits: 25h30m of wall time by Saturday noon, target 2h.
    let nr = clock(&p, "next_response");
    assert_eq!(
        (nr["status"].clone(), nr["started"].clone()),
        (json!("breached"), json!("2026-11-27T10:30:00Z"))
    );
    assert_eq!(nr["due"], "2026-11-27T12:30:00Z");
    // Resolution runs: 27h of 48h, due Sunday 09:00 UTC.
    let res = clock(&p, "resolution");
    assert_eq!(
        (res["status"].clone(), res["remaining_seconds"].clone()),
        (json!("running"), json!(21 * 3600))
    );
    assert_eq!(res["due"], "2026-11-29T09:00:00Z");
    // The table is sorted by the next due time and says what stands out.
    let table = env.desk(&["sla"]).ok().stdout;
    assert!(table.starts_with("ID"), "{table}");
    let vip_line = table.lines().position(|l| l.contains("Printer jams")).unwrap();
    let plain_line = table.lines().position(|l| l.contains("VPN drops")).unwrap();
    assert!(vip_line < plain_line, "the earlier due first:\n{table}");
    assert!(table.contains("breached 6h"), "{table}");
}

#[test]
fn check_fails_on_breaches_and_on_warnings_for_ci() {
    let env = helpdesk();
    let id = env.desk_at("2026-11-28T09:00:00Z", &["new", "Mouse broken", "-b", "x"]).ok().line();
    // 3h of a 4h first-response target have passed by noon: 1h left.
    let ok = env.desk(&["sla", "check", "--json"]).ok().json();
    assert_eq!((ok["ok"].clone(), ok["checked"].clone()), (json!(true), json!(1)));
    let warned = env.desk(&["sla", "check", "--warn", "90m", "--json"]);
    assert_eq!(warned.code, 3, "{warned}");
    let report = warned.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["tickets"][0]["id"], id.as_str());
    assert_eq!(report["tickets"][0]["clocks"]["first_response"]["due_soon"], true);
    assert_eq!(env.desk(&["sla", "check", "--warn", "30m"]).code, 0);
    // Two hours later the target is missed.
    let late = env.desk_env(&["sla", "check"], &[("DESK_NOW", "2026-11-28T14:00:00Z")]);
    assert_eq!(late.code, 3, "{late}");
    assert!(late.stderr.contains("1 of 1 checked are breached or due soon"), "{late}");
    // A query narrows what is checked; a bad duration is a usage error.
    assert_eq!(env.desk_env(&["sla", "check", "label:vip"], &[("DESK_NOW", "2026-11-28T14:00:00Z")]).code, 0);
    assert!(env.desk(&["sla", "check", "--warn", "soon"]).error(2).contains("not a duration"));
}

#[test]
fn as_of_and_a_what_if_policy_recompute_from_history() {
    let env = helpdesk();
    let id = env.desk_at("2026-11-28T09:00:00Z", &["new", "Laptop slow", "-b", "x"]).ok().line();
    let before = env.desk_head();
    // Raise the standard first-response target to 8h in a later commit.
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(
        &[("desk.yaml", &config.replace("normal: {first_response: 4h", "normal: {first_response: 8h"))],
        "longer target",
    );
    let at = |args: &[&str]| env.desk_env(args, &[("DESK_NOW", "2026-11-28T15:00:00Z")]).ok().json();
    // The ticket's own commit had the 4h target: 6h is a breach, whatever desk.yaml says now.
    let now = at(&["sla", "--json"]);
    assert_eq!(clock(&now[0], "first_response")["status"], "breached");
    // Judged under today's desk.yaml instead (a what-if): 6h of 8h, still running.
    let what_if = at(&["sla", "--json", "--policy", "desk"]);
    assert_eq!(clock(&what_if[0], "first_response")["status"], "running");
    assert_eq!(clock(&what_if[0], "first_response")["remaining_seconds"], 2 * 3600);
    // As of 11:00 nothing was late yet; as of the commit before the change, the same.
    let early = at(&["sla", "--json", "--as-of", "2026-11-28T11:00:00Z"]);
    assert_eq!(clock(&early[0], "first_response")["status"], "running");
    assert_eq!(clock(&early[0], "first_response")["elapsed_seconds"], 2 * 3600 - 1);
    let at_commit = at(&["sla", "--json", "--as-of", &before]);
    assert_eq!(clock(&at_commit[0], "first_response")["elapsed_seconds"], 0);
    assert!(env.desk(&["sla", "--as-of", "no-such-rev"]).error(1).contains("not a revision"));
    let _ = id;
}

#[test]
fn a_broken_policy_is_named_and_other_commands_still_work() {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(
        &[(
            "desk.yaml",
            &format!("{config}sla:\n  - name: x\n    targets:\n      p9: {{first_response: soon}}\n"),
        )],
        "broken",
    );
    env.new_ticket("Printer jams", &[]);
    let message = env.desk(&["sla"]).error(1);
    assert!(message.contains("sla[0].targets.p9"), "{message}");
    env.desk(&["list"]).ok();
}

#[test]
fn next_is_the_ticket_due_first_and_take_makes_it_yours() {
    let env = helpdesk();
    // Standard tickets: normal has a 4h first-response target, high 1h (wall time).
    let old = env.desk_at("2026-11-28T06:00:00Z", &["new", "Old normal", "-b", "x"]).ok().line();
    let urgent = env
        .desk_at("2026-11-28T10:30:00Z", &["new", "Fresh high", "-b", "x", "--priority", "high"])
        .ok()
        .line();
    let theirs = env
        .desk_at("2026-11-28T05:00:00Z", &["new", "Bob's", "-b", "x", "--assignee", "Bob <bob@example.com>"])
        .ok()
        .line();
    // Old normal was due at 10:00 (overdue); fresh high is due at 11:30. Bob's is not for us.
    let next = env.desk(&["next", "--json"]).ok().json();
    assert_eq!(next["ticket"]["id"], old.as_str());
    assert_eq!(next["next_due"], "2026-11-28T10:00:00Z");
    assert_eq!(next["taken"], false);
    let line = env.desk(&["next"]).ok().stdout;
    assert!(line.contains("Old normal (overdue 2h)"), "{line}");
    // Taking it assigns it to me, in one commit; then it is still mine and next.
    let head = env.desk_head();
    let taken = env.desk(&["next", "--take", "--json"]).ok().json();
    assert_eq!((taken["ticket"]["id"].clone(), taken["taken"].clone()), (json!(old), json!(true)));
    assert_eq!(taken["ticket"]["assignee"], "Test Agent <agent@example.com>");
    assert_eq!(env.git(&["rev-list", "--count", &format!("{head}..refs/heads/desk")]).trim(), "1");
    let again = env.desk(&["next", "--take", "--json"]).ok().json();
    assert_eq!((again["ticket"]["id"].clone(), again["taken"].clone()), (json!(old), json!(false)));
    // Once it is resolved, the high one is next.
    env.desk(&["resolve", &old]).ok();
    assert_eq!(env.desk(&["next", "--json"]).ok().json()["ticket"]["id"], urgent.as_str());
    let _ = theirs;
}

#[test]
fn next_keeps_to_an_agents_queues_and_skills() {
    let env = helpdesk();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]).replace(
        "agents: []",
        "agents:\n  - {name: Test Agent, email: agent@example.com, queues: [it], skills: [printers]}\n  - {name: Nia, email: nia@example.com, skills: [network]}",
    );
    env.commit_by_hand(&[("desk.yaml", &config)], "agents");
    env.desk_at("2026-11-28T06:00:00Z", &["new", "Sales request", "-b", "x", "--queue", "sales"]).ok();
    env.desk_at("2026-11-28T07:00:00Z", &["new", "Switch down", "-b", "x", "--queue", "it", "-l", "network"])
        .ok();
    let printer = env
        .desk_at("2026-11-28T08:00:00Z", &["new", "Printer", "-b", "x", "--queue", "it", "-l", "printers"])
        .ok()
        .line();
    // Not sales (not my queue), not the switch (Nia's skill, not mine): the printer.
    assert_eq!(env.desk(&["next", "--json"]).ok().json()["ticket"]["id"], printer.as_str());
    env.desk(&["next", "--take"]).ok();
    env.desk(&["resolve", &printer]).ok();
    let none = env.desk(&["next", "--json"]).ok().json();
    assert_eq!(none["ticket"], Value::Null);
    assert!(env.desk(&["next"]).ok().stderr.contains("nothing to work on"));
}

#[test]
fn eight_agents_taking_at_once_get_eight_different_tickets() {
    let env = helpdesk();
    for i in 0..10 {
        env.desk_at(&format!("2026-11-28T0{}:00:00Z", i % 9), &["new", &format!("Ticket {i}"), "-b", "x"])
            .ok();
    }
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = env.command(&["next", "--take", "--json"]);
            cmd.env("GIT_AUTHOR_NAME", format!("Agent {i}"))
                .env("GIT_AUTHOR_EMAIL", format!("agent{i}@example.com"));
            cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["taken"], true, "{v}");
        ids.insert(v["ticket"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 8, "{ids:?}");
}

/// A helpdesk at Saturday 28 November 2026 12:00 UTC (the tests' now) with four
/// tickets of Jane's under the standard policy (24/7; normal: first response 4h):
/// `late` (Friday 09:00, never answered: breached Friday 13:00), `soon` (Saturday
/// 11:00: 3h left), `waiting` (Saturday 10:00, pending at 10:30: paused) and
/// `low` (low priority: no target), plus `done` (Friday 10:00, answered at 11:00,
/// resolved at 12:00: both clocks met).
fn five_tickets(env: &TestEnv) -> [String; 5] {
    let jane = ["--requester", "Jane <jane@example.com>"];
    let new = |at: &str, title: &str, extra: &[&str]| {
        let mut args = vec!["new", title, "-b", "x"];
        args.extend(jane);
        args.extend(extra);
        env.desk_at(at, &args).ok().line()
    };
    let late = new("2026-11-27T09:00:00Z", "Late one", &[]);
    let soon = new("2026-11-28T11:00:00Z", "Soon due", &[]);
    let waiting = new("2026-11-28T10:00:00Z", "Waiting for Jane", &[]);
    env.desk_at("2026-11-28T10:30:00Z", &["status", &waiting, "pending"]).ok();
    let low = new("2026-11-26T08:00:00Z", "Low one", &["--priority", "low"]);
    let done = new("2026-11-27T10:00:00Z", "Done one", &[]);
    env.desk_at("2026-11-27T11:00:00Z", &["reply", &done, "-m", "Fixed"]).ok();
    env.desk_at("2026-11-27T12:00:00Z", &["resolve", &done]).ok();
    [late, soon, waiting, low, done]
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn list_filters_and_sorts_by_clocks_and_shows_when_tickets_are_due() {
    let env = helpdesk();
    let [late, soon, waiting, low, _] = five_tickets(&env);
    let list = |args: &[&str]| ids(&env.desk(&[&["list", "--json"], args].concat()).ok().json());
    assert_eq!(list(&["sla:breached"]), [late.as_str()]);
    assert_eq!(list(&["sla:paused"]), [waiting.as_str()]);
    assert_eq!(list(&["sla:none"]), [low.as_str()]);
    // Business time to the next due: overdue counts as less; paused and unmeasured are never due.
    let mut due = list(&["due:<4h"]);
    due.sort();
    let mut want = vec![late.clone(), soon.clone()];
    want.sort();
    assert_eq!(due, want);
    assert_eq!(list(&["due:>2h"]), [soon.as_str()]);
    assert_eq!(list(&["-sla:breached", "sla:running"]), [soon.as_str()]);
    // The next due first; tickets with nothing due last, oldest first.
    assert_eq!(list(&["--sort", "due"]), [late.clone(), soon.clone(), low.clone(), waiting.clone()]);
    // The table has a DUE column: business time left, overdue, paused, or nothing.
    let table = env.desk(&["list", "--sort", "due"]).ok().stdout;
    let row = |title: &str| table.lines().find(|l| l.contains(title)).unwrap().to_owned();
    assert!(table.lines().next().unwrap().contains(" DUE "), "{table}");
    assert!(row("Late one").contains("overdue 23h 0m"), "{table}");
    assert!(row("Soon due").contains("3h 0m"), "{table}");
    assert!(row("Waiting for Jane").contains("paused"), "{table}");
    // A bad value names the allowed ones; policies cannot match on clocks.
    assert!(env.desk(&["list", "sla:late"]).error(2).contains("allowed: running, paused, met, breached"));
    assert!(env.desk(&["list", "due:<soon"]).error(2).contains("not a duration"));
    // A hostile value is named without its control characters reaching the terminal.
    let hostile = env.desk(&["list", "sla:\u{1b}]0;owned\u{7}"]).error(2);
    assert!(!hostile.contains('\u{1b}') && !hostile.contains('\u{7}'), "{hostile:?}");
}

#[test]
fn without_policies_list_has_no_due_column() {
    let env = TestEnv::initialised();
    env.new_ticket("Plain", &[]);
    let table = env.desk(&["list"]).ok().stdout;
    assert!(!table.contains("DUE"), "{table}");
    // Clock terms still parse: no ticket has a measured clock.
    assert_eq!(env.desk(&["list", "--json", "sla:none"]).ok().json().as_array().unwrap().len(), 1);
}

#[test]
fn report_counts_periods_decided_in_the_window() {
    let env = helpdesk();
    five_tickets(&env);
    let report = env.desk(&["report", "--json"]).ok().json();
    // First response: `late` breached at Friday 13:00, `done` met at Friday 11:00;
    // `soon` still runs and `waiting` is paused: not decided. Resolution: `done` met.
    let c = |clock: &str| report["sla"][clock].clone();
    assert_eq!(c("first_response"), json!({"measured": 2, "met": 1, "breached": 1, "rate": 0.5}));
    assert_eq!(c("next_response"), json!({"measured": 0, "met": 0, "breached": 0, "rate": null}));
    assert_eq!(c("resolution"), json!({"measured": 1, "met": 1, "breached": 0, "rate": 1.0}));
    // A window that ends before the breach: only what was decided by then.
    let early = env
        .desk(&["report", "--json", "--since", "2026-11-27", "--until", "2026-11-27T12:30:00Z"])
        .ok()
        .json();
    assert_eq!(early["sla"]["first_response"], json!({"measured": 1, "met": 1, "breached": 0, "rate": 1.0}));
    // Grouped: per priority, with the rate over all clocks in the table.
    let by = env.desk(&["report", "--json", "--by", "priority"]).ok().json();
    let normal = by["groups"].as_array().unwrap().iter().find(|g| g["key"] == "normal").unwrap();
    assert_eq!(normal["sla"]["first_response"]["measured"], 2);
    let table = env.desk(&["report", "--by", "priority"]).ok().stdout;
    assert!(table.contains("sla first response  1 of 2 met (50%) · 1 breached"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("normal") && l.trim_end().ends_with("67%")), "{table}");
    let csv = env.desk(&["report", "--csv"]).ok().stdout;
    assert!(csv.lines().next().unwrap().ends_with("sla_resolution_breached,sla_resolution_rate"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",2,1,1,0.5,0,0,0,,1,1,0,1"), "{csv}");
    // Without policies there is no SLA section at all.
    let plain = TestEnv::initialised();
    plain.new_ticket("Plain", &[]);
    assert_eq!(plain.desk(&["report", "--json"]).ok().json()["sla"], Value::Null);
}

#[test]
fn report_as_of_is_the_report_of_a_clone_reset_to_then() {
    let env = helpdesk();
    five_tickets(&env);
    let clone = env.root.join("clone");
    env.git(&["clone", "-q", "--no-checkout", env.repo.to_str().unwrap(), clone.to_str().unwrap()]);
    let in_clone = |tip: &str, now: &str, args: &[&str]| {
        env.git_in(&clone, &["update-ref", "refs/heads/desk", tip]);
        env.desk_full(&clone, args, None, &[("DESK_NOW", now)]).ok().json()
    };
    for (t, by) in [("2026-11-27T11:30:00Z", None), ("2026-11-28T10:45:00Z", Some("status"))] {
        let last_before = env.git(&["rev-list", "-1", &format!("--before={t}"), "refs/heads/desk"]);
        let mut args = vec!["report", "--json"];
        if let Some(by) = by {
            args.extend(["--by", by]);
        }
        let then = chrono::DateTime::parse_from_rfc3339(t).unwrap() - chrono::Duration::seconds(1);
        let expected = in_clone(last_before.trim(), &then.to_rfc3339(), &args);
        let as_of = env.desk(&[args.as_slice(), &["--as-of", t]].concat()).ok().json();
        assert_eq!(as_of, expected, "--as-of {t}");
    }
    // At a commit: the history it contains, at its time.
    let rev = env.git(&["rev-parse", "refs/heads/desk~3"]);
    let time = env.git(&["log", "-1", "--format=%cI", rev.trim()]);
    let expected = in_clone(rev.trim(), time.trim(), &["report", "--json"]);
    assert_eq!(env.desk(&["report", "--json", "--as-of", rev.trim()]).ok().json(), expected);
    // A what-if under today's desk.yaml is today's report.
    let today = env.desk(&["report", "--json"]).ok().json();
    assert_eq!(env.desk(&["report", "--json", "--policy", "desk"]).ok().json(), today);
}

#[test]
fn saved_timelines_give_the_clocks_the_event_log_gives() {
    let env = helpdesk();
    let [late, ..] = five_tickets(&env);
    let sla = |extra: &[&str]| env.desk(&[&["sla", "--json", "--all"], extra].concat()).ok().json();
    // `--policy desk` judges every event under today's desk.yaml — the one in
    // force for every event here — from the event log, never from saved timelines.
    let saved = env.repo.join(".git/desk/sla");
    let first = sla(&[]);
    assert!(saved.exists(), "the timelines are saved");
    assert_eq!(first, sla(&["--policy", "desk"]));
    // After new commits the saved timelines are brought up to date: changed
    // tickets derived again, the others kept.
    env.desk_at("2026-11-28T11:30:00Z", &["reply", &late, "-m", "On it"]).ok();
    env.desk_at("2026-11-28T11:40:00Z", &["new", "Another", "-b", "x", "--requester", "Jo <jo@example.com>"])
        .ok();
    let updated = sla(&[]);
    assert_ne!(updated, first);
    assert_eq!(updated, sla(&["--policy", "desk"]));
    std::fs::remove_file(&saved).unwrap();
    assert_eq!(sla(&[]), updated, "derived from scratch");
    // A damaged file is derived again, never trusted.
    std::fs::write(&saved, b"desk-sla garbage").unwrap();
    assert_eq!(sla(&[]), updated);
}
