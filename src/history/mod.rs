//! The event log: what happened to every ticket, derived by diffing each
//! commit of the desk branch against its parents, and cached under the git
//! dir so it is only ever extended by the commits that are new.

mod cache;
mod diff;
mod scan;

use std::collections::HashMap;

use git2::Oid;
use serde::{Deserialize, Serialize};

use crate::model::{self, TicketId};
use crate::store::{CommitInfo, FileChange, Store, StoreError, Tip, TreeMemo};

pub use diff::{CommentFact, Facts, Kind, diff, diff_merge, diff_tickets, field_text};
pub use scan::scan;

/// An interned string in a [`History`].
pub type Sym = u32;

/// An event with its strings: (ticket id, time, actor, kind).
pub type EventText = (String, i64, String, Kind<String>);

/// One thing that happened to one ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The ticket's id.
    pub ticket: Sym,
    /// The commit's author time, Unix seconds.
    pub time: i64,
    /// The commit's author, `Name <email>`.
    pub actor: Sym,
    pub kind: Kind<Sym>,
}

/// A commit of the walked history and how many events it gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitEvents {
    pub id: [u8; 20],
    pub events: u32,
}

/// Every event of the desk branch, in history order (parents before children).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The commit the log was derived up to.
    pub tip: [u8; 20],
    /// Interned strings; events refer to them by index.
    pub strings: Vec<String>,
    /// The walked commits, in order; their events follow each other in `events`.
    pub commits: Vec<CommitEvents>,
    pub events: Vec<Event>,
}

impl History {
    /// The string a symbol stands for.
    pub fn str(&self, s: Sym) -> &str {
        &self.strings[s as usize]
    }

    /// Every string's symbol.
    pub fn symbols(&self) -> HashMap<&str, Sym> {
        self.strings.iter().enumerate().map(|(i, s)| (s.as_str(), to_sym(i))).collect()
    }

    /// The symbol of `s`, if any event uses it.
    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.strings.iter().position(|x| x == s).and_then(|i| Sym::try_from(i).ok())
    }

    /// An event's kind with its strings.
    pub fn kind(&self, e: &Event) -> Kind<String> {
        e.kind.map(|s| self.str(*s).to_owned())
    }

    /// Whether every symbol and count is in range: a cache file that decodes
    /// but fails this is not trusted.
    fn is_consistent(&self) -> bool {
        let n = self.strings.len();
        let ok = |s: &Sym| (*s as usize) < n;
        let total: u64 = self.commits.iter().map(|c| u64::from(c.events)).sum();
        total == self.events.len() as u64
            && self.events.iter().all(|e| {
                let mut fine = ok(&e.ticket) && ok(&e.actor);
                e.kind.map(|s| fine &= ok(s));
                fine
            })
    }
}

impl History {
    /// A log made of the given events, one commit each (for tests and tools
    /// that have events from elsewhere): (ticket id, time, actor, kind).
    pub fn from_events(events: impl IntoIterator<Item = EventText>) -> History {
        let mut b = Builder::new();
        for (n, e) in events.into_iter().enumerate() {
            let mut id = [0u8; 20];
            id[..8].copy_from_slice(&(n as u64).to_be_bytes());
            b.push_commit_bytes(id, [e]);
        }
        b.history
    }
}

/// Builds a [`History`], interning strings as events are added.
struct Builder {
    history: History,
    interned: HashMap<String, Sym>,
}

impl Builder {
    fn new() -> Builder {
        Builder { history: History::default(), interned: HashMap::new() }
    }

    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.interned.get(s) {
            return sym;
        }
        let sym = to_sym(self.history.strings.len());
        self.history.strings.push(s.to_owned());
        self.interned.insert(s.to_owned(), sym);
        sym
    }

    fn push_commit(&mut self, id: Oid, events: impl IntoIterator<Item = EventText>) {
        self.push_commit_bytes(oid_bytes(id), events);
    }

    fn push_commit_bytes(&mut self, id: [u8; 20], events: impl IntoIterator<Item = EventText>) {
        let mut count = 0;
        for (ticket, time, actor, kind) in events {
            let ticket = self.intern(&ticket);
            let actor = self.intern(&actor);
            let kind = kind.map(|s| self.intern(s));
            self.history.events.push(Event { ticket, time, actor, kind });
            count += 1;
        }
        self.history.commits.push(CommitEvents { id, events: count });
    }
}

fn to_sym(i: usize) -> Sym {
    Sym::try_from(i).expect("fewer than 4 billion distinct strings")
}

fn oid_bytes(oid: Oid) -> [u8; 20] {
    oid.as_bytes().try_into().expect("sha1 object ids are 20 bytes")
}

/// The last version of each ticket seen while walking, so that a linear
/// history parses every blob once.
#[derive(Default)]
struct Seen {
    tickets: HashMap<TicketId, (Oid, Facts)>,
}

fn facts_of_blob(memo: &TreeMemo<'_>, blob: Oid) -> Option<Facts> {
    memo.with_blob(blob, |bytes| {
        let text = std::str::from_utf8(bytes).ok()?;
        // A malformed version yields no events: the next good one is compared
        // with the last good one.
        scan::scan(text).or_else(|| model::parse_ticket(text).ok().map(|t| Facts::from(&t)))
    })
    .ok()
    .flatten()
}

/// Derives the events of one commit.
fn derive_commit(
    store: &Store,
    info: &CommitInfo,
    memo: &mut TreeMemo<'_>,
    seen: &mut Seen,
) -> Result<Vec<EventText>, StoreError> {
    let changes = store.commit_changes(info, memo)?;
    let mut out = Vec::new();
    for FileChange { ticket, before, after } in changes {
        if before.len() > 1 && before[1..].contains(&after) {
            // The merge took this version from another parent, whose own
            // commits already gave its events.
            seen.tickets.remove(&ticket);
            continue;
        }
        let after_facts = match after {
            Some(blob) => match facts_of_blob(memo, blob) {
                Some(f) => Some(f),
                None => continue,
            },
            None => None,
        };
        let last = seen.tickets.remove(&ticket);
        let mut parents: Vec<Option<Facts>> = Vec::with_capacity(before.len());
        for (i, blob) in before.iter().enumerate() {
            let facts = match (blob, &last) {
                (None, _) => None,
                (Some(b), Some((seen_blob, f))) if b == seen_blob => Some(f.clone()),
                (Some(b), _) => match facts_of_blob(memo, *b) {
                    Some(f) => Some(f),
                    // Unreadable: fall back to the last good version seen.
                    None if i == 0 => last.as_ref().map(|(_, f)| f.clone()),
                    None => None,
                },
            };
            parents.push(facts);
        }
        let kinds = if parents.len() > 1 {
            let refs: Vec<Option<&Facts>> = parents.iter().map(Option::as_ref).collect();
            diff_merge(&refs, after_facts.as_ref())
        } else {
            diff(parents.first().and_then(Option::as_ref), after_facts.as_ref())
        };
        out.extend(kinds.into_iter().map(|k| (ticket.to_string(), info.time, info.author.clone(), k)));
        if let (Some(blob), Some(f)) = (after, after_facts) {
            seen.tickets.insert(ticket, (blob, f));
        }
    }
    Ok(out)
}

/// The event log of the desk branch at `tip`: read from the cache, extended by
/// new commits, or rebuilt (reusing the events of commits it already knew)
/// when the branch was rewritten.
pub fn load(store: &Store, tip: &Tip) -> Result<History, StoreError> {
    let cached = cache::read(store);
    let tip_bytes = oid_bytes(tip.commit);
    if let Some(h) = &cached
        && h.tip == tip_bytes
    {
        return Ok(cached.expect("checked above"));
    }
    let objects = store.objects()?;
    let mut memo = TreeMemo::new(&objects);
    let mut seen = Seen::default();
    let history = match cached {
        Some(old)
            if Oid::from_bytes(&old.tip)
                .is_ok_and(|o| store.has_commit(o) && store.is_ancestor(o, tip.commit)) =>
        {
            let old_tip = Oid::from_bytes(&old.tip).expect("checked above");
            let new = store.commits_between(&memo, tip.commit, &[old_tip])?;
            let mut builder = Builder::new();
            builder.interned = old.strings.iter().enumerate().map(|(i, s)| (s.clone(), to_sym(i))).collect();
            builder.history = old;
            for info in new {
                let events = derive_commit(store, &info, &mut memo, &mut seen)?;
                builder.push_commit(info.id, events);
            }
            builder.history
        }
        old => {
            let reuse = old.map(|h| by_commit(&h)).unwrap_or_default();
            let mut builder = Builder::new();
            for info in store.commits_between(&memo, tip.commit, &[])? {
                let events = match reuse.get(&oid_bytes(info.id)) {
                    // Known commit: its events are reused. What the walk remembers
                    // is keyed by blob id, so it stays right whatever came before.
                    Some(events) => events.clone(),
                    None => derive_commit(store, &info, &mut memo, &mut seen)?,
                };
                builder.push_commit(info.id, events);
            }
            builder.history
        }
    };
    let mut history = history;
    history.tip = tip_bytes;
    cache::write(store, &history);
    Ok(history)
}

/// The events of every commit of a cached log, by commit id, with their strings.
fn by_commit(h: &History) -> HashMap<[u8; 20], Vec<EventText>> {
    let mut map = HashMap::with_capacity(h.commits.len());
    let mut at = 0usize;
    for c in &h.commits {
        let n = c.events as usize;
        let events = h.events[at..at + n]
            .iter()
            .map(|e| (h.str(e.ticket).to_owned(), e.time, h.str(e.actor).to_owned(), h.kind(e)))
            .collect();
        map.insert(c.id, events);
        at += n;
    }
    map
}

/// Deletes the cached event log (it is rebuilt on next use).
pub fn clear_cache(store: &Store) {
    cache::remove(store);
}

#[cfg(test)]
mod tests;
