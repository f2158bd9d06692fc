//! `desk rate`: record how satisfied the requester is.

use super::{ChangeOutput, confirm, signature_time, update_ticket};
use crate::cli::input::check_line;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{Ctx, Result};
use crate::model::Rating;

/// Record the requester's satisfaction with a ticket: a score from 1 (very
/// unhappy) to 5 (very happy), with an optional comment.
///
/// The rating is stored in the ticket's front matter (`rating: {score, comment,
/// date}`); rating again replaces it, and the latest rating is the one reports count.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// The score, 1 to 5 (4 and 5 count as satisfied).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,

    /// What the requester said.
    #[arg(short = 'm', long = "message", value_name = "COMMENT")]
    pub comment: Option<String>,
    #[command(flatten)]
    pub output: ChangeOutput,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let comment = args.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    if let Some(c) = &comment {
        check_line("rating comment", c)?;
    }
    let store = ctx.store()?;
    let updated = update_ticket(&store, &args.id, "rate", |ticket, _, author| {
        let rating = Rating { score: args.score, comment: comment.clone(), date: signature_time(author) };
        let changed = ticket.rating.as_ref() != Some(&rating);
        ticket.rating = Some(rating);
        Ok(changed)
    })?;
    confirm(
        &updated,
        args.output,
        &format!("rated {}/5", args.score),
        &format!("already rated {}/5", args.score),
    )
}
