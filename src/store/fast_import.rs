//! Many commits written at once by `git fast-import`: `desk import` turns years
//! of another tracker's history into hundreds of thousands of commits, which
//! one `Store::write` each would take hours to make. The commits go to a
//! temporary ref (`refs/desk/import/PID`); the desk branch moves to its last
//! commit only when the whole stream was read, and only from the tip the
//! import started on (compare-and-swap). A failed, interrupted or killed
//! import leaves the branch as it was: the stream ends with `done`, so git
//! writes no ref for a stream cut short.

use std::io::{BufWriter, Read as _, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};

use git2::Oid;

use super::{Change, Identity, Store, StoreError, Tip, reflock};

/// A blob written earlier in the stream, to be named by a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark(u64);

impl Mark {
    /// No blob (a dry run writes none).
    pub const NONE: Mark = Mark(0);
}

/// How an import ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landed {
    /// The branch is at this commit.
    At(Oid),
    /// There was nothing to commit; the branch did not move.
    Nothing,
    /// Another writer moved the branch during the import; it was left as it
    /// was and the commits are not on it.
    Moved,
}

/// A `git fast-import` process being fed commits for the desk branch.
pub struct FastImport {
    child: Child,
    input: Option<BufWriter<ChildStdin>>,
    git_dir: std::path::PathBuf,
    temp_ref: String,
    start: Option<Tip>,
    next_mark: u64,
    commits: u64,
}

fn io_error(e: &std::io::Error) -> StoreError {
    StoreError::Git(git2::Error::from_str(&format!("git fast-import: {e}")))
}

/// Who made an imported commit, and when: cleaned as git cleans identities;
/// an empty name is `unknown`, an empty email stays empty (`Name <>`).
#[derive(Clone, Copy, Debug)]
pub struct Who<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// Unix seconds, UTC.
    pub time: i64,
}

impl Who<'_> {
    /// `Name <email> SECONDS +0000`, as a fast-import `author` or `committer` line takes it.
    fn line(&self) -> String {
        let name = super::ident::clean(self.name);
        let name = if name.is_empty() { "unknown".to_owned() } else { name };
        format!("{name} <{}> {} +0000", super::ident::clean(self.email), self.time)
    }
}

impl<'a> From<&'a Identity> for Who<'a> {
    fn from(i: &'a Identity) -> Who<'a> {
        Who { name: i.name(), email: i.email(), time: i.time().timestamp() }
    }
}

impl Store {
    /// Starts `git fast-import` for commits on top of the branch's tip (which
    /// must exist: an import needs desk.yaml).
    pub fn fast_import(&self) -> Result<FastImport, StoreError> {
        self.check_not_checked_out()?;
        reflock::RefLock::new(self, &self.refname()).check()?;
        let start = self.tip()?;
        let git_dir = self.repo.path().to_path_buf();
        let child = Command::new("git")
            .arg("--git-dir")
            .arg(&git_dir)
            .args(["fast-import", "--quiet", "--done", "--date-format=raw"])
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                StoreError::Git(git2::Error::from_str(&format!(
                    "cannot run git fast-import: {e} (is git installed and on PATH?)"
                )))
            })?;
        let mut child = child;
        let input = child.stdin.take().map(|s| BufWriter::with_capacity(1 << 20, s));
        Ok(FastImport {
            child,
            input,
            git_dir,
            temp_ref: format!("refs/desk/import/{}", std::process::id()),
            start,
            next_mark: 1,
            commits: 0,
        })
    }
}

impl FastImport {
    fn out(&mut self) -> Result<&mut BufWriter<ChildStdin>, StoreError> {
        self.input.as_mut().ok_or_else(|| io_error(&std::io::Error::other("the stream is closed")))
    }

    /// Writes a blob; commits name it by the mark returned.
    pub fn blob(&mut self, bytes: &[u8]) -> Result<Mark, StoreError> {
        let mark = Mark(self.next_mark);
        self.next_mark += 1;
        let out = self.out()?;
        write!(out, "blob\nmark :{}\ndata {}\n", mark.0, bytes.len())
            .and_then(|()| out.write_all(bytes))
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| io_error(&e))?;
        Ok(mark)
    }

    /// Writes a commit on top of the previous one (the first on the tip the
    /// import started on): `change`'s message, and `files` set to the blobs
    /// given. `change.files` is not read.
    pub fn commit(
        &mut self,
        author: Who<'_>,
        committer: Who<'_>,
        change: &Change,
        files: &[(String, Mark)],
    ) -> Result<(), StoreError> {
        let message = change.message();
        let from = match (self.commits, self.start) {
            (0, Some(tip)) => Some(tip.commit),
            _ => None,
        };
        let temp_ref = self.temp_ref.clone();
        let out = self.out()?;
        let mut head = format!(
            "commit {temp_ref}\nauthor {}\ncommitter {}\ndata {}\n",
            author.line(),
            committer.line(),
            message.len()
        );
        head.push_str(&message);
        head.push('\n');
        if let Some(from) = from {
            head.push_str(&format!("from {from}\n"));
        }
        for (path, mark) in files {
            head.push_str(&format!("M 100644 :{} {path}\n", mark.0));
        }
        head.push('\n');
        out.write_all(head.as_bytes()).map_err(|e| io_error(&e))?;
        self.commits += 1;
        Ok(())
    }

    /// How many commits were written so far.
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// Ends the stream, waits for git, and moves the branch to the last
    /// commit when it is still where the import started.
    pub fn finish(mut self, store: &Store) -> Result<Landed, StoreError> {
        let mut input =
            self.input.take().ok_or_else(|| io_error(&std::io::Error::other("the stream is closed")))?;
        let written = input.write_all(b"done\n").and_then(|()| input.flush());
        drop(input);
        let status = self.child.wait().map_err(|e| io_error(&e))?;
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        if !status.success() || written.is_err() {
            let why = stderr.lines().find(|l| l.starts_with("fatal:")).or_else(|| stderr.lines().next());
            return Err(StoreError::Git(git2::Error::from_str(&format!(
                "git fast-import failed: {}",
                why.unwrap_or("it ended without a message")
            ))));
        }
        if self.commits == 0 {
            return Ok(Landed::Nothing);
        }
        // The objects are in a pack written by another process.
        store.repo.odb()?.refresh()?;
        let new = store.repo.refname_to_id(&self.temp_ref)?;
        self.remove_temp_ref(store);
        let expect = match self.start {
            Some(t) if t.local => reflock::Expect::Commit(t.commit),
            _ => reflock::Expect::Absent,
        };
        if store.move_ref(&store.refname(), new, expect, "desk: import")? {
            Ok(Landed::At(new))
        } else {
            Ok(Landed::Moved)
        }
    }

    fn remove_temp_ref(&self, store: &Store) {
        if let Ok(mut r) = store.repo.find_reference(&self.temp_ref) {
            let _ = r.delete();
        }
    }
}

impl Drop for FastImport {
    /// An import given up before [`FastImport::finish`]: git is stopped before
    /// it reads `done`, so it writes no ref.
    fn drop(&mut self) {
        if self.input.take().is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            // Written by no one, but a fast-import killed late may have left it.
            let _ = std::fs::remove_file(self.git_dir.join(&self.temp_ref));
        }
    }
}
