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
use crate::store::{Store, shard_checksum};

const FILE_NAME: &str = "sla";
const MAGIC: [u8; 8] = *b"desk-sla";
const VERSION: u32 = 4;

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
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timelines {
    /// The desk branch's commit the steps were derived up to.
    pub tip: [u8; 20],
    /// The desk.yaml blobs the steps refer to.
    pub configs: Vec<[u8; 20]>,
    /// Ticket ids, sorted, one after the other (one string, not one per ticket).
    ids: String,
    /// Where each id ends in `ids`.
    id_ends: Vec<u32>,
    /// Where each ticket's encoded steps start in the steps; one more entry than ids.
    starts: Vec<u32>,
    /// The encoded steps start at `data[steps_at]`: written after the rest as
    /// raw bytes (a postcard sequence would be read back byte by byte), and
    /// read back in place, in the buffer the file was read into.
    #[serde(skip)]
    data: Vec<u8>,
    #[serde(skip)]
    steps_at: usize,
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
        Timelines { tip, configs, starts: vec![0], ..Timelines::default() }
    }

    fn steps(&self) -> &[u8] {
        &self.data[self.steps_at..]
    }

    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] as usize };
        &self.ids[start..self.id_ends[i] as usize]
    }

    /// Adds the steps of the ticket `id`, which sorts after every id added so far.
    pub fn push(&mut self, id: &str, steps: &[SavedStep]) -> Option<()> {
        self.data.extend(postcard::to_allocvec(steps).ok()?);
        self.ids.push_str(id);
        self.id_ends.push(u32::try_from(self.ids.len()).ok()?);
        self.starts.push(u32::try_from(self.data.len()).ok()?);
        Some(())
    }

    /// The saved steps of ticket `id` (empty when it has none); `None` when
    /// the file does not hold what it should.
    pub fn of(&self, id: &str) -> Option<Vec<SavedStep>> {
        let (mut low, mut high) = (0, self.id_ends.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => {
                    let bytes = self.steps().get(self.starts[mid] as usize..self.starts[mid + 1] as usize)?;
                    let steps: Vec<SavedStep> = postcard::from_bytes(bytes).ok()?;
                    return steps.iter().all(|s| s.config() < self.configs.len()).then_some(steps);
                }
            }
        }
        Some(Vec::new())
    }

    fn is_consistent(&self) -> bool {
        let ends_ok = self.id_ends.windows(2).all(|w| w[0] <= w[1])
            && self.id_ends.last().is_none_or(|&l| l as usize == self.ids.len())
            && self.id_ends.iter().all(|&e| self.ids.is_char_boundary(e as usize));
        ends_ok
            && self.starts.len() == self.id_ends.len() + 1
            && self.starts.first() == Some(&0)
            && self.starts.last().is_some_and(|&l| l as usize == self.steps().len())
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && (1..self.id_ends.len()).all(|i| self.id(i - 1) < self.id(i))
    }
}

/// The saved timelines, whatever tip they were derived up to, if there are
/// trustworthy ones.
pub fn read(store: &Store) -> Option<Timelines> {
    decode(std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?)
}

/// The timelines a file holds, if it is intact and of this version.
fn decode(bytes: Vec<u8>) -> Option<Timelines> {
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if header.magic != MAGIC || header.version != VERSION || header.checksum != shard_checksum(rest) {
        return None;
    }
    let (mut timelines, steps): (Timelines, &[u8]) = postcard::take_from_bytes(rest).ok()?;
    timelines.steps_at = bytes.len() - steps.len();
    timelines.data = bytes;
    timelines.is_consistent().then_some(timelines)
}

/// The bytes of a file holding `timelines`.
fn encode(timelines: &Timelines) -> Option<Vec<u8>> {
    let mut body = postcard::to_allocvec(timelines).ok()?;
    body.extend_from_slice(timelines.steps());
    let header = Header { magic: MAGIC, version: VERSION, checksum: shard_checksum(&body) };
    let mut bytes = postcard::to_allocvec(&header).ok()?;
    bytes.extend_from_slice(&body);
    Some(bytes)
}

/// Writes the timelines atomically (a temporary file renamed over the old
/// one); a failure costs speed, never correctness.
pub fn write(store: &Store, timelines: &Timelines) {
    let dir = store.cache_dir();
    let Some(bytes) = encode(timelines) else { return };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(time: i64, config: u16) -> SavedStep {
        SavedStep {
            time,
            happening: 0,
            phase: 1,
            config,
            applied: Some((0, [Some(3600), None, Some(86400)])),
        }
    }

    fn sample() -> Timelines {
        let mut t = Timelines::new([1; 20], vec![[2; 20], [3; 20]]);
        t.push("0aaaa1", &[step(10, 0), step(20, 1)]).unwrap();
        t.push("0aaab2", &[]).unwrap();
        t.push("k3x9q2", &[step(30, 1)]).unwrap();
        t
    }

    #[test]
    fn each_ticket_s_steps_come_back_from_the_file() {
        let back = decode(encode(&sample()).unwrap()).unwrap();
        assert_eq!((back.tip, back.configs.clone()), ([1; 20], vec![[2; 20], [3; 20]]));
        assert_eq!(back.of("0aaaa1"), Some(vec![step(10, 0), step(20, 1)]));
        assert_eq!(back.of("0aaab2"), Some(vec![]));
        assert_eq!(back.of("k3x9q2"), Some(vec![step(30, 1)]));
        assert_eq!(back.of("0aaaa"), Some(vec![]), "an id prefix is not an id");
        assert_eq!(back.of("zzzz"), Some(vec![]));
    }

    #[test]
    fn a_damaged_file_is_not_trusted() {
        let bytes = encode(&sample()).unwrap();
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert!(decode(flipped).is_none(), "byte {i}");
        }
        assert!(decode(bytes[..bytes.len() - 1].to_vec()).is_none());
    }

    #[test]
    fn a_step_naming_a_desk_yaml_the_file_does_not_list_is_refused() {
        let mut t = Timelines::new([1; 20], vec![[2; 20]]);
        t.push("0aaaa1", &[step(10, 5)]).unwrap();
        assert_eq!(decode(encode(&t).unwrap()).unwrap().of("0aaaa1"), None);
    }
}
