//! Service levels: business calendars, SLA policies, and the clocks of each
//! ticket, derived from its history. Pure: takes events and configuration,
//! never a repository. The definitions are in docs/sla.md.

pub mod calendar;
pub mod clock;
pub mod compliance;
pub mod config;
pub mod evaluate;
pub mod ledger;
pub mod saved;
pub mod timeline;

pub use crate::report::{Compliance, SlaCompliance};
pub use crate::time::parse_duration;
pub use calendar::{Calendar, Range};
pub use clock::{Applied, ClockKind, ClockStatus, Cycle, Happening, Phase, Step, Targets, cycles};
pub use config::{Policy, SlaConfig, Warning};
