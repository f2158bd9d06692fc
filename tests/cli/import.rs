//! `desk import`: GitHub issues (gh's JSON and the REST API's objects), a
//! Jira-style CSV and desk's own export become tickets with their history —
//! commits at the original times by the original authors — and a second run
//! adds only what is new.

use serde_json::{Value, json};

use crate::common::TestEnv;

fn fixture(name: &str) -> String {
    format!("{}/tests/data/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The id of the ticket whose origin is `origin`.
fn by_origin(env: &TestEnv, origin: &str) -> String {
    let all = env.desk(&["export", &format!("origin:{origin}"), "--format", "json"]).ok().json();
    let list = all.as_array().unwrap();
    assert_eq!(list.len(), 1, "one ticket from {origin}: {all}");
    list[0]["id"].as_str().unwrap().to_owned()
}

/// `author name|author email|author date|subject` of each commit on the desk branch, oldest first.
fn commits(env: &TestEnv) -> Vec<String> {
    let log = env.git(&["log", "--reverse", "--format=%an|%ae|%aI|%s", "desk"]);
    log.lines().skip(1).map(str::to_owned).collect()
}

#[test]
fn gh_json_becomes_tickets_with_their_history() {
    let env = TestEnv::initialised();
    let run = env.desk(&["import", "github", &fixture("gh-issues.json"), "--json"]).ok();
    let summary = run.json();
    assert_eq!(summary["created"], 2);
    assert_eq!(summary["comments"], 2);
    assert_eq!(summary["commits"], 5);
    assert_eq!(summary["skipped"][0]["position"], format!("{}: item 3", fixture("gh-issues.json")));
    assert_eq!(summary["skipped"][0]["reason"], "it has no title");
    // One commit per event, in time order, by the original authors at the original times.
    assert_eq!(
        commits(&env).iter().map(|c| c.rsplit_once('|').unwrap().0.to_owned()).collect::<Vec<_>>(),
        [
            "Mona Lisa|monalisa@users.noreply.github.com|2024-03-01T10:00:00Z",
            "octocat|octocat@users.noreply.github.com|2024-03-01T10:30:00Z",
            "monalisa|monalisa@users.noreply.github.com|2024-03-01T11:00:00Z",
            "Test Agent|agent@example.com|2024-03-01T12:00:00Z",
            "hubot|hubot@users.noreply.github.com|2024-03-02T09:00:00Z",
        ]
    );
    let printer = by_origin(&env, "github:acme/helpdesk#1");
    let t = env.desk(&["show", &printer, "--json"]).ok().json();
    assert_eq!(t["title"], "Printer prints blank pages");
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["requester"], "Mona Lisa <monalisa@users.noreply.github.com>");
    assert_eq!(t["assignee"], "The Octocat <octocat@users.noreply.github.com>");
    assert_eq!(t["labels"], json!(["bug", "area-printers"]));
    assert_eq!(t["origin"], "github:acme/helpdesk#1");
    assert_eq!(t["created"], "2024-03-01T10:00:00Z");
    assert_eq!(t["updated"], "2024-03-01T12:00:00Z");
    assert_eq!(t["comments"][0]["body"], "Which tray do you use?");
    assert_eq!(t["comments"][1]["author"], "monalisa <monalisa@users.noreply.github.com>");
    // Every imported commit says where it came from.
    let message = env.git(&["log", "-1", "--format=%B", "desk"]);
    assert!(message.contains("Desk-Import: github:acme/helpdesk#2"), "{message}");
    // The key figures of the imported past, by hand: created 2 (10:00, 09:00 next
    // day); #1 answered at 10:30 (30 min) and resolved at 12:00 (2 h) with one
    // response; #2 open.
    let r = env.desk(&["report", "--since", "2024-03-01", "--until", "2024-03-03", "--json"]).ok().json();
    let o = &r;
    assert_eq!(
        (o["created"].as_u64(), o["resolved"].as_u64(), o["backlog"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(o["first_response"]["median_seconds"], 1800);
    assert_eq!(o["resolution"]["median_seconds"], 7200);
    assert_eq!(o["fcr"]["first_contact"], 1);
    // The SLA clocks run on the imported past too.
    env.desk(&["sla", "--as-of", "2024-03-01T11:00:00Z", "--json"]).ok();
    // A second run finds everything imported: no commit.
    let head = env.desk_head();
    let again = env.desk(&["import", "github", &fixture("gh-issues.json"), "--json"]).ok().json();
    assert_eq!((again["created"].as_u64(), again["commits"].as_u64()), (Some(0), Some(0)));
    assert_eq!(again["commit"], Value::Null);
    assert_eq!(env.desk_head(), head);
    assert_eq!(env.desk(&["doctor"]).ok().code, 0);
}

#[test]
fn a_second_import_adds_what_is_new_and_keeps_what_desk_changed_since() {
    let env = TestEnv::initialised();
    env.desk(&["import", "github", &fixture("gh-issues.json")]).ok();
    let printer = by_origin(&env, "github:acme/helpdesk#1");
    let vpn = by_origin(&env, "github:acme/helpdesk#2");
    // In desk, after the import: #1 reopened by an agent (now, 2026).
    env.desk(&["reopen", &printer]).ok();
    // The source later: #2 got a comment and was closed, #1 is still closed
    // there, and #4 is new.
    let mut issues: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("gh-issues.json")).unwrap()).unwrap();
    let list = issues.as_array_mut().unwrap();
    list.remove(2);
    list[1]["comments"] = json!([{
        "id": "IC_new", "author": {"login": "octocat"}, "body": "Fixed in the new client.",
        "createdAt": "2024-03-05T08:00:00Z", "url": "https://github.com/acme/helpdesk/issues/2#issuecomment-9"
    }]);
    list[1]["state"] = json!("CLOSED");
    list[1]["closedAt"] = json!("2024-03-05T09:00:00Z");
    let mut four = list[1].clone();
    four["number"] = json!(4);
    four["title"] = json!("Badge reader");
    four["comments"] = json!([]);
    four["url"] = json!("https://github.com/acme/helpdesk/issues/4");
    list.push(four);
    let later = env.root.join("later.json");
    std::fs::write(&later, serde_json::to_string(&issues).unwrap()).unwrap();
    let s = env.desk(&["import", "github", &later.to_string_lossy(), "--json"]).ok().json();
    assert_eq!(
        (s["created"].as_u64(), s["updated"].as_u64(), s["comments"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    // #2: the comment and the closing, at their times.
    let t = env.desk(&["show", &vpn, "--json"]).ok().json();
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["comments"].as_array().unwrap().len(), 1);
    assert_eq!(t["updated"], "2024-03-05T09:00:00Z");
    // #1: desk's reopening is later than the source's closing, so it stays.
    assert_eq!(env.desk(&["show", &printer, "--json"]).ok().json()["status"], "open");
    by_origin(&env, "github:acme/helpdesk#4");
    // And once more: nothing.
    let head = env.desk_head();
    let s = env.desk(&["import", "github", &later.to_string_lossy(), "--json"]).ok().json();
    assert_eq!(s["commits"], 0);
    assert_eq!(env.desk_head(), head);
}

#[test]
fn rest_issues_comments_and_events_from_a_directory() {
    let env = TestEnv::initialised();
    let run = env
        .desk(&[
            "import",
            "github",
            &fixture("rest"),
            "--user",
            "octocat=Ada Agent <ada@example.com>",
            "--json",
        ])
        .ok();
    let s = run.json();
    assert_eq!(s["created"], 1, "{s}");
    assert_eq!(s["skipped"][0]["reason"], "a pull request, not an issue");
    let id = by_origin(&env, "github:acme/helpdesk#7");
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["title"], "Cannot log in");
    // labeled bug and needs triage, unlabeled bug; assigned; closed; reopened.
    assert_eq!(t["labels"], json!(["needs-triage"]));
    assert_eq!(t["assignee"], "Ada Agent <ada@example.com>");
    assert_eq!(t["status"], "open");
    assert_eq!(t["comments"][0]["author"], "Ada Agent <ada@example.com>");
    // The labels and the assignee as created are the events undone.
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let whats: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        whats,
        ["created", "labels", "labels", "reply", "assignee", "labels", "status", "status"],
        "{log}"
    );
    assert_eq!(log[0]["labels"], json!([]));
    assert_eq!(log[0]["assignee"], Value::Null);
    assert_eq!(log[7]["actor"], "jdoe <jdoe@users.noreply.github.com>");
}

#[test]
fn a_jira_style_csv_with_value_maps_and_date_formats() {
    let env = TestEnv::initialised();
    let file = fixture("jira.csv");
    let args = [
        "import",
        "csv",
        &file,
        "--map",
        "key=Issue key,title=Summary,description=Description,requester=Reporter,assignee=Assignee",
        "--map",
        "status=Status,priority=Priority,created=Created,resolved=Resolved,labels=Labels,comment=Comment,field.team=Custom field (Team)",
        "--status",
        "Done=resolved,To Do=new,In Progress=open",
        "--priority",
        "Highest=urgent,High=high,Medium=normal,Low=low",
        "--date-format",
        "%d/%b/%y %I:%M %p",
        "--json",
    ];
    let s = env.desk(&args).ok().json();
    assert_eq!(s["created"], 2, "{s}");
    assert_eq!(s["skipped"][0]["position"], format!("{file}:4"));
    assert!(s["skipped"][0]["reason"].as_str().unwrap().contains("status 'Blocked'"), "{s}");
    let id = by_origin(&env, "csv:jira#IT-1");
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["title"], "Laptop will not boot");
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["labels"], json!(["hardware", "laptop"]));
    assert_eq!(t["fields"]["team"], "Desktop");
    assert_eq!(t["created"], "2024-01-08T09:15:00Z");
    assert_eq!(t["updated"], "2024-01-09T16:00:00Z");
    let c = t["comments"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0]["author"].as_str(), c[0]["date"].as_str()),
        (Some("jsmith"), Some("2024-01-08T10:00:00Z"))
    );
    assert_eq!(c[1]["body"], "Replaced the disk; it boots.");
    // --strict stops at the bad row, and nothing of the run is on the branch.
    let env = TestEnv::initialised();
    let head = env.desk_head();
    let mut strict = args.to_vec();
    strict.push("--strict");
    let err = env.desk(&strict).error(1);
    assert!(err.contains(&format!("{file}:4")) && err.contains("Blocked"), "{err}");
    assert_eq!(env.desk_head(), head);
    // A column that is not there is named.
    let err = env.desk(&["import", "csv", &file, "--map", "title=Subject,created=Created"]).error(2);
    assert!(err.contains("no column 'Subject'"), "{err}");
}

#[test]
fn an_export_imported_into_an_empty_helpdesk_gives_the_same_tickets() {
    let env = TestEnv::initialised();
    let a = env.new_ticket("VPN drops", &["--requester", "Jane <jane@example.org>", "-l", "vpn"]);
    // Each change at its own time, as on a real helpdesk.
    let at = |time: &str, args: &[&str]| {
        let vars = [("GIT_AUTHOR_DATE", time), ("GIT_COMMITTER_DATE", time), ("DESK_NOW", time)];
        env.desk_full(&env.repo, args, None, &vars).ok();
    };
    at("2026-11-29T10:00:00Z", &["reply", &a, "-m", "Restart the client."]);
    at("2026-11-29T11:00:00Z", &["note", &a, "-m", "Known issue."]);
    at("2026-11-29T12:00:00Z", &["set", &a, "contract=GOLD"]);
    at("2026-11-29T13:00:00Z", &["assign", &a, "me"]);
    at("2026-11-30T09:00:00Z", &["resolve", &a]);
    env.new_ticket("Printer", &["--requester", "Joe <joe@example.org>"]);
    let export = env.root.join("all.json");
    env.desk(&["export", "--format", "json", "-o", &export.to_string_lossy()]).ok();
    let other = TestEnv::initialised();
    let s = other.desk(&["import", "json", &export.to_string_lossy(), "--json"]).ok().json();
    assert_eq!(s["created"], 2);
    assert_eq!(
        other.desk(&["export", "--format", "json"]).ok().stdout,
        std::fs::read_to_string(&export).unwrap()
    );
    // Into the helpdesk it came from: nothing new.
    let head = env.desk_head();
    assert_eq!(env.desk(&["import", "json", &export.to_string_lossy(), "--json"]).ok().json()["commits"], 0);
    assert_eq!(env.desk_head(), head);
    // NDJSON too.
    let nd = env.root.join("all.ndjson");
    env.desk(&["export", "--format", "ndjson", "-o", &nd.to_string_lossy()]).ok();
    let third = TestEnv::initialised();
    assert_eq!(third.desk(&["import", "json", &nd.to_string_lossy(), "--json"]).ok().json()["created"], 2);
}

#[test]
fn bad_input_is_an_error_naming_the_file_and_the_branch_stays() {
    let env = TestEnv::initialised();
    let head = env.desk_head();
    let bad = env.root.join("bad.json");
    std::fs::write(
        &bad,
        "[{\"number\": 1, \"title\": \"x\", \"createdAt\": \"2024-01-01T00:00:00Z\"}, {oops",
    )
    .unwrap();
    let err = env.desk(&["import", "github", &bad.to_string_lossy(), "--github-repo", "a/b"]).error(1);
    assert!(err.contains("bad.json: not JSON"), "{err}");
    assert_eq!(env.desk_head(), head);
    let refs = env.git(&["for-each-ref", "--format=%(refname)"]);
    assert!(!refs.contains("refs/desk/import"), "{refs}");
    let err = env.desk(&["import", "github", "/nonexistent.json"]).error(1);
    assert!(err.contains("cannot read /nonexistent.json"), "{err}");
    // Without --repo and without a URL the issue cannot be named.
    let s = env
        .desk(&[
            "import",
            "github",
            "--json",
            &write(&env, "nourl.json", r#"[{"number":1,"title":"x","createdAt":"2024-01-01T00:00:00Z"}]"#),
        ])
        .ok()
        .json();
    assert!(s["skipped"][0]["reason"].as_str().unwrap().contains("--github-repo"), "{s}");
    // --dry-run reads everything and writes nothing.
    let s = env.desk(&["import", "github", &fixture("gh-issues.json"), "--dry-run", "--json"]).ok().json();
    assert_eq!(
        (s["dry_run"].as_bool(), s["created"].as_u64(), s["commits"].as_u64()),
        (Some(true), Some(2), Some(5))
    );
    assert_eq!(env.desk_head(), head);
}

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let path = env.root.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn an_import_killed_midway_leaves_the_branch_as_it_was() {
    let env = TestEnv::initialised();
    let head = env.desk_head();
    let issues: Vec<Value> = (1..=5_000)
        .map(|n| {
            json!({
                "number": n, "title": format!("Issue {n}"), "body": "text", "state": "OPEN",
                "author": {"login": "someone"}, "createdAt": "2024-01-01T00:00:00Z",
                "comments": [], "labels": [], "assignees": [], "url": format!("https://github.com/a/b/issues/{n}")
            })
        })
        .collect();
    let file = write(&env, "many.json", &serde_json::to_string(&issues).unwrap());
    let mut child = env.command(&["import", "github", &file]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let status = child.wait().unwrap();
    let now = env.desk_head();
    if status.success() {
        // It finished before the kill: all of it is there.
        assert_eq!(env.all_ids().len(), 5_000);
    } else {
        assert_eq!(now, head, "a killed import moved the branch");
    }
    // Running it again completes it.
    env.desk(&["import", "github", &file]).ok();
    assert_eq!(env.all_ids().len(), 5_000);
    assert_eq!(env.desk(&["import", "github", &file, "--json"]).ok().json()["commits"], 0);
}

#[test]
fn import_mbox_is_mail_import_of_an_mbox() {
    let env = TestEnv::initialised();
    let mbox = write(
        &env,
        "in.mbox",
        "From jane@example.org Mon Jan  1 00:00:00 2024\nFrom: Jane <jane@example.org>\nTo: support@example.com\n\
         Subject: Printer jam\nMessage-ID: <m1@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nIt jams.\n",
    );
    env.desk(&["import", "mbox", &mbox]).ok();
    let all = env.desk(&["export", "--format", "json"]).ok().json();
    assert_eq!(all[0]["title"], "Printer jam");
    assert_eq!(all[0]["requester"], "Jane <jane@example.org>");
}

#[test]
fn hostile_cells_are_cleaned_or_skipped_never_written_as_they_are() {
    let env = TestEnv::initialised();
    let long = "T".repeat(300);
    let csv = format!(
        "key,title,created,comment,requester,description\n\
         K1,Fine,2024-01-01,\"2024-01-02;Evil --> <x>\u{1b}]52;c;AAAA\u{7};hi\",Bad\u{1b}[2J Guy <b@x>,text\n\
         K2,Binary,2024-01-01,,,\"nul\u{0}here\"\n\
         K3,{long},2024-01-01,,,ok\n"
    );
    let file = write(&env, "hostile.csv", &csv);
    let map =
        "key=key,title=title,created=created,comment=comment,requester=requester,description=description";
    let s = env.desk(&["import", "csv", &file, "--map", map, "--json"]).ok().json();
    assert_eq!(s["created"], 1, "{s}");
    let reasons: Vec<&str> =
        s["skipped"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(
        reasons,
        [
            "the description has a NUL byte: binary, not text",
            "the title has 300 characters, more than limits.title_chars (256)"
        ]
    );
    let t = env.desk(&["show", &by_origin(&env, "csv:hostile#K1"), "--json"]).ok().json();
    assert_eq!(t["requester"], "Bad[2J Guy <b@x>");
    assert_eq!(t["comments"][0]["author"], "Evil --> <x>]52");
    // No control character reaches a commit's identity either.
    let authors = env.git(&["log", "--format=%an%x09%ae", "desk"]);
    assert!(!authors.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{authors:?}");
    assert_eq!(env.desk(&["doctor"]).ok().code, 0);
}
