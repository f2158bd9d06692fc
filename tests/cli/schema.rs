//! docs/json.md is the schema: its tables are read here, and every command's
//! `--json` output is checked against them — each key, in order, with its type,
//! RFC 3339 UTC times and integer seconds. Every documented object must be seen
//! in some output, and every command that takes `--json` must be documented
//! and run, so the page, the code and this test cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::CommandFactory as _;
use serde_json::Value;

use crate::common::{Run, TestEnv};

/// One row of a schema table: a key and its type, or the keys of another object.
#[derive(Clone, Debug)]
enum Row {
    Key(String, String),
    KeysOf(String),
}

/// The schema tables of docs/json.md, by object name, and the documents table.
struct Schemas {
    objects: BTreeMap<String, Vec<Row>>,
    /// Rows of the "command | stdout" table: the commands named in each.
    documented_commands: BTreeSet<String>,
}

/// The names written in backticks in `text`.
fn backticked(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

impl Schemas {
    fn read() -> Schemas {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md");
        let doc = std::fs::read_to_string(path).expect("docs/json.md exists");
        let mut objects = BTreeMap::new();
        let mut documented_commands = BTreeSet::new();
        let mut names: Vec<String> = Vec::new();
        let mut lines = doc.lines().peekable();
        while let Some(line) = lines.next() {
            if line.starts_with('#') {
                names = backticked(line);
                continue;
            }
            if !line.starts_with('|') {
                continue;
            }
            let header = cells(line);
            lines.next(); // the |---| line
            let mut rows = Vec::new();
            while let Some(row) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(cells(row));
            }
            match header.first().map(String::as_str) {
                Some("key") => {
                    assert!(!names.is_empty(), "a schema table under a heading without a `name`: {line}");
                    let parsed: Vec<Row> = rows
                        .iter()
                        .map(|r| match r[0].strip_prefix('`').and_then(|k| k.strip_suffix('`')) {
                            Some(key) => Row::Key(key.to_owned(), r[1].clone()),
                            None => Row::KeysOf(
                                backticked(&r[0])
                                    .pop()
                                    .unwrap_or_else(|| panic!("a row without a key: {r:?}")),
                            ),
                        })
                        .collect();
                    for name in &names {
                        assert!(objects.insert(name.clone(), parsed.clone()).is_none(), "`{name}` twice");
                    }
                    names.clear();
                }
                Some("command") => {
                    for r in &rows {
                        for command in backticked(&r[0]) {
                            let word = command.split_whitespace().nth(1).expect("desk VERB").to_owned();
                            documented_commands.insert(word);
                        }
                    }
                }
                _ => {}
            }
        }
        Schemas { objects, documented_commands }
    }

    /// The keys of `name`, in order, with `KeysOf` rows expanded.
    fn keys(&self, name: &str) -> Vec<(String, String)> {
        let rows = self.objects.get(name).unwrap_or_else(|| panic!("docs/json.md has no `{name}`"));
        rows.iter()
            .flat_map(|row| match row {
                Row::Key(k, t) => vec![(k.clone(), t.clone())],
                Row::KeysOf(other) => self.keys(other),
            })
            .collect()
    }
}

/// Checks values against the schemas and remembers which objects it saw.
struct Checker {
    schemas: Schemas,
    seen: BTreeSet<String>,
    commands_run: BTreeSet<String>,
}

/// Splits a type at its top-level ` or `s.
fn alternatives(ty: &str) -> Vec<&str> {
    ty.split(" or ").collect()
}

fn is_time(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    s.len() == 20
        && s.ends_with('Z')
        && s.as_bytes()[10] == b'T'
        && chrono::DateTime::parse_from_rfc3339(s).is_ok_and(|t| t.offset().local_minus_utc() == 0)
}

impl Checker {
    fn new() -> Checker {
        Checker { schemas: Schemas::read(), seen: BTreeSet::new(), commands_run: BTreeSet::new() }
    }

    /// Whether `v` is of type `ty`; the objects it used are added to `seen`.
    fn matches(&self, v: &Value, ty: &str, seen: &mut BTreeSet<String>) -> Result<(), String> {
        let mut errors = Vec::new();
        for alt in alternatives(ty) {
            let mut mine = BTreeSet::new();
            match self.matches_one(v, alt.trim(), &mut mine) {
                Ok(()) => {
                    seen.extend(mine);
                    return Ok(());
                }
                Err(e) => errors.push(e),
            }
        }
        Err(format!("{v} is not {ty}: {}", errors.join("; ")))
    }

    fn matches_one(&self, v: &Value, ty: &str, seen: &mut BTreeSet<String>) -> Result<(), String> {
        let ok = |b: bool| if b { Ok(()) } else { Err(format!("not {ty}")) };
        if let Some(item) = ty.strip_prefix("array of ") {
            let items = v.as_array().ok_or("not an array")?;
            return items.iter().try_for_each(|i| self.matches_one(i, item, seen));
        }
        if let Some(name) = ty.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
            return self.object(v, name, seen);
        }
        if let Some(literal) = ty.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            return ok(v.as_str() == Some(literal));
        }
        match ty {
            "null" => ok(v.is_null()),
            "string" => ok(v.is_string()),
            "integer" | "seconds" => ok(v.is_i64() || v.is_u64()),
            "number" => ok(v.is_number()),
            "boolean" => ok(v.is_boolean()),
            "object" => ok(v.is_object()),
            "time" => ok(is_time(v)),
            "commit" => {
                ok(v.as_str().is_some_and(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())))
            }
            other => Err(format!("docs/json.md uses an unknown type '{other}'")),
        }
    }

    /// `v` is the object `name`: exactly its keys, in order, each of its type;
    /// an object with variants (`name:kind`) adds the keys of its `kind`'s.
    fn object(&self, v: &Value, name: &str, seen: &mut BTreeSet<String>) -> Result<(), String> {
        let object = v.as_object().ok_or_else(|| format!("not an object `{name}`"))?;
        let mut expected = self.schemas.keys(name);
        seen.insert(name.to_owned());
        for row in &self.schemas.objects[name] {
            if let Row::KeysOf(other) = row {
                seen.insert(other.clone());
            }
        }
        let prefix = format!("{name}:");
        if self.schemas.objects.keys().any(|k| k.starts_with(&prefix)) {
            let kind = object.get("kind").and_then(Value::as_str).ok_or("no kind")?;
            let variant = format!("{prefix}{kind}");
            if !self.schemas.objects.contains_key(&variant) {
                return Err(format!("undocumented `{variant}`"));
            }
            expected.extend(self.schemas.keys(&variant));
            seen.insert(variant);
        }
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let names: Vec<&str> = expected.iter().map(|(k, _)| k.as_str()).collect();
        if keys != names {
            return Err(format!("`{name}` has keys {keys:?}, docs/json.md says {names:?}"));
        }
        for (key, ty) in &expected {
            self.matches(&object[key], ty, seen).map_err(|e| format!("{name}.{key}: {e}"))?;
        }
        Ok(())
    }

    /// Checks `value` against `ty` and records what it saw; panics naming the command.
    #[track_caller]
    fn check(&mut self, what: &str, value: &Value, ty: &str) {
        let mut seen = BTreeSet::new();
        if let Err(e) = self.matches(value, ty, &mut seen) {
            panic!("{what}: {e}\n{value:#}");
        }
        self.seen.extend(seen);
    }

    /// `v` has exactly `keys` of the object `name`, in that order, each of its type.
    #[track_caller]
    fn check_selected(&mut self, what: &str, v: &Value, name: &str, keys: &[&str]) {
        let types: BTreeMap<String, String> = self.schemas.keys(name).into_iter().collect();
        let object = v.as_object().unwrap_or_else(|| panic!("{what}: not an object: {v}"));
        assert_eq!(object.keys().map(String::as_str).collect::<Vec<_>>(), keys, "{what}");
        for key in keys {
            let mut seen = BTreeSet::new();
            if let Err(e) = self.matches(&object[*key], &types[*key], &mut seen) {
                panic!("{what}: {key}: {e}");
            }
            self.seen.extend(seen);
        }
    }

    /// Runs `desk ARGS` (which must succeed, or exit 3 for doctor) and checks stdout is `ty`.
    #[track_caller]
    fn run(&mut self, env: &TestEnv, dir: Option<&Path>, args: &[&str], ty: &str) -> Value {
        let run = match dir {
            Some(dir) => env.desk_in(dir, args),
            None => env.desk(args),
        };
        self.output(args, &run, ty)
    }

    #[track_caller]
    fn output(&mut self, args: &[&str], run: &Run, ty: &str) -> Value {
        let check = matches!(args[0], "doctor" | "config" | "rules");
        assert!(run.code == 0 || (check && run.code == 3), "{args:?}:\n{run}");
        self.commands_run.insert(args[0].to_owned());
        let value = run.json();
        assert!(run.stdout.ends_with("}\n") || run.stdout.ends_with("]\n"), "one document and a newline");
        self.check(&format!("desk {}", args.join(" ")), &value, ty);
        value
    }
}

/// The subcommands that take `--json` (or `--ndjson`), from the command-line definition.
fn commands_with_json() -> BTreeSet<String> {
    let mut cli = desk::cli::Cli::command();
    cli.build();
    cli.get_subcommands()
        .filter(|c| c.get_arguments().any(|a| matches!(a.get_long(), Some("json" | "ndjson"))))
        .map(|c| c.get_name().to_owned())
        .collect()
}

fn has_option(command: &str, long: &str) -> bool {
    let mut cli = desk::cli::Cli::command();
    cli.build();
    cli.find_subcommand(command).is_some_and(|c| c.get_arguments().any(|a| a.get_long() == Some(long)))
}

fn path_of(id: &str) -> String {
    format!("tickets/{}/{id}.md", &id[..2])
}

#[test]
fn every_documented_type_is_one_of_the_checker_s() {
    let checker = Checker::new();
    for name in checker.schemas.objects.keys() {
        for (key, ty) in checker.schemas.keys(name) {
            for alt in alternatives(&ty) {
                let alt = alt.trim();
                let base = alt.strip_prefix("array of ").unwrap_or(alt);
                let known = matches!(
                    base,
                    "null"
                        | "string"
                        | "integer"
                        | "seconds"
                        | "number"
                        | "boolean"
                        | "object"
                        | "time"
                        | "commit"
                ) || base.starts_with('"')
                    || base
                        .strip_prefix('`')
                        .and_then(|b| b.strip_suffix('`'))
                        .is_some_and(|b| checker.schemas.objects.contains_key(b));
                assert!(known, "{name}.{key}: unknown type '{alt}'");
            }
        }
    }
    // The checker itself: times are UTC to the second, seconds are integers.
    let mut seen = BTreeSet::new();
    checker.matches(&Value::from("2026-11-28T14:53:34Z"), "time", &mut seen).unwrap();
    for bad in ["2026-11-28T14:53:34+01:00", "2026-11-28T14:53:34.5Z", "2026-11-28 14:53:34Z", "yesterday"] {
        assert!(checker.matches(&Value::from(bad), "time", &mut seen).is_err(), "{bad}");
    }
    assert!(checker.matches(&serde_json::json!(2100.0), "seconds", &mut seen).is_err());
    assert!(checker.matches(&serde_json::json!(2100), "seconds or null", &mut seen).is_ok());
    assert!(checker.matches(&serde_json::json!({"id": "x"}), "`rating`", &mut seen).is_err());
}

/// Every command with `--json`, on a helpdesk that makes every documented object
/// appear, checked against docs/json.md.
#[test]
fn every_command_s_json_matches_docs_json_md() {
    let env = TestEnv::new();
    let mut checker = Checker::new();
    checker.run(&env, None, &["init", "--json"], "`init`");

    // Tickets and every write command.
    let jane = ["--requester", "Jane Doe <jane@example.com>"];
    let mut args = vec!["new", "Printer jams", "-b", "Tray 2", "--json", "-l", "printer"];
    args.extend(jane);
    let id = checker.run(&env, None, &args, "`ticket`")["id"].as_str().unwrap().to_owned();
    let id = id.as_str();
    let other = env.new_ticket("VPN drops", &["--queue", "it"]);
    env.commit_by_hand(
        &[(
            "macros/hold.md",
            "---\ndescription: Put on hold\nset: [priority=low]\n---\nHello {{ requester.name }}\n",
        )],
        "a macro",
    );
    let macros = checker.run(&env, None, &["macro", "list", "--json"], "array of `macro`");
    assert_eq!(macros.as_array().map(Vec::len), Some(1));
    checker.run(&env, None, &["macro", "show", "hold", "--json"], "`macro`");
    for args in [
        vec!["reply", id, "-m", "Which tray?", "--json"],
        vec!["note", id, "-m", "Vendor called", "--json"],
        vec!["note", id, "-m", "A leaked password", "--json"],
        vec!["assign", id, "--me", "--json"],
        vec!["status", id, "pending", "--json"],
        vec!["label", id, "+hardware", "-printer", "--json"],
        vec!["set", id, "priority=high", "queue=it", "title=Printer jams in tray 2", "tier=gold", "--json"],
        vec!["set", id, "requester=Jim <jim@example.com>", "count:=3", "tier=", "--json"],
        vec!["apply", id, "hold", "--json"],
        vec!["resolve", id, "--json"],
        vec!["rate", id, "5", "-m", "Quick", "--json"],
        vec!["rate", id, "4", "--json"],
        vec!["reopen", id, "--json"],
        vec!["link", other.as_str(), id, "--type", "caused-by", "--json"],
        vec!["link", id, other.as_str(), "--json"],
        vec!["unlink", id, other.as_str(), "--json"],
        vec!["close", other.as_str(), "--json"],
        vec!["show", id, "--json"],
    ] {
        checker.run(&env, None, &args, "`ticket`");
    }
    // --fields: the ticket's keys named, in that order, each of its documented type.
    let selected = env.desk(&["show", id, "--fields", "comments,id,rating"]).ok().json();
    checker.check_selected("desk show --fields", &selected, "ticket", &["comments", "id", "rating"]);

    // edit: the description, cc, and a removed note.
    let shown = checker.run(&env, None, &["show", id, "--json"], "`ticket`");
    let leaked = shown["comments"][2]["id"].as_str().unwrap().to_owned();
    let file = env.ticket_file(id);
    let start = file.find(&format!("<!-- desk:note {leaked}")).unwrap();
    let mut edited = file[..start].to_owned();
    edited = edited
        .replace("> Tray 2", "> Tray 2, since Monday")
        .replace("labels: [hardware]", "cc: [Ann <ann@example.com>]\nlabels: [hardware]");
    let run = env.desk_stdin(&["edit", id, "-F", "-", "--json"], &edited);
    let edited_ticket = checker.output(&["edit"], &run, "`ticket`");
    assert_eq!(edited_ticket["cc"], serde_json::json!(["Ann <ann@example.com>"]), "{run}");

    // Lists.
    let list = checker.run(&env, None, &["list", "--all", "--json"], "array of `ticket`");
    assert_eq!(list.as_array().unwrap().len(), 2);
    if has_option("list", "ndjson") {
        let run = env.desk(&["list", "--all", "--ndjson"]).ok();
        for line in run.stdout.lines() {
            checker.check("desk list --ndjson", &serde_json::from_str(line).unwrap(), "`ticket`");
        }
        assert_eq!(run.stdout.lines().count(), 2);
    }
    if has_option("list", "fields") {
        let run = env.desk(&["list", "--all", "--json", "--fields", "status,id"]).ok();
        for t in run.json().as_array().unwrap() {
            assert_eq!(t.as_object().unwrap().keys().collect::<Vec<_>>(), ["status", "id"]);
        }
    }

    // Reports: overall and by a field.
    let window = ["report", "--since", "2026-11-01", "--until", "2026-11-30", "--json"];
    checker.run(&env, None, &window, "`report`");
    let mut by = window.to_vec();
    by.extend(["--by", "label"]);
    let report = checker.run(&env, None, &by, "`report`");
    assert!(!report["groups"].as_array().unwrap().is_empty());

    // The log of every kind of event; a deleted ticket's log by its full id.
    checker.run(&env, None, &["log", id, "--json"], "array of `event`");
    env.remove_by_hand(&[&path_of(&other)], "removed by hand");
    checker.run(&env, None, &["log", &other, "--json"], "array of `event`");

    // doctor, clean and with a problem.
    checker.run(&env, None, &["doctor", "--json"], "`doctor`");
    env.commit_by_hand(&[(&path_of("bbbbbb0001"), "---\nid: bbbbbb0001\n---\n")], "broken");
    let doctor = checker.run(&env, None, &["doctor", "--json"], "`doctor`");
    assert_eq!(doctor["problems"].as_array().unwrap().len(), 1);
    env.remove_by_hand(&[&path_of("bbbbbb0001")], "removed");

    // sync: a conflict with a second clone through a bare remote.
    let remote = env.root.join("remote.git");
    env.git_in(&env.root, &["init", "-q", "--bare", remote.to_str().unwrap()]);
    let remote = remote.to_str().unwrap();
    checker.run(&env, None, &["sync", remote, "--json"], "`sync`");
    let clone = env.root.join("clone");
    env.git_in(&env.root, &["clone", "-q", remote, clone.to_str().unwrap()]);
    env.desk_in(&clone, &["init"]).ok();
    env.desk_in(&clone, &["set", id, "title=Printer jams in the clone"]).ok();
    env.desk_in(&clone, &["sync", "origin"]).ok();
    // …and an entry desk cannot use (`.git` at the top), pushed with plain git.
    let blob = env.git_stdin_in(&clone, &["hash-object", "-w", "--stdin"], "not a ticket\n");
    let listing = env.git_in(&clone, &["ls-tree", "refs/heads/desk"]);
    let tree = env.git_stdin_in(
        &clone,
        &["mktree"],
        &format!("{}\n100644 blob {}\t.git\n", listing.trim_end(), blob.trim()),
    );
    let commit = env.git_in(&clone, &["commit-tree", tree.trim(), "-p", "refs/heads/desk", "-m", "hostile"]);
    env.git_in(&clone, &["update-ref", "refs/heads/desk", commit.trim()]);
    env.git_in(&clone, &["push", "-q", "origin", "desk"]);
    env.desk(&["set", id, "title=Printer jams here"]).ok();
    let synced = checker.run(&env, None, &["sync", remote, "--json"], "`sync`");
    assert_eq!(synced["conflicts"].as_array().unwrap().len(), 1, "{synced:#}");
    assert_eq!(synced["left_out"][0]["path"], ".git", "{synced:#}");

    // Who you are; desk.yaml checked, clean and with a problem.
    checker.run(&env, None, &["whoami", "--json"], "`whoami`");
    checker.run(&env, None, &["config", "check", "--json"], "`config_check`");
    let config =
        env.git(&["show", "refs/heads/desk:desk.yaml"]).replace("agents: []", "agents: [{name: Ada}]");
    env.commit_by_hand(&[("desk.yaml", &config)], "an agent without an email");
    let problems =
        checker.run(&env, None, &["config", "check", "--json"], "`config_check`")["problems"].clone();
    assert_eq!(problems[0]["path"], "agents[0]", "{problems:#}");

    // Service levels: a policy for every ticket.
    let config =
        env.git(&["show", "refs/heads/desk:desk.yaml"]).replace("agents: [{name: Ada}]", "agents: []");
    let policy = "sla:\n  - name: standard\n    targets:\n      normal: {first_response: 1w, next_response: 1w, resolution: 4w}\n";
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{policy}"))], "a policy");
    let sla = checker.run(&env, None, &["sla", "--json", "--all"], "array of `sla_ticket`");
    assert!(!sla.as_array().unwrap().is_empty());
    checker.run(&env, None, &["sla", "check", "--json"], "`sla_check`");
    let report = checker.run(&env, None, &["report", "--json", "--by", "status"], "`report`");
    assert!(report["sla"].is_object(), "{report:#}");
    checker.run(&env, None, &["next", "--json"], "`next`");

    // Merge, split, unmerge, and a problem resolved with the incidents it causes.
    let a = env.new_ticket("Scanner broken", &["--requester", "Jane Doe <jane@example.com>"]);
    let b = env.new_ticket("Scanner again", &[]);
    env.desk(&["note", &b, "-m", "Driver?"]).ok();
    checker.run(&env, None, &["merge", &b, "--into", &a, "--json"], "`ticket`");
    let dst_log = checker.run(&env, None, &["log", &a, "--json"], "array of `event`");
    assert!(dst_log.to_string().contains("merged-note"), "{dst_log:#}");
    checker.run(&env, None, &["unmerge", &b, "--json"], "`ticket`");
    env.desk(&["reply", &a, "-m", "Also the copier", "--from", "requester"]).ok();
    let c =
        env.desk(&["show", &a, "--json"]).ok().json()["comments"].as_array().unwrap().last().unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
    checker.run(&env, None, &["split", &a, "--comment", &c, "--json"], "`ticket`");
    env.desk(&["link", &b, &a, "--type", "caused-by"]).ok();
    checker.run(&env, None, &["resolve", &a, "--cascade", "--json"], "`ticket`");

    // Rules: one writes an automatic reply and note, one is timed; fixtures, one wrong.
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let rules = "rules:\n  - name: ack\n    on: create\n    then: {reply: hold, note: Routed.}\n  - name: nudge\n    on: schedule\n    if: '-label:nudged'\n    then: {labels: [+nudged]}\n";
    let fixture = "name: ack fires\nevent: create\nticket: {title: x, requester: Jane <jane@example.com>}\nexpect: {fired: [ack], replies: 1, notes: 1}\n";
    env.commit_by_hand(
        &[("desk.yaml", &format!("{config}{rules}")), ("rules/tests/ack.yaml", fixture)],
        "rules",
    );
    checker.run(&env, None, &["rules", "list", "--json"], "array of `rule`");
    checker.run(&env, None, &["rules", "check", "--json"], "`config_check`");
    let acked = env.new_ticket("Mouse broken", &["--requester", "Jane Doe <jane@example.com>"]);
    let log = checker.run(&env, None, &["log", &acked, "--json"], "array of `event`");
    assert_eq!(log[0]["rules"], serde_json::json!(["ack"]), "{log:#}");
    checker.run(&env, None, &["rules", "explain", &acked, "--json"], "array of `verdict`");
    checker.run(&env, None, &["rules", "run", "--dry-run", "--json"], "`rules_run`");
    let ran = checker.run(&env, None, &["rules", "run", "--json"], "`rules_run`");
    assert!(ran["commit"].is_string(), "{ran:#}");
    checker.run(&env, None, &["rules", "test", "--json"], "array of `rule_test`");
    let wrong = "name: wrong\nevent: create\nticket: {title: x}\nexpect: {fired: [nudge]}\n";
    env.commit_by_hand(&[("rules/tests/wrong.yaml", wrong)], "a wrong fixture");
    let tested = checker.run(&env, None, &["rules", "test", "--json"], "array of `rule_test`");
    assert_eq!(tested[1]["mismatches"][0]["what"], "fired", "{tested:#}");

    // Mail: one JSON object per line and message.
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    env.commit_by_hand(&[("desk.yaml", &format!("{config}mail:\n  address: support@example.com\n"))], "mail");
    env.git(&["config", "desk.mail.key", "0123456789abcdef0123"]);
    let raw =
        "From: Jane <jane@example.org>\r\nSubject: Help\r\nMessage-ID: <j1@example.org>\r\n\r\nHelp!\r\n";
    let run = env.desk_stdin(&["mail", "import", "--json"], raw);
    let imported = checker.output(&["mail", "import", "--json"], &run, "`mail_import`");
    let id = imported["ticket"].as_str().unwrap().to_owned();
    let with_file = "From: Jane <jane@example.org>\r\nSubject: A file\r\nMessage-ID: <j2@example.org>\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee.\r\n\
        --b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n\r\nA\r\n--b--\r\n";
    let run = env.desk_stdin(&["mail", "import", "--json"], with_file);
    let with_attachment = checker.output(&["mail", "import", "--json"], &run, "`mail_import`");
    let attached = checker.run(
        &env,
        None,
        &["attachment", "list", with_attachment["ticket"].as_str().unwrap(), "--json"],
        "array of `attachment`",
    );
    assert_eq!(attached[0]["name"], "a.txt", "{attached:#}");
    // The knowledge base.
    let written =
        env.desk(&["kb", "new", "help", "Help with printers", "-t", "printer", "-m", "Help!", "--json"]);
    checker.output(&["kb", "new", "--json"], &written, "`article`");
    env.desk(&["kb", "new", "bare", "Nothing else", "-m", "x"]).ok();
    checker.run(&env, None, &["kb", "list", "--json"], "array of `article`");
    checker.run(&env, None, &["kb", "show", "help", "--json"], "`article`");
    let hits = checker.run(&env, None, &["kb", "search", "printers", "--json"], "array of `article_hit`");
    assert_eq!(hits[0]["slug"], "help", "{hits:#}");
    checker.run(&env, None, &["kb", "suggest", &id, "--json"], "array of `article_hit`");
    let site = env.root.join("site");
    checker.run(
        &env,
        None,
        &["portal", "build", &site.to_string_lossy(), "--no-status-pages", "--json"],
        "`portal_build`",
    );
    env.desk(&["reply", &id, "-m", "Done.", "--status", "resolved"]).ok();
    let run = env.desk(&["mail", "send", "--dry-run", "--json"]).ok();
    let lines: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{run}");
    for line in &lines {
        checker.check("desk mail send --dry-run --json", line, "`mail_sent`");
    }
    // A report with articles says how they answered.
    let linked = env.new_ticket("Printer help", &["--requester", "Pat <pat@example.org>"]);
    env.desk(&["reply", &linked, "-m", "See https://help.example.com/kb/help/"]).ok();
    env.desk(&["resolve", &linked]).ok();
    let report = checker.run(&env, None, &["report", "--json"], "`report`");
    assert_eq!(report["kb"]["articles"][0]["slug"], "help", "{report:#}");

    // A code commit that names a ticket.
    std::fs::write(env.repo.join("fix.txt"), "fix").unwrap();
    env.git(&["add", "fix.txt"]);
    env.git(&["commit", "-q", "-m", &format!("Fix it\n\nFixes-Ticket: {}", &id[..6])]);
    let linked = checker.run(&env, None, &["link-commits", "--dry-run", "--json"], "`commit_link`");
    assert_eq!(linked["ticket"], id.as_str(), "{linked:#}");

    // An import, with a record it skips.
    let issues = format!("{}/tests/data/import/gh-issues.json", env!("CARGO_MANIFEST_DIR"));
    let imported = checker.run(&env, None, &["import", "github", &issues, "--json"], "`import`");
    assert_eq!(imported["skipped"].as_array().map(Vec::len), Some(1), "{imported:#}");

    // An error.
    let run = env.desk(&["show", "zzzzzz", "--json"]);
    assert_eq!(run.code, 1, "{run}");
    checker.check("the error object", &serde_json::from_str(run.stderr.trim_end()).unwrap(), "`error`");

    // Every documented object was seen, and every command with --json is documented and was run.
    let documented: BTreeSet<String> = checker.schemas.objects.keys().cloned().collect();
    let unseen: Vec<&String> = documented.difference(&checker.seen).collect();
    assert!(unseen.is_empty(), "documented in docs/json.md but never seen in output: {unseen:?}");
    let with_json = commands_with_json();
    let undocumented: Vec<&String> = with_json.difference(&checker.schemas.documented_commands).collect();
    assert!(undocumented.is_empty(), "commands with --json missing from docs/json.md: {undocumented:?}");
    let not_run: Vec<&String> = with_json.difference(&checker.commands_run).collect();
    assert!(not_run.is_empty(), "commands with --json this test does not run: {not_run:?}");
}
