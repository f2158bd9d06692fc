//! desk: a helpdesk that lives in a git repository.
//!
//! Layers point one way: `cli` → `query`/`workflow` → `store` → `model`.

pub mod cli;
pub mod history;
pub mod import;
pub mod kb;
pub mod mail;
pub mod merge;
pub mod model;
pub mod portal;
pub mod query;
pub mod report;
pub mod rules;
pub mod sla;
pub mod store;
pub mod time;
pub mod workflow;
