//! `desk tui`: the terminal UI (docs/tui.md).

use crate::cli::worklist::Scope;
use crate::cli::{Ctx, Result};

const KEYS: &str = "\
Keys (? shows them all):
  ↑ ↓ j k, PgUp PgDn   move; Enter opens a ticket, Esc goes back
  Tab                  next queue: Mine, Unassigned in my teams, All
  /                    edit the query (the language of desk list)
  r n                  reply, internal note (in $EDITOR)
  a A                  assign to yourself; to someone
  s p l m              status, priority, labels, apply a macro
  t                    take the next ticket (desk next --take)
  q                    quit

Each queue is sorted as desk next sorts: the next SLA due time first (tickets without one last),
then the most urgent priority, then the oldest. Every change runs the desk command that makes it
(desk reply, desk status, …), so it is the same commit the command line makes. The screen follows
the branch: when it moves (another agent, desk sync, the mail gateway) the queue and the open
ticket are loaded again, and the selected ticket stays selected.";

/// Work the queue in a terminal UI: tickets by due time, the conversation, replies and changes.
#[derive(Debug, clap::Args)]
#[command(after_help = KEYS)]
pub struct Args {
    /// Query terms, as `desk list` takes them (only tickets that are not done unless they name a status).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// The queue to start in.
    #[arg(long, value_enum, value_name = "QUEUE", default_value_t = Scope::Mine)]
    pub queue: Scope,

    /// Draw the first screen at `COLSxROWS`, print it as text and exit (for benchmarks and tests).
    #[arg(long, value_name = "COLSxROWS", hide = true, value_parser = parse_size)]
    pub print_frame: Option<(u16, u16)>,
}

fn parse_size(s: &str) -> std::result::Result<(u16, u16), String> {
    let parsed = s.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(format!("'{s}' is not a size like 120x40")),
    }
}

#[cfg(feature = "tui")]
pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let query = args.query.join(" ");
    match args.print_frame {
        Some(size) => crate::cli::tui::print_frame(ctx, args.queue, &query, size),
        None => crate::cli::tui::run(ctx, args.queue, &query),
    }
}

#[cfg(not(feature = "tui"))]
pub fn run(_: &Ctx, _: &Args) -> Result<()> {
    Err(crate::cli::CliError::config("this desk was built without its terminal UI (cargo feature `tui`)"))
}
