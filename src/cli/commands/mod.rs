//! One module per command. Shared steps of the commands that change a ticket
//! live here.

pub mod assign;
pub mod completions;
pub mod demo;
pub mod doctor;
pub mod edit;
pub mod generate;
pub mod init;
pub mod label;
pub mod list;
pub mod log;
pub mod man;
pub mod merge_driver;
pub mod new;
pub mod rate;
pub mod reply;
pub mod report;
pub mod set;
pub mod show;
pub mod status;
pub mod sync;

use chrono::{DateTime, TimeZone, Utc};
use git2::Signature;

use super::ticket_ref::TicketRef;
use super::{CliError, Result};
use crate::model::{self, Ticket, TicketId};
use crate::store::{Change, Store, StoreError, Tip, Written};
use crate::workflow::Config;

/// The time of a signature, as desk stores times.
pub fn signature_time(sig: &Signature<'_>) -> DateTime<Utc> {
    Utc.timestamp_opt(sig.when().seconds(), 0).single().unwrap_or_else(Utc::now)
}

/// `Name <email>` of a signature.
pub fn person(sig: &Signature<'_>) -> String {
    format!("{} <{}>", sig.name().unwrap_or("unknown"), sig.email().unwrap_or(""))
}

/// A person as given on the command line (`--assignee`, `assignee=`, WHO):
/// `me` or `@me` is the acting user, as in the query `assignee:me`; anything
/// else is kept as written.
pub fn given_person(value: &str, author: &Signature<'_>) -> String {
    if crate::query::means_me(value) { person(author) } else { value.to_owned() }
}

/// The id as shown to people: the shortest unique prefix, at least 6 characters.
pub fn short_id(store: &Store, tip: &Tip, id: &TicketId) -> String {
    let ids = store.ids_with_prefix(tip.tree, id.shard()).unwrap_or_default();
    let ids: Vec<&str> = ids.iter().map(TicketId::as_str).collect();
    let lens = model::unique_prefix_lengths(&ids);
    let len = ids.iter().position(|i| *i == id.as_str()).map_or(model::MIN_SHORT, |p| lens[p]);
    id.as_str()[..len].to_owned()
}

/// What a ticket change did, for the confirmation line.
pub struct Updated {
    pub id: TicketId,
    pub short: String,
    pub written: Written,
    pub ticket: Ticket,
}

/// Loads the ticket `r` names, lets `apply` change it, and commits the result as
/// one commit (`verb` names it in the message). `apply` returns whether it
/// changed anything; it may run more than once if another writer races us.
pub fn update_ticket(
    store: &Store,
    r: &TicketRef,
    verb: &str,
    mut apply: impl FnMut(&mut Ticket, &Config, &Signature<'_>) -> Result<bool>,
) -> Result<Updated> {
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let mut result: Option<(TicketId, String, Ticket)> = None;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        // Fails with NotInitialised when desk.yaml is missing.
        let config = store.config(tip)?;
        let found = store.locate(tip, &r.0)?;
        let mut ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
        let changed = apply(&mut ticket, &config, &author)?;
        if changed {
            ticket.updated = now.max(ticket.created);
        }
        let change = changed.then(|| Change::ticket(verb, &ticket)).transpose()?;
        // Changing a ticket adds no ticket to its shard: its short id stays the same.
        let short = found.id.as_str()[..found.short].to_owned();
        result = Some((found.id, short, ticket));
        Ok(change)
    })?;
    let (id, short, ticket) = result.expect("the write closure ran at least once");
    Ok(Updated { id, short, written, ticket })
}

/// Prints the confirmation of a change on stderr: `k3x9q2: assigned to Bob`.
pub fn confirm(updated: &Updated, done: &str, unchanged: &str) {
    use super::output::Shown;
    let id = super::output::ID;
    match updated.written {
        Written::Commit(_) => anstream::eprintln!("{id}{}{id:#}: {}", updated.short, Shown(done)),
        Written::Unchanged => {
            anstream::eprintln!("{id}{}{id:#}: {}; nothing to commit", updated.short, Shown(unchanged));
        }
    }
}

/// Checks a label: one word that is safe in a file name, a URL and a query.
pub fn check_label(label: &str) -> Result<()> {
    let bad_char = label
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '"' | '\'' | '\\' | ':'));
    let problem = if label.is_empty() {
        Some("it is empty".to_owned())
    } else if let Some(c) = bad_char {
        Some(format!("it contains {c:?}"))
    } else if label.starts_with(['-', '+', '/', '.']) {
        Some("it starts with a punctuation mark".to_owned())
    } else if label.split('/').any(|part| part == ".." || part.is_empty()) {
        Some("it has an empty or `..` path segment".to_owned())
    } else {
        None
    };
    match problem {
        Some(p) => Err(CliError::usage(format!("invalid label '{label}': {p}"))
            .hint("labels are single words like `printer` or `area/network`")),
        None => Ok(()),
    }
}

/// Checks a one-line value such as a title or a person.
pub fn check_line(what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(CliError::usage(format!("the {what} is empty")));
    }
    crate::cli::input::check_not_binary(what, value)?;
    if value.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        return Err(CliError::usage(format!("the {what} must be a single line of text")));
    }
    Ok(())
}
