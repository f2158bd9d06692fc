//! Macros: `macros/NAME.md` on the desk branch, `desk reply --macro`,
//! `desk apply` (also with `--where`), `desk macro list|show`.

use serde_json::{Value, json};

use crate::common::TestEnv;

const PHOTO: &str = "---\ndescription: Ask for a photo of the display\nset: [status=pending, priority=high]\nlabels: [+printer, -triage]\n---\nHello {{ requester.name }},\n\ncould you send a photo of the display ({{ ticket.title }}, ticket {{ short_id }})?\n\n{{ agent.name }}\n";

fn show(env: &TestEnv, id: &str) -> Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

fn with_macros() -> (TestEnv, String) {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["--requester", "Jane Doe <jane@example.com>", "-l", "triage"]);
    env.commit_by_hand(
        &[
            ("macros/photo.md", PHOTO),
            ("macros/mail.md", "Write to {{ requester.email }} about {{ ticket.queue }}.\n"),
            ("macros/broken.md", "---\ndescription: x\nunknown: 1\n---\nHi\n"),
            ("macros/close-it.md", "---\nset: [status=closed]\n---\n"),
        ],
        "macros",
    );
    (env, id)
}

#[test]
fn a_reply_with_a_macro_sends_its_text_for_the_ticket_and_makes_its_changes_in_one_commit() {
    let (env, id) = with_macros();
    let before = env.desk_head();
    env.desk(&["reply", &id, "--macro", "photo"]).ok();
    assert_eq!(env.git(&["rev-list", "--count", &format!("{before}..desk")]).trim(), "1");
    let t = show(&env, &id);
    let short = &id[..4];
    let body = t["comments"][0]["body"].as_str().unwrap();
    assert!(
        body.starts_with("Hello Jane Doe,\n\ncould you send a photo of the display (Printer jams, ticket "),
        "{body}"
    );
    assert!(body.ends_with(")?\n\nTest Agent"), "{body}");
    assert!(body.contains(&format!("ticket {short}")), "{body}");
    assert_eq!(t["comments"][0]["visibility"], "public");
    assert_eq!((t["status"].clone(), t["priority"].clone()), (json!("pending"), json!("high")));
    assert_eq!(t["labels"], json!(["printer"]));
}

#[test]
fn a_variable_the_ticket_has_no_value_for_is_an_error_and_nothing_is_written() {
    let (env, id) = with_macros();
    let head = env.desk_head();
    let message = env.desk(&["reply", &id, "--macro", "mail"]).error(1);
    assert_eq!(message, "macro 'mail' uses {{ ticket.queue }}, which this ticket has no value for");
    env.desk(&["set", &id, "requester=Jim"]).ok();
    let head2 = env.desk_head();
    let message = env.desk(&["reply", &id, "--macro", "mail"]).error(1);
    assert_eq!(message, "macro 'mail' uses {{ requester.email }}, which this ticket has no value for");
    assert_eq!(env.desk_head(), head2);
    assert_ne!(head, head2);
    assert_eq!(show(&env, &id)["comments"], json!([]));
    let message = env.desk(&["reply", &id, "--macro", "nosuch"]).error(1);
    assert_eq!(message, "no macro 'nosuch' (no file macros/nosuch.md)");
    let message = env.desk(&["reply", &id, "--macro", "../desk"]).error(2);
    assert!(message.starts_with("'../desk' is not a macro name"), "{message}");
    let message = env.desk(&["reply", &id, "--macro", "broken"]).error(1);
    assert!(message.starts_with("macro 'broken': front matter: unknown field `unknown`"), "{message}");
    env.desk(&["reply", &id, "--macro", "photo", "-m", "text too"]).fails(2);
    assert_eq!(env.desk_head(), head2);
}

#[test]
fn apply_makes_a_macro_s_changes_to_one_ticket_or_to_every_ticket_a_query_selects() {
    let (env, id) = with_macros();
    let other = env.new_ticket("Printer offline", &["-l", "triage"]);
    let vpn = env.new_ticket("VPN drops", &[]);
    let run = env.desk(&["apply", &id, "photo"]).ok();
    assert!(run.stderr.ends_with(": applied macro photo\n"), "{run}");
    let t = show(&env, &id);
    assert_eq!(
        (t["status"].clone(), t["labels"].clone(), t["comments"].clone()),
        (json!("pending"), json!(["printer"]), json!([]))
    );
    let head = env.desk_head();
    env.desk(&["apply", "--where", "printer", "photo", "--yes"]).ok();
    assert_eq!(env.git(&["rev-list", "--count", &format!("{head}..desk")]).trim(), "1");
    assert_eq!(show(&env, &other)["labels"], json!(["printer"]));
    assert_eq!(show(&env, &vpn)["status"], "new");
    // A macro's status change follows the workflow like any other.
    env.desk(&["apply", &vpn, "close-it"]).ok();
    assert_eq!(show(&env, &vpn)["status"], "closed");
    let message = env.desk(&["apply", &vpn, "photo"]).error(1);
    assert!(message.contains("is closed"), "{message}");
}

#[test]
fn macro_list_and_show_print_each_macro_and_its_changes() {
    let (env, _) = with_macros();
    let list = env.desk(&["macro", "list"]).ok();
    assert!(
        list.stdout.contains(
            "photo  Ask for a photo of the display  [status=pending priority=high +printer -triage]\n"
        ),
        "{list}"
    );
    assert!(list.stderr.contains("warning: macro 'broken'"), "{list}");
    let show = env.desk(&["macro", "show", "photo", "--json"]).ok().json();
    assert_eq!(show["set"], json!(["status=pending", "priority=high"]));
    assert_eq!(show["labels"], json!(["+printer", "-triage"]));
    assert!(show["body"].as_str().unwrap().starts_with("Hello {{ requester.name }},"));
    let text = env.desk(&["macro", "show", "photo"]).ok().stdout;
    assert!(
        text.starts_with("photo\n  Ask for a photo of the display\n  change: status=pending\n"),
        "{text}"
    );
    env.desk(&["macro", "list", "--json"]).fails(1);
}
