//! `desk macro list|show` and `desk apply`: the macros of the desk branch
//! (`macros/NAME.md`), and their field changes applied to tickets.

use std::io::Write as _;

use serde_json::{Value, json};

use super::bulk::{self, Where};
use super::{ChangeOutput, confirm, update_ticket};
use crate::cli::output::{self, Shown, print_json};
use crate::cli::{Ctx, Result, macros};
use crate::workflow::Config;
use crate::workflow::macros::Macro;

const FORMAT: &str = "\
A macro is a file macros/NAME.md on the desk branch, committed like any file (for example from a
worktree of the branch): optional front matter, then the reply's template in Jinja syntax.

  ---
  description: Ask for a photo of the display
  set: [status=pending]          # as `desk set` takes them
  labels: [+printer, -triage]    # as `desk label` takes them
  ---
  Hello {{ requester.name }},

  could you send a photo of the display of the printer ({{ ticket.title }})?

  {{ agent.name }}

The template sees `ticket` (the object `desk show --json` prints), `id`, `short_id`,
`requester` and `agent` (you), each person with `name`, `email` and `full`. A variable the
ticket has no value for (a requester without an email, an empty queue) is an error naming
it, never an empty hole in the reply.

`desk reply ID --macro NAME` sends the rendered text (opened in the editor first on a terminal)
and makes the macro's changes in the same commit; `desk apply ID NAME` makes the changes only.";

/// List and show the macros of the desk branch (macros/NAME.md).
#[derive(Debug, clap::Args)]
#[command(after_help = FORMAT)]
pub struct Args {
    #[command(subcommand)]
    pub command: MacroCommand,
}

/// `desk macro`'s commands.
#[derive(Debug, clap::Subcommand)]
pub enum MacroCommand {
    /// List the macros: name, description and changes.
    List {
        /// Print a JSON array of macros.
        #[arg(long)]
        json: bool,
    },
    /// Show a macro: its changes and its template.
    Show {
        /// The macro's name (the file macros/NAME.md).
        name: String,
        /// Print the macro as a JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// Apply a macro's field and label changes to a ticket (`desk reply --macro` also sends its text).
#[derive(Debug, clap::Args)]
#[command(
    after_help = FORMAT,
    override_usage = "desk apply [OPTIONS] <ID> <MACRO>\n       desk apply [OPTIONS] --where <QUERY> <MACRO>"
)]
pub struct ApplyArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters (left out with --where).
    #[arg(value_name = "ID", index = 1)]
    pub id: String,

    /// The macro's name (the file macros/NAME.md).
    #[arg(value_name = "MACRO", index = 2, required_unless_present = "query")]
    pub name: Option<String>,
    #[command(flatten)]
    pub bulk: Where,
    #[command(flatten)]
    pub output: ChangeOutput,
}

fn macro_json(m: &Macro) -> Value {
    json!({"name": m.name, "description": m.description, "set": m.set, "labels": m.labels, "body": m.body})
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    match &args.command {
        MacroCommand::List { json } => {
            let all = macros::all(&store, &tip)?;
            if *json {
                let items = all.into_iter().collect::<Result<Vec<_>>>()?;
                return print_json(&items.iter().map(macro_json).collect::<Vec<_>>());
            }
            if all.is_empty() {
                say!("no macros: add files macros/NAME.md to the desk branch (desk macro --help)");
                return Ok(());
            }
            let mut out = anstream::stdout().lock();
            for m in all {
                match m {
                    Ok(m) => {
                        let changes: Vec<&str> = m.set.iter().chain(&m.labels).map(String::as_str).collect();
                        let changes = if changes.is_empty() {
                            String::new()
                        } else {
                            format!("  [{}]", changes.join(" "))
                        };
                        let description = m.description.as_deref().unwrap_or("");
                        writeln!(out, "{}  {}{}", m.name, Shown(description), Shown(&changes))?;
                    }
                    Err(e) => anstream::eprintln!("warning: {}", output::terminal_line(&e.message)),
                }
            }
            Ok(())
        }
        MacroCommand::Show { name, json } => {
            let m = macros::load(&store, &tip, name)?;
            if *json {
                return print_json(&macro_json(&m));
            }
            let mut out = anstream::stdout().lock();
            writeln!(out, "{}", m.name)?;
            if let Some(d) = &m.description {
                writeln!(out, "  {}", Shown(d))?;
            }
            for change in m.set.iter().chain(&m.labels) {
                writeln!(out, "  change: {}", Shown(change))?;
            }
            if !m.body.is_empty() {
                writeln!(out)?;
                writeln!(out, "{}", output::terminal_text(&m.body))?;
            }
            Ok(())
        }
    }
}

pub fn run_apply(ctx: &Ctx, args: &ApplyArgs) -> Result<()> {
    let name = bulk::second_argument(&args.bulk, &args.id, args.name.as_deref(), "the macro")?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let m = macros::load(&store, &tip, name)?;
    let changes = macros::changes(&m, &Config::load(&store, &tip)?)?;
    let what = format!("macro {name}");
    let apply = |ticket: &mut crate::model::Ticket, config: &Config, author: &crate::store::Identity| {
        macros::apply(&changes, ticket, config, author)
    };
    if args.bulk.is_set() {
        return bulk::update_where(ctx, &args.bulk, args.output, "apply", &what, apply);
    }
    let updated = update_ticket(&store, &bulk::ticket_ref(&args.id)?, "apply", apply)?;
    confirm(&updated, args.output, &format!("applied {what}"), &format!("{what} changes nothing"))
}
