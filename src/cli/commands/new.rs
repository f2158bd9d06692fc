//! `desk new`: open a ticket.

use std::path::PathBuf;

use dialoguer::Input;

use super::{check_label, check_line, given_person, person, signature_time};
use crate::cli::input::{check_text, check_title, given_text};
use crate::cli::output::{TicketJson, print_json};
use crate::cli::{CliError, Ctx, Result, editor};
use crate::model::{Ticket, TicketId, normalise_text};
use crate::store::{Change, StoreError};

/// Open a new ticket and print its id.
///
/// Without a title or description on a terminal, desk asks for them (the
/// description in your editor); without a terminal it fails and names what is
/// missing. The requester defaults to you.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One line saying what is wrong or wanted.
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

    /// Who works on it, as `Name <email>`, or `me` (`@me`) for you.
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

    /// Print the new ticket as JSON instead of its id.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = store.config(&tip)?;
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

    let title = match args.title {
        Some(t) => t,
        None if ctx.interactive() => Input::<String>::new()
            .with_prompt("Title")
            .interact_text()
            .map_err(|e| CliError::user(format!("no title entered: {e}")))?,
        None => return Err(CliError::usage("missing ticket title; pass it as the first argument")),
    };
    let title = title.trim().to_owned();
    check_title(&title, &config.limits)?;
    let description = match given_text(args.body.as_slice(), args.file.as_ref())? {
        Some(text) => text,
        None if editor::can_edit(ctx, Some(&store)) => {
            let header = editor::header(
                "Describe the new ticket below, in Markdown. Save and quit to open it; an empty text \
                 opens nothing (-b '' opens a ticket without a description).",
            );
            let text = normalise_text(&editor::edit_text(Some(&store), &header, "", "DESCRIPTION.md")?);
            if text.is_empty() {
                return Err(CliError::usage(
                    "the description is empty; nothing was written (pass -b '' for a ticket without one)",
                ));
            }
            text
        }
        None => {
            return Err(CliError::usage(
                "missing ticket description; pass -b TEXT or -F FILE (-b '' for none), or set VISUAL or EDITOR",
            ));
        }
    };
    check_text("description", &description, &config.limits)?;

    let now = signature_time(&author);
    let mut created: Option<Ticket> = None;
    store.write(&author, &committer, |tip| -> Result<Option<Change>> {
        let Some(tip) = tip else { return Err(StoreError::NotInitialised(store.branch().to_owned()).into()) };
        let config = store.config(tip)?;
        let mut id = TicketId::generate();
        while store.read_file(tip.tree, &id.path())?.is_some() {
            id = TicketId::generate();
        }
        let priority = args.priority.clone().unwrap_or_else(|| config.priorities.default.clone());
        let mut t = Ticket::new(id, title.clone(), config.workflow.initial.clone(), priority, now);
        t.queue.clone_from(&args.queue);
        t.requester =
            Some(args.requester.as_deref().map_or_else(|| me.clone(), |r| given_person(r, &author)));
        t.assignee = args.assignee.as_deref().map(|a| given_person(a, &author));
        for l in &args.labels {
            t.add_label(l);
        }
        t.description.clone_from(&description);
        let change = Change::ticket("new", &t)?;
        created = Some(t);
        Ok(Some(change))
    })?;
    let ticket = created.expect("the write closure ran");
    if args.json {
        print_json(&TicketJson::from(&ticket))
    } else {
        println!("{}", ticket.id);
        Ok(())
    }
}
