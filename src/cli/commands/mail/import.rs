//! `desk mail import`: the mail gateway. One message on standard input (as an
//! MTA pipes it), or every message of an mbox file or a maildir.

use std::io::Read as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Secrets, gateway_identity};
use crate::cli::commands::{follow, human_size, status_after_message};
use crate::cli::error::Kind;
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::{CliError, Ctx, Result};
use crate::mail::incoming::{self, Attachment, Incoming};
use crate::mail::index::{FROM_TRAILER, ID_TRAILER};
use crate::mail::{MailConfig, MailIndex, sign};
use crate::model::{self, Rating, Ticket, TicketId, Visibility};
use crate::store::{ATTACHMENTS_DIR, Change, Store, StoreError, Tip};
use crate::workflow::{Category, Config};

/// sysexits: the message cannot be read.
pub const EX_DATAERR: i32 = 65;
/// sysexits: a temporary failure; the MTA keeps the message and tries again.
pub const EX_TEMPFAIL: i32 = 75;
/// sysexits: refused by policy.
pub const EX_NOPERM: i32 = 77;

/// What a message from the requester is added as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// A public message (the requester's address).
    Reply,
    /// An internal note (a second address for agents' mail, as RT's comment address).
    Note,
}

/// Import mail: one message from standard input, or an mbox file or a maildir.
///
/// A message is threaded, in this order: its Message-ID already recorded (a
/// replay: nothing to do); its In-Reply-To, then its References from the last
/// to the first, looked up among the Message-IDs desk has recorded and desk's
/// own signed Message-IDs; a plus address `support+ID@…`; a subject tag
/// `[desk #ID]` — those two only from the ticket's requester, a cc or an
/// agent. Otherwise it opens a ticket. A message to a closed ticket opens a
/// follow-up. Auto-replies, bulk and list mail are ignored; a bounce becomes
/// an internal note on the ticket it is about.
///
/// Exit status for one message on standard input, as MTAs read it: 0 done
/// (also a duplicate or an ignored message), 65 the message cannot be read,
/// 75 a temporary failure (try again later), 77 refused by policy. With
/// --mbox or --maildir each message's outcome is reported and the run goes
/// on; it stops with 75 at a temporary failure (running it again is safe).
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Import every message of the mbox file FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "maildir")]
    pub mbox: Option<PathBuf>,

    /// Import every message of the maildir DIR (its cur/ and new/).
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,

    /// The queue of new tickets (default: from desk.yaml's mail.queues by recipient).
    #[arg(long, value_name = "QUEUE")]
    pub queue: Option<String>,

    /// Add messages to existing tickets as public replies, or as internal notes.
    #[arg(long, value_enum, default_value = "reply", value_name = "ACTION")]
    pub action: Action,

    /// Print one JSON object per message (JSON lines): `{message_id, ticket, action, reason, commit}`.
    #[arg(long)]
    pub json: bool,
}

/// What became of one message.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub message_id: Option<String>,
    pub ticket: Option<String>,
    /// created, appended, duplicate, ignored, refused or unreadable.
    pub action: &'static str,
    pub reason: Option<String>,
    pub commit: Option<String>,
}

impl Outcome {
    fn new(message_id: &str, action: &'static str) -> Outcome {
        Outcome { message_id: Some(message_id.to_owned()), ticket: None, action, reason: None, commit: None }
    }

    fn ticket(mut self, id: &str) -> Outcome {
        self.ticket = Some(id.to_owned());
        self
    }

    fn reason(mut self, reason: impl Into<String>) -> Outcome {
        self.reason = Some(reason.into());
        self
    }

    /// The exit status of a single message with this outcome.
    fn exit_code(&self) -> i32 {
        match self.action {
            "refused" => EX_NOPERM,
            "unreadable" => EX_DATAERR,
            _ => 0,
        }
    }
}

/// What stays the same for every message of a run.
struct Gateway<'a> {
    key: Option<Vec<u8>>,
    queue: Option<&'a str>,
    action: Action,
    index: MailIndex,
    /// The reference time (`DESK_NOW`), for the senders' hourly limit.
    now: DateTime<Utc>,
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    let outcome = import(ctx, args);
    match outcome {
        Ok(0) => Ok(()),
        Ok(code) => Err(CliError::exit_with(code)),
        Err(e) => Err(temporary(e)),
    }
}

/// Every failure that is not the message's fault is temporary for the MTA:
/// a missing set-up, a busy branch or a full disk keep the mail queued until
/// someone fixes it.
fn temporary(e: CliError) -> CliError {
    match e.kind {
        Kind::Usage => e,
        _ => e.with_exit(EX_TEMPFAIL),
    }
}

fn import(ctx: &Ctx, args: &ImportArgs) -> Result<i32> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    if let Some(q) = &args.queue {
        config.check_queue(q).map_err(CliError::usage)?;
    }
    let mail = MailConfig::of(&config).map_err(|e| CliError::config(format!("desk.yaml: {e}")))?;
    // The identity is needed for every message: a missing one fails before any is read.
    gateway_identity(&store, mail.as_ref())?;
    let index = MailIndex::open(&store, Some(tip.commit))?;
    let secrets = Secrets::read(&store)?;
    start_cursor(&store)?;
    let mut gw =
        Gateway { key: secrets.key, queue: args.queue.as_deref(), action: args.action, index, now: ctx.now };
    let report = |o: &Outcome| -> Result<()> {
        if args.json {
            crate::cli::output::print_json_line(o)
        } else {
            say_outcome(o);
            Ok(())
        }
    };
    if let Some(path) = &args.mbox {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
        let mut chunk = Vec::new();
        for message in mail_parser::mailbox::mbox::MessageIterator::new(std::io::BufReader::new(file)) {
            let raw = message.map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
            chunk.push(raw.unwrap_contents());
            if chunk.len() == BATCH {
                gw.import_batch(&store, &std::mem::take(&mut chunk))?.iter().try_for_each(&report)?;
            }
        }
        gw.import_batch(&store, &chunk)?.iter().try_for_each(&report)?;
        return Ok(0);
    }
    if let Some(dir) = &args.maildir {
        for files in maildir_files(dir)?.chunks(BATCH) {
            let chunk = files
                .iter()
                .map(|file| {
                    std::fs::read(file).map_err(|e| {
                        CliError::input(format!("cannot read {}: {e}", file.display())).with_exit(EX_TEMPFAIL)
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            gw.import_batch(&store, &chunk)?.iter().try_for_each(&report)?;
        }
        return Ok(0);
    }
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut raw)
        .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
    let outcome = gw.import_one(&store, &raw)?;
    report(&outcome)?;
    Ok(outcome.exit_code())
}

/// The messages of a maildir: the files of its `cur/` and `new/` that are not
/// hidden, in the order of their names (which start with the time of delivery).
fn maildir_files(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        let read = std::fs::read_dir(dir.join(sub))
            .map_err(|e| CliError::input(format!("{} is not a maildir (no {sub}/: {e})", dir.display())))?;
        for entry in read {
            let entry = entry.map_err(|e| CliError::input(format!("cannot read {}: {e}", dir.display())))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push(entry.path());
            }
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

fn say_outcome(o: &Outcome) {
    let id = o.message_id.as_deref().unwrap_or("(no id)");
    let on = o
        .ticket
        .as_deref()
        .map(|t| format!(" ticket {}", &t[..t.len().min(model::MIN_SHORT)]))
        .unwrap_or_default();
    let why = o.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    say!("<{}>: {}{on}{why}", crate::cli::output::Shown(id), o.action);
}

/// Where a message goes.
enum Target {
    /// A ticket, and how it was found.
    Ticket(String, &'static str),
    New,
}

/// Messages of an mbox or a maildir recorded with one move of the branch
/// (each still its own commit).
const BATCH: usize = 200;

impl Gateway<'_> {
    /// Imports `messages` as one batch ([`Store::batch`]): their commits land
    /// together or not at all; the batch runs again when another writer moved
    /// the branch meanwhile.
    fn import_batch(&mut self, store: &Store, messages: &[Vec<u8>]) -> Result<Vec<Outcome>> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        for _ in 0..100 {
            let before = self.index.clone();
            self.index.hold();
            let done =
                store.batch(|batch| messages.iter().map(|raw| self.import_one(batch, raw)).collect())?;
            match done {
                Some(outcomes) => {
                    self.index.release();
                    return Ok(outcomes);
                }
                None => self.index = before,
            }
        }
        Err(StoreError::Contended(store.branch().to_owned()).into())
    }

    fn import_one(&mut self, store: &Store, raw: &[u8]) -> Result<Outcome> {
        let msg = match incoming::read(raw) {
            Ok(m) => m,
            Err(e) => {
                return Ok(Outcome {
                    message_id: None,
                    ticket: None,
                    action: "unreadable",
                    reason: Some(e.to_string()),
                    commit: None,
                });
            }
        };
        let tip = store.require_tip()?;
        self.index.update(store, Some(tip.commit))?;
        let config = Config::load(store, &tip)?;
        let mail = MailConfig::of(&config).map_err(|e| CliError::config(format!("desk.yaml: {e}")))?;
        if let Some(t) = self.index.ticket_of(&msg.message_id) {
            return Ok(Outcome::new(&msg.message_id, "duplicate")
                .ticket(&t)
                .reason("this Message-ID is recorded already"));
        }
        if mail.as_ref().is_some_and(|m| m.is_own(&msg.from.email)) {
            return Ok(Outcome::new(&msg.message_id, "ignored").reason("sent from desk's own address"));
        }
        if self.key.as_ref().is_some_and(|k| sign::verify(k, &msg.message_id).is_some()) {
            return Ok(Outcome::new(&msg.message_id, "ignored").reason("desk's own message"));
        }
        if let Some(m) = &mail
            && msg.message_id.starts_with("desk.")
            && msg.message_id.to_ascii_lowercase().ends_with(&format!("@{}", m.domain().to_ascii_lowercase()))
        {
            // desk's own form at desk's own domain, signed with another key (an
            // old one, or another machine's): a loop, or a forgery.
            return Ok(Outcome::new(&msg.message_id, "ignored")
                .reason("a Message-ID of desk's own form at its domain, not signed with this key"));
        }
        let threaded = self.thread(&msg);
        if msg.bounce {
            let about = threaded.or_else(|| self.bounced_ticket(&msg));
            return match about {
                Some(t) => {
                    self.write(store, &msg, raw, &Target::Ticket(t, "a bounce"), &config, mail.as_ref())
                }
                None => Ok(Outcome::new(&msg.message_id, "ignored")
                    .reason("a bounce about no ticket of this helpdesk")),
            };
        }
        if let Some(why) = &msg.automatic {
            return Ok(Outcome::new(&msg.message_id, "ignored").reason(format!("sent automatically ({why})")));
        }
        if let Some(m) = &mail
            && m.per_sender_per_hour > 0
        {
            let since = self.now.timestamp() - 3600;
            let count = self.index.count_from(&msg.from.email, since);
            if count >= m.per_sender_per_hour as usize {
                return Ok(Outcome::new(&msg.message_id, "refused").reason(format!(
                    "{} sent {count} messages in the last hour, the limit of mail.per_sender_per_hour",
                    msg.from.email
                )));
            }
        }
        let target = match threaded {
            Some(t) => Target::Ticket(t, "its thread"),
            None => match tagged(store, &msg, &tip, &config, mail.as_ref())? {
                Some((t, how)) => Target::Ticket(t, how),
                None => Target::New,
            },
        };
        self.write(store, &msg, raw, &target, &config, mail.as_ref())
    }

    /// The ticket of the first of In-Reply-To and References (last first)
    /// that desk recorded or signed.
    fn thread(&self, msg: &Incoming) -> Option<String> {
        msg.thread_ids.iter().find_map(|id| {
            self.index
                .ticket_of(id)
                .or_else(|| self.key.as_ref().and_then(|k| sign::verify(k, id)).map(|(ticket, _)| ticket))
        })
    }

    /// The ticket a bounce is about: a signed Message-ID in the returned
    /// message it carries.
    fn bounced_ticket(&self, msg: &Incoming) -> Option<String> {
        let key = self.key.as_ref()?;
        msg.attachments.iter().find_map(|a| {
            let text = String::from_utf8_lossy(&a.bytes);
            text.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                if !name.trim().eq_ignore_ascii_case("message-id") {
                    return None;
                }
                sign::verify(key, &incoming::clean_id(value)?).map(|(t, _)| t)
            })
        })
    }

    /// Records the message: a new ticket, or an addition to `target`.
    fn write(
        &mut self,
        store: &Store,
        msg: &Incoming,
        raw: &[u8],
        target: &Target,
        config: &Config,
        mail: Option<&MailConfig>,
    ) -> Result<Outcome> {
        let limits = Kept::limits(config, mail);
        let mut done: Option<(Outcome, Option<String>)> = None;
        let mut new_id = TicketId::generate();
        let (action, queue) = (self.action, self.queue);
        let index = &mut self.index;
        let (author, committer) = gateway_identity(store, mail)?;
        let author = &author;
        let written = store.write(author, &committer, |tip| -> Result<Option<Change>> {
            let Some(tip) = tip else {
                return Err(StoreError::NotInitialised(store.branch().to_owned()).into());
            };
            // The same message delivered twice at once: the other delivery may
            // have recorded it since it was looked up.
            index.update(store, Some(tip.commit))?;
            if let Some(t) = index.ticket_of(&msg.message_id) {
                let o = Outcome::new(&msg.message_id, "duplicate").ticket(&t);
                done = Some((o.reason("this Message-ID is recorded already"), None));
                return Ok(None);
            }
            let config = Config::load(store, tip)?;
            let now = author.time();
            let existing = match target {
                Target::Ticket(id, how) => open_target(store, tip, &config, id)?.map(|t| (t, *how)),
                Target::New => None,
            };
            let (ticket, outcome, files) = match existing {
                Some((Found::Open(mut ticket), how)) => {
                    let before = ticket.clone();
                    let message =
                        Message { msg, raw, limits: &limits, action, bounce: how == "a bounce", now };
                    let files = message.add_to(store, tip, &config, &mut ticket);
                    let mut env = RuleEnv::new(store, Some(tip), &config, author);
                    ticket.updated = now.max(ticket.created);
                    env.after_change(&rules_of(&config, tip.tree), Some(&before), &mut ticket);
                    let reason = match &ticket.rating {
                        Some(r) if before.rating.as_ref() != Some(r) => {
                            format!("a rating of {}/5, found by {how}", r.score)
                        }
                        _ => format!("found by {how}"),
                    };
                    (ticket, Outcome::new(&msg.message_id, "appended").reason(reason), (files, env))
                }
                other => {
                    while store.read_file(tip.tree, &new_id.path())?.is_some() {
                        new_id = TicketId::generate();
                    }
                    let source = match other {
                        Some((Found::Closed(t), _)) => Some(t),
                        _ => None,
                    };
                    let mut ticket =
                        new_ticket(&config, mail, queue, msg, new_id.clone(), source.as_ref(), now);
                    let (text, files) = limits.keep(store, tip, &ticket.id, msg, raw, false);
                    ticket.description = text;
                    let mut env = RuleEnv::new(store, Some(tip), &config, author);
                    env.after_change(&rules_of(&config, tip.tree), None, &mut ticket);
                    let reason = source.map(|s| format!("a follow-up of the closed ticket {}", s.id));
                    let mut o = Outcome::new(&msg.message_id, "created");
                    o.reason = reason;
                    (ticket, o, (files, env))
                }
            };
            let (files, env) = files;
            let mut change = Change::ticket("mail", &ticket)?;
            change.files.extend(files);
            change.trailers.push((ID_TRAILER.into(), format!("<{}>", msg.message_id)));
            change.trailers.push((FROM_TRAILER.into(), msg.from.email.to_ascii_lowercase()));
            env.sign(&mut change)?;
            done = Some((outcome.ticket(ticket.id.as_str()), None));
            Ok(Some(change))
        })?;
        let (mut outcome, _) = done.expect("the write closure ran");
        if let crate::store::Written::Commit(c) = written {
            outcome.commit = Some(c.to_string());
        }
        Ok(outcome)
    }
}

/// Starts `desk mail send`'s cursor at the branch's tip when there is none,
/// before the first message is recorded: its acknowledgement is then sent.
fn start_cursor(store: &Store) -> Result<()> {
    if store.cursor(super::CURSOR)?.is_none()
        && let Some(tip) = store.tip()?.filter(|t| t.local)
    {
        // Another import may start it first: either start is right.
        store.move_cursor(super::CURSOR, tip.commit, None, "desk mail import: start")?;
    }
    Ok(())
}

/// The ticket a plus address or a subject tag names, when the sender is
/// its requester, one of its cc or an agent.
fn tagged(
    store: &Store,
    msg: &Incoming,
    tip: &Tip,
    config: &Config,
    mail: Option<&MailConfig>,
) -> Result<Option<(String, &'static str)>> {
    let own = mail.map(MailConfig::own_addresses).unwrap_or_default();
    let plus =
        msg.recipients.iter().find_map(|r| incoming::plus_tag(r, &own)).map(|id| (id, "its plus address"));
    let tag = incoming::subject_tag(&msg.subject).map(|id| (id, "its subject tag"));
    for (prefix, how) in plus.into_iter().chain(tag) {
        let Ok(found) = store.locate(tip, &prefix) else { continue };
        let ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
        let sender = msg.from.person();
        let known = ticket.requester.as_deref().is_some_and(|r| model::same_person(r, &sender))
            || ticket.cc.iter().any(|c| model::same_person(c, &sender))
            || config.people().is_ok_and(|p| p.is_agent(&sender));
        if known {
            return Ok(Some((found.id.to_string(), how)));
        }
    }
    Ok(None)
}

/// A ticket found for a message.
enum Found {
    Open(Ticket),
    /// Closed: the message opens a follow-up.
    Closed(Ticket),
}

/// The ticket `id` at `tip`, or the one it was merged into; `None` when it is gone.
fn open_target(store: &Store, tip: &Tip, config: &Config, id: &str) -> Result<Option<Found>> {
    let Ok(mut found) = store.locate(tip, id) else { return Ok(None) };
    let mut ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
    for _ in 0..8 {
        let merged = config.category(&ticket.status) == Some(Category::Merged);
        let Some(into) = merged.then(|| model::link::merged_into(&ticket.links)).flatten() else { break };
        let Ok(target) = store.locate(tip, into) else { break };
        ticket = store.load_blob_ticket(target.blob, &target.id.path())?;
        found = target;
    }
    let _ = found;
    Ok(Some(if config.is_final(&ticket.status) { Found::Closed(ticket) } else { Found::Open(ticket) }))
}

/// A new ticket from a message (a follow-up of `source` when that is given).
fn new_ticket(
    config: &Config,
    mail: Option<&MailConfig>,
    queue: Option<&str>,
    msg: &Incoming,
    id: TicketId,
    source: Option<&Ticket>,
    now: DateTime<Utc>,
) -> Ticket {
    let mut title = incoming::title_of(&msg.subject);
    if title.is_empty() {
        title = source.map_or_else(|| "(no subject)".to_owned(), |s| s.title.clone());
    }
    let title = incoming::one_line(&title, config.limits.title_chars);
    let mut t =
        Ticket::new(id, title, config.workflow.initial.clone(), config.priorities.default.clone(), now);
    if let Some(s) = source {
        follow(&mut t, s);
        t.assignee = None;
    }
    t.requester = Some(msg.from.person());
    let queue = queue.or_else(|| mail.and_then(|m| m.queue_for(&msg.recipients)));
    if let Some(q) = queue {
        t.queue = Some(q.to_owned());
    }
    for c in &msg.copied {
        let own = mail.is_some_and(|m| m.is_own(&c.email));
        let person = c.person();
        if !own
            && !model::same_person(&person, &msg.from.person())
            && !t.cc.iter().any(|x| model::same_person(x, &person))
        {
            t.cc.push(person);
        }
    }
    t
}

/// A message being added to a ticket.
struct Message<'a> {
    msg: &'a Incoming,
    raw: &'a [u8],
    limits: &'a Kept,
    action: Action,
    bounce: bool,
    now: DateTime<Utc>,
}

impl Message<'_> {
    /// Adds the message to an open ticket: a rating, a bounce's note, or the
    /// sender's message (public, or internal with `--action note`); returns the
    /// attachment files to write.
    fn add_to(&self, store: &Store, tip: &Tip, config: &Config, ticket: &mut Ticket) -> Files {
        let Message { msg, raw, limits, action, bounce, now } = *self;
        let sender = msg.from.person();
        let people = config.people().ok();
        let from_requester = people.map_or_else(
            || ticket.requester.as_deref().is_some_and(|r| model::same_person(r, &sender)),
            |p| p.is_requester(&sender, ticket.requester.as_deref()),
        );
        let solved = config.category(&ticket.status) == Some(Category::Solved);
        if from_requester && solved && !bounce && action == Action::Reply {
            let (text, _) = incoming::trim_quoted(&msg.text);
            if let Some((score, comment)) = incoming::rating(&text) {
                ticket.rating = Some(Rating { score, comment, date: now });
                return Vec::new();
            }
        }
        let (text, files) = limits.keep(store, tip, &ticket.id, msg, raw, !bounce);
        let (author, visibility, text) = if bounce {
            let text =
                format!("A delivery failure report from {}:\n\n{}", model::escape_markdown(&sender), text);
            (sender.clone(), Visibility::Internal, text)
        } else {
            let v = if action == Action::Note { Visibility::Internal } else { Visibility::Public };
            (sender.clone(), v, text)
        };
        ticket.add_comment(author, now, visibility, &text);
        if visibility == Visibility::Public
            && let Some(p) = people
            && let Some(s) = status_after_message(config, p, ticket, &sender)
        {
            ticket.status = s;
        }
        files
    }
}

/// Files to write on the desk branch: path and content.
type Files = Vec<(String, Option<Vec<u8>>)>;

/// What is kept of a message: the size limits, and where attachments go.
struct Kept {
    body_bytes: usize,
    attachment_bytes: u64,
}

impl Kept {
    fn limits(config: &Config, mail: Option<&MailConfig>) -> Kept {
        Kept {
            body_bytes: config.limits.body_bytes,
            attachment_bytes: mail.map_or(10_000_000, |m| m.attachment_bytes),
        }
    }

    /// The text to record (quoted history trimmed when `trim`, cut to the
    /// body limit, the attachments listed) and the attachment files.
    fn keep(
        &self,
        store: &Store,
        tip: &Tip,
        ticket: &TicketId,
        msg: &Incoming,
        raw: &[u8],
        trim: bool,
    ) -> (String, Files) {
        let dir = format!("{ATTACHMENTS_DIR}/{ticket}");
        let mut taken: Vec<String> = store.file_names(tip.tree, &dir).unwrap_or_default();
        let (mut text, trimmed) =
            if trim { incoming::trim_quoted(&msg.text) } else { (msg.text.clone(), false) };
        let mut cut = false;
        let room = self.body_bytes.saturating_sub(2_000);
        if text.len() > room {
            let mut end = room;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            cut = true;
        }
        let mut files = Vec::new();
        let mut kept = Vec::new();
        let mut left = Vec::new();
        let mut store_file = |a: &Attachment, files: &mut Files| -> String {
            let name = incoming::unique_name(&a.name, &taken.iter().map(String::as_str));
            taken.push(name.clone());
            files.push((format!("{dir}/{name}"), Some(a.bytes.clone())));
            name
        };
        for a in &msg.attachments {
            if a.bytes.len() as u64 > self.attachment_bytes {
                left.push(format!(
                    "`{}` ({}, over the limit of {})",
                    a.name,
                    human_size(a.bytes.len() as u64),
                    human_size(self.attachment_bytes)
                ));
                continue;
            }
            let name = store_file(a, &mut files);
            let inline = if a.inline { "inline, " } else { "" };
            kept.push(format!("`{name}` ({inline}{})", human_size(a.bytes.len() as u64)));
        }
        let mut notes = Vec::new();
        if trimmed || cut {
            let why = if cut { "cut at the size limit" } else { "quoted history trimmed" };
            if raw.len() as u64 <= self.attachment_bytes {
                let original = Attachment {
                    name: "message.eml".into(),
                    content_type: "message/rfc822".into(),
                    bytes: raw.to_vec(),
                    inline: false,
                };
                let name = store_file(&original, &mut files);
                notes.push(format!("The whole message ({why}): `{name}`"));
            } else {
                notes.push(format!(
                    "The message was {why}; it is over the attachment limit and was not kept whole"
                ));
            }
        }
        let mut lines = Vec::new();
        if !kept.is_empty() {
            lines.push(format!("Attached: {}", kept.join(", ")));
        }
        if !left.is_empty() {
            lines.push(format!("Not kept: {}", left.join(", ")));
        }
        lines.extend(notes);
        if !lines.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&lines.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n"));
        }
        (text, files)
    }
}
