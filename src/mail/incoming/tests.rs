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
fn addresses_are_checked_for_shape() {
    assert_eq!(clean_email("O'Brien@Example.IE").as_deref(), Some("O'Brien@example.ie"));
    assert_eq!(clean_email("a+tag@sub.example.com").as_deref(), Some("a+tag@sub.example.com"));
    for bad in
        ["a b@x.com", "a@localhost", "a@.x.com", "a@x..com", "<a@x.com>", "a@x\n.com", "a,b@x.com", "@x.com"]
    {
        assert_eq!(clean_email(bad), None, "{bad:?}");
    }
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

mod properties {
    use proptest::prelude::*;

    use super::super::*;
    use crate::model::{self, Ticket, TicketId, Visibility};

    const TEMPLATE: &str = "From: \"Doe, Jane\" <jane@example.org>\r\nTo: support@example.com\r\n\
        Subject: =?utf-8?q?Re=3A_Drucker_f=C3=A4llt_aus?=\r\nMessage-ID: <abc@example.org>\r\n\
        In-Reply-To: <p@example.org>\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\nit is broken.\r\n> quoted\r\n\
        --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a b.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

    /// What desk keeps of a message is always well-formed, and a ticket made
    /// from it renders and reads back.
    fn check(raw: &[u8]) {
        let Ok(m) = read(raw) else { return };
        assert_eq!(clean_id(&m.message_id).as_deref(), Some(m.message_id.as_str()));
        let person = m.from.person();
        assert!(!person.chars().any(char::is_control), "{person:?}");
        assert_eq!(model::email_of(&person), Some(m.from.email.as_str()), "{person:?}");
        assert!(!m.subject.chars().any(char::is_control), "{:?}", m.subject);
        assert!(!m.text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{:?}", m.text);
        for a in &m.attachments {
            assert_eq!(safe_file_name(&a.name).as_deref(), Some(a.name.as_str()));
        }
        let mut title = title_of(&m.subject);
        if title.is_empty() {
            title = "(no subject)".into();
        }
        let now = chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap();
        let mut t = Ticket::new(TicketId::generate(), title, "new".into(), "normal".into(), now);
        t.requester = Some(person.clone());
        t.cc = m.copied.iter().map(Mailbox::person).collect();
        t.description = model::normalise_text(&m.text);
        let (reply, _) = trim_quoted(&m.text);
        t.add_comment(person, now, Visibility::Public, &reply);
        if let Err(e) = model::render_checked(&t) {
            panic!("a ticket from this message does not read back: {e}\n{t:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..600)) {
            check(&raw);
        }

        #[test]
        fn mutated_messages_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12)
        ) {
            let mut raw = TEMPLATE.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = at.index(raw.len() + 1);
                match op {
                    0 => raw.insert(i, byte),
                    1 if i < raw.len() => { raw.remove(i); }
                    _ if i < raw.len() => raw[i] = byte,
                    _ => raw.push(byte),
                }
            }
            check(&raw);
        }

        #[test]
        fn hostile_headers_stay_on_their_line(name in "\\PC{0,40}", subject in "\\PC{0,60}", ctl in "[\\x00-\\x1f\\x7f\\u{2028}\\u{202e}]{1,3}") {
            let raw = format!(
                "From: =?utf-8?b?{}?= <x@example.org>\r\nSubject: =?utf-8?b?{}?=\r\n\r\nbody\r\n",
                b64(&format!("{name}{ctl}{name}")),
                b64(&format!("{subject}{ctl}Bcc: y@example.org")),
            );
            check(raw.as_bytes());
        }
    }

    fn b64(text: &str) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in text.as_bytes().chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for k in 0..4 {
                out.push(if k <= c.len() { T[(n >> (18 - 6 * k)) as usize & 63] as char } else { '=' });
            }
        }
        out
    }
}
