//! What desk writes into ticket files: values kept exactly, typed values only
//! when asked for, binary input and oversized text refused, files edited on
//! Windows read.

use serde_json::json;

use crate::common::TestEnv;

fn fields(env: &TestEnv, id: &str) -> serde_json::Value {
    env.desk(&["show", id, "--json"]).ok().json()["fields"].clone()
}

#[test]
fn set_stores_text_exactly_as_given() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Values", &[]);
    env.desk(&["set", &id, "ref=INC #4711", "x=|", "ver=1.10", "on=yes", "date=2026-01-01", "when=12:30"])
        .ok();
    assert_eq!(
        fields(&env, &id),
        json!({"ref": "INC #4711", "x": "|", "ver": "1.10", "on": "yes", "date": "2026-01-01", "when": "12:30"})
    );
    let file = env.ticket_file(&id);
    assert!(
        file.contains(
            "ref: \"INC #4711\"\nx: \"|\"\nver: \"1.10\"\n\"on\": \"yes\"\ndate: \"2026-01-01\"\nwhen: \"12:30\"\n"
        ),
        "{file}"
    );
    // Spaces around custom text are kept; the title is trimmed as a name.
    env.desk(&["set", &id, "note= two  spaces ", "title= 017 "]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["fields"]["note"], " two  spaces ");
    assert_eq!(t["title"], "017");
    assert!(env.ticket_file(&id).contains("\ntitle: \"017\"\n"));
}

#[test]
fn set_stores_typed_values_given_as_json() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Typed", &[]);
    env.desk(&[
        "set",
        &id,
        "count:=3",
        "ratio:=1.5",
        "flag:=true",
        r#"tags:=["a", "yes", 1]"#,
        r#"ver:="1.10""#,
        r#"meta:={"on": {"x": null}}"#,
        "gone=x",
    ])
    .ok();
    env.desk(&["set", &id, "gone:=null"]).ok();
    assert_eq!(
        fields(&env, &id),
        json!({"count": 3, "ratio": 1.5, "flag": true, "tags": ["a", "yes", 1], "ver": "1.10", "meta": {"on": {"x": null}}})
    );
    let file = env.ticket_file(&id);
    assert!(
        file.contains(
            "count: 3\nratio: 1.5\nflag: true\ntags: [a, \"yes\", 1]\nver: \"1.10\"\nmeta:\n  \"on\":\n    x: null\n---\n"
        ),
        "{file}"
    );

    let head = env.desk_head();
    for (pair, needle) in [
        ("count:=three", "not JSON"),
        ("title:=\"x\"", "takes text"),
        (r#"x:="a\u0000b""#, "NUL"),
        ("Bad:=1", "invalid field name"),
    ] {
        let run = env.desk(&["set", &id, pair]);
        let message = if needle == "NUL" { run.error(1) } else { run.error(2) };
        assert!(message.contains(needle), "{pair}: {message}");
    }
    assert_eq!(env.desk_head(), head);
}

#[test]
fn binary_input_is_refused_and_nothing_is_written() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Binary", &[]);
    let head = env.desk_head();
    let file = env.root.join("blob.bin");
    std::fs::write(&file, b"PNG\x00\x01\x02 data").unwrap();
    let file = file.to_str().unwrap();
    let message = env.desk(&["new", "Screenshot", "-F", file]).error(1);
    assert_eq!(message, "the description contains a NUL byte; desk stores text, not binary data");
    let message = env.desk_stdin(&["reply", &id, "-F", "-"], "a\0b").error(1);
    assert!(message.starts_with("the reply text contains a NUL byte"), "{message}");
    let message = env.desk_stdin(&["note", &id, "-F", "-"], "a\0b").error(1);
    assert!(message.starts_with("the note text contains a NUL byte"), "{message}");
    let edited = env.ticket_file(&id).replace("Something is wrong.", "Something\0 is wrong.");
    let message = env.desk_stdin(&["edit", &id, "-F", "-"], &edited).error(1);
    assert!(message.starts_with("the edited ticket file contains a NUL byte"), "{message}");
    std::fs::write(env.root.join("latin1.txt"), b"caf\xe9").unwrap();
    let message = env.desk(&["reply", &id, "-F", env.root.join("latin1.txt").to_str().unwrap()]).error(1);
    assert!(message.ends_with("latin1.txt: it is not UTF-8 text"), "{message}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn titles_and_texts_have_limits_set_in_desk_yaml() {
    let env = TestEnv::initialised();
    let head = env.desk_head();
    let long_title = "x".repeat(257);
    let message = env.desk(&["new", &long_title, "-b", "x"]).error(1);
    assert_eq!(message, "the title is 257 characters, over the limit of 256 characters");
    let run = env.desk(&["new", &long_title, "-b", "x"]);
    assert!(run.stderr.contains("limits.title_chars"), "{run}");
    let big = "y".repeat(1_000_001);
    let run = env.desk_stdin(&["new", "Big", "-F", "-"], &big);
    assert!(run.stderr.contains("limits.body_bytes"), "{run}");
    assert_eq!(run.error(1), "the description is 1000001 bytes, over the limit of 1000000 bytes");
    assert_eq!(env.desk_head(), head);
    // 256 characters (not bytes) is fine.
    let id = env.new_ticket(&"é".repeat(256), &[]);

    // Lower limits in desk.yaml apply to new text only.
    let config = env.git(&["show", "desk:desk.yaml"]);
    let config = format!(
        "{}\nlimits:\n  title_chars: 10\n  body_bytes: 20\n",
        config.split("\nlimits:").next().unwrap()
    );
    env.commit_by_hand(&[("desk.yaml", &config)], "smaller limits");
    let head = env.desk_head();
    let message = env.desk(&["reply", &id, "-m", &"z".repeat(21)]).error(1);
    assert_eq!(message, "the reply text is 21 bytes, over the limit of 20 bytes");
    let message = env.desk(&["set", &id, "title=eleven char"]).error(1);
    assert!(message.contains("over the limit of 10 characters"), "{message}");
    assert_eq!(env.desk_head(), head);
    env.desk(&["reply", &id, "-m", &"z".repeat(20)]).ok();
    // An edit that leaves the long title alone is fine; a new long text is not.
    let file = env.ticket_file(&id);
    env.desk_stdin(&["edit", &id, "-F", "-"], &file.replace("status: open", "status: pending")).ok();
    let file = env.ticket_file(&id);
    let message =
        env.desk_stdin(&["edit", &id, "-F", "-"], &file.replace(&"z".repeat(20), &"z".repeat(24))).error(1);
    assert!(message.contains("over the limit of 20 bytes"), "{message}");
}

#[test]
fn a_ticket_saved_with_windows_line_ends_is_read_and_rewritten_with_lf() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Edited on Windows", &[]);
    env.desk(&["reply", &id, "-m", "First line\n\nSecond paragraph"]).ok();
    let lf = env.ticket_file(&id);
    let path = format!("tickets/{}/{id}.md", &id[..2]);
    env.commit_by_hand(&[(&path, &lf.replace('\n', "\r\n"))], "saved on Windows");
    assert!(env.ticket_file(&id).contains("\r\n"));

    let list = env.desk(&["list", "--json"]).ok();
    assert!(list.stderr.is_empty(), "{list}");
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["title"], "Edited on Windows");
    assert_eq!(t["body"], "Something is wrong.");
    assert_eq!(t["comments"][0]["body"], "First line\n\nSecond paragraph");
    env.desk(&["doctor"]).ok();

    env.desk(&["note", &id, "-m", "Converted."]).ok();
    let rewritten = env.ticket_file(&id);
    assert!(!rewritten.contains('\r'), "{rewritten:?}");
    assert!(rewritten.starts_with(&lf), "{rewritten}");
}
