//! `desk list`: the default queue, every query term, sorting, the table people
//! read (snapshots) and the JSON schema scripts read.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{Run, TestEnv};

/// A helpdesk with four tickets of known shape, and their ids by name.
struct Fixture {
    env: TestEnv,
    names: Vec<(String, &'static str)>,
}

impl Fixture {
    fn new() -> Fixture {
        let env = TestEnv::initialised();
        let mut names = Vec::new();
        let mut add = |name: &'static str, time: &str, args: &[&str]| {
            let id = env.desk_at(time, args).ok().line();
            names.push((id.clone(), name));
            id
        };
        let printer = add(
            "printer",
            "2026-11-20T10:00:00Z",
            &[
                "new",
                "Printer on 3rd floor shows error 0x42",
                "-b",
                "The fuser makes a grinding noise.",
                "--priority",
                "high",
                "--queue",
                "it",
                "-l",
                "hardware",
                "-l",
                "printer",
                "--requester",
                "Jane Doe <jane@example.com>",
                "--assignee",
                "Ada Agent <ada@example.com>",
            ],
        );
        let vpn = add(
            "vpn",
            "2026-11-27T08:00:00Z",
            &[
                "new",
                "VPN disconnects every 10 minutes",
                "-b",
                "Since this morning.",
                "--priority",
                "urgent",
                "--queue",
                "network",
                "-l",
                "vpn",
                "--requester",
                "Omar Haddad <omar@example.com>",
                "--assignee",
                "me",
            ],
        );
        let share = add(
            "share",
            "2026-10-15T12:00:00Z",
            &[
                "new",
                "Access to the finance share",
                "-b",
                "I need read access.",
                "--queue",
                "access",
                "-l",
                "access",
                "--requester",
                "Li Wei <li.wei@example.com>",
            ],
        );
        let laptop = add(
            "laptop",
            "2026-11-02T09:00:00Z",
            &[
                "new",
                "Laptop battery is swollen",
                "-b",
                "The touchpad no longer clicks.",
                "--priority",
                "low",
                "-l",
                "hardware",
                "--requester",
                "Sam Rivera <sam@example.com>",
            ],
        );
        env.desk_at("2026-11-27T15:00:00Z", &["reply", &printer, "-m", "Is it a Paper Jam in tray 2?"]).ok();
        env.desk_at("2026-11-16T09:00:00Z", &["status", &share, "pending"]).ok();
        env.desk_at("2026-11-03T09:00:00Z", &["resolve", &laptop]).ok();
        let _ = vpn;
        Fixture { env, names }
    }

    fn name(&self, id: &str) -> &'static str {
        self.names.iter().find(|(i, _)| i == id).map_or_else(|| panic!("unknown id {id}"), |(_, n)| *n)
    }

    fn id(&self, name: &str) -> &str {
        &self.names.iter().find(|(_, n)| *n == name).expect("known name").0
    }

    /// Names of the tickets `desk list --json ARGS` prints, in order.
    fn list(&self, args: &[&str]) -> Vec<&'static str> {
        let mut full = vec!["list", "--json"];
        full.extend_from_slice(args);
        let run = self.env.desk(&full).ok();
        assert_eq!(run.stderr, "", "{run}");
        run.json().as_array().unwrap().iter().map(|t| self.name(t["id"].as_str().unwrap())).collect()
    }

    /// The same, as a set.
    fn set(&self, args: &[&str]) -> BTreeSet<&'static str> {
        self.list(args).into_iter().collect()
    }

    /// Human output with each ticket's shown id replaced by a placeholder of
    /// the same width (`id-<name>` cut or padded), so columns stay aligned.
    fn redact(&self, run: &Run) -> String {
        let mut text = run.stdout.clone();
        for (id, name) in &self.names {
            let short = &id[..6];
            let placeholder = format!("{:-<6}", &name[..name.len().min(6)]);
            text = text.replace(short, &placeholder);
        }
        text
    }
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

#[test]
fn the_default_queue_is_every_ticket_not_done_most_urgent_first() {
    let f = Fixture::new();
    assert_eq!(f.list(&[]), ["vpn", "printer", "share"]);
    assert_eq!(f.list(&["--all"]), ["vpn", "printer", "share", "laptop"]);
    assert_eq!(f.list(&["--all", "--limit", "2"]), ["vpn", "printer"]);
    assert_eq!(f.list(&["--all", "--sort", "created"]), ["share", "laptop", "printer", "vpn"]);
    assert_eq!(f.list(&["--all", "--sort=-created"]), ["vpn", "printer", "laptop", "share"]);
    assert_eq!(f.list(&["--all", "--sort", "updated"]), ["printer", "vpn", "share", "laptop"]);
    assert_eq!(f.list(&["--all", "--sort", "title"]), ["share", "laptop", "printer", "vpn"]);
    assert_eq!(f.list(&["--all", "--sort", "status"]), ["vpn", "printer", "share", "laptop"]);
    let message = f.env.desk(&["list", "--sort", "colour"]).error(2);
    assert!(
        message
            .contains("allowed: id, title, status, priority, queue, requester, assignee, created, updated"),
        "{message}"
    );
}

#[test]
fn every_query_term_selects_what_it_says() {
    let f = Fixture::new();
    let cases: &[(&[&str], &[&'static str])] = &[
        (&["status:pending"], &["share"]),
        (&["status:new,open"], &["printer", "vpn"]),
        (&["status:resolved"], &["laptop"]),
        (&["is:open"], &["printer", "vpn", "share"]),
        (&["is:done"], &["laptop"]),
        (&["priority:high"], &["printer"]),
        (&["priority:>=high"], &["printer", "vpn"]),
        (&["priority:>normal"], &["printer", "vpn"]),
        (&["priority:<normal", "--all"], &["laptop"]),
        (&["priority:<=normal"], &["share"]),
        (&["priority:low,urgent", "--all"], &["laptop", "vpn"]),
        (&["assignee:me"], &["vpn"]),
        (&["assignee:none"], &["share"]),
        (&["assignee:ada"], &["printer"]),
        (&["assignee:ADA@EXAMPLE"], &["printer"]),
        (&["assignee:none,me"], &["share", "vpn"]),
        (&["is:assigned"], &["printer", "vpn"]),
        (&["is:unassigned", "--all"], &["share", "laptop"]),
        (&["requester:jane"], &["printer"]),
        (&["requester:li.wei@"], &["share"]),
        (&["queue:network"], &["vpn"]),
        (&["queue:it,access"], &["printer", "share"]),
        (&["label:hardware"], &["printer"]),
        (&["label:hardware", "--all"], &["printer", "laptop"]),
        (&["-label:hardware"], &["vpn", "share"]),
        (&["-label:hardware", "--all"], &["vpn", "share"]),
        (&["-status:new"], &["printer", "share", "laptop"]),
        (&["-is:done"], &["printer", "vpn", "share"]),
        (&["-assignee:me"], &["printer", "share"]),
        (&["created:>2026-11-01"], &["printer", "vpn"]),
        (&["created:>2026-11-01", "--all"], &["printer", "vpn", "laptop"]),
        (&["created:<2026-11-01"], &["share"]),
        (&["created:2026-11-27"], &["vpn"]),
        (&["created:>=2026-11-27T08:00:00Z"], &["vpn"]),
        (&["created:<7d"], &["vpn"]),
        (&["created:>7d"], &["printer", "share"]),
        (&["updated:<7d"], &["printer", "vpn"]),
        (&["updated:>7d", "--all"], &["share", "laptop"]),
        (&["updated:<2h"], &[]),
        // Words search title, description and conversation, case-insensitively.
        (&["printer"], &["printer"]),
        (&["VPN"], &["vpn"]),
        (&["grinding"], &["printer"]),
        (&["paper", "jam"], &["printer"]),
        (&["\"paper jam\""], &["printer"]),
        (&["\"jam paper\""], &[]),
        (&["touchpad"], &[]),
        (&["touchpad", "--all"], &["laptop"]),
        (&["--", "-printer"], &["vpn", "share"]),
        (&["-\"paper jam\""], &["vpn", "share"]),
        (&["access", "status:pending"], &["share"]),
        (&["status:pending priority:normal"], &["share"]),
        (&["label:hardware", "grinding", "-assignee:none"], &["printer"]),
    ];
    for (args, expected) in cases {
        assert_eq!(f.set(args), set(expected), "desk list {args:?}");
    }
}

#[test]
fn bad_queries_are_usage_errors() {
    let f = Fixture::new();
    for (query, needle) in [
        ("status:done", "new, open, pending, resolved, closed, merged"),
        ("priority:>=asap", "low, normal, high, urgent"),
        ("colour:red", "unknown query key"),
        ("is:happy", "open, done"),
        ("created:>yesterday", "YYYY-MM-DD"),
        ("label:", "needs a value"),
        ("\"unterminated", "unterminated quote"),
    ] {
        let message = f.env.desk(&["list", query]).error(2);
        assert!(message.contains(needle), "{query}: {message}");
        f.env.desk(&["list", "--json", query]).error(2);
    }
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let f = Fixture::new();
    let printer = f.id("printer").to_owned();
    f.env.desk_at("2026-11-27T16:00:00Z", &["note", &printer, "-m", "Vendor case 42."]).ok();
    f.env.desk(&["set", &printer, "asset:=4711", "customer_tier=gold"]).ok();
    let list = f.env.desk(&["list", "--json", "--all"]).ok().json();
    let tickets = list.as_array().expect("an array");
    assert_eq!(tickets.len(), 4);
    let keys = |v: &Value| v.as_object().expect("an object").keys().cloned().collect::<Vec<_>>();
    let rfc3339 = |v: &Value| {
        let s = v.as_str().unwrap_or_else(|| panic!("{v} is a string"));
        let t = chrono::DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.offset().local_minus_utc(), 0, "{s} is UTC");
        assert!(s.ends_with('Z'), "{s} ends with Z");
    };
    let string_or_null = |v: &Value| assert!(v.is_string() || v.is_null(), "{v}");
    for t in tickets {
        assert_eq!(
            keys(t),
            [
                "id",
                "title",
                "status",
                "priority",
                "queue",
                "requester",
                "assignee",
                "cc",
                "labels",
                "links",
                "follow_up",
                "origin",
                "created",
                "updated",
                "rating",
                "body",
                "comments",
                "fields"
            ]
        );
        for k in ["id", "title", "status", "priority", "body"] {
            assert!(t[k].is_string(), "{k}: {t}");
        }
        assert_eq!(t["id"].as_str().unwrap().len(), 10);
        for k in ["queue", "requester", "assignee", "follow_up", "origin"] {
            string_or_null(&t[k]);
        }
        assert!(t["labels"].as_array().unwrap().iter().all(Value::is_string));
        assert!(t["cc"].as_array().unwrap().iter().all(Value::is_string));
        rfc3339(&t["created"]);
        rfc3339(&t["updated"]);
        assert!(t["rating"].is_null());
        assert!(t["fields"].is_object());
        for c in t["comments"].as_array().unwrap() {
            assert_eq!(keys(c), ["id", "author", "date", "visibility", "automated", "merged", "body"]);
            assert!(c["id"].is_string() && c["author"].is_string() && c["body"].is_string());
            rfc3339(&c["date"]);
            assert!(c["visibility"] == "public" || c["visibility"] == "internal");
        }
    }
    // show --json is the same object as the list's element.
    for t in tickets {
        assert_eq!(&f.env.desk(&["show", t["id"].as_str().unwrap(), "--json"]).ok().json(), t);
    }
    let p = tickets.iter().find(|t| t["id"] == printer.as_str()).unwrap();
    assert_eq!(p["comments"][0]["visibility"], "public");
    assert_eq!(p["comments"][0]["date"], "2026-11-27T15:00:00Z");
    assert_eq!(p["comments"][1]["visibility"], "internal");
    assert_eq!(p["fields"], serde_json::json!({"asset": 4711, "customer_tier": "gold"}));
    assert_eq!(p["created"], "2026-11-20T10:00:00Z");
    assert_eq!(p["labels"], serde_json::json!(["hardware", "printer"]));
    // No match is an empty array, not an error.
    let none = f.env.desk(&["list", "--json", "nothing-matches-this"]).ok();
    assert_eq!(none.json(), serde_json::json!([]));
}

#[test]
fn the_table_is_stable() {
    let f = Fixture::new();
    let run = f.env.desk_env(&["list", "--all"], &[("COLUMNS", "120")]).ok();
    insta::assert_snapshot!("list_all", f.redact(&run));
    let run = f.env.desk_env(&["list", "label:hardware"], &[("COLUMNS", "120")]).ok();
    insta::assert_snapshot!("list_hardware", f.redact(&run));
    // Without COLUMNS (and no terminal) nothing is cut.
    let wide = f.env.desk(&["list", "--all"]).ok();
    assert_eq!(wide.stdout, run_with_columns(&f, "400").stdout);
    let nothing = f.env.desk(&["list", "status:closed"]).ok();
    assert_eq!(nothing.stdout, "");
    assert!(nothing.stderr.contains("no tickets match"), "{nothing}");
}

fn run_with_columns(f: &Fixture, columns: &str) -> Run {
    f.env.desk_env(&["list", "--all"], &[("COLUMNS", columns)]).ok()
}

#[test]
fn a_narrow_terminal_cuts_titles_and_nothing_else() {
    let f = Fixture::new();
    let run = run_with_columns(&f, "64");
    insta::assert_snapshot!("list_narrow", f.redact(&run));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "one line per ticket:\n{run}");
    for line in &lines {
        assert!(line.chars().count() <= 64, "{line:?} fits 64 columns");
    }
    for (id, _) in &f.names {
        assert!(run.stdout.contains(&id[..6]), "id {id} shown whole:\n{run}");
    }
    assert!(run.stdout.contains('…'), "{run}");
    for status in ["new", "pending", "resolved"] {
        assert!(run.stdout.contains(status), "{status}:\n{run}");
    }
}

#[test]
fn the_list_cache_follows_hand_made_commits_and_can_be_deleted() {
    let f = Fixture::new();
    let all = |f: &Fixture| f.env.desk(&["list", "--all", "--json"]).ok().stdout;
    let before = all(&f);
    // A commit made with plain git changes a ticket: the cached index follows.
    let vpn = f.id("vpn").to_owned();
    let text = f.env.ticket_file(&vpn).replace("VPN disconnects every 10 minutes", "VPN is fine again");
    f.env.commit_by_hand(&[(&format!("tickets/{}/{vpn}.md", &vpn[..2]), &text)], "retitled by hand");
    let after = all(&f);
    assert_ne!(after, before);
    assert!(after.contains("VPN is fine again") && !after.contains("every 10 minutes"), "{after}");
    assert_eq!(f.list(&["\"fine again\""]), ["vpn"]);
    // Deleting or corrupting the cache changes no output.
    let cache = f.env.repo.join(".git/desk");
    assert!(cache.is_dir(), "list keeps its index under .git/desk");
    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(all(&f), after);
    let searched = f.list(&["--all", "morning"]);
    assert_eq!(searched, ["vpn"]);
    for dir in ["list", "text"] {
        let files: Vec<_> = std::fs::read_dir(cache.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(!files.is_empty(), "an index file per shard in .git/desk/{dir}");
        for file in files {
            std::fs::write(file, b"not an index").unwrap();
        }
    }
    assert_eq!(all(&f), after);
    assert_eq!(f.list(&["--all", "morning"]), searched);
    let human = f.env.desk_env(&["list", "--all"], &[("COLUMNS", "120")]).ok().stdout;
    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(f.env.desk_env(&["list", "--all"], &[("COLUMNS", "120")]).ok().stdout, human);
}

#[test]
fn colour_only_when_asked_for_or_on_a_terminal() {
    let f = Fixture::new();
    let esc = '\u{1b}';
    let id = f.id("printer").to_owned();
    for args in [vec!["list"], vec!["show", id.as_str()]] {
        assert!(!f.env.desk(&args).ok().stdout.contains(esc), "{args:?} piped");
        let mut always = args.clone();
        always.extend(["--color", "always"]);
        assert!(f.env.desk(&always).ok().stdout.contains(esc), "{always:?}");
        let mut never = args.clone();
        never.extend(["--color", "never"]);
        assert!(!f.env.desk(&never).ok().stdout.contains(esc), "{never:?}");
    }
    let run = f.env.desk(&["label", &id, "extra"]).ok();
    assert!(!run.stderr.contains(esc), "confirmations honour NO_COLOR: {run:?}");
    let run = f.env.desk(&["show", "zzzzzzzzzz"]);
    assert!(!run.stderr.contains(esc), "{run:?}");
}

#[test]
fn ndjson_and_fields_print_the_tickets_json_prints() {
    let f = Fixture::new();
    for query in
        [vec!["--all"], vec!["is:open"], vec!["--all", "tray"], vec!["--sort", "-created", "--limit", "2"]]
    {
        let with = |extra: &[&str]| {
            let mut args = vec!["list"];
            args.extend_from_slice(&query);
            args.extend_from_slice(extra);
            f.env.desk(&args).ok().stdout
        };
        let array: serde_json::Value = serde_json::from_str(&with(&["--json"])).unwrap();
        let array = array.as_array().unwrap().clone();
        assert!(!array.is_empty(), "{query:?}");
        let lines: Vec<serde_json::Value> =
            with(&["--ndjson"]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, array, "{query:?}");
        let selected: Vec<String> =
            array.iter().map(|t| format!("{{\"status\":{},\"id\":{}}}\n", t["status"], t["id"])).collect();
        let selected = selected.concat();
        assert_eq!(with(&["--ndjson", "--fields", "status,id"]), selected, "{query:?}");
        let bodies: Vec<serde_json::Value> =
            array.iter().map(|t| serde_json::json!({"id": t["id"], "body": t["body"]})).collect();
        let printed: serde_json::Value = serde_json::from_str(&with(&["--fields", "id,body"])).unwrap();
        assert_eq!(printed, serde_json::Value::Array(bodies), "{query:?}");
    }
    assert_eq!(f.env.desk(&["list", "nothing-matches-this", "--json"]).ok().stdout, "[]\n");
    assert_eq!(f.env.desk(&["list", "nothing-matches-this", "--ndjson"]).ok().stdout, "");
}
