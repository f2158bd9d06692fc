//! The event log on disk: `.git/desk/history`, a postcard-encoded [`History`]
//! behind a magic string and a version. Only a cache: a file that is missing,
//! from another version, corrupt or inconsistent is ignored and rebuilt, and
//! failing to write it costs speed, never correctness.

use std::io::Write as _;

use serde::{Deserialize, Serialize};

use super::History;
use crate::store::Store;

const FILE_NAME: &str = "history";
const MAGIC: [u8; 8] = *b"deskhist";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    version: u32,
    /// [`checksum`] of the encoded log that follows.
    checksum: u64,
}

/// A fast 64-bit checksum (FNV-style, eight bytes at a time): catches a
/// truncated or damaged file, which could otherwise decode into wrong events.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    h ^ bytes.len() as u64
}

/// The cached log, if there is a trustworthy one.
pub fn read(store: &Store) -> Option<History> {
    let bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if header.magic != MAGIC || header.version != VERSION || header.checksum != checksum(rest) {
        return None;
    }
    let (history, rest): (History, &[u8]) = postcard::take_from_bytes(rest).ok()?;
    (rest.is_empty() && history.is_consistent()).then_some(history)
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
