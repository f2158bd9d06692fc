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

/// desk.yaml's agents and teams: Ada (who is also you, from another address), Alan,
/// Grace; teams it and dev.
const PEOPLE: &str = "\
agents:
  - name: Ada Lovelace
    email: ada@example.com
    emails: [agent@example.com]
    skills: [printers]
    away: [2026-11-28, 2026-12-24..2026-12-31]
  - name: Alan Turing
    email: alan@example.com
    teams: [dev]
    queues: [hardware]
  - {name: Grace Hopper, email: grace@example.com}
teams:
  - name: it
    members: [ada@example.com, Grace Hopper]
    queues: [it]
  - {name: dev, queues: [code]}
";

/// The default desk.yaml with `PEOPLE` in place of its empty agents and teams.
fn with_people(env: &TestEnv, people: &str) {
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let config = config.replace("agents: []\n", "").replace("teams: []\n", "");
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{people}"))], "people");
}

#[test]
fn assign_finds_an_agent_by_any_unique_part_of_a_name_or_email() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["--requester", "Jane <jane@example.com>"]);
    // Without agents, a person is taken as written.
    env.desk(&["assign", &id, "ada"]).ok();
    assert_eq!(show(&env, &id)["assignee"], "ada");
    with_people(&env, PEOPLE);
    let ada = "Ada Lovelace <ada@example.com>";
    for who in
        ["ada", "LOVELACE", "ada@example.com", "Ada L <ADA@example.com>", "agent@example.com", "turing"]
    {
        let expected = if who == "turing" { "Alan Turing <alan@example.com>" } else { ada };
        let t = env.desk(&["assign", &id, who, "--json"]).ok().json();
        assert_eq!(t["assignee"], expected, "{who}");
    }
    // `me` is you, as git knows you.
    assert_eq!(
        env.desk(&["assign", &id, "@me", "--json"]).ok().json()["assignee"],
        "Test Agent <agent@example.com>"
    );
    let head = env.desk_head();
    let run = env.desk(&["assign", &id, "a"]);
    assert!(run.stderr.contains("hint: give more of the name, or the email"), "{run}");
    let message = run.error(1);
    assert_eq!(
        message,
        "'a' matches several agents: Ada Lovelace <ada@example.com>, Alan Turing <alan@example.com>, \
         Grace Hopper <grace@example.com>"
    );
    let json = env.desk(&["assign", &id, "ce", "--json"]).fails(1);
    let error: Value = serde_json::from_str(&json.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "ambiguous");
    let json = env.desk(&["assign", &id, "linus", "--json"]).fails(1);
    let error: Value = serde_json::from_str(&json.stderr).unwrap();
    assert_eq!(
        (error["error"]["kind"].as_str(), error["error"]["message"].as_str()),
        (Some("not_found"), Some("no agent matches 'linus'"))
    );
    env.desk(&["assign", &id, "Jane <jane@example.com>"]).error(1);
    assert_eq!(env.desk_head(), head, "nothing was written");
    // new --assignee and set assignee= find agents the same way.
    let other = env.new_ticket("VPN drops", &["--assignee", "grace"]);
    assert_eq!(show(&env, &other)["assignee"], "Grace Hopper <grace@example.com>");
    env.desk(&["set", &other, "assignee=hopper", "priority=high"]).ok();
    env.desk(&["set", &other, "assignee=alan"]).ok();
    assert_eq!(show(&env, &other)["assignee"], "Alan Turing <alan@example.com>");
    env.desk(&["new", "T", "-b", "x", "--assignee", "nobody-here"]).error(1);
    // assignee:me finds what is assigned to the agent you are, under any of your addresses.
    env.desk(&["assign", &id, "ada"]).ok();
    let mine = env.desk(&["list", "assignee:me", "--json"]).ok().json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], id.as_str());
}

#[test]
fn with_agents_only_their_replies_respond_and_reports_group_people_by_email() {
    let env = TestEnv::initialised();
    with_people(&env, PEOPLE);
    let at = |time: &str, args: &[&str]| env.desk_at(&format!("2026-11-02T{time}:00Z"), args).ok();
    let jane = "Jane <jane@example.com>";
    let a =
        at("09:00", &["new", "Printer jams", "-b", "x", "--requester", jane, "--assignee", "Alan"]).line();
    let b = at("09:00", &["new", "VPN drops", "-b", "x", "--requester", jane]).line();
    // A developer who is not an agent answers first: not a response, the ticket stays new.
    let t =
        at("09:30", &["reply", &a, "--from", "Dan <dan@example.com>", "-m", "Try turning it off", "--json"])
            .json();
    assert_eq!(t["status"], "new");
    // You are Ada (agent@example.com is one of her addresses): your reply responds.
    let t = at("10:00", &["reply", &a, "-m", "Replaced the roller", "--json"]).json();
    assert_eq!(t["status"], "open");
    at("10:30", &["resolve", &a]);
    at("09:00", &["assign", &b, "alan@EXAMPLE.com"]);
    at("09:10", &["set", &b, "assignee=Al T <ALAN@example.com>"]);
    let r = report_of_the_day(&env);
    assert_eq!(r["first_response"]["count"], 1);
    assert_eq!(r["first_response"]["median_seconds"], 3600, "Dan's 09:30 message is not a response");
    assert_eq!((r["fcr"]["resolved"].as_u64(), r["fcr"]["first_contact"].as_u64()), (Some(1), Some(1)));
    // By assignee: one row for Alan, however his address was written.
    let r = env
        .desk(&["report", "--since", "2026-11-02", "--until", "2026-11-02", "--by", "assignee", "--json"])
        .ok()
        .json();
    let keys: Vec<&str> =
        r["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["Alan Turing <alan@example.com>"]);
    assert_eq!(r["groups"][0]["created"], 2);
}

#[test]
fn a_broken_agents_section_stops_only_the_commands_that_need_people() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["--requester", "Jane <jane@example.com>"]);
    with_people(&env, "agents:\n  - name: Ada\n    email: not-an-address\nteams: []\n");
    let line = env
        .git(&["show", "refs/heads/desk:desk.yaml"])
        .lines()
        .position(|l| l.contains("not-an-address"))
        .unwrap()
        + 1;
    for args in [vec!["list"], vec!["show", &id], vec!["status", &id, "pending"], vec!["label", &id, "+x"]] {
        env.desk(&args).ok();
    }
    let head = env.desk_head();
    for args in [vec!["assign", &id, "ada"], vec!["reply", &id, "-m", "Hi"], vec!["report"]] {
        let run = env.desk(&args);
        assert!(run.stderr.contains("desk config check"), "{args:?}: {run}");
        let message = run.error(1);
        assert_eq!(
            message,
            format!("desk.yaml: line {line}: agents[0].email: `not-an-address` is not an email address"),
            "{args:?}"
        );
    }
    assert_eq!(env.desk_head(), head);
}

#[test]
fn whoami_says_how_desk_sees_you() {
    let env = TestEnv::initialised();
    let me = env.desk(&["whoami", "--json"]).ok().json();
    assert_eq!(
        me,
        serde_json::json!({
            "name": "Test Agent", "email": "agent@example.com", "agent": false, "agents_listed": false,
            "agent_as": null, "teams": [], "queues": [], "skills": [], "away": false, "away_days": []
        })
    );
    with_people(&env, PEOPLE);
    // You are Ada under her other address; she is away today (DESK_NOW is 2026-11-28).
    let me = env.desk(&["whoami", "--json"]).ok().json();
    assert_eq!(
        me,
        serde_json::json!({
            "name": "Test Agent", "email": "agent@example.com", "agent": true, "agents_listed": true,
            "agent_as": "Ada Lovelace <ada@example.com>", "teams": ["it"], "queues": ["it"],
            "skills": ["printers"], "away": true, "away_days": ["2026-11-28", "2026-12-24..2026-12-31"]
        })
    );
    let run = env.desk(&["whoami"]).ok();
    assert_eq!(
        run.stdout,
        "Test Agent <agent@example.com>\nagent   yes, Ada Lovelace <ada@example.com>\nteams   it\nqueues  it\n\
         skills  printers\naway    yes, today (2026-11-28, 2026-12-24..2026-12-31)\n"
    );
    let tomorrow = env.desk_env(&["whoami", "--json"], &[("DESK_NOW", "2026-11-29T12:00:00Z")]).ok().json();
    assert_eq!(tomorrow["away"], false);
    // Someone else is no agent of this desk.yaml.
    let other = env
        .desk_env(&["whoami"], &[("GIT_AUTHOR_EMAIL", "dan@example.com"), ("GIT_AUTHOR_NAME", "Dan")])
        .ok();
    assert!(
        other.stdout.starts_with("Dan <dan@example.com>\nagent   no (your replies are not responses)\n"),
        "{other}"
    );
}

/// A desk.yaml with a problem in every section `desk config check` knows.
const BROKEN: &str = "\
workflow:
  statuses:
    - new
    - {name: open, category: active}
    - {name: waiting, category: pending, transitions: [open, limbo]}
    - resolved
priorities:
  levels: [low, high]
  default: low
queues: [it]
agents:
  - {name: Ada, email: ada@example.com, teams: [ops], queues: [hardware], away: [2026-02-30]}
  - {name: Alan, email: ADA@example.com}
teams:
  - {name: it, members: [ada@example.com, Linus]}
sla:
  urgent: 1h
";

#[test]
fn config_check_names_every_problem_with_its_line_and_column() {
    let env = TestEnv::initialised();
    let clean = env.desk(&["config", "check"]).ok();
    assert_eq!((clean.stdout.as_str(), clean.stderr.as_str()), ("", "checked desk.yaml: 0 problems\n"));
    assert_eq!(
        env.desk(&["config", "check", "--json"]).ok().json(),
        serde_json::json!({"file": "desk.yaml", "problems": []})
    );
    env.commit_by_hand(&[("desk.yaml", BROKEN)], "broken");
    let run = env.desk(&["config", "check"]);
    assert_eq!(run.code, 3, "{run}");
    assert_eq!(
        run.stdout,
        "desk.yaml:4:30: workflow.statuses[1].category: unknown category `active`; categories: new, open, \
         pending, on_hold, solved, closed, merged\n\
         desk.yaml:5:62: workflow.statuses[2].transitions[1]: unknown status `limbo`; statuses: new, open, \
         waiting, resolved\n\
         desk.yaml:12:49: agents[0].teams[0]: unknown team `ops`; teams: it\n\
         desk.yaml:12:64: agents[0].queues[0]: unknown queue `hardware`; queues: it\n\
         desk.yaml:12:82: agents[0].away[0]: `2026-02-30` is not a day (YYYY-MM-DD) or a range of days \
         (YYYY-MM-DD..YYYY-MM-DD)\n\
         desk.yaml:13:25: agents[1].email: `ada@example.com` is also the address of agents[0] (Ada)\n\
         desk.yaml:15:43: teams[0].members[1]: `Linus` is not an agent (not listed under agents)\n\
         desk.yaml:17:3: sla: must be a list of policies\n"
    );
    assert_eq!(run.stderr, "checked desk.yaml: 8 problems\n");
    let json = env.desk(&["config", "check", "--json"]);
    assert_eq!(json.code, 3, "{json}");
    let problems = json.json()["problems"].as_array().unwrap().clone();
    assert_eq!(problems.len(), 8);
    assert_eq!(
        problems[5],
        serde_json::json!({
            "path": "agents[1].email", "line": 13, "column": 25,
            "message": "`ada@example.com` is also the address of agents[0] (Ada)"
        })
    );
    // doctor reports the same problems, and commands that read the workflow name the first.
    let doctor = env.desk(&["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    assert!(
        doctor.stdout.starts_with("desk.yaml:4:30: workflow.statuses[1].category: unknown category"),
        "{doctor}"
    );
    assert_eq!(doctor.stdout.lines().count(), 8, "{doctor}");
    let doctor = env.desk(&["doctor", "--json"]).json();
    assert_eq!(
        (doctor["problems"][6]["line"].as_u64(), doctor["problems"][6]["column"].as_u64()),
        (Some(15), Some(43))
    );
    let message = env.desk(&["list"]).error(1);
    assert!(
        message.starts_with("desk.yaml: line 4: workflow.statuses[1].category: unknown category"),
        "{message}"
    );
}

#[test]
fn config_check_reads_a_file_before_it_is_committed() {
    let env = TestEnv::initialised();
    let file = env.root.join("desk.yaml");
    std::fs::write(&file, BROKEN.replace("{name: open, category: active}", "open")).unwrap();
    let path = file.to_str().unwrap();
    let run = env.desk(&["config", "check", path]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stdout.starts_with(&format!("{path}:5:62: workflow.statuses[2].transitions[1]: unknown status")),
        "{run}"
    );
    assert_eq!(env.desk(&["config", "check", path, "--json"]).json()["file"], path);
    std::fs::write(&file, env.git(&["show", "refs/heads/desk:desk.yaml"])).unwrap();
    env.desk(&["config", "check", path]).ok();
    let message = env.desk(&["config", "check", "/nowhere/desk.yaml"]).error(1);
    assert!(message.starts_with("cannot read /nowhere/desk.yaml: "), "{message}");
    // A broken people section leaves the other commands working.
    env.commit_by_hand(
        &[("desk.yaml", &BROKEN.replace("{name: open, category: active}", "open").replace(", limbo", ""))],
        "people",
    );
    env.desk(&["list"]).ok();
    env.desk(&["new", "Printer jams", "-b", "x"]).ok();
    assert_eq!(env.desk(&["config", "check"]).code, 3);
}
