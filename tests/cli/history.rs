//! `desk log`, `desk rate` and `desk report`: events and KPIs from the desk
//! branch's history, including commits made by hand with plain git.

use serde_json::json;

use crate::common::{Run, TestEnv};

const JANE: (&str, &str) = ("Jane Doe", "jane@example.com");
const BOB: (&str, &str) = ("Bob Agent", "bob@example.com");

/// Runs desk as `who` at `time` (author and committer).
fn as_at(env: &TestEnv, who: (&str, &str), time: &str, args: &[&str]) -> Run {
    env.desk_env(
        args,
        &[
            ("GIT_AUTHOR_NAME", who.0),
            ("GIT_AUTHOR_EMAIL", who.1),
            ("GIT_AUTHOR_DATE", time),
            ("GIT_COMMITTER_DATE", time),
        ],
    )
}

fn new_as(env: &TestEnv, who: (&str, &str), time: &str, title: &str) -> String {
    as_at(env, who, time, &["new", title, "-b", "Help."]).ok().line()
}

/// Ticket file path on the desk branch.
fn path(id: &str) -> String {
    format!("tickets/{}/{id}.md", &id[..2])
}

/// Sets a ticket's status with plain git in a second worktree, as `Bob` at `date`.
fn hand_edit_status(env: &TestEnv, id: &str, to: &str, date: &str) {
    let wt = env.root.join("desk-worktree");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "desk"]);
    let file = wt.join(path(id));
    let text = std::fs::read_to_string(&file).unwrap();
    let edited: String = text
        .lines()
        .map(|l| if l.starts_with("status: ") { format!("status: {to}") } else { l.to_owned() })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(text, edited, "the status line was found");
    std::fs::write(&file, edited).unwrap();
    env.git_in(
        &wt,
        &[
            "commit",
            "-q",
            "-a",
            "-m",
            "close by hand",
            "--author",
            "Bob Agent <bob@example.com>",
            "--date",
            date,
        ],
    );
    env.git(&["worktree", "remove", "--force", wt.to_str().unwrap()]);
}

/// Three tickets: A answered once and resolved (first contact), B answered,
/// resolved, reopened, answered again and closed by a hand-made commit, C never
/// answered. Returns their ids.
fn helpdesk(env: &TestEnv) -> (String, String, String) {
    let a = new_as(env, JANE, "2026-11-02T09:00:00Z", "Printer jams");
    as_at(env, BOB, "2026-11-02T09:30:00Z", &["note", &a, "-m", "Checking the logs."]).ok();
    as_at(env, JANE, "2026-11-02T09:45:00Z", &["reply", &a, "-m", "Still broken!"]).ok();
    as_at(env, BOB, "2026-11-02T10:00:00Z", &["reply", &a, "-m", "Cleared the jam."]).ok();
    as_at(env, BOB, "2026-11-02T11:00:00Z", &["resolve", &a]).ok();
    as_at(env, JANE, "2026-11-03T08:00:00Z", &["rate", &a, "5", "-m", "Quick, thanks"]).ok();

    let b = new_as(env, JANE, "2026-11-03T09:00:00Z", "VPN drops");
    as_at(env, BOB, "2026-11-03T09:10:00Z", &["reply", &b, "-m", "Try again now."]).ok();
    as_at(env, BOB, "2026-11-03T09:20:00Z", &["resolve", &b]).ok();
    as_at(env, JANE, "2026-11-04T09:00:00Z", &["reopen", &b]).ok();
    as_at(env, BOB, "2026-11-04T10:00:00Z", &["reply", &b, "-m", "New certificate installed."]).ok();
    as_at(env, JANE, "2026-11-05T10:00:00Z", &["rate", &b, "2"]).ok();

    let c = new_as(env, JANE, "2026-11-10T09:00:00Z", "Laptop slow");
    // Made last, dated before C: history order is not time order.
    hand_edit_status(env, &b, "closed", "2026-11-05T09:00:00Z");
    (a, b, c)
}

const NOVEMBER: &[&str] = &["report", "--since", "2026-11-01", "--until", "2026-11-30", "--json"];

#[test]
fn report_gives_the_exact_kpis_of_every_definition() {
    let env = TestEnv::initialised();
    helpdesk(&env);
    let r = env.desk(NOVEMBER).ok().json();
    assert_eq!(r["from"], "2026-11-01T00:00:00Z");
    assert_eq!(r["until"], "2026-12-01T00:00:00Z");
    assert_eq!((r["created"].clone(), r["resolved"].clone()), (json!(3), json!(2)));
    assert_eq!((r["reopened"].clone(), r["backlog"].clone()), (json!(1), json!(1)));
    // A: 1h (the note and Jane's own reply are no response); B: 10m.
    assert_eq!(
        r["first_response"],
        json!({"count": 2, "mean_seconds": 2100, "median_seconds": 600, "p90_seconds": 3600})
    );
    // A: 2h; B: 2 days, to the hand-made close.
    assert_eq!(
        r["resolution"],
        json!({"count": 2, "mean_seconds": 90000, "median_seconds": 7200, "p90_seconds": 172_800})
    );
    assert_eq!(r["fcr"], json!({"resolved": 2, "first_contact": 1, "rate": 0.5}));
    assert_eq!(r["csat"], json!({"responses": 2, "satisfied": 1, "rate": 0.5, "mean_score": 3.5}));
    assert_eq!(r["groups"], json!([]));
    assert_eq!(r["by"], json!(null));
}

#[test]
fn a_report_right_after_a_write_includes_it() {
    // Repro: `desk resolve ID && desk report --json` in the same second.
    let env = TestEnv::initialised();
    let now = "2026-11-28T12:00:00Z";
    let id = env.desk_at(now, &["new", "Printer jams", "-b", "x"]).ok().line();
    let vars = [("DESK_NOW", now), ("GIT_AUTHOR_DATE", now), ("GIT_COMMITTER_DATE", now)];
    let report = |env: &TestEnv| env.desk_env(&["report", "--json"], &vars).ok().json();
    assert_eq!((report(&env)["created"].clone(), report(&env)["backlog"].clone()), (json!(1), json!(1)));
    env.desk_env(&["resolve", &id], &vars).ok();
    let r = report(&env);
    assert_eq!((r["resolved"].clone(), r["backlog"].clone()), (json!(1), json!(0)), "{r:#}");
}

#[test]
fn an_empty_window_reports_nulls_not_zeros() {
    let env = TestEnv::initialised();
    helpdesk(&env);
    let r = env.desk(&["report", "--since", "2026-10-01", "--until", "2026-10-31", "--json"]).ok().json();
    assert_eq!(r["created"], 0);
    assert_eq!(
        r["first_response"],
        json!({"count": 0, "mean_seconds": null, "median_seconds": null, "p90_seconds": null})
    );
    assert_eq!(r["fcr"]["rate"], json!(null));
    assert_eq!(r["csat"], json!({"responses": 0, "satisfied": 0, "rate": null, "mean_score": null}));
}

#[test]
fn groups_queries_and_csv() {
    let env = TestEnv::initialised();
    let (a, _, c) = helpdesk(&env);
    as_at(&env, BOB, "2026-11-10T10:00:00Z", &["assign", &c, "me"]).ok();
    as_at(&env, BOB, "2026-11-10T10:00:00Z", &["label", &a, "+printer"]).ok();
    let mut by = NOVEMBER.to_vec();
    by.extend(["--by", "assignee"]);
    let r = env.desk(&by).ok().json();
    assert_eq!(r["by"], "assignee");
    let keys: Vec<&serde_json::Value> = r["groups"].as_array().unwrap().iter().map(|g| &g["key"]).collect();
    assert_eq!(keys, vec![&json!("Bob Agent <bob@example.com>"), &json!(null)]);
    assert_eq!(r["groups"][0]["backlog"], 1);
    assert_eq!(r["groups"][1]["resolved"], 2);

    let mut printer = NOVEMBER.to_vec();
    printer.push("label:printer");
    let r = env.desk(&printer).ok().json();
    assert_eq!((r["created"].clone(), r["resolved"].clone()), (json!(1), json!(1)));

    let csv = env
        .desk(&["report", "--since", "2026-11-01", "--until", "2026-11-30", "--csv", "--by", "label"])
        .ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(lines[0].starts_with("by,key,created,resolved,reopened,backlog,first_response_count,"), "{csv}");
    assert_eq!(lines.len(), 4, "header, all, printer, no label:\n{csv}");
    assert!(
        lines[1].starts_with("all,,3,2,1,1,2,2100,600,3600,2,90000,7200,172800,2,1,0.5,2,1,0.5,3.5"),
        "{csv}"
    );
    assert!(lines[2].starts_with("label,printer,1,1,0,0,1,3600,"), "{csv}");
}

#[test]
fn table_and_plain_charts() {
    let env = TestEnv::initialised();
    helpdesk(&env);
    let out = env.desk(&["report", "--since", "2026-11-01", "--until", "2026-11-30", "--chart"]).ok();
    assert!(out.stdout.contains("first contact   1 of 2 resolved (50%)"), "{out}");
    assert!(out.stdout.contains("first response  2 tickets · mean 35m · median 10m · p90 1h 0m"), "{out}");
    assert!(out.stdout.contains("Created vs resolved per day"), "{out}");
    assert!(!out.stdout.contains('█') && !out.stdout.contains('▁'), "plain text when not a terminal:\n{out}");
    assert!(out.stdout.contains(&format!("{:<10}{:>5}  #", "< 1h", 1)), "{out}");
    assert!(out.stdout.contains(&format!("{:<10}{:>5}  #", "1-4h", 1)), "{out}");
    let json = env.desk(&["report", "--json", "--chart"]).ok();
    assert_eq!(json.json()["created"], 3, "nothing but the JSON document");
}

#[test]
fn windows_are_checked() {
    let env = TestEnv::initialised();
    env.desk(&["report", "--since", "yesterday"]).fails(2);
    let r = env.desk(&["report", "--since", "2026-11-05", "--until", "2026-11-01"]).fails(2);
    assert!(r.stderr.contains("the window is empty"), "{r}");
    let r = env.desk(&["report", "--since", "4w", "--json"]).ok().json();
    assert_eq!(r["from"], "2026-10-31T12:00:00Z");
    assert_eq!(r["until"], "2026-11-28T12:00:01Z", "now's second is in the window");
    let r = env.desk(&["report", "--since", "2026-11-27T10:00:00+02:00", "--json"]).ok().json();
    assert_eq!(r["from"], "2026-11-27T08:00:00Z");
}

#[test]
fn log_shows_every_event_including_hand_made_commits() {
    let env = TestEnv::initialised();
    let (_, b, _) = helpdesk(&env);
    let log = env.desk(&["log", &b, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["created", "reply", "status", "status", "status", "reply", "status", "rating"],
        "{log:#}"
    );
    assert_eq!(log[0]["requester"], "Jane Doe <jane@example.com>");
    assert_eq!(log[1]["actor"], "Bob Agent <bob@example.com>");
    assert!(log[1]["comment_id"].as_str().is_some_and(|c| c.len() == 10));
    assert_eq!((log[3]["from"].clone(), log[3]["to"].clone()), (json!("open"), json!("resolved")));
    assert_eq!((log[4]["from"].clone(), log[4]["to"].clone()), (json!("resolved"), json!("open")));
    // The hand-made commit, dated before the rating that was committed earlier.
    assert_eq!(log[6]["date"], "2026-11-05T09:00:00Z");
    assert_eq!((log[6]["from"].clone(), log[6]["to"].clone()), (json!("open"), json!("closed")));
    assert_eq!(log[6]["actor"], "Bob Agent <bob@example.com>");
    assert_eq!((log[7]["to"].clone(), log[7]["comment"].clone()), (json!(2), json!(null)));
    let text = env.desk(&["log", &b]).ok();
    let line = text.stdout.lines().find(|l| l.starts_with("2026-11-05 09:00 +0000")).unwrap_or_default();
    assert!(line.contains("Bob Agent") && line.ends_with("status open → closed"), "{text}");
}

#[test]
fn log_shows_a_deleted_ticket_by_its_full_id() {
    let env = TestEnv::initialised();
    let id = new_as(&env, JANE, "2026-11-02T09:00:00Z", "Mouse broken");
    env.desk_at("2026-11-02T10:00:00Z", &["reply", &id, "-m", "On my way"]).ok();
    let path = format!("tickets/{}/{id}.md", &id[..2]);
    env.remove_by_hand(&[&path], "remove a ticket by hand");
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "reply", "status", "deleted"], "{log:#}");
    let text = env.desk(&["log", &id]).ok();
    assert!(text.stdout.lines().last().unwrap_or_default().ends_with("deleted the ticket file"), "{text}");
    // A prefix needs a file to resolve against; an id nobody ever used has no history.
    assert!(env.desk(&["log", &id[..6]]).error(1).contains("no ticket matches"));
    assert!(env.desk(&["log", "zzzzzzzzzz"]).error(1).contains("no ticket matches"));
}

#[test]
fn plain_git_plumbing_commits_count_too() {
    let env = TestEnv::initialised();
    let id = new_as(&env, JANE, "2026-11-02T09:00:00Z", "Mouse broken");
    // Add a second ticket file and retitle the first one with plumbing only.
    let text = env.ticket_file(&id).replace("title: Mouse broken", "title: Mouse and keyboard broken");
    let other = "zz00000000";
    let other_text = env.ticket_file(&id).replace(&id, other);
    let index = env.root.join("plumbing-index");
    let with_index = |args: &[&str], input: Option<&str>| {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(&env.repo)
            .env("GIT_INDEX_FILE", &index)
            .env("GIT_CONFIG_GLOBAL", env.home.join(".gitconfig"));
        cmd.env("GIT_AUTHOR_DATE", "2026-11-03T09:00:00Z").env("GIT_COMMITTER_DATE", "2026-11-03T09:00:00Z");
        cmd.args(args).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(i) = input {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(i.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    with_index(&["read-tree", "desk"], None);
    let blob = with_index(&["hash-object", "-w", "--stdin"], Some(&text));
    let other_blob = with_index(&["hash-object", "-w", "--stdin"], Some(&other_text));
    with_index(&["update-index", "--cacheinfo", &format!("100644,{blob},{}", path(&id))], None);
    with_index(
        &["update-index", "--add", "--cacheinfo", &format!("100644,{other_blob},{}", path(other))],
        None,
    );
    let tree = with_index(&["write-tree"], None);
    let commit = with_index(&["commit-tree", &tree, "-p", "desk", "-m", "by hand"], None);
    env.git(&["update-ref", "refs/heads/desk", &commit]);
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    assert_eq!(log[1]["kind"], "title");
    assert_eq!(log[1].get("name"), None, "only a custom field's event names it");
    assert_eq!(log[1]["to"], "Mouse and keyboard broken");
    assert_eq!(log[1]["date"], "2026-11-03T09:00:00Z");
    let log = env.desk(&["log", other, "--json"]).ok().json();
    assert_eq!(log[0]["kind"], "created");
    assert_eq!(log[0]["date"], "2026-11-03T09:00:00Z");
}

#[test]
fn rate_records_the_latest_rating() {
    let env = TestEnv::initialised();
    let id = new_as(&env, JANE, "2026-11-02T09:00:00Z", "Screen flickers");
    // An internal note read from standard input, by the default agent: not a rating, not a response.
    env.desk_stdin(&["note", &id, "-F", "-"], "Called the requester.").ok();
    env.desk(&["rate", &id, "6"]).fails(2);
    env.desk(&["rate", &id, "0"]).fails(2);
    as_at(&env, JANE, "2026-11-03T09:00:00Z", &["rate", &id, "2", "-m", "Slow"]).ok();
    as_at(&env, JANE, "2026-11-04T09:00:00Z", &["rate", &id, "4"]).ok();
    let file = env.ticket_file(&id);
    assert!(file.contains("rating:\n  score: 4\n  date: 2026-11-04T09:00:00Z\n"), "{file}");
    let r = env.desk(NOVEMBER).ok().json();
    assert_eq!(r["csat"], json!({"responses": 1, "satisfied": 1, "rate": 1.0, "mean_score": 4.0}));
    // desk finds the repository from a subdirectory, as git does.
    let sub = env.repo.join("docs");
    std::fs::create_dir_all(&sub).unwrap();
    let log = env.desk_in(&sub, &["log", &id, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "rating", "rating", "note"], "in time order, not commit order");
    assert_eq!((log[1]["to"].clone(), log[1]["comment"].clone()), (json!(2), json!("Slow")));
    assert_eq!((log[2]["from"].clone(), log[2]["to"].clone()), (json!(2), json!(4)));
    assert_eq!(log[3]["actor"], "Test Agent <agent@example.com>");
    assert_eq!(log[3]["date"], "2026-11-28T09:00:00Z");
    // Rated again by the default agent at a pinned time: the latest rating counts.
    env.desk_at("2026-11-05T09:00:00Z", &["rate", &id, "1"]).ok();
    let r = env.desk(NOVEMBER).ok().json();
    assert_eq!(r["csat"], json!({"responses": 1, "satisfied": 0, "rate": 0.0, "mean_score": 1.0}));
}

#[test]
fn the_cache_changes_speed_never_output() {
    let env = TestEnv::initialised();
    let (a, _, c) = helpdesk(&env);
    let cache = env.repo.join(".git/desk/history");
    let first = env.desk(NOVEMBER).ok().stdout;
    assert!(cache.exists(), "the event log is cached");
    // Extended incrementally when the branch moves.
    as_at(&env, BOB, "2026-11-11T09:00:00Z", &["reply", &c, "-m", "Looking."]).ok();
    let extended = env.desk(NOVEMBER).ok().json();
    assert_eq!(extended["first_response"]["count"], 3);
    // Deleted, corrupt or foreign: ignored and rebuilt, same output.
    std::fs::remove_file(&cache).unwrap();
    let rebuilt = env.desk(NOVEMBER).ok().json();
    assert_eq!(rebuilt, extended);
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(env.desk(NOVEMBER).ok().json(), extended);
    std::fs::write(&cache, b"deskhist\x01not what desk wrote at all").unwrap();
    assert_eq!(env.desk(NOVEMBER).ok().json(), extended);
    let mut flipped = std::fs::read(&cache).unwrap();
    let last = flipped.len() - 30;
    flipped[last] ^= 0xff;
    std::fs::write(&cache, &flipped).unwrap();
    assert_eq!(env.desk(NOVEMBER).ok().json(), extended);
    // Rewritten: the branch goes back to before the reply; the log follows.
    env.git(&["update-ref", "refs/heads/desk", "refs/heads/desk~1"]);
    assert_eq!(env.desk(NOVEMBER).ok().stdout, first);
    let log = env.desk(&["log", &a, "--json"]).ok().json();
    assert_eq!(log.as_array().unwrap().len(), 7, "{log:#}");
}

#[test]
fn log_reads_one_ticket_from_the_cache_as_from_history() {
    let env = TestEnv::initialised();
    let (a, b, c) = helpdesk(&env);
    let cache = env.repo.join(".git/desk/history");
    for id in [&a, &b, &c] {
        std::fs::remove_file(&cache).ok();
        // No cache: derived from history (and the cache written).
        let derived = env.desk(&["log", id, "--json"]).ok().stdout;
        assert!(cache.exists());
        // An up-to-date cache: only this ticket's events are read from it.
        assert_eq!(env.desk(&["log", id, "--json"]).ok().stdout, derived);
        assert_eq!(env.desk(&["log", id]).ok().code, 0);
        // A damaged cache is never trusted.
        let mut flipped = std::fs::read(&cache).unwrap();
        let at = flipped.len() - 5;
        flipped[at] ^= 0x55;
        std::fs::write(&cache, &flipped).unwrap();
        assert_eq!(env.desk(&["log", id, "--json"]).ok().stdout, derived);
        let events = serde_json::from_str::<serde_json::Value>(&derived).unwrap();
        assert!(events.as_array().is_some_and(|e| !e.is_empty()), "{derived}");
    }
    // A cache a few commits behind the branch: the new commits' events are added.
    env.desk(&["log", &a, "--json"]).ok();
    env.desk_at("2026-11-20T10:00:00Z", &["reply", &a, "-m", "Any news?"]).ok();
    env.desk_at("2026-11-20T11:00:00Z", &["label", &a, "+late"]).ok();
    let behind = env.desk(&["log", &a, "--json"]).ok().stdout;
    std::fs::remove_file(&cache).unwrap();
    let derived = env.desk(&["log", &a, "--json"]).ok().stdout;
    assert_eq!(behind, derived);
    assert!(derived.contains("\"late\""), "{derived}");
}

#[test]
fn several_threads_derive_the_same_events() {
    let env = TestEnv::initialised();
    let (a, b, c) = helpdesk(&env);
    let cache = env.repo.join(".git/desk/history");
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        std::fs::remove_file(&cache).ok();
        let vars = [("DESK_HISTORY_THREADS", threads)];
        let mut run = vec![env.desk_env(NOVEMBER, &vars).ok().stdout];
        for id in [&a, &b, &c] {
            std::fs::remove_file(&cache).ok();
            run.push(env.desk_env(&["log", id, "--json"], &vars).ok().stdout);
        }
        outputs.push(run);
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_plain_git_merge_counts_only_what_it_changed() {
    let env = TestEnv::initialised();
    let id = new_as(&env, JANE, "2026-11-02T09:00:00Z", "Keyboard sticky");
    let base = env.desk_head();
    as_at(&env, BOB, "2026-11-02T10:00:00Z", &["note", &id, "-m", "Ordered a new one."]).ok();
    // On a side branch, by hand: the status line.
    env.git(&["branch", "side", &base]);
    let wt = env.root.join("side-worktree");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "side"]);
    let file = wt.join(path(&id));
    let text = std::fs::read_to_string(&file).unwrap().replace("status: new", "status: pending");
    std::fs::write(&file, text).unwrap();
    env.git_in(&wt, &["commit", "-q", "-a", "-m", "pending", "--date", "2026-11-02T11:00:00Z"]);
    env.git(&["worktree", "remove", "--force", wt.to_str().unwrap()]);
    // Merged into desk with plain git, through desk's merge driver (this binary).
    let driver = format!("{} merge-driver %O %A %B %P", crate::common::bin().display());
    env.git(&["config", "merge.desk.driver", &driver]);
    let wt = env.root.join("desk-worktree");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "desk"]);
    env.git_in(&wt, &["merge", "-q", "--no-edit", "side"]);
    env.git(&["worktree", "remove", "--force", wt.to_str().unwrap()]);
    assert_eq!(env.git(&["rev-list", "--count", "--merges", "desk"]).trim(), "1");
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "note", "status"], "{log:#}");
    assert_eq!((log[2]["from"].clone(), log[2]["to"].clone()), (json!("new"), json!("pending")));
    assert_eq!(log[2]["date"], "2026-11-02T11:00:00Z");
}
