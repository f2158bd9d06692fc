//! `desk tui`, the terminal UI: a queue of tickets sorted by when they are
//! due, a ticket view, and keys that run desk's own commands. `queue` reads
//! the desk branch, `app` holds the state and decides what keys do, `view`
//! draws it, `session` runs it on a terminal.

mod ansi;
pub mod app;
pub mod queue;
pub mod session;
pub mod view;

pub use session::{print_frame, run};

#[cfg(test)]
mod tests;
