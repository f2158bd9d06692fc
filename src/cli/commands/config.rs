//! `desk config check`: desk.yaml checked, every problem with its place.

use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::error::Kind;
use crate::cli::output::{Shown, print_json};
use crate::cli::{CliError, Ctx, Result};
use crate::store::StoreError;
use crate::workflow::{CONFIG_PATH, Problem};

/// Work with desk.yaml, the helpdesk's configuration on the desk branch.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

/// What to do with desk.yaml.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    Check(CheckArgs),
}

/// Check desk.yaml: every problem with its line and column; exit 3 when there are any.
///
/// Each problem is printed as `FILE:LINE:COLUMN: PATH: PROBLEM`, PATH being
/// where it is in the YAML (`agents[2].email`). Checks: each section reads (no
/// unknown keys, values of the right type) and no unknown section is there; the
/// workflow (unknown category, an unknown status in transitions, done, initial
/// or reopen, a transition back to a status of category new, a reopen status
/// not of category open, a name listed twice or one a query could not name);
/// priorities; queues; limits; the agents and teams (an address that is not one,
/// an address used by two agents, an agent in two places with different emails,
/// a team member who is not an agent, an unknown team or queue, an away day that
/// is not a day or a range of days).
///
/// desk.yaml is read section by section: a problem in `agents:` or `teams:`
/// stops only the commands that need people (assign by name, reply, report,
/// whoami); a problem in the workflow, priorities, queues or limits stops every
/// command that reads desk.yaml. `desk doctor` reports the same problems.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Check this file instead of desk.yaml on the desk branch (before you commit it).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Print `{file, problems: [{path, line, column, message}]}` as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `desk config check --json`. Field names are part of desk's interface (docs/json.md).
#[derive(Debug, Serialize)]
struct CheckJson<'a> {
    file: &'a str,
    problems: Vec<ProblemJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ProblemJson<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.command {
        ConfigCommand::Check(a) => check(ctx, a),
    }
}

/// The name and text of the file to check: FILE, else desk.yaml on the desk branch.
fn config_text(ctx: &Ctx, file: Option<&PathBuf>) -> Result<(String, String)> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
        return Ok((path.display().to_string(), text));
    }
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let bytes = store
        .read_file(tip.tree, CONFIG_PATH)?
        .ok_or_else(|| StoreError::NotInitialised(store.branch().to_owned()))?;
    Ok((CONFIG_PATH.to_owned(), String::from_utf8_lossy(&bytes).into_owned()))
}

fn check(ctx: &Ctx, args: &CheckArgs) -> Result<()> {
    let (file, text) = config_text(ctx, args.file.as_ref())?;
    let problems = crate::cli::rules::check_config(&text, None);
    let verdict = if problems.is_empty() { Ok(()) } else { Err(CliError::problems()) };
    let printed = if args.json {
        let problems = problems
            .iter()
            .map(|p| ProblemJson { path: &p.path, line: p.line, column: p.column, message: &p.message })
            .collect();
        print_json(&CheckJson { file: &file, problems })
    } else {
        print_problems(&file, &problems)
    };
    match printed {
        // `desk config check | head -1` still says whether problems were found.
        Err(e) if e.kind == Kind::ClosedPipe => verdict,
        Err(e) => Err(e),
        Ok(()) => verdict,
    }
}

fn print_problems(file: &str, problems: &[Problem]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for p in problems {
        writeln!(out, "{}:{}:{}: {}", Shown(file), p.line, p.column, Shown(&p.to_string()))?;
    }
    out.flush()?;
    let noun = if problems.len() == 1 { "problem" } else { "problems" };
    say!("checked {file}: {} {noun}", problems.len());
    Ok(())
}
