//! Ticket files read by other YAML readers: `PyYAML` (YAML 1.1, as used by
//! python-frontmatter) and ruamel.yaml (YAML 1.2) must read the front matter
//! desk wrote as exactly the values desk holds. Needs Python 3 with both
//! installed (`.ci/run` installs them); the test fails, never skips, without them.

use std::process::Command;

use serde_json::{Value, json};

use crate::common::TestEnv;

/// Reads the front matter of each file with both readers and prints, per
/// file, what each read, as JSON (special floats and other types spelled out).
const READ_WITH_PYTHON: &str = r#"
import json, math, sys, datetime
try:
    import yaml
    from ruamel.yaml import YAML
except ImportError as e:
    sys.exit("missing Python package (%s): run `python3 -m pip install pyyaml ruamel.yaml`" % e)

def norm(v):
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"float": repr(v)}
    if isinstance(v, datetime.datetime):
        return {"time": v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if isinstance(v, dict):
        return [[norm(k), norm(x)] for k, x in v.items()]
    if isinstance(v, list):
        return [norm(x) for x in v]
    return {"type": type(v).__name__, "value": str(v)}

out = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    front = text[len("---\n"):text.index("\n---\n") + 1]
    out.append({
        "pyyaml": norm(yaml.safe_load(front)),
        "ruamel": norm(YAML(typ="safe", pure=True).load(front)),
    })
print(json.dumps(out))
"#;

/// A mapping as the script prints it: a list of [key, value] pairs.
fn pairs(v: &Value) -> Vec<(Value, Value)> {
    v.as_array()
        .unwrap_or_else(|| panic!("a mapping: {v}"))
        .iter()
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect()
}

/// What a YAML reader must read for each value desk holds (as `show --json` gives it).
fn expected(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Array(map.iter().map(|(k, v)| json!([k, expected(v)])).collect()),
        Value::Array(items) => Value::Array(items.iter().map(expected).collect()),
        other => other.clone(),
    }
}

const AWKWARD: &[&str] = &[
    "017",
    "2026-01-01",
    "2026-01-01 10:00:00",
    "12:30",
    "1:20",
    "1_000",
    "1.10",
    "1e5",
    ".5",
    "+1",
    "0o17",
    "0x1F",
    "0b101",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "null",
    "Null",
    "~",
    ".inf",
    ".nan",
    "<<",
    "=",
    "INC #4711",
    "|",
    ">",
    "- x",
    "? x",
    ": x",
    "a: b",
    "!tag",
    "&anchor",
    "*alias",
    "%",
    "@home",
    "`code`",
    "#hash",
    "'single'",
    "\"double\"",
    "trailing space ",
    " leading space",
    "Zoë ✓ 😀",
    "back\\slash",
    "3rd floor",
];

#[test]
fn pyyaml_and_ruamel_read_what_desk_holds() {
    let env = TestEnv::initialised();
    let mut ids = Vec::new();
    for (i, title) in AWKWARD.iter().enumerate() {
        let id = env.desk(&["new", "-b", "x", "--", title]).ok().line();
        let value = format!("v={title}");
        env.desk(&["set", &id, &value, &format!("queue={}", title.trim())]).ok();
        if i == 0 {
            // Awkward keys, typed values and characters that only quoting can carry.
            env.desk(&[
                "set",
                &id,
                "yes=no",
                "on:=true",
                "n:=null",
                "y:=[\"on\", 1.5, -3, 1e300, false, {\"off\": \"=\"}]",
                r#"ctl:="tab\there\u0085nel\u2028ls\u0000""#,
            ])
            .error(1);
            env.desk(&[
                "set",
                &id,
                "yes=no",
                "on:=true",
                "y:=[\"on\", 1.5, -3, 1e300, false, {\"off\": \"=\"}]",
                r#"ctl:="tab\there\u0085nel\u2028ls\u007f\ufeff""#,
                "count:=0017",
            ])
            .error(2);
            env.desk(&[
                "set",
                &id,
                "yes=no",
                "on:=true",
                "y:=[\"on\", 1.5, -3, 1e300, false, {\"off\": \"=\"}]",
                r#"ctl:="tab\there\u0085nel\u2028ls\u007f\ufeff""#,
            ])
            .ok();
        }
        ids.push(id);
    }
    // Special floats can only come from a file edited by hand; desk writes them back as such.
    let special = env.new_ticket("Special floats", &[]);
    let path = format!("tickets/{}/{special}.md", &special[..2]);
    let text = env.ticket_file(&special).replacen("\n---\n", "\ninf: .inf\nninf: -.inf\nnan: .NaN\n---\n", 1);
    env.commit_by_hand(&[(&path, &text)], "special floats by hand");
    env.desk(&["status", &special, "open"]).ok();
    let text = env.ticket_file(&special);
    assert!(text.contains("\n\"inf\": .inf\nninf: -.inf\n\"nan\": .nan\n"), "{text}");

    let mut files = Vec::new();
    for (n, id) in ids.iter().chain([&special]).enumerate() {
        let file = env.root.join(format!("ticket-{n}.md"));
        std::fs::write(&file, env.ticket_file(id)).unwrap();
        files.push(file);
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(READ_WITH_PYTHON)
        .args(&files)
        .output()
        .expect("python3 runs: install Python 3 with `python3 -m pip install pyyaml ruamel.yaml`");
    assert!(
        out.status.success(),
        "reading with Python failed; run `python3 -m pip install pyyaml ruamel.yaml`:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).expect("the script prints JSON");

    for (n, id) in ids.iter().chain([&special]).enumerate() {
        let t = env.desk(&["show", id, "--json"]).ok().json();
        for reader in ["pyyaml", "ruamel"] {
            let front = pairs(&read[n][reader]);
            let get = |key: &str| {
                front.iter().find(|(k, _)| k == key).map_or_else(
                    || panic!("{reader} has no key {key:?} in ticket {n}: {front:?}"),
                    |(_, v)| v.clone(),
                )
            };
            let context = format!("{reader}, ticket {n} ({:?})", t["title"]);
            for key in ["id", "title", "status", "priority", "queue", "requester", "assignee", "labels"] {
                assert_eq!(get(key), expected(&t[key]), "{context}: {key}");
            }
            for key in ["created", "updated"] {
                assert_eq!(get(key), json!({"time": t[key]}), "{context}: {key}");
            }
            let known = [
                "id",
                "title",
                "status",
                "priority",
                "queue",
                "requester",
                "assignee",
                "labels",
                "created",
                "updated",
            ];
            let custom: Vec<(Value, Value)> =
                front.iter().filter(|(k, _)| !known.iter().any(|n| k == n)).cloned().collect();
            if id == &special {
                let float = |s: &str| json!({"float": s});
                let want = vec![
                    (json!("inf"), float("inf")),
                    (json!("ninf"), float("-inf")),
                    (json!("nan"), float("nan")),
                ];
                assert_eq!(custom, want, "{context}");
            } else {
                assert_eq!(
                    Value::Array(custom.iter().map(|(k, v)| json!([k, v])).collect()),
                    expected(&t["fields"]),
                    "{context}"
                );
            }
        }
    }
    // The first ticket's awkward keys and characters arrived as strings.
    assert_eq!(
        pairs(&read[0]["pyyaml"])
            .iter()
            .filter(|(k, _)| k == "ctl")
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>(),
        [json!("tab\there\u{85}nel\u{2028}ls\u{7f}\u{feff}")]
    );
}
