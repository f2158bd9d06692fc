//! One module per command. Shared steps of the commands that change a ticket
//! live here.

pub mod assign;
pub mod attachment;
pub mod bulk;
pub mod completions;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod edit;
pub mod export;
pub mod generate;
pub mod import;
pub mod init;
pub mod kb;
pub mod label;
pub mod link;
pub mod link_commits;
pub mod list;
pub mod log;
pub mod macros;
pub mod mail;
pub mod man;
pub mod merge;
pub mod merge_driver;
pub mod new;
pub mod next;
pub mod portal;
pub mod rate;
pub mod reply;
pub mod report;
pub mod rules;
pub mod set;
pub mod show;
pub mod sla;
pub mod status;
pub mod sync;
pub mod tui;
pub mod whoami;

use chrono::{DateTime, Utc};

use super::rules::{RuleEnv, rules_of};
use super::ticket_ref::TicketRef;
use super::{CliError, Result};
use crate::cli::error::Kind;
use crate::model::{self, Ticket, TicketId};
use crate::store::{Change, Identity, Store, StoreError, Tip, Written};
use crate::workflow::{AgentMatch, Config, People, TransitionError};

/// When someone acted, as desk stores times.
pub fn signature_time(sig: &Identity) -> DateTime<Utc> {
    sig.time()
}

/// `Name <email>` of someone who acts.
pub fn person(sig: &Identity) -> String {
    sig.person()
}

/// A person as given on the command line (`--assignee`, `assignee=`, WHO):
/// `me` or `@me` is the acting user, as in the query `assignee:me`; anything
/// else is kept as written.
pub fn given_person(value: &str, author: &Identity) -> String {
    if crate::query::means_me(value) { person(author) } else { value.to_owned() }
}

/// The assignee a person given on the command line names. `me` or `@me` is
/// the acting user. When desk.yaml lists agents, anything else must name one
/// agent — by any unique part of the name or of an address, or an address —
/// and is stored as the agent's `Name <email>`; without agents it is kept as
/// written, as [`given_person`] keeps it.
pub fn given_assignee(value: &str, author: &Identity, config: &Config) -> Result<String> {
    let people = people(config)?;
    if !people.has_agents() || crate::query::means_me(value) {
        return Ok(given_person(value, author));
    }
    match people.find(value) {
        AgentMatch::One(agent) => Ok(agent.person()),
        AgentMatch::None => Err(CliError::new(Kind::NotFound, format!("no agent matches '{value}'"))
            .hint("assign an agent of desk.yaml's agents, by any unique part of a name or an email")),
        AgentMatch::Several(agents) => {
            let names: Vec<String> = agents.iter().map(|a| a.person()).collect();
            Err(CliError::new(
                Kind::Ambiguous,
                format!("'{value}' matches several agents: {}", names.join(", ")),
            )
            .hint("give more of the name, or the email"))
        }
    }
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
    /// The rules that fired in the same commit.
    pub rules: Vec<String>,
}

/// Loads the ticket `r` names, lets `apply` change it, and commits the result as
/// one commit (`verb` names it in the message). `apply` returns whether it
/// changed anything; it may run more than once if another writer races us.
/// A closed ticket is never changed: a change to one is refused.
pub fn update_ticket(
    store: &Store,
    r: &TicketRef,
    verb: &str,
    mut apply: impl FnMut(&mut Ticket, &Config, &Identity) -> Result<bool>,
) -> Result<Updated> {
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let mut result: Option<(TicketId, String, Ticket, Vec<String>)> = None;
    let mut redirected: Option<(String, String)> = None;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        // Fails with NotInitialised when desk.yaml is missing.
        let config = Config::load(store, tip)?;
        redirected = None;
        let mut found = store.locate(tip, &r.0)?;
        let mut ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
        // A change to a merged ticket goes to the ticket it was merged into.
        if config.category(&ticket.status) == Some(crate::workflow::Category::Merged)
            && let Some(into) = crate::model::link::merged_into(&ticket.links)
        {
            let target = store.locate(tip, into)?;
            let from = found.id.as_str()[..found.short].to_owned();
            redirected = Some((from, target.id.as_str()[..target.short].to_owned()));
            ticket = store.load_blob_ticket(target.blob, &target.id.path())?;
            found = target;
        }
        // Changing a ticket adds no ticket to its shard: its short id stays the same.
        let short = found.id.as_str()[..found.short].to_owned();
        let closed_as = config.is_final(&ticket.status).then(|| ticket.status.clone());
        let before = ticket.clone();
        let applied = apply(&mut ticket, &config, &author);
        if let Some(status) = closed_as
            && !matches!(applied, Ok(false))
        {
            return Err(closed(&short, &status));
        }
        let changed = applied?;
        let mut env = RuleEnv::new(store, Some(tip), &config, &author);
        if changed {
            ticket.updated = now.max(ticket.created);
            env.after_change(&rules_of(&config, tip.tree), Some(&before), &mut ticket);
        }
        let change = changed
            .then(|| {
                let mut change = Change::ticket(verb, &ticket)?;
                env.sign(&mut change)?;
                Ok::<_, StoreError>(change)
            })
            .transpose()?;
        result = Some((found.id, short, ticket, env.fired));
        Ok(change)
    })?;
    let (id, short, ticket, rules) = result.expect("the write closure ran at least once");
    if let Some((from, to)) = redirected {
        say!("notice: ticket {from} was merged into {to}: the change went to {to}");
    }
    Ok(Updated { id, short, written, ticket, rules })
}

/// Loads both tickets at `tip`, refusing one ticket twice and a closed one.
fn both(store: &Store, tip: &Tip, a: &TicketRef, b: &TicketRef) -> Result<(Ticket, Ticket)> {
    let config = Config::load(store, tip)?;
    let load = |r: &TicketRef| -> Result<Ticket> {
        let found = store.locate(tip, &r.0)?;
        let t = store.load_blob_ticket(found.blob, &found.id.path())?;
        if config.is_final(&t.status) {
            return Err(closed(&found.id.as_str()[..found.short], &t.status));
        }
        Ok(t)
    };
    let (a, b) = (load(a)?, load(b)?);
    if a.id == b.id {
        return Err(CliError::usage(format!("a ticket cannot be linked to itself ({})", a.id)));
    }
    Ok((a, b))
}

/// Writes the two tickets `a` and `b` changed by `change` in one commit (event
/// rules answer the change of each); `change` says whether they changed. Both
/// must exist, differ and not be closed. Returns them as written.
pub fn write_two(
    store: &Store,
    a: &TicketRef,
    b: &TicketRef,
    verb: &str,
    mut change: impl FnMut(&mut Ticket, &mut Ticket, &Config, &Identity) -> Result<bool>,
) -> Result<(Ticket, Ticket, Written)> {
    let (author, committer) = store.signatures()?;
    let now = signature_time(&author);
    let mut result = None;
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(store, tip)?;
        let (mut first, mut second) = both(store, tip, a, b)?;
        let (before_first, before_second) = (first.clone(), second.clone());
        let changed = change(&mut first, &mut second, &config, &author)?;
        let mut out = None;
        if changed {
            let rules = rules_of(&config, tip.tree);
            let mut env = RuleEnv::new(store, Some(tip), &config, &author);
            for (t, before) in [(&mut first, &before_first), (&mut second, &before_second)] {
                if *t != *before {
                    t.updated = now.max(t.created);
                    env.after_change(&rules, Some(before), t);
                }
            }
            let mut commit = Change::ticket(verb, &first)?;
            let other = Change::ticket(verb, &second)?;
            commit.files.extend(other.files);
            commit.tickets.extend(other.tickets);
            env.sign(&mut commit)?;
            out = Some(commit);
        }
        result = Some((first, second));
        Ok(out)
    })?;
    let (first, second) = result.expect("the write closure ran at least once");
    Ok((first, second, written))
}

/// One file attached to a ticket.
pub struct Attached {
    pub name: String,
    pub path: String,
    pub blob: crate::store::Oid,
    pub size: usize,
}

/// The files attached to ticket `id` at `tip` (`attachments/<id>/`), by name.
pub fn attachments(store: &Store, tip: &Tip, id: &TicketId) -> Result<Vec<Attached>> {
    let dir = format!("{}/{id}", crate::store::ATTACHMENTS_DIR);
    let mut out = Vec::new();
    for (path, blob) in store.files_under(tip.tree, &dir)? {
        let name = path[dir.len() + 1..].to_owned();
        out.push(Attached { size: store.blob_size(blob)?, name, path, blob });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A size for people: `812 B`, `12 KB`, `3.4 MB`.
pub fn human_size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{} KB", bytes / 1_000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// Says which rules fired in a ticket's commit: `k3x9q2: by rule route-vpn, ack`.
pub fn fired_rules(short: &str, rules: &[String]) {
    if !rules.is_empty() {
        let id = super::output::ID;
        say!("{id}{short}{id:#}: by rule {}", super::output::Shown(&rules.join(", ")));
    }
}

/// The agents and teams of desk.yaml, for the commands that need them; an error
/// (naming the problem's line) when those sections cannot be read.
pub fn people(config: &Config) -> Result<&People> {
    config.people().map_err(|e| StoreError::from(e).into())
}

/// The refusal to change a closed ticket.
pub fn closed(short: &str, status: &str) -> CliError {
    CliError::conflict(format!("ticket {short} is closed (status {status}) and cannot be changed"))
        .hint(format!("open a follow-up instead: desk new --follow-up {short}"))
}

/// Refuses a status change someone asked for that desk.yaml's workflow does
/// not allow, naming the statuses it allows.
pub fn check_transition(config: &Config, from: &str, to: &str) -> Result<()> {
    config.check_transition(from, to).map_err(|e| {
        let err = CliError::usage(e.to_string());
        match e {
            TransitionError::NotAllowed { .. } => {
                err.hint("the transitions of each status are listed in desk.yaml's workflow.statuses")
            }
            TransitionError::BackToNew { .. } => err,
        }
    })
}

/// `--json` of the commands that change a ticket.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct ChangeOutput {
    /// Print the ticket as changed, as `desk show --json` does (also when nothing changed).
    #[arg(long)]
    pub json: bool,
}

/// Reports a change: with `--json` the ticket as it now is on stdout (the
/// object `desk show --json` prints, whether or not anything changed);
/// otherwise a confirmation on stderr: `k3x9q2: assigned to Bob`.
pub fn confirm(updated: &Updated, output: ChangeOutput, done: &str, unchanged: &str) -> Result<()> {
    use super::output::Shown;
    if output.json {
        return super::output::print_json(&super::output::TicketJson(&updated.ticket)).map_err(|e| {
            match updated.written {
                Written::Commit(commit) => e.after_commit(&format!(
                    "changed ticket {} (commit {})",
                    updated.id,
                    &commit.to_string()[..7]
                )),
                Written::Unchanged => e,
            }
        });
    }
    let id = super::output::ID;
    match updated.written {
        Written::Commit(_) => {
            say!("{id}{}{id:#}: {}", updated.short, Shown(done));
            fired_rules(&updated.short, &updated.rules);
        }
        Written::Unchanged => {
            say!("{id}{}{id:#}: {}; nothing to commit", updated.short, Shown(unchanged));
        }
    }
    Ok(())
}

/// The status a public message by `writer` moves the ticket to, by the
/// workflow's own rules: a message from the requester reopens a pending,
/// on-hold or solved ticket; a response moves a ticket in the initial status
/// to the reopen status.
pub fn status_after_message(
    config: &Config,
    people: &People,
    ticket: &Ticket,
    writer: &str,
) -> Option<String> {
    let reopen = || Some(config.workflow.reopen.clone());
    if people.is_requester(writer, ticket.requester.as_deref()) {
        let category = config.category(&ticket.status)?;
        return if category.reopens_on_requester_message() { reopen() } else { None };
    }
    if ticket.status == config.workflow.initial && people.is_response(writer, ticket.requester.as_deref()) {
        return reopen();
    }
    None
}

/// Makes `t` a follow-up of `source`: it names it and takes its people, queue and labels.
pub fn follow(t: &mut Ticket, source: &Ticket) {
    t.follow_up = Some(source.id.to_string());
    t.requester.clone_from(&source.requester);
    t.cc.clone_from(&source.cc);
    t.queue.clone_from(&source.queue);
    t.assignee.clone_from(&source.assignee);
    t.labels.clone_from(&source.labels);
}
