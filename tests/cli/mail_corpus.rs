//! Real-world and hostile messages through `desk mail import`: `CPython`'s email
//! test messages (Debian's libpython3.11-testsuite) and the shapes mail
//! programs and servers make. Every message is imported or refused with a
//! reason; none panics; every ticket file written reads back.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;

const CPYTHON: &str = "/usr/lib/python3.11/test/test_email/data";

fn mail_env() -> TestEnv {
    let env = TestEnv::initialised();
    let config = env.git(&["show", "refs/heads/desk:desk.yaml"]);
    let mail = "mail:\n  address: support@example.com\n  per_sender_per_hour: 0\n";
    env.commit_by_hand(&[("desk.yaml", &format!("{config}{mail}"))], "mail");
    env.git(&["config", "desk.mail.key", "0123456789abcdef-corpus"]);
    env
}

fn crlf(text: &str) -> Vec<u8> {
    text.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

/// The shapes this suite adds, by name.
fn shapes() -> Vec<(&'static str, Vec<u8>)> {
    let b64 = |bytes: &[u8]| {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for (i, c) in bytes.chunks(3).enumerate() {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for k in 0..4 {
                out.push(if k <= c.len() { T[(n >> (18 - 6 * k)) as usize & 63] as char } else { '=' });
            }
            if i % 19 == 18 {
                out.push('\n');
            }
        }
        out
    };
    let mut latin1 = b"From: =?iso-8859-1?q?J=FCrgen_M=FCller?= <juergen@example.de>\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=\r\nMessage-ID: <latin1@example.de>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".to_vec();
    latin1.extend_from_slice(b"Sch\xf6ne Gr\xfc\xdfe, der Drucker ist kaputt.\r\n");
    let big = vec![b'x'; 25_000_000];
    let mut big_mail = crlf(
        "From: big@example.org\nSubject: a 25 MB file\nMessage-ID: <big@example.org>\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nHere is the dump.\n--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"dump.bin\"\nContent-Transfer-Encoding: base64\n\n",
    );
    big_mail.extend_from_slice(b64(&big).replace('\n', "\r\n").as_bytes());
    big_mail.extend_from_slice(b"\r\n--B--\r\n");
    vec![
        (
            "outlook-html-only",
            crlf(
                "From: \"Smith, Ann\" <ann@corp.example>\nSubject: VPN\nMessage-ID: <outlook@corp.example>\nMIME-Version: 1.0\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n<html><head><style>p.MsoNormal{margin:0}</style></head><body><p class=3D\"MsoNormal\">The VPN=\n drops every <b>ten</b> minutes.</p><script>alert(1)</script></body></html>\n",
            ),
        ),
        (
            "gmail-alternative",
            crlf(
                "From: Bob <bob@gmail.example>\nSubject: Laptop\nMessage-ID: <CAgmail@mail.gmail.example>\nContent-Type: multipart/alternative; boundary=\"000\"\n\n--000\nContent-Type: text/plain; charset=\"UTF-8\"\n\nMy laptop will not boot.\n--000\nContent-Type: text/html; charset=\"UTF-8\"\n\n<div dir=\"ltr\">My laptop will not boot.</div>\n--000--\n",
            ),
        ),
        (
            "apple-inline-image",
            crlf(&format!(
                "From: Cara <cara@icloud.example>\nSubject: Screen\nMessage-Id: <apple@icloud.example>\nContent-Type: multipart/related; type=\"text/html\"; boundary=\"Apple\"\n\n--Apple\nContent-Type: text/html; charset=us-ascii\n\n<html><body>See the screen:<img src=\"cid:img1\"></body></html>\n--Apple\nContent-Disposition: inline; filename=\"IMG_0001.png\"\nContent-Type: image/png; name=\"IMG_0001.png\"\nContent-Id: <img1>\nContent-Transfer-Encoding: base64\n\n{}\n--Apple--\n",
                b64(b"\x89PNG\r\n\x1a\nfake")
            )),
        ),
        (
            "forwarded",
            crlf(
                "From: dan@example.org\nSubject: Fwd: invoice\nMessage-ID: <fwd@example.org>\nContent-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\nSee below.\n--F\nContent-Type: message/rfc822\n\nFrom: billing@vendor.example\nSubject: invoice\nMessage-ID: <inner@vendor.example>\n\nPay now.\n--F--\n",
            ),
        ),
        (
            "rfc2047-utf8",
            crlf(
                "From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@example.jp>\nSubject: =?UTF-8?B?44OX44Oq44Oz44K/44O844GM5aOK44KM44G+44GX44Gf?=\nMessage-ID: <utf8@example.jp>\n\nHelp\n",
            ),
        ),
        ("rfc2047-latin1", latin1),
        (
            "winmail-dat",
            crlf(&format!(
                "From: exec@corp.example\nSubject: Report\nMessage-ID: <tnef@corp.example>\nContent-Type: multipart/mixed; boundary=\"T\"\n\n--T\nContent-Type: text/plain\n\nAttached.\n--T\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\nContent-Disposition: attachment; filename=\"winmail.dat\"\nContent-Transfer-Encoding: base64\n\n{}\n--T--\n",
                b64(b"\x78\x9f\x3e\x22tnef")
            )),
        ),
        (
            "dsn-bounce",
            crlf(
                "From: MAILER-DAEMON@mx.example.net\nReturn-Path: <>\nSubject: Undelivered Mail\nMessage-ID: <dsn@mx.example.net>\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n--R\nContent-Type: text/plain\n\nUser unknown\n--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; x@example.net\nAction: failed\nStatus: 5.1.1\n--R--\n",
            ),
        ),
        (
            "vacation",
            crlf(
                "From: eve@example.org\nSubject: Out of office: Re: your ticket\nMessage-ID: <vac@example.org>\nAuto-Submitted: auto-replied\nX-Autoreply: yes\n\nI am away until Monday.\n",
            ),
        ),
        ("big-attachment", big_mail),
        (
            "header-injection",
            crlf(
                "From: =?utf-8?q?Mallory=0D=0ABcc=3A_all=40example.com?= <mallory@example.net>\nSubject: =?utf-8?q?hi=0Ainjected=3A_yes?=\nMessage-ID: <inject@example.net>\nX-Evil: a\n b\n\nbody with \u{1b}[31mANSI\u{1b}[0m and \u{202e}override\n",
            ),
        ),
        (
            "malformed-mime",
            crlf(
                "From: broken@example.org\nSubject: broken\nMessage-ID: <broken@example.org>\nContent-Type: multipart/mixed; boundary=\"never-closed\"\nContent-Transfer-Encoding: base64\n\n--never-closed\nContent-Type: text/plain; charset=x-unknown-charset\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n--never-closed\nContent-Type: application/pdf; name=\"../../x\0y.pdf\"\n",
            ),
        ),
        ("no-sender", crlf("To: support@example.com\nSubject: who am I\n\nnobody\n")),
        ("empty", Vec::new()),
        ("binary-garbage", (0..=255u8).cycle().take(5000).collect()),
    ]
}

/// Imports every message of `files` as a maildir, and returns the outcomes.
fn import_all(env: &TestEnv, files: &[(String, Vec<u8>)]) -> Vec<serde_json::Value> {
    let dir = env.root.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (i, (name, bytes)) in files.iter().enumerate() {
        std::fs::write(dir.join("new").join(format!("{i:05}.{name}")), bytes).unwrap();
    }
    let run = env.desk(&["mail", "import", "--json", "--maildir", dir.to_str().unwrap()]).ok();
    let out: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(out.len(), files.len(), "{run}");
    out
}

fn check_outcomes(env: &TestEnv, names: &[String], outcomes: &[serde_json::Value]) {
    for (name, o) in names.iter().zip(outcomes) {
        let action = o["action"].as_str().unwrap();
        assert!(
            ["created", "appended", "duplicate", "ignored", "refused", "unreadable"].contains(&action),
            "{name}: {o}"
        );
        if action != "created" {
            assert!(o["reason"].as_str().is_some_and(|r| !r.is_empty()), "{name}: no reason: {o}");
        }
        if matches!(action, "created" | "appended") {
            assert!(o["commit"].is_string(), "{name}: {o}");
        }
    }
    // Every file written reads back, and nothing else is on the branch.
    env.desk(&["doctor"]).ok();
}

#[test]
fn cpython_s_email_test_messages_are_imported_or_refused() {
    let dir = Path::new(CPYTHON);
    assert!(dir.is_dir(), "{CPYTHON} is missing: apt-get install libpython3.11-testsuite");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("msg_"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 40, "{paths:?}");
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    let env = mail_env();
    let outcomes = import_all(&env, &files);
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    check_outcomes(&env, &names, &outcomes);
    let created = outcomes.iter().filter(|o| o["action"] == "created").count();
    assert!(created >= 25, "most of CPython's messages make tickets: {created}");
}

#[test]
fn the_shapes_of_real_mail_are_imported_or_refused() {
    let env = mail_env();
    let files: Vec<(String, Vec<u8>)> = shapes().into_iter().map(|(n, b)| (n.to_owned(), b)).collect();
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let outcomes = import_all(&env, &files);
    check_outcomes(&env, &names, &outcomes);
    let by_name = |n: &str| outcomes[names.iter().position(|x| x == n).unwrap()].clone();
    let ticket = |n: &str| {
        let o = by_name(n);
        assert_eq!(o["action"], "created", "{n}: {o}");
        env.desk(&["show", o["ticket"].as_str().unwrap(), "--json"]).ok().json()
    };

    let t = ticket("outlook-html-only");
    let body = t["body"].as_str().unwrap();
    assert!(body.contains("The VPN drops every") && body.contains("ten"), "{body}");
    assert!(!body.contains('<') && !body.contains("MsoNormal") && !body.contains("alert"), "{body}");
    assert_eq!(t["requester"], "Smith, Ann <ann@corp.example>");

    assert_eq!(ticket("gmail-alternative")["body"], "My laptop will not boot.");

    let t = ticket("apple-inline-image");
    assert!(t["body"].as_str().unwrap().contains("`IMG_0001.png` (inline, "), "{t}");
    let id = t["id"].as_str().unwrap();
    env.git(&["cat-file", "-e", &format!("refs/heads/desk:attachments/{id}/IMG_0001.png")]);

    let t = ticket("forwarded");
    assert!(t["body"].as_str().unwrap().contains(".eml`"), "{t}");

    assert_eq!(ticket("rfc2047-utf8")["title"], "プリンターが壊れました");
    let t = ticket("rfc2047-latin1");
    assert_eq!(t["title"], "Grüße aus Köln");
    assert_eq!(t["requester"], "Jürgen Müller <juergen@example.de>");
    assert_eq!(t["body"], "Schöne Grüße, der Drucker ist kaputt.");

    let t = ticket("winmail-dat");
    assert!(t["body"].as_str().unwrap().contains("`winmail.dat`"), "{t}");

    assert_eq!(by_name("dsn-bounce")["action"], "ignored");
    assert_eq!(by_name("vacation")["action"], "ignored");

    let t = ticket("big-attachment");
    let body = t["body"].as_str().unwrap();
    assert!(body.contains("Not kept: `dump.bin` (25.0 MB, over the limit of 10.0 MB)"), "{body}");

    let t = ticket("header-injection");
    // A display name holding an address is dropped: it could pass for another sender.
    assert_eq!(t["requester"], "mallory@example.net");
    assert_eq!(t["title"], "hi injected: yes");
    let body = t["body"].as_str().unwrap();
    assert!(!body.contains('\u{1b}') && !body.contains('\u{202e}'), "{body:?}");

    assert!(["created", "unreadable"].contains(&by_name("malformed-mime")["action"].as_str().unwrap()));
    assert_eq!(by_name("no-sender")["action"], "unreadable");
    assert_eq!(by_name("empty")["action"], "unreadable");
    assert_eq!(by_name("binary-garbage")["action"], "unreadable");

    // Each shape alone on standard input: an exit status an MTA understands.
    for (name, bytes) in shapes().into_iter().filter(|(n, _)| *n != "big-attachment") {
        let env = mail_env();
        let mut cmd = env.command(&["mail", "import"]);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(&bytes).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let code = out.status.code().unwrap();
        assert!([0, 65].contains(&code), "{name}: exit {code}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
