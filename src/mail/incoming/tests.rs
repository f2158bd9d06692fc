use super::*;

fn msg(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\n\r\n{body}").replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

#[test]
fn a_plain_message_is_read() {
    let raw = msg(
        "From: \"Doe, Jane\" <Jane@Example.COM>\nTo: support@example.com\nCc: Bob <bob@example.org>\n\
         Subject: Re: AW: Printer =?utf-8?q?f=C3=A4llt_aus?=\nMessage-ID: <abc@mail.example.com>\n\
         In-Reply-To: <p1@x.org>\nReferences: <p0@x.org> <p1@x.org>\nDate: Tue, 1 Dec 2026 10:00:00 +0100",
        "Hello,\nit is broken.\n",
    );
    let m = read(&raw).unwrap();
    assert_eq!(m.message_id, "abc@mail.example.com");
    assert_eq!(m.from, Mailbox { name: "Doe, Jane".into(), email: "Jane@example.com".into() });
    assert_eq!(m.from.person(), "Doe, Jane <Jane@example.com>");
    assert_eq!(m.thread_ids, ["p1@x.org", "p0@x.org"]);
    assert_eq!(m.subject, "Re: AW: Printer fällt aus");
    assert_eq!(title_of(&m.subject), "Printer fällt aus");
    assert_eq!(m.recipients, ["support@example.com", "bob@example.org"]);
    assert_eq!(m.text, "Hello,\nit is broken.");
    assert_eq!(m.date.unwrap().to_rfc3339(), "2026-12-01T09:00:00+00:00");
    assert_eq!(m.automatic, None);
    assert!(!m.bounce);
}

#[test]
fn hostile_headers_are_cleaned() {
    let raw = msg(
        "From: =?utf-8?q?Eve=0AInjected=3A_yes_=3Cx=3E?= <eve@evil.example>\nTo: support@example.com\n\
         Subject: =?utf-8?q?Hi=0D=0ABcc=3A_all=40example.com?=\nMessage-ID: <bad id with spaces>",
        "x",
    );
    let m = read(&raw).unwrap();
    assert_eq!(m.from.name, "Eve Injected: yes x");
    assert_eq!(m.subject, "Hi Bcc: all@example.com");
    assert!(
        m.message_id.starts_with("sha256-") && m.message_id.ends_with("@desk.invalid"),
        "{}",
        m.message_id
    );
    // The same bytes give the same id: a replay is recognised.
    assert_eq!(read(&raw).unwrap().message_id, m.message_id);
}

#[test]
fn unreadable_messages_are_refused_with_a_reason() {
    assert_eq!(read(b""), Err(Unreadable::Empty));
    assert_eq!(read(b"   \n"), Err(Unreadable::Empty));
    assert_eq!(read(&msg("To: a@b.com\nSubject: x", "y")), Err(Unreadable::NoSender));
    assert_eq!(read(&msg("From: nobody\nSubject: x", "y")), Err(Unreadable::NoSender));
}

#[test]
fn machines_are_recognised() {
    let auto = |h: &str| read(&msg(&format!("From: a@b.com\n{h}"), "x")).unwrap().automatic;
    assert_eq!(auto("Auto-Submitted: auto-replied").as_deref(), Some("Auto-Submitted: auto-replied"));
    assert_eq!(auto("Auto-Submitted: no"), None);
    assert_eq!(auto("Precedence: bulk").as_deref(), Some("Precedence: bulk"));
    assert_eq!(auto("Precedence: first-class"), None);
    assert!(auto("List-Id: <x.lists.example.com>").is_some());
    assert!(auto("X-Autoreply: yes").is_some());
    let dsn = read(&msg(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nReturn-Path: <>\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"",
        "--b\nContent-Type: text/plain\n\nfailed\n--b--\n",
    ))
    .unwrap();
    assert!(dsn.bounce);
    assert!(dsn.automatic.is_some());
}

#[test]
fn html_only_mail_becomes_text_and_attachments_are_named_safely() {
    let raw = msg(
        "From: a@b.com\nContent-Type: multipart/mixed; boundary=\"b\"",
        "--b\nContent-Type: text/html\n\n<p>Hello <b>there</b></p><script>alert(1)</script>\n\
         --b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"../../.git/config\"\n\
         Content-Transfer-Encoding: base64\n\nJVBERi0=\n\
         --b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"config\"\n\n%PDF\n--b--\n",
    );
    let m = read(&raw).unwrap();
    assert!(m.text.contains("Hello"), "{}", m.text);
    assert!(!m.text.contains("<p>"), "{}", m.text);
    let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["config", "config-2"]);
    assert_eq!(m.attachments[0].bytes, b"%PDF-");
}

#[test]
fn file_names_are_made_safe() {
    assert_eq!(safe_file_name("report.pdf").as_deref(), Some("report.pdf"));
    assert_eq!(safe_file_name("../../etc/passwd").as_deref(), Some("passwd"));
    assert_eq!(safe_file_name("C:\\Users\\x\\a b.txt").as_deref(), Some("a_b.txt"));
    assert_eq!(safe_file_name(".htaccess").as_deref(), Some("htaccess"));
    assert_eq!(safe_file_name("..").as_deref(), None);
    assert_eq!(safe_file_name("").as_deref(), None);
    assert_eq!(safe_file_name("Größe.png").as_deref(), Some("Gr_e.png"));
    let long = format!("{}.pdf", "a".repeat(300));
    let cut = safe_file_name(&long).unwrap();
    assert_eq!(cut.len(), 100);
    assert_eq!(&cut[96..], ".pdf");
    assert_eq!(unique_name("a.txt", &["A.TXT", "a-2.txt"].into_iter()), "a-3.txt");
}

#[test]
fn subjects_give_titles_and_tags() {
    assert_eq!(title_of("Re: [desk #k3x9q2] Printer"), "Printer");
    assert_eq!(title_of("RE: Fwd: WG: Re[2]: VPN down"), "VPN down");
    assert_eq!(title_of("Re: "), "");
    assert_eq!(title_of("Ticket: Re: x"), "Ticket: Re: x");
    assert_eq!(subject_tag("Re: [desk #K3X9Q2] Printer").as_deref(), Some("k3x9q2"));
    assert_eq!(subject_tag("[desk #k3] short"), None);
    assert_eq!(subject_tag("[desk #../x] bad"), None);
    let own = vec!["support@example.com".to_owned()];
    assert_eq!(plus_tag("support+k3x9q2@example.com", &own).as_deref(), Some("k3x9q2"));
    assert_eq!(plus_tag("other+k3x9q2@example.com", &own), None);
}

#[test]
fn quoted_history_is_trimmed() {
    let (kept, cut) =
        trim_quoted("Thanks, that worked.\n\nOn Tue, 1 Dec 2026, Support wrote:\n> Try this\n> and that\n");
    assert_eq!((kept.as_str(), cut), ("Thanks, that worked.", true));
    let (kept, cut) = trim_quoted("Yes.\n\n-----Original Message-----\nFrom: x\nSent: y\n\nold");
    assert_eq!((kept.as_str(), cut), ("Yes.", true));
    let (kept, cut) = trim_quoted("Done.\n________________________________\nFrom: Support\nold");
    assert_eq!((kept.as_str(), cut), ("Done.", true));
    let (kept, cut) = trim_quoted("Fine.\n> old\n>\n> older\n");
    assert_eq!((kept.as_str(), cut), ("Fine.", true));
    // An inline answer keeps everything; a reply of only quotes is kept whole.
    let inline = "> question one\nanswer one\n> question two\nanswer two";
    assert_eq!(trim_quoted(inline), (inline.to_owned(), false));
    assert_eq!(trim_quoted("> only a quote"), ("> only a quote".to_owned(), false));
    let german = "Danke!\n\nAm 01.12.2026 um 10:00 schrieb Support:\n> Hallo";
    assert_eq!(trim_quoted(german).0, "Danke!");
}

#[test]
fn ratings_are_read_from_the_first_line() {
    assert_eq!(rating("5"), Some((5, None)));
    assert_eq!(rating("\n 4/5 \nquick and kind\n> quoted"), Some((4, Some("quick and kind".into()))));
    assert_eq!(rating("Rating: 1"), Some((1, None)));
    assert_eq!(rating("rating: 3/5"), Some((3, None)));
    assert_eq!(rating("6"), None);
    assert_eq!(rating("0"), None);
    assert_eq!(rating("5 stars but still broken"), None);
    assert_eq!(rating("It is still broken"), None);
}
