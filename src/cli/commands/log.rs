//! `desk log`: a ticket's timeline, from the desk branch's history.

use comfy_table::{Cell, Row};
use serde::Serialize;
use serde_json::Value;

use super::short_id;
use crate::cli::output::{self, human_time, person_short, print_json, rfc3339};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result};
use crate::history::{self, Kind};
use crate::model::display_name;

/// Show a ticket's timeline: who did what, when.
///
/// The timeline is derived from the desk branch's history: every commit that
/// changed the ticket's file, whether desk or plain git made it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket (any unique prefix of its id).
    pub id: TicketRef,

    /// Print a JSON array of events.
    #[arg(long)]
    pub json: bool,
}

/// One event in `desk log --json`. Fields that do not apply to a kind are left out.
#[derive(Debug, Serialize)]
pub struct EventJson {
    pub date: String,
    pub actor: String,
    /// created, deleted, status, assignee, priority, queue, labels, reply, note, rating, field.
    pub kind: &'static str,
    pub commit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

fn opt(v: Option<&String>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.clone()))
}

impl EventJson {
    fn new(date: i64, actor: String, commit: String, kind: &Kind<String>) -> EventJson {
        let mut e = EventJson {
            date: rfc3339(chrono::DateTime::from_timestamp(date, 0).unwrap_or_default()),
            actor,
            kind: kind.name(),
            commit,
            name: None,
            from: None,
            to: None,
            comment_id: None,
            author: None,
            comment: None,
            added: None,
            removed: None,
            status: None,
            priority: None,
            queue: None,
            requester: None,
            assignee: None,
            labels: None,
        };
        match kind {
            Kind::Created { status, priority, queue, requester, assignee, labels } => {
                e.status = Some(status.clone());
                e.priority = Some(priority.clone());
                e.queue = Some(opt(queue.as_ref()));
                e.requester = Some(opt(requester.as_ref()));
                e.assignee = Some(opt(assignee.as_ref()));
                e.labels = Some(labels.clone());
            }
            Kind::Deleted => {}
            Kind::Status { from, to } | Kind::Priority { from, to } => {
                e.from = Some(Value::String(from.clone()));
                e.to = Some(Value::String(to.clone()));
            }
            Kind::Assignee { from, to } | Kind::Queue { from, to } => {
                e.from = Some(opt(from.as_ref()));
                e.to = Some(opt(to.as_ref()));
            }
            Kind::Field { name, from, to } => {
                e.name = Some(name.clone());
                e.from = Some(opt(from.as_ref()));
                e.to = Some(opt(to.as_ref()));
            }
            Kind::Labels { added, removed } => {
                e.added = Some(added.clone());
                e.removed = Some(removed.clone());
            }
            Kind::Reply { comment, author } | Kind::Note { comment, author } => {
                e.comment_id = Some(comment.clone());
                e.author = Some(author.clone());
            }
            Kind::Rating { from, to, comment } => {
                e.from = Some(from.map_or(Value::Null, Value::from));
                e.to = Some(to.map_or(Value::Null, Value::from));
                e.comment = Some(opt(comment.as_ref()));
            }
        }
        e
    }
}

/// A line for people saying what an event did.
fn describe(kind: &Kind<String>) -> String {
    let person = |p: Option<&String>| person_short(p.map(String::as_str));
    let or_none = |v: Option<&String>| v.map_or_else(|| "-".to_owned(), Clone::clone);
    match kind {
        Kind::Created { status, priority, queue, assignee, labels, .. } => {
            let mut parts = vec![status.clone(), priority.clone()];
            if let Some(q) = queue {
                parts.push(format!("queue {q}"));
            }
            if let Some(a) = assignee {
                parts.push(format!("assigned to {}", display_name(a)));
            }
            if !labels.is_empty() {
                parts.push(format!("labels {}", labels.join(", ")));
            }
            format!("created ({})", parts.join(", "))
        }
        Kind::Deleted => "deleted the ticket file".to_owned(),
        Kind::Status { from, to } => format!("status {from} → {to}"),
        Kind::Priority { from, to } => format!("priority {from} → {to}"),
        Kind::Queue { from, to } => format!("queue {} → {}", or_none(from.as_ref()), or_none(to.as_ref())),
        Kind::Assignee { from: None, to } => format!("assigned to {}", person(to.as_ref())),
        Kind::Assignee { from, to: None } => format!("unassigned {}", person(from.as_ref())),
        Kind::Assignee { from, to } => {
            format!("reassigned {} → {}", person(from.as_ref()), person(to.as_ref()))
        }
        Kind::Labels { added, removed } => {
            let mut parts: Vec<String> = added.iter().map(|l| format!("+{l}")).collect();
            parts.extend(removed.iter().map(|l| format!("-{l}")));
            format!("labels {}", parts.join(" "))
        }
        Kind::Reply { comment, author } => format!("reply {comment} from {}", display_name(author)),
        Kind::Note { comment, author } => format!("internal note {comment} from {}", display_name(author)),
        Kind::Rating { to: None, .. } => "removed the rating".to_owned(),
        Kind::Rating { to: Some(score), comment, .. } => match comment {
            Some(c) => format!("rated {score}/5 “{c}”"),
            None => format!("rated {score}/5"),
        },
        Kind::Field { name, from: None, to: None } => format!("edited the {name}"),
        Kind::Field { name, from, to } => {
            format!("{name}: {} → {}", or_none(from.as_ref()), or_none(to.as_ref()))
        }
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, &args.id.0)?;
    let (history, commit_of) = history::ticket_events(&store, &tip, &id)?;
    let mut picked: Vec<u32> =
        (0..history.events.len()).map(|i| u32::try_from(i).expect("fewer than 4 billion events")).collect();
    history.sort_events(&mut picked, &commit_of);
    let events: Vec<(&history::Event, String)> = picked
        .iter()
        .map(|&i| (&history.events[i as usize], hex(history.commits.id(commit_of[i as usize] as usize))))
        .collect();
    if args.json {
        let out: Vec<EventJson> = events
            .iter()
            .map(|(e, commit)| {
                EventJson::new(e.time, history.str(e.actor).to_owned(), commit.clone(), &history.kind(e))
            })
            .collect();
        return print_json(&out);
    }
    if events.is_empty() {
        say!("{}: no history", short_id(&store, &tip, &id));
        return Ok(());
    }
    let mut table = output::table(ctx.color);
    table.set_header(["DATE", "WHO", "WHAT"]);
    for (e, _) in &events {
        let time = chrono::DateTime::from_timestamp(e.time, 0).unwrap_or_default();
        let mut row = Row::from(vec![
            Cell::new(human_time(time)),
            Cell::new(display_name(history.str(e.actor))),
            Cell::new(describe(&history.kind(e))),
        ]);
        row.max_height(2);
        table.add_row(row);
    }
    let mut out = anstream::stdout().lock();
    output::print_table(&mut out, &mut table)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(40), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
