//! Moving a ref the way git does, under its lock file (`refs/heads/desk.lock`):
//! a writer that holds the lock for a moment is waited for; a lock left behind
//! by a process that died (kill -9, a crash, a power cut) is reported at once,
//! naming the file, instead of being retried until desk gives up.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use git2::{ErrorCode, Oid};

use super::{Store, StoreError};

/// How old a lock file may be before desk takes it for one left behind. A live
/// writer (desk, git, libgit2) holds a ref's lock for well under a millisecond.
const STALE_AFTER: Duration = Duration::from_secs(2);

/// How often a lock held by a live writer is looked at again.
const POLL: Duration = Duration::from_millis(2);

/// What the ref must hold for the update to go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// This commit (compare-and-swap).
    Commit(Oid),
    /// Nothing: the ref must not exist yet.
    Absent,
    /// Anything: a forced update.
    Any,
}

/// The lock file of one ref, watched while desk waits for it.
pub(crate) struct RefLock {
    refname: String,
    path: PathBuf,
    /// The lock last seen (its modification time) and when desk first saw it.
    seen: Option<(SystemTime, Instant)>,
}

impl RefLock {
    pub(crate) fn new(store: &Store, refname: &str) -> RefLock {
        // Branches live in the common git dir, shared by every worktree.
        let path = store.repo.commondir().join(format!("{refname}.lock"));
        RefLock { refname: refname.to_owned(), path, seen: None }
    }

    /// Whether the lock file exists now; an error when it was left behind.
    pub(crate) fn check(&mut self) -> Result<bool, StoreError> {
        let Ok(meta) = std::fs::metadata(&self.path) else {
            self.seen = None;
            return Ok(false);
        };
        let modified = meta.modified().unwrap_or_else(|_| SystemTime::now());
        let age = SystemTime::now().duration_since(modified).unwrap_or_default();
        let waited = match self.seen {
            Some((m, since)) if m == modified => since.elapsed(),
            _ => {
                self.seen = Some((modified, Instant::now()));
                Duration::ZERO
            }
        };
        if age.max(waited) >= STALE_AFTER {
            return Err(StoreError::StaleLock {
                refname: self.refname.clone(),
                path: self.path.clone(),
                age: age.max(waited).as_secs(),
            });
        }
        Ok(true)
    }

    /// Waits until the lock file is gone; an error when it stays.
    pub(crate) fn wait(&mut self) -> Result<(), StoreError> {
        while self.check()? {
            std::thread::sleep(POLL);
        }
        Ok(())
    }
}

impl Store {
    /// Moves `refname` to `new` if it holds what `expect` says. `Ok(false)`: it
    /// did not (another writer moved it first). A lock held by a live writer is
    /// waited for; one left behind is [`StoreError::StaleLock`].
    pub(crate) fn move_ref(
        &self,
        refname: &str,
        new: Oid,
        expect: Expect,
        log: &str,
    ) -> Result<bool, StoreError> {
        let mut lock = RefLock::new(self, refname);
        let started = Instant::now();
        loop {
            let moved = match expect {
                Expect::Commit(old) => self.repo.reference_matching(refname, new, true, old, log),
                Expect::Absent => self.repo.reference(refname, new, false, log),
                Expect::Any => self.repo.reference(refname, new, true, log),
            };
            match moved {
                Ok(_) => return Ok(true),
                Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => return Ok(false),
                Err(e) if e.code() == ErrorCode::Locked => {
                    if !lock.check()? {
                        // Released between the attempt and the look: a moment's
                        // pause. Some other lock than the ref's, held for longer
                        // than any writer holds one: git's own error.
                        if started.elapsed() >= STALE_AFTER {
                            return Err(e.into());
                        }
                        std::thread::sleep(POLL);
                    }
                    lock.wait()?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// `'path'` quoted for a POSIX shell.
pub(crate) fn shell_quote(path: &std::path::Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// An age for people: `45 seconds`, `3 minutes`, `2 hours`, `5 days`.
pub(crate) fn age(seconds: u64) -> String {
    let (n, unit) = match seconds {
        0..120 => (seconds, "second"),
        120..7200 => (seconds / 60, "minute"),
        7200..172_800 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_quoted_paths() {
        assert_eq!(age(1), "1 second");
        assert_eq!(age(119), "119 seconds");
        assert_eq!(age(180), "3 minutes");
        assert_eq!(age(3 * 3600), "3 hours");
        assert_eq!(age(9 * 86_400), "9 days");
        assert_eq!(shell_quote(std::path::Path::new("/a b/it's.lock")), r"'/a b/it'\''s.lock'");
    }
}
