//! One message as it arrives (RFC 5322 with MIME, parsed by mail-parser),
//! read into what a ticket needs. Everything here comes from outside and is
//! cleaned on the way in: people and the subject become single lines without
//! control characters, Message-IDs are checked for shape, attachment names
//! become safe file names.

use chrono::{DateTime, Utc};
use mail_parser::{Addr, Address, HeaderValue, MessageParser, MimeHeaders as _, PartType};
use sha2::{Digest as _, Sha256};

/// Longest Message-ID kept (RFC 5322 lines are at most 998 characters).
const MAX_ID: usize = 250;
/// Longest display name kept, in characters.
const MAX_NAME: usize = 100;
/// Longest subject kept, in characters (the title limit may be lower).
const MAX_SUBJECT: usize = 250;
/// Longest attachment file name, in bytes.
const MAX_FILE_NAME: usize = 100;

/// Why a message cannot be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Unreadable {
    #[error("the input is not an RFC 5322 message (no header could be read)")]
    NotAMessage,
    #[error("the message has no sender: its From header holds no usable address")]
    NoSender,
    #[error("the message is empty")]
    Empty,
}

/// The sender or a cc: a display name (possibly empty) and an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    /// The address, its domain lowercased.
    pub email: String,
}

impl Mailbox {
    /// `Name <email>` as tickets store people, or the bare address without a name.
    pub fn person(&self) -> String {
        if self.name.is_empty() { self.email.clone() } else { format!("{} <{}>", self.name, self.email) }
    }
}

/// One attached file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// A safe file name: see [`safe_file_name`].
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown inside the text (an inline image) rather than attached.
    pub inline: bool,
}

/// What desk reads from one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The Message-ID without angle brackets; a message without a usable one
    /// gets `sha256-<hex>@desk.invalid` from its bytes, so a replay is still
    /// recognised.
    pub message_id: String,
    /// In-Reply-To, then References from the last to the first: where to
    /// look for the thread, in order.
    pub thread_ids: Vec<String>,
    pub from: Mailbox,
    /// Every address of To, Cc, Delivered-To and X-Original-To (lowercased):
    /// where it was sent, for the queue map and plus addresses.
    pub recipients: Vec<String>,
    /// The people of Cc and To other than the recipients desk serves (the
    /// caller filters those).
    pub copied: Vec<Mailbox>,
    /// The decoded subject on one line, reply and forward prefixes kept.
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The text: the text part, or the HTML part as readable text.
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// Why the message was written by a machine (an auto-reply, a bulk
    /// mailing, a bounce), if it was.
    pub automatic: Option<String>,
    /// A delivery status notification (bounce).
    pub bounce: bool,
}

/// Reads a message. Its bytes are kept by the caller where they are needed.
pub fn read(raw: &[u8]) -> Result<Incoming, Unreadable> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Unreadable::Empty);
    }
    let msg = MessageParser::default().parse(raw).ok_or(Unreadable::NotAMessage)?;
    if msg.headers().is_empty() {
        return Err(Unreadable::NotAMessage);
    }
    let from = msg.from().and_then(first_mailbox).ok_or(Unreadable::NoSender)?;
    let message_id = msg.message_id().and_then(clean_id).unwrap_or_else(|| content_id(raw));
    let mut thread_ids: Vec<String> = ids_of(msg.in_reply_to());
    thread_ids.extend(ids_of(msg.references()).into_iter().rev());
    thread_ids.dedup();
    let mut recipients = Vec::new();
    let mut copied = Vec::new();
    for list in [msg.to(), msg.cc()].into_iter().flatten() {
        for m in list.iter().filter_map(mailbox) {
            recipients.push(m.email.to_ascii_lowercase());
            copied.push(m);
        }
    }
    for name in ["Delivered-To", "X-Original-To"] {
        for value in msg.header_values(name) {
            if let Some(text) = value.as_text()
                && let Some(email) = clean_email(text.trim().trim_start_matches('<').trim_end_matches('>'))
            {
                recipients.push(email.to_ascii_lowercase());
            }
        }
    }
    let subject = one_line(msg.subject().unwrap_or_default(), MAX_SUBJECT);
    let date = msg.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0));
    let bounce = is_bounce(&msg, &from);
    let automatic = automatic(&msg, bounce);
    let text = crate::model::normalise_text(&clean_text(&body_text(&msg)));
    let attachments = attachments(&msg);
    Ok(Incoming {
        message_id,
        thread_ids,
        from,
        recipients,
        copied,
        subject,
        date,
        text,
        attachments,
        automatic,
        bounce,
    })
}

/// The text of the message: its first text part, or its first HTML part as
/// plain text (mail-parser's conversion), or nothing.
fn body_text(msg: &mail_parser::Message<'_>) -> String {
    msg.body_text(0).map(std::borrow::Cow::into_owned).unwrap_or_default()
}

/// The attachments: every part mail-parser counts as one, named safely and
/// uniquely; a forwarded message (message/rfc822) is kept as a `.eml` file.
fn attachments(msg: &mail_parser::Message<'_>) -> Vec<Attachment> {
    let mut out: Vec<Attachment> = Vec::new();
    for (n, part) in msg.attachments().enumerate() {
        let content_type = part
            .content_type()
            .map_or_else(
                || "application/octet-stream".to_owned(),
                |ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                },
            )
            .to_ascii_lowercase();
        let bytes = match &part.body {
            PartType::Message(inner) => inner.raw_message().to_vec(),
            _ => part.contents().to_vec(),
        };
        let fallback = match &part.body {
            PartType::Message(_) => format!("message-{}.eml", n + 1),
            _ => format!("attachment-{}", n + 1),
        };
        let given = part.attachment_name().unwrap_or_default();
        let name =
            unique_name(&safe_file_name(given).unwrap_or(fallback), &out.iter().map(|a| a.name.as_str()));
        let inline = part.content_disposition().is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"))
            || (part.content_id().is_some() && content_type.starts_with("image/"));
        out.push(Attachment { name, content_type, bytes, inline });
    }
    out
}

/// `name`, or `name-2`, `name-3`… before its extension, whichever is not taken.
pub fn unique_name<'a>(name: &str, taken: &(impl Iterator<Item = &'a str> + Clone)) -> String {
    let is_taken = |n: &str| taken.clone().any(|t| t.eq_ignore_ascii_case(n));
    if !is_taken(name) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let mut i = 2u64;
    loop {
        let candidate = format!("{stem}-{i}{ext}");
        if !is_taken(&candidate) {
            return candidate;
        }
        i += 1;
    }
}

/// A file name safe to write anywhere: the last path component of `given`,
/// with every character other than ASCII letters, digits, `.`, `-` and `_`
/// replaced by `_`, no leading dots (no hidden files, no `..`), runs of `_`
/// collapsed, at most 100 bytes with the extension kept. `None` when nothing
/// usable is left.
pub fn safe_file_name(given: &str) -> Option<String> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name = String::new();
    for c in last.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') { c } else { '_' };
        if c == '_' && name.ends_with('_') {
            continue;
        }
        name.push(c);
    }
    let name = name.trim_start_matches(['.', '_']).trim_end_matches(['.', '_', ' ']);
    if name.is_empty() || !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    if name.len() <= MAX_FILE_NAME {
        return Some(name.to_owned());
    }
    let ext = name.rfind('.').map(|i| &name[i..]).filter(|e| e.len() <= 16).unwrap_or("");
    Some(format!("{}{ext}", &name[..MAX_FILE_NAME - ext.len()]))
}

/// Why a message was written by a machine, if it was: RFC 3834's
/// Auto-Submitted (other than `no`), Precedence bulk, junk or list, a
/// mailing list (List-Id), the auto-reply headers of common mail programs,
/// or a bounce.
fn automatic(msg: &mail_parser::Message<'_>, bounce: bool) -> Option<String> {
    if bounce {
        return Some("a delivery status notification (bounce)".into());
    }
    let text = |name: &str| msg.header_raw(name).map(|v| one_line(v, 80).to_ascii_lowercase());
    if let Some(v) = text("Auto-Submitted").filter(|v| !v.starts_with("no")) {
        return Some(format!("Auto-Submitted: {v}"));
    }
    if let Some(v) = text("Precedence").filter(|v| matches!(v.as_str(), "bulk" | "junk" | "list")) {
        return Some(format!("Precedence: {v}"));
    }
    if msg.header_raw("List-Id").is_some() {
        return Some("sent through a mailing list (List-Id)".into());
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autogenerated"] {
        if msg.header_raw(name).is_some() {
            return Some(format!("an automatic reply ({name})"));
        }
    }
    None
}

/// A delivery status notification: a multipart/report of delivery status,
/// or mail from the mailer daemon with an empty return path.
fn is_bounce(msg: &mail_parser::Message<'_>, from: &Mailbox) -> bool {
    let report = msg.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct.attribute("report-type").is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    let local = from.email.split('@').next().unwrap_or_default().to_ascii_lowercase();
    let null_sender = msg.header_raw("Return-Path").is_some_and(|r| r.trim() == "<>");
    report || (null_sender && matches!(local.as_str(), "mailer-daemon" | "postmaster"))
}

/// The Message-IDs of an In-Reply-To or References header, cleaned.
fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => clean_id(t).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
}

/// A Message-ID without angle brackets, when it has the shape of one:
/// printable ASCII without spaces or brackets, at most 250 characters.
pub fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'));
    ok.then(|| id.to_owned())
}

/// The id given to a message that has none: from a hash of its bytes.
fn content_id(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    format!("sha256-{}@desk.invalid", super::sign::hex(&digest[..16]))
}

fn first_mailbox(list: &Address<'_>) -> Option<Mailbox> {
    list.iter().find_map(mailbox)
}

fn mailbox(addr: &Addr<'_>) -> Option<Mailbox> {
    let email = clean_email(addr.address()?)?;
    let name = addr.name().map(|n| clean_name(n, &email)).unwrap_or_default();
    Some(Mailbox { name, email })
}

/// An address as desk keeps it: `local@domain` with the domain lowercased
/// (a dot in it, none first or last, no `..`), without whitespace, control
/// characters, backticks or any of `<>()[]\,;:"`, at most 254 bytes; `None`
/// when it is not one.
pub fn clean_email(address: &str) -> Option<String> {
    let address = address.trim();
    let (local, domain) = address.rsplit_once('@')?;
    let bad = |c: char| c.is_control() || c.is_whitespace() || "<>()[]\\,;:\"`".contains(c);
    let ok = !local.is_empty()
        && !domain.is_empty()
        && address.len() <= 254
        && !address.chars().any(bad)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.contains('.');
    ok.then(|| format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// A display name as desk keeps it: one line, without the characters that
/// would make `Name <email>` read as something else (`<`, `>`, `"`), and not
/// an address itself (a name that is the address is dropped).
fn clean_name(name: &str, email: &str) -> String {
    let name: String = one_line(name, MAX_NAME).chars().filter(|c| !matches!(c, '<' | '>' | '"')).collect();
    let name = name.trim().trim_matches('\'').trim();
    if name.eq_ignore_ascii_case(email) || name.contains('@') { String::new() } else { name.to_owned() }
}

/// `text` on one line: controls and line or paragraph separators become
/// spaces, runs of whitespace one space, trimmed, cut to `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c =
            if c.is_control() || c.is_whitespace() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end();
    match out.char_indices().nth(max) {
        Some((i, _)) => out[..i].trim_end().to_owned(),
        None => out.to_owned(),
    }
}

/// A text part as a ticket keeps it: line ends as `\n`, no control characters
/// other than tabs, no bidirectional overrides that could disguise text on a
/// terminal.
fn clean_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

/// Prefixes mail programs put before a subject when replying or forwarding,
/// in several languages (compared without case, before a colon).
const PREFIXES: [&str; 14] =
    ["re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "doorst", "tr", "rv", "enc", "r", "odp"];

/// The subject without reply and forward prefixes (`Re:`, `Fwd:`, `AW:`, `Re[2]:`…)
/// and without desk's tag `[desk #ID]`: what a new ticket's title is.
pub fn title_of(subject: &str) -> String {
    let mut s = strip_tag(subject).trim().to_owned();
    while let Some(colon) = s.find(':') {
        let head = s[..colon].trim();
        let word = head.split('[').next().unwrap_or_default().trim();
        let counter_ok = head.len() == word.len()
            || head[word.len()..]
                .trim()
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        if !PREFIXES.iter().any(|p| word.eq_ignore_ascii_case(p)) || !counter_ok {
            break;
        }
        s = strip_tag(&s[colon + 1..]).trim().to_string();
    }
    s
}

/// `subject` without desk's tag `[desk #ID]`, wherever it stands.
fn strip_tag(subject: &str) -> String {
    match tag_span(subject) {
        Some((start, end, _)) => {
            format!("{}{}", subject[..start].trim_end(), &subject[end..]).trim().to_owned()
        }
        None => subject.to_owned(),
    }
}

/// The ticket id prefix in desk's subject tag `[desk #ID]`, if the subject has one.
pub fn subject_tag(subject: &str) -> Option<String> {
    tag_span(subject).map(|(_, _, id)| id)
}

fn tag_span(subject: &str) -> Option<(usize, usize, String)> {
    let lower = subject.to_ascii_lowercase();
    let start = lower.find("[desk #")?;
    let rest = &subject[start + 7..];
    let end = rest.find(']')?;
    let id = rest[..end].trim();
    let ok = id.len() >= crate::model::MIN_SHORT
        && id.len() <= crate::model::ID_LEN
        && id.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| (start, start + 7 + end + 1, id.to_ascii_lowercase()))
}

/// The ticket id in a plus address `local+ID@domain` whose `local@domain` is
/// one of `own` (desk's addresses), if `address` is one.
pub fn plus_tag(address: &str, own: &[String]) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    let (base, id) = local.split_once('+')?;
    let plain = format!("{base}@{domain}");
    let ours = own.iter().any(|o| o.eq_ignore_ascii_case(&plain));
    let ok = ours && id.len() >= crate::model::MIN_SHORT && id.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| id.to_ascii_lowercase())
}

/// The reply without the quoted history below it, and whether anything was
/// cut. The history starts at the first of: an attribution line (ending in
/// `:` and containing `wrote`, as `On … wrote:`, or its equivalent in German,
/// French, Spanish, Dutch, Italian or Portuguese) followed, after blank
/// lines, by a quoted line (`>`); a line
/// `-----Original Message-----` (any case, any number of dashes); a line of
/// ten or more underscores followed by a `From:` line (Outlook); the last
/// run of quoted and blank lines that reaches the end of the text. Nothing is
/// cut when the reply above the history would be empty.
pub fn trim_quoted(text: &str) -> (String, bool) {
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len()).find(|&i| starts_history(&lines, i)).or_else(|| trailing_quote(&lines));
    match cut {
        Some(i) => {
            let kept = crate::model::normalise_text(&lines[..i].join("\n"));
            if kept.is_empty() { (text.to_owned(), false) } else { (kept, true) }
        }
        None => (text.to_owned(), false),
    }
}

const ATTRIBUTIONS: [&str; 7] =
    ["wrote", "schrieb", "a écrit", "escribió", "schreef", "ha scritto", "escreveu"];

fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    let dashes = lower.trim_matches('-').trim();
    if line.starts_with("---") && (dashes == "original message" || dashes == "ursprüngliche nachricht") {
        return true;
    }
    let next_nonblank = || lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty());
    if line.len() >= 10 && line.chars().all(|c| c == '_') {
        return next_nonblank().is_some_and(|l| l.starts_with("From:") || l.starts_with("Von:"));
    }
    lower.ends_with(':')
        && ATTRIBUTIONS.iter().any(|a| lower.contains(a))
        && next_nonblank().is_some_and(|l| l.starts_with('>'))
}

/// Where the last run of quoted (`>`) and blank lines that reaches the end
/// of the text starts, when it holds a quoted line.
fn trailing_quote(lines: &[&str]) -> Option<usize> {
    let mut start = lines.len();
    while start > 0 && (lines[start - 1].trim().is_empty() || lines[start - 1].trim_start().starts_with('>'))
    {
        start -= 1;
    }
    lines[start..].iter().any(|l| l.trim_start().starts_with('>')).then_some(start)
}

/// A satisfaction rating given by reply: the first non-blank line of the
/// text is one digit from 1 to 5, alone or as `N/5`, `Rating: N` or
/// `Rating: N/5`. Returns the score and the rest of the text on one line
/// (the comment), if any.
pub fn rating(text: &str) -> Option<(u8, Option<String>)> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let first = lines.next()?;
    let lower = first.to_ascii_lowercase();
    let value = lower.strip_prefix("rating:").unwrap_or(&lower).trim();
    let value = value.strip_suffix("/5").or_else(|| value.strip_suffix("/ 5")).unwrap_or(value).trim();
    let score = match value.as_bytes() {
        [d @ b'1'..=b'5'] => d - b'0',
        _ => return None,
    };
    let rest: Vec<&str> = lines.filter(|l| !l.is_empty() && !l.starts_with('>')).collect();
    let comment = one_line(&rest.join(" "), 500);
    Some((score, (!comment.is_empty()).then_some(comment)))
}

#[cfg(test)]
mod tests;
