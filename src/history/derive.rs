//! Deriving events from commits: each commit's changed ticket files are
//! diffed against their parents. Commits are derived in runs, each into a
//! small log of its own (strings interned within the run), which the caller
//! appends to the whole log in order and drops: memory holds the finished log
//! and a few runs, never the strings of every event at once.

use std::collections::HashMap;
use std::sync::mpsc;

use super::{Builder, EventText, Facts, Sym, diff, diff_merge, oid_bytes, scan};
use crate::model::{self, TicketId};
use crate::store::{CommitInfo, FileChange, Oid, Store, StoreError, TreeMemo};

/// Commits per run: large enough that a thread rarely re-reads what its
/// previous run left in its memo, small enough that a run's log stays small
/// (runs waiting to be merged are what a second thread costs in memory).
const RUN_LEN: usize = 1 << 12;

/// Below this many commits, one thread derives them all: a cold report of
/// 100k tickets in one commit each then stays under 300 MB (a second thread
/// and its runs cost about 35 MB more) at about 1.6× `git log --raw`; above
/// it, the time saved is minutes (BENCHMARKS.md).
const PARALLEL_MIN: usize = 200_000;

/// From this many commits on, objects are read with desk's own pack reader
/// ([`Store::objects_for_walk`]): below it, reading the pack indexes costs
/// more than it saves.
const PACK_READER_MIN: usize = 1 << 12;

/// At most this many tickets' last versions are remembered; past it, the
/// older half is forgotten (a ticket touched again later has its previous
/// version read again). The tickets a history touches within a few thousand
/// commits are far fewer, so this bounds memory without costing reads.
const SEEN_MAX: usize = 1 << 13;

/// The events of a run of consecutive commits, with the strings they use
/// interned within the run, and the `desk.yaml` blob of each commit.
pub(super) struct Run {
    /// The run's log: its commits carry no ids or generations (the caller has them).
    pub log: Builder,
    pub configs: Vec<Option<[u8; 20]>>,
}

/// The last version of each ticket seen while walking, so that a linear
/// history parses every blob once.
#[derive(Default)]
struct Seen {
    /// Ticket → (blob, its facts, when it was last used).
    tickets: HashMap<TicketId, (Oid, Facts, u64)>,
    clock: u64,
}

impl Seen {
    fn take(&mut self, ticket: &TicketId) -> Option<(Oid, Facts)> {
        self.tickets.remove(ticket).map(|(blob, facts, _)| (blob, facts))
    }

    fn insert(&mut self, ticket: TicketId, blob: Oid, facts: Facts) {
        self.clock += 1;
        self.tickets.insert(ticket, (blob, facts, self.clock));
        if self.tickets.len() > SEEN_MAX {
            let mut ages: Vec<u64> = self.tickets.values().map(|v| v.2).collect();
            let half = ages.len() / 2;
            let (_, &mut cut, _) = ages.select_nth_unstable(half);
            self.tickets.retain(|_, v| v.2 >= cut);
        }
    }
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
            seen.take(&ticket);
            continue;
        }
        let after_facts = match after {
            Some(blob) => match facts_of_blob(memo, blob) {
                Some(f) => Some(f),
                None => continue,
            },
            None => None,
        };
        let last = seen.take(&ticket);
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
        out.extend(kinds.into_iter().map(|k| (ticket.to_string(), info.time, info.author.to_string(), k)));
        if let (Some(blob), Some(f)) = (after, after_facts) {
            seen.insert(ticket, blob, f);
        }
    }
    Ok(out)
}

/// Derives the events of a run of consecutive commits.
fn derive_run(
    store: &Store,
    part: &[&CommitInfo],
    memo: &mut TreeMemo<'_>,
    seen: &mut Seen,
) -> Result<Run, StoreError> {
    let mut log = Builder::new();
    let mut configs = Vec::with_capacity(part.len());
    for info in part {
        let events = derive_commit(store, info, memo, seen)?;
        configs.push(store.commit_config(info, memo)?.map(oid_bytes));
        log.push_commit_bytes([0; 20], 0, events);
    }
    log.interned = super::Interner::default();
    Ok(Run { log, configs })
}

#[cfg(test)]
thread_local! {
    /// (threads, commits per run), for tests of many runs on small histories.
    pub(super) static TEST_PLAN: std::cell::Cell<Option<(usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// How many threads derive `commits` commits, and how many commits a run has.
fn plan(commits: usize) -> (usize, usize) {
    #[cfg(test)]
    if let Some(plan) = TEST_PLAN.get() {
        return plan;
    }
    // DESK_HISTORY_THREADS fixes the number of threads (1: no others), whatever the size.
    let forced = std::env::var("DESK_HISTORY_THREADS").ok().and_then(|v| v.parse::<usize>().ok());
    let threads = forced.unwrap_or_else(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(4);
        if commits < PARALLEL_MIN { 1 } else { cores }
    });
    (threads, RUN_LEN)
}

/// The objects of `store`, read by desk's pack reader for `many` commits.
fn objects_of(store: &Store, many: bool) -> Result<crate::store::Objects<'_>, StoreError> {
    if many { store.objects_for_walk() } else { store.objects() }
}

/// Derives the events of `commits` (in order) and hands each run of them to
/// `take`, in order. With many commits, several threads derive: each takes
/// every n-th run, with its own repository handle, and keeps what its walk
/// remembers (keyed by object id, so what another thread changed in between
/// is only read again) from one of its runs to the next.
pub(super) fn derive_runs(
    store: &Store,
    commits: &[&CommitInfo],
    mut take: impl FnMut(Run),
) -> Result<(), StoreError> {
    let (threads, run_len) = plan(commits.len());
    let runs: Vec<&[&CommitInfo]> = commits.chunks(run_len).collect();
    let threads = threads.min(runs.len());
    let many = commits.len() >= PACK_READER_MIN;
    if threads < 2 {
        let objects = objects_of(store, many)?;
        let mut memo = TreeMemo::new(&objects);
        let mut seen = Seen::default();
        for part in runs {
            take(derive_run(store, part, &mut memo, &mut seen)?);
        }
        return Ok(());
    }
    let stores: Vec<Store> = (0..threads).map(|_| store.reopen()).collect::<Result<_, _>>()?;
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(threads);
        for (t, store) in stores.into_iter().enumerate() {
            // A finished run waits for its turn before the thread goes on.
            let (send, receive) = mpsc::sync_channel::<Result<Run, StoreError>>(0);
            receivers.push(receive);
            let mine: Vec<&[&CommitInfo]> = runs.iter().skip(t).step_by(threads).copied().collect();
            scope.spawn(move || {
                let objects = match objects_of(&store, many) {
                    Ok(o) => o,
                    Err(e) => return drop(send.send(Err(e))),
                };
                let mut memo = TreeMemo::new(&objects);
                let mut seen = Seen::default();
                for part in mine {
                    let run = derive_run(&store, part, &mut memo, &mut seen);
                    let failed = run.is_err();
                    // The receiver is gone when another thread failed.
                    if send.send(run).is_err() || failed {
                        return;
                    }
                }
            });
        }
        for i in 0..runs.len() {
            let run =
                receivers[i % threads].recv().expect("a history thread sends each of its runs or fails")?;
            take(run);
        }
        Ok(())
    })
}

impl Builder {
    /// Appends the events of commit `k` of `run` (whose first event is event
    /// `at` of the run), as commit `id` of generation `generation`, its
    /// strings mapped by `map` (run symbol → symbol here). Returns the index
    /// of the run's next event.
    pub(super) fn push_run_commit(
        &mut self,
        run: &Run,
        map: &[Sym],
        (k, at): (usize, usize),
        id: [u8; 20],
        generation: u32,
    ) -> usize {
        let n = run.log.history.commits.events[k];
        let end = at + n as usize;
        for e in &run.log.history.events[at..end] {
            let kind = e.kind.map(|s| map[*s as usize]);
            self.history.events.push(super::Event {
                ticket: map[e.ticket as usize],
                time: e.time,
                actor: map[e.actor as usize],
                kind,
            });
        }
        self.history.commits.push(id, n, generation);
        self.push_config(run.configs[k]);
        end
    }

    /// The symbols here of a run's strings (interning those that are new).
    pub(super) fn map_run(&mut self, run: &Run) -> Vec<Sym> {
        run.log.history.strings.iter().map(|s| self.intern(s)).collect()
    }
}
