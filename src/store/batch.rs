//! Many changes, one ref update: the commits of a batch are made in memory
//! (libgit2's mempack object backend), one per change as always, then
//! written as one pack file, and the branch is moved once from the tip the
//! batch started on to its last commit. Nothing of a batch that fails, is
//! killed, or finds the branch moved is on the branch; a batch whose branch
//! moved is run again by its caller.

use git2::Repository;

use super::{Change, Identity, Store, StoreError, Tip, Written, reflock};

/// A batch in progress.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    /// The branch's tip when the batch started.
    start: Option<Tip>,
    /// Its tip with the batch's commits so far.
    pub(crate) tip: Option<Tip>,
}

impl Store {
    /// Runs `f` with a store whose writes ([`Store::write`]) make their commits
    /// in memory and whose [`Store::tip`] is the last of them; then writes them
    /// as one pack and moves the branch once. Returns `None`, having written
    /// nothing to the branch, when another writer moved it meanwhile: run the
    /// batch again on the new tip. Caches `f` writes must be keyed by content
    /// or be written after the batch landed.
    pub fn batch<R, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<R, E>,
    ) -> Result<Option<R>, E> {
        self.check_not_checked_out()?;
        reflock::RefLock::new(self, &self.refname()).check()?;
        let start = self.tip()?;
        let batch = Store {
            repo: Repository::open(self.repo.path()).map_err(StoreError::from)?,
            branch: self.branch.clone(),
            pending: std::cell::RefCell::new(Some(Pending { start, tip: start })),
            // Every object of a batch goes to memory first (below), through libgit2.
            odb: std::cell::OnceCell::from(None),
        };
        let odb = batch.repo.odb().map_err(StoreError::from)?;
        // Above the loose and pack backends: every object written goes to memory.
        let mempack = odb.add_new_mempack_backend(1000).map_err(StoreError::from)?;
        let result = f(&batch)?;
        let end = batch.pending.borrow().expect("a batch store stays in its batch");
        let Some(tip) = end.tip.filter(|t| Some(*t) != end.start) else { return Ok(Some(result)) };
        // The pack holds the batch's own objects only: each commit, and the
        // trees and blobs it does not share with its parent.
        let mut builder = batch.repo.packbuilder().map_err(StoreError::from)?;
        // Delta search on every core (0: as many threads as there are).
        builder.set_threads(0);
        for (commit, parents) in batch.commits_since(tip.commit, start.map(|t| t.commit))? {
            builder.insert_object(commit, None).map_err(StoreError::from)?;
            let tree = batch.repo.find_commit(commit).and_then(|c| c.tree()).map_err(StoreError::from)?;
            let parent = match parents.first() {
                Some(p) => Some(batch.repo.find_commit(*p).and_then(|c| c.tree()).map_err(StoreError::from)?),
                None => None,
            };
            new_objects(&batch.repo, parent.as_ref(), &tree, &mut |oid| builder.insert_object(oid, None))
                .map_err(StoreError::from)?;
        }
        let mut pack = git2::Buf::new();
        builder.write_buf(&mut pack).map_err(StoreError::from)?;
        {
            use std::io::Write as _;
            let disk = self.repo.odb().map_err(StoreError::from)?;
            let mut writer = disk.packwriter().map_err(StoreError::from)?;
            writer.write_all(&pack).map_err(|e| StoreError::from(git2::Error::from_str(&e.to_string())))?;
            writer.commit().map_err(StoreError::from)?;
        }
        mempack.reset().map_err(StoreError::from)?;
        let expect = match start {
            Some(t) if t.local => reflock::Expect::Commit(t.commit),
            _ => reflock::Expect::Absent,
        };
        if self.move_ref(&self.refname(), tip.commit, expect, "desk: batch")? {
            Ok(Some(result))
        } else {
            Ok(None)
        }
    }

    /// [`Store::write`] in a batch: the commit is made on the batch's tip and
    /// becomes its tip; the branch does not move.
    pub(super) fn write_pending<E: From<StoreError>>(
        &self,
        author: &Identity,
        committer: &Identity,
        mut make: impl FnMut(Option<&Tip>) -> Result<Option<Change>, E>,
    ) -> Result<Written, E> {
        let tip = self.tip()?;
        let Some(prepared) = self.prepare(tip, author, committer, &mut make)? else {
            return Ok(Written::Unchanged);
        };
        let tree = self.repo.find_commit(prepared.commit).map_err(StoreError::from)?.tree_id();
        if let Some(p) = self.pending.borrow_mut().as_mut() {
            p.tip = Some(Tip { commit: prepared.commit, tree, local: true });
        }
        Ok(Written::Commit(prepared.commit))
    }
}

/// Calls `add` with `new` and every tree and blob below it that `old` (the
/// same directory in the parent commit) does not have at the same path.
fn new_objects(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: &git2::Tree<'_>,
    add: &mut impl FnMut(git2::Oid) -> Result<(), git2::Error>,
) -> Result<(), git2::Error> {
    add(new.id())?;
    for entry in new {
        let before = old.and_then(|o| entry.name().ok().and_then(|n| o.get_name(n)));
        if before.as_ref().is_some_and(|b| b.id() == entry.id()) {
            continue;
        }
        if entry.kind() == Some(git2::ObjectType::Tree) {
            let sub = repo.find_tree(entry.id())?;
            let old_sub = match before.filter(|b| b.kind() == Some(git2::ObjectType::Tree)) {
                Some(b) => Some(repo.find_tree(b.id())?),
                None => None,
            };
            new_objects(repo, old_sub.as_ref(), &sub, add)?;
        } else {
            add(entry.id())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{CONFIG_PATH, Change, Identity, Store, StoreError};

    fn change(path: &str, text: &str) -> Change {
        Change {
            summary: format!("write {path}"),
            files: vec![(path.to_owned(), Some(text.as_bytes().to_vec()))],
            tickets: Vec::new(),
            trailers: Vec::new(),
        }
    }

    fn write(store: &Store, path: &str, text: &str) {
        let sig = Identity::new("Test", "test@example.com", chrono::Utc::now()).unwrap();
        store.write(&sig, &sig, |_| -> Result<_, StoreError> { Ok(Some(change(path, text))) }).unwrap();
    }

    #[test]
    fn a_batch_lands_as_its_commits_with_one_move_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let store = Store::open(dir.path()).unwrap();
        write(&store, CONFIG_PATH, "x");
        let start = store.require_tip().unwrap();

        // Three commits in memory: the branch has not moved until the batch ends.
        let landed = store
            .batch(|b| -> Result<_, StoreError> {
                for n in 0..3 {
                    write(b, &format!("f{n}"), &format!("{n}"));
                    assert_eq!(store.require_tip()?, start, "the branch moves once, at the end");
                }
                Ok(b.require_tip()?.commit)
            })
            .unwrap()
            .expect("nobody else wrote");
        assert_eq!(store.require_tip().unwrap().commit, landed);
        assert_eq!(store.commits_since(landed, Some(start.commit)).unwrap().len(), 3);
        let reopened = Store::open(dir.path()).unwrap();
        let tip = reopened.require_tip().unwrap();
        assert_eq!(reopened.read_file(tip.tree, "f2").unwrap().as_deref(), Some(&b"2"[..]));

        // Another writer moves the branch during a batch: nothing of the batch lands.
        let before = store.require_tip().unwrap();
        let outcome = store
            .batch(|b| -> Result<_, StoreError> {
                write(b, "lost", "1");
                write(&Store::open(dir.path()).unwrap(), "other", "1");
                Ok(())
            })
            .unwrap();
        assert!(outcome.is_none());
        let tip = store.require_tip().unwrap();
        assert_eq!(store.commits_since(tip.commit, Some(before.commit)).unwrap().len(), 1);
        assert_eq!(store.read_file(tip.tree, "lost").unwrap(), None);
        assert!(store.read_file(tip.tree, "other").unwrap().is_some());
    }
}
