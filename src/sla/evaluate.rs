//! The clocks of tickets from the event log: each event's steps judged under
//! the desk.yaml in force for it (the one of its commit, or one chosen for a
//! what-if), evaluated at a moment. Pure: the caller reads the desk.yaml files.

use std::rc::Rc;

use super::clock::{ClockStatus, Cycle, Step};
use super::config::{self, Problem, SlaConfig, Warning};
use super::timeline::{Setting, steps};
use crate::history::{History, Kind};
use crate::workflow::Config;

/// One desk.yaml, read for the clocks.
#[derive(Debug)]
pub struct Ruleset {
    pub config: Config,
    pub sla: SlaConfig,
    /// What is wrong with its `calendars:` and `sla:` sections.
    pub problems: Vec<Problem>,
}

impl Ruleset {
    /// Reads the SLA sections of a parsed desk.yaml.
    pub fn of(config: Config) -> Ruleset {
        let (sla, problems) =
            config::parse(config.other.get("calendars"), config.other.get("sla"), &config.priorities.levels);
        Ruleset { config, sla, problems }
    }

    /// The warning of the policy named `policy`.
    pub fn warning(&self, policy: &str) -> Option<Warning> {
        self.sla.policies.iter().find(|p| &*p.name == policy).and_then(|p| p.warning)
    }
}

/// The steps of one ticket: its events (indices into `history.events`, in
/// time order), each judged under the ruleset `ruleset_of` gives for it.
pub fn ticket_steps(history: &History, events: &[u32], ruleset_of: &dyn Fn(u32) -> Rc<Ruleset>) -> Vec<Step> {
    let kinds: Vec<(i64, Kind<String>)> =
        events.iter().map(|&i| &history.events[i as usize]).map(|e| (e.time, history.kind(e))).collect();
    let refs: Vec<(i64, &Kind<String>)> = kinds.iter().map(|(t, k)| (*t, k)).collect();
    let rulesets: Vec<Rc<Ruleset>> = events.iter().map(|&i| ruleset_of(i)).collect();
    steps(&refs, |i| Setting {
        config: &rulesets[i].config,
        sla: &rulesets[i].sla,
        people: rulesets[i].config.people().ok().filter(|p| p.has_agents()),
    })
}

/// Whether a period is overdue, or (with `warn`) due within that many business
/// seconds.
pub fn alarming(cycle: &Cycle, warn: Option<i64>) -> bool {
    match cycle.status {
        ClockStatus::Breached => true,
        ClockStatus::Running | ClockStatus::Paused => {
            warn.is_some_and(|w| cycle.remaining.is_some_and(|r| r <= w))
        }
        ClockStatus::Met | ClockStatus::NotApplicable => false,
    }
}
