//! Macros for the commands that use them (`desk macro`, `desk apply`,
//! `desk reply --macro`): reading one from the desk branch, its changes
//! checked against desk.yaml, and the variables its template sees.

use serde_json::{Value, json};

use super::changes::{FieldChanges, LabelChanges};
use super::output::TicketJson;
use super::{CliError, Result};
use crate::model::{Ticket, display_name, email_of};
use crate::store::{Identity, Store, Tip};
use crate::workflow::Config;
use crate::workflow::macros::{self, Macro, MacroError};

/// The macro `name` at `tip`.
pub fn load(store: &Store, tip: &Tip, name: &str) -> Result<Macro> {
    if !macros::is_valid_name(name) {
        return Err(CliError::usage(format!(
            "'{name}' is not a macro name: lowercase letters, digits, - and _ (a file macros/NAME.md)"
        )));
    }
    let Some(bytes) = store.read_file(tip.tree, &macros::path_of(name))? else {
        return Err(CliError::input(format!("no macro '{name}' (no file {})", macros::path_of(name)))
            .hint("`desk macro list` lists the macros of the desk branch"));
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::malformed(format!("{}: the file is not valid UTF-8", macros::path_of(name)))
    })?;
    Macro::parse(name, &text).map_err(|e| error(&e))
}

/// Every macro at `tip`, by name; the files that are not macros are left out.
pub fn all(store: &Store, tip: &Tip) -> Result<Vec<std::result::Result<Macro, CliError>>> {
    let names = store.file_names(tip.tree, macros::MACROS_DIR)?;
    Ok(names
        .iter()
        .filter_map(|f| f.strip_suffix(".md"))
        .filter(|n| macros::is_valid_name(n))
        .map(|n| load(store, tip, n))
        .collect())
}

/// The CLI error for a macro error.
pub fn error(e: &MacroError) -> CliError {
    match e {
        MacroError::Malformed { .. } => CliError::malformed(e.to_string())
            .hint("fix the file under macros/ on the desk branch (for example in a worktree of it)"),
        MacroError::Undefined { .. } => CliError::input(e.to_string())
            .hint("give the ticket that value first, or use a macro that does not need it"),
    }
}

/// A macro's field and label changes, checked against desk.yaml.
pub fn changes(m: &Macro, config: &Config) -> Result<(FieldChanges, LabelChanges)> {
    let fields = FieldChanges::parse(&m.set, config).map_err(|e| in_macro(m, e))?;
    let labels = LabelChanges::parse(&m.labels).map_err(|e| in_macro(m, e))?;
    Ok((fields, labels))
}

fn in_macro(m: &Macro, mut e: CliError) -> CliError {
    e.message = format!("macro '{}': {}", m.name, e.message);
    e
}

/// Applies a macro's changes to a ticket; whether it changed.
pub fn apply(
    (fields, labels): &(FieldChanges, LabelChanges),
    ticket: &mut Ticket,
    config: &Config,
    author: &Identity,
) -> Result<bool> {
    let changed = fields.apply(ticket, config, author)?;
    Ok(labels.apply(ticket).0 || changed)
}

/// A person as the template sees them: `name`, `email` (null without one) and `full`.
fn person(p: &str) -> Value {
    json!({"name": display_name(p), "email": email_of(p), "full": p})
}

/// The variables a macro's template sees for `ticket`: `ticket` (the object
/// `desk show --json` prints), `id`, `short_id`, `requester` and `agent` (you).
pub fn context(ticket: &Ticket, short: &str, author: &Identity) -> Value {
    ticket_context(ticket, short, Some(&author.person()))
}

/// The variables of a template about `ticket` (macros, mail): `ticket`, `id`,
/// `short_id`, `requester` (when the ticket has one) and `agent` (when given).
pub fn ticket_context(ticket: &Ticket, short: &str, agent: Option<&str>) -> Value {
    let mut c = json!({
        "ticket": serde_json::to_value(TicketJson(ticket)).unwrap_or(Value::Null),
        "id": ticket.id.as_str(),
        "short_id": short,
    });
    if let Some(a) = agent {
        c["agent"] = person(a);
    }
    if let Some(r) = &ticket.requester {
        c["requester"] = person(r);
    }
    c
}

/// The reply a macro writes for `ticket`.
pub fn render(m: &Macro, ticket: &Ticket, short: &str, author: &Identity) -> Result<String> {
    m.render(&context(ticket, short, author)).map_err(|e| error(&e))
}
