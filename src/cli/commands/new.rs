//! `desk new`: open a ticket.

use std::io::Write as _;
use std::path::PathBuf;

use dialoguer::Input;

use super::{given_assignee, given_person, person, signature_time};
use crate::cli::input::{check_label, check_line};
use crate::cli::input::{check_text, check_title, given_text};
use crate::cli::output::{TicketJson, print_json};
use crate::cli::rules::{RuleEnv, rules_of};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result, editor};
use crate::model::{Ticket, TicketId, normalise_text};
use crate::store::{Change, Store, StoreError, Tip, Written};
use crate::workflow::Config;

/// Open a new ticket and print its id.
///
/// Without a title or description on a terminal, desk asks for them (the
/// description in your editor); without a terminal it fails and names what is
/// missing. The requester defaults to you.
///
/// --follow-up ID opens a follow-up of a closed ticket (a closed ticket is never
/// changed again): the new ticket names it in `follow_up`, and takes its title
/// (unless one is given), requester, cc, queue, assignee and labels (the options
/// given win; -l adds labels); the priority starts at the default.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One line saying what is wrong or wanted (with --follow-up: the closed ticket's title).
    pub title: Option<String>,

    /// The description, in Markdown (`-b ''` for none).
    #[arg(short = 'b', long = "body", value_name = "TEXT", conflicts_with = "file")]
    pub body: Option<String>,

    /// Read the description from FILE (`-` for standard input).
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Who asked, as `Name <email>` (default: you; `me` or `@me` is you too).
    #[arg(long, value_name = "PERSON")]
    pub requester: Option<String>,

    /// Who works on it: an agent (any unique part of a name or email), `Name <email>`, or `me`.
    #[arg(long, value_name = "PERSON")]
    pub assignee: Option<String>,

    /// One of the priorities in desk.yaml (default: normal).
    #[arg(long, value_name = "PRIORITY")]
    pub priority: Option<String>,

    /// The queue (team) that handles it.
    #[arg(long, value_name = "QUEUE")]
    pub queue: Option<String>,

    /// A label; repeat for more.
    #[arg(short = 'l', long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,

    /// Follow up the closed ticket ID: link to it and take its requester, queue, labels.
    #[arg(long, value_name = "ID")]
    pub follow_up: Option<TicketRef>,

    /// Print the new ticket as JSON (as `desk show --json` does) instead of its id.
    #[arg(long)]
    pub json: bool,
}

/// The description: `-b`, `-F`, or written in the editor.
fn description(ctx: &Ctx, store: &Store, args: &Args) -> Result<String> {
    if let Some(text) = given_text(args.body.as_slice(), args.file.as_ref())? {
        return Ok(text);
    }
    if !editor::can_edit(ctx, Some(store)) {
        return Err(CliError::usage(
            "missing ticket description; pass -b TEXT or -F FILE (-b '' for none), or set VISUAL or EDITOR",
        ));
    }
    let header = editor::header(
        "Describe the new ticket below, in Markdown. Save and quit to open it; an empty text \
         opens nothing (-b '' opens a ticket without a description).",
    );
    let text = normalise_text(&editor::edit_text(Some(store), &header, "", "DESCRIPTION.md")?);
    if text.is_empty() {
        return Err(CliError::usage(
            "the description is empty; nothing was written (pass -b '' for a ticket without one)",
        ));
    }
    Ok(text)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    if let Some(p) = &args.priority {
        config.check_priority(p).map_err(CliError::usage)?;
    }
    if let Some(q) = &args.queue {
        check_line("queue", q)?;
        config.check_queue(q).map_err(CliError::usage)?;
    }
    for l in &args.labels {
        check_label(l)?;
    }
    for (what, value) in [("requester", &args.requester), ("assignee", &args.assignee)] {
        if let Some(v) = value {
            check_line(what, v)?;
        }
    }
    let (author, committer) = store.signatures()?;
    let me = person(&author);
    let source = match &args.follow_up {
        Some(r) => Some(closed_ticket(&store, &tip, r, &config)?),
        None => None,
    };

    let title = match args.title.clone().or_else(|| source.as_ref().map(|s| s.title.clone())) {
        Some(t) => t,
        None if ctx.interactive() => Input::<String>::new()
            .with_prompt("Title")
            .interact_text()
            .map_err(|e| CliError::input(format!("no title entered: {e}")))?,
        None => return Err(CliError::usage("missing ticket title; pass it as the first argument")),
    };
    let title = title.trim().to_owned();
    check_title(&title, &config.limits)?;
    let description = description(ctx, &store, args)?;
    check_text("description", &description, &config.limits)?;

    let now = signature_time(&author);
    let mut created: Option<(Ticket, Vec<String>)> = None;
    // One id for every attempt (another only if it is taken), so a retry after
    // another writer moved the branch writes the same file.
    let mut id = TicketId::generate();
    let written = store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = Config::load(&store, tip)?;
        while store.read_file(tip.tree, &id.path())?.is_some() {
            id = TicketId::generate();
        }
        let priority = args.priority.clone().unwrap_or_else(|| config.priorities.default.clone());
        let mut t = Ticket::new(id.clone(), title.clone(), config.workflow.initial.clone(), priority, now);
        if let Some(source) = &source {
            super::follow(&mut t, source);
        }
        if args.queue.is_some() {
            t.queue.clone_from(&args.queue);
        }
        if let Some(r) = &args.requester {
            t.requester = Some(given_person(r, &author));
        } else if t.requester.is_none() {
            t.requester = Some(me.clone());
        }
        if let Some(a) = &args.assignee {
            t.assignee = Some(given_assignee(a, &author, &config)?);
        }
        for l in &args.labels {
            t.add_label(l);
        }
        t.description.clone_from(&description);
        let mut env = RuleEnv::new(&store, Some(tip), &config, &author);
        env.after_change(&rules_of(&config, tip.tree), None, &mut t);
        let mut change = Change::ticket("new", &t)?;
        env.sign(&mut change)?;
        created = Some((t, env.fired));
        Ok(Some(change))
    })?;
    let (ticket, rules) = created.expect("the write closure ran");
    super::fired_rules(&ticket.id.as_str()[..crate::model::MIN_SHORT], &rules);
    let printed = if args.json {
        print_json(&TicketJson::from(&ticket))
    } else {
        writeln!(std::io::stdout().lock(), "{}", ticket.id).map_err(CliError::from)
    };
    printed.map_err(|e| e.after_commit(&format!("created ticket {}{}", ticket.id, commit_note(written))))
}

/// The closed ticket `r` names, for a follow-up; any other is refused.
fn closed_ticket(store: &Store, tip: &Tip, r: &TicketRef, config: &Config) -> Result<Ticket> {
    let id = store.resolve(tip, &r.0)?;
    let ticket = store.load_ticket(tip, &id)?;
    if !config.is_final(&ticket.status) {
        let short = super::short_id(store, tip, &id);
        return Err(CliError::conflict(format!(
            "ticket {short} is not closed (status {}): only a closed ticket is followed up",
            ticket.status
        ))
        .hint(format!("reply to it instead: desk reply {short} -m TEXT")));
    }
    Ok(ticket)
}

/// ` (commit 1a2b3c4)` for a commit that was made.
fn commit_note(written: Written) -> String {
    match written {
        Written::Commit(oid) => format!(" (commit {})", &oid.to_string()[..7]),
        Written::Unchanged => String::new(),
    }
}
