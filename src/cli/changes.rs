//! Field and label changes as `desk set` and `desk label` take them (`KEY=VALUE`,
//! `+label`), parsed and checked once, applied to any number of tickets: by
//! those commands, bulk changes (`--where`) and macros.

use super::commands::{check_transition, given_assignee, given_person};
use super::input::{check_label, check_line, check_not_binary, check_title};
use super::{CliError, Result};
use crate::model::field::{self, Domain, Field, FieldDef, FieldKind, PairOp as Op, split_pair};
use crate::model::{Ticket, Value};
use crate::query::{means_nobody, same_person};
use crate::store::Identity;
use crate::workflow::Config;

/// One parsed assignment.
enum Assignment {
    /// A field of the field table; `None` clears it.
    Field(&'static FieldDef, Op, Option<String>),
    Custom(String, Option<serde_yaml::Value>),
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
        FieldKind::Links => {
            return Err(CliError::usage("links are changed with `desk link A B` and `desk unlink A B`"));
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

/// `KEY=VALUE` pairs, parsed and checked against desk.yaml.
pub struct FieldChanges {
    assignments: Vec<Assignment>,
    keys: Vec<String>,
}

impl FieldChanges {
    pub fn parse<S: AsRef<str>>(pairs: &[S], config: &Config) -> Result<FieldChanges> {
        let assignments = pairs.iter().map(|p| parse_pair(p.as_ref())).collect::<Result<Vec<_>>>()?;
        for a in &assignments {
            if let Assignment::Field(def, Op::Set | Op::Add, Some(v)) = a {
                check_value(def, v, config)?;
            }
        }
        let keys =
            pairs.iter().filter_map(|p| split_pair(p.as_ref()).map(|(k, _, _)| k.to_owned())).collect();
        Ok(FieldChanges { assignments, keys })
    }

    /// `set status, priority`: what the changes are, for messages.
    pub fn describe(&self) -> String {
        format!("set {}", self.keys.join(", "))
    }

    /// Applies the changes to `ticket`; whether it changed. A status change
    /// must be one the workflow allows.
    pub fn apply(&self, ticket: &mut Ticket, config: &Config, author: &Identity) -> Result<bool> {
        let before = ticket.clone();
        for a in &self.assignments {
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
    }
}

/// Labels to add (`name`, `+name`) and to remove (`-name`).
#[derive(Clone, Debug, Default)]
pub struct LabelChanges {
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl LabelChanges {
    pub fn parse<S: AsRef<str>>(changes: &[S]) -> Result<LabelChanges> {
        let mut out = LabelChanges::default();
        for change in changes {
            let change = change.as_ref();
            if let Some(l) = change.strip_prefix('-') {
                check_label(l)?;
                out.remove.push(l.to_owned());
            } else {
                let l = change.strip_prefix('+').unwrap_or(change);
                check_label(l)?;
                out.add.push(l.to_owned());
            }
        }
        if let Some(both) = out.add.iter().find(|l| out.remove.contains(l)) {
            return Err(CliError::usage(format!("label '{both}' is both added and removed")));
        }
        Ok(out)
    }

    /// Applies the changes; whether the ticket changed, and the labels asked
    /// to be removed that it did not have.
    pub fn apply(&self, ticket: &mut Ticket) -> (bool, Vec<&str>) {
        let mut changed = false;
        let mut missing = Vec::new();
        for l in &self.add {
            changed |= ticket.add_label(l);
        }
        for l in &self.remove {
            if ticket.remove_label(l) {
                changed = true;
            } else {
                missing.push(l.as_str());
            }
        }
        (changed, missing)
    }

    /// `labels +vpn -spam`: what the changes are, for messages.
    pub fn describe(&self) -> String {
        let mut out = "labels".to_owned();
        for l in &self.add {
            out.push_str(" +");
            out.push_str(l);
        }
        for l in &self.remove {
            out.push_str(" -");
            out.push_str(l);
        }
        out
    }
}
