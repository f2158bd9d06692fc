//! The clocks of a helpdesk's tickets from its desk branch: the event log, and
//! the desk.yaml in force for each event (its commit's, or one chosen for a
//! what-if), evaluated at a moment (now, or as things stood at a date or a
//! commit). What `desk sla`, `desk next` and the reports read clocks from.

use std::collections::HashMap;
use std::rc::Rc;

use super::clock::{ClockStatus, Cycle};
use super::config::Problem;
use super::evaluate::{Ruleset, alarming, latest, ticket_cycles};
use crate::history::{self, History};
use crate::model::ParseError;
use crate::query::ClockFacts;
use crate::store::{CONFIG_PATH, Oid, Store, StoreError, Tip};
use crate::workflow::Config;

/// When clocks are evaluated, and which history counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Unix seconds: events after it do not count.
    pub now: i64,
    /// Only the commits this one contains count (`--as-of REV`).
    pub within: Option<Oid>,
}

/// A ticket's clocks, and the desk.yaml in force at its last event (for the
/// warnings of its policies).
#[derive(Clone, Debug)]
pub struct TicketClocks {
    pub cycles: Vec<Cycle>,
    pub ruleset: Rc<Ruleset>,
}

impl TicketClocks {
    /// The latest period of each clock.
    pub fn clocks(&self) -> Vec<&Cycle> {
        latest(&self.cycles)
    }

    /// The clocks still to be met: running, or breached and not met yet.
    fn outstanding(&self) -> impl Iterator<Item = &Cycle> {
        self.clocks().into_iter().filter(|c| {
            c.met_at.is_none()
                && c.due.is_some()
                && matches!(c.status, ClockStatus::Running | ClockStatus::Breached)
        })
    }

    /// The earliest due time of a clock still to be met (running, or breached
    /// and not met yet).
    pub fn next_due(&self) -> Option<i64> {
        self.outstanding().filter_map(|c| c.due).min()
    }

    /// The remaining business time at which `cycle` is due soon, by its policy's `warning`.
    pub fn warning(&self, cycle: &Cycle) -> Option<i64> {
        let warning = self.ruleset.warning(cycle.policy.as_deref()?)?;
        Some(warning.threshold(cycle.target?))
    }

    /// Where its clocks stand, for the query terms `sla:` and `due:`.
    pub fn facts(&self) -> ClockFacts {
        let clocks = self.clocks();
        let any = |status: ClockStatus| clocks.iter().any(|c| c.status == status);
        let next = self.outstanding().min_by_key(|c| c.due);
        ClockFacts {
            running: any(ClockStatus::Running),
            paused: any(ClockStatus::Paused),
            met: any(ClockStatus::Met),
            breached: any(ClockStatus::Breached),
            warning: clocks.iter().any(|c| c.status != ClockStatus::Breached && alarming(c, self.warning(c))),
            measured: clocks.iter().any(|c| c.target.is_some()),
            due_in: next.and_then(|c| c.remaining),
        }
    }

    /// The policy of its clocks, if one applies.
    pub fn policy(&self) -> Option<&str> {
        self.clocks().iter().find_map(|c| c.policy.as_deref())
    }
}

/// The event log and the rulesets of the desk branch at a tip.
pub struct Ledger<'s> {
    store: &'s Store,
    history: History,
    commit_of: Vec<u32>,
    events: HashMap<String, Vec<u32>>,
    /// Per commit of the history: whether it counts (`--as-of REV`).
    counted: Option<Vec<bool>>,
    moment: Moment,
    /// `--policy REV`: the one ruleset for every event.
    fixed: Option<Rc<Ruleset>>,
    /// The tip's ruleset: for commits without a desk.yaml desk can read.
    current: Rc<Ruleset>,
    by_blob: HashMap<Oid, Rc<Ruleset>>,
    by_commit: Vec<Option<Rc<Ruleset>>>,
}

fn parse_config(store: &Store, blob: Oid) -> Result<Config, StoreError> {
    let text = store.blob(blob)?;
    Config::parse(&String::from_utf8_lossy(&text)).map_err(|e| StoreError::Malformed {
        path: CONFIG_PATH.into(),
        error: ParseError { line: e.line, message: e.message },
    })
}

impl<'s> Ledger<'s> {
    /// Opens the ledger of the desk branch at `tip`, evaluated at `moment`;
    /// `policy` is a commit whose desk.yaml judges every event (a what-if).
    pub fn open(
        store: &'s Store,
        tip: &Tip,
        moment: Moment,
        policy: Option<Oid>,
    ) -> Result<Ledger<'s>, StoreError> {
        let history = history::load(store, tip)?;
        let current = Rc::new(Ruleset::of(Config::load(store, tip)?));
        let fixed = match policy {
            None => None,
            Some(commit) => {
                let blob = store.blob_in_commit(commit, CONFIG_PATH)?.ok_or_else(|| {
                    StoreError::NotInitialised(format!("{commit} (it has no {CONFIG_PATH})"))
                })?;
                Some(Rc::new(Ruleset::of(parse_config(store, blob)?)))
            }
        };
        let commit_of = history.commits.of_events();
        let counted = match moment.within {
            None => None,
            Some(within) => {
                let ancestry = store.ancestry(within)?;
                Some(
                    (0..history.commits.len())
                        .map(|i| Oid::from_bytes(history.commits.id(i)).is_ok_and(|c| ancestry.contains(&c)))
                        .collect(),
                )
            }
        };
        let mut events: HashMap<String, Vec<u32>> = HashMap::new();
        for (ticket, list) in crate::report::events_by_ticket(&history).iter() {
            events.insert(history.str(ticket).to_owned(), list.to_vec());
        }
        let by_commit = vec![None; history.commits.len()];
        Ok(Ledger {
            store,
            history,
            commit_of,
            events,
            counted,
            moment,
            fixed,
            current,
            by_blob: HashMap::new(),
            by_commit,
        })
    }

    /// The first problem of the calendars and policies that judge the events
    /// (the what-if's, else today's desk.yaml).
    pub fn problem(&self) -> Option<&Problem> {
        self.fixed.as_ref().unwrap_or(&self.current).problems.first()
    }

    /// The event log the clocks are computed from (the whole branch).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Whether event `e` is in a commit that counts (`--as-of REV`: one the
    /// revision contains).
    pub fn counts(&self, e: u32) -> bool {
        self.counted.as_ref().is_none_or(|c| c[self.commit_of[e as usize] as usize])
    }

    /// The moment clocks are evaluated at.
    pub fn moment(&self) -> Moment {
        self.moment
    }

    /// The ruleset in force for commit `i` of the history.
    fn ruleset_of_commit(&mut self, i: usize) -> Rc<Ruleset> {
        if let Some(r) = &self.fixed {
            return Rc::clone(r);
        }
        if let Some(r) = &self.by_commit[i] {
            return Rc::clone(r);
        }
        // The desk.yaml of the commit, recorded by the history walk.
        let ruleset = match self.history.config_at(i) {
            None => Rc::clone(&self.current),
            Some(blob) => {
                if let Some(r) = self.by_blob.get(&blob) {
                    Rc::clone(r)
                } else {
                    // A desk.yaml that does not parse leaves its commits to today's.
                    let r = parse_config(self.store, blob)
                        .map_or_else(|_| Rc::clone(&self.current), |c| Rc::new(Ruleset::of(c)));
                    self.by_blob.insert(blob, Rc::clone(&r));
                    r
                }
            }
        };
        self.by_commit[i] = Some(Rc::clone(&ruleset));
        ruleset
    }

    /// The clocks of the ticket `id` (full id).
    pub fn clocks(&mut self, id: &str) -> Result<TicketClocks, StoreError> {
        let mut events = self.events.get(id).cloned().unwrap_or_default();
        if let Some(counted) = &self.counted {
            events.retain(|&e| counted[self.commit_of[e as usize] as usize]);
        }
        let mut per_event = HashMap::with_capacity(events.len());
        for &e in &events {
            let ruleset = self.ruleset_of_commit(self.commit_of[e as usize] as usize);
            per_event.insert(e, ruleset);
        }
        let now = self.moment.now;
        let cycles = ticket_cycles(&self.history, &events, &|e| Rc::clone(&per_event[&e]), now);
        let last = events.iter().rev().find(|&&e| self.history.events[e as usize].time <= now);
        let ruleset = last.map_or_else(|| Rc::clone(&self.current), |e| Rc::clone(&per_event[e]));
        Ok(TicketClocks { cycles, ruleset })
    }
}
