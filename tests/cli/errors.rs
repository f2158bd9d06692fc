//! Bad input: each failure is one `error: …` line on stderr, a non-zero exit,
//! nothing on stdout, and the desk branch as it was. Also id prefixes, broken
//! ticket files written with plain git, and `desk doctor`.

use crate::common::TestEnv;

/// A ticket file as desk wrote it for `id`, rewritten to carry `new_id`.
fn file_with_id(env: &TestEnv, id: &str, new_id: &str) -> String {
    env.ticket_file(id).replace(&format!("id: {id}"), &format!("id: {new_id}"))
}

fn path_of(id: &str) -> String {
    format!("tickets/{}/{id}.md", &id[..2])
}

#[test]
fn outside_a_repository_or_before_init() {
    let env = TestEnv::new();
    let plain = env.root.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let run =
        env.desk_full(&plain, &["list"], None, &[("GIT_CEILING_DIRECTORIES", env.root.to_str().unwrap())]);
    let message = run.error(1);
    assert!(message.starts_with("not a git repository"), "{message}");

    // In a repository without `desk init`, every command says to run it.
    for args in [
        vec!["list"],
        vec!["show", "abcdef"],
        vec!["new", "Title", "-b", "x"],
        vec!["reply", "abcdef", "-m", "x"],
        vec!["note", "abcdef", "-m", "x"],
        vec!["assign", "abcdef", "--me"],
        vec!["status", "abcdef", "open"],
        vec!["resolve", "abcdef"],
        vec!["label", "abcdef", "x"],
        vec!["set", "abcdef", "priority=high"],
        vec!["edit", "abcdef", "-F", "-"],
        vec!["doctor"],
    ] {
        let run = env.desk(&args);
        assert!(run.stderr.contains("hint: run `desk init`"), "{args:?}:\n{run}");
        let message = run.error(1);
        assert!(message.contains("not initialised"), "{args:?}: {message}");
    }
    assert_eq!(env.git(&["for-each-ref"]), "", "no branch was created");
}

#[test]
fn unknown_ids_and_ids_that_would_escape_the_tree() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();
    let unknown = if id.starts_with('z') { "yyyyyy" } else { "zzzzzz" };
    for args in [vec!["show", unknown], vec!["reply", unknown, "-m", "x"], vec!["close", unknown]] {
        let message = env.desk(&args).error(1);
        assert_eq!(message, format!("no ticket matches '{unknown}'"), "{args:?}");
    }
    for bad in ["../x", "a/../../b", "tickets/ab", "abc.md", "", "0123456789abc"] {
        for args in [vec!["show", bad], vec!["reply", bad, "-m", "x"], vec!["edit", bad, "-F", "-"]] {
            let message = env.desk(&args).error(2);
            assert!(message.contains("is not a ticket id") || message.contains(bad), "{args:?}: {message}");
        }
    }
    for bad in ["../x", "a/../../b", "x/", "/etc", "a b", "a:b", ".hidden"] {
        env.desk(&["label", &id, bad]).error(2);
        env.desk(&["label", &id, &format!("-{bad}")]).error(2);
        env.desk(&["new", "T", "-b", "x", "-l", bad]).error(2);
    }
    for args in
        [vec!["new", "", "-b", "x"], vec!["new", "two\nlines", "-b", "x"], vec!["set", &id, "title= "]]
    {
        let message = env.desk(&args).error(2);
        assert!(message.contains("title"), "{args:?}: {message}");
    }
    let message = env.desk(&["status", &id, "later"]).error(2);
    assert!(message.contains("new, open, pending, resolved, closed, merged"), "{message}");
    let message = env.desk(&["set", &id, "priority=p0"]).error(2);
    assert!(message.contains("low, normal, high, urgent"), "{message}");
    let message = env.desk(&["new", "T", "-b", "x", "--priority", "p0"]).error(2);
    assert!(message.contains("low, normal, high, urgent"), "{message}");
    env.desk(&["frobnicate"]).error(2);
    let run = env.desk(&["show"]).fails(2);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("<ID>"), "{run}");
    assert_eq!(env.desk_head(), head, "no failed command moved the branch");
    assert_eq!(env.all_ids(), [id]);
}

#[test]
fn any_unique_prefix_in_any_case_names_a_ticket_and_ambiguity_lists_candidates() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Template", &[]);
    let (a, b, c) = ("aaaaaa0001", "aaaaaa0002", "abbbbb0003");
    env.commit_by_hand(
        &[
            (&path_of(a), &file_with_id(&env, &id, a)),
            (&path_of(b), &file_with_id(&env, &id, b)),
            (&path_of(c), &file_with_id(&env, &id, c)),
        ],
        "hand-made tickets",
    );
    let shown =
        |prefix: &str| env.desk(&["show", prefix, "--json"]).ok().json()["id"].as_str().unwrap().to_owned();
    assert_eq!(shown("abbb"), c);
    assert_eq!(shown("ABBB"), c);
    assert_eq!(shown("AAAAAA0002"), b);
    assert_eq!(shown("aaaaaa0001"), a);
    // Crockford decoding: O reads as 0.
    assert_eq!(shown("aaaaaaOOO1"), a);
    assert_eq!(shown(&id.to_uppercase()), id);

    let head = env.desk_head();
    for args in [vec!["show", "aaaaaa"], vec!["show", "AAAA"], vec!["reply", "aaaa", "-m", "x"]] {
        let run = env.desk(&args);
        assert!(run.stderr.contains("hint: type more characters"), "{run}");
        let message = run.error(1);
        assert!(message.contains("is ambiguous"), "{message}");
        assert!(message.contains(a) && message.contains(b), "{message}");
    }
    assert_eq!(env.desk_head(), head);

    // The list shows prefixes long enough to be unique.
    let list = env.desk(&["list"]).ok();
    for full in [a, b] {
        assert!(list.stdout.lines().any(|l| l.starts_with(&format!("{full} "))), "{list}");
    }
    assert!(list.stdout.lines().any(|l| l.starts_with("abbbbb ")), "{list}");
}

#[test]
fn a_malformed_file_is_reported_and_every_other_ticket_still_loads() {
    let env = TestEnv::initialised();
    let good = env.new_ticket("Good ticket", &[]);
    let other = env.new_ticket("Other ticket", &[]);
    let broken_yaml = if good.starts_with('z') { "yyyyyyyyyy" } else { "zzzzzzzzzz" };
    let conflicted = "cccccccccc";
    let misplaced = "dddddddddd";
    let conflict_text = file_with_id(&env, &other, conflicted).replace(
        "> Something is wrong.",
        "<<<<<<< ours\n> Something is wrong.\n=======\n> It broke.\n>>>>>>> theirs",
    );
    let conflict_line = conflict_text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
    env.commit_by_hand(
        &[
            (
                &path_of(broken_yaml),
                &format!(
                    "---\nid: {broken_yaml}\ntitle: Broken\nstatus: open\npriority: normal\ncreated: yesterday\n---\nBody\n"
                ),
            ),
            (&path_of(conflicted), &conflict_text),
            // A file whose id does not match its path.
            (&path_of(misplaced), &env.ticket_file(&other)),
        ],
        "edited by hand",
    );
    // A broken file that shares a long prefix with a good one.
    let good_twin = format!("{}{}", &good[..8], if good.ends_with('0') { "11" } else { "00" });
    env.commit_by_hand(&[(&path_of(&good_twin), "not a ticket\n")], "a twin");
    let head = env.desk_head();

    // The list shows a prefix of the good ticket that is unique among all files.
    let table = env.desk(&["list"]).ok();
    let line = table.stdout.lines().find(|l| l.contains("Good ticket")).unwrap();
    let shown = line.split(' ').next().unwrap();
    assert!(shown.len() >= 9, "{table}");
    assert_eq!(env.desk(&["show", shown, "--json"]).ok().json()["id"], good.as_str());

    // list: lists the good tickets, warns about each broken file, exits 0.
    let list = env.desk(&["list", "--json", "--all"]).ok();
    let ids: Vec<String> =
        list.json().as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().into()).collect();
    assert_eq!(ids.len(), 2, "{list}");
    assert!(ids.contains(&good) && ids.contains(&other));
    for broken in [broken_yaml, conflicted, misplaced] {
        assert!(
            list.stderr.lines().any(|l| l.starts_with("warning: ") && l.contains(&path_of(broken))),
            "{list}"
        );
    }
    let human = env.desk(&["list"]).ok();
    assert!(human.stdout.contains("Good ticket") && human.stdout.contains("Other ticket"), "{human}");
    assert_eq!(human.stderr.lines().count(), 4, "{human}");

    // show and every write on a broken file name its path and line.
    let message = env.desk(&["show", conflicted]).error(1);
    assert!(message.contains(&format!("{}: line {conflict_line}:", path_of(conflicted))), "{message}");
    assert!(message.contains("conflict marker"), "{message}");
    let message = env.desk(&["show", broken_yaml]).error(1);
    assert!(message.starts_with(&format!("{}: line 6", path_of(broken_yaml))), "{message}");
    let message = env.desk(&["reply", misplaced, "-m", "x"]).error(1);
    assert!(
        message.starts_with(&format!("{}: line 2: id `{other}` does not match", path_of(misplaced))),
        "{message}"
    );
    env.desk(&["show", &good]).ok();
    assert_eq!(env.desk_head(), head);

    // doctor: one `path:line: problem` line per broken file, exit 3.
    let doctor = env.desk(&["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    let lines: Vec<&str> = doctor.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{doctor}");
    assert!(
        lines.contains(&format!("{}:{conflict_line}: ", path_of(conflicted)).as_str())
            || lines.iter().any(|l| l.starts_with(&format!("{}:{conflict_line}: ", path_of(conflicted)))),
        "{doctor}"
    );
    assert!(lines.iter().any(|l| l.starts_with(&format!("{}:6: ", path_of(broken_yaml)))), "{doctor}");
    assert!(lines.iter().any(|l| l.starts_with(&format!("{}:2: id ", path_of(misplaced)))), "{doctor}");
    assert!(doctor.stderr.contains("4 problems"), "{doctor}");
    let json = env.desk(&["doctor", "--json"]);
    assert_eq!(json.code, 3, "{json}");
    let report = json.json();
    assert_eq!(report["tickets"], 6);
    assert_eq!(report["problems"].as_array().unwrap().len(), 4);
    for p in report["problems"].as_array().unwrap() {
        assert!(p["path"].is_string() && p["line"].is_u64() && p["message"].is_string(), "{p}");
    }
    assert_eq!(env.desk_head(), head, "doctor only reads");
}

#[test]
fn doctor_passes_a_clean_branch_and_checks_statuses_and_stray_files() {
    let env = TestEnv::initialised();
    let doctor = env.desk(&["doctor"]).ok();
    assert_eq!(doctor.stdout, "");
    assert!(doctor.stderr.contains("0 problems"), "{doctor}");
    let id = env.new_ticket("Printer jams", &["-l", "printer", "--requester", "Jane <jane@example.com>"]);
    env.desk(&["reply", &id, "-m", "On it."]).ok();
    env.desk(&["doctor"]).ok();
    assert_eq!(
        env.desk(&["doctor", "--json"]).ok().json(),
        serde_json::json!({"tickets": 1, "problems": []})
    );

    let unknown_status = env.ticket_file(&id).replace("status: open", "status: waiting");
    env.commit_by_hand(&[(&path_of(&id), &unknown_status), ("tickets/notes.txt", "stray\n")], "by hand");
    let doctor = env.desk(&["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    let status_line = unknown_status.lines().position(|l| l.starts_with("status:")).unwrap() + 1;
    assert!(doctor.stdout.contains(&format!("{}:{status_line}: ", path_of(&id))), "{doctor}");
    assert!(doctor.stdout.contains("waiting"), "{doctor}");
    assert!(doctor.stdout.contains("tickets/notes.txt:"), "{doctor}");
}

#[test]
fn a_broken_desk_yaml_is_named_with_its_line() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(
        &[("desk.yaml", &config.replace("  default: normal\n", "  default: normal\n bad indent\n"))],
        "broken",
    );
    let head = env.desk_head();
    for args in [vec!["list"], vec!["reply", &id, "-m", "x"], vec!["new", "T", "-b", "x"]] {
        let run = env.desk(&args);
        assert!(run.stderr.contains("desk config check") && !run.stderr.contains("desk edit"), "{run}");
        let message = run.error(1);
        assert!(message.starts_with("desk.yaml: line "), "{args:?}: {message}");
    }
    let doctor = env.desk(&["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    assert!(doctor.stdout.starts_with("desk.yaml:"), "{doctor}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn a_status_the_file_could_not_hold_is_refused_and_nothing_is_written() {
    // Repro: `desk status ID ""` with `""` listed among the statuses in desk.yaml.
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let config = config.replace("category: pending}\n", "category: pending}\n    - ''\n");
    env.commit_by_hand(&[("desk.yaml", &config)], "empty");
    let head = env.desk_head();
    let message = env.desk(&["status", &id, ""]).error(1);
    let line = config.lines().position(|l| l == "    - ''").unwrap() + 1;
    assert_eq!(message, format!("desk.yaml: line {line}: workflow.statuses[3]: an empty name: \"\""));
    assert_eq!(env.desk_head(), head);
    let doctor = env.desk(&["doctor"]);
    assert_eq!(doctor.code, 3, "{doctor}");
    assert!(doctor.stdout.contains("workflow.statuses[3]: an empty name"), "{doctor}");
}

#[test]
fn writing_without_a_git_identity_says_how_to_set_one() {
    let env = TestEnv::new();
    std::fs::write(env.home.join(".gitconfig"), "").unwrap();
    let run = env.desk(&["init"]);
    assert!(run.stderr.contains("hint: set it with `git config --global user.name"), "{run}");
    let message = run.error(1);
    assert!(message.contains("user.name and user.email"), "{message}");
    assert_eq!(env.git(&["for-each-ref"]), "", "nothing was written");
    // The environment alone is enough, as for git.
    let who = [
        ("GIT_AUTHOR_NAME", "Mail Gateway"),
        ("GIT_AUTHOR_EMAIL", "gateway@example.com"),
        ("GIT_COMMITTER_NAME", "Mail Gateway"),
        ("GIT_COMMITTER_EMAIL", "gateway@example.com"),
    ];
    env.desk_env(&["init"], &who).ok();
    let id = env.desk_env(&["new", "From mail", "-b", "x"], &who).ok().line();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["requester"], "Mail Gateway <gateway@example.com>");
    // Reading needs no identity.
    env.desk(&["list", "assignee:me"]).ok();
    env.desk(&["new", "No one", "-b", "x"]).error(1);
}
