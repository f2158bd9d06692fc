//! `desk show`: one ticket and its conversation.

use std::io::Write as _;

use super::short_id;
use crate::cli::fields::{self, Fields};
use crate::cli::output::{TicketJson, print_json};
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result, ticket_text};

/// Show a ticket and its conversation, Markdown rendered for the terminal.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// Print the ticket as a JSON object.
    #[arg(long)]
    pub json: bool,

    #[arg(long, value_name = "FIELDS", help = fields::help())]
    pub fields: Option<Fields>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let id = store.resolve(&tip, &args.id.0)?;
    let ticket = store.load_ticket(&tip, &id)?;
    if let Some(fields) = &args.fields {
        return print_json(&fields.of_ticket(&ticket));
    }
    if args.json {
        return print_json(&TicketJson::from(&ticket));
    }
    ctx.page()?;
    let short = short_id(&store, &tip, &id);
    let text = ticket_text::render(&store, &tip, &ticket, &short, ctx.now.timestamp(), ctx.zone)?;
    anstream::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
