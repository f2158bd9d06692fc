//! End-to-end tests: the real `desk` binary in temporary repositories.

mod common;

mod bare;
mod basics;
mod bench_gen;
mod concurrency;
mod edit;
mod errors;
mod generated;
mod list;
mod tickets;
