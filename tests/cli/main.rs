//! End-to-end tests: the real `desk` binary in temporary repositories.

mod common;

mod basics;
mod bench_gen;
mod generated;
mod history;
