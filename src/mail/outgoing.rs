//! desk's own mail: what history calls for (an acknowledgement, an agent's
//! reply, the solved notice with the satisfaction question), rendered from
//! templates and built as an RFC 5322 message with lettre: a text part, and
//! an HTML part rendered from it as Markdown by comrak (raw HTML escaped).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox as LettreMailbox, Message, MultiPart};

/// The directory of the desk branch whose templates replace the built-in ones.
pub const TEMPLATES_DIR: &str = "templates";

/// Why desk writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A new ticket was opened.
    Acknowledge,
    /// An agent replied.
    Reply,
    /// The ticket moved to a solved status (with the agent's reply of the same commit, if any).
    Solved,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Acknowledge => "acknowledge",
            Kind::Reply => "reply",
            Kind::Solved => "solved",
        }
    }

    /// The template file that replaces the built-in text: `templates/<kind>.md`.
    pub fn template_path(self) -> String {
        format!("{TEMPLATES_DIR}/{}.md", self.as_str())
    }

    /// The built-in template.
    pub fn default_template(self) -> &'static str {
        match self {
            Kind::Acknowledge => ACKNOWLEDGE,
            Kind::Reply => REPLY,
            Kind::Solved => SOLVED,
        }
    }

    /// RFC 3834's Auto-Submitted value: an acknowledgement answers
    /// automatically, the solved notice is generated; a reply is a person's.
    fn auto_submitted(self) -> Option<&'static str> {
        match self {
            Kind::Acknowledge => Some("auto-replied"),
            Kind::Solved => Some("auto-generated"),
            Kind::Reply => None,
        }
    }
}

const ACKNOWLEDGE: &str = "\
Hello {{ requester.name }},

we have received your request and opened ticket {{ short_id }}:

    {{ ticket.title }}

We will get back to you. To add anything, reply to this message.
{% if status_url %}
Follow your request online: {{ status_url }}
{% endif %}
-- 
{{ desk.name }}
";

const REPLY: &str = "\
{{ body }}

-- 
{{ agent.name }}, {{ desk.name }}
Ticket {{ short_id }}: reply to this message to answer.{% if status_url %}
The whole conversation: {{ status_url }}{% endif %}
";

const SOLVED: &str = "\
{% if body %}{{ body }}

-- 
{{ agent.name }}, {{ desk.name }}

{% endif %}Your request {{ short_id }} ({{ ticket.title }}) is solved.

How satisfied are you with the answer? Reply with a number from 1 (bad) to 5 (great)
on the first line; anything you write below it reaches us too. If something is still
wrong, reply in your own words and the ticket opens again.{% if status_url %}
Your request online: {{ status_url }}{% endif %}

-- 
{{ desk.name }}
";

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub kind: Kind,
    /// The full ticket id.
    pub ticket: String,
    /// desk's `Name <address>`.
    pub from: String,
    /// Where replies go: desk's address, or its plus address for the ticket.
    pub reply_to: String,
    /// `Name <email>` or bare addresses.
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The time of the commit that called for it: the same message every time.
    pub date: DateTime<Utc>,
}

/// Renders `template` (Jinja syntax) with `context` (the variables of a
/// macro, with `body` and `desk`): a variable without a value is an error
/// naming it, never a gap in a customer's mail.
pub fn render(template: &str, context: &serde_json::Value) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.add_template("mail", template).map_err(|e| e.to_string())?;
    let value = crate::workflow::macros::template_value(context);
    let mut text = env.get_template("mail").and_then(|t| t.render(value)).map_err(|e| {
        let mut message = e.to_string();
        if e.kind() == minijinja::ErrorKind::UndefinedError {
            message.push_str(" (the variables are ticket, id, short_id, requester, agent, body and desk)");
        }
        message
    })?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The subject of desk's mail about a ticket: `[desk #ID] title`, after
/// `Re: ` for anything but the acknowledgement.
pub fn subject(kind: Kind, short: &str, title: &str) -> String {
    let re = if kind == Kind::Acknowledge { "" } else { "Re: " };
    format!("{re}[desk #{short}] {title}")
}

/// The message as RFC 5322 text (lettre's builder: headers encoded as RFC
/// 2047 where needed, the text as UTF-8 quoted-printable or base64).
pub fn build(o: &Outgoing) -> Result<Message, String> {
    let mailbox = |p: &str| -> Result<LettreMailbox, String> {
        let email = crate::model::email_of(p).ok_or_else(|| format!("'{p}' has no email address"))?;
        let name = crate::model::display_name(p);
        let name = (!name.is_empty() && name != email).then(|| name.to_owned());
        Ok(LettreMailbox::new(name, email.parse().map_err(|e| format!("'{email}': {e}"))?))
    };
    let mut b = Message::builder()
        .from(mailbox(&o.from)?)
        .reply_to(mailbox(&o.reply_to)?)
        .subject(o.subject.clone())
        .message_id(Some(format!("<{}>", o.message_id)))
        .date(SystemTime::from(o.date));
    for to in &o.to {
        b = b.to(mailbox(to)?);
    }
    for cc in &o.cc {
        b = b.cc(mailbox(cc)?);
    }
    if let Some(parent) = &o.in_reply_to {
        b = b.in_reply_to(format!("<{parent}>"));
    }
    if !o.references.is_empty() {
        let all: Vec<String> = o.references.iter().map(|r| format!("<{r}>")).collect();
        b = b.references(all.join(" "));
    }
    if let Some(value) = o.kind.auto_submitted() {
        let name = HeaderName::new_from_ascii("Auto-Submitted".into()).expect("a valid header name");
        b = b.raw_header(HeaderValue::new(name, value.into()));
    }
    b.multipart(MultiPart::alternative_plain_html(o.text.clone(), html(&o.text))).map_err(|e| e.to_string())
}

/// The HTML part: the text as Markdown (line breaks kept, raw HTML escaped,
/// never passed through), in a minimal UTF-8 document.
pub fn html(text: &str) -> String {
    let mut options = comrak::Options::default();
    options.render.escape = true;
    options.render.hardbreaks = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.extension.table = true;
    let body = comrak::markdown_to_html(text, &options);
    format!("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(agent: bool, body: &str) -> serde_json::Value {
        let mut c = serde_json::json!({
            "ticket": {"id": "k3x9q2hm7d", "title": "Printer on fire", "status": "resolved"},
            "id": "k3x9q2hm7d",
            "short_id": "k3x9q2",
            "requester": {"name": "Jane Doe", "email": "jane@example.com", "full": "Jane Doe <jane@example.com>"},
            "body": body,
            "desk": {"name": "IT Support", "address": "support@example.com"},
            "status_url": "",
        });
        if agent {
            c["agent"] = serde_json::json!({"name": "Bob Agent", "email": "bob@example.com", "full": "Bob Agent <bob@example.com>"});
        }
        c
    }

    #[test]
    fn built_in_templates_render() {
        let c = context(true, "Put it out.");
        let ack = render(ACKNOWLEDGE, &c).unwrap();
        assert!(ack.starts_with("Hello Jane Doe,\n"), "{ack}");
        assert!(ack.contains("    Printer on fire\n"));
        let reply = render(REPLY, &c).unwrap();
        assert_eq!(
            reply,
            "Put it out.\n\n-- \nBob Agent, IT Support\nTicket k3x9q2: reply to this message to answer.\n"
        );
        let solved = render(SOLVED, &c).unwrap();
        assert!(solved.starts_with("Put it out.\n"), "{solved}");
        assert!(solved.contains("from 1 (bad) to 5 (great)"));
        let alone = render(SOLVED, &context(false, "")).unwrap();
        assert!(alone.starts_with("Your request k3x9q2 (Printer on fire) is solved."), "{alone}");
        let mut linked = context(true, "Put it out.");
        linked["status_url"] = "https://help.example.com/t/0a1b/".into();
        assert_eq!(
            render(REPLY, &linked).unwrap(),
            "Put it out.\n\n-- \nBob Agent, IT Support\nTicket k3x9q2: reply to this message to answer.\n\
             The whole conversation: https://help.example.com/t/0a1b/\n"
        );
        assert!(
            render(ACKNOWLEDGE, &linked)
                .unwrap()
                .contains("\n\nFollow your request online: https://help.example.com/t/0a1b/\n\n-- \n")
        );
        assert!(
            render(SOLVED, &linked)
                .unwrap()
                .contains("opens again.\nYour request online: https://help.example.com/t/0a1b/\n")
        );
    }

    #[test]
    fn an_unknown_variable_is_an_error_naming_it() {
        let e = render("Hi {{ requester.nickname }}", &context(true, "")).unwrap_err();
        assert!(e.contains("undefined"), "{e}");
        assert!(e.contains("the variables are"), "{e}");
    }

    #[test]
    fn messages_carry_the_thread_headers() {
        let o = Outgoing {
            kind: Kind::Acknowledge,
            ticket: "k3x9q2hm7d".into(),
            from: "IT Support <support@example.com>".into(),
            reply_to: "support+k3x9q2hm7d@example.com".into(),
            to: vec!["Jane Doe <jane@example.com>".into()],
            cc: vec!["bob@example.org".into()],
            subject: subject(Kind::Acknowledge, "k3x9q2", "Drucker brennt – ärgerlich"),
            text: "Hallo\n".into(),
            message_id: "desk.k3x9q2hm7d.ack.00@example.com".into(),
            in_reply_to: Some("CAF=abc@mail.example.com".into()),
            references: vec!["CAF=abc@mail.example.com".into()],
            date: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
        };
        let text = String::from_utf8(build(&o).unwrap().formatted()).unwrap();
        assert!(text.contains("Message-ID: <desk.k3x9q2hm7d.ack.00@example.com>\r\n"), "{text}");
        assert!(text.contains("In-Reply-To: <CAF=abc@mail.example.com>\r\n"), "{text}");
        assert!(text.contains("Auto-Submitted: auto-replied\r\n"), "{text}");
        assert!(text.contains("Subject: [desk #k3x9q2] Drucker brennt =?utf-8?b?"), "{text}");
        let parsed = mail_parser::MessageParser::default().parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some("[desk #k3x9q2] Drucker brennt – ärgerlich"));
        assert_eq!(parsed.message_id(), Some("desk.k3x9q2hm7d.ack.00@example.com"));
        assert_eq!(parsed.body_text(0).as_deref(), Some("Hallo\r\n"));
        assert!(text.contains("Reply-To: support+k3x9q2hm7d@example.com\r\n"), "{text}");
        assert!(text.contains("Content-Type: multipart/alternative"), "{text}");
    }

    #[test]
    fn the_html_part_escapes_raw_html() {
        let h = html("Hi <script>alert(1)</script> **there**\nline two");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("<strong>there</strong><br />\nline two"), "{h}");
    }
}
