//! `desk mail send`: the mail history calls for, sent once.

use std::time::Duration;

use chrono::DateTime;
use serde::Serialize;

use super::{CURSOR, Secrets, require_mail};
use crate::cli::macros::ticket_context;
use crate::cli::portal::StatusLinks;
use crate::cli::{CliError, Ctx, Result};
use crate::mail::index::ID_TRAILER;
use crate::mail::outgoing::{self, Kind, Outgoing};
use crate::mail::{MailConfig, MailIndex, sign};
use crate::model::{self, Comment, Ticket, TicketId, Visibility};
use crate::store::{Oid, Store, Tip};
use crate::workflow::{Category, Config, People};

/// Send the mail the desk branch's history calls for since the last run.
///
/// Looks at the commits since the cursor `refs/desk/mail` and sends, for
/// each: an acknowledgement of a new ticket (desk.yaml's mail.acknowledge), a
/// public reply by anyone but the requester and the ticket's cc to the
/// requester and the cc, and the solved notice with the satisfaction question
/// when a ticket moves to a solved status (with the reply of the same commit,
/// if any). Internal notes are never sent. Changes that recorded received
/// mail send nothing but an acknowledgement. The cursor moves past what was
/// sent; a crash between sending and moving it sends a message again with
/// the same Message-ID, which mail programs show once (at least once, never
/// lost). The first run, without a cursor, starts at the branch's tip and
/// sends nothing (`desk mail import` starts the cursor before the first
/// ticket it opens).
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// Show what would be sent; send nothing and leave the cursor.
    #[arg(long)]
    pub dry_run: bool,

    /// Print one JSON object per message (JSON lines).
    #[arg(long)]
    pub json: bool,
}

/// One message, as reported.
#[derive(Debug, Serialize)]
struct Report<'a> {
    kind: &'static str,
    ticket: &'a str,
    commit: String,
    to: &'a [String],
    cc: &'a [String],
    subject: &'a str,
    message_id: &'a str,
    in_reply_to: Option<&'a str>,
    text: &'a str,
    sent: bool,
}

/// What sending and previewing read first: the branch, desk.yaml with its
/// `mail:` section, and this machine's secrets with the signing key.
struct Setup {
    store: Store,
    tip: Tip,
    config: Config,
    mail: MailConfig,
    secrets: Secrets,
    key: Vec<u8>,
}

impl Setup {
    fn read(ctx: &Ctx) -> Result<Setup> {
        let store = ctx.store()?;
        let tip = store.require_tip()?;
        let config = Config::load(&store, &tip)?;
        let mail = require_mail(&config)?;
        let secrets = Secrets::read(&store)?;
        let key = secrets.require_key()?.to_vec();
        Ok(Setup { store, tip, config, mail, secrets, key })
    }
}

pub fn run(ctx: &Ctx, args: &SendArgs) -> Result<()> {
    let Setup { store, tip, config, mail, secrets, key } = Setup::read(ctx)?;
    let transport = if args.dry_run { None } else { Some(Transport::from(&secrets)?) };
    let _lock = lock(&store)?;
    let Some(cursor) = store.cursor(CURSOR)? else {
        if !args.dry_run {
            store.move_cursor(CURSOR, tip.commit, None, "desk mail send: start")?;
        }
        say!(
            "notice: mail starts at commit {}: changes after it are mailed, nothing before it",
            &tip.commit.to_string()[..7]
        );
        return Ok(());
    };
    let index = MailIndex::open(&store, Some(tip.commit))?;
    let plan = Planner::new(&store, &tip, &config, &mail, &key, &index)?;
    let mut at = cursor;
    let mut sent = 0usize;
    for (commit, parents) in store.commits_since(tip.commit, Some(cursor))? {
        let [parent] = parents[..] else { continue };
        let messages = plan.commit(commit, parent)?;
        for m in &messages {
            if let Some(t) = &transport {
                t.send(m).map_err(|e| {
                    CliError::new(
                        crate::cli::error::Kind::Remote,
                        format!("sending {} failed: {e}", m.message_id),
                    )
                    .hint(format!("{sent} messages were sent before it; run desk mail send again to go on"))
                })?;
                sent += 1;
            }
            report(args.json, m, &commit, transport.is_some())?;
        }
        if !messages.is_empty() && !args.dry_run && store.reaches(commit, at) {
            store.move_cursor(CURSOR, commit, Some(at), "desk mail send")?;
            at = commit;
        }
    }
    if !args.dry_run && at != tip.commit && store.reaches(tip.commit, at) {
        store.move_cursor(CURSOR, tip.commit, Some(at), "desk mail send")?;
    }
    if !args.json && sent == 0 && !args.dry_run {
        say!("nothing to send");
    }
    Ok(())
}

/// Show the mail `desk mail send` would send about one ticket, as the
/// messages themselves (RFC 5322, both parts).
///
/// Without --all: what the changes since the last `desk mail send` call for
/// (nothing before mail was set up). With --all: every message the ticket's
/// whole history calls for, sent or not — to check a template.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: crate::cli::ticket_ref::TicketRef,

    /// Every message of the ticket's history, not only those not sent yet.
    #[arg(long)]
    pub all: bool,

    /// Print one JSON object per message, as `desk mail send --json` does (`sent`: false).
    #[arg(long)]
    pub json: bool,
}

pub fn run_preview(ctx: &Ctx, args: &PreviewArgs) -> Result<()> {
    use std::io::Write as _;
    let Setup { store, tip, config, mail, key, .. } = Setup::read(ctx)?;
    let id = store.resolve(&tip, &args.id.0)?;
    let short = crate::cli::commands::short_id(&store, &tip, &id);
    let cursor = store.cursor(CURSOR)?;
    if cursor.is_none() && !args.all {
        say!("nothing to send for {short}: desk mail send has not started (--all shows every message)");
        return Ok(());
    }
    let index = MailIndex::open(&store, Some(tip.commit))?;
    let plan = Planner::new(&store, &tip, &config, &mail, &key, &index)?;
    let trailer = format!("Desk-Ticket: {id}");
    let mut shown = 0;
    let stop = if args.all { None } else { cursor };
    for (commit, parents) in store.commits_since(tip.commit, stop)? {
        let [parent] = parents[..] else { continue };
        if !store.commit_message(commit)?.0.lines().any(|l| l == trailer) {
            continue;
        }
        for m in plan.commit(commit, parent)?.iter().filter(|m| m.ticket == id.as_str()) {
            shown += 1;
            if args.json {
                report(true, m, &commit, false)?;
                continue;
            }
            let message = outgoing::build(m).map_err(CliError::internal)?;
            let text = String::from_utf8_lossy(&message.formatted()).replace("\r\n", "\n");
            let mut out = std::io::stdout().lock();
            if shown > 1 {
                writeln!(out)?;
            }
            out.write_all(text.as_bytes())?;
        }
    }
    if shown == 0 {
        say!("nothing to send for {short}");
    }
    Ok(())
}

fn report(json: bool, m: &Outgoing, commit: &Oid, sent: bool) -> Result<()> {
    if json {
        return crate::cli::output::print_json_line(&Report {
            kind: m.kind.as_str(),
            ticket: &m.ticket,
            commit: commit.to_string(),
            to: &m.to,
            cc: &m.cc,
            subject: &m.subject,
            message_id: &m.message_id,
            in_reply_to: m.in_reply_to.as_deref(),
            text: &m.text,
            sent,
        });
    }
    let verb = if sent { "sent" } else { "would send" };
    let mut to = m.to.join(", ");
    if !m.cc.is_empty() {
        to = format!("{to} (cc {})", m.cc.join(", "));
    }
    let short = &m.ticket[..model::MIN_SHORT];
    say!("{short}: {verb} {} to {}", m.kind.as_str(), crate::cli::output::Shown(&to));
    Ok(())
}

/// Only one `desk mail send` at a time in a repository.
fn lock(store: &Store) -> Result<std::fs::File> {
    let dir = store.cache_dir();
    std::fs::create_dir_all(&dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("mail-send.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(CliError::conflict("another desk mail send is running in this repository")
                .hint("wait for it to finish; what it sends is not sent again"))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Decides the mail of each commit.
struct Planner<'a> {
    store: &'a Store,
    tip: &'a Tip,
    config: &'a Config,
    mail: &'a MailConfig,
    key: &'a [u8],
    index: &'a MailIndex,
    people: Option<&'a People>,
    /// The status pages' addresses, for the templates' `status_url`.
    links: Option<StatusLinks>,
}

impl<'a> Planner<'a> {
    fn new(
        store: &'a Store,
        tip: &'a Tip,
        config: &'a Config,
        mail: &'a MailConfig,
        key: &'a [u8],
        index: &'a MailIndex,
    ) -> Result<Planner<'a>> {
        let links = StatusLinks::of(store, config)?;
        Ok(Planner { store, tip, config, mail, key, index, people: config.people().ok(), links })
    }

    /// The mail one commit (with one parent) calls for.
    fn commit(&self, commit: Oid, parent: Oid) -> Result<Vec<Outgoing>> {
        let (message, time, author) = self.store.commit_message(commit)?;
        let received = message.lines().any(|l| l.starts_with(&format!("{ID_TRAILER}: ")));
        let date = DateTime::from_timestamp(time, 0).unwrap_or_default();
        let mut out = Vec::new();
        for line in message.lines() {
            let Some(id) = line.strip_prefix("Desk-Ticket: ") else { continue };
            let Some(id) = TicketId::parse(id.trim()) else { continue };
            let path = id.path();
            let load = |c: Oid| -> Result<Option<Ticket>> {
                match self.store.blob_in_commit(c, &path)? {
                    Some(blob) => Ok(self.store.load_blob_ticket(blob, &path).ok()),
                    None => Ok(None),
                }
            };
            let Some(after) = load(commit)? else { continue };
            let before = load(parent)?;
            out.extend(self.ticket(before.as_ref(), &after, received, &author, date, commit)?);
        }
        Ok(out)
    }

    fn ticket(
        &self,
        before: Option<&Ticket>,
        after: &Ticket,
        received: bool,
        author: &str,
        date: DateTime<chrono::Utc>,
        commit: Oid,
    ) -> Result<Vec<Outgoing>> {
        let Some(requester) = after.requester.as_deref().filter(|r| self.is_reachable(r)) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        if before.is_none() {
            let own = model::email_of(requester).is_some_and(|e| e.eq_ignore_ascii_case(author));
            let agent = self.people.is_some_and(|p| p.is_agent(requester));
            if self.mail.acknowledge && !own && !agent {
                out.push(self.message(Kind::Acknowledge, after, "ack", None, date)?);
            }
        }
        if received {
            return Ok(out);
        }
        let replies: Vec<&Comment> = after
            .comments
            .iter()
            .filter(|c| before.is_none_or(|b| !b.comments.iter().any(|o| o.id == c.id)))
            .filter(|c| c.visibility == Visibility::Public && !c.merged)
            .filter(|c| !self.is_requester_side(&c.author, after))
            .collect();
        let category = |t: &Ticket| self.config.category(&t.status);
        let solved = category(after) == Some(Category::Solved)
            && before.is_some_and(|b| category(b) != Some(Category::Solved));
        let (last, rest) = match replies.split_last() {
            Some((last, rest)) if solved => (Some(*last), rest),
            _ => (None, &replies[..]),
        };
        for c in rest {
            out.push(self.message(Kind::Reply, after, &format!("c-{}", c.id), Some(c), date)?);
        }
        if solved {
            let part = format!("solved-{}", &commit.to_string()[..12]);
            out.push(self.message(Kind::Solved, after, &part, last, date)?);
        }
        Ok(out)
    }

    /// Whether mail can go to `person`: an address that is not desk's own.
    fn is_reachable(&self, person: &str) -> bool {
        model::email_of(person).is_some_and(|e| !self.mail.is_own(e))
    }

    /// Whether `author` is the requester or one of the cc: their own words go to nobody.
    fn is_requester_side(&self, author: &str, t: &Ticket) -> bool {
        let requester = t.requester.as_deref();
        let is_requester = match self.people {
            Some(p) => p.is_requester(author, requester),
            None => requester.is_some_and(|r| model::same_person(r, author)),
        };
        is_requester || t.cc.iter().any(|c| model::same_person(c, author))
    }

    fn message(
        &self,
        kind: Kind,
        t: &Ticket,
        part: &str,
        reply: Option<&Comment>,
        date: DateTime<chrono::Utc>,
    ) -> Result<Outgoing> {
        let short = crate::cli::commands::short_id(self.store, self.tip, &t.id);
        let template = match self.store.read_file(self.tip.tree, &kind.template_path())? {
            Some(bytes) => String::from_utf8(bytes)
                .map_err(|_| CliError::malformed(format!("{} is not UTF-8 text", kind.template_path())))?,
            None => kind.default_template().to_owned(),
        };
        let mut context = ticket_context(t, &short, reply.map(|c| c.author.as_str()));
        context["body"] = reply.map_or("", |c| c.body.as_str()).into();
        context["status_url"] = self.links.as_ref().map(|l| l.url(t.id.as_str())).unwrap_or_default().into();
        context["desk"] = serde_json::json!({
            "name": self.mail.name.clone().unwrap_or_else(|| self.mail.address.clone()),
            "address": self.mail.address,
        });
        let text = outgoing::render(&template, &context).map_err(|e| {
            CliError::malformed(format!("the mail template {}: {e}", kind.template_path()))
                .hint("fix the template on the desk branch, or remove it to use the built-in text")
        })?;
        let inbound: Vec<String> =
            self.index.of_ticket(t.id.as_str()).into_iter().map(|e| e.message_id).collect();
        let references: Vec<String> = inbound.iter().rev().take(10).rev().cloned().collect();
        let safe_part: String = part
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
            .collect();
        let requester = t.requester.clone().unwrap_or_default();
        let cc: Vec<String> =
            t.cc.iter()
                .filter(|c| self.is_reachable(c) && !model::same_person(c, &requester))
                .filter(|c| reply.is_none_or(|r| !model::same_person(c, &r.author)))
                .cloned()
                .collect();
        let from = match &self.mail.name {
            Some(n) => format!("{n} <{}>", self.mail.address),
            None => self.mail.address.clone(),
        };
        Ok(Outgoing {
            kind,
            ticket: t.id.to_string(),
            from,
            reply_to: self.mail.reply_to(t.id.as_str()),
            to: vec![requester],
            cc,
            subject: outgoing::subject(kind, &short, &t.title),
            text,
            message_id: sign::message_id(self.key, self.mail.domain(), t.id.as_str(), &safe_part),
            in_reply_to: inbound.last().cloned(),
            references,
            date,
        })
    }
}

/// Where mail goes.
enum Transport {
    Smtp(lettre::SmtpTransport),
    Sendmail(lettre::SendmailTransport),
    /// A Maildir outbox: each message a file in its `new/`.
    Maildir(std::path::PathBuf),
}

impl Transport {
    fn from(secrets: &Secrets) -> Result<Transport> {
        let Some(url) = secrets.transport.as_deref() else {
            return Err(CliError::config("no mail transport: desk does not know where to send").hint(
                "git config desk.mail.transport smtp+starttls://mail.example.com (or DESK_MAIL_TRANSPORT)",
            ));
        };
        let bad = |why: &str| {
            CliError::config(format!("the mail transport '{}' {why}", redact(url).escape_debug())).hint(
                "use smtp://HOST[:PORT], smtp+starttls://HOST[:PORT], smtps://HOST[:PORT], sendmail, sendmail:/PATH or maildir:/DIR",
            )
        };
        if url == "sendmail" {
            return Ok(Transport::Sendmail(lettre::SendmailTransport::new()));
        }
        if let Some(path) = url.strip_prefix("sendmail:") {
            return Ok(Transport::Sendmail(lettre::SendmailTransport::new_with_command(path)));
        }
        if let Some(dir) = url.strip_prefix("maildir:") {
            if dir.is_empty() {
                return Err(bad("names no directory"));
            }
            return Ok(Transport::Maildir(std::path::PathBuf::from(dir)));
        }
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("is not a URL"))?;
        let (auth, host_port) = match rest.trim_end_matches('/').rsplit_once('@') {
            Some((a, h)) => (Some(a), h),
            None => (None, rest.trim_end_matches('/')),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p.parse::<u16>().map_err(|_| bad("has a bad port"))?)),
            None => (host_port, None),
        };
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        if !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-[]:".contains(c)) {
            return Err(bad("has a host name with characters no host name has"));
        }
        let builder = match scheme {
            "smtp" => lettre::SmtpTransport::builder_dangerous(host).port(port.unwrap_or(25)),
            "smtp+starttls" => lettre::SmtpTransport::starttls_relay(host)
                .map_err(|e| bad(&format!("cannot be used: {e}")))?
                .port(port.unwrap_or(587)),
            "smtps" => lettre::SmtpTransport::relay(host)
                .map_err(|e| bad(&format!("cannot be used: {e}")))?
                .port(port.unwrap_or(465)),
            _ => return Err(bad("has an unknown scheme")),
        };
        let (url_user, url_password) = match auth.map(|a| a.split_once(':').unwrap_or((a, ""))) {
            Some((u, p)) => (Some(u.to_owned()), (!p.is_empty()).then(|| p.to_owned())),
            None => (None, None),
        };
        let user = secrets.user.clone().or(url_user);
        if user.as_deref().is_some_and(|u| u.chars().any(char::is_control)) {
            return Err(bad("has a user name with a control character"));
        }
        let password = match (&user, secrets.password.clone().or(url_password)) {
            (Some(u), None) => credential(host, u),
            (_, p) => p,
        };
        let builder = match (user, password) {
            (Some(u), Some(p)) => {
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(u, p))
            }
            _ => builder,
        };
        Ok(Transport::Smtp(builder.timeout(Some(Duration::from_secs(30))).build()))
    }

    fn send(&self, m: &Outgoing) -> std::result::Result<(), String> {
        use lettre::Transport as _;
        let message = outgoing::build(m)?;
        match self {
            Transport::Smtp(t) => t.send(&message).map(|_| ()).map_err(|e| e.to_string()),
            Transport::Sendmail(t) => t.send(&message).map_err(|e| e.to_string()),
            Transport::Maildir(dir) => to_maildir(dir, &m.message_id, &message.formatted()),
        }
    }
}

/// Delivers a message into the Maildir `dir` (made if missing): written in
/// `tmp/`, then moved into `new/`, under a name made from its Message-ID, so
/// a message sent again replaces itself.
fn to_maildir(dir: &std::path::Path, message_id: &str, bytes: &[u8]) -> std::result::Result<(), String> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(fail)?;
    }
    let name: String =
        message_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let mut tmp = tempfile::NamedTempFile::new_in(dir.join("tmp")).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.persist(dir.join("new").join(format!("{name}.eml"))).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The SMTP password of `user` at `host` from git's credential helpers
/// (`git credential fill`, never prompting), if one knows it.
fn credential(host: &str, user: &str) -> Option<String> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .args(["credential", "fill"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let request = format!("protocol=smtp\nhost={host}\nusername={user}\n\n");
    child.stdin.take()?.write_all(request.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| l.strip_prefix("password=").map(str::to_owned))
}

/// A transport URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
