//! The conventions git and gh users have in their fingers: a pager, local
//! times, git's colour settings and `GIT_DIR`, the editor without a terminal,
//! completions and man pages, warnings where git would warn, and terminal
//! text that ticket content cannot take over.

use crate::common::TestEnv;

#[test]
fn removing_a_label_the_ticket_lacks_warns_and_commits_nothing() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    let head = env.desk_head();
    let run = env.desk(&["label", &id, "-nonexistent"]).ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains(&format!("warning: {} has no label 'nonexistent'", &id[..6])), "{run}");
    assert_eq!(env.desk_head(), head, "nothing to commit");
    // Removing one it has and one it lacks: the change is made, the other warned about.
    let run = env.desk(&["label", &id, "-printer", "-nonexistent"]).ok();
    assert!(run.stderr.contains("has no label 'nonexistent'"), "{run}");
    assert!(!run.stderr.contains("has no label 'printer'"), "{run}");
    assert_ne!(env.desk_head(), head);
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["labels"], serde_json::json!([]));
}

#[test]
fn sync_says_up_to_date_only_when_nothing_moved() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    env.new_ticket("One", &[]);
    env.new_ticket("Two", &[]);
    // Nothing comes in, three commits go out.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(
        run.stderr,
        "synced 'desk' with origin\n  in:  nothing new\n  out: 3 commits, 2 tickets changed, pushed\n"
    );
    // Nothing either way.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(run.stderr, "synced 'desk' with origin: already up to date\n");
}

/// Control characters a terminal would obey: an OSC 52 clipboard write, a
/// window title, a screen clear, a one-byte CSI, a right-to-left override, a
/// carriage return and a backspace.
const HOSTILE: &str = "A\u{1b}]52;c;aGk=\u{7}B\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}C\rD\u{8}";
/// The same, as a YAML double-quoted scalar.
const HOSTILE_YAML: &str = r#""A\e]52;c;aGk=\aB\e]0;pwned\a\e[2J\x9b31m\u202eC\rD\b""#;

/// `text` with desk's own colour codes (SGR: ESC [ digits ; m) taken out.
fn without_sgr(text: &str) -> String {
    regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap().replace_all(text, "").into_owned()
}

/// Asserts that `text` holds nothing a terminal would obey but desk's own colours.
#[track_caller]
fn assert_terminal_safe(what: &str, text: &str) {
    let plain = without_sgr(text);
    let bad: Vec<char> = plain
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect();
    assert!(bad.is_empty(), "{what} sent {bad:?} to the terminal:\n{text}");
}

#[test]
fn ticket_content_never_sends_escape_sequences_to_the_terminal() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    // An author with control characters in their name replies (desk refuses such an
    // identity from the environment, so the file is edited by hand below).
    let evil = "Evil\u{1b}]52;c;aGk=\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}Na\u{8}me";
    env.desk(&["reply", &id, "-m", "fine"]).ok();
    // Title, label, assignee, a custom field and the description, written by hand.
    let path = format!("tickets/{}/{id}.md", &id[..2]);
    let file = env.ticket_file(&id);
    let file: String = file
        .lines()
        .map(|l| if l.starts_with("<!-- desk:reply") { l.replace("Test Agent", evil) } else { l.to_owned() } + "\n")
        .collect();
    let file = file
        .replace("title: Printer jams", &format!("title: {HOSTILE_YAML}"))
        .replace("labels: [printer]", &format!("labels: [printer, {HOSTILE_YAML}]"))
        .replace("assignee:\n", &format!("assignee: {HOSTILE_YAML}\n"))
        .replace("updated:", &format!("x-custom: {HOSTILE_YAML}\nupdated:"))
        .replace("> Something is wrong.", &format!("> Body {HOSTILE} and &#27;]0;ref&#7; `{HOSTILE}`"));
    env.commit_by_hand(&[(&path, &file)], "hostile by hand");
    // The file reads back with the exact text: JSON keeps it.
    let json = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(json["title"], HOSTILE);
    assert_eq!(json["fields"]["x-custom"], HOSTILE);
    assert!(json["labels"].as_array().unwrap().contains(&serde_json::json!(HOSTILE)));
    assert_eq!(json["comments"][0]["author"].as_str().unwrap().split(" <").next().unwrap(), evil);

    let commands: [&[&str]; 6] = [
        &["show", &id],
        &["list", "--all"],
        &["log", &id],
        &["report", "--since", "2026-11-01", "--by", "label"],
        &["report", "--since", "2026-11-01", "--by", "assignee", "--chart"],
        &["doctor"],
    ];
    for args in commands {
        for color in ["--color=never", "--color=always"] {
            let mut all = args.to_vec();
            all.push(color);
            let run = env.desk(&all);
            assert!(run.code == 0, "{all:?}:\n{run}");
            assert_terminal_safe(&format!("desk {}", all.join(" ")), &run.stdout);
            assert_terminal_safe(&format!("desk {} (stderr)", all.join(" ")), &run.stderr);
        }
    }
    // What was replaced is shown: control pictures, and U+FFFD for C1 and bidi controls.
    let show = env.desk(&["show", &id]).ok().stdout;
    assert!(show.contains("A␛]52;c;aGk=␇B␛]0;pwned␇␛[2J\u{fffd}31m\u{fffd}C␍D␈"), "{show}");
    assert!(show.contains("␛]0;ref␇"), "a character reference in Markdown is shown too:\n{show}");
    let list = env.desk(&["list", "--all"]).ok().stdout;
    assert!(list.contains("A␛]52;c;aGk=␇B"), "{list}");
    // CSV, like ls, keeps the exact text when it does not go to a terminal.
    let csv = env.desk(&["report", "--since", "2026-11-01", "--by", "label", "--csv"]).ok().stdout;
    assert!(csv.contains(HOSTILE), "{csv:?}");
}

/// Central European time: UTC+1, UTC+2 from the last Sunday of March to the
/// last Sunday of October (a POSIX rule, so no time zone database is needed).
const CET: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

#[test]
fn times_for_people_are_local_unless_utc_is_asked_for() {
    let env = TestEnv::initialised();
    let id = env.desk_at("2026-11-27T23:30:00Z", &["new", "Printer jams", "-b", "x"]).ok().line();
    let show = env.desk_env(&["show", &id], &[("TZ", CET)]).ok().stdout;
    assert!(show.contains("Created    2026-11-28 00:30 +0100 ("), "{show}");
    let show = env.desk_env(&["show", &id, "--utc"], &[("TZ", CET)]).ok().stdout;
    assert!(show.contains("Created    2026-11-27 23:30 UTC ("), "{show}");
    let log = env.desk_env(&["log", &id], &[("TZ", CET)]).ok().stdout;
    assert!(log.contains("2026-11-28 00:30 +0100"), "{log}");
    // In summer the offset is that of summer time.
    let id = env.desk_at("2026-07-01T12:00:00Z", &["new", "Summer", "-b", "x"]).ok().line();
    let show = env.desk_env(&["show", &id], &[("TZ", CET)]).ok().stdout;
    assert!(show.contains("Created    2026-07-01 14:00 +0200 ("), "{show}");
    // JSON stays UTC.
    let json = env.desk_env(&["show", &id, "--json"], &[("TZ", CET)]).ok().json();
    assert_eq!(json["created"], "2026-07-01T12:00:00Z");
}

#[test]
fn days_in_reports_and_queries_are_local_days() {
    let env = TestEnv::initialised();
    // 23:30 UTC on 31 October is 00:30 on 1 November in Paris.
    let late = env.desk_at("2026-10-31T23:30:00Z", &["new", "Late", "-b", "x"]).ok().line();
    // 23:30 UTC on 1 November is still 1 November in UTC, but 2 November in Paris.
    let later = env.desk_at("2026-11-01T23:30:00Z", &["new", "Later", "-b", "x"]).ok().line();
    let created = |args: &[&str], tz: &str| -> i64 {
        let mut all = vec!["report", "--json"];
        all.extend_from_slice(args);
        env.desk_env(&all, &[("TZ", tz)]).ok().json()["created"].as_i64().unwrap()
    };
    let day = ["--since", "2026-11-01", "--until", "2026-11-01"];
    assert_eq!(created(&day, CET), 1, "Late only, on 1 November in Paris");
    let json =
        env.desk_env(&["report", "--json", "--since", "2026-11-01", "--until", "2026-11-01"], &[("TZ", CET)]);
    let json = json.ok().json();
    assert_eq!(json["from"], "2026-10-31T23:00:00Z", "JSON times stay UTC");
    assert_eq!(json["until"], "2026-11-01T23:00:00Z");
    let mut utc_day = day.to_vec();
    utc_day.push("--utc");
    assert_eq!(created(&utc_day, CET), 1, "Later only, on 1 November in UTC");
    // A time with a zone is that instant, whatever TZ says.
    let zoned = ["--since", "2026-11-01T00:00:00+01:00", "--until", "2026-11-02T00:00:00+01:00"];
    assert_eq!(created(&zoned, "UTC0"), 1);
    // A time without a zone is local.
    let local = ["--since", "2026-11-01T00:00", "--until", "2026-11-01T23:59"];
    assert_eq!(created(&local, CET), 1);

    // Queries read days the same way.
    let ids = |q: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["list", "--all", "--json", q];
        args.extend_from_slice(extra);
        let json = env.desk_env(&args, &[("TZ", CET)]).ok().json();
        json.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids("created:2026-11-01", &[]), [late.as_str()]);
    assert_eq!(ids("created:2026-11-01", &["--utc"]), [later.as_str()]);
    assert_eq!(ids("created:>=2026-11-02", &[]), [later.as_str()]);
    assert_eq!(ids("created:<2026-11-01T01:00:00+01:00", &[]), [late.as_str()]);
}

#[test]
fn a_day_when_the_clocks_go_back_has_25_hours() {
    let env = TestEnv::initialised();
    // 25 October 2026 in Paris runs from 22:00 UTC on the 24th to 23:00 UTC on the 25th.
    env.desk_at("2026-10-24T21:30:00Z", &["new", "Saturday night", "-b", "x"]).ok();
    env.desk_at("2026-10-24T22:30:00Z", &["new", "Sunday, first hour", "-b", "x"]).ok();
    env.desk_at("2026-10-25T22:30:00Z", &["new", "Sunday, last hour", "-b", "x"]).ok();
    let json = env
        .desk_env(&["report", "--json", "--since", "2026-10-25", "--until", "2026-10-25"], &[("TZ", CET)])
        .ok()
        .json();
    assert_eq!(
        (json["from"].as_str(), json["until"].as_str()),
        (Some("2026-10-24T22:00:00Z"), Some("2026-10-25T23:00:00Z"))
    );
    assert_eq!(json["created"], 2);
    // The daily chart counts the same local days: one ticket on the 24th and two on
    // the 25th in Paris, two and one in UTC.
    let chart = |extra: &[&str]| {
        let mut args = vec!["report", "--chart", "--since", "2026-10-24", "--until", "2026-10-25"];
        args.extend_from_slice(extra);
        let chart = env.desk_env(&args, &[("TZ", CET)]).ok().stdout;
        assert!(chart.contains("2026-10-24 .. 2026-10-25"), "{chart}");
        let line = chart.lines().skip_while(|l| !l.starts_with("Created vs resolved")).nth(1);
        line.unwrap_or_default().trim_end().to_owned()
    };
    assert_eq!(chart(&[]), "created   =@");
    assert_eq!(chart(&["--utc"]), "created   @=");
}

#[test]
fn git_colour_settings_rank_below_the_flag_and_above_no_color() {
    let env = TestEnv::initialised();
    env.new_ticket("Printer jams", &["--priority", "urgent"]);
    let coloured = |args: &[&str]| {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        env.desk(&all).ok().stdout.contains('\u{1b}')
    };
    // TestEnv sets NO_COLOR and pipes stdout: no colour.
    assert!(!coloured(&[]));
    for (value, colour) in
        [("always", true), ("never", false), ("auto", false), ("true", false), ("false", false)]
    {
        env.git(&["config", "color.ui", value]);
        assert_eq!(coloured(&[]), colour, "color.ui={value}");
    }
    env.git(&["config", "color.ui", "always"]);
    assert!(!coloured(&["--color=never"]), "the flag wins");
    assert!(!coloured(&["--color=auto"]), "an explicit auto too");
    env.git(&["config", "color.desk", "never"]);
    assert!(!coloured(&[]), "color.desk wins over color.ui");
    env.git(&["config", "color.desk", "always"]);
    env.git(&["config", "color.ui", "never"]);
    assert!(coloured(&[]));
    env.git(&["config", "--global", "color.desk", "sometimes"]);
    env.git(&["config", "--unset", "color.desk"]);
    let message = env.desk(&["list"]).error(1);
    assert_eq!(message, "invalid git config color.desk 'sometimes'");
}

#[test]
fn git_dir_and_git_work_tree_are_honoured_as_git_does() {
    let env = TestEnv::new();
    env.git_in(&env.root, &["init", "-q", "--bare", "helpdesk.git"]);
    let bare = env.root.join("helpdesk.git");
    let elsewhere = env.root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let bare_dir = bare.to_str().unwrap();
    let in_bare = |args: &[&str]| env.desk_full(&elsewhere, args, None, &[("GIT_DIR", bare_dir)]);
    in_bare(&["init"]).ok();
    let id = in_bare(&["new", "Printer jams", "-b", "x"]).ok().line();
    assert_eq!(in_bare(&["list", "--json"]).ok().json()[0]["id"], id.as_str());
    let branch = env.git_in(&env.root, &["--git-dir", bare_dir, "rev-parse", "--verify", "refs/heads/desk"]);
    assert_eq!(branch.trim().len(), 40, "the ticket is in the bare repository");
    // A relative GIT_DIR is relative to -C, as with `git -C`.
    let run = env.desk_full(
        &elsewhere,
        &["-C", env.root.to_str().unwrap(), "show", &id, "--json"],
        None,
        &[("GIT_DIR", "helpdesk.git")],
    );
    assert_eq!(run.ok().json()["title"], "Printer jams");
    // A GIT_DIR that is no repository is an error naming it.
    let missing = env.root.join("nothing.git");
    let run = env.desk_full(&elsewhere, &["list"], None, &[("GIT_DIR", missing.to_str().unwrap())]);
    assert!(run.error(1).contains("nothing.git"));

    // A non-bare repository used from outside its work tree.
    env.desk(&["init"]).ok();
    let git_dir = env.repo.join(".git");
    let vars = [("GIT_DIR", git_dir.to_str().unwrap()), ("GIT_WORK_TREE", env.repo.to_str().unwrap())];
    let id = env.desk_full(&elsewhere, &["new", "From outside", "-b", "x"], None, &vars).ok().line();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["title"], "From outside");
}

/// Runs `line` through `sh` on a pseudo-terminal 60 columns wide (util-linux
/// `script`), in the repository, with extra variables.
fn on_terminal(env: &TestEnv, line: &str, vars: &[(&str, &str)]) -> crate::common::Run {
    let desk = crate::common::bin().to_str().unwrap().to_owned();
    let line = format!("stty cols 60 rows 20 2>/dev/null; {}", line.replace("desk ", &format!("'{desk}' ")));
    let mut cmd = env.program(std::path::Path::new("script"));
    cmd.args(["-qec", &line, "/dev/null"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut run = crate::common::run(cmd, None);
    run.stdout = run.stdout.replace("\r\n", "\n");
    run
}

/// A fake pager that copies its input to `$DESK_TEST_PAGED` and its `LESS`
/// and `LV` to `$DESK_TEST_PAGED.env`, under the name `name` in HOME.
fn fake_pager(env: &TestEnv, name: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let path = env.home.join(name);
    std::fs::write(
        &path,
        "#!/bin/sh\nprintf 'LESS=%s LV=%s\\n' \"$LESS\" \"$LV\" > \"$DESK_TEST_PAGED.env\"\n\
         echo \"$0\" >> \"$DESK_TEST_PAGED.env\"\ncat > \"$DESK_TEST_PAGED\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn read_commands_page_on_a_terminal_as_git_does() {
    let env = TestEnv::initialised();
    let id = env
        .new_ticket("Printer jams on the third floor, every morning since Monday", &["--priority", "urgent"]);
    let pager = fake_pager(&env, "pager.sh");
    let out_file = env.root.join("paged.txt");
    let read = |name: &str| std::fs::read_to_string(env.root.join(name)).unwrap_or_default();
    let clear = || {
        let _ = std::fs::remove_file(env.root.join("paged.txt"));
        let _ = std::fs::remove_file(env.root.join("paged.txt.env"));
    };
    let vars = [("PAGER", pager.as_str()), ("DESK_TEST_PAGED", out_file.to_str().unwrap())];
    for command in
        [format!("desk show {id}"), format!("desk log {id}"), "desk list".into(), "desk report".into()]
    {
        clear();
        let run = on_terminal(&env, &command, &vars);
        assert_eq!(run.code, 0, "{command}:\n{run}");
        assert!(!read("paged.txt").is_empty(), "{command} was paged:\n{run}");
        assert!(!run.stdout.contains("Printer jams") && !run.stdout.contains("created"), "{command}: {run}");
        // LESS and LV are set for the pager as git sets them.
        assert!(read("paged.txt.env").starts_with("LESS=FRX LV=-c\n"), "{}", read("paged.txt.env"));
    }
    // The table is fitted to the terminal the pager runs on, and coloured for it
    // unless NO_COLOR says otherwise.
    clear();
    on_terminal(&env, "env -u NO_COLOR TERM=xterm desk list", &vars);
    let list = read("paged.txt");
    assert!(list.contains('\u{1b}'), "colour goes through the pager:\n{list}");
    let widest = without_sgr(&list).lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 60, "fitted to 60 columns:\n{list}");
    // LESS already set is left alone.
    clear();
    on_terminal(&env, "desk list", &[vars[0], vars[1], ("LESS", "-i")]);
    assert!(read("paged.txt.env").starts_with("LESS=-i LV=-c\n"), "{}", read("paged.txt.env"));

    // GIT_PAGER, then core.pager, then PAGER.
    let core = fake_pager(&env, "core-pager.sh");
    let git_pager = fake_pager(&env, "git-pager.sh");
    env.git(&["config", "core.pager", &core]);
    clear();
    on_terminal(&env, "desk list", &vars);
    assert!(read("paged.txt.env").ends_with("core-pager.sh\n"), "{}", read("paged.txt.env"));
    clear();
    on_terminal(&env, "desk list", &[vars[0], vars[1], ("GIT_PAGER", git_pager.as_str())]);
    assert!(read("paged.txt.env").ends_with("git-pager.sh\n"), "{}", read("paged.txt.env"));
    env.git(&["config", "--unset", "core.pager"]);

    // No pager: --no-pager, PAGER=cat, an empty PAGER, or no terminal.
    for (line, pager) in [("desk --no-pager list", pager.as_str()), ("desk list", "cat"), ("desk list", "")] {
        clear();
        let run = on_terminal(&env, line, &[("PAGER", pager), vars[1]]);
        assert!(
            run.stdout.contains("Printer jams"),
            "{line} with PAGER={pager:?} prints to the terminal:\n{run}"
        );
        assert_eq!(read("paged.txt"), "", "{line} with PAGER={pager:?}");
    }
    clear();
    let run = env.desk_env(&["list"], &vars).ok();
    assert!(run.stdout.contains("Printer jams"), "{run}");
    assert_eq!(read("paged.txt"), "", "never without a terminal");
}

#[test]
fn a_pager_that_quits_early_is_not_an_error() {
    let env = TestEnv::initialised();
    let body = env.root.join("body.md");
    std::fs::write(&body, "A long line of text.\n\n".repeat(20_000)).unwrap();
    let id = env.desk(&["new", "Long", "-F", body.to_str().unwrap()]).ok().line();
    // `head -1` reads one line and quits, long before desk has written everything.
    let run = on_terminal(&env, &format!("desk show {id}; echo \"exit=$?\""), &[("PAGER", "head -1")]);
    assert!(run.stdout.ends_with("exit=0\n"), "{run}");
    assert!(!run.stdout.contains("error"), "{run}");
}

#[test]
fn report_groups_follow_the_workflow_and_fit_80_columns() {
    let env = TestEnv::initialised();
    let at = |time: &str, args: &[&str]| env.desk_at(time, args).ok().line();
    let jane = ["--requester", "Jane Doe <jane@example.com>"];
    let new = |time: &str, title: &str, priority: &str| {
        let mut args = vec!["new", title, "-b", "x", "--priority", priority];
        args.extend_from_slice(&jane);
        at(time, &args)
    };
    let a = new("2026-11-02T09:00:00Z", "VPN drops", "low");
    let b = new("2026-11-03T09:00:00Z", "Printer jams", "urgent");
    let c = new("2026-11-04T09:00:00Z", "New laptop", "high");
    let d = new("2026-11-05T09:00:00Z", "Mail bounces", "normal");
    at("2026-11-03T10:30:00Z", &["reply", &b, "-m", "On my way"]);
    at("2026-11-04T12:00:00Z", &["resolve", &b]);
    at("2026-11-05T10:00:00Z", &["reply", &c, "-m", "Ordered", "--status", "pending"]);
    at("2026-11-06T10:00:00Z", &["status", &a, "open"]);
    at("2026-11-07T10:00:00Z", &["close", &d]);
    let report = |by: &str| {
        env.desk_env(
            &["report", "--since", "2026-11-01", "--until", "2026-11-30", "--by", by],
            &[("COLUMNS", "80")],
        )
        .ok()
        .stdout
    };
    let by_priority = report("priority");
    for line in by_priority.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
    insta::assert_snapshot!("report_by_priority_80_columns", by_priority);
    let keys = |text: &str| -> Vec<String> {
        let table = text.split("\n\n").nth(1).unwrap_or_default();
        table
            .lines()
            .skip(1)
            .map_while(|l| l.split_whitespace().next())
            .map(str::to_owned)
            .take_while(|k| k != "FRT,")
            .collect()
    };
    assert_eq!(keys(&by_priority), ["urgent", "high", "normal", "low"]);
    // Workflow order, not the alphabet (closed would come first).
    assert_eq!(keys(&report("status")), ["open", "pending", "resolved", "closed"]);
    // JSON lists the groups in the same order.
    let json = env
        .desk(&["report", "--since", "2026-11-01", "--until", "2026-11-30", "--by", "priority", "--json"])
        .ok()
        .json();
    let keys: Vec<&str> =
        json["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["urgent", "high", "normal", "low"]);
}

/// A fake editor that copies the file it was given to `$DESK_TEST_SEEN`, then
/// appends `$DESK_TEST_APPEND` to it or, with `$DESK_TEST_EMPTY`, empties it.
fn seeing_editor(env: &TestEnv) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let path = env.home.join("seeing-editor.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\ncp \"$1\" \"$DESK_TEST_SEEN\"\n\
         if [ -n \"$DESK_TEST_APPEND\" ]; then printf '%s' \"$DESK_TEST_APPEND\" >> \"$1\"; fi\n\
         if [ -n \"$DESK_TEST_EMPTY\" ]; then : > \"$1\"; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_editor_runs_without_a_terminal_when_one_is_chosen_and_its_comment_is_removed() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let editor = seeing_editor(&env);
    let seen = env.root.join("seen.md");
    let seen_text = || std::fs::read_to_string(&seen).unwrap();
    let vars = |extra: &[(&'static str, &'static str)]| {
        let mut v = vec![("EDITOR", editor.clone()), ("DESK_TEST_SEEN", seen.to_str().unwrap().to_owned())];
        v.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        v
    };
    let run = |args: &[&str], extra: &[(&'static str, &'static str)]| {
        let vars = vars(extra);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.desk_env(args, &vars)
    };

    // `desk edit` without a terminal: the editor gets the file under desk's comment.
    let head = env.desk_head();
    run(&["edit", &id], &[("DESK_TEST_APPEND", "\nMore detail.\n")]).ok();
    let opened = seen_text();
    assert!(opened.starts_with("<!-- desk: Editing ticket "), "{opened}");
    let (comment, file) = opened.split_once(" -->\n").unwrap();
    assert!(comment.contains("empty the file") && !comment.contains("-->"), "{comment}");
    assert_eq!(file, env.git(&["show", &format!("{head}:tickets/{}/{id}.md", &id[..2])]));
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["body"], "Something is wrong.\n\nMore detail.");
    assert!(!env.ticket_file(&id).contains("desk: Editing"), "the comment is not committed");
    // Saved as it was: no change. Emptied: no change either.
    let head = env.desk_head();
    let saved = run(&["edit", &id], &[]).ok();
    assert!(saved.stderr.contains("no changes"), "{saved}");
    let emptied = run(&["edit", &id], &[("DESK_TEST_EMPTY", "1")]).ok();
    assert!(emptied.stderr.contains("nothing changed"), "{emptied}");
    assert_eq!(env.desk_head(), head);

    // A reply, a note and a description typed in the editor, without a terminal.
    run(&["reply", &id], &[("DESK_TEST_APPEND", "Could you send a photo?\n")]).ok();
    assert!(
        seen_text().starts_with(&format!("<!-- desk: Write the reply to {} below", &id[..6])),
        "{}",
        seen_text()
    );
    run(&["note", &id], &[("DESK_TEST_APPEND", "Fuser unit.\n")]).ok();
    assert!(seen_text().starts_with("<!-- desk: Write the internal note on"), "{}", seen_text());
    let json = env.desk(&["show", &id, "--json"]).ok().json();
    let bodies: Vec<&str> =
        json["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Could you send a photo?", "Fuser unit."]);
    let new = run(&["new", "Typed in the editor"], &[("DESK_TEST_APPEND", "The printer is on fire.\n")])
        .ok()
        .line();
    assert_eq!(env.desk(&["show", &new, "--json"]).ok().json()["body"], "The printer is on fire.");
    // An empty text writes nothing.
    let head = env.desk_head();
    let message = run(&["new", "Empty"], &[]).error(2);
    assert!(message.contains("the description is empty") && message.contains("-b ''"), "{message}");
    let message = run(&["reply", &id], &[]).error(2);
    assert!(message.contains("empty"), "{message}");
    assert_eq!(env.desk_head(), head);
    // VISUAL wins over EDITOR, as in git.
    let message = run(&["note", &id], &[("VISUAL", "false")]).error(1);
    assert!(message.contains("'false'"), "{message}");
}

/// Completes `words` (the last is the word being completed) with desk's bash
/// completion: the script `desk completions bash` prints, sourced into a real
/// bash that finds the built desk on PATH.
fn complete_in_bash(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let bin_dir = crate::common::bin().parent().unwrap().to_str().unwrap().to_owned();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', r"'\''"))).collect();
    let script = format!(
        "source <(desk completions bash)\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_TYPE=9\n\
         _clap_complete_desk desk {current} {previous}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
        current = quoted[words.len() - 1],
        previous = quoted[words.len().saturating_sub(2)],
    );
    let mut cmd = env.program(std::path::Path::new("bash"));
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    cmd.args(["--norc", "-c", &script]).env("PATH", path);
    let run = crate::common::run(cmd, None);
    assert_eq!(run.code, 0, "{run}");
    run.stdout.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[test]
fn completion_offers_ids_statuses_labels_and_people_from_the_helpdesk() {
    let env = TestEnv::initialised();
    // A workflow of its own, so statuses come from desk.yaml, not from defaults.
    let config = env.git(&["show", "desk:desk.yaml"]).replace("{name: pending,", "{name: waiting,");
    assert!(config.contains("waiting"), "{config}");
    env.commit_by_hand(&[("desk.yaml", &config)], "a status of our own");
    let a = env.new_ticket(
        "Printer jams",
        &["-l", "printer", "-l", "area/3rd-floor", "--requester", "Jane Doe <jane@example.com>"],
    );
    let b = env.new_ticket("VPN drops", &["-l", "vpn"]);

    // Ticket ids by prefix (in any case), and only those.
    let ids = complete_in_bash(&env, &["desk", "show", &a[..3]]);
    assert!(ids.contains(&a), "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with(&a[..3])), "{ids:?}");
    let both = complete_in_bash(&env, &["desk", "reply", ""]);
    assert!(both.contains(&a) && both.contains(&b), "{both:?}");
    assert_eq!(complete_in_bash(&env, &["desk", "log", &a[..4].to_uppercase()]), [a.as_str()]);
    // Statuses from desk.yaml.
    assert_eq!(complete_in_bash(&env, &["desk", "status", &a, "wa"]), ["waiting"]);
    assert_eq!(complete_in_bash(&env, &["desk", "reply", &a, "--status", "w"]), ["waiting"]);
    // Labels in use, with the sign `desk label` takes.
    assert_eq!(complete_in_bash(&env, &["desk", "new", "x", "-l", "pr"]), ["printer"]);
    assert_eq!(complete_in_bash(&env, &["desk", "label", &a, "-ar"]), ["-area/3rd-floor"]);
    assert_eq!(complete_in_bash(&env, &["desk", "label", &a, "+v"]), ["+vpn"]);
    // Priorities, most urgent first; people by email.
    assert_eq!(complete_in_bash(&env, &["desk", "new", "x", "--priority", ""])[..2], ["urgent", "high"]);
    assert_eq!(complete_in_bash(&env, &["desk", "assign", &a, "ja"]), ["jane@example.com"]);
    // Query terms: keys, and the values of each key.
    assert!(complete_in_bash(&env, &["desk", "list", "sta"]).contains(&"status:".to_owned()));
    assert_eq!(complete_in_bash(&env, &["desk", "list", "status:open,wa"]), ["status:open,waiting"]);
    assert_eq!(complete_in_bash(&env, &["desk", "report", "-label:v"]), ["-label:vpn"]);
    assert_eq!(complete_in_bash(&env, &["desk", "list", "priority:>=u"]), ["priority:>=urgent"]);

    // Commands people use, never the hidden ones.
    let commands = complete_in_bash(&env, &["desk", ""]);
    assert!(
        commands.contains(&"list".to_owned()) && commands.contains(&"completions".to_owned()),
        "{commands:?}"
    );
    for hidden in ["generate", "merge-driver"] {
        assert!(!commands.contains(&hidden.to_owned()), "{commands:?}");
    }
    assert!(complete_in_bash(&env, &["desk", "gen"]).is_empty());
    // `merge` is a command; the hidden `merge-driver` is not offered beside it.
    assert_eq!(complete_in_bash(&env, &["desk", "merge"]), ["merge"]);
    // Outside a helpdesk, commands still complete and values are simply not offered.
    let outside = TestEnv::new();
    assert!(complete_in_bash(&outside, &["desk", "show", ""]).iter().all(|c| c.starts_with('-')));
}

#[test]
fn hidden_commands_are_never_suggested_and_have_no_man_page() {
    let env = TestEnv::initialised();
    for typo in ["generat", "merge-drive"] {
        let run = env.desk(&[typo]);
        assert_eq!(run.code, 2, "{run}");
        assert!(run.stderr.starts_with(&format!("error: unrecognized subcommand '{typo}'")), "{run}");
        assert!(!run.stderr.contains("generate") && !run.stderr.contains("merge-driver"), "{run}");
    }
    // A public command is still suggested.
    assert!(env.desk(&["shwo"]).stderr.contains("'show'"));
    // The hidden commands still run for those who call them.
    env.desk(&["generate", "--out", env.root.join("gen").to_str().unwrap()]).ok();

    // `desk man DIR` writes the pages: the commands people use, no desk-help(1).
    let dir = env.root.join("man1");
    let run = env.desk(&["man", dir.to_str().unwrap()]).ok();
    assert!(run.stderr.starts_with("wrote "), "{run}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for page in ["desk.1", "desk-list.1", "desk-completions.1", "desk-man.1"] {
        assert!(names.contains(&page.to_owned()), "{names:?}");
    }
    for page in ["desk-help.1", "desk-generate.1", "desk-merge-driver.1"] {
        assert!(!names.contains(&page.to_owned()), "{names:?}");
    }
    let main_page = std::fs::read_to_string(dir.join("desk.1")).unwrap();
    assert!(!main_page.contains("desk\\-help") && !main_page.contains("desk-help"), "{main_page}");
    assert!(main_page.contains("desk\\-completions(1)"), "{main_page}");
    // The repository's man/ and completions/ are what `desk man` and `desk completions` write.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(main_page, std::fs::read_to_string(root.join("man/desk.1")).unwrap());
    for (shell, file) in [
        ("bash", "desk.bash"),
        ("zsh", "_desk"),
        ("fish", "desk.fish"),
        ("elvish", "desk.elv"),
        ("powershell", "_desk.ps1"),
    ] {
        let script = env.desk(&["completions", shell]).ok().stdout;
        assert_eq!(script, std::fs::read_to_string(root.join("completions").join(file)).unwrap(), "{shell}");
    }
    assert_eq!(env.desk(&["completions", "tcsh"]).code, 2);
}
