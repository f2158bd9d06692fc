//! Which ticket each Message-ID desk has received belongs to: the index the
//! mail gateway threads by, and counts senders with, without scanning the
//! branch. The facts are in the desk branch's history — every commit that
//! recorded a message carries `Desk-Message-Id: <id>` (and `Desk-Mail-From:
//! address`) beside its `Desk-Ticket:` trailer — and this file is a cache of
//! them, kept in `.git/desk/mail/`:
//!
//! - `ids`: one line per message, `<id>\t<ticket>\t<unix time>\t<sender>`,
//!   appended to, oldest first;
//! - `tip`: the commit the lines reach.
//!
//! A later tip adds the lines of the commits since; a lost or damaged cache is
//! rebuilt from history. A line from a commit that is no longer on the branch
//! names a ticket that is checked before use.

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
        let ids = fs::read(dir.join("ids")).unwrap_or_default();
        let cached = fs::read_to_string(dir.join("tip")).ok().and_then(|t| Oid::from_str(t.trim()).ok());
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

    /// Writes lines (all of them after a rebuild) and the tip; a cache that
    /// cannot be written is rebuilt next time.
    fn write(&self, added: &[u8], rebuilt: bool, tip: Oid) {
        let write = || -> std::io::Result<()> {
            fs::create_dir_all(&self.dir)?;
            let mut file = fs::OpenOptions::new()
                .create(true)
                .append(!rebuilt)
                .write(true)
                .truncate(rebuilt)
                .open(self.dir.join("ids"))?;
            file.write_all(added)?;
            let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            writeln!(tmp, "{tip}")?;
            tmp.persist(self.dir.join("tip")).map_err(|e| e.error)?;
            Ok(())
        };
        if write().is_err() {
            let _ = fs::remove_file(self.dir.join("tip"));
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

    /// The messages recorded on `ticket`, oldest first.
    pub fn of_ticket(&self, ticket: &str) -> Vec<Entry> {
        let needle = format!("\t{ticket}\t");
        memchr::memmem::find_iter(&self.ids, needle.as_bytes())
            .filter_map(|at| self.line_at(at))
            .filter(|e| e.ticket == ticket)
            .collect()
    }

    /// How many messages from `address` were recorded at or after `since`.
    pub fn count_from(&self, address: &str, since: i64) -> usize {
        let needle = format!("\t{}\n", address.to_ascii_lowercase());
        memchr::memmem::find_iter(&self.ids, needle.as_bytes())
            .filter_map(|at| self.line_at(at))
            .filter(|e| e.time >= since)
            .count()
    }

    /// The line around byte `at`.
    fn line_at(&self, at: usize) -> Option<Entry> {
        let start = self.ids[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let end = self.ids[at..].iter().position(|&b| b == b'\n').map_or(self.ids.len(), |i| at + i);
        parse_line(&self.ids[start..end])
    }
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
            ids: b"a@x\tt1\t100\tjane@x.org\nb@x\tt2\t200\tbob@x.org\nbroken\nc@x\tt1\t300\tjane@x.org\n"
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
}
