//! `desk doctor`: check every ticket file and desk.yaml.

use std::io::Write as _;

use serde::Serialize;

use crate::cli::error::Kind;
use crate::cli::output::{Shown, print_json};
use crate::cli::{CliError, Ctx, Result};
use crate::model;
use crate::store::{StoreError, TICKETS_DIR, parse_at_path};
use crate::workflow::{CONFIG_PATH, Config};

/// Check every ticket file and desk.yaml; exit 3 naming each problem.
///
/// Each problem is printed as `PATH:LINE: PROBLEM` (`desk.yaml:LINE:COLUMN: …`
/// for desk.yaml). Checks: everything `desk config check` checks in desk.yaml;
/// every ticket parses (front matter, conversation markers, no git
/// conflict markers), sits at the path its id gives, and uses a status and
/// priority that desk.yaml lists; no entry of the branch is one desk cannot use
/// (a name like `..` or `.git`, a submodule, a symbolic link, a directory where
/// desk keeps a file).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print `{tickets, problems: [{path, line, column, message}]}` as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Problem {
    path: String,
    line: usize,
    /// 0 when the problem has no column (a ticket file's).
    column: usize,
    message: String,
}

#[derive(Debug, Serialize)]
struct Report {
    tickets: usize,
    problems: Vec<Problem>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.tip()?.ok_or_else(|| StoreError::NotInitialised(store.branch().to_owned()))?;
    // Entries desk cannot use (a `..`, a submodule, desk.yaml as a directory)
    // are reported by path; nothing below them is read.
    let unusable = store.unusable_entries(tip.tree)?;
    let mut problems: Vec<Problem> = unusable
        .iter()
        .map(|u| Problem { path: u.path.clone(), line: 0, column: 0, message: u.problem.clone() })
        .collect();
    let config = match store.read_file(tip.tree, CONFIG_PATH)? {
        None if unusable.iter().any(|u| u.path == CONFIG_PATH) => None,
        None => return Err(StoreError::NotInitialised(store.branch().to_owned()).into()),
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            problems.extend(crate::cli::rules::check_config(&text, None).into_iter().map(|p| Problem {
                path: CONFIG_PATH.into(),
                line: p.line,
                column: p.column,
                message: p.to_string(),
            }));
            Config::parse(&text).ok()
        }
    };
    let files = store.files_under(tip.tree, TICKETS_DIR)?;
    let mut tickets = 0;
    for (path, blob) in files {
        if unusable
            .iter()
            .any(|u| path.strip_prefix(&u.path).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
        {
            continue;
        }
        if model::TicketId::from_path(&path).is_none() {
            problems.push(Problem {
                path,
                line: 0,
                column: 0,
                message: "unexpected file: ticket files are tickets/<first two characters of id>/<id>.md"
                    .into(),
            });
            continue;
        }
        tickets += 1;
        let bytes = store.blob(blob)?;
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(Problem {
                path,
                line: 1,
                column: 0,
                message: "the file is not valid UTF-8".into(),
            });
            continue;
        };
        match parse_at_path(&text, &path) {
            Ok(t) => {
                let Some(config) = &config else { continue };
                for problem in [config.check_status(&t.status), config.check_priority(&t.priority)] {
                    if let Err(message) = problem {
                        let key = if message.contains("status") { "status:" } else { "priority:" };
                        let line = text.lines().position(|l| l.starts_with(key)).map_or(1, |i| i + 1);
                        problems.push(Problem { path: path.clone(), line, column: 0, message });
                    }
                }
            }
            Err(StoreError::Malformed { error, .. }) => {
                problems.push(Problem { path, line: error.line, column: 0, message: error.message });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let found = !problems.is_empty();
    let verdict = if found { Err(CliError::problems()) } else { Ok(()) };
    let printed = if args.json {
        print_json(&Report { tickets, problems })
    } else {
        print_problems(&problems, tickets)
    };
    match printed {
        // `desk doctor | head -1` still says whether problems were found.
        Err(e) if e.kind == Kind::ClosedPipe => verdict,
        Err(e) => Err(e),
        Ok(()) => verdict,
    }
}

fn print_problems(problems: &[Problem], tickets: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for p in problems {
        if p.column > 0 {
            writeln!(out, "{}:{}:{}: {}", Shown(&p.path), p.line, p.column, Shown(&p.message))?;
        } else {
            writeln!(out, "{}:{}: {}", Shown(&p.path), p.line, Shown(&p.message))?;
        }
    }
    out.flush()?;
    let noun = if problems.len() == 1 { "problem" } else { "problems" };
    let files = if tickets == 1 { "ticket" } else { "tickets" };
    say!("checked desk.yaml and {tickets} {files}: {} {noun}", problems.len());
    Ok(())
}
