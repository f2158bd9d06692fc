//! No write may corrupt the branch or hang: identities and dates from the
//! environment, stale ref locks, output that cannot be written, and `desk init`
//! on a branch that is not a helpdesk.

use crate::common::{Run, TestEnv};

/// `git var GIT_AUTHOR_IDENT` with extra variables: git's own reading of them.
fn git_ident(env: &TestEnv, vars: &[(&str, &str)]) -> Run {
    let mut cmd = env.program(std::path::Path::new("git"));
    cmd.args(["var", "GIT_AUTHOR_IDENT"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    crate::common::run(cmd, None)
}

/// The author line of the desk branch's tip, without `author `.
fn tip_author(env: &TestEnv) -> String {
    let commit = env.git(&["cat-file", "commit", "refs/heads/desk"]);
    let line = commit.lines().find(|l| l.starts_with("author ")).expect("an author line");
    line["author ".len()..].to_owned()
}

#[test]
fn a_newline_in_the_author_name_is_cleaned_as_git_cleans_it() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let evil = [("GIT_AUTHOR_NAME", "Evil\nName")];
    env.desk_env(&["reply", &id, "-m", "x"], &evil).ok();

    // The commit parses, and its author is exactly what git makes of the same variables.
    assert_eq!(format!("{}\n", tip_author(&env)), git_ident(&env, &evil).ok().stdout);
    assert!(tip_author(&env).starts_with("EvilName <agent@example.com> "), "{}", tip_author(&env));
    env.git(&["fsck", "--strict", "--no-dangling"]);
    // The marker line is one line, and every command still reads the ticket.
    let file = env.ticket_file(&id);
    let marker = file.lines().find(|l| l.starts_with("<!-- desk:reply ")).expect("a reply marker");
    assert!(marker.ends_with(" EvilName <agent@example.com> -->"), "{marker}");
    env.desk(&["doctor"]).ok();
    env.desk(&["list"]).ok();
    let shown = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(shown["comments"][0]["author"], "EvilName <agent@example.com>");
}

#[test]
fn names_and_emails_git_refuses_or_that_do_not_fit_on_a_line_are_errors() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();
    let cases: [(&str, &str, &str); 6] = [
        ("GIT_AUTHOR_NAME", "", "invalid identity from GIT_AUTHOR_NAME: the author name is empty"),
        ("GIT_AUTHOR_NAME", "<>", "the name consists only of characters git leaves out: '<>'"),
        ("GIT_COMMITTER_NAME", " ,;: ", "the name consists only of characters git leaves out"),
        ("GIT_AUTHOR_EMAIL", "<>", "invalid identity from GIT_AUTHOR_EMAIL: the author email is empty"),
        ("GIT_AUTHOR_NAME", "Evil\rName", "'Evil\\rName' contains a control character"),
        ("GIT_COMMITTER_EMAIL", "a\tb@example.com", "contains a control character"),
    ];
    for (var, value, expected) in cases {
        let run = env.desk_env(&["reply", &id, "-m", "x"], &[(var, value)]);
        assert!(run.stderr.contains("hint: "), "{run}");
        let message = run.error(1);
        assert!(message.contains(expected), "{var}={value:?}: {message}");
        // git refuses the names too (it keeps the email `<>` and control characters,
        // which desk cannot write on a ticket's one-line fields).
        if var.ends_with("NAME") && !value.contains('\r') {
            let role = if var.contains("AUTHOR") { "GIT_AUTHOR_IDENT" } else { "GIT_COMMITTER_IDENT" };
            let mut git = env.program(std::path::Path::new("git"));
            git.args(["var", role]).env(var, value);
            assert_ne!(crate::common::run(git, None).code, 0, "git accepts {var}={value:?}");
        }
    }
    assert_eq!(env.desk_head(), head, "nothing was written");
}

/// Dates in every form the brief names, compared with git's reading of them.
/// `true`: desk must accept it exactly as git does (git accepts it too).
const DATES: &[(&str, bool)] = &[
    ("", true),
    ("@1700000000 +0000", true),
    ("@1700000000 -0530", true),
    ("1700000000 +0100", true),
    ("@1700000000", true),
    ("Tue, 14 Nov 2023 22:13:20 +0100", true),
    ("14 Nov 2023 22:13:20 GMT", true),
    ("Tue, 14 Nov 2023 22:13:20 +0100 (CET)", true),
    ("Tue, 14 Nov 2023 22:13:20 PST", true),
    ("Tue, 14 Nov 2023 22:13:20", true),
    ("2023-11-14T22:13:20Z", true),
    ("2023-11-14T22:13:20+01:00", true),
    ("2023-11-14T22:13:20.019-05:30", true),
    ("2023-11-14 22:13:20", true),
    ("2023-11-14 22:13", true),
    ("2023.11.14 22:13:20 +0000", true),
    ("11/14/2023 22:13:20 +0000", true),
    ("14.11.2023 22:13:20 +0000", true),
    ("2023-07-01T12:00:00", true),
    ("2099-12-31T23:59:59Z", true),
    ("garbage", false),
    ("yesterday", false),
    ("   ", false),
    ("2023-11-14", false),
    ("10000-01-01", false),
    ("10000-01-01T00:00:00Z", false),
    ("9999-12-31 23:59:59", false),
    ("2100-01-01T00:00:00Z", false),
    ("1969-12-31T23:59:59Z", false),
    ("@-5 +0000", false),
    ("@99999999", false),
    ("Tue, 14 Nov 23 22:13:20 +0100", false),
];

#[test]
fn author_and_committer_dates_are_read_as_git_reads_them() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Clock skew", &[]);
    for zone in ["UTC", "Europe/Berlin"] {
        for (date, git_accepts) in DATES {
            let vars = [("GIT_AUTHOR_DATE", *date), ("TZ", zone)];
            let git = git_ident(&env, &vars);
            assert_eq!(git.code == 0, *git_accepts, "git on {date:?} in {zone}:\n{git}");
            let head = env.desk_head();
            let run = env.desk_env(&["note", &id, "-m", &format!("at {date}")], &vars);
            if *git_accepts {
                run.ok();
                let ours = tip_author(&env);
                if date.is_empty() {
                    // Now, in the local zone: compare the zone, not the second.
                    let theirs = git.stdout.trim().rsplit(' ').next().unwrap().to_owned();
                    assert!(ours.ends_with(&theirs), "{ours} vs {}", git.stdout);
                } else {
                    assert_eq!(format!("{ours}\n"), git.stdout, "{date:?} in {zone}");
                }
            } else {
                let message = run.error(1);
                assert_eq!(message, format!("invalid date format in GIT_AUTHOR_DATE: '{date}'"));
                assert_eq!(env.desk_head(), head, "nothing written for {date:?}");
            }
        }
    }
    // The committer date is read the same way.
    let head = env.desk_head();
    let message = env.desk_env(&["note", &id, "-m", "x"], &[("GIT_COMMITTER_DATE", "10000-01-01")]).error(1);
    assert_eq!(message, "invalid date format in GIT_COMMITTER_DATE: '10000-01-01'");
    assert_eq!(env.desk_head(), head);
    // git takes seconds past the year 9999; desk's RFC 3339 times cannot hold them.
    let far = [("GIT_AUTHOR_DATE", "@253402300800 +0000")];
    assert_eq!(git_ident(&env, &far).code, 0);
    let message = env.desk_env(&["note", &id, "-m", "x"], &far).error(1);
    assert_eq!(message, "date after the year 9999 in GIT_AUTHOR_DATE: '@253402300800 +0000'");
    env.desk(&["doctor"]).ok();
}

/// Loose objects in the repository's object store.
fn loose_objects(env: &TestEnv) -> usize {
    let objects = env.repo.join(".git/objects");
    std::fs::read_dir(&objects)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|d| d.file_name().len() == 2)
        .map(|d| std::fs::read_dir(d.path()).unwrap().count())
        .sum()
}

/// A lock file on the desk branch, as a process killed while moving it leaves one.
fn leave_lock(env: &TestEnv, age: std::time::Duration) -> std::path::PathBuf {
    let lock = env.repo.join(".git/refs/heads/desk.lock");
    let file = std::fs::File::create(&lock).unwrap();
    file.set_modified(std::time::SystemTime::now() - age).unwrap();
    lock
}

/// A ticket with a large description (about half a megabyte).
fn large_ticket(env: &TestEnv) -> String {
    let mut body = String::new();
    for i in 0..10_000 {
        body.push_str("line ");
        body.push_str(&i.to_string());
        body.push_str(" of a long log the requester pasted\n");
    }
    let big = env.root.join("big.md");
    std::fs::write(&big, body).unwrap();
    env.desk(&["new", "Large log", "-F", big.to_str().unwrap()]).ok().line()
}

#[test]
fn a_stale_ref_lock_fails_at_once_naming_the_file_and_writes_nothing() {
    let env = TestEnv::initialised();
    env.git(&["remote", "add", "origin", env.root.join("server.git").to_str().unwrap()]);
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let id = large_ticket(&env);
    let head = env.desk_head();
    let lock = leave_lock(&env, std::time::Duration::from_mins(10));
    let objects = loose_objects(&env);
    for args in [vec!["reply", &id, "-m", "x"], vec!["new", "Another", "-b", "x"], vec!["sync"]] {
        let started = std::time::Instant::now();
        let run = env.desk(&args);
        let took = started.elapsed();
        let hint = run.stderr.lines().find(|l| l.starts_with("hint: ")).unwrap_or_default().to_owned();
        let message = run.error(1);
        assert_eq!(
            message,
            format!(
                "cannot lock ref 'refs/heads/desk': '{}' exists (created 10 minutes ago)",
                lock.display()
            ),
            "{args:?}"
        );
        assert!(hint.contains(&format!("`rm '{}'`", lock.display())), "{hint}");
        assert!(took < std::time::Duration::from_secs(1), "{args:?} took {took:?}");
        assert_eq!(loose_objects(&env), objects, "{args:?} wrote objects");
        assert_eq!(env.desk_head(), head);
        assert!(lock.exists(), "desk leaves the lock to the user");
    }
    // A lock that appears and stays is taken for one left behind within seconds.
    std::fs::remove_file(&lock).unwrap();
    let lock = leave_lock(&env, std::time::Duration::ZERO);
    let started = std::time::Instant::now();
    let message = env.desk(&["reply", &id, "-m", "x"]).error(1);
    assert!(message.starts_with("cannot lock ref 'refs/heads/desk': "), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(env.desk_head(), head);
    // Once the lock is removed, writes go through.
    std::fs::remove_file(&lock).unwrap();
    env.desk(&["reply", &id, "-m", "x"]).ok();
}

#[test]
fn a_writer_holding_the_lock_for_a_moment_is_waited_for_and_the_change_written_once() {
    let env = TestEnv::initialised();
    let id = large_ticket(&env);
    let head = env.desk_head();
    let lock = leave_lock(&env, std::time::Duration::ZERO);
    let objects = loose_objects(&env);
    let mut cmd = env.command(&["reply", &id, "-m", "while locked"]);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::remove_file(&lock).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(env.git(&["rev-parse", "refs/heads/desk~1"]).trim(), head);
    // One commit's objects: the ticket's blob, its shard, `tickets/`, the root, the commit.
    assert_eq!(loose_objects(&env), objects + 5);
}

/// Runs a shell command line with `desk` on PATH, in the repository.
fn shell(env: &TestEnv, line: &str) -> Run {
    let path = format!(
        "{}:{}",
        crate::common::bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = env.program(std::path::Path::new("bash"));
    cmd.args(["-c", line]).env("PATH", path);
    crate::common::run(cmd, None)
}

/// The ticket id and short commit id in a `created ticket ID (commit C)` message.
fn created(stderr: &str) -> (String, String) {
    let rest = stderr.split("created ticket ").nth(1).unwrap_or_else(|| panic!("no id in:\n{stderr}"));
    let id = rest[..10].to_owned();
    let commit = rest.split("(commit ").nth(1).unwrap()[..7].to_owned();
    (id, commit)
}

#[test]
fn a_new_ticket_whose_id_cannot_be_printed_is_saved_and_says_so_with_exit_4() {
    let env = TestEnv::initialised();
    // The reader of the pipe is gone before desk prints the id.
    let run = shell(&env, "desk new x -b y | (exec 0<&-; sleep .2); exit ${PIPESTATUS[0]}");
    assert_eq!(run.code, 4, "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    let (id, commit) = created(&run.stderr);
    assert!(run.stderr.starts_with(&format!(
        "error: created ticket {id} (commit {commit}), but its output could not be written: standard output was closed\n"
    )), "{run}");
    assert!(run.stderr.contains("hint: the change is saved; do not run the command again"), "{run}");
    assert_eq!(env.all_ids(), std::slice::from_ref(&id));
    assert!(env.desk_head().starts_with(&commit));

    if std::path::Path::new("/dev/full").exists() {
        for line in ["desk new --json x -b y >/dev/full", "desk new x -b y >/dev/full"] {
            let run = shell(&env, line);
            assert_eq!(run.code, 4, "{line}: {run}");
            let (id, commit) = created(&run.stderr);
            assert!(
                run.stderr.contains("but its output could not be written: No space left on device"),
                "{run}"
            );
            assert!(env.all_ids().contains(&id), "{line}: the ticket is saved");
            assert!(env.desk_head().starts_with(&commit));
        }
    }
    assert_eq!(env.all_ids().len(), 3, "one ticket per run, none twice");
}

#[test]
fn closed_pipes_never_panic_and_reads_stay_silent() {
    let env = TestEnv::initialised();
    for i in 0..30 {
        env.new_ticket(&format!("Ticket number {i} with a title long enough to fill the pipe"), &[]);
    }
    let id = env.all_ids()[0].clone();
    let closed = "| (exec 0<&-; sleep .2); exit ${PIPESTATUS[0]}";
    for read in
        ["desk list", "desk list --all --json", &format!("desk show {id}"), "desk report", "desk doctor"]
    {
        for line in
            [format!("{read} {closed}"), format!("{read} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}")]
        {
            let run = shell(&env, &line);
            assert_eq!(run.code, 0, "{line}: {run}");
            assert!(!run.stderr.contains("error") && !run.stderr.contains("panicked"), "{line}: {run}");
        }
    }
    // Write commands whose messages go to a closed stderr: the change is made, no panic.
    let head = env.desk_head();
    let run = shell(&env, &format!("desk reply {id} -m 'into the void' 2>&1 {closed}"));
    assert_eq!(run.code, 0, "{run}");
    assert_ne!(env.desk_head(), head);
    assert!(env.ticket_file(&id).contains("into the void"));
    // A check that found problems still says so through a closed pipe.
    let mut broken = env.ticket_file(&id);
    broken.insert_str(0, "<<<<<<< ours\n");
    env.commit_by_hand(&[(&format!("tickets/{}/{id}.md", &id[..2]), &broken)], "broken by hand");
    let run = shell(&env, &format!("desk doctor {closed}"));
    assert_eq!(run.code, 3, "{run}");
}

#[test]
fn init_refuses_a_desk_branch_that_is_not_a_helpdesk() {
    let env = TestEnv::new();
    env.with_user_work();
    // A code branch that happens to be called `desk`.
    env.git(&["branch", "desk"]);
    let before = env.git(&["rev-parse", "refs/heads/desk"]);
    let config = std::fs::read_to_string(env.repo.join(".git/config")).unwrap();
    let run = env.desk(&["init"]);
    let hint = run.stderr.lines().find(|l| l.starts_with("hint: ")).unwrap_or_default().to_owned();
    let message = run.error(1);
    assert_eq!(message, "branch 'desk' already exists and is not a helpdesk (it has no desk.yaml)");
    assert!(hint.contains("`git config desk.branch helpdesk`"), "{hint}");
    assert_eq!(env.git(&["rev-parse", "refs/heads/desk"]), before, "the code branch is untouched");
    assert_eq!(std::fs::read_to_string(env.repo.join(".git/config")).unwrap(), config);

    // The way out the hint names.
    env.git(&["config", "desk.branch", "helpdesk"]);
    env.desk(&["init"]).ok();
    env.new_ticket("On the helpdesk branch", &[]);
    assert_eq!(env.git(&["rev-parse", "refs/heads/desk"]), before);
    // Running init again on a real helpdesk branch stays harmless.
    let tip = env.git(&["rev-parse", "refs/heads/helpdesk"]);
    let again = env.desk(&["init"]).ok();
    assert!(again.stderr.contains("already initialised"), "{again}");
    assert_eq!(env.git(&["rev-parse", "refs/heads/helpdesk"]), tip);

    // Only a remote-tracking `origin/desk` that is not a helpdesk: refused the same way.
    let other = TestEnv::new();
    other.with_user_work();
    other.git(&["update-ref", "refs/remotes/origin/desk", "HEAD"]);
    let message = other.desk(&["init"]).error(1);
    assert_eq!(message, "branch 'origin/desk' already exists and is not a helpdesk (it has no desk.yaml)");
    assert!(other.try_git(&["rev-parse", "--verify", "-q", "refs/heads/desk"]).stdout.is_empty());
}

/// Every object in the repository, by id, with its type.
fn objects(env: &TestEnv) -> std::collections::BTreeMap<String, String> {
    env.git(&["cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"])
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(id, kind)| (id.to_owned(), kind.to_owned())))
        .collect()
}

#[test]
fn writers_racing_on_different_tickets_write_each_ticket_file_once() {
    const WRITERS: usize = 8;
    let env = TestEnv::initialised();
    let ids: Vec<String> = (0..WRITERS).map(|i| env.new_ticket(&format!("Ticket {i}"), &[])).collect();
    let before = objects(&env);
    let spawn = |args: Vec<String>| {
        let mut cmd = env.command(&args.iter().map(String::as_str).collect::<Vec<_>>());
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap()
    };
    // Replies to different tickets and new tickets, all at once: whoever loses the
    // race redoes its change on the new tip and writes the same ticket file again.
    let children: Vec<_> = ids
        .iter()
        .map(|id| spawn(vec!["reply".into(), id.clone(), "-m".into(), format!("reply to {id}")]))
        .chain((0..WRITERS).map(|i| spawn(vec!["new".into(), format!("New {i}"), "-b".into(), "x".into()])))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let commits = env.git(&["rev-list", "--count", "refs/heads/desk"]).trim().parse::<usize>().unwrap();
    assert_eq!(commits, 1 + WRITERS + 2 * WRITERS, "every write landed once");
    let new_blobs =
        objects(&env).into_iter().filter(|(id, kind)| kind == "blob" && !before.contains_key(id)).count();
    assert_eq!(new_blobs, 2 * WRITERS, "one ticket file per write, however often it was retried");
}

#[test]
fn sync_and_demo_say_what_they_wrote_when_their_output_is_lost() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    env.git(&["remote", "add", "origin", env.root.join("server.git").to_str().unwrap()]);
    env.new_ticket("Pushed although nobody reads", &[]);
    let run = shell(&env, "desk sync --json | (exec 0<&-; sleep .2); exit ${PIPESTATUS[0]}");
    assert_eq!(run.code, 4, "{run}");
    let head = env.desk_head();
    // With --json the error is the JSON error object.
    let error: serde_json::Value = serde_json::from_str(run.stderr.trim()).expect("one JSON line");
    assert_eq!(error["error"]["kind"], "output_lost", "{run}");
    assert!(
        error["error"]["message"].as_str().unwrap().starts_with(&format!(
            "synced 'desk' with origin (up-to-date, pushed; the branch is at {}), but its output could not be written",
            &head[..7]
        )),
        "{run}"
    );
    assert_eq!(env.git_in(&env.root.join("server.git"), &["rev-parse", "refs/heads/desk"]).trim(), head);
    // Nothing to do: a closed pipe is no error.
    let run = shell(&env, "desk sync --json | (exec 0<&-; sleep .2); exit ${PIPESTATUS[0]}");
    assert_eq!(run.code, 0, "{run}");

    let demo = env.root.join("demo");
    let run = shell(
        &env,
        &format!("desk demo {} | (exec 0<&-; sleep .2); exit ${{PIPESTATUS[0]}}", demo.display()),
    );
    assert_eq!(run.code, 4, "{run}");
    assert!(
        run.stderr.contains(&format!("error: created a demo helpdesk in {}, but", demo.display())),
        "{run}"
    );
    assert!(!run.stderr.contains("panicked"), "{run}");
}
