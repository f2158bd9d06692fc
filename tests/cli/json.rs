//! `--json` as CI scripts rely on it: errors as a JSON object on stderr with a
//! documented kind, every write command printing the ticket as changed,
//! `--fields`, `--strict`, and every document checked against the schemas in
//! docs/json.md.

use serde_json::{Value, json};

use crate::common::{Run, TestEnv};

fn path_of(id: &str) -> String {
    format!("tickets/{}/{id}.md", &id[..2])
}

/// A ticket file as desk wrote it for `id`, rewritten to carry `new_id`.
fn file_with_id(env: &TestEnv, id: &str, new_id: &str) -> String {
    env.ticket_file(id).replace(&format!("id: {id}"), &format!("id: {new_id}"))
}

/// The error object of a failed `--json` run: exit `code`, nothing on stdout,
/// and on stderr `{"error": {kind, message, hint, causes}}` as the last line
/// (only `warning:` lines before it). Returns the inner object.
#[track_caller]
fn json_error(run: &Run, code: i32) -> Value {
    assert_eq!(run.code, code, "expected exit {code}:\n{run}");
    assert_eq!(run.stdout, "", "expected nothing on stdout:\n{run}");
    let mut lines: Vec<&str> = run.stderr.lines().collect();
    let last = lines.pop().unwrap_or_else(|| panic!("nothing on stderr:\n{run}"));
    for line in lines {
        assert!(line.starts_with("warning: "), "unexpected stderr line {line:?}:\n{run}");
    }
    let value: Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("stderr's last line is not JSON ({e}):\n{run}"));
    let object = value.as_object().unwrap_or_else(|| panic!("not an object:\n{run}"));
    assert_eq!(object.keys().collect::<Vec<_>>(), ["error"], "{run}");
    let error = &value["error"];
    let keys: Vec<&str> = error.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["kind", "message", "hint", "causes"], "{run}");
    assert!(error["kind"].is_string() && error["message"].is_string(), "{run}");
    assert!(!error["message"].as_str().unwrap().is_empty(), "{run}");
    assert!(!error["message"].as_str().unwrap().starts_with("error:"), "{run}");
    assert!(error["hint"].is_string() || error["hint"].is_null(), "{run}");
    assert!(error["causes"].as_array().is_some_and(|c| c.iter().all(Value::is_string)), "{run}");
    error.clone()
}

#[track_caller]
fn kind_of(run: &Run, code: i32) -> String {
    json_error(run, code)["kind"].as_str().unwrap().to_owned()
}

#[test]
fn usage_errors_found_by_clap_are_json_with_json_on_the_command_line() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    // An unknown option, a missing argument, a bad value, an option of another command.
    for args in [
        vec!["list", "--json", "--bogus"],
        vec!["list", "-x", "--json"],
        vec!["show", "--json"],
        vec!["rate", &id, "9", "--json"],
        vec!["show", &id, "--json", "--csv"],
        vec!["--color", "sometimes", "list", "--json"],
    ] {
        let run = env.desk(&args);
        let error = json_error(&run, 2);
        assert_eq!(error["kind"], "usage", "{args:?}");
        assert!(error["hint"].as_str().is_some_and(|h| h.contains("try '--help'")), "{args:?}:\n{run}");
    }
    let error = json_error(&env.desk(&["show", "--json"]), 2);
    assert_eq!(error["message"], "the following required arguments were not provided: <ID>");
    assert!(error["hint"].as_str().unwrap().starts_with("usage: desk show --json <ID>"), "{error}");
    let error = json_error(&env.desk(&["report", "--json", "--by", "colour"]), 2);
    assert_eq!(error["message"], "invalid value 'colour' for '--by <FIELD>'");
    assert!(error["hint"].as_str().unwrap().starts_with("possible values: status, priority"), "{error}");
    // desk's own tips come along.
    let error = json_error(&env.desk(&["list", "--json", "-printer"]), 2);
    assert!(error["hint"].as_str().unwrap().contains("-- -printer"), "{error}");

    // Without --json the same errors are text; after `--` a word is a query term.
    let run = env.desk(&["list", "--bogus"]);
    assert!(run.stderr.starts_with("error: unexpected argument '--bogus'"), "{run}");
    let run = env.desk(&["list", "--all", "--", "--json"]).ok();
    assert!(run.stdout.starts_with("ID "), "{run}");
    // --help and --version are no errors.
    let help = env.desk(&["list", "--json", "--help"]).ok();
    assert!(help.stdout.contains("Usage: desk list"), "{help}");
}

#[test]
fn usage_errors_found_by_desk_are_json() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    for args in [
        vec!["list", "--json", "priority:>=bogus"],
        vec!["list", "--json", "--sort", "colour"],
        vec!["report", "--json", "--since", "tomorrow"],
        vec!["new", "--json", "A title"],
        vec!["status", &id, "nonsense", "--json"],
        vec!["show", "abc", "--json"],
    ] {
        assert_eq!(kind_of(&env.desk(&args), 2), "usage", "{args:?}");
    }
    let error = json_error(&env.desk_without_editor(&["new", "--json", "A title"]), 2);
    assert!(error["message"].as_str().unwrap().contains("-b TEXT"), "{error}");
}

#[test]
fn every_error_kind_is_a_json_object_with_its_exit_code() {
    let env = TestEnv::new();
    // not_initialised: no repository, then no desk branch.
    let plain = env.root.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let ceiling = [("GIT_CEILING_DIRECTORIES", env.root.to_str().unwrap())];
    let run = env.desk_full(&plain, &["list", "--json"], None, &ceiling);
    let error = json_error(&run, 1);
    assert_eq!(error["kind"], "not_initialised");
    assert!(error["message"].as_str().unwrap().starts_with("not a git repository"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("git init"), "{error}");
    let error = json_error(&env.desk(&["show", "abcdef", "--json"]), 1);
    assert_eq!(error["kind"], "not_initialised");
    assert_eq!(error["hint"], "run `desk init`");

    env.desk(&["init"]).ok();
    let id = env.new_ticket("Printer jams", &[]);

    // config: no git identity for a write.
    let config = std::fs::read_to_string(env.home.join(".gitconfig")).unwrap();
    std::fs::write(env.home.join(".gitconfig"), "").unwrap();
    let error = json_error(&env.desk(&["new", "x", "-b", "y", "--json"]), 1);
    assert_eq!(error["kind"], "config", "{error}");
    assert!(error["hint"].as_str().unwrap().contains("git config --global user.name"), "{error}");
    std::fs::write(env.home.join(".gitconfig"), config).unwrap();

    // not_found and ambiguous.
    let unknown = if id.starts_with('z') { "yyyyyy" } else { "zzzzzz" };
    let error = json_error(&env.desk(&["show", unknown, "--json"]), 1);
    assert_eq!(error["kind"], "not_found");
    assert_eq!(error["message"], format!("no ticket matches '{unknown}'"));
    let (a, b) = ("aaaaaa0001", "aaaaaa0002");
    env.commit_by_hand(
        &[(&path_of(a), &file_with_id(&env, &id, a)), (&path_of(b), &file_with_id(&env, &id, b))],
        "twins",
    );
    let error = json_error(&env.desk(&["show", "aaaa", "--json"]), 1);
    assert_eq!(error["kind"], "ambiguous");
    assert_eq!(error["hint"], "type more characters of the id");

    // malformed: a file desk cannot read.
    let broken = "bbbbbb0001";
    env.commit_by_hand(&[(&path_of(broken), "---\nid: bbbbbb0001\ntitle: [\n---\n")], "broken");
    let error = json_error(&env.desk(&["show", broken, "--json"]), 1);
    assert_eq!(error["kind"], "malformed");
    assert!(error["message"].as_str().unwrap().starts_with(&path_of(broken)), "{error}");

    // input: text desk cannot read or refuses.
    let error = json_error(&env.desk(&["new", "x", "-F", "no-such-file.txt", "--json"]), 1);
    assert_eq!(error["kind"], "input");
    let run = env.desk_stdin(&["new", "x", "-F", "-", "--json"], "binary\0data");
    assert_eq!(kind_of(&run, 1), "input");

    // conflict: the desk branch is checked out in a worktree.
    let head = env.desk_head();
    let tree = env.root.join("desk-worktree");
    env.git(&["worktree", "add", "-q", tree.to_str().unwrap(), "desk"]);
    let error = json_error(&env.desk(&["new", "x", "-b", "y", "--json"]), 1);
    assert_eq!(error["kind"], "conflict");
    assert!(error["hint"].as_str().unwrap().contains("desk.branch"), "{error}");
    env.git(&["worktree", "remove", tree.to_str().unwrap()]);

    // remote: nothing to fetch from.
    let error = json_error(&env.desk(&["sync", "nosuch", "--json"]), 1);
    assert_eq!(error["kind"], "remote");
    assert!(error["message"].as_str().unwrap().starts_with("cannot fetch from 'nosuch'"), "{error}");

    // git: the branch points at an object that is not there.
    let git_dir = env.git(&["rev-parse", "--absolute-git-dir"]);
    let missing = "0123456789012345678901234567890123456789\n";
    std::fs::write(std::path::Path::new(git_dir.trim()).join("refs/heads/desk"), missing).unwrap();
    assert_eq!(kind_of(&env.desk(&["list", "--json"]), 1), "git");
    std::fs::write(std::path::Path::new(git_dir.trim()).join("refs/heads/desk"), format!("{head}\n"))
        .unwrap();

    // internal: the system fails (stdout is a full device).
    if std::path::Path::new("/dev/full").exists() {
        let mut cmd = env.command(&["show", &id, "--json"]);
        cmd.stdout(std::fs::File::create("/dev/full").unwrap()).stderr(std::process::Stdio::piped());
        let out = cmd.output().unwrap();
        let run = Run {
            code: out.status.code().unwrap(),
            stdout: String::new(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        };
        assert_eq!(kind_of(&run, 1), "internal");
    }

    // Without --json: the same errors as text.
    let run = env.desk(&["show", unknown]);
    assert_eq!(run.error(1), format!("no ticket matches '{unknown}'"));
}

#[test]
fn the_kinds_are_the_documented_ones() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap();
    let section = doc.split("## Errors").nth(1).expect("docs/json.md has an Errors section");
    let documented: Vec<(String, i32)> = section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let kind = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((kind.to_owned(), cells.get(2)?.parse().ok()?))
        })
        .collect();
    let expected: Vec<(String, i32)> = desk::cli::error::Kind::REPORTED
        .iter()
        .map(|k| (k.name().unwrap().to_owned(), k.exit_code()))
        .collect();
    assert_eq!(documented, expected);
}

/// Runs a write command with `--json` and checks it printed the ticket exactly
/// as `desk show --json` shows it afterwards, with nothing on stderr.
#[track_caller]
fn written(env: &TestEnv, id: &str, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.push("--json");
    let run = env.desk(&full).ok();
    assert_eq!(run.stderr, "", "{args:?}:\n{run}");
    let printed = run.json();
    assert_eq!(printed, env.desk(&["show", id, "--json"]).ok().json(), "{args:?}");
    printed
}

#[test]
fn every_write_command_prints_the_ticket_as_changed() {
    let env = TestEnv::initialised();
    let created =
        env.desk(&["new", "Printer jams", "-b", "Tray 2", "--requester", "Jane <jane@x.org>", "--json"]).ok();
    assert_eq!(created.stderr, "", "{created}");
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json(), env.desk(&["show", &id, "--json"]).ok().json());
    let id = id.as_str();
    let short = &id[..6];

    let t = written(&env, id, &["reply", short, "-m", "Which tray?"]);
    assert_eq!(t["comments"][0]["body"], "Which tray?");
    assert_eq!(t["status"], "open");
    let t = written(&env, id, &["note", short, "-m", "Vendor called"]);
    assert_eq!(t["comments"][1]["visibility"], "internal");
    let t = written(&env, id, &["assign", short, "--me"]);
    assert_eq!(t["assignee"], "Test Agent <agent@example.com>");
    let t = written(&env, id, &["status", short, "pending"]);
    assert_eq!(t["status"], "pending");
    let t = written(&env, id, &["label", short, "+printer", "hardware"]);
    assert_eq!(t["labels"], json!(["printer", "hardware"]));
    let t = written(&env, id, &["set", short, "priority=high", "tier=gold"]);
    assert_eq!((&t["priority"], &t["fields"]), (&json!("high"), &json!({"tier": "gold"})));
    let t = written(&env, id, &["resolve", short]);
    assert_eq!(t["status"], "resolved");
    let t = written(&env, id, &["rate", short, "5", "-m", "Quick"]);
    assert_eq!(t["rating"]["score"], 5);
    let t = written(&env, id, &["reopen", short]);
    assert_eq!(t["status"], "open");
    let file = env.ticket_file(id).replace("title: Printer jams", "title: Printer jams in tray 2");
    let run = env.desk_stdin(&["edit", short, "-F", "-", "--json"], &file).ok();
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(run.json()["title"], "Printer jams in tray 2");
    assert_eq!(run.json(), env.desk(&["show", id, "--json"]).ok().json());

    // Nothing to change: no commit, and the ticket as it is.
    let head = env.desk_head();
    for args in [
        vec!["assign", short, "--me"],
        vec!["status", short, "open"],
        vec!["reopen", short],
        vec!["label", short, "printer"],
        vec!["set", short, "tier=gold"],
        vec!["rate", short, "5", "-m", "Quick"],
    ] {
        written(&env, id, &args);
    }
    let run = env.desk_stdin(&["edit", short, "-F", "-", "--json"], &env.ticket_file(id)).ok();
    assert_eq!(run.json(), env.desk(&["show", id, "--json"]).ok().json());
    assert_eq!(env.desk_head(), head);

    // Without --json: the confirmation on stderr, nothing on stdout.
    let run = env.desk(&["assign", short, "--none"]).ok();
    assert_eq!(run.stdout, "", "{run}");
    assert!(run.stderr.contains(": unassigned"), "{run}");

    // A closed ticket, closed again: nothing to change.
    let t = written(&env, id, &["close", short]);
    assert_eq!(t["status"], "closed");
    let head = env.desk_head();
    written(&env, id, &["close", short]);
    assert_eq!(env.desk_head(), head);
}

#[test]
fn show_fields_prints_only_those_keys_in_the_order_given() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    env.desk(&["reply", &id, "-m", "Which tray?"]).ok();
    env.desk(&["set", &id, "tier=gold"]).ok();
    let whole = env.desk(&["show", &id, "--json"]).ok().json();
    for args in [
        vec!["show", &id, "--fields", "status,id,comments,fields"],
        vec!["show", &id, "--json", "--fields", "status, id,comments,fields"],
        vec!["show", "--fields=status,id,comments,fields", &id],
    ] {
        let run = env.desk(&args).ok();
        let t = run.json();
        let keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["status", "id", "comments", "fields"], "{args:?}");
        for key in keys {
            assert_eq!(t[key], whole[key], "{key}");
        }
    }
    // Every key of the object can be asked for, alone.
    for key in whole.as_object().unwrap().keys() {
        let t = env.desk(&["show", &id, "--fields", key]).ok().json();
        assert_eq!(t, json!({key.as_str(): whole[key]}));
    }

    // Unknown, empty or repeated names are usage errors that list the valid ones.
    let error = json_error(&env.desk(&["show", &id, "--fields", "id,colour"]), 2);
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("unknown field 'colour'; valid fields: "), "{message}");
    let valid = message.rsplit("valid fields: ").next().unwrap();
    let names: Vec<&str> = whole.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(valid.split(", ").collect::<Vec<_>>(), names);
    assert!(
        json_error(&env.desk(&["show", &id, "--fields", "id,,title"]), 2)["message"]
            .as_str()
            .unwrap()
            .contains("empty name")
    );
    assert!(
        json_error(&env.desk(&["show", &id, "--fields", "id,id"]), 2)["message"]
            .as_str()
            .unwrap()
            .contains("'id' is given twice")
    );
}

/// A ticket whose front matter reads well but whose conversation does not:
/// the list index used to take it for a good ticket.
fn break_conversation(env: &TestEnv, id: &str) -> usize {
    let text = format!("{}<!-- desk:reply BAD -->\nhello\n", env.ticket_file(id));
    env.commit_by_hand(&[(&path_of(id), &text)], "a broken reply marker");
    text.lines().count() - 1
}

#[test]
fn a_malformed_ticket_warns_in_every_listing_and_strict_fails() {
    // Repro: `desk list --json` exited 1 on a ticket whose conversation is
    // malformed, while `desk list` listed it without a word.
    let env = TestEnv::initialised();
    let good = env.new_ticket("Printer jams", &["-l", "printer"]);
    let broken = env.new_ticket("Printer smokes", &["-l", "printer"]);
    let line = break_conversation(&env, &broken);
    let warning = format!("warning: {}: line {line}: malformed marker", path_of(&broken));

    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["list", "printer"],
        vec!["list", "printer", "--json"],
        vec!["report", "label:printer", "--json"],
        vec!["report", "printer"],
    ] {
        let run = env.desk(&args).ok();
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}:\n{run}");
        assert!(run.stderr.starts_with(&warning), "{args:?}:\n{run}");
        assert!(!run.stdout.contains(&broken[..6]), "{args:?}: left out:\n{run}");
    }
    let ids: Vec<Value> = env.desk(&["list", "--json"]).ok().json().as_array().unwrap().clone();
    assert_eq!(ids.iter().map(|t| t["id"].clone()).collect::<Vec<_>>(), [json!(good)]);
    let table = env.desk(&["list"]).ok();
    assert!(table.stdout.contains("Printer jams"), "{table}");
    // The report counts only the good ticket.
    assert_eq!(env.desk(&["report", "label:printer", "--json"]).ok().json()["created"], 1);

    // --strict: the first file desk cannot read is an error, and nothing is listed.
    for args in [
        vec!["list", "--strict"],
        vec!["list", "--json", "--strict"],
        vec!["report", "--strict", "--json"],
        vec!["report", "printer", "--strict"],
    ] {
        let run = env.desk(&args);
        let message = if args.contains(&"--json") {
            let error = json_error(&run, 1);
            assert_eq!(error["kind"], "malformed");
            assert!(error["hint"].as_str().unwrap().contains("desk doctor"), "{error}");
            error["message"].as_str().unwrap().to_owned()
        } else {
            run.error(1)
        };
        let expected = format!("{}: line {line}: malformed marker", path_of(&broken));
        assert!(message.starts_with(&expected), "{args:?}: {message}");
    }
    // Without a malformed ticket, --strict changes nothing.
    let fixed = env.ticket_file(&broken).replace("<!-- desk:reply BAD -->\nhello\n", "");
    env.desk_stdin(&["edit", &broken, "-F", "-"], &fixed).ok();
    assert_eq!(env.desk(&["list", "--json", "--strict"]).ok().json().as_array().unwrap().len(), 2);
    let run = env.desk(&["report", "--strict", "--json"]).ok();
    assert_eq!(run.stderr, "", "{run}");
}

#[test]
fn report_names_its_grouping_and_every_duration_is_whole_seconds() {
    let env = TestEnv::initialised();
    let jane = ["--requester", "Jane Doe <jane@example.com>"];
    let mut ids = Vec::new();
    // First responses of 600 s and 3601 s: the mean, 2100.5 s, is rounded half to even.
    for (created, replied) in
        [("2026-11-02T09:00:00Z", "2026-11-02T09:10:00Z"), ("2026-11-03T09:00:00Z", "2026-11-03T10:00:01Z")]
    {
        let mut args = vec!["new", "Printer jams", "-b", "x", "-l", "printer"];
        args.extend(jane);
        let id = env.desk_at(created, &args).ok().line();
        env.desk_at(replied, &["reply", &id, "-m", "On it"]).ok();
        env.desk_at(replied, &["resolve", &id]).ok();
        ids.push(id);
    }
    let window = ["report", "--since", "2026-11-01", "--until", "2026-11-30", "--json"];
    let r = env.desk(&window).ok().json();
    assert_eq!(r["by"], Value::Null);
    assert_eq!(
        r["first_response"],
        json!({"count": 2, "mean_seconds": 2100, "median_seconds": 600, "p90_seconds": 3601})
    );
    assert!(r["first_response"]["mean_seconds"].is_i64(), "an integer, not 2100.0");
    assert_eq!(r["resolution"]["mean_seconds"], 2100);
    let csv = env.desk(&["report", "--since", "2026-11-01", "--until", "2026-11-30", "--csv"]).ok();
    assert!(csv.stdout.lines().nth(1).unwrap().starts_with("all,,2,2,0,0,2,2100,600,3601,2,2100,"), "{csv}");

    for (by, key) in [
        ("label", json!("printer")),
        ("requester", json!("Jane Doe <jane@example.com>")),
        ("cc", Value::Null),
    ] {
        let mut args = window.to_vec();
        args.extend(["--by", by]);
        let r = env.desk(&args).ok().json();
        assert_eq!(r["by"], by);
        assert_eq!(r["groups"][0]["key"], key, "{by}");
        assert!(r["groups"][0]["first_response"]["mean_seconds"].is_i64(), "{by}");
    }
}

#[test]
fn init_takes_json() {
    let env = TestEnv::new();
    let run = env.desk(&["init", "--json"]).ok();
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(run.json(), json!({"branch": "desk", "commit": env.desk_head(), "created": true}));
    let again = env.desk(&["init", "--json"]).ok().json();
    assert_eq!(again, json!({"branch": "desk", "commit": env.desk_head(), "created": false}));
    // A clone that has the branch only registers the merge driver.
    let clone = env.root.join("clone");
    env.git_in(&env.root, &["clone", "-q", env.repo.to_str().unwrap(), clone.to_str().unwrap()]);
    let run = env.desk_in(&clone, &["init", "--json"]).ok();
    assert_eq!(run.json()["created"], false);
    assert_eq!(env.git_in(&clone, &["config", "merge.desk.driver"]).trim(), "desk merge-driver %O %A %B %P");
}
