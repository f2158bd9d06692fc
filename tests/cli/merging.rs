//! `desk merge`, `desk unmerge`, `desk split` and `desk resolve --cascade`.

use serde_json::{Value, json};

use crate::common::TestEnv;

fn show(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

fn commits(env: &TestEnv, since: &str) -> String {
    env.git(&["rev-list", "--count", &format!("{since}..refs/heads/desk")]).trim().to_owned()
}

#[test]
fn a_merge_copies_the_conversation_in_time_order_and_later_writes_go_to_the_target() {
    let env = TestEnv::initialised();
    let dst = env
        .desk_at(
            "2026-12-01T09:00:00Z",
            &["new", "Printer broken", "-b", "It jams", "--requester", "Jane <jane@example.com>"],
        )
        .ok()
        .line();
    let src = env
        .desk_at(
            "2026-12-01T10:00:00Z",
            &["new", "Printer jams again", "-b", "Same one", "--requester", "Jim <jim@example.com>"],
        )
        .ok()
        .line();
    env.desk_at("2026-12-01T11:00:00Z", &["note", &src, "-m", "Toner low"]).ok();
    env.desk_at("2026-12-01T12:00:00Z", &["reply", &dst, "-m", "Looking"]).ok();
    let head = env.desk_head();
    let run = env.desk_at("2026-12-01T13:00:00Z", &["merge", &src, "--into", &dst]).ok();
    assert!(run.stderr.contains("merged into") && run.stderr.contains("(2 messages copied)"), "{run}");
    assert_eq!(commits(&env, &head), "1");
    let d = show(&env, &dst);
    let seen: Vec<(String, bool, String)> = d["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["date"].as_str().unwrap()[11..13].to_owned(),
                c["merged"].as_bool().unwrap(),
                c["visibility"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("10".to_owned(), true, "public".to_owned()),
            ("11".to_owned(), true, "internal".to_owned()),
            ("12".to_owned(), false, "public".to_owned())
        ]
    );
    assert_eq!(d["comments"][0]["author"], "Jim <jim@example.com>");
    assert_eq!(d["comments"][0]["body"], format!("From ticket {src} — Printer jams again\n\nSame one"));
    assert_eq!(d["links"], json!([format!("merged-from:{src}")]));
    let s = show(&env, &src);
    assert_eq!(
        (s["status"].clone(), s["links"].clone()),
        (json!("merged"), json!([format!("merged-into:{dst}")]))
    );
    // The file says which texts were copied.
    assert!(env.ticket_file(&dst).contains("<!-- desk:merged-reply "));
    // A reply to the merged ticket goes to the target, with a notice.
    let run =
        env.desk_at("2026-12-01T14:00:00Z", &["reply", &src, "-m", "Any news?", "--from", "requester"]).ok();
    assert!(
        run.stderr.contains(&format!("notice: ticket {} was merged into {}", &src[..6], &dst[..6])),
        "{run}"
    );
    assert_eq!(show(&env, &dst)["comments"][3]["body"], "Any news?");
    assert_eq!(show(&env, &src)["comments"].as_array().unwrap().len(), 1);
    // Merging it again, or into it, is refused.
    let again = env.desk(&["merge", &src, "--into", &dst]).error(1);
    assert!(again.contains("is already merged into"), "{again}");
    let log = env.desk(&["log", &dst, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"merged-reply") && kinds.contains(&"merged-note"), "{kinds:?}");
}

#[test]
fn unmerge_takes_the_copies_out_and_reopens_the_ticket() {
    let env = TestEnv::initialised();
    let dst = env.new_ticket("Printer broken", &[]);
    let src = env.new_ticket("Printer again", &[]);
    env.desk(&["reply", &src, "-m", "Which tray?"]).ok();
    env.desk(&["merge", &src, "--into", &dst]).ok();
    let head = env.desk_head();
    let run = env.desk(&["unmerge", &src]).ok();
    assert!(run.stderr.contains("(2 copied messages removed there), status open"), "{run}");
    assert_eq!(commits(&env, &head), "1");
    let d = show(&env, &dst);
    assert_eq!((d["comments"].clone(), d["links"].clone()), (json!([]), json!([])));
    let s = show(&env, &src);
    assert_eq!((s["status"].clone(), s["links"].clone()), (json!("open"), json!([])));
    assert_eq!(s["comments"][0]["body"], "Which tray?");
    let not = env.desk(&["unmerge", &src]).error(1);
    assert!(not.contains("is not merged into another"), "{not}");
}

#[test]
fn a_merged_ticket_is_neither_resolved_nor_backlog_in_reports_and_copies_are_no_responses() {
    let env = TestEnv::initialised();
    let at = |t: &str, args: &[&str]| env.desk_at(t, args).ok();
    let dst =
        at("2026-12-01T09:00:00Z", &["new", "A", "-b", "x", "--requester", "Jane <jane@example.com>"]).line();
    let src =
        at("2026-12-01T09:30:00Z", &["new", "B", "-b", "x", "--requester", "Jim <jim@example.com>"]).line();
    at("2026-12-01T10:00:00Z", &["reply", &src, "-m", "On it"]);
    at("2026-12-01T11:00:00Z", &["merge", &src, "--into", &dst]);
    let report = env
        .desk(&["report", "--since", "2026-12-01", "--until", "2026-12-02", "--json", "--utc"])
        .ok()
        .json();
    assert_eq!(
        (report["created"].clone(), report["resolved"].clone(), report["backlog"].clone()),
        (json!(2), json!(0), json!(1)),
        "{report:#}"
    );
    // Only B's own reply (at 10:00, 30 minutes after B) is a first response; the copy in A is not.
    assert_eq!(report["first_response"]["count"], 1, "{report:#}");
    assert_eq!(report["first_response"]["median_seconds"], 1800, "{report:#}");
}

#[test]
fn split_makes_a_new_ticket_from_one_comment_linked_both_ways() {
    let env = TestEnv::initialised();
    let id =
        env.new_ticket("Printer", &["--requester", "Jane <jane@example.com>", "--queue", "it", "-l", "hw"]);
    env.desk(&["reply", &id, "--from", "requester", "-m", "Also my VPN drops every hour.\n\nSince Monday."])
        .ok();
    let comment = show(&env, &id)["comments"][0]["id"].as_str().unwrap().to_owned();
    let head = env.desk_head();
    let new = env.desk(&["split", &id, "--comment", &comment[..5]]).ok().line();
    assert_eq!(commits(&env, &head), "1");
    let t = show(&env, &new);
    assert_eq!(t["title"], "Also my VPN drops every hour.");
    assert_eq!(t["body"], "Also my VPN drops every hour.\n\nSince Monday.");
    assert_eq!(
        (t["requester"].clone(), t["queue"].clone(), t["labels"].clone()),
        (json!("Jane <jane@example.com>"), json!("it"), json!(["hw"]))
    );
    assert_eq!(t["links"], json!([format!("relates:{id}")]));
    let old = show(&env, &id);
    assert_eq!(old["comments"][0]["body"], format!("Moved to ticket {new} — Also my VPN drops every hour."));
    assert_eq!(old["links"], json!([format!("relates:{new}")]));
    let again = env.desk(&["split", &id, "--comment", &comment]).error(1);
    assert!(again.contains("was split off already"), "{again}");
    let titled = env.desk(&["note", &id, "-m", "internal"]).ok();
    assert_eq!(titled.code, 0);
    let note = show(&env, &id)["comments"][1]["id"].as_str().unwrap().to_owned();
    let other = env.desk(&["split", &id, "--comment", &note, "Own title", "--json"]).ok().json();
    assert_eq!(other["title"], "Own title");
    assert_eq!(
        env.desk(&["split", &id, "--comment", "zz"]).error(2),
        "comment id 'zz' is too short: give 4 or more characters"
    );
}

#[test]
fn resolving_a_problem_with_cascade_resolves_its_incidents_with_a_reply_in_one_commit() {
    let env = TestEnv::initialised();
    let problem = env.new_ticket("Mail server down", &[]);
    let one = env.new_ticket("No mail", &[]);
    let two = env.new_ticket("Mail bounces", &[]);
    let done = env.new_ticket("Old incident", &[]);
    for i in [&one, &two, &done] {
        env.desk(&["link", i, &problem, "--type", "caused-by"]).ok();
    }
    env.desk(&["resolve", &done]).ok();
    // Without --cascade (and without a terminal) only the problem is resolved, with a hint.
    let plain = env.new_ticket("Plain problem", &[]);
    let run = env.desk(&["resolve", &problem]).ok();
    assert!(run.stderr.contains("hint: 2 tickets caused by it are still open"), "{run}");
    assert_eq!(show(&env, &one)["status"], "new");
    let head = env.desk_head();
    let run = env.desk(&["resolve", &problem, "--cascade", "-m", "Fixed: the mail server is back."]).ok();
    assert!(run.stderr.contains("resolved 2 tickets it caused"), "{run}");
    assert_eq!(commits(&env, &head), "1");
    for i in [&one, &two] {
        let t = show(&env, i);
        assert_eq!(t["status"], "resolved");
        assert_eq!(t["comments"][0]["body"], "Fixed: the mail server is back.");
    }
    assert_eq!(show(&env, &done)["comments"], json!([]));
    let ok = env.desk(&["resolve", &plain, "--cascade"]).ok();
    assert!(ok.stderr.contains("resolved 0 tickets it caused"), "{ok}");
}
