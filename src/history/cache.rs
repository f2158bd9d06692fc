//! The event log on disk: `.git/desk/history`, a postcard-encoded [`History`]
//! behind a magic string and a version. Only a cache: a file that is missing,
//! from another version, corrupt or inconsistent is ignored and rebuilt, and
//! failing to write it costs speed, never correctness.

use std::io::Write as _;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{Commits, Event, History, Strings, Sym};
use crate::store::{Store, checksum};

const FILE_NAME: &str = "history";
const MAGIC: [u8; 8] = *b"deskhist";
const VERSION: u32 = 3;

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    version: u32,
    /// [`checksum`] of the encoded log that follows.
    checksum: u64,
}

/// The encoded log in the cache file, once its header and checksum are checked.
fn read_body(store: &Store) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if header.magic != MAGIC || header.version != VERSION || header.checksum != checksum(rest) {
        return None;
    }
    let start = bytes.len() - rest.len();
    bytes.drain(..start);
    Some(bytes)
}

/// The cached log, if there is a trustworthy one.
pub fn read(store: &Store) -> Option<History> {
    let body = read_body(store)?;
    let (history, rest): (History, &[u8]) = postcard::take_from_bytes(&body).ok()?;
    (rest.is_empty() && history.is_consistent()).then_some(history)
}

/// The events of one ticket from the cached log (whatever its tip), each with
/// the index of its commit, without building the events of every other ticket
/// (what `desk log` needs). The log is checked as [`read`] checks it; `None`
/// when there is no trustworthy cache. The result is never written back.
pub fn read_ticket(store: &Store, ticket: &str) -> Option<(History, Vec<u32>)> {
    let body = read_body(store)?;
    let mut de = postcard::Deserializer::from_bytes(&body);
    let found = serde::Deserializer::deserialize_tuple(&mut de, 4, TicketVisitor { ticket }).ok()?;
    de.finalize().ok().filter(|rest| rest.is_empty())?;
    Some(found)
}

/// Decodes a [`History`] (tip, strings, commits, events), keeping only the
/// events of `ticket`.
struct TicketVisitor<'a> {
    ticket: &'a str,
}

impl<'de> Visitor<'de> for TicketVisitor<'_> {
    type Value = (History, Vec<u32>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event log")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = || serde::de::Error::custom("the event log is cut short");
        let tip: [u8; 20] = seq.next_element()?.ok_or_else(missing)?;
        let strings: Strings = seq.next_element()?.ok_or_else(missing)?;
        let commits: Commits = seq.next_element()?.ok_or_else(missing)?;
        if !strings.is_consistent() {
            return Err(serde::de::Error::custom("interned strings are out of order"));
        }
        let wanted = strings.iter().position(|s| s == self.ticket).and_then(|i| Sym::try_from(i).ok());
        let seed = EventsSeed { wanted, strings: strings.len(), per_commit: &commits.events };
        let (events, commit_of) = seq.next_element_seed(seed)?.ok_or_else(missing)?;
        Ok((History { tip, strings, commits, events }, commit_of))
    }
}

/// Decodes the event list, checking every event as [`History::is_consistent`]
/// does, and keeping those of one ticket with their commit's index.
struct EventsSeed<'a> {
    wanted: Option<Sym>,
    strings: usize,
    per_commit: &'a [u32],
}

impl<'de> DeserializeSeed<'de> for EventsSeed<'_> {
    type Value = (Vec<Event>, Vec<u32>);

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed<'_> {
    type Value = (Vec<Event>, Vec<u32>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let bad = || serde::de::Error::custom("an event does not fit the log");
        let (mut events, mut commit_of) = (Vec::new(), Vec::new());
        let mut commits = self.per_commit.iter().enumerate();
        let (mut commit, mut left) = (0usize, 0u32);
        while let Some(event) = seq.next_element::<Event>()? {
            while left == 0 {
                let (i, &n) = commits.next().ok_or_else(bad)?;
                (commit, left) = (i, n);
            }
            left -= 1;
            let mut fine = (event.ticket as usize) < self.strings && (event.actor as usize) < self.strings;
            event.kind.map(|s| fine &= (*s as usize) < self.strings);
            if !fine {
                return Err(bad());
            }
            if Some(event.ticket) == self.wanted {
                events.push(event);
                commit_of.push(u32::try_from(commit).map_err(|_| bad())?);
            }
        }
        // Every commit's count must be used up exactly.
        if left != 0 || commits.any(|(_, &n)| n != 0) {
            return Err(bad());
        }
        Ok((events, commit_of))
    }
}

/// Writes the log, atomically (a temporary file renamed over the old one).
pub fn write(store: &Store, history: &History) {
    let dir = store.cache_dir();
    let estimate = history.events.len() * 16 + history.commits.len() * 24 + history.strings.len() * 12;
    let Ok(body) = postcard::to_extend(history, Vec::with_capacity(estimate)) else { return };
    let header = Header { magic: MAGIC, version: VERSION, checksum: checksum(&body) };
    let Ok(head) = postcard::to_stdvec(&header) else { return };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(&head)?;
        f.write_all(&body)
    });
    if written.is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes the cached log.
pub fn remove(store: &Store) {
    let _ = std::fs::remove_file(store.cache_dir().join(FILE_NAME));
}
