//! The event log: what happened to every ticket, derived by diffing each
//! commit of the desk branch against its parents, and cached under the git
//! dir so it is only ever extended by the commits that are new.

mod cache;
mod derive;
mod diff;
mod scan;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::TicketId;
use crate::store::{CommitInfo, Oid, Store, StoreError, Tip, TreeMemo};

pub use diff::{
    CommentFact, DESCRIPTION, FactValue, Facts, Kind, List, change_name, diff, diff_merge, diff_tickets,
    field_text,
};
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

/// The walked commits, in order, and how many events each gave (its events
/// follow each other in [`History::events`]). Ids are kept as one byte string,
/// which loads as one copy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Commits {
    ids: Vec<u8>,
    events: Vec<u32>,
    /// Generation: 1 for a root commit, else one more than its highest parent.
    /// A child always has a higher generation than its parents, whatever order
    /// the history was walked in.
    generations: Vec<u32>,
}

impl Commits {
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Commit ids and event counts, in order.
    pub fn iter(&self) -> impl Iterator<Item = ([u8; 20], u32)> + '_ {
        self.ids
            .chunks_exact(20)
            .map(|c| c.try_into().expect("chunks of 20 bytes"))
            .zip(self.events.iter().copied())
    }

    fn push(&mut self, id: [u8; 20], events: u32, generation: u32) {
        self.ids.extend_from_slice(&id);
        self.events.push(events);
        self.generations.push(generation);
    }

    /// Keeps the first `n` commits.
    pub fn truncate(&mut self, n: usize) {
        self.ids.truncate(n * 20);
        self.events.truncate(n);
        self.generations.truncate(n);
    }

    /// The id of commit `i`.
    pub fn id(&self, i: usize) -> &[u8] {
        &self.ids[i * 20..i * 20 + 20]
    }

    /// The generation of commit `i`.
    pub fn generation(&self, i: usize) -> u32 {
        self.generations[i]
    }

    /// For each event, the index of its commit.
    pub fn of_events(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for (i, &n) in self.events.iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 4 billion commits");
            out.extend(std::iter::repeat_n(i, n as usize));
        }
        out
    }

    /// Sets the event count of commit `i`.
    pub fn set_events(&mut self, i: usize, n: u32) {
        self.events[i] = n;
    }
}

/// Raw bytes for serde (postcard writes them as a length and the bytes).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

impl Serialize for Commits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (Bytes(&self.ids), &self.events, &self.generations).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Commits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (ids, events, generations): (ByteBuf, Vec<u32>, Vec<u32>) = Deserialize::deserialize(d)?;
        if ids.0.len() != events.len() * 20 || generations.len() != events.len() {
            return Err(serde::de::Error::custom("commit ids, counts and generations differ in number"));
        }
        Ok(Commits { ids: ids.0, events, generations })
    }
}

/// Every event of the desk branch, in history order (parents before children).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The commit the log was derived up to.
    pub tip: [u8; 20],
    /// Interned strings; events refer to them by index.
    pub strings: Strings,
    /// The walked commits, in order; their events follow each other in `events`.
    pub commits: Commits,
    pub events: Vec<Event>,
    /// Where the `desk.yaml` blob changes along `commits`: (index of the first
    /// commit with it, the blob or none), in order; see [`History::config_at`].
    configs: Vec<(u32, Option<[u8; 20]>)>,
}

impl History {
    /// The string a symbol stands for.
    pub fn str(&self, s: Sym) -> &str {
        self.strings.get(s)
    }

    /// Every string's symbol.
    pub fn symbols(&self) -> HashMap<&str, Sym> {
        self.strings.iter().enumerate().map(|(i, s)| (s, to_sym(i))).collect()
    }

    /// The symbol of `s`, if any event uses it.
    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.strings.iter().position(|x| x == s).and_then(|i| Sym::try_from(i).ok())
    }

    /// Event indices in time order, ties broken the same way however the
    /// history was walked: by commit generation (parents first), then commit
    /// id, then order within the commit.
    pub fn sort_events(&self, events: &mut [u32], commit_of: &[u32]) {
        events.sort_by(|&a, &b| {
            let (ea, eb) = (&self.events[a as usize], &self.events[b as usize]);
            let (ca, cb) = (commit_of[a as usize] as usize, commit_of[b as usize] as usize);
            ea.time
                .cmp(&eb.time)
                .then_with(|| self.commits.generation(ca).cmp(&self.commits.generation(cb)))
                .then_with(|| self.commits.id(ca).cmp(self.commits.id(cb)))
                .then(a.cmp(&b))
        });
    }

    /// An event's kind with its strings.
    pub fn kind(&self, e: &Event) -> Kind<String> {
        e.kind.map(|s| self.str(*s).to_owned())
    }

    /// The blob of `desk.yaml` in the tree of commit `commit_index` (an index
    /// into [`History::commits`]), `None` when that commit has none: the
    /// configuration in force for the events of that commit — of a merge
    /// commit too, whose own events are attributed to it like any other
    /// commit's. The same as [`Store::blob_in_commit`] of that commit, read
    /// from the log (which keeps only the commits where it differs from the
    /// commit before in walk order) instead of from each commit's tree.
    pub fn config_at(&self, commit_index: usize) -> Option<Oid> {
        let i = u32::try_from(commit_index).ok()?;
        let after = self.configs.partition_point(|(at, _)| *at <= i);
        let blob = after.checked_sub(1).and_then(|k| self.configs[k].1)?;
        Oid::from_bytes(&blob).ok()
    }

    /// Whether the `desk.yaml` changes are in commit order and in range.
    fn configs_are_consistent(&self) -> bool {
        let mut next = 0u64;
        self.configs.iter().all(|&(at, _)| {
            let ok = u64::from(at) >= next && (at as usize) < self.commits.len();
            next = u64::from(at) + 1;
            ok
        })
    }

    /// Whether every symbol and count is in range: a cache file that decodes
    /// but fails this is not trusted.
    fn is_consistent(&self) -> bool {
        let n = self.strings.len();
        let ok = |s: &Sym| (*s as usize) < n;
        let total: u64 = self.commits.events.iter().map(|&c| u64::from(c)).sum();
        total == self.events.len() as u64
            && self.configs_are_consistent()
            && self.strings.is_consistent()
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
            b.push_commit_bytes(id, u32::try_from(n + 1).unwrap_or(u32::MAX), [e]);
        }
        b.history
    }
}

/// Interned strings, stored as one text and where each ends: loading a
/// cached log then allocates twice, not once per string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The string of symbol `s` (which must be below `len()`).
    pub fn get(&self, s: Sym) -> &str {
        let i = s as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn push(&mut self, s: &str) -> Sym {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).expect("interned strings stay below 4 GiB"));
        to_sym(self.ends.len() - 1)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(to_sym(i)))
    }

    /// Whether the ends are in order and on character boundaries.
    fn is_consistent(&self) -> bool {
        let mut last = 0u32;
        self.ends.iter().all(|&e| {
            let ok = e >= last && self.text.is_char_boundary(e as usize);
            last = e;
            ok
        })
    }
}

/// The symbols of interned strings, in a hash table of symbols alone: the
/// strings themselves are only in [`Strings`] (a log has a string per reply
/// and note, millions of them at a million tickets), and a slot takes five
/// bytes where a map of hashes to symbols took seventeen.
struct Interner {
    table: hashbrown::HashTable<Sym>,
    hash: fn(&str) -> u64,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner { table: hashbrown::HashTable::new(), hash: string_hash }
    }
}

fn string_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl Interner {
    /// The symbol of `s` in `strings`, added there when new.
    fn intern(&mut self, strings: &mut Strings, s: &str) -> Sym {
        let hash = self.hash;
        let entry = self.table.entry(hash(s), |&sym| strings.get(sym) == s, |&sym| hash(strings.get(sym)));
        match entry {
            hashbrown::hash_table::Entry::Occupied(slot) => *slot.get(),
            hashbrown::hash_table::Entry::Vacant(slot) => *slot.insert(strings.push(s)).get(),
        }
    }

    /// Records that `s` (already in `strings`) is symbol `sym`.
    fn know(&mut self, strings: &Strings, s: &str, sym: Sym) {
        let hash = self.hash;
        let entry = self.table.entry(hash(s), |&k| strings.get(k) == s, |&k| hash(strings.get(k)));
        if let hashbrown::hash_table::Entry::Vacant(slot) = entry {
            slot.insert(sym);
        }
    }
}

/// Builds a [`History`], interning strings as events are added.
struct Builder {
    history: History,
    interned: Interner,
}

impl Builder {
    fn new() -> Builder {
        Builder { history: History::default(), interned: Interner::default() }
    }

    fn intern(&mut self, s: &str) -> Sym {
        self.interned.intern(&mut self.history.strings, s)
    }

    fn push_commit(&mut self, id: Oid, generation: u32, events: impl IntoIterator<Item = EventText>) {
        self.push_commit_bytes(oid_bytes(id), generation, events);
    }

    /// Records the `desk.yaml` blob of the commit pushed last.
    fn push_config(&mut self, config: Option<[u8; 20]>) {
        let in_force = self.history.configs.last().and_then(|c| c.1);
        if config != in_force {
            let at = u32::try_from(self.history.commits.len() - 1).expect("fewer than 4 billion commits");
            self.history.configs.push((at, config));
        }
    }

    fn push_commit_bytes(
        &mut self,
        id: [u8; 20],
        generation: u32,
        events: impl IntoIterator<Item = EventText>,
    ) {
        let mut count = 0;
        for (ticket, time, actor, kind) in events {
            let ticket = self.intern(&ticket);
            let actor = self.intern(&actor);
            let kind = kind.map(|s| self.intern(s));
            self.history.events.push(Event { ticket, time, actor, kind });
            count += 1;
        }
        self.history.commits.push(id, count, generation);
    }
}

fn to_sym(i: usize) -> Sym {
    Sym::try_from(i).expect("fewer than 4 billion distinct strings")
}

fn oid_bytes(oid: Oid) -> [u8; 20] {
    oid.as_bytes().try_into().expect("sha1 object ids are 20 bytes")
}

/// The cache file is rewritten when at least this many commits are new.
const REWRITE_AFTER: usize = 32;

/// The events of one ticket (every other event left out) and, for each, the
/// index of its commit in `commits`. Read from the cache without building the
/// other tickets' events, and extended by the few commits the cache may lack;
/// otherwise the whole log is loaded (and the cache brought up to date).
pub fn ticket_events(store: &Store, tip: &Tip, ticket: &TicketId) -> Result<(History, Vec<u32>), StoreError> {
    if let Some((cached, mut commit_of)) = cache::read_ticket(store, ticket.as_str()) {
        if cached.tip == oid_bytes(tip.commit) {
            return Ok((cached, commit_of));
        }
        if let Some(new) = new_commits(store, tip, &cached.tip)?.filter(|n| n.len() < REWRITE_AFTER) {
            let (kept, known) = (cached.events.len(), cached.commits.len());
            let mut history = extend(store, cached, &new)?;
            // The new commits' events follow the kept ones; keep this ticket's.
            let wanted = history.sym(ticket.as_str());
            let mut events = history.events.split_off(kept).into_iter();
            for commit in known..history.commits.len() {
                let n = history.commits.events[commit] as usize;
                for event in events.by_ref().take(n) {
                    if Some(event.ticket) == wanted {
                        history.events.push(event);
                        commit_of.push(u32::try_from(commit).expect("fewer than 4 billion commits"));
                    }
                }
            }
            history.tip = oid_bytes(tip.commit);
            return Ok((history, commit_of));
        }
    }
    let mut history = load(store, tip)?;
    let commit_of = history.commits.of_events();
    let wanted = history.sym(ticket.as_str());
    let mut kept = Vec::new();
    let events = std::mem::take(&mut history.events);
    for (event, commit) in events.into_iter().zip(commit_of) {
        if Some(event.ticket) == wanted {
            kept.push((event, commit));
        }
    }
    let (events, commit_of) = kept.into_iter().unzip();
    history.events = events;
    Ok((history, commit_of))
}

/// The commits after `old_tip` up to `tip`, oldest first, when `old_tip` is an
/// ancestor of `tip`; `None` when the branch was rewritten.
fn new_commits(store: &Store, tip: &Tip, old_tip: &[u8; 20]) -> Result<Option<Vec<CommitInfo>>, StoreError> {
    let Ok(old_tip) = Oid::from_bytes(old_tip) else { return Ok(None) };
    if !(store.has_commit(old_tip) && store.is_ancestor(old_tip, tip.commit)) {
        return Ok(None);
    }
    let objects = store.objects()?;
    let memo = TreeMemo::new(&objects);
    Ok(Some(store.commits_between(&memo, tip.commit, &[old_tip])?))
}

/// `old` extended by the events of `new`, the commits that follow its tip.
fn extend(store: &Store, old: History, new: &[CommitInfo]) -> Result<History, StoreError> {
    let todo: Vec<&CommitInfo> = new.iter().collect();
    let mut runs = Vec::new();
    derive::derive_runs(store, &todo, |run| runs.push(run))?;
    // Only the strings the new events use are looked up among the old
    // ones: one pass, without hashing the whole table.
    let mut wanted: HashMap<&str, Option<Sym>> = HashMap::new();
    for run in &runs {
        for s in run.log.history.strings.iter() {
            wanted.insert(s, None);
        }
    }
    for (i, s) in old.strings.iter().enumerate() {
        if let Some(slot @ None) = wanted.get_mut(s) {
            *slot = Some(to_sym(i));
        }
    }
    let mut builder = Builder::new();
    for (s, sym) in wanted {
        if let Some(sym) = sym {
            builder.interned.know(&old.strings, s, sym);
        }
    }
    builder.history = old;
    let mut generations = Generations::default();
    let mut infos = new.iter();
    for run in &runs {
        let map = builder.map_run(run);
        let mut at = 0;
        for k in 0..run.configs.len() {
            let info = infos.next().expect("one commit per derived commit");
            let g = generations.of(info, &builder.history.commits);
            at = builder.push_run_commit(run, &map, (k, at), oid_bytes(info.id), g);
        }
    }
    Ok(builder.history)
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
    let new = match &cached {
        Some(old) => new_commits(store, tip, &old.tip)?,
        None => None,
    };
    // A few new commits are cheaper to derive again than the whole file is to
    // rewrite: the file is rewritten once enough have piled up.
    let mut rewrite = true;
    let history = match (cached, new) {
        (Some(old), Some(new)) => {
            rewrite = new.len() >= REWRITE_AFTER;
            extend(store, old, &new)?
        }
        (old, _) => rebuild(store, tip, &old.map(|h| by_commit(&h)).unwrap_or_default())?,
    };
    let mut history = history;
    history.tip = tip_bytes;
    if rewrite {
        cache::write(store, &history);
    }
    Ok(history)
}

/// The log of every commit up to `tip`, deriving those not in `reuse` (the
/// events and `desk.yaml` of commits a log had before the branch was rewritten).
fn rebuild(store: &Store, tip: &Tip, reuse: &HashMap<[u8; 20], Reused>) -> Result<History, StoreError> {
    let objects = store.objects_for_walk()?;
    let memo = TreeMemo::new(&objects);
    let commits = store.commits_between(&memo, tip.commit, &[])?;
    let todo: Vec<&CommitInfo> = commits.iter().filter(|c| !reuse.contains_key(&oid_bytes(c.id))).collect();
    let mut builder = Builder::new();
    let mut generations = Generations::for_walk(&commits);
    let mut infos = commits.iter();
    // Known commits: their events are reused.
    let mut push_reused = |builder: &mut Builder, generations: &mut Generations| {
        for info in infos.by_ref() {
            let g = generations.of(info, &builder.history.commits);
            let Some((events, config)) = reuse.get(&oid_bytes(info.id)) else { return Some((info, g)) };
            builder.push_commit(info.id, g, events.iter().cloned());
            builder.push_config(*config);
        }
        None
    };
    derive::derive_runs(store, &todo, |run| {
        let map = builder.map_run(&run);
        let mut at = 0;
        for k in 0..run.configs.len() {
            let (info, g) =
                push_reused(&mut builder, &mut generations).expect("one commit per derived commit");
            at = builder.push_run_commit(&run, &map, (k, at), oid_bytes(info.id), g);
        }
    })?;
    let rest = push_reused(&mut builder, &mut generations);
    debug_assert!(rest.is_none(), "every commit to derive was derived");
    Ok(builder.history)
}

/// Generation numbers of commits as they are added to a log.
#[derive(Default)]
struct Generations {
    walked: HashMap<Oid, u32>,
    /// When known in advance: the only commits `walked` needs to keep, those
    /// that are a parent of a commit other than the next one.
    needed: Option<std::collections::HashSet<Oid>>,
    /// Of the commits the log already had, read only when a parent is one of
    /// them other than the last.
    known: Option<HashMap<[u8; 20], u32>>,
}

impl Generations {
    /// For adding `commits`, in this order, to an empty log.
    fn for_walk(commits: &[CommitInfo]) -> Generations {
        let mut needed = std::collections::HashSet::new();
        for (i, info) in commits.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| commits[p].id);
            needed.extend(info.parents.iter().filter(|&&p| Some(p) != previous));
        }
        Generations { needed: Some(needed), ..Generations::default() }
    }

    /// The generation of `info`, whose parents are walked or already in `log`.
    fn of(&mut self, info: &CommitInfo, log: &Commits) -> u32 {
        let mut highest = 0;
        for p in &info.parents {
            let g = match self.walked.get(p) {
                Some(&g) => g,
                None => match log.len().checked_sub(1) {
                    Some(last) if log.id(last) == p.as_bytes() => log.generation(last),
                    _ => self
                        .known
                        .get_or_insert_with(|| {
                            log.iter().map(|(id, _)| id).zip(log.generations.iter().copied()).collect()
                        })
                        .get(p.as_bytes())
                        .copied()
                        .unwrap_or(0),
                },
            };
            highest = highest.max(g);
        }
        let g = highest + 1;
        if self.needed.as_ref().is_none_or(|n| n.contains(&info.id)) {
            self.walked.insert(info.id, g);
        }
        g
    }
}

/// A commit's events with their strings, and its `desk.yaml` blob.
type Reused = (Vec<EventText>, Option<[u8; 20]>);

/// The events and `desk.yaml` of every commit of a cached log, by commit id.
fn by_commit(h: &History) -> HashMap<[u8; 20], Reused> {
    let mut map = HashMap::with_capacity(h.commits.len());
    let mut at = 0usize;
    for (i, (id, n)) in h.commits.iter().enumerate() {
        let n = n as usize;
        let events = h.events[at..at + n]
            .iter()
            .map(|e| (h.str(e.ticket).to_owned(), e.time, h.str(e.actor).to_owned(), h.kind(e)))
            .collect();
        map.insert(id, (events, h.config_at(i).map(oid_bytes)));
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
