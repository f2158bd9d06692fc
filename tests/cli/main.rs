//! End-to-end tests: the real `desk` binary in temporary repositories.

#[allow(dead_code)] // each helper is used by some test modules only
mod common;

mod basics;
mod generated;
mod sync;
