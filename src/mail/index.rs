//! Which ticket each Message-ID desk has received belongs to: the index the
//! mail gateway threads by, and counts senders with, without scanning the
//! branch. The facts are in the desk branch's history — every commit that
//! recorded a message carries `Desk-Message-Id: <id>` (and `Desk-Mail-From:
//! address`) beside its `Desk-Ticket:` trailer — and this file is a cache of
//! them, kept in `.git/desk/mail/`:
//!
//! - `ids`: one line per message, `<id>\t<ticket>\t<unix time>\t<sender>`,
//!   appended to, oldest first, and after each appended group a line
//!   `#tip <commit>`: the lines before it hold every message recorded up to
//!   that commit.
//!
//! The tip lives in the file it describes, and each group is appended with one
//! write: several processes appending at once (an MTA delivering in parallel)
//! never leave a tip that claims lines the file lacks, however their writes
//! and reads interleave. What follows the last tip line (a write cut short) is
//! ignored. They may append the same line twice; lookups count each message
//! once. A later tip adds the lines of the commits since; a lost or damaged
//! cache is rebuilt from history and replaces the file at once. A line from a
//! commit that is no longer on the branch names a ticket that is checked
//! before use.

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::PathBuf;

use crate::store::{Oid, Store, StoreError};

/// The trailer of a commit that recorded a message.
pub const ID_TRAILER: &str = "Desk-Message-Id";
/// The trailer naming the address a recorded message came from.
pub const FROM_TRAILER: &str = "Desk-Mail-From";

/// The index as of one commit.
#[derive(Clone)]
pub struct MailIndex {
    dir: PathBuf,
    ids: Vec<u8>,
    tip: Option<Oid>,
    /// Kept in memory, not written ([`MailIndex::hold`]): what was added,
    /// whether the lines were rebuilt, and the tip they reach.
    held: Option<(Vec<u8>, bool, Option<Oid>)>,
}

/// One recorded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub message_id: String,
    pub ticket: String,
    pub time: i64,
    pub from: String,
}

impl MailIndex {
    /// The index brought up to `tip` (`None`: an empty branch).
    pub fn open(store: &Store, tip: Option<Oid>) -> Result<MailIndex, StoreError> {
        let dir = store.cache_dir().join("mail");
        let (ids, cached) = read_cache(fs::read(dir.join("ids")).unwrap_or_default());
        let mut index = MailIndex { dir, ids, tip: cached, held: None };
        index.update(store, tip)?;
        Ok(index)
    }

    /// Adds the messages recorded since the cached tip, up to `tip`.
    pub fn update(&mut self, store: &Store, tip: Option<Oid>) -> Result<(), StoreError> {
        let Some(tip) = tip else { return Ok(()) };
        if self.tip == Some(tip) {
            return Ok(());
        }
        let mut found = Vec::new();
        let collect = |message: &str, time: i64| {
            if let Some(e) = entry_of(message, time) {
                found.push(e);
            }
        };
        let walked = match self.tip {
            Some(old) => store.each_message(tip, Some(old), collect).is_ok(),
            None => false,
        };
        if !walked {
            // No usable cache: rebuild from the whole history.
            found.clear();
            self.ids.clear();
            store.each_message(tip, None, |message, time| {
                if let Some(e) = entry_of(message, time) {
                    found.push(e);
                }
            })?;
        }
        let mut added = Vec::new();
        if !self.ids.is_empty() && !self.ids.ends_with(b"\n") {
            added.push(b'\n');
        }
        for e in found.iter().rev() {
            added.extend_from_slice(
                format!("{}\t{}\t{}\t{}\n", e.message_id, e.ticket, e.time, e.from).as_bytes(),
            );
        }
        self.save(&added, !walked, tip);
        self.ids.extend_from_slice(&added);
        self.tip = Some(tip);
        Ok(())
    }

    /// From now on, keeps what is added in memory only: the commits it comes
    /// from are not on the branch yet (a batch).
    pub fn hold(&mut self) {
        self.held.get_or_insert((Vec::new(), false, None));
    }

    /// Writes what was held, now that its commits are on the branch.
    pub fn release(&mut self) {
        if let Some((added, rebuilt, Some(tip))) = self.held.take() {
            if rebuilt {
                self.write(&self.ids, true, tip);
            } else {
                self.write(&added, false, tip);
            }
        }
    }

    /// Writes what was added (the whole file after a rebuild) and the new tip,
    /// or holds them ([`MailIndex::hold`]).
    fn save(&mut self, added: &[u8], rebuilt: bool, tip: Oid) {
        if let Some((held, was_rebuilt, held_tip)) = self.held.as_mut() {
            if rebuilt {
                held.clear();
                *was_rebuilt = true;
            }
            held.extend_from_slice(added);
            *held_tip = Some(tip);
            return;
        }
        self.write(added, rebuilt, tip);
    }

    /// Appends lines and the tip they reach with one write, or after a
    /// rebuild replaces the file with all lines and the tip; a cache that
    /// cannot be written is rebuilt next time.
    fn write(&self, added: &[u8], rebuilt: bool, tip: Oid) {
        let mut chunk = Vec::with_capacity(added.len() + 50);
        chunk.extend_from_slice(added);
        chunk.extend_from_slice(format!("{TIP}{tip}\n").as_bytes());
        let write = || -> std::io::Result<()> {
            fs::create_dir_all(&self.dir)?;
            let path = self.dir.join("ids");
            if rebuilt {
                let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
                tmp.write_all(&chunk)?;
                tmp.persist(&path).map_err(|e| e.error)?;
                // The tip file of earlier versions, now in `ids` itself.
                let _ = fs::remove_file(self.dir.join("tip"));
            } else {
                fs::OpenOptions::new().create(true).append(true).open(path)?.write_all(&chunk)?;
            }
            Ok(())
        };
        if write().is_err() {
            let _ = fs::remove_file(self.dir.join("ids"));
        }
    }

    /// The ticket a message with this id was recorded on, if any (the first record).
    pub fn ticket_of(&self, message_id: &str) -> Option<String> {
        let needle = format!("{message_id}\t");
        memchr::memmem::find_iter(&self.ids, needle.as_bytes())
            .filter(|&at| at == 0 || self.ids[at - 1] == b'\n')
            .find_map(|at| self.line_at(at))
            .filter(|e| e.message_id == message_id)
            .map(|e| e.ticket)
    }

    /// The messages recorded on `ticket`, oldest first, each once.
    pub fn of_ticket(&self, ticket: &str) -> Vec<Entry> {
        let needle = format!("\t{ticket}\t");
        let mut seen = HashSet::new();
        memchr::memmem::find_iter(&self.ids, needle.as_bytes())
            .filter_map(|at| self.line_at(at))
            .filter(|e| e.ticket == ticket && seen.insert(e.message_id.clone()))
            .collect()
    }

    /// How many messages from `address` were recorded at or after `since`.
    pub fn count_from(&self, address: &str, since: i64) -> usize {
        let needle = format!("\t{}\n", address.to_ascii_lowercase());
        let mut seen = HashSet::new();
        memchr::memmem::find_iter(&self.ids, needle.as_bytes())
            .filter_map(|at| self.line_at(at))
            .filter(|e| e.time >= since && seen.insert(e.message_id.clone()))
            .count()
    }

    /// The line around byte `at`.
    fn line_at(&self, at: usize) -> Option<Entry> {
        let start = self.ids[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let end = self.ids[at..].iter().position(|&b| b == b'\n').map_or(self.ids.len(), |i| at + i);
        parse_line(&self.ids[start..end])
    }
}

/// The line that ends each appended group: `#tip <commit>`.
const TIP: &str = "#tip ";

/// The lines of a cache file up to its last tip line, and that tip (`None`:
/// no complete group, so nothing is kept).
fn read_cache(mut ids: Vec<u8>) -> (Vec<u8>, Option<Oid>) {
    let mut end = ids.len();
    while let Some(start) = ids[..end].iter().rposition(|&b| b == b'\n') {
        // A line runs from after the newline before it up to `end`; the last
        // tip line must end with its newline.
        let line_start = ids[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let tip = std::str::from_utf8(&ids[line_start..start])
            .ok()
            .and_then(|l| l.strip_prefix(TIP))
            .and_then(|t| Oid::from_str(t).ok());
        if let Some(tip) = tip {
            ids.truncate(start + 1);
            return (ids, Some(tip));
        }
        end = start;
    }
    (Vec::new(), None)
}

fn parse_line(line: &[u8]) -> Option<Entry> {
    let line = std::str::from_utf8(line).ok()?;
    let mut f = line.split('\t');
    let (id, ticket, time, from) = (f.next()?, f.next()?, f.next()?, f.next()?);
    Some(Entry {
        message_id: id.to_owned(),
        ticket: ticket.to_owned(),
        time: time.parse().ok()?,
        from: from.to_owned(),
    })
}

/// The recorded message of a commit message, if it records one.
fn entry_of(message: &str, time: i64) -> Option<Entry> {
    let mut id = None;
    let mut ticket = None;
    let mut from = None;
    for line in message.lines() {
        if let Some(v) = line.strip_prefix("Desk-Message-Id: ") {
            id = super::incoming::clean_id(v);
        } else if let Some(v) = line.strip_prefix("Desk-Ticket: ") {
            ticket = ticket.or_else(|| Some(v.trim().to_owned()));
        } else if let Some(v) = line.strip_prefix("Desk-Mail-From: ") {
            from = Some(v.trim().to_ascii_lowercase());
        }
    }
    let clean = |s: &str| !s.is_empty() && !s.contains(['\t', '\n']);
    let (id, ticket) = (id?, ticket.filter(|t| clean(t))?);
    let from = from.filter(|f| clean(f)).unwrap_or_else(|| "-".into());
    Some(Entry { message_id: id, ticket, time, from })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_messages_give_entries() {
        let m = "k3x9 mail: Printer\n\nDesk-Ticket: k3x9q2hm7d\nDesk-Message-Id: <a@b.c>\nDesk-Mail-From: Jane@Example.com\n";
        assert_eq!(
            entry_of(m, 5),
            Some(Entry {
                message_id: "a@b.c".into(),
                ticket: "k3x9q2hm7d".into(),
                time: 5,
                from: "jane@example.com".into()
            })
        );
        assert_eq!(entry_of("k3x9 reply: x\n\nDesk-Ticket: k3x9q2hm7d\n", 5), None);
    }

    #[test]
    fn lookups_read_the_lines() {
        let index = MailIndex {
            dir: PathBuf::new(),
            // Two writers appended c@x's line: it counts once.
            ids: b"a@x\tt1\t100\tjane@x.org\nb@x\tt2\t200\tbob@x.org\nbroken\nc@x\tt1\t300\tjane@x.org\n\
                   #tip 0123456789012345678901234567890123456789\nc@x\tt1\t300\tjane@x.org\n"
                .to_vec(),
            tip: None,
            held: None,
        };
        assert_eq!(index.ticket_of("b@x").as_deref(), Some("t2"));
        assert_eq!(index.ticket_of("nope"), None);
        let t1: Vec<String> = index.of_ticket("t1").into_iter().map(|e| e.message_id).collect();
        assert_eq!(t1, ["a@x", "c@x"]);
        assert_eq!(index.count_from("JANE@x.org", 100), 2);
        assert_eq!(index.count_from("jane@x.org", 101), 1);
        assert_eq!(index.count_from("bob@x.org", 0), 1);
    }

    #[test]
    fn the_cache_reaches_its_last_complete_tip_line() {
        let (a, b) = ("1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222");
        let file = format!("x@y\tt1\t1\t-\n#tip {a}\ny@y\tt2\t2\t-\n#tip {b}\nz@y\tt3\t3\t-\n#tip 33");
        let (ids, tip) = read_cache(file.clone().into_bytes());
        assert_eq!(tip, Some(Oid::from_str(b).unwrap()));
        assert_eq!(ids, format!("x@y\tt1\t1\t-\n#tip {a}\ny@y\tt2\t2\t-\n#tip {b}\n").into_bytes());
        // A tip line without its newline was cut short: the group before counts.
        let cut = format!("x@y\tt1\t1\t-\n#tip {a}\ny@y\tt2\t2\t-\n#tip {b}");
        assert_eq!(read_cache(cut.into_bytes()).1, Some(Oid::from_str(a).unwrap()));
        // Lines without a tip after them, or no file: nothing is kept.
        assert_eq!(read_cache(b"x@y\tt1\t1\t-\n".to_vec()), (Vec::new(), None));
        assert_eq!(read_cache(Vec::new()), (Vec::new(), None));
        // A Message-ID that looks like a tip line is not one.
        let hostile = format!("#tip {a}\tt1\t1\t-\n");
        assert_eq!(read_cache(hostile.into_bytes()).1, None);
    }
}
