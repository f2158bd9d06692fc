//! End-to-end tests: the real `desk` binary in temporary repositories.

// A scenario reads best as one function, top to bottom, however long.
#![allow(clippy::too_many_lines)]

#[allow(dead_code)] // each helper is used by some test modules only
mod common;

/// The large-helpdesk generator, shared with `examples/gen_helpdesk.rs`.
#[path = "../../bench/support.rs"]
#[allow(dead_code)]
mod bench_support;

mod args;
mod bare;
mod basics;
mod bench_gen;
mod bulk;
mod concurrency;
mod conventions;
mod edit;
mod errors;
mod export;
mod format;
mod generated;
mod history;
mod import;
mod json;
mod kb;
mod link_commits;
mod links;
mod list;
mod macros;
mod mail;
mod mail_corpus;
mod merging;
mod portal;
mod portal_browser;
mod readers;
mod readme;
mod remote_safety;
mod removal;
mod rules;
mod safety;
mod schema;
mod sla;
mod sync;
mod tickets;
#[cfg(feature = "tui")]
mod tui;
mod workflow;
