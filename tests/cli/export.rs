//! `desk export`: JSON and NDJSON as `desk show --json` prints tickets, CSV read
//! back by Python's csv module, and an mbox read back by Python's mailbox module.

use std::process::Command;

use serde_json::Value;

use crate::common::TestEnv;

/// Two tickets: one with a reply, an internal note, a custom field and a label.
fn helpdesk() -> (TestEnv, String, String) {
    let env = TestEnv::initialised();
    let a = env
        .new_ticket("=HYPERLINK(\"x\") VPN, again", &["--requester", "Jane <jane@example.org>", "-l", "vpn"]);
    env.desk(&["reply", &a, "-m", "From now on, restart it."]).ok();
    env.desk(&["note", &a, "-m", "INTERNAL-NOTE-7"]).ok();
    env.desk(&["set", &a, "contract=GOLD-42"]).ok();
    let b = env.new_ticket("Printer", &["--requester", "Joe <joe@example.org>"]);
    (env, a, b)
}

fn python(script: &str, arg: &std::path::Path) -> String {
    let out = Command::new("python3").arg("-c").arg(script).arg(arg).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_and_ndjson_are_the_ticket_objects_of_show() {
    let (env, a, b) = helpdesk();
    let all = env.desk(&["export", "--format", "json"]).ok().json();
    // Oldest first, then by id (both were created at the same moment).
    let mut order = [&a, &b];
    order.sort();
    let shown: Vec<Value> = order.iter().map(|id| env.desk(&["show", id, "--json"]).ok().json()).collect();
    assert_eq!(all, Value::Array(shown.clone()));
    let lines: Vec<Value> = env
        .desk(&["export", "--format", "ndjson"])
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, shown);
    // A query selects, as in desk list (done tickets too).
    env.desk(&["resolve", &b]).ok();
    let vpn = env.desk(&["export", "label:vpn", "--format", "ndjson"]).ok().stdout;
    assert_eq!(vpn.lines().count(), 1);
    assert_eq!(env.desk(&["export", "--format", "ndjson"]).ok().stdout.lines().count(), 2);
    // What the requester may see.
    let public = env.desk(&["export", "label:vpn", "--format", "json", "--public-only"]).ok().json();
    let text = public.to_string();
    assert!(!text.contains("INTERNAL-NOTE-7") && !text.contains("GOLD-42"), "{text}");
    assert_eq!(public[0]["comments"].as_array().unwrap().len(), 1);
    // -o writes the file; nothing on standard output.
    let file = env.root.join("out.json");
    let run = env.desk(&["export", "--format", "json", "-o", &file.to_string_lossy()]).ok();
    assert_eq!(run.stdout, "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 2);
    // Wrong command lines.
    assert!(env.desk(&["export", "--format", "xml"]).error(2).contains("xml"));
    assert!(env.desk(&["export", "--format", "json", "--fields", "id"]).error(2).contains("--format csv"));
}

#[test]
fn csv_reads_back_in_a_spreadsheet_reader_without_formulas() {
    let (env, a, b) = helpdesk();
    let row = if a < b { 1 } else { 2 };
    let file = env.root.join("out.csv");
    env.desk(&["export", "--format", "csv", "-o", &file.to_string_lossy()]).ok();
    let rows: Vec<Vec<String>> = serde_json::from_str(&python(
        "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))",
        &file,
    ))
    .unwrap();
    assert_eq!(
        rows[0],
        [
            "id",
            "title",
            "status",
            "priority",
            "queue",
            "requester",
            "assignee",
            "labels",
            "created",
            "updated"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[row][0], a);
    assert_eq!(rows[row][1], "'=HYPERLINK(\"x\") VPN, again", "a formula is never a formula");
    assert_eq!(rows[row][5], "Jane <jane@example.org>");
    assert_eq!(rows[row][7], "vpn");
    let chosen = env.desk(&["export", "--format", "csv", "--fields", "id,fields,comments"]).ok().stdout;
    assert!(chosen.starts_with("id,fields,comments\n"), "{chosen}");
    assert!(chosen.contains("GOLD-42"), "{chosen}");
}

#[test]
fn mbox_holds_each_conversation_as_a_thread() {
    let (env, a, b) = helpdesk();
    let file = env.root.join("out.mbox");
    env.desk(&["export", "--format", "mbox", "-o", &file.to_string_lossy()]).ok();
    let script = "import json, mailbox, sys
msgs = [{'from': m['From'], 'subject': m['Subject'], 'id': m['Message-ID'], 'reply': m['In-Reply-To'],
         'visibility': m['X-Desk-Visibility'], 'body': m.get_payload(decode=True).decode()} for m in mailbox.mbox(sys.argv[1])]
print(json.dumps(msgs))";
    let msgs: Vec<Value> = serde_json::from_str(&python(script, &file)).unwrap();
    assert_eq!(msgs.len(), 4, "description, reply and note of one, description of the other: {msgs:#?}");
    // Jane's thread first when her ticket's id sorts first (same creation time).
    let msgs: Vec<Value> = if a < b { msgs } else { msgs[1..].to_vec() };
    assert_eq!(msgs[0]["from"], "Jane <jane@example.org>");
    assert_eq!(msgs[0]["id"], format!("<desk.{a}.description@desk.invalid>"));
    assert_eq!(msgs[1]["reply"], msgs[0]["id"]);
    assert!(msgs[1]["subject"].as_str().unwrap().starts_with("Re: [desk #"), "{msgs:#?}");
    assert_eq!(
        msgs[1]["body"].as_str().unwrap().trim_end(),
        "From now on, restart it.",
        "mboxrd quoting undone"
    );
    assert_eq!(msgs[2]["visibility"], "internal");
    let public = env.root.join("public.mbox");
    env.desk(&["export", "--format", "mbox", "--public-only", "-o", &public.to_string_lossy()]).ok();
    let msgs: Vec<Value> = serde_json::from_str(&python(script, &public)).unwrap();
    assert_eq!(msgs.len(), 3);
    assert!(msgs.iter().all(|m| m["visibility"].is_null()));
}
