//! `desk show`: one ticket and its conversation.

use std::io::Write as _;

use super::short_id;
use crate::cli::output::{self, BOLD, DIM, ID, NOTE, REPLY, TicketJson, human_time, print_json};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result, markdown};
use crate::model::{Ticket, Visibility};

/// Show a ticket and its conversation, Markdown rendered for the terminal.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// Print the ticket as a JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, &args.id.0)?;
    let ticket = store.load_ticket(&tip, &id)?;
    if args.json {
        return print_json(&TicketJson::from(&ticket));
    }
    let short = short_id(&store, &tip, &id);
    let text = render(ctx, &ticket, &short);
    anstream::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

fn render(ctx: &Ctx, t: &Ticket, short: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let ago = |secs: i64| output::age(ctx.now.timestamp() - secs);
    let _ = writeln!(out, "{BOLD}{}{BOLD:#}", t.title);
    let mut line = format!("{ID}{short}{ID:#} · {} · {}", t.status, t.priority);
    if let Some(q) = &t.queue {
        let _ = write!(line, " · queue {q}");
    }
    let _ = writeln!(out, "{line}");
    let mut field = |name: &str, value: &str| {
        let _ = writeln!(out, "{DIM}{name:<10}{DIM:#} {value}");
    };
    field("Requester", t.requester.as_deref().unwrap_or("-"));
    field("Assignee", t.assignee.as_deref().unwrap_or("-"));
    if !t.labels.is_empty() {
        field("Labels", &t.labels.join(", "));
    }
    field("Created", &format!("{} ({} ago)", human_time(t.created), ago(t.created.timestamp())));
    field("Updated", &format!("{} ({} ago)", human_time(t.updated), ago(t.updated.timestamp())));
    if let Some(r) = &t.rating {
        let comment = r.comment.as_deref().map(|c| format!(" “{c}”")).unwrap_or_default();
        field("Rating", &format!("{}/5{comment}", r.score));
    }
    for (k, v) in &t.fields {
        let key = k.as_str().map_or_else(|| format!("{k:?}"), str::to_owned);
        let value = match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_owned(),
        };
        field(&key, &value);
    }
    if !t.description.is_empty() {
        out.push('\n');
        out.push_str(&markdown::render(&t.description, "  "));
    }
    for c in &t.comments {
        let (style, label) = match c.visibility {
            Visibility::Public => (REPLY, "Reply"),
            Visibility::Internal => (NOTE, "Internal note"),
        };
        let _ = writeln!(
            out,
            "\n{style}── {label} from {}{style:#} {DIM}· {} · {}{DIM:#}",
            c.author,
            human_time(c.date),
            c.id
        );
        if !c.body.is_empty() {
            out.push_str(&markdown::render(&c.body, "  "));
        }
    }
    out
}
