//! End-to-end tests: the real `desk` binary in temporary repositories.

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
mod concurrency;
mod conventions;
mod edit;
mod errors;
mod format;
mod generated;
mod history;
mod list;
mod readers;
mod readme;
mod removal;
mod sync;
mod tickets;
