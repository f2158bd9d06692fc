//! End-to-end tests: the real `desk` binary in temporary repositories.

mod common;

mod basics;
mod edit;
mod errors;
mod generated;
mod list;
mod tickets;
