//! A ticket's conversation as mail in an mbox (`desk export --format mbox`):
//! the description and each reply or note as one message, threaded.
//!
//! - The description is the first message: From the requester, Date the
//!   ticket's creation, Message-ID `<desk.ID.description@DOMAIN>`, Subject
//!   `[desk #ID] TITLE`.
//! - Each comment follows in order: From its author, Date its time,
//!   Message-ID `<desk.ID.c-COMMENT@DOMAIN>`, Subject `Re: [desk #ID] TITLE`,
//!   In-Reply-To the message before it and References every message before it.
//! - `X-Desk-Ticket: ID` on every message; `X-Desk-Visibility: internal` on
//!   internal notes. The text is the Markdown as written, UTF-8 (in base64
//!   when a line of it starts with `From `, which mbox readers would show
//!   with a `>`).
//! - A person without an address gets `unknown@DOMAIN`.
//! - Messages are separated mboxrd style: a `From ` line (the sender's address
//!   and the date in asctime form), and every line of a message that starts
//!   with `From ` after any number of `>` gets one more `>`.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};

use crate::model::{Ticket, Visibility, display_name, email_of};

/// The mbox text of `ticket`'s conversation; without internal notes when
/// `public_only`.
pub fn thread(ticket: &Ticket, domain: &str, public_only: bool) -> Result<Vec<u8>, String> {
    let id = ticket.id.as_str();
    let mut out = Vec::new();
    let mut earlier: Vec<String> = Vec::new();
    let requester = ticket.requester.as_deref().unwrap_or_default();
    let first = Part {
        from: requester,
        date: ticket.created,
        message_id: format!("desk.{id}.description@{domain}"),
        subject: format!("[desk #{id}] {}", ticket.title),
        body: &ticket.description,
        internal: false,
    };
    append(&mut out, &first, id, domain, &earlier)?;
    earlier.push(first.message_id);
    for c in &ticket.comments {
        let internal = c.visibility == Visibility::Internal;
        if internal && public_only {
            continue;
        }
        let part = Part {
            from: &c.author,
            date: c.date,
            message_id: format!("desk.{id}.c-{}@{domain}", c.id),
            subject: format!("Re: [desk #{id}] {}", ticket.title),
            body: &c.body,
            internal,
        };
        append(&mut out, &part, id, domain, &earlier)?;
        earlier.push(part.message_id);
    }
    Ok(out)
}

struct Part<'a> {
    from: &'a str,
    date: DateTime<Utc>,
    message_id: String,
    subject: String,
    body: &'a str,
    internal: bool,
}

fn append(
    out: &mut Vec<u8>,
    p: &Part<'_>,
    ticket: &str,
    domain: &str,
    earlier: &[String],
) -> Result<(), String> {
    let unknown = format!("unknown@{domain}");
    let address = email_of(p.from).filter(|e| e.parse::<lettre::Address>().is_ok()).unwrap_or(&unknown);
    let name = display_name(p.from);
    let name = (!name.is_empty() && name != address).then(|| name.replace(['\r', '\n'], " "));
    let address: lettre::Address = address.parse().map_err(|e| format!("'{address}': {e}"))?;
    let envelope = lettre::address::Envelope::new(Some(address.clone()), vec![address.clone()])
        .map_err(|e| e.to_string())?;
    let mut b = Message::builder()
        .envelope(envelope)
        .from(Mailbox::new(name, address.clone()))
        .subject(p.subject.replace(['\r', '\n'], " "))
        .message_id(Some(format!("<{}>", p.message_id)))
        .date(SystemTime::from(p.date));
    if let Some(parent) = earlier.last() {
        b = b.in_reply_to(format!("<{parent}>"));
        let all: Vec<String> = earlier.iter().map(|r| format!("<{r}>")).collect();
        b = b.references(all.join(" "));
    }
    let header = |name: &str, value: &str| {
        HeaderValue::new(
            HeaderName::new_from_ascii(name.to_owned()).expect("a valid header name"),
            value.to_owned(),
        )
    };
    b = b.raw_header(header("X-Desk-Ticket", ticket));
    if p.internal {
        b = b.raw_header(header("X-Desk-Visibility", "internal"));
    }
    // A text line starting with `From ` would be quoted by the mbox format and
    // shown with a `>` by most readers: such a text travels in base64.
    let from_line = p.body.lines().any(|l| l.trim_start_matches('>').starts_with("From "));
    let body = if from_line {
        lettre::message::Body::new_with_encoding(
            p.body.to_owned(),
            lettre::message::header::ContentTransferEncoding::Base64,
        )
        .map_err(|_| "the text cannot be encoded".to_owned())?
    } else {
        lettre::message::Body::new(p.body.to_owned())
    };
    let message =
        b.header(lettre::message::header::ContentType::TEXT_PLAIN).body(body).map_err(|e| e.to_string())?;
    let date = p.date.format("%a %b %e %H:%M:%S %Y");
    out.extend_from_slice(format!("From {address} {date}\n").as_bytes());
    let text = message.formatted();
    let text = String::from_utf8_lossy(&text).replace("\r\n", "\n");
    for line in text.lines() {
        if line.trim_start_matches('>').starts_with("From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comment, TicketId};

    #[test]
    fn a_conversation_is_a_thread_of_messages() {
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        let mut t = Ticket::new(
            TicketId::parse("k3x9q2hm7d").unwrap(),
            "VPN".into(),
            "open".into(),
            "normal".into(),
            at(1_764_000_000),
        );
        t.requester = Some("Jane <jane@example.org>".into());
        t.description = "From now on it fails.\n>From here too".into();
        let comment = |id: &str, author: &str, visibility| Comment {
            id: id.into(),
            author: author.into(),
            date: at(1_764_000_600),
            visibility,
            automated: false,
            merged: false,
            body: "ok".into(),
        };
        t.comments = vec![
            comment("aaaa", "Ann <ann@corp.example>", Visibility::Public),
            comment("bbbb", "Ann", Visibility::Internal),
        ];
        let all = String::from_utf8(thread(&t, "example.com", false).unwrap()).unwrap();
        assert_eq!(all.matches("\nFrom ").count() + usize::from(all.starts_with("From ")), 3, "{all}");
        assert!(all.starts_with("From jane@example.org Mon Nov 24 16:00:00 2025\n"), "{all}");
        assert!(!all.contains("From now on"), "a From line travels in base64: {all}");
        assert!(all.contains("Content-Transfer-Encoding: base64"), "{all}");
        assert!(all.contains("In-Reply-To: <desk.k3x9q2hm7d.c-aaaa@example.com>"), "{all}");
        assert!(all.contains("From: Ann <unknown@example.com>"), "{all}");
        assert!(all.contains("X-Desk-Visibility: internal"));
        let public = String::from_utf8(thread(&t, "example.com", true).unwrap()).unwrap();
        assert!(!public.contains("X-Desk-Visibility"));
        assert!(!public.contains("c-bbbb"));
    }
}
