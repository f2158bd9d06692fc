//! The clocks of a helpdesk's tickets from its desk branch: the event log, and
//! the desk.yaml in force for each event (its commit's, or one chosen for a
//! what-if), evaluated at a moment (now, or as things stood at a date or a
//! commit). What `desk sla`, `desk next` and the reports read clocks from.

use std::collections::HashMap;
use std::rc::Rc;

use super::clock::{ClockKind, ClockStatus, Cycle};
use super::clock::{Step, cycles};
use super::config::Problem;
use super::evaluate::{Ruleset, alarming, ticket_steps};
use super::saved::{self, SavedStep, Timelines};
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
    pub fn clocks(&self) -> impl Iterator<Item = &Cycle> + Clone {
        ClockKind::ALL.into_iter().filter_map(|k| self.cycles.iter().rev().find(|c| c.kind == k))
    }

    /// The clocks still to be met: running, or breached and not met yet.
    fn outstanding(&self) -> impl Iterator<Item = &Cycle> {
        self.clocks().filter(|c| {
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
        let any = |status: ClockStatus| clocks.clone().any(|c| c.status == status);
        let next = self.outstanding().min_by_key(|c| c.due);
        ClockFacts {
            running: any(ClockStatus::Running),
            paused: any(ClockStatus::Paused),
            met: any(ClockStatus::Met),
            breached: any(ClockStatus::Breached),
            warning: clocks
                .clone()
                .any(|c| c.status != ClockStatus::Breached && alarming(c, self.warning(c))),
            measured: clocks.clone().any(|c| c.target.is_some()),
            due_in: next.and_then(|c| c.remaining),
        }
    }

    /// The policy of its clocks, if one applies.
    pub fn policy(&self) -> Option<&str> {
        self.clocks().find_map(|c| c.policy.as_deref())
    }
}

/// The event log of the desk branch, and which desk.yaml judged each commit.
struct Log {
    history: Rc<History>,
    commit_of: Vec<u32>,
    events: HashMap<String, Vec<u32>>,
    /// Per commit of the history: whether it counts (`--as-of REV`).
    counted: Option<Vec<bool>>,
    /// Per commit of the history: its desk.yaml, an index into `Ledger::rulesets`.
    config_of: Vec<u16>,
}

/// The saved timelines, and the rulesets their steps refer to.
struct Saved {
    timelines: Timelines,
    rulesets: Vec<Rc<Ruleset>>,
}

/// The clocks of the desk branch at a tip: from the saved timelines when they
/// are up to date and may be used (no `--as-of REV`, no `--policy`), else from
/// the event log.
pub struct Ledger<'s> {
    store: &'s Store,
    tip: Tip,
    moment: Moment,
    /// `--policy REV`: the one ruleset for every event.
    fixed: Option<Rc<Ruleset>>,
    /// The tip's ruleset: for commits without a desk.yaml desk can read.
    current: Rc<Ruleset>,
    /// Every desk.yaml read so far, with its blob; the tip's first.
    rulesets: Vec<(Rc<Ruleset>, Option<Oid>)>,
    /// The history of the tip, once read (shared with a report of the same tip).
    history: Option<Rc<History>>,
    log: Option<Log>,
    saved: Option<Saved>,
}

/// Per commit of `history`: whether `within` contains it (`--as-of REV`).
pub fn counted_commits(store: &Store, history: &History, within: Oid) -> Result<Vec<bool>, StoreError> {
    let ancestry = store.ancestry(within)?;
    Ok((0..history.commits.len())
        .map(|i| Oid::from_bytes(history.commits.id(i)).is_ok_and(|c| ancestry.contains(&c)))
        .collect())
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
        let tip_blob = store.blob_in_commit(tip.commit, CONFIG_PATH)?;
        let mut ledger = Ledger {
            store,
            tip: *tip,
            moment,
            fixed,
            current: Rc::clone(&current),
            rulesets: vec![(current, tip_blob)],
            history: None,
            log: None,
            saved: None,
        };
        if ledger.fixed.is_none() && moment.within.is_none() && ledger.problem().is_none() {
            ledger.saved = ledger.saved_timelines()?;
        }
        Ok(ledger)
    }

    /// The first problem of the calendars and policies that judge the events
    /// (the what-if's, else today's desk.yaml).
    pub fn problem(&self) -> Option<&Problem> {
        self.fixed.as_ref().unwrap_or(&self.current).problems.first()
    }

    /// The moment clocks are evaluated at.
    pub fn moment(&self) -> Moment {
        self.moment
    }

    /// The index of the ruleset of the desk.yaml `blob` (`None`: today's).
    fn ruleset_index(&mut self, blob: Option<Oid>) -> u16 {
        let Some(blob) = blob else { return 0 };
        if let Some(i) = self.rulesets.iter().position(|(_, b)| *b == Some(blob)) {
            return u16::try_from(i).unwrap_or(0);
        }
        // A desk.yaml that does not parse leaves its commits to today's.
        let Ok(config) = parse_config(self.store, blob) else { return 0 };
        let Ok(i) = u16::try_from(self.rulesets.len()) else { return 0 };
        self.rulesets.push((Rc::new(Ruleset::of(config)), Some(blob)));
        i
    }

    /// The event log, read when first needed.
    fn log(&mut self) -> Result<&Log, StoreError> {
        if self.log.is_none() {
            let log = self.read_log()?;
            self.log = Some(log);
        }
        Ok(self.log.as_ref().expect("the log was just read"))
    }

    /// The history of the desk branch at the tip, read once: a report of the
    /// same tip takes it from here rather than holding a second copy.
    pub fn history(&mut self) -> Result<Rc<History>, StoreError> {
        if let Some(history) = &self.history {
            return Ok(Rc::clone(history));
        }
        let history = Rc::new(history::load(self.store, &self.tip)?);
        self.history = Some(Rc::clone(&history));
        Ok(history)
    }

    fn read_log(&mut self) -> Result<Log, StoreError> {
        let history = self.history()?;
        let commit_of = history.commits.of_events();
        let counted =
            self.moment.within.map(|within| counted_commits(self.store, &history, within)).transpose()?;
        let mut events: HashMap<String, Vec<u32>> = HashMap::new();
        for (ticket, list) in crate::report::events_by_ticket(&history).iter() {
            events.insert(history.str(ticket).to_owned(), list.to_vec());
        }
        // The desk.yaml of each commit, recorded by the history walk.
        let config_of =
            (0..history.commits.len()).map(|i| self.ruleset_index(history.config_at(i))).collect();
        Ok(Log { history, commit_of, events, counted, config_of })
    }

    /// The ruleset in force for event `e` of the log.
    fn ruleset_of_event(&self, log: &Log, e: u32) -> Rc<Ruleset> {
        match &self.fixed {
            Some(r) => Rc::clone(r),
            None => {
                Rc::clone(&self.rulesets[usize::from(log.config_of[log.commit_of[e as usize] as usize])].0)
            }
        }
    }

    /// The timelines saved for the tip, or derived from the log and saved;
    /// `None` when they cannot be saved (a desk.yaml without a blob).
    fn saved_timelines(&mut self) -> Result<Option<Saved>, StoreError> {
        let tip = self.tip.commit;
        let old = match saved::read(self.store) {
            Some(timelines) if timelines.tip == tip.as_bytes() => {
                let mut rulesets = Vec::with_capacity(timelines.configs.len());
                for blob in &timelines.configs {
                    let i = self.ruleset_index(Oid::from_bytes(blob).ok());
                    rulesets.push(Rc::clone(&self.rulesets[usize::from(i)].0));
                }
                return Ok(Some(Saved { timelines, rulesets }));
            }
            old => old,
        };
        self.log()?;
        let Some(log) = self.log.take() else { return Ok(None) };
        let derived = self.derive(&log, tip, old.as_ref());
        self.log = Some(log);
        let Some(timelines) = derived else { return Ok(None) };
        saved::write(self.store, &timelines);
        let rulesets = self.rulesets.iter().map(|(r, _)| Rc::clone(r)).collect();
        Ok(Some(Saved { timelines, rulesets }))
    }

    /// Every ticket's steps from the log. The steps of `old` timelines (saved
    /// for an earlier tip under the same desk.yaml at the tip) are kept for
    /// every ticket with as many events as it had steps then: history only
    /// grows, so those tickets have not changed.
    fn derive(&self, log: &Log, tip: Oid, old: Option<&Timelines>) -> Option<Timelines> {
        let configs = self
            .rulesets
            .iter()
            .map(|(_, blob)| blob.and_then(|b| <[u8; 20]>::try_from(b.as_bytes()).ok()))
            .collect::<Option<Vec<[u8; 20]>>>()?;
        // Old config indices → ours, when today's desk.yaml is the same.
        let remap: Option<Vec<Option<u16>>> = old.filter(|o| o.configs.first() == configs.first()).map(|o| {
            o.configs
                .iter()
                .map(|b| configs.iter().position(|c| c == b).and_then(|i| u16::try_from(i).ok()))
                .collect()
        });
        let mut ids: Vec<&String> = log.events.keys().collect();
        ids.sort_unstable();
        let mut t = Timelines::new(<[u8; 20]>::try_from(tip.as_bytes()).ok()?, configs);
        let mut steps = Vec::new();
        for id in ids {
            let events = &log.events[id];
            let kept = old.zip(remap.as_ref()).and_then(|(o, remap)| {
                let steps = o.of(id)?;
                (steps.len() == events.len())
                    .then(|| {
                        steps
                            .iter()
                            .map(|s| remap[s.config()].map(|c| s.with_config(c)))
                            .collect::<Option<Vec<_>>>()
                    })
                    .flatten()
            });
            if let Some(kept) = kept {
                steps = kept;
            } else {
                steps.clear();
                let derived = ticket_steps(&log.history, events, &|e| self.ruleset_of_event(log, e));
                for (step, &e) in derived.iter().zip(events) {
                    let config = log.config_of[log.commit_of[e as usize] as usize];
                    steps.push(SavedStep::of(step, config, &self.rulesets[usize::from(config)].0)?);
                }
            }
            t.push(id, &steps)?;
        }
        Some(t)
    }

    /// The clocks of the ticket `id` (full id).
    pub fn clocks(&mut self, id: &str) -> Result<TicketClocks, StoreError> {
        let now = self.moment.now;
        if let Some(saved) = &self.saved {
            let saved_steps = saved.timelines.of(id);
            let steps: Option<Vec<Step>> = saved_steps
                .as_ref()
                .and_then(|steps| steps.iter().map(|s| s.step(&saved.rulesets)).collect());
            if let (Some(saved_steps), Some(steps)) = (saved_steps, steps) {
                let last = saved_steps.iter().rev().find(|s| s.time <= now);
                let ruleset =
                    last.map_or_else(|| Rc::clone(&self.current), |s| Rc::clone(&saved.rulesets[s.config()]));
                return Ok(TicketClocks { cycles: cycles(&steps, now), ruleset });
            }
        }
        self.log()?;
        let log = self.log.as_ref().expect("the log was just read");
        let mut events = log.events.get(id).cloned().unwrap_or_default();
        if let Some(counted) = &log.counted {
            events.retain(|&e| counted[log.commit_of[e as usize] as usize]);
        }
        events.retain(|&e| log.history.events[e as usize].time <= now);
        let steps = ticket_steps(&log.history, &events, &|e| self.ruleset_of_event(log, e));
        let ruleset =
            events.last().map_or_else(|| Rc::clone(&self.current), |&e| self.ruleset_of_event(log, e));
        Ok(TicketClocks { cycles: cycles(&steps, now), ruleset })
    }
}
