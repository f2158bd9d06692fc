//! Generates a large helpdesk for benchmarks:
//!
//! ```text
//! cargo run --release --example gen_helpdesk -- --tickets 100000 --out DIR [--history] [--seed N] [--no-repack]
//! ```
//!
//! `DIR` becomes (or already is) a git repository whose `desk` branch holds the
//! tickets; the branch must not exist yet. Without `--history` each ticket is
//! one commit; with it, about five (see `bench/support.rs`). The objects are
//! then repacked as `git gc` would (about a minute at 100k tickets), unless
//! `--no-repack`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, Utc};
use clap::Parser;
#[path = "../bench/support.rs"]
#[allow(dead_code)] // the tests use more of it than this program
mod bench_support;

use bench_support::Options;

/// Generate a git repository with a desk branch of N synthetic tickets.
#[derive(Debug, Parser)]
struct Args {
    /// Number of tickets.
    #[arg(long, default_value_t = 1000)]
    tickets: usize,

    /// Directory of the repository (created, and `git init`ed, if needed).
    #[arg(long)]
    out: PathBuf,

    /// About five commits per ticket (created, assigned, replies, notes,
    /// status changes, reopens, ratings) instead of one.
    #[arg(long)]
    history: bool,

    /// Leave the objects as `git fast-import` packed them: faster to make,
    /// slower to read than a repacked (gc'ed or cloned) repository.
    #[arg(long)]
    no_repack: bool,

    /// Seed of every random choice: the same seed gives the same commits.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// No ticket or event is later than this RFC 3339 time; tickets are created
    /// over the year before it.
    #[arg(long, default_value = bench_support::DEFAULT_END)]
    end: DateTime<Utc>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = Options {
        tickets: args.tickets,
        seed: args.seed,
        history: args.history,
        repack: !args.no_repack,
        end: args.end,
    };
    let started = Instant::now();
    match bench_support::generate(&args.out, &opts) {
        Ok(generated) => {
            eprintln!(
                "generated {} tickets in {} commits at {} in {:.1}s",
                generated.tickets,
                generated.commits,
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
