//! `desk set`: change fields of a ticket.

use super::bulk::{self, Where};
use super::{ChangeOutput, check_transition, confirm, given_assignee, given_person, update_ticket};
use crate::cli::input::check_line;
use crate::cli::input::{check_not_binary, check_title};
use crate::cli::{CliError, Ctx, Result};
use crate::model::field::{self, Domain, Field, FieldDef, FieldKind};
use crate::model::{Ticket, Value};
use crate::query::{means_nobody, same_person};
use crate::store::Identity;
use crate::workflow::Config;

/// Set fields: title, status, priority, queue, requester, assignee, cc, or any custom field.
///
/// `KEY=VALUE` stores VALUE exactly as given, as text: `ver=1.10` is the text
/// "1.10", `ref="INC #4711"` keeps the `#`. `KEY:=JSON` stores a typed value
/// in a custom field, as httpie does: `count:=3`, `vip:=true`, `tags:='["a","b"]'`,
/// `ver:='"1.10"'`. `KEY=` or `KEY:=null` removes a custom field and clears queue,
/// requester or assignee (as does `assignee=none`); `assignee=me` (or `@me`) assigns the ticket to you, and
/// `requester=me` makes you its requester. A set of people is changed one person at a
/// time: `cc+="Ann <ann@example.com>"` adds, `cc-=ann@example.com` removes (by email or
/// name), `cc=…` replaces the set with that one person and `cc=` empties it. Custom
/// field names are lowercase words (`customer_tier=gold`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    #[arg(value_name = "ID", index = 1)]
    pub id: String,

    /// One or more KEY=VALUE (text), KEY+=VALUE / KEY-=VALUE (a set) or KEY:=JSON (typed value).
    #[arg(value_name = "KEY=VALUE", index = 2, required_unless_present = "query", num_args = 1..)]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

/// How a pair changes its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `KEY=VALUE`
    Set,
    /// `KEY+=VALUE`
    Add,
    /// `KEY-=VALUE`
    Remove,
    /// `KEY:=JSON`
    Json,
}

/// One parsed assignment.
enum Assignment {
    /// A field of the field table; `None` clears it.
    Field(&'static FieldDef, Op, Option<String>),
    Custom(String, Option<serde_yaml::Value>),
}

/// The key of a pair, how it changes the field, and the value.
fn split_pair(pair: &str) -> Option<(&str, Op, &str)> {
    let (key, value) = pair.split_once('=')?;
    let (key, op) = if let Some(k) = key.strip_suffix(':') {
        (k, Op::Json)
    } else if let Some(k) = key.strip_suffix('+') {
        (k, Op::Add)
    } else if let Some(k) = key.strip_suffix('-') {
        (k, Op::Remove)
    } else {
        (key, Op::Set)
    };
    Some((key.trim(), op, value))
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

fn is_custom_name(k: &str) -> bool {
    k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn parse_pair(pair: &str) -> Result<Assignment> {
    let Some((key, op, value)) = split_pair(pair) else {
        return Err(CliError::usage(format!("'{pair}' is not KEY=VALUE or KEY:=JSON")));
    };
    match field::by_name(key) {
        Some(def) => parse_field_pair(def, op, value),
        None if key == "body" || key == "description" => {
            Err(CliError::usage(format!("'{key}' cannot be set"))
                .hint("`desk edit ID` changes anything in the ticket file"))
        }
        None if !is_custom_name(key) => Err(CliError::usage(format!(
            "invalid field name '{key}'; custom fields are lowercase words (a-z, 0-9, _ and -)"
        ))),
        None => match op {
            Op::Json => Ok(Assignment::Custom(key.to_owned(), typed(key, value)?)),
            Op::Set => {
                if !value.trim().is_empty() {
                    check_line(key, value)?;
                }
                let text = (!value.is_empty()).then(|| serde_yaml::Value::String(value.to_owned()));
                Ok(Assignment::Custom(key.to_owned(), text))
            }
            Op::Add | Op::Remove => Err(CliError::usage(format!(
                "'{key}' is not a set: {key}+= and {key}-= change the sets of the ticket (cc)"
            ))),
        },
    }
}

/// A pair naming a field of the table: what the field's kind allows.
fn parse_field_pair(def: &'static FieldDef, op: Op, value: &str) -> Result<Assignment> {
    let key = def.name;
    match def.kind {
        FieldKind::Labels => {
            return Err(CliError::usage("labels are changed with `desk label ID +add -remove`"));
        }
        FieldKind::Id | FieldKind::Time | FieldKind::Rating => {
            return Err(CliError::usage(format!("'{key}' cannot be set"))
                .hint("`desk edit ID` changes anything in the ticket file"));
        }
        FieldKind::Ticket => {
            return Err(CliError::usage(format!("'{key}' cannot be set"))
                .hint("a follow-up is opened with `desk new --follow-up ID`"));
        }
        FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person | FieldKind::People => {}
    }
    match op {
        Op::Json => return Err(CliError::usage(format!("'{key}' takes text, not JSON; write {key}=VALUE"))),
        Op::Add | Op::Remove if !def.is_set() => {
            return Err(CliError::usage(format!("'{key}' is not a set; write {key}=VALUE")));
        }
        _ => {}
    }
    // Names (titles, statuses, people) are trimmed; `none` is nobody, as in queries.
    let name = value.trim();
    if name.is_empty() || (def.kind == FieldKind::Person && means_nobody(name)) {
        if def.required || op != Op::Set {
            return Err(CliError::usage(format!("the {key} cannot be empty")));
        }
        return Ok(Assignment::Field(def, op, None));
    }
    check_line(key, name)?;
    Ok(Assignment::Field(def, op, Some(name.to_owned())))
}

/// Checks a new value against desk.yaml: statuses, priorities, queues, limits.
fn check_value(def: &FieldDef, value: &str, config: &Config) -> Result<()> {
    match def.kind {
        FieldKind::Enum(Domain::Status) => config.check_status(value).map_err(CliError::usage),
        FieldKind::Enum(Domain::Priority) => config.check_priority(value).map_err(CliError::usage),
        FieldKind::Enum(Domain::Queue) => config.check_queue(value).map_err(CliError::usage),
        FieldKind::Text => check_title(value, &config.limits),
        _ => Ok(()),
    }
}

/// The field's new value after `op` with `value` (people given as `me` are the author).
fn new_value(def: &FieldDef, ticket: &Ticket, op: Op, value: Option<&str>, author: &Identity) -> Value {
    let person = |v: &str| {
        if matches!(def.kind, FieldKind::Person | FieldKind::People) {
            given_person(v, author)
        } else {
            v.to_owned()
        }
    };
    if !def.is_set() {
        return value.map_or(Value::None, |v| Value::Str(person(v)));
    }
    let mut members = def.get(ticket).as_list().to_vec();
    match (op, value) {
        (Op::Set, v) => members = v.map(person).into_iter().collect(),
        (Op::Add, Some(v)) => {
            let v = person(v);
            if !members.iter().any(|m| same_person(m, &v)) {
                members.push(v);
            }
        }
        (Op::Remove, Some(v)) => {
            let v = person(v);
            members.retain(|m| !same_person(m, &v));
        }
        _ => {}
    }
    Value::List(members)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    // With --where the ticket slot holds the first pair.
    let pairs: Vec<&String> = if args.bulk.is_set() {
        std::iter::once(&args.id).chain(&args.pairs).collect()
    } else {
        args.pairs.iter().collect()
    };
    let assignments = pairs.iter().map(|p| parse_pair(p)).collect::<Result<Vec<_>>>()?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    for a in &assignments {
        if let Assignment::Field(def, Op::Set | Op::Add, Some(v)) = a {
            check_value(def, v, &config)?;
        }
    }
    let apply = |ticket: &mut Ticket, config: &Config, author: &Identity| {
        let before = ticket.clone();
        for a in &assignments {
            match a {
                Assignment::Field(def, op, v) => {
                    let v = match (def.field, v) {
                        (Field::Assignee, Some(v)) => Some(given_assignee(v, author, config)?),
                        _ => v.clone(),
                    };
                    let value = new_value(def, ticket, *op, v.as_deref(), author);
                    let kind_matches = def.set(ticket, value);
                    debug_assert!(kind_matches, "new_value gives values of the field's kind");
                }
                Assignment::Custom(k, Some(v)) => {
                    ticket.fields.insert(k.as_str().into(), v.clone());
                }
                Assignment::Custom(k, None) => {
                    ticket.fields.shift_remove(k.as_str());
                }
            }
        }
        check_transition(config, &before.status, &ticket.status)?;
        Ok(*ticket != before)
    };
    let keys: Vec<&str> = pairs.iter().filter_map(|p| split_pair(p).map(|(k, _, _)| k)).collect();
    let what = format!("set {}", keys.join(", "));
    if args.bulk.is_set() {
        return bulk::update_where(ctx, &args.bulk, args.output, "set", &what, apply);
    }
    let updated = update_ticket(&store, &bulk::ticket_ref(&args.id)?, "set", apply)?;
    confirm(&updated, args.output, &what, "already set")
}
