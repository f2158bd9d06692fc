//! The event log on disk: `.git/desk/history`, a postcard-encoded [`History`]
//! behind a magic string and a version, followed by the [`checksum`] of the
//! encoded log (eight bytes, little-endian): the log is encoded straight into
//! the file, never whole in memory. Only a cache: a file that is missing,
//! from another version, corrupt or inconsistent is ignored and rebuilt, and
//! failing to write it costs speed, never correctness.

use std::io::Write;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{Commits, Event, History, Strings, Sym};
use crate::store::{Store, checksum};

const FILE_NAME: &str = "history";
const MAGIC: [u8; 8] = *b"deskhist";
/// 4: the checksum follows the log; the `desk.yaml` changes.
const VERSION: u32 = 8;

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    version: u32,
}

/// The encoded log in the cache file, once its header and checksum are checked.
fn read_body(store: &Store) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    let body_len = rest.len().checked_sub(8)?;
    let (body, sum) = rest.split_at(body_len);
    if header.magic != MAGIC || header.version != VERSION || sum != checksum(body).to_le_bytes() {
        return None;
    }
    let start = bytes.len() - rest.len();
    bytes.truncate(bytes.len() - 8);
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
    let found = serde::Deserializer::deserialize_tuple(&mut de, 5, TicketVisitor { ticket }).ok()?;
    de.finalize().ok().filter(|rest| rest.is_empty())?;
    Some(found)
}

/// Decodes a [`History`] (tip, strings, commits, events, `desk.yaml`
/// changes), keeping only the events of `ticket`.
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
        let configs = seq.next_element()?.ok_or_else(missing)?;
        let history = History { tip, strings, commits, events, configs };
        if !history.configs_are_consistent() {
            return Err(serde::de::Error::custom("desk.yaml changes are out of order"));
        }
        Ok((history, commit_of))
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

/// [`checksum`] of the bytes written through it, as they are written.
struct Summing<W> {
    inner: W,
    hash: u64,
    len: u64,
    /// The bytes of an unfinished eight-byte word.
    word: [u8; 8],
    filled: usize,
}

impl<W: Write> Summing<W> {
    fn new(inner: W) -> Summing<W> {
        Summing { inner, hash: 0xcbf2_9ce4_8422_2325, len: 0, word: [0; 8], filled: 0 }
    }

    fn mix(&mut self) {
        self.hash =
            (self.hash ^ u64::from_le_bytes(self.word)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
        (self.word, self.filled) = ([0; 8], 0);
    }

    /// The checksum of everything written, and the writer.
    fn finish(mut self) -> (u64, W) {
        if self.filled > 0 {
            self.mix();
        }
        (self.hash ^ self.len, self.inner)
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.len += n as u64;
        for &b in &buf[..n] {
            self.word[self.filled] = b;
            self.filled += 1;
            if self.filled == 8 {
                self.mix();
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the header, the encoded log and its checksum to `file`.
fn write_to(file: std::fs::File, history: &History) -> std::io::Result<()> {
    let header = Header { magic: MAGIC, version: VERSION };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    postcard::to_io(&header, &mut out).map_err(std::io::Error::other)?;
    let mut body = Summing::new(out);
    postcard::to_io(history, &mut body).map_err(std::io::Error::other)?;
    let (sum, mut out) = body.finish();
    out.write_all(&sum.to_le_bytes())?;
    out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    Ok(())
}

/// Writes the log, atomically (a temporary file renamed over the old one).
pub fn write(store: &Store, history: &History) {
    let dir = store.cache_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|f| write_to(f, history));
    if written.is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes the cached log.
pub fn remove(store: &Store) {
    let _ = std::fs::remove_file(store.cache_dir().join(FILE_NAME));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_written_along_is_the_checksum_of_the_bytes() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 100, 1000] {
            for split in [0, 1, 3, 8, len / 2] {
                let split = split.min(len);
                let mut w = Summing::new(Vec::new());
                w.write_all(&bytes[..split]).unwrap();
                w.write_all(&bytes[split..len]).unwrap();
                let (sum, out) = w.finish();
                assert_eq!(out, &bytes[..len]);
                assert_eq!(sum, checksum(&bytes[..len]), "{len} bytes split at {split}");
            }
        }
    }
}
