//! `desk set`: change fields of a ticket.

use super::{check_line, confirm, person, update_ticket};
use crate::cli::input::check_title;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::KNOWN_KEYS;

/// Set fields: title, priority, queue, requester, assignee, status, or any custom field.
///
/// `KEY=` (empty) clears queue, requester, assignee or a custom field; `assignee=me`
/// assigns the ticket to you. Custom field names are lowercase words
/// (`customer_tier=gold`); values are read as YAML scalars, so `asset=4711` is a number.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket (any unique prefix of its id).
    pub id: TicketRef,

    /// One or more KEY=VALUE pairs.
    #[arg(value_name = "KEY=VALUE", required = true, num_args = 1..)]
    pub pairs: Vec<String>,
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

fn parse_pair(pair: &str) -> Result<Assignment> {
    let Some((key, value)) = pair.split_once('=') else {
        return Err(CliError::usage(format!("'{pair}' is not KEY=VALUE")));
    };
    let key = key.trim();
    let value = value.trim();
    let opt = || if value.is_empty() { None } else { Some(value.to_owned()) };
    if !value.is_empty() {
        check_line(key, value)?;
    }
    let required = |what: &str| -> Result<String> {
        if value.is_empty() {
            Err(CliError::usage(format!("the {what} cannot be empty")))
        } else {
            Ok(value.to_owned())
        }
    };
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
        k if KNOWN_KEYS.contains(&k) || k == "body" || k == "description" => {
            return Err(CliError::usage(format!("'{k}' cannot be set"))
                .hint("`desk edit ID` changes anything in the ticket file"));
        }
        k if k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') =>
        {
            let parsed = opt().map(|v| match serde_yaml::from_str::<serde_yaml::Value>(&v) {
                Ok(
                    s @ (serde_yaml::Value::Number(_)
                    | serde_yaml::Value::Bool(_)
                    | serde_yaml::Value::String(_)),
                ) => s,
                _ => serde_yaml::Value::String(v),
            });
            Assignment::Custom(k.to_owned(), parsed)
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
                Assignment::Requester(v) => ticket.requester.clone_from(v),
                // `assignee=me` means the acting user, as in `desk assign` and `desk new`.
                Assignment::Assignee(Some(v)) if v == "me" => ticket.assignee = Some(person(author)),
                Assignment::Assignee(v) => ticket.assignee.clone_from(v),
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
    let keys: Vec<&str> =
        args.pairs.iter().filter_map(|p| p.split_once('=').map(|(k, _)| k.trim())).collect();
    confirm(&updated, &format!("set {}", keys.join(", ")), "already set");
    Ok(())
}
