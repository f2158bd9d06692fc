//! Creating and changing tickets: every write command, its commit, and the
//! promise that the user's HEAD, index and working tree never change.

use crate::common::{COMMIT_TIME, TestEnv};

/// `(author, author date, committer, committer date, subject, body)` of a commit.
fn commit_info(env: &TestEnv, rev: &str) -> [String; 6] {
    let out = env.git(&["log", "-1", "--format=%an <%ae>%x00%aI%x00%cn <%ce>%x00%cI%x00%s%x00%b", rev]);
    let parts: Vec<String> = out.trim_end().split('\0').map(str::to_owned).collect();
    parts.try_into().expect("six fields")
}

#[test]
fn init_is_harmless_twice_and_touches_nothing_of_the_user() {
    let env = TestEnv::new();
    env.with_user_work();
    let before = env.user_state();
    let run = env.desk(&["init"]).ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("initialised desk on branch 'desk'"), "{run}");
    assert_eq!(env.user_state(), before);
    let head = env.desk_head();
    // The desk branch is a root commit holding desk.yaml and the attributes
    // that route ticket files to desk's merge driver.
    assert_eq!(env.git(&["ls-tree", "--name-only", "-r", &head]), ".gitattributes\ndesk.yaml\n");
    assert_eq!(env.git(&["rev-list", "--count", &head]).trim(), "1");
    let [author, _, _, _, subject, _] = commit_info(&env, &head);
    assert_eq!(author, "Test Agent <agent@example.com>");
    assert_eq!(subject, "desk init");

    let again = env.desk(&["init"]).ok();
    assert!(again.stderr.contains("already initialised"), "{again}");
    assert_eq!(env.desk_head(), head);
    assert_eq!(env.user_state(), before);
}

#[test]
fn every_write_is_one_commit_and_leaves_head_index_and_tree_alone() {
    let env = TestEnv::new();
    env.with_user_work();
    env.desk(&["init"]).ok();
    let id = env.new_ticket("Printer jams", &[]);
    // The edit replaces the whole file: it keeps the status the ticket has by then.
    let edited = env
        .ticket_file(&id)
        .replace("Something is wrong.", "Something is very wrong.")
        .replace("status: new", "status: open");
    let edit_file = env.root.join("edited.md");
    std::fs::write(&edit_file, edited).unwrap();
    let edit_path = edit_file.to_str().unwrap();
    let before = env.user_state();
    let writes: Vec<Vec<&str>> = vec![
        vec!["new", "Another one", "-b", "text"],
        vec!["reply", &id, "-m", "On it."],
        vec!["note", &id, "-m", "Vendor called."],
        vec!["assign", &id, "--me"],
        vec!["status", &id, "pending"],
        vec!["resolve", &id],
        vec!["reopen", &id],
        vec!["label", &id, "+printer", "hardware"],
        vec!["label", &id, "-hardware"],
        vec!["set", &id, "priority=high", "queue=it"],
        vec!["edit", &id, "-F", edit_path],
        vec!["close", &id],
    ];
    for args in &writes {
        let old = env.desk_head();
        env.desk(args).ok();
        let new = env.desk_head();
        assert_ne!(new, old, "{args:?} made a commit");
        assert_eq!(
            env.git(&["rev-parse", &format!("{new}^")]).trim(),
            old,
            "{args:?}: parent is the old tip"
        );
        assert_eq!(env.git(&["rev-list", "--count", &format!("{old}..{new}")]).trim(), "1", "{args:?}");
        assert_eq!(env.user_state(), before, "{args:?} changed the user's repository");
    }
    let head = env.desk_head();
    for args in [vec!["list", "--all"], vec!["show", &id], vec!["doctor"], vec!["list", "--json", "jams"]] {
        env.desk(&args).ok();
        assert_eq!(env.user_state(), before, "{args:?} changed the user's repository");
    }
    assert_eq!(env.desk_head(), head, "reading writes nothing");
}

#[test]
fn new_prints_the_full_id_and_stores_every_field() {
    let env = TestEnv::initialised();
    let run = env
        .desk(&[
            "new",
            "VPN drops",
            "-b",
            "Every *ten* minutes.",
            "--requester",
            "Jane Doe <jane@example.com>",
            "--assignee",
            "Bob Agent <bob@example.com>",
            "--priority",
            "urgent",
            "--queue",
            "network",
            "-l",
            "vpn",
            "-l",
            "remote",
        ])
        .ok();
    let id = run.line();
    assert_eq!(run.stdout, format!("{id}\n"));
    assert_eq!(env.all_ids(), std::slice::from_ref(&id));
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["title"], "VPN drops");
    assert_eq!(t["body"], "Every *ten* minutes.");
    assert_eq!(t["requester"], "Jane Doe <jane@example.com>");
    assert_eq!(t["assignee"], "Bob Agent <bob@example.com>");
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["queue"], "network");
    assert_eq!(t["labels"], serde_json::json!(["vpn", "remote"]));
    assert_eq!(t["status"], "new");
    assert_eq!(t["comments"], serde_json::json!([]));

    // --json prints the ticket instead of the id; --assignee me is the acting user.
    let j = env.desk(&["new", "Second", "-b", "", "--assignee", "me", "--json"]).ok().json();
    assert_eq!(j["title"], "Second");
    assert_eq!(j["body"], "");
    assert_eq!(j["priority"], "normal");
    assert_eq!(j["assignee"], "Test Agent <agent@example.com>");
    assert_eq!(j["requester"], "Test Agent <agent@example.com>");
    assert_eq!(j, env.desk(&["show", j["id"].as_str().unwrap(), "--json"]).ok().json());
}

#[test]
fn new_reads_the_description_from_a_file_or_stdin() {
    let env = TestEnv::initialised();
    let file = env.root.join("body.md");
    std::fs::write(&file, "\n\nFrom a file.\r\n\r\nSecond paragraph.\n\n").unwrap();
    let id = env.desk(&["new", "From file", "-F", file.to_str().unwrap()]).ok().line();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["body"], "From a file.\n\nSecond paragraph.");

    let id = env.desk_stdin(&["new", "From stdin", "-F", "-"], "Piped in.\n").ok().line();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["body"], "Piped in.");
}

#[test]
fn new_without_a_terminal_names_what_is_missing_and_writes_nothing() {
    let env = TestEnv::initialised();
    let head = env.desk_head();
    let message = env.desk(&["new", "-b", "body only"]).error(2);
    assert!(message.contains("title"), "{message}");
    let message = env.desk_without_editor(&["new", "Title only"]).error(2);
    assert!(message.contains("description") && message.contains("-b"), "{message}");
    let message = env.desk(&["new", "   ", "-b", "x"]).error(2);
    assert!(message.contains("title") && message.contains("empty"), "{message}");
    let message = env.desk(&["new", "Bad", "-b", "x", "--priority", "whenever"]).error(2);
    assert!(message.contains("low, normal, high, urgent"), "{message}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn commits_name_the_acting_person_the_verb_and_the_ticket() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Laptop battery is swollen and the touchpad no longer clicks at all", &[]);
    let [author, date, committer, cdate, subject, body] = commit_info(&env, "refs/heads/desk");
    assert_eq!(author, "Test Agent <agent@example.com>");
    assert_eq!(committer, "Test Agent <agent@example.com>");
    assert_eq!(date, "2026-11-28T09:00:00Z");
    assert_eq!(cdate, "2026-11-28T09:00:00Z");
    // The title is cut to keep the summary line short.
    assert_eq!(subject, format!("{} new: Laptop battery is swollen and the touchpad no long…", &id[..6]));
    assert_eq!(body.trim_end(), format!("Desk-Ticket: {id}"));
    let trailer =
        env.git(&["log", "-1", "--format=%(trailers:key=Desk-Ticket,valueonly)", "refs/heads/desk"]);
    assert_eq!(trailer.trim(), id);

    // GIT_AUTHOR_* and GIT_COMMITTER_* are honoured as git honours them.
    env.desk_env(
        &["reply", &id, "-m", "We will swap it."],
        &[
            ("GIT_AUTHOR_NAME", "Ada Agent"),
            ("GIT_AUTHOR_EMAIL", "ada@example.com"),
            ("GIT_AUTHOR_DATE", "2026-11-28T10:30:00+01:00"),
            ("GIT_COMMITTER_NAME", "Mail Gateway"),
            ("GIT_COMMITTER_EMAIL", "gateway@example.com"),
            ("GIT_COMMITTER_DATE", "2026-11-28T11:00:00Z"),
        ],
    )
    .ok();
    let [author, date, committer, cdate, subject, body] = commit_info(&env, "refs/heads/desk");
    assert_eq!(author, "Ada Agent <ada@example.com>");
    assert_eq!(date, "2026-11-28T10:30:00+01:00");
    assert_eq!(committer, "Mail Gateway <gateway@example.com>");
    assert_eq!(cdate, "2026-11-28T11:00:00Z");
    assert_eq!(subject, format!("{} reply: Laptop battery is swollen and the touchpad no long…", &id[..6]));
    assert_eq!(body.trim_end(), format!("Desk-Ticket: {id}"));
    // The reply records the same person and time.
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["comments"][0]["author"], "Ada Agent <ada@example.com>");
    assert_eq!(t["comments"][0]["date"], "2026-11-28T09:30:00Z");
    assert_eq!(t["updated"], "2026-11-28T09:30:00Z");
    assert_eq!(t["created"], COMMIT_TIME);
}

#[test]
fn reply_and_note_add_to_the_conversation() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["--requester", "Jane Doe <jane@example.com>"]);
    let run =
        env.desk_at("2026-11-28T09:10:00Z", &["reply", &id, "-m", "First paragraph.", "-m", "Second."]).ok();
    assert_eq!(run.stdout, "");
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    // A first reply moves a new ticket to open.
    assert_eq!(t["status"], "open");
    assert_eq!(t["comments"][0]["body"], "First paragraph.\n\nSecond.");
    assert_eq!(t["comments"][0]["visibility"], "public");
    assert_eq!(t["comments"][0]["date"], "2026-11-28T09:10:00Z");
    assert_eq!(t["updated"], "2026-11-28T09:10:00Z");

    env.desk(&["note", &id, "-m", "Internal: vendor case 42."]).ok();
    let file = env.root.join("reply.md");
    std::fs::write(&file, "---\nA reply with a rule and\n# a heading\n<!-- desk:reply x -->\n").unwrap();
    env.desk(&["reply", &id, "-F", file.to_str().unwrap(), "--status", "pending"]).ok();
    env.desk_stdin(&["reply", &id, "-F", "-"], "From stdin.").ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    let comments = t["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 4);
    assert_eq!(comments[1]["visibility"], "internal");
    assert_eq!(comments[1]["body"], "Internal: vendor case 42.");
    // Text that looks like file structure stays text.
    assert_eq!(comments[2]["body"], "---\nA reply with a rule and\n# a heading\n<!-- desk:reply x -->");
    assert_eq!(comments[3]["body"], "From stdin.");
    assert_eq!(t["status"], "pending");
    let ids: std::collections::HashSet<&str> = comments.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "comment ids are distinct");
    let subjects = env.git(&["log", "--format=%s", "-4", "refs/heads/desk"]);
    let verbs: Vec<&str> = subjects.lines().map(|s| s.split(' ').nth(1).unwrap()).collect();
    assert_eq!(verbs, ["reply:", "reply:", "note:", "reply:"]);

    // Without text, a terminal or an editor, reply fails naming the flags.
    let head = env.desk_head();
    let message = env.desk_without_editor(&["reply", &id]).error(2);
    assert!(message.contains("-m") && message.contains("-F"), "{message}");
    let message = env.desk(&["note", &id, "-m", "  "]).error(2);
    assert!(message.contains("empty"), "{message}");
    let message = env.desk(&["reply", &id, "-m", "x", "--status", "wontfix"]).error(2);
    assert!(message.contains("new, open, pending, resolved, closed, merged"), "{message}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn assign_to_someone_to_me_and_to_nobody() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Access to the finance share", &[]);
    let assignee = |env: &TestEnv| env.desk(&["show", &id, "--json"]).ok().json()["assignee"].clone();
    let run = env.desk(&["assign", &id, "Bob Agent <bob@example.com>"]).ok();
    assert!(run.stderr.contains("assigned to Bob Agent <bob@example.com>"), "{run}");
    assert_eq!(assignee(&env), "Bob Agent <bob@example.com>");
    env.desk(&["assign", &id, "--me"]).ok();
    assert_eq!(assignee(&env), "Test Agent <agent@example.com>");
    env.desk(&["assign", &id, "--none"]).ok();
    assert_eq!(assignee(&env), serde_json::Value::Null);
    env.desk(&["assign", &id, "me"]).ok();
    assert_eq!(assignee(&env), "Test Agent <agent@example.com>");
    // The same assignment again commits nothing.
    let head = env.desk_head();
    let run = env.desk(&["assign", &id, "--me"]).ok();
    assert!(run.stderr.contains("nothing to commit"), "{run}");
    assert_eq!(env.desk_head(), head);
    env.desk(&["assign", &id]).fails(2);
    env.desk(&["assign", &id, "--me", "--none"]).fails(2);
    assert_eq!(env.desk_head(), head);
    // `none` means nobody, as in the query `assignee:none`.
    env.desk(&["assign", &id, "--me"]).ok();
    env.desk(&["assign", &id, "none"]).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["assignee"], serde_json::Value::Null);
    env.desk(&["assign", &id, "--me"]).ok();
    env.desk(&["set", &id, "assignee=None"]).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["assignee"], serde_json::Value::Null);
}

#[test]
fn status_resolve_close_and_reopen_move_through_the_workflow() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Outlook asks for a password", &[]);
    let status = |env: &TestEnv| env.desk(&["show", &id, "--json"]).ok().json()["status"].clone();
    env.desk(&["status", &id, "pending"]).ok();
    assert_eq!(status(&env), "pending");
    env.desk(&["resolve", &id]).ok();
    assert_eq!(status(&env), "resolved");
    env.desk(&["reopen", &id]).ok();
    assert_eq!(status(&env), "open");
    // Reopening a ticket that is not done changes nothing.
    let head = env.desk_head();
    env.desk(&["reopen", &id]).ok();
    assert_eq!(env.desk_head(), head);
    let message = env.desk(&["status", &id, "done"]).error(2);
    assert!(message.contains("new, open, pending, resolved, closed, merged"), "{message}");
    assert_eq!(env.desk_head(), head);
    env.desk(&["close", &id]).ok();
    assert_eq!(status(&env), "closed");
    // Closed is final: closing again changes nothing, reopening is refused.
    env.desk(&["close", &id]).ok();
    env.desk(&["reopen", &id]).error(1);
    assert_eq!(status(&env), "closed");
    let subjects = env.git(&["log", "--format=%s", "-4", "refs/heads/desk"]);
    let verbs: Vec<&str> = subjects.lines().map(|s| s.split(' ').nth(1).unwrap()).collect();
    assert_eq!(verbs, ["close:", "reopen:", "resolve:", "status:"]);
}

#[test]
fn label_adds_with_or_without_plus_and_removes_with_minus() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "x"]);
    let labels = |env: &TestEnv| env.desk(&["show", &id, "--json"]).ok().json()["labels"].clone();
    env.desk(&["label", &id, "+printer", "hardware", "area/3rd-floor"]).ok();
    assert_eq!(labels(&env), serde_json::json!(["x", "printer", "hardware", "area/3rd-floor"]));
    // `-x` removes the label x; it is not read as a flag.
    env.desk(&["label", &id, "-x", "-hardware"]).ok();
    assert_eq!(labels(&env), serde_json::json!(["printer", "area/3rd-floor"]));
    let head = env.desk_head();
    env.desk(&["label", &id, "printer"]).ok();
    assert_eq!(env.desk_head(), head, "adding a label it has commits nothing");
    let message = env.desk(&["label", &id, "+a", "-a"]).error(2);
    assert!(message.contains("'a'"), "{message}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn set_changes_fields_and_custom_fields() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Old title", &["--queue", "it"]);
    env.desk(&[
        "set",
        &id,
        "priority=high",
        "queue=network",
        "requester=Jane Doe <jane@example.com>",
        "title=New title",
        "customer_tier=gold",
        "asset:=4711",
    ])
    .ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["priority"], "high");
    assert_eq!(t["queue"], "network");
    assert_eq!(t["requester"], "Jane Doe <jane@example.com>");
    assert_eq!(t["title"], "New title");
    assert_eq!(t["fields"], serde_json::json!({"customer_tier": "gold", "asset": 4711}));
    assert!(env.ticket_file(&id).contains("\ncustomer_tier: gold\nasset: 4711\n"));
    let subject = env.git(&["log", "-1", "--format=%s", "refs/heads/desk"]);
    assert_eq!(subject.trim(), format!("{} set: New title", &id[..6]));

    env.desk(&["set", &id, "assignee=me"]).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["assignee"], "Test Agent <agent@example.com>");

    // An empty value clears optional fields.
    env.desk(&["set", &id, "queue=", "asset=", "assignee="]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["queue"], serde_json::Value::Null);
    assert_eq!(t["assignee"], serde_json::Value::Null);
    assert_eq!(t["fields"], serde_json::json!({"customer_tier": "gold"}));

    let head = env.desk_head();
    for (pair, needle) in [
        ("priority=whenever", "low, normal, high, urgent"),
        ("title=", "title"),
        ("nonsense", "KEY=VALUE"),
        ("id=abc", "cannot be set"),
        ("Bad Key=1", "invalid field name"),
    ] {
        let message = env.desk(&["set", &id, pair]).error(2);
        assert!(message.contains(needle), "{pair}: {message}");
    }
    assert_eq!(env.desk_head(), head);
}

#[test]
fn cc_is_a_set_of_people_set_queried_shown_and_logged() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let ann = "Ann Admin <ann@example.com>";
    env.desk(&["set", &id, &format!("cc+={ann}"), "cc+=me"]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["cc"], serde_json::json!([ann, "Test Agent <agent@example.com>"]), "{t}");
    assert!(
        env.ticket_file(&id).contains("cc: [Ann Admin <ann@example.com>, Test Agent <agent@example.com>]")
    );
    // Adding someone already there (by email) changes nothing; removing goes by email or name.
    let head = env.desk_head();
    env.desk(&["set", &id, "cc+=ann admin <ANN@example.com>"]).ok();
    assert_eq!(env.desk_head(), head);
    assert_eq!(env.desk(&["list", "cc:ann"]).ok().stdout.lines().count(), 2, "a header and the ticket");
    assert_eq!(env.desk(&["list", "cc:none"]).ok().stdout, "");
    let show = env.desk(&["show", &id]).ok().stdout;
    assert!(show.contains("Cc         Ann Admin <ann@example.com>, Test Agent"), "{show}");
    env.desk(&["set", &id, "cc-=ann@example.com"]).ok();
    assert_eq!(
        env.desk(&["show", &id, "--json"]).ok().json()["cc"],
        serde_json::json!(["Test Agent <agent@example.com>"])
    );
    env.desk(&["set", &id, "cc="]).ok();
    assert!(!env.ticket_file(&id).contains("cc:"), "an empty set is not written");
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let cc: Vec<_> = log.as_array().unwrap().iter().filter(|e| e["kind"] == "cc").collect();
    assert_eq!(cc.len(), 3, "{log:#}");
    assert_eq!(cc[0]["added"], serde_json::json!([ann, "Test Agent <agent@example.com>"]));
    assert_eq!(cc[1]["removed"], serde_json::json!([ann]));
    // Only sets take += and -=, and a set takes text, not JSON.
    assert!(env.desk(&["set", &id, "title+=x"]).error(2).contains("'title' is not a set"));
    assert!(env.desk(&["set", &id, "cc:=[]"]).error(2).contains("takes text, not JSON"));
    assert!(env.desk(&["set", &id, "team+=x"]).error(2).contains("'team' is not a set"));
}

#[test]
fn show_renders_the_ticket_and_its_conversation() {
    let env = TestEnv::initialised();
    let id = env
        .desk_at(
            "2026-11-27T14:53:34Z",
            &[
                "new",
                "Printer on 3rd floor does not print",
                "-b",
                "The printer shows **error 0x42** since this morning.\n\n- tray 1 is empty\n- tray 2 jams",
                "--requester",
                "Jane Doe <jane@example.com>",
                "--priority",
                "high",
                "--queue",
                "it",
                "-l",
                "hardware",
                "-l",
                "printer",
            ],
        )
        .ok()
        .line();
    env.desk_at("2026-11-27T15:01:02Z", &["reply", &id, "-m", "Could you send a photo of the display?"]).ok();
    env.desk_at("2026-11-28T08:00:00Z", &["note", &id, "-m", "Fuser unit; vendor case `V-42`."]).ok();
    env.desk_at("2026-11-28T08:05:00Z", &["assign", &id, "Bob Agent <bob@example.com>"]).ok();
    env.desk_at("2026-11-28T08:06:00Z", &["set", &id, "asset=4711"]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    let mut text = env.desk(&["show", &id]).ok().stdout;
    text = text.replace(&id[..6], "TICKET");
    for (i, c) in t["comments"].as_array().unwrap().iter().enumerate() {
        text = text.replace(c["id"].as_str().unwrap(), &format!("COMMENT{i}"));
    }
    insta::assert_snapshot!("show", text);
    // Piped output carries no escape codes.
    assert!(!text.contains('\u{1b}'), "{text}");
}

#[test]
fn desk_never_moves_a_branch_that_is_checked_out() {
    let env = TestEnv::new();
    env.with_user_work();
    env.git(&["checkout", "-q", "-b", "desk"]);
    let before = env.user_state();
    let head = env.git(&["rev-parse", "HEAD"]);
    let run = env.desk(&["init"]);
    assert!(run.stderr.contains("git config desk.branch"), "{run}");
    let message = run.error(1);
    // A checked-out code branch named `desk` is not a helpdesk: refused before any write.
    assert!(message.contains("branch 'desk' already exists and is not a helpdesk"), "{message}");
    assert_eq!(env.user_state(), before);
    assert_eq!(env.git(&["rev-parse", "HEAD"]), head);

    // Nor in a linked worktree.
    env.git(&["checkout", "-q", "main"]);
    env.git(&["branch", "-q", "-D", "desk"]);
    env.desk(&["init"]).ok();
    let id = env.new_ticket("Before the worktree", &[]);
    let worktree = env.root.join("desk-worktree");
    env.git(&["worktree", "add", "-q", worktree.to_str().unwrap(), "desk"]);
    let desk_head = env.desk_head();
    let message = env.desk(&["reply", &id, "-m", "x"]).error(1);
    assert!(message.contains(&format!("checked out in {}", worktree.display())), "{message}");
    assert_eq!(env.desk_head(), desk_head);
    // Reading is fine.
    env.desk(&["show", &id]).ok();
}
