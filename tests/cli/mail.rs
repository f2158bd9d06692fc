//! `desk mail import` and `desk mail send`, through the real binary; sending
//! goes to a real SMTP server (aiosmtpd) on 127.0.0.1.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, TestEnv};

const KEY: &str = "0123456789abcdef-test-key";

/// A helpdesk with a `mail:` section (plus `extra` lines in it) and a signing key.
fn mail_env(extra: &str) -> TestEnv {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let config = config.replace("queues: []", "queues: [it, sales]");
    let mail = format!(
        "mail:\n  address: support@example.com\n  name: Example Support\n  queues:\n    sales@example.com: sales\n{extra}"
    );
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{mail}"))], "mail");
    env.git(&["config", "desk.mail.key", KEY]);
    env
}

/// An RFC 5322 message with CRLF line ends.
fn message(headers: &[&str], body: &str) -> String {
    format!("{}\n\n{body}", headers.join("\n")).replace("\r\n", "\n").replace('\n', "\r\n")
}

fn import(env: &TestEnv, raw: &str) -> Run {
    env.desk_stdin(&["mail", "import", "--json"], raw)
}

/// Imports and returns the one result object, checking its shape.
#[track_caller]
fn imported(env: &TestEnv, raw: &str) -> serde_json::Value {
    let run = import(env, raw).ok();
    let v = run.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["message_id", "ticket", "action", "reason", "commit"], "{run}");
    v
}

fn show(env: &TestEnv, id: &str) -> serde_json::Value {
    env.desk(&["show", id, "--json"]).ok().json()
}

#[test]
fn a_message_opens_a_ticket_once() {
    let env = mail_env("");
    let raw = message(
        &[
            "From: \"Doe, Jane\" <jane@example.org>",
            "To: Sales <sales@example.com>, Support <support@example.com>",
            "Cc: Bob <bob@example.org>, support+abcdef@example.com",
            "Subject: Re: Fwd: =?iso-8859-1?q?Drucker_f=E4llt_aus?=",
            "Message-ID: <first@mail.example.org>",
        ],
        "The printer on the 3rd floor is broken.\n",
    );
    let v = imported(&env, &raw);
    assert_eq!(v["action"], "created");
    assert_eq!(v["message_id"], "first@mail.example.org");
    let id = v["ticket"].as_str().unwrap().to_owned();
    let t = show(&env, &id);
    assert_eq!(t["title"], "Drucker fällt aus");
    assert_eq!(t["requester"], "Doe, Jane <jane@example.org>");
    assert_eq!(t["queue"], "sales");
    assert_eq!(t["cc"], serde_json::json!(["Bob <bob@example.org>"]));
    assert_eq!(t["status"], "new");
    assert_eq!(t["body"], "The printer on the 3rd floor is broken.");
    let log = env.git(&["log", "-1", "--format=%B", "refs/heads/desk"]);
    assert!(log.contains("Desk-Message-Id: <first@mail.example.org>\n"), "{log}");
    assert!(log.contains("Desk-Mail-From: jane@example.org\n"), "{log}");
    assert_eq!(v["commit"], env.desk_head().as_str());

    // The MTA delivers it again: nothing is written.
    let head = env.desk_head();
    let again = imported(&env, &raw);
    assert_eq!(again["action"], "duplicate");
    assert_eq!(again["ticket"], id.as_str());
    assert_eq!(again["commit"], serde_json::Value::Null);
    assert_eq!(env.desk_head(), head);
    // Without --json, the outcome is one line on stderr.
    let run = env.desk_stdin(&["mail", "import"], &raw).ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("<first@mail.example.org>: duplicate ticket "), "{run}");
}

#[test]
fn replies_find_their_ticket() {
    let env = mail_env("");
    let first = imported(
        &env,
        &message(
            &["From: jane@example.org", "Subject: VPN down", "Message-ID: <v1@example.org>"],
            "It is down.",
        ),
    );
    let id = first["ticket"].as_str().unwrap().to_owned();
    let short = &id[..6];

    // In-Reply-To a message desk recorded.
    let r = imported(
        &env,
        &message(
            &[
                "From: Jane <jane@example.org>",
                "Subject: Re: VPN down",
                "Message-ID: <v2@example.org>",
                "In-Reply-To: <v1@example.org>",
            ],
            "Still down.",
        ),
    );
    assert_eq!((r["action"].as_str(), r["ticket"].as_str()), (Some("appended"), Some(id.as_str())));
    assert_eq!(r["reason"], "found by its thread");

    // References, right to left, to desk's own signed Message-ID.
    env.desk(&["reply", &id, "-m", "Please restart the client."]).ok();
    let sent = env.desk(&["mail", "send", "--dry-run", "--json"]).ok();
    let reply: serde_json::Value = sent
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|m| m["kind"] == "reply")
        .unwrap();
    let desk_id = reply["message_id"].as_str().unwrap();
    assert!(desk_id.starts_with(&format!("desk.{id}.c-")), "{desk_id}");
    let r = imported(
        &env,
        &message(
            &[
                "From: jane@example.org",
                "Subject: whatever",
                "Message-ID: <v3@example.org>",
                &format!("References: <unknown@x.org> <{desk_id}>"),
            ],
            "Restarted, works.",
        ),
    );
    assert_eq!(r["ticket"], id.as_str());

    // A forged desk id (another key) threads nowhere: a new ticket.
    let forged = desk_id.replace(&desk_id[desk_id.len() - 20..desk_id.len() - 12], "00000000");
    let r = imported(
        &env,
        &message(
            &[
                "From: mallory@example.net",
                "Subject: hi",
                "Message-ID: <f1@x.net>",
                &format!("In-Reply-To: <{forged}>"),
            ],
            "x",
        ),
    );
    assert_eq!(r["action"], "created");

    // The subject tag counts from the requester, not from a stranger.
    let tagged = |from: &str, mid: &str| {
        imported(
            &env,
            &message(
                &[
                    &format!("From: {from}"),
                    &format!("Subject: [desk #{short}] more"),
                    &format!("Message-ID: <{mid}>"),
                ],
                "more",
            ),
        )
    };
    assert_eq!(tagged("jane@EXAMPLE.org", "t1@x")["ticket"], id.as_str());
    let stranger = tagged("mallory@example.net", "t2@x");
    assert_eq!(stranger["action"], "created");
    assert_ne!(stranger["ticket"], id.as_str());

    // A plus address, from the requester.
    let r = imported(
        &env,
        &message(
            &[
                "From: jane@example.org",
                &format!("To: support+{short}@example.com"),
                "Subject: x",
                "Message-ID: <p1@x>",
            ],
            "plus",
        ),
    );
    assert_eq!(r["ticket"], id.as_str());
    assert_eq!(r["reason"], "found by its plus address");
    let t = show(&env, &id);
    let texts: Vec<&str> =
        t["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Still down.", "Please restart the client.", "Restarted, works.", "more", "plus"]);
}

#[test]
fn quoted_history_is_trimmed_and_the_message_kept() {
    let env = mail_env("");
    let id = imported(
        &env,
        &message(&["From: jane@example.org", "Subject: Q", "Message-ID: <q1@x>"], "Question?"),
    )["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    env.desk(&["reply", &id, "-m", "Answer.", "--status", "pending"]).ok();
    let raw = message(
        &["From: jane@example.org", "Subject: Re: Q", "Message-ID: <q2@x>", "In-Reply-To: <q1@x>"],
        "Thanks, but one more thing.\n\nOn Mon, 30 Nov 2026, Example Support wrote:\n> Answer.\n",
    );
    imported(&env, &raw);
    let t = show(&env, &id);
    let last = t["comments"].as_array().unwrap().last().unwrap();
    assert_eq!(
        last["body"],
        "Thanks, but one more thing.\n\n- The whole message (quoted history trimmed): `message.eml`"
    );
    assert_eq!(last["visibility"], "public");
    // A message from the requester reopens a pending ticket.
    assert_eq!(t["status"], "open");
    let kept = env.git(&["show", &format!("refs/heads/desk:attachments/{id}/message.eml")]);
    assert_eq!(kept.replace("\r\n", "\n"), raw.replace("\r\n", "\n"));
}

#[test]
fn attachments_are_kept_under_safe_names_within_the_limit() {
    let env = mail_env("  attachment_bytes: 1000\n");
    let big = "A".repeat(3000);
    let raw = message(
        &[
            "From: jane@example.org",
            "Subject: files",
            "Message-ID: <a1@x>",
            "Content-Type: multipart/mixed; boundary=\"b\"",
        ],
        &format!(
            "--b\nContent-Type: text/plain\n\nSee attached.\n\
             --b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"../../.git/hooks/pre-commit\"\n\nevil\n\
             --b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"big.bin\"\n\n{big}\n--b--\n"
        ),
    );
    let id = imported(&env, &raw)["ticket"].as_str().unwrap().to_owned();
    let t = show(&env, &id);
    assert_eq!(
        t["body"],
        "See attached.\n\n- Attached: `pre-commit` (4 B)\n- Not kept: `big.bin` (3 KB, over the limit of 1 KB)"
    );
    let files = env.git(&["ls-tree", "-r", "--name-only", "refs/heads/desk", "attachments"]);
    assert_eq!(files, format!("attachments/{id}/pre-commit\n"));
    env.desk(&["doctor"]).ok();

    // show lists them; attachment list and get give them back.
    let shown = env.desk(&["show", &id]).ok();
    assert!(shown.stdout.contains("attached   pre-commit (4 B)\n"), "{shown}");
    let list = env.desk(&["attachment", "list", &id, "--json"]).ok().json();
    assert_eq!(
        list,
        serde_json::json!([{"name": "pre-commit", "size": 4, "path": format!("attachments/{id}/pre-commit")}])
    );
    let out = env.root.join("got");
    env.desk(&["attachment", "get", &id, "pre-commit", "-o", out.to_str().unwrap()]).ok();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "evil");
    let e = env.desk(&["attachment", "get", &id, "pre-commit", "-o", out.to_str().unwrap()]).error(1);
    assert!(e.contains("exists; nothing was written"), "{e}");
    let run = env.desk(&["attachment", "get", &id, "pre-commit", "-o", "-"]).ok();
    assert_eq!(run.stdout, "evil");
    let e = env.desk(&["attachment", "get", &id, "big.bin"]).error(1);
    assert_eq!(e, format!("ticket {} has no attachment 'big.bin'", &id[..6]));
}

#[test]
fn machines_are_not_requesters() {
    let env = mail_env("");
    let head = env.desk_head();
    for (header, why) in [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("List-Id: <news.example.com>", "List-Id"),
    ] {
        let r = imported(
            &env,
            &message(
                &["From: news@example.net", "Subject: Out of office", "Message-ID: <o@x>", header],
                "away",
            ),
        );
        assert_eq!(r["action"], "ignored", "{header}");
        assert!(r["reason"].as_str().unwrap().contains(why), "{r}");
    }
    let own = imported(
        &env,
        &message(&["From: Support <SUPPORT@example.com>", "Subject: loop", "Message-ID: <l@x>"], "x"),
    );
    assert_eq!(own["action"], "ignored");
    // Signed with another key (before a key change): still desk's own mail coming back.
    let old = "desk.k3x9q2hm7d.ack.00000000000000000000000000000000@Example.com";
    let looped = imported(
        &env,
        &message(&["From: relay@example.net", "Subject: x", &format!("Message-ID: <{old}>")], "x"),
    );
    assert_eq!(looped["action"], "ignored", "{looped}");
    assert_eq!(env.desk_head(), head, "nothing was written");

    // A bounce of desk's own mail becomes a note on its ticket.
    let id = imported(&env, &message(&["From: jane@example.org", "Subject: Q", "Message-ID: <b1@x>"], "Q"))["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    env.desk(&["reply", &id, "-m", "A."]).ok();
    let sent = env.desk(&["mail", "send", "--dry-run", "--json"]).ok();
    let desk_id = sent
        .stdout
        .lines()
        .last()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["message_id"].clone())
        .unwrap();
    let dsn = message(
        &[
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
            "Return-Path: <>",
            "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <dsn1@mx.example.org>",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"",
        ],
        &format!(
            "--r\nContent-Type: text/plain\n\nUser unknown: jane@example.org\n\
             --r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
             Final-Recipient: rfc822; jane@example.org\nAction: failed\nStatus: 5.1.1\n\
             --r\nContent-Type: text/rfc822-headers\n\nFrom: support@example.com\nMessage-ID: <{}>\nSubject: Re: Q\n--r--\n",
            desk_id.as_str().unwrap()
        ),
    );
    let r = imported(&env, &dsn);
    assert_eq!((r["action"].as_str(), r["ticket"].as_str()), (Some("appended"), Some(id.as_str())), "{r}");
    let t = show(&env, &id);
    let note = t["comments"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["visibility"], "internal");
    assert!(note["body"].as_str().unwrap().starts_with("A delivery failure report from"), "{note}");
}

#[test]
fn exit_codes_speak_sysexits() {
    let env = mail_env("  per_sender_per_hour: 2\n");
    // Cannot be read: 65.
    let run = env.desk_stdin(&["mail", "import"], "this is not mail at all\n");
    assert_eq!(run.code, 65, "{run}");
    let run = env.desk_stdin(&["mail", "import", "--json"], "");
    assert_eq!(run.code, 65, "{run}");
    assert_eq!(run.json()["action"], "unreadable");
    // The third message of one sender within the hour before now: 77.
    let at = |time: &str, n: u32| {
        let raw = message(&["From: flood@example.net", "Subject: x", &format!("Message-ID: <r{n}@x>")], "x");
        env.desk_full(
            &env.repo,
            &["mail", "import", "--json"],
            Some(&raw),
            &[("GIT_AUTHOR_DATE", time), ("GIT_COMMITTER_DATE", time)],
        )
    };
    at("2026-11-28T10:59:00Z", 0).ok(); // more than an hour before DESK_NOW: not counted
    at("2026-11-28T11:30:00Z", 1).ok();
    at("2026-11-28T11:40:00Z", 2).ok();
    let head = env.desk_head();
    let run = at("2026-11-28T11:50:00Z", 3);
    assert_eq!(run.code, 77, "{run}");
    assert_eq!(run.json()["action"], "refused");
    assert_eq!(env.desk_head(), head);
    // No helpdesk here: a temporary failure, so the MTA keeps the message.
    let bare = TestEnv::new();
    let run = bare.desk_stdin(&["mail", "import"], &message(&["From: a@example.org", "Subject: x"], "x"));
    assert_eq!(run.code, 75, "{run}");
}

#[test]
fn a_closed_ticket_gets_a_follow_up_and_a_solved_one_a_rating() {
    let env = mail_env("");
    let id = imported(
        &env,
        &message(
            &["From: jane@example.org", "Subject: Laptop", "Message-ID: <c1@x>", "Cc: boss@example.org"],
            "slow",
        ),
    )["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    env.desk(&["reply", &id, "-m", "Replaced the disk.", "--status", "resolved"]).ok();
    // The requester rates by replying with a number.
    let r = imported(
        &env,
        &message(
            &["From: jane@example.org", "Subject: Re: Laptop", "Message-ID: <c2@x>", "In-Reply-To: <c1@x>"],
            "5\nVery fast, thanks!\n\n> old",
        ),
    );
    assert_eq!(r["reason"], "a rating of 5/5, found by its thread");
    let t = show(&env, &id);
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["rating"]["score"], 5);
    assert_eq!(t["rating"]["comment"], "Very fast, thanks!");
    // Words instead of a number reopen it.
    imported(
        &env,
        &message(
            &["From: jane@example.org", "Subject: Re: Laptop", "Message-ID: <c3@x>", "In-Reply-To: <c1@x>"],
            "It is slow again.",
        ),
    );
    assert_eq!(show(&env, &id)["status"], "open");
    env.desk(&["close", &id]).ok();
    let r = imported(
        &env,
        &message(
            &["From: jane@example.org", "Subject: Re: Laptop", "Message-ID: <c4@x>", "In-Reply-To: <c1@x>"],
            "And again.",
        ),
    );
    assert_eq!(r["action"], "created");
    assert_eq!(r["reason"], format!("a follow-up of the closed ticket {id}"));
    let f = show(&env, r["ticket"].as_str().unwrap());
    assert_eq!(f["follow_up"], id.as_str());
    assert_eq!(f["title"], "Laptop");
    assert_eq!(f["cc"], serde_json::json!(["boss@example.org"]));
}

#[test]
fn mbox_and_maildir_import_in_order() {
    let env = mail_env("");
    let one = message(&["From: a@example.org", "Subject: One", "Message-ID: <m1@x>"], "first");
    let two = message(
        &["From: a@example.org", "Subject: Re: One", "Message-ID: <m2@x>", "In-Reply-To: <m1@x>"],
        "second",
    );
    let mbox = format!(
        "From a@example.org Mon Nov 30 10:00:00 2026\n{}\nFrom a@example.org Mon Nov 30 10:01:00 2026\n{}\n",
        one.replace("\r\n", "\n"),
        two.replace("\r\n", "\n")
    );
    let path = env.root.join("in.mbox");
    std::fs::write(&path, mbox).unwrap();
    let run = env.desk(&["mail", "import", "--json", "--mbox", path.to_str().unwrap()]).ok();
    let lines: Vec<serde_json::Value> =
        run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{run}");
    assert_eq!(lines[0]["action"], "created");
    assert_eq!(
        (lines[1]["action"].as_str(), lines[1]["ticket"].as_str()),
        (Some("appended"), lines[0]["ticket"].as_str())
    );
    // Again: both are duplicates.
    let again = env.desk(&["mail", "import", "--json", "--mbox", path.to_str().unwrap()]).ok();
    assert_eq!(again.stdout.matches("\"duplicate\"").count(), 2, "{again}");

    let dir = env.root.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let three = message(&["From: b@example.org", "Subject: Two", "Message-ID: <d1@x>"], "x");
    let four = message(
        &["From: b@example.org", "Subject: Re: Two", "Message-ID: <d2@x>", "References: <d1@x>"],
        "y",
    );
    std::fs::write(dir.join("new/1764500000.1.host"), three).unwrap();
    std::fs::write(dir.join("new/1764500001.1.host"), four).unwrap();
    std::fs::write(dir.join("new/.hidden"), "junk").unwrap();
    let run = env.desk(&["mail", "import", "--json", "--maildir", dir.to_str().unwrap()]).ok();
    let actions: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["created", "appended"]);
}

#[test]
fn send_needs_its_set_up() {
    let env = TestEnv::initialised();
    let e = env.desk(&["mail", "send"]).error(1);
    assert!(e.contains("no `mail:` section"), "{e}");
    let env = mail_env("");
    env.git(&["config", "--unset", "desk.mail.key"]);
    let e = env.desk(&["mail", "send"]).error(1);
    assert!(e.contains("no mail signing key"), "{e}");
    env.git(&["config", "desk.mail.key", "short"]);
    let e = env.desk(&["mail", "send"]).error(1);
    assert!(e.contains("shorter than 16 bytes"), "{e}");
    env.git(&["config", "desk.mail.key", KEY]);
    let e = env.desk(&["mail", "send"]).error(1);
    assert!(e.contains("no mail transport"), "{e}");
    let e = env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", "smtp://user:secret@")]).error(1);
    assert!(e.contains("has no host") && !e.contains("secret"), "{e}");
    // Without a cursor, sending starts at the tip and sends nothing.
    env.new_ticket("Before mail", &["--requester", "Jane <jane@example.org>"]);
    let run = env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", "smtp://127.0.0.1:9")]).ok();
    assert!(run.stderr.contains("mail starts at commit"), "{run}");
    assert_eq!(env.git(&["rev-parse", "refs/desk/mail"]), env.git(&["rev-parse", "refs/heads/desk"]));
}

/// Waits until `child` listens on `port` of 127.0.0.1; fails with its output
/// when it exits first or takes longer than 20 s.
fn wait_listening(child: &mut Child, port: u16, what: &str) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            let err = child.stderr.take().map(|e| std::io::read_to_string(e).unwrap_or_default());
            let out = child.stdout.take().map(|o| std::io::read_to_string(o).unwrap_or_default());
            panic!("{what} did not start ({status}): {}{}", err.unwrap_or_default(), out.unwrap_or_default());
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Debian's Python, which has Debian's python3-aiosmtpd (another python3 may come first on PATH).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }
}

/// A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps each message it
/// receives as a file, in order, with its envelope recipients.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

const SERVER: &str = r#"
import sys, time
from aiosmtpd.controller import Controller
class Keep:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Keep.n += 1
        with open(f"{sys.argv[2]}/{Keep.n:04}.eml", "wb") as f:
            f.write(envelope.original_content)
        with open(f"{sys.argv[2]}/{Keep.n:04}.rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        return "250 OK"
Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
while True:
    time.sleep(3600)
"#;

impl SmtpServer {
    fn start(root: &Path) -> SmtpServer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = root.join("received");
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(python())
            .args(["-c", SERVER, &port.to_string()])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut server = SmtpServer { child, port, dir };
        wait_listening(&mut server.child, port, "aiosmtpd (apt-get install python3-aiosmtpd)");
        server
    }

    /// The messages received so far, in order, as Python's email package reads
    /// them: some headers, the plain-text body and the envelope recipients.
    fn received(&self) -> Vec<serde_json::Value> {
        let script = r#"
import json, sys, glob, email, email.policy
out = []
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    v = {k: (str(m[k]) if m[k] is not None else None) for k in ["Message-ID", "In-Reply-To", "References", "To", "Cc", "Subject", "Auto-Submitted"]}
    v["body"] = m.get_body(("plain",)).get_content()
    v["rcpt"] = open(path[:-4] + ".rcpt").read().split("\n")
    out.append(v)
print(json.dumps(out))
"#;
        let out = Command::new(python()).args(["-c", script]).arg(&self.dir).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn send_mails_what_history_calls_for_over_smtp() {
    let env = mail_env("");
    let server = SmtpServer::start(&env.root);
    let transport = format!("smtp://127.0.0.1:{}", server.port);
    let mail_send = |args: &[&str]| {
        let mut all = vec!["mail", "send"];
        all.extend_from_slice(args);
        env.desk_env(&all, &[("DESK_MAIL_TRANSPORT", &transport)]).ok()
    };
    let first = message(
        &[
            "From: Jane Doe <jane@example.org>",
            "Cc: Bob <bob@example.org>",
            "Subject: Printer",
            "Message-ID: <s1@example.org>",
        ],
        "Broken.",
    );
    let id = imported(&env, &first)["ticket"].as_str().unwrap().to_owned();
    env.desk(&["reply", &id, "-m", "Is it plugged in?"]).ok();
    env.desk(&["note", &id, "-m", "SECRET internal note"]).ok();
    let run = mail_send(&["--json"]);
    let sent: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let kinds: Vec<&str> = sent.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["acknowledge", "reply"], "{run}");
    assert!(sent.iter().all(|m| m["sent"] == true));
    let got = server.received();
    assert_eq!(got.len(), 2, "{got:?}");
    let (ack, reply) = (&got[0], &got[1]);
    assert_eq!(ack["To"], "Jane Doe <jane@example.org>");
    assert_eq!(ack["Auto-Submitted"], "auto-replied");
    assert_eq!(ack["In-Reply-To"], "<s1@example.org>");
    assert_eq!(reply["Subject"], format!("Re: [desk #{}] Printer", &id[..6]));
    assert_eq!(reply["Cc"], "Bob <bob@example.org>");
    assert_eq!(reply["rcpt"], serde_json::json!(["jane@example.org", "bob@example.org"]));
    assert_eq!(reply["In-Reply-To"], "<s1@example.org>");
    assert!(reply["body"].as_str().unwrap().starts_with("Is it plugged in?\n"), "{reply}");
    assert!(got.iter().all(|m| !m["body"].as_str().unwrap().contains("SECRET")));
    assert_eq!(env.git(&["rev-parse", "refs/desk/mail"]), env.git(&["rev-parse", "refs/heads/desk"]));

    // Nothing new: nothing sent.
    let again = mail_send(&[]);
    assert!(again.stderr.contains("nothing to send"), "{again}");
    assert_eq!(server.received().len(), 2);

    // The requester answers desk's reply: it lands in the same ticket.
    let answer = message(
        &[
            "From: Jane Doe <jane@example.org>",
            "Subject: Re: [desk #x] Printer",
            "Message-ID: <s2@example.org>",
            &format!("In-Reply-To: {}", reply["Message-ID"].as_str().unwrap()),
        ],
        "Yes, it is.",
    );
    assert_eq!(imported(&env, &answer)["ticket"], id.as_str());
    // Solving it sends the reply with the satisfaction question, once.
    env.desk(&["reply", &id, "-m", "Replaced the fuser.", "--status", "resolved"]).ok();
    let run = mail_send(&["--json"]);
    assert_eq!(run.stdout.lines().count(), 1, "{run}");
    let got = server.received();
    let solved = got.last().unwrap();
    let body = solved["body"].as_str().unwrap();
    assert!(body.starts_with("Replaced the fuser.\n"), "{body}");
    assert!(body.contains("Reply with a number from 1 (bad) to 5 (great)"), "{body}");
    assert_eq!(solved["Auto-Submitted"], "auto-generated");
    assert_eq!(solved["In-Reply-To"], "<s2@example.org>");
    // The rating comes back by mail.
    let rating = message(
        &[
            "From: jane@example.org",
            "Subject: Re: x",
            "Message-ID: <s3@example.org>",
            &format!("In-Reply-To: {}", solved["Message-ID"].as_str().unwrap()),
        ],
        "4\n",
    );
    imported(&env, &rating);
    assert_eq!(show(&env, &id)["rating"]["score"], 4);
    // A failing server: the run fails and the cursor stays before what was not sent.
    env.desk(&["reply", &id, "-m", "Thanks!"]).ok();
    let cursor = env.git(&["rev-parse", "refs/desk/mail"]);
    let e = env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", "smtp://127.0.0.1:9")]).error(1);
    assert!(e.starts_with("sending desk."), "{e}");
    assert_eq!(env.git(&["rev-parse", "refs/desk/mail"]), cursor);
}

/// A private Postfix instance (its own configuration, queue and port; 127.0.0.1
/// only; mail for example.com piped into `desk mail import` as `nobody`, any
/// other mail discarded), started in the foreground and stopped on drop.
struct Postfix {
    child: Child,
    conf: std::path::PathBuf,
    port: u16,
}

impl Postfix {
    fn start(dir: &Path, repo: &Path) -> Postfix {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let conf = dir.join("conf");
        for d in ["conf", "queue", "data"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let chown = Command::new("chown").arg("postfix").arg(dir.join("data")).status().unwrap();
        assert!(chown.success());
        let d = dir.display();
        std::fs::write(
            conf.join("main.cf"),
            format!(
                "compatibility_level = 3.6\nqueue_directory = {d}/queue\ndata_directory = {d}/data\n\
                 mail_owner = postfix\nsetgid_group = postdrop\ninet_interfaces = 127.0.0.1\n\
                 inet_protocols = ipv4\nmyhostname = mx.example.com\nmydomain = example.com\nmydestination =\n\
                 relay_domains = example.com\ntransport_maps = inline:{{ example.com=desk: }}\n\
                 default_transport = discard:no mail leaves this test\nrelay_transport = discard\n\
                 smtp_dns_support_level = disabled\nmynetworks = 127.0.0.0/8\n\
                 smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n\
                 maillog_file = /dev/stdout\nrecipient_delimiter = +\nsmtputf8_enable = no\nalias_maps =\n\
                 alias_database =\ndesk_destination_recipient_limit = 1\nnotify_classes =\n"
            ),
        )
        .unwrap();
        let services = [
            "pickup unix n - n 60 1 pickup",
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "flush unix n - n 1000? 0 flush",
            "proxymap unix - - n - - proxymap",
            "smtp unix - - n - - smtp",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
        ];
        let master = format!(
            "127.0.0.1:{port} inet n - n - - smtpd\n{}\ndesk unix - n n - - pipe\n  flags=R user=nobody argv={} -C {} mail import\n",
            services.join("\n"),
            crate::common::bin().display(),
            repo.display()
        );
        std::fs::write(conf.join("master.cf"), master).unwrap();
        let child = Command::new("postfix")
            .arg("-c")
            .arg(&conf)
            .arg("start-fg")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("postfix runs (apt-get install postfix)");
        let mut server = Postfix { child, conf, port };
        wait_listening(&mut server.child, port, "postfix (apt-get install postfix)");
        server
    }

    /// Sends a message with swaks, as a mail program would.
    fn send(&self, from: &str, to: &str, headers: &[&str], body: &str) {
        let mut cmd = Command::new("swaks");
        cmd.args([
            "--server",
            &format!("127.0.0.1:{}", self.port),
            "--from",
            from,
            "--to",
            to,
            "--body",
            body,
        ])
        .args(["--silent", "2"]);
        for h in headers {
            cmd.args(["--header", h]);
        }
        let out = cmd.output().expect("swaks runs (apt-get install swaks)");
        assert!(
            out.status.success(),
            "swaks: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("postfix").arg("-c").arg(&self.conf).arg("stop").status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs desk as `nobody`, the user Postfix's pipe runs it as, so both write
/// the repository as its owner.
fn desk_as_nobody(env: &TestEnv, args: &[&str]) -> Run {
    let mut cmd = env.program(Path::new("setpriv"));
    cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"]).arg(crate::common::bin()).args(args);
    crate::common::run(cmd, None)
}

/// Waits until the desk branch has moved from `from`.
fn wait_for_commit(env: &TestEnv, from: &str) -> String {
    let started = Instant::now();
    loop {
        let head = env.desk_head();
        if head != from {
            return head;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "postfix delivered nothing in 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn mail_goes_through_a_real_mta_and_back() {
    if !is_root() {
        eprintln!("skipped: running Postfix needs root (CI runs as root)");
        return;
    }
    let env = mail_env("");
    // The repository belongs to `nobody`, whom Postfix runs desk as; git (as
    // root here) is told that is fine.
    let mut gitconfig = std::fs::read_to_string(env.home.join(".gitconfig")).unwrap();
    gitconfig.push_str("[safe]\n\tdirectory = *\n");
    std::fs::write(env.home.join(".gitconfig"), gitconfig).unwrap();
    for (cmd, args) in [
        ("chmod", vec!["755", env.root.to_str().unwrap()]),
        ("chown", vec!["-R", "nobody:nogroup", env.repo.to_str().unwrap()]),
    ] {
        assert!(Command::new(cmd).args(&args).status().unwrap().success());
    }
    let postfix = Postfix::start(&env.root.join("postfix"), &env.repo);
    let smtp = SmtpServer::start(&env.root);

    // A requester writes to support: Postfix pipes it into desk.
    let head = env.desk_head();
    postfix.send(
        "jane@example.org",
        "support@example.com",
        &["Subject: Wi-Fi is down", "From: Jane Doe <jane@example.org>", "Message-Id: <pf1@example.org>"],
        "No Wi-Fi on floor 2.",
    );
    wait_for_commit(&env, &head);
    let list = desk_as_nobody(&env, &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list[0]["title"], "Wi-Fi is down");
    assert_eq!(list[0]["requester"], "Jane Doe <jane@example.org>");
    // The gateway had no git identity: its commits are desk's own address.
    assert_eq!(
        env.git(&["log", "-1", "--format=%an <%ae>", "refs/heads/desk"]),
        "Example Support <support@example.com>\n"
    );

    // An agent replies; desk mail send hands it to the requester's server.
    desk_as_nobody(&env, &["reply", &id, "-m", "Restarting the access point."]).ok();
    let transport = format!("DESK_MAIL_TRANSPORT=smtp://127.0.0.1:{}", smtp.port);
    let mut cmd = env.program(Path::new("setpriv"));
    cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", &transport])
        .arg(crate::common::bin())
        .args(["mail", "send"]);
    crate::common::run(cmd, None).ok();
    let got = smtp.received();
    let reply = got
        .iter()
        .find(|m| m["body"].as_str().unwrap().starts_with("Restarting"))
        .expect("the reply arrived");
    assert_eq!(reply["In-Reply-To"], "<pf1@example.org>");

    // The requester answers it, through Postfix again: the same ticket.
    let head = env.desk_head();
    let in_reply_to = format!("In-Reply-To: {}", reply["Message-ID"].as_str().unwrap());
    postfix.send(
        "jane@example.org",
        "support@example.com",
        &["Subject: Re: Wi-Fi", "Message-Id: <pf2@example.org>", &in_reply_to],
        "Works now, thanks!",
    );
    wait_for_commit(&env, &head);
    let t = desk_as_nobody(&env, &["show", &id, "--json"]).ok().json();
    let answer = t["comments"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(answer["body"], "Works now, thanks!");
    assert_eq!(answer["author"], "jane@example.org");

    // Solved; the requester rates it by replying "5" through Postfix.
    desk_as_nobody(&env, &["status", &id, "resolved"]).ok();
    let head = env.desk_head();
    postfix.send(
        "jane@example.org",
        &format!("support+{}@example.com", &id[..6]),
        &["Subject: Re: Wi-Fi", "Message-Id: <pf3@example.org>"],
        "5",
    );
    wait_for_commit(&env, &head);
    let t = desk_as_nobody(&env, &["show", &id, "--json"]).ok().json();
    assert_eq!(t["rating"]["score"], 5, "{t}");
    assert_eq!(t["status"], "resolved");
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n")
}

#[test]
fn preview_and_a_maildir_outbox() {
    let env = mail_env("  plus_addressing: true\n");
    let raw = message(
        &["From: Jane <jane@example.org>", "Subject: Printer", "Message-ID: <w1@example.org>"],
        "Broken.",
    );
    let id = imported(&env, &raw)["ticket"].as_str().unwrap().to_owned();
    env.desk(&["reply", &id, "-m", "Try **this** <script>alert(1)</script>"]).ok();
    // The preview is the message itself, both parts, nothing sent.
    let head = env.git(&["rev-parse", "refs/desk/mail"]);
    let run = env.desk(&["mail", "preview", &id]).ok();
    assert!(run.stdout.contains(&format!("Reply-To: support+{id}@example.com\n")), "{run}");
    assert!(run.stdout.contains("Content-Type: multipart/alternative"), "{run}");
    assert!(run.stdout.contains("Content-Type: text/html; charset=utf-8"), "{run}");
    assert_eq!(run.stdout.matches("Message-ID: <desk.").count(), 2, "{run}");
    let json = env.desk(&["mail", "preview", &id, "--json"]).ok();
    let kinds: Vec<String> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["acknowledge", "reply"]);
    assert_eq!(env.git(&["rev-parse", "refs/desk/mail"]), head, "preview moves nothing");

    // A Maildir outbox: one file per message, HTML escaped, named by Message-ID.
    let outbox = env.root.join("outbox");
    let transport = format!("maildir:{}", outbox.display());
    env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", &transport)]).ok();
    let mut files: Vec<_> =
        std::fs::read_dir(outbox.join("new")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2);
    let all: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    let html = &all[all.rfind("Content-Type: text/html").unwrap()..];
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    // Everything was sent: preview has nothing left; --all shows it again.
    let run = env.desk(&["mail", "preview", &id]).ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("nothing to send"), "{run}");
    let run = env.desk(&["mail", "preview", &id, "--all", "--json"]).ok();
    assert_eq!(run.stdout.lines().count(), 2, "{run}");
    // A reply to the plus address finds the ticket.
    let answer = message(
        &[
            "From: jane@example.org",
            &format!("To: support+{id}@example.com"),
            "Subject: thanks",
            "Message-ID: <w2@x>",
        ],
        "ok",
    );
    assert_eq!(imported(&env, &answer)["ticket"], id.as_str());
    // Transport URLs that could smuggle lines into git's credential protocol are refused.
    let e = env
        .desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", "smtp://u@evil\nhost=github.com")])
        .error(1);
    assert!(e.contains("host name"), "{e}");
}
