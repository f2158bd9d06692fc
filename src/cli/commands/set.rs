//! `desk set`: change fields of a ticket.

use super::{ChangeOutput, check_line, confirm, given_person, update_ticket};
use crate::cli::input::{check_not_binary, check_title};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::is_known_key;

/// Set fields: title, priority, queue, requester, assignee, status, or any custom field.
///
/// `KEY=VALUE` stores VALUE exactly as given, as text: `ver=1.10` is the text
/// "1.10", `ref="INC #4711"` keeps the `#`. `KEY:=JSON` stores a typed value
/// in a custom field, as httpie does: `count:=3`, `vip:=true`, `tags:='["a","b"]'`,
/// `ver:='"1.10"'`. `KEY=` or `KEY:=null` removes a custom field and clears queue,
/// requester or assignee; `assignee=me` (or `@me`) assigns the ticket to you, and
/// `requester=me` makes you its requester. Custom field names are lowercase words
/// (`customer_tier=gold`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// One or more KEY=VALUE (text) or KEY:=JSON (typed value) pairs.
    #[arg(value_name = "KEY=VALUE", required = true, num_args = 1..)]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// One parsed assignment.
enum Assignment {
    Title(String),
    Priority(String),
    Status(String),
    Queue(Option<String>),
    Requester(Option<String>),
    Assignee(Option<String>),
    Custom(String, Option<serde_yaml::Value>),
}

/// The key of a pair and whether its value is JSON (`KEY:=JSON`).
fn split_pair(pair: &str) -> Option<(&str, bool, &str)> {
    let (key, value) = pair.split_once('=')?;
    Some(match key.strip_suffix(':') {
        Some(key) => (key.trim(), true, value),
        None => (key.trim(), false, value),
    })
}

/// Refuses binary data in any string of a JSON value.
fn check_json_text(key: &str, v: &serde_json::Value) -> Result<()> {
    match v {
        serde_json::Value::String(s) => check_not_binary(&format!("value of '{key}'"), s),
        serde_json::Value::Array(items) => items.iter().try_for_each(|i| check_json_text(key, i)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check_not_binary(&format!("value of '{key}'"), k).and_then(|()| check_json_text(key, v))
        }),
        _ => Ok(()),
    }
}

/// A JSON value as the YAML value stored; refuses binary text in it.
fn typed(key: &str, json: &str) -> Result<Option<serde_yaml::Value>> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        CliError::usage(format!("the value of '{key}:=' is not JSON ({e}): {json}"))
            .hint(format!("text is given as {key}=TEXT; JSON text needs quotes, as in {key}:='\"text\"'"))
    })?;
    check_json_text(key, &value)?;
    if value.is_null() {
        return Ok(None);
    }
    serde_yaml::to_value(&value)
        .map(Some)
        .map_err(|e| CliError::usage(format!("the value of '{key}:=' cannot be stored: {e}")))
}

fn parse_pair(pair: &str) -> Result<Assignment> {
    let Some((key, json, value)) = split_pair(pair) else {
        return Err(CliError::usage(format!("'{pair}' is not KEY=VALUE or KEY:=JSON")));
    };
    let known = |k: &str| is_known_key(k) || k == "body" || k == "description";
    let custom = |k: &str| {
        k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    if json {
        if known(key) {
            return Err(CliError::usage(format!("'{key}' takes text, not JSON; write {key}=VALUE")));
        }
        if custom(key) {
            return Ok(Assignment::Custom(key.to_owned(), typed(key, value)?));
        }
    }
    // Names (title, status, people) are trimmed; custom text is stored as given.
    let name = value.trim();
    let opt = || if name.is_empty() { None } else { Some(name.to_owned()) };
    let required = |what: &str| -> Result<String> {
        if name.is_empty() {
            Err(CliError::usage(format!("the {what} cannot be empty")))
        } else {
            check_line(what, name)?;
            Ok(name.to_owned())
        }
    };
    if !name.is_empty() {
        check_line(key, value)?;
    }
    Ok(match key {
        "title" => Assignment::Title(required("title")?),
        "priority" => Assignment::Priority(required("priority")?),
        "status" => Assignment::Status(required("status")?),
        "queue" => Assignment::Queue(opt()),
        "requester" => Assignment::Requester(opt()),
        "assignee" => Assignment::Assignee(opt()),
        "labels" => {
            return Err(CliError::usage("labels are changed with `desk label ID +add -remove`"));
        }
        k if known(k) => {
            return Err(CliError::usage(format!("'{k}' cannot be set"))
                .hint("`desk edit ID` changes anything in the ticket file"));
        }
        k if custom(k) => {
            let text = (!value.is_empty()).then(|| serde_yaml::Value::String(value.to_owned()));
            Assignment::Custom(k.to_owned(), text)
        }
        k => {
            return Err(CliError::usage(format!(
                "invalid field name '{k}'; custom fields are lowercase words (a-z, 0-9, _ and -)"
            )));
        }
    })
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let assignments = args.pairs.iter().map(|p| parse_pair(p)).collect::<Result<Vec<_>>>()?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = store.config(&tip)?;
    for a in &assignments {
        match a {
            Assignment::Priority(p) => config.check_priority(p).map_err(CliError::usage)?,
            Assignment::Status(s) => config.check_status(s).map_err(CliError::usage)?,
            Assignment::Queue(Some(q)) => config.check_queue(q).map_err(CliError::usage)?,
            Assignment::Title(t) => check_title(t, &config.limits)?,
            _ => {}
        }
    }
    let updated = update_ticket(&store, &args.id, "set", |ticket, _, author| {
        let before = ticket.clone();
        for a in &assignments {
            match a {
                Assignment::Title(v) => ticket.title.clone_from(v),
                Assignment::Priority(v) => ticket.priority.clone_from(v),
                Assignment::Status(v) => ticket.status.clone_from(v),
                Assignment::Queue(v) => ticket.queue.clone_from(v),
                Assignment::Requester(v) => ticket.requester = v.as_deref().map(|v| given_person(v, author)),
                Assignment::Assignee(v) => ticket.assignee = v.as_deref().map(|v| given_person(v, author)),
                Assignment::Custom(k, Some(v)) => {
                    ticket.fields.insert(k.as_str().into(), v.clone());
                }
                Assignment::Custom(k, None) => {
                    ticket.fields.shift_remove(k.as_str());
                }
            }
        }
        Ok(*ticket != before)
    })?;
    let keys: Vec<&str> = args.pairs.iter().filter_map(|p| split_pair(p).map(|(k, _, _)| k)).collect();
    confirm(&updated, args.output, &format!("set {}", keys.join(", ")), "already set")
}
