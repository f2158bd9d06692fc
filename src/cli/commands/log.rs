//! `desk log`: a ticket's timeline, from the desk branch's history.

use serde_json::Value;

use super::short_id;
use crate::cli::output::{self, human_time, print_json, rfc3339};
use crate::cli::rules::RULE_TRAILER;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result};
use crate::history::{self, Kind};
use crate::model::field::{Domain, FIELDS, FieldKind, Track};
use crate::model::{self, TicketId, display_name};
use crate::store::StoreError;

/// Show a ticket's timeline: who did what, when.
///
/// The timeline is derived from the desk branch's history: every commit that
/// changed the ticket's file, whether desk or plain git made it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// Print a JSON array of events.
    #[arg(long)]
    pub json: bool,
}

/// One event in `desk log --json`: `date`, `actor`, `kind`, `commit`, then the
/// fields of its kind (docs/reports.md). Fields that do not apply are left out.
fn event_json(date: i64, actor: String, commit: String, rules: &[String], kind: &Kind<String>) -> Value {
    let opt = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
    let mut e = serde_json::Map::new();
    e.insert("date".into(), rfc3339(chrono::DateTime::from_timestamp(date, 0).unwrap_or_default()).into());
    e.insert("actor".into(), actor.into());
    e.insert("kind".into(), kind.name().into());
    e.insert("commit".into(), commit.into());
    e.insert("rules".into(), rules.into());
    match kind {
        Kind::Created { values } => {
            for def in FIELDS.iter().filter(|d| d.track == Track::Full && d.kind != FieldKind::Rating) {
                let mut mine = values.iter().filter(|(f, _)| f == def.name).map(|(_, v)| v.clone());
                let value = if def.is_set() {
                    Value::from(mine.collect::<Vec<_>>())
                } else {
                    mine.next_back().map_or(Value::Null, Value::String)
                };
                e.insert(def.json.into(), value);
            }
        }
        Kind::Deleted => {}
        Kind::Changed { field, from, to } => {
            if kind.name() == "field" {
                e.insert("name".into(), field.clone().into());
            }
            if field != history::DESCRIPTION {
                e.insert("from".into(), opt(from.as_ref()));
                e.insert("to".into(), opt(to.as_ref()));
            }
        }
        Kind::Members { added, removed, .. } => {
            e.insert("added".into(), added.to_vec().into());
            e.insert("removed".into(), removed.to_vec().into());
        }
        Kind::Reply { comment, author }
        | Kind::Note { comment, author }
        | Kind::Automated { comment, author, .. }
        | Kind::Copied { comment, author, .. } => {
            e.insert("comment_id".into(), comment.clone().into());
            e.insert("author".into(), author.clone().into());
        }
        Kind::Removed { comment } => {
            e.insert("comment_id".into(), comment.clone().into());
        }
        Kind::Rating { from, to, comment } => {
            e.insert("from".into(), from.map_or(Value::Null, Value::from));
            e.insert("to".into(), to.map_or(Value::Null, Value::from));
            e.insert("comment".into(), opt(comment.as_ref()));
        }
    }
    Value::Object(e)
}

/// A value in a line for people: a person by name, anything else as it is.
fn shown(field: &str, value: &str) -> String {
    match model::field::by_name(field).map(|d| d.kind) {
        Some(FieldKind::Person | FieldKind::People) => display_name(value).to_owned(),
        _ => value.to_owned(),
    }
}

/// A line for people saying what an event did.
fn describe(kind: &Kind<String>) -> String {
    let or_none = |field: &str, v: Option<&String>| v.map_or_else(|| "-".to_owned(), |v| shown(field, v));
    match kind {
        Kind::Created { values } => {
            let mut parts: Vec<String> = Vec::new();
            for def in FIELDS.iter().filter(|d| d.track == Track::Full) {
                let mine: Vec<String> =
                    values.iter().filter(|(f, _)| f == def.name).map(|(f, v)| shown(f, v)).collect();
                if mine.is_empty() {
                    continue;
                }
                // A status or priority speaks for itself; other values say what they are.
                parts.push(match def.kind {
                    FieldKind::Enum(Domain::Status | Domain::Priority) => mine.join(", "),
                    _ => format!("{} {}", def.name, mine.join(", ")),
                });
            }
            format!("created ({})", parts.join(", "))
        }
        Kind::Deleted => "deleted the ticket file".to_owned(),
        Kind::Changed { field, from: None, to: None } if field == history::DESCRIPTION => {
            "edited the description".to_owned()
        }
        Kind::Changed { field, from: None, to: Some(to) } if kind.name() == "assignee" => {
            format!("assigned to {}", shown(field, to))
        }
        Kind::Changed { field, from: Some(from), to: None } if kind.name() == "assignee" => {
            format!("unassigned {}", shown(field, from))
        }
        Kind::Changed { field, from, to } if kind.name() == "assignee" => {
            format!("reassigned {} → {}", or_none(field, from.as_ref()), or_none(field, to.as_ref()))
        }
        Kind::Changed { field, from, to } => {
            format!("{field} {} → {}", or_none(field, from.as_ref()), or_none(field, to.as_ref()))
        }
        Kind::Members { field, added, removed } => {
            let mut parts: Vec<String> = added.iter().map(|l| format!("+{}", shown(field, l))).collect();
            parts.extend(removed.iter().map(|l| format!("-{}", shown(field, l))));
            format!("{field} {}", parts.join(" "))
        }
        Kind::Reply { comment, author } => format!("reply {comment} from {}", display_name(author)),
        Kind::Note { comment, author } => format!("internal note {comment} from {}", display_name(author)),
        Kind::Automated { comment, author, public: true } => {
            format!("automatic reply {comment} by {}", display_name(author))
        }
        Kind::Automated { comment, author, public: false } => {
            format!("automatic note {comment} by {}", display_name(author))
        }
        Kind::Copied { comment, author, public: true } => {
            format!("merged in reply {comment} from {}", display_name(author))
        }
        Kind::Copied { comment, author, public: false } => {
            format!("merged in internal note {comment} from {}", display_name(author))
        }
        Kind::Removed { comment } => format!("removed comment {comment}"),
        Kind::Rating { to: None, .. } => "removed the rating".to_owned(),
        Kind::Rating { to: Some(score), comment, .. } => match comment {
            Some(c) => format!("rated {score}/5 “{c}”"),
            None => format!("rated {score}/5"),
        },
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let (id, deleted) = match store.resolve(&tip, &args.id.0) {
        Ok(id) => (id, false),
        // A deleted ticket has no file to resolve a prefix against: its full id
        // still names its history, up to the deletion.
        Err(StoreError::NoSuchTicket(_)) if let Some(id) = TicketId::parse(&args.id.0) => (id, true),
        Err(e) => return Err(e.into()),
    };
    let (history, commit_of) = history::ticket_events(&store, &tip, &id)?;
    if deleted && history.events.is_empty() {
        return Err(StoreError::NoSuchTicket(args.id.0.clone()).into());
    }
    let mut picked: Vec<u32> =
        (0..history.events.len()).map(|i| u32::try_from(i).expect("fewer than 4 billion events")).collect();
    history.sort_events(&mut picked, &commit_of);
    let events: Vec<(&history::Event, String)> = picked
        .iter()
        .map(|&i| (&history.events[i as usize], hex(history.commits.id(commit_of[i as usize] as usize))))
        .collect();
    // The rules that fired in each commit, from its `Desk-Rule` trailers.
    let mut rules: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    for (_, commit) in &events {
        rules.entry(commit.as_str()).or_insert_with(|| store.trailer_values(commit, RULE_TRAILER));
    }
    ctx.page()?;
    if args.json {
        let out: Vec<Value> = events
            .iter()
            .map(|(e, commit)| {
                let actor = history.str(e.actor).to_owned();
                event_json(e.time, actor, commit.clone(), &rules[commit.as_str()], &history.kind(e))
            })
            .collect();
        return print_json(&out);
    }
    if events.is_empty() {
        say!("{}: no history", if deleted { id.to_string() } else { short_id(&store, &tip, &id) });
        return Ok(());
    }
    let mut table = output::Table::new(ctx.color);
    table.header(&["DATE", "WHO", "WHAT"]);
    for (e, commit) in &events {
        let time = chrono::DateTime::from_timestamp(e.time, 0).unwrap_or_default();
        let by = &rules[commit.as_str()];
        let what = describe(&history.kind(e));
        let what = if by.is_empty() { what } else { format!("{what} (by rule {})", by.join(", ")) };
        let row = [human_time(time, ctx.zone), display_name(history.str(e.actor)).to_owned(), what];
        table.row_wrapped(row, 2);
    }
    let mut out = anstream::stdout().lock();
    table.print(&mut out)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(40), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
