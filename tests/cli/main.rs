//! End-to-end tests: the real `desk` binary in temporary repositories.

#[allow(dead_code)] // each helper is used by some test modules only
mod common;

mod bare;
mod basics;
mod bench_gen;
mod concurrency;
mod edit;
mod errors;
mod generated;
mod history;
mod list;
mod remote_safety;
mod safety;
mod sync;
mod tickets;
