//! `.git/desk/sla`: every ticket's timeline — its steps, each with the
//! desk.yaml in force and the policy and targets that applied — derived from
//! the event log up to a tip. Clocks at any moment are computed from steps
//! alone, so with this file the commands that show clocks read neither the
//! event log nor re-evaluate policies. Only a cache: a file that is missing,
//! from another version or tip, or corrupt is ignored and derived again.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::clock::{Applied, Happening, Phase, Step, Targets};
use super::evaluate::Ruleset;
use crate::store::{Store, checksum};

const FILE_NAME: &str = "sla";
const MAGIC: [u8; 8] = *b"desk-sla";
const VERSION: u32 = 3;

/// One step, with references into [`Timelines::configs`] and that desk.yaml's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStep {
    pub time: i64,
    happening: u8,
    phase: u8,
    /// The desk.yaml in force for the step (an index into `configs`).
    config: u16,
    /// The policy that applied (an index into that desk.yaml's policies) and its targets.
    applied: Option<(u16, [Option<i64>; 3])>,
}

/// Every ticket's steps, derived up to `tip`. Each ticket's steps are kept
/// encoded, and decoded only when that ticket's clocks are asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timelines {
    /// The desk branch's commit the steps were derived up to.
    pub tip: [u8; 20],
    /// The desk.yaml blobs the steps refer to.
    pub configs: Vec<[u8; 20]>,
    /// Ticket ids, sorted.
    ids: Vec<String>,
    /// Where each ticket's encoded steps start in `steps`; one more entry than `ids`.
    starts: Vec<u32>,
    /// Written after the rest as raw bytes (not as a postcard sequence, which
    /// would be read back byte by byte).
    #[serde(skip)]
    steps: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    version: u32,
    checksum: u64,
}

const HAPPENINGS: [Happening; 4] =
    [Happening::Created, Happening::RequesterMessage, Happening::Response, Happening::Other];
const PHASES: [Phase; 4] = [Phase::Active, Phase::Paused, Phase::Solved, Phase::Closed];

fn position<T: PartialEq>(all: &[T], x: &T) -> u8 {
    u8::try_from(all.iter().position(|a| a == x).unwrap_or(0)).unwrap_or(0)
}

impl SavedStep {
    /// Saves `step`, taken under `ruleset` (the `config`-th desk.yaml); `None`
    /// when its policy is not one of the ruleset's.
    pub fn of(step: &Step, config: u16, ruleset: &Ruleset) -> Option<SavedStep> {
        let applied = match &step.applied {
            None => None,
            Some(a) => {
                let p = ruleset.sla.policies.iter().position(|p| Rc::ptr_eq(&p.name, &a.policy))?;
                let t = a.targets;
                Some((u16::try_from(p).ok()?, [t.first_response, t.next_response, t.resolution]))
            }
        };
        Some(SavedStep {
            time: step.time,
            happening: position(&HAPPENINGS, &step.happening),
            phase: position(&PHASES, &step.phase),
            config,
            applied,
        })
    }

    /// The step again, with the policy and calendar of `rulesets[config]`;
    /// `None` when the file refers to what is not there.
    pub fn step(&self, rulesets: &[Rc<Ruleset>]) -> Option<Step> {
        let ruleset = rulesets.get(usize::from(self.config))?;
        let applied = match self.applied {
            None => None,
            Some((p, [first_response, next_response, resolution])) => {
                let policy = ruleset.sla.policies.get(usize::from(p))?;
                Some(Applied {
                    policy: Rc::clone(&policy.name),
                    targets: Targets { first_response, next_response, resolution },
                    calendar: Rc::clone(&policy.calendar),
                })
            }
        };
        Some(Step {
            time: self.time,
            happening: *HAPPENINGS.get(usize::from(self.happening))?,
            phase: *PHASES.get(usize::from(self.phase))?,
            applied,
        })
    }

    /// The index of the desk.yaml in force for the step.
    pub fn config(&self) -> usize {
        usize::from(self.config)
    }

    /// The same step with its desk.yaml at index `config`.
    #[must_use]
    pub fn with_config(self, config: u16) -> SavedStep {
        SavedStep { config, ..self }
    }
}

impl Timelines {
    /// No tickets yet, derived up to `tip` under the desk.yaml files `configs`.
    pub fn new(tip: [u8; 20], configs: Vec<[u8; 20]>) -> Timelines {
        Timelines { tip, configs, ids: Vec::new(), starts: vec![0], steps: Vec::new() }
    }

    /// Adds the steps of the ticket `id`, which sorts after every id added so far.
    pub fn push(&mut self, id: &str, steps: &[SavedStep]) -> Option<()> {
        self.steps.extend(postcard::to_allocvec(steps).ok()?);
        self.ids.push(id.to_owned());
        self.starts.push(u32::try_from(self.steps.len()).ok()?);
        Some(())
    }

    /// The saved steps of ticket `id` (empty when it has none); `None` when
    /// the file does not hold what it should.
    pub fn of(&self, id: &str) -> Option<Vec<SavedStep>> {
        let Ok(i) = self.ids.binary_search_by(|x| x.as_str().cmp(id)) else { return Some(Vec::new()) };
        let bytes = self.steps.get(self.starts[i] as usize..self.starts[i + 1] as usize)?;
        let steps: Vec<SavedStep> = postcard::from_bytes(bytes).ok()?;
        steps.iter().all(|s| s.config() < self.configs.len()).then_some(steps)
    }

    fn is_consistent(&self) -> bool {
        self.starts.len() == self.ids.len() + 1
            && self.starts.first() == Some(&0)
            && self.starts.last().is_some_and(|&l| l as usize == self.steps.len())
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && self.ids.windows(2).all(|w| w[0] < w[1])
    }
}

/// The saved timelines, whatever tip they were derived up to, if there are
/// trustworthy ones.
pub fn read(store: &Store) -> Option<Timelines> {
    let bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if header.magic != MAGIC || header.version != VERSION || header.checksum != checksum(rest) {
        return None;
    }
    let (mut timelines, steps): (Timelines, &[u8]) = postcard::take_from_bytes(rest).ok()?;
    timelines.steps = steps.to_vec();
    timelines.is_consistent().then_some(timelines)
}

/// Writes the timelines atomically (a temporary file renamed over the old
/// one); a failure costs speed, never correctness.
pub fn write(store: &Store, timelines: &Timelines) {
    let dir = store.cache_dir();
    let Ok(mut body) = postcard::to_allocvec(timelines) else { return };
    body.extend_from_slice(&timelines.steps);
    let header = Header { magic: MAGIC, version: VERSION, checksum: checksum(&body) };
    let Ok(mut bytes) = postcard::to_allocvec(&header) else { return };
    bytes.extend_from_slice(&body);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
