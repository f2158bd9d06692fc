//! The desk branch in git: reading tickets from its tree and writing each change
//! as one commit, moved onto the branch with compare-and-swap. Never touches
//! HEAD, the index or the working tree. The only module that knows git2.

mod batch;
mod ident;
mod index;
mod merge;
mod odb;
mod pack;
mod packread;
mod reflock;
mod remote;
mod search;
mod sync;
#[cfg(test)]
mod sync_tests;
mod tree_check;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{ErrorCode, ObjectType, Repository};

use crate::model::{self, ParseError, Ticket, TicketId};

/// The id of a git object (commit, tree, blob) as the store hands them out.
pub use git2::Oid;
pub use ident::Identity;
pub use index::{IndexEntry, Indexed, Shard, Summary, checksum, shard_checksum};
pub use merge::{ChangeTimes, Conflict, MergeOutcome, MergeRules, PathMerged, PathSides, TreeMerge};
pub use pack::{Landed, Mark, PackWriter, Who};
pub use search::TicketText;
pub use sync::{SyncOptions, SyncReport, SyncState};
pub use tree_check::Unusable;
pub use walk::{CodeCommit, CommitInfo, FileChange, Objects, Parents, TreeMemo};

/// Branch used when git config `desk.branch` is not set.
pub const DEFAULT_BRANCH: &str = "desk";
/// Directory of ticket files in the desk tree.
pub const TICKETS_DIR: &str = "tickets";
/// The directory of the files attached to tickets: `attachments/<ticket id>/<name>`.
pub const ATTACHMENTS_DIR: &str = "attachments";
/// The team's configuration in the desk tree; a desk branch without it is not initialised.
pub const CONFIG_PATH: &str = "desk.yaml";

/// What can go wrong reading or writing the desk branch.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not a git repository: {0}")]
    NotARepository(PathBuf),
    #[error("desk is not initialised in this repository (no `{0}` branch with desk.yaml)")]
    NotInitialised(String),
    #[error("no ticket matches '{0}'")]
    NoSuchTicket(String),
    #[error("'{0}' is not a revision of this repository")]
    NoSuchRevision(String),
    #[error("ticket id '{prefix}' is ambiguous: {}", candidates.join(", "))]
    Ambiguous { prefix: String, candidates: Vec<String> },
    #[error("{path}: {error}")]
    Malformed { path: String, error: ParseError },
    #[error("refusing to write {path}: desk could not read it back ({error})")]
    Unwritable { path: String, error: ParseError },
    #[error("git does not know who you are (user.name and user.email are not set)")]
    Identity,
    #[error("invalid identity from {origin}: {problem}")]
    BadIdentity { origin: String, problem: String },
    #[error("{problem} in {origin}: '{}'", value.escape_debug())]
    BadDate { origin: String, value: String, problem: &'static str },
    #[error("the `{0}` branch is checked out in {1}; desk does not write to a checked-out branch")]
    CheckedOut(String, PathBuf),
    #[error("the `{0}` branch kept moving; gave up after many attempts")]
    Contended(String),
    #[error("cannot lock ref '{refname}': '{}' exists (created {} ago)", path.display(), reflock::age(*age))]
    StaleLock { refname: String, path: PathBuf, age: u64 },
    #[error("cannot {action} '{remote}': {message}")]
    Remote { action: &'static str, remote: String, message: String },
    #[error("cannot push to '{remote}': its desk branch is locked ('{path}' exists there and stays)")]
    RemoteLocked { remote: String, path: String },
    #[error("cannot write an object to '{}': {error}", dir.display())]
    WriteObject { dir: PathBuf, error: std::io::Error },
    #[error(transparent)]
    Git(#[from] git2::Error),
}

impl StoreError {
    /// A hint for the user, where there is an obvious next step.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::NotARepository(_) => {
                Some("run desk inside a git repository, pass --repo PATH, or create one with `git init`".into())
            }
            StoreError::NotInitialised(_) => Some("run `desk init`".into()),
            StoreError::NoSuchTicket(_) => Some("`desk list --all` shows every ticket".into()),
            StoreError::NoSuchRevision(_) => {
                Some("give a commit, a branch or a tag, as git takes it (`git log desk` lists the desk branch's commits)".into())
            }
            StoreError::Ambiguous { .. } => Some("type more characters of the id".into()),
            // desk edit takes a ticket; desk.yaml is changed with git on the desk branch.
            StoreError::Malformed { path, .. } if path == CONFIG_PATH => Some(
                "fix desk.yaml on the desk branch with git (for example in a worktree of it); \
                 `desk config check` lists every problem in it"
                    .into(),
            ),
            StoreError::Malformed { path, .. } => Some(format!(
                "fix the file with `desk edit`, or see every problem with `desk doctor` ({path})"
            )),
            StoreError::CheckedOut(..) => Some(
                "switch that working tree to another branch, or keep tickets on another branch with `git config desk.branch NAME`"
                    .into(),
            ),
            StoreError::Identity => Some(
                "set it with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`"
                    .into(),
            ),
            StoreError::BadIdentity { origin, .. } if origin.starts_with("git config") => {
                Some(format!("set a name and email that git accepts with `{origin} VALUE`"))
            }
            StoreError::BadIdentity { origin, .. } => {
                Some(format!("set {origin} to a value git accepts, or unset it to use git config"))
            }
            StoreError::BadDate { origin, .. } => Some(format!(
                "give a time as git takes it — `2026-11-28T09:00:00Z`, `Sat, 28 Nov 2026 09:00:00 +0000` or `@1795856400 +0000` — or unset {origin}"
            )),
            StoreError::StaleLock { path, .. } => Some(format!(
                "another git or desk process may be running in this repository; if none is, one crashed here earlier: remove the lock with `rm {}` and try again",
                reflock::shell_quote(path)
            )),
            StoreError::RemoteLocked { path, .. } => Some(format!(
                "your changes are merged locally; if no push to that repository is running, one died there: whoever can reach it removes the lock (`rm {}`), then sync again",
                reflock::shell_quote(Path::new(path))
            )),
            StoreError::Remote { action: "push to", remote, .. } => Some(format!(
                "your changes are merged locally; check that you may push to '{remote}', or keep working with `desk sync --no-push`"
            )),
            StoreError::WriteObject { .. } => {
                Some("check that the disk has room and that you may write to the repository".into())
            }
            StoreError::Remote { remote, .. } => Some(format!(
                "check the remote with `git remote -v` and that `git fetch {remote}` works"
            )),
            _ => None,
        }
    }
}

/// The commit the desk branch points at, as read at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tip {
    pub commit: Oid,
    pub tree: Oid,
    /// Whether the local branch exists (false: read from a remote-tracking branch).
    pub local: bool,
}

/// A file's blob before and after a change; `None` where there is no file.
pub type BlobChange = (Option<Oid>, Option<Oid>);

/// One change to the desk tree, to be made as one commit.
#[derive(Debug, Default)]
pub struct Change {
    /// One-line summary, e.g. `k3x9q2 reply: Printer on 3rd floor…`.
    pub summary: String,
    /// Files to write (`Some`) or delete (`None`), by path in the desk tree.
    pub files: Vec<(String, Option<Vec<u8>>)>,
    /// Tickets touched, for the `Desk-Ticket:` trailers.
    pub tickets: Vec<TicketId>,
    /// More trailers after those (`Desk-Rule: NAME`), as key and value; a
    /// line break in a value is written as a space.
    pub trailers: Vec<(String, String)>,
}

impl Change {
    /// A change that writes one ticket file, once the file is known to read
    /// back as written ([`model::render_checked`]).
    pub fn ticket(verb: &str, ticket: &Ticket) -> Result<Change, StoreError> {
        let text = model::render_checked(ticket)
            .map_err(|error| StoreError::Unwritable { path: ticket.id.path(), error })?;
        Ok(Change {
            summary: commit_summary(verb, ticket),
            files: vec![(ticket.id.path(), Some(text.into_bytes()))],
            tickets: vec![ticket.id.clone()],
            trailers: Vec::new(),
        })
    }

    fn message(&self) -> String {
        let mut m = self.summary.clone();
        if self.tickets.is_empty() && self.trailers.is_empty() {
            m.push('\n');
            return m;
        }
        m.push_str("\n\n");
        for t in &self.tickets {
            m.push_str("Desk-Ticket: ");
            m.push_str(t.as_str());
            m.push('\n');
        }
        for (key, value) in &self.trailers {
            m.push_str(key);
            m.push_str(": ");
            m.extend(value.chars().map(|c| if c.is_control() { ' ' } else { c }));
            m.push('\n');
        }
        m
    }
}

/// `k3x9q2 reply: Printer on 3rd floor…` — the title cut to keep the line short.
pub fn commit_summary(verb: &str, ticket: &Ticket) -> String {
    summary_line(verb, &ticket.id, &ticket.title)
}

/// [`commit_summary`] of a ticket known by its id and title.
pub fn summary_line(verb: &str, id: &TicketId, title: &str) -> String {
    const MAX: usize = 50;
    let title: String = if title.chars().count() > MAX {
        let cut: String = title.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        title.to_owned()
    };
    format!("{} {verb}: {title}", &id.as_str()[..model::MIN_SHORT])
}

/// A ticket found by [`Store::locate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub id: TicketId,
    /// The blob of its file.
    pub blob: Oid,
    /// Length of its shortest unique prefix.
    pub short: usize,
}

/// Length of the shortest unique prefix of `id` among the sorted `ids` of its shard.
fn short_len(ids: &[TicketId], id: &TicketId) -> usize {
    let strs: Vec<&str> = ids.iter().map(TicketId::as_str).collect();
    let lens = model::unique_prefix_lengths(&strs);
    strs.binary_search(&id.as_str()).map_or(model::MIN_SHORT, |i| lens[i])
}

/// Result of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A commit was made.
    Commit(Oid),
    /// The change left the tree as it was; no commit.
    Unchanged,
}

/// A commit made for a change, not yet on the branch.
struct Prepared {
    /// The tip it was made on.
    tip: Option<Tip>,
    commit: Oid,
    summary: String,
}

/// A repository holding (or about to hold) a desk branch.
pub struct Store {
    repo: Repository,
    branch: String,
    /// In a batch ([`Store::batch`]): the branch's tip when it started and its
    /// tip so far, in memory.
    pending: std::cell::RefCell<Option<batch::Pending>>,
    /// The object directory desk reads and writes itself ([`odb`]), found at
    /// the first object; `None` where libgit2 does all (alternates, a batch).
    odb: std::cell::OnceCell<Option<odb::ObjectDir>>,
}

impl Store {
    /// Finds the repository at `path` (or the current directory), searching
    /// parent directories as git does.
    pub fn discover(path: Option<&Path>) -> Result<Store, StoreError> {
        configure_libgit2();
        let (repo, start) = open_repository(path);
        let repo =
            repo.map_err(|_| StoreError::NotARepository(start.canonicalize().unwrap_or(start.clone())))?;
        let branch = repo
            .config()
            .ok()
            .and_then(|c| c.get_string("desk.branch").ok())
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_BRANCH.to_owned());
        Ok(Store { repo, branch, pending: std::cell::RefCell::new(None), odb: std::cell::OnceCell::new() })
    }

    /// Creates a git repository at `path` whose local config names `user` as
    /// the person who acts (`user.name`, `user.email`), and opens it.
    pub fn init_repository(path: &Path, user_name: &str, user_email: &str) -> Result<Store, StoreError> {
        let repo = Repository::init(path)?;
        let mut config = repo.config()?;
        config.set_str("user.name", user_name)?;
        config.set_str("user.email", user_email)?;
        Store::open(path)
    }

    /// A git config value as git reads it for this repository (all levels).
    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo.config().ok().and_then(|c| c.get_string(key).ok())
    }

    /// Sets `key` in the repository's own git config (`.git/config`) unless it
    /// already has `value`; returns whether it changed.
    pub fn set_local_config(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        if config.get_string(key).ok().as_deref() == Some(value) {
            return Ok(false);
        }
        config.set_str(key, value)?;
        Ok(true)
    }

    /// The bytes of the blob `id`.
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>, StoreError> {
        self.blob_vec(id)
    }

    /// Opens the repository at exactly `path` (no discovery).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        configure_libgit2();
        let repo = Repository::open(path).map_err(|_| StoreError::NotARepository(path.to_path_buf()))?;
        let branch = repo
            .config()
            .ok()
            .and_then(|c| c.get_string("desk.branch").ok())
            .unwrap_or_else(|| DEFAULT_BRANCH.to_owned());
        Ok(Store { repo, branch, pending: std::cell::RefCell::new(None), odb: std::cell::OnceCell::new() })
    }

    fn repo(&self) -> &Repository {
        &self.repo
    }

    /// Short name of the desk branch.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// Full ref name of the local desk branch.
    pub fn refname(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    /// Directory for desk's rebuildable caches (`.git/desk`).
    pub fn cache_dir(&self) -> PathBuf {
        self.repo.commondir().join("desk")
    }

    /// The remote-tracking branch to read when there is no local desk branch:
    /// the configured upstream, else `origin`.
    pub fn remote_tracking_ref(&self) -> String {
        let remote = self
            .repo
            .config()
            .ok()
            .and_then(|c| c.get_string(&format!("branch.{}.remote", self.branch)).ok())
            .unwrap_or_else(|| "origin".to_owned());
        format!("refs/remotes/{remote}/{}", self.branch)
    }

    /// The current tip: the local branch, else the remote-tracking branch; `None`
    /// when neither exists.
    pub fn tip(&self) -> Result<Option<Tip>, StoreError> {
        if let Some(p) = self.pending.borrow().as_ref() {
            return Ok(p.tip);
        }
        let (oid, local) = match self.repo.refname_to_id(&self.refname()) {
            Ok(oid) => (oid, true),
            Err(e) if e.code() == ErrorCode::NotFound => {
                match self.repo.refname_to_id(&self.remote_tracking_ref()) {
                    Ok(oid) => (oid, false),
                    Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Some(Tip { commit: oid, tree: self.commit_tree(oid)?, local }))
    }

    /// The tip of an initialised desk branch, or [`StoreError::NotInitialised`].
    pub fn require_tip(&self) -> Result<Tip, StoreError> {
        match self.tip()? {
            Some(tip) if self.read_file(tip.tree, CONFIG_PATH)?.is_some() => Ok(tip),
            _ => Err(StoreError::NotInitialised(self.branch.clone())),
        }
    }

    /// The names of the files (blobs) directly in directory `dir` of `tree`,
    /// sorted; empty when there is no such directory. Names that are not UTF-8
    /// are left out.
    pub fn file_names(&self, tree: Oid, dir: &str) -> Result<Vec<String>, StoreError> {
        let Some(entry) = self.entry_at(tree, dir)?.filter(|e| e.kind() == ObjectType::Tree) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = self
            .tree(entry.id)?
            .into_iter()
            .filter(|e| e.kind() == ObjectType::Blob)
            .filter_map(|e| String::from_utf8(e.name).ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The bytes of the file at `path` in tree `tree`, if there is one.
    pub fn read_file(&self, tree: Oid, path: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.blob_at(tree, path)? {
            Some(blob) => Ok(Some(self.blob_vec(blob)?)),
            None => Ok(None),
        }
    }

    /// The commit a revision names (`HEAD~3`, a branch, an id), as git reads it.
    pub fn resolve_revision(&self, rev: &str) -> Result<Oid, StoreError> {
        let object =
            self.repo.revparse_single(rev).map_err(|_| StoreError::NoSuchRevision(rev.to_owned()))?;
        let commit = object.peel_to_commit().map_err(|_| StoreError::NoSuchRevision(rev.to_owned()))?;
        Ok(commit.id())
    }

    /// A commit's tree and author time (Unix seconds).
    pub fn commit_info(&self, commit: Oid) -> Result<(Oid, i64), StoreError> {
        let c = self.repo.find_commit(commit)?;
        Ok((c.tree_id(), c.author().when().seconds()))
    }

    /// The blob of `path` in commit `commit`'s tree, if it is a file there.
    pub fn blob_in_commit(&self, commit: Oid, path: &str) -> Result<Option<Oid>, StoreError> {
        let tree = self.repo.find_commit(commit)?.tree_id();
        self.blob_at(tree, path)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn reaches(&self, commit: Oid, ancestor: Oid) -> bool {
        commit == ancestor || self.repo.graph_descendant_of(commit, ancestor).unwrap_or(false)
    }

    /// Every commit `commit` contains: itself and all its ancestors.
    pub fn ancestry(&self, commit: Oid) -> Result<std::collections::HashSet<Oid>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.push(commit)?;
        walk.map(|c| c.map_err(StoreError::from)).collect()
    }

    /// The blobs (before, after) of every file below `dir` that differs
    /// between two trees; `None` where there is no file.
    pub fn changed_blobs(
        &self,
        old_tree: Oid,
        new_tree: Oid,
        dir: &str,
    ) -> Result<Vec<BlobChange>, StoreError> {
        let old = self.repo.find_tree(old_tree)?;
        let new = self.repo.find_tree(new_tree)?;
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(dir);
        let diff = self.repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))?;
        let id = |o: Oid| (!o.is_zero()).then_some(o);
        Ok(diff.deltas().map(|d| (id(d.old_file().id()), id(d.new_file().id()))).collect())
    }

    /// The values of the trailer `key` in the message of `commit` (the commit
    /// id in hexadecimal), in order; none for a commit that cannot be read.
    pub fn trailer_values(&self, commit: &str, key: &str) -> Vec<String> {
        let prefix = format!("{key}: ");
        let Ok(oid) = Oid::from_str(commit) else { return Vec::new() };
        let Ok(c) = self.repo.find_commit(oid) else { return Vec::new() };
        let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
        message.lines().filter_map(|l| l.strip_prefix(prefix.as_str())).map(|v| v.trim().to_owned()).collect()
    }

    /// The first value `f` finds in the messages of the commits reachable
    /// from `commit` and not from `stop`, walking back from `commit` (a child
    /// before its parents); only commit objects are read, as the walk goes.
    pub fn find_in_messages<T>(
        &self,
        commit: Oid,
        stop: Option<Oid>,
        mut f: impl FnMut(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        for oid in self.walk_from(commit, stop)? {
            let c = self.repo.find_commit(oid?)?;
            if let Some(found) = c.message().ok().and_then(&mut f) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Calls `f` with the message and commit time (seconds since the epoch)
    /// of every commit reachable from `commit` and not from `stop`, a child
    /// before its parents; only commit objects are read. `stop` must exist.
    pub fn each_message(
        &self,
        commit: Oid,
        stop: Option<Oid>,
        mut f: impl FnMut(&str, i64),
    ) -> Result<(), StoreError> {
        // The common case first: `stop` a few first parents back along a line
        // of single-parent commits (a revwalk with a hidden commit may parse
        // much of history to be sure).
        let mut line = Vec::new();
        let mut at = self.repo.find_commit(commit)?;
        while stop.is_some() && line.len() < 64 && at.parent_count() == 1 {
            let parent = at.parent_id(0)?;
            line.push(at);
            if Some(parent) == stop {
                for c in &line {
                    if let Ok(message) = c.message() {
                        f(message, c.time().seconds());
                    }
                }
                return Ok(());
            }
            at = self.repo.find_commit(parent)?;
        }
        if Some(commit) == stop {
            return Ok(());
        }
        for oid in self.walk_from(commit, stop)? {
            let c = self.repo.find_commit(oid?)?;
            if let Ok(message) = c.message() {
                f(message, c.time().seconds());
            }
        }
        Ok(())
    }

    /// A walk of the commits reachable from `commit` and not from `stop`, a
    /// child before its parents (no time sort: nothing is read ahead).
    fn walk_from(&self, commit: Oid, stop: Option<Oid>) -> Result<git2::Revwalk<'_>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.push(commit)?;
        if let Some(stop) = stop {
            walk.hide(stop)?;
        }
        Ok(walk)
    }

    /// The commits reachable from `commit` and not from `stop`, parents
    /// before children, each with its parents.
    pub fn commits_since(&self, commit: Oid, stop: Option<Oid>) -> Result<Vec<(Oid, Vec<Oid>)>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(commit)?;
        if let Some(stop) = stop {
            walk.hide(stop)?;
        }
        let mut out = Vec::new();
        for oid in walk {
            let c = self.repo.find_commit(oid?)?;
            out.push((c.id(), c.parent_ids().collect()));
        }
        Ok(out)
    }

    /// The message, time (seconds since the epoch) and author's email of `commit`.
    pub fn commit_message(&self, commit: Oid) -> Result<(String, i64, String), StoreError> {
        let c = self.repo.find_commit(commit)?;
        let email = String::from_utf8_lossy(c.author().email_bytes()).into_owned();
        Ok((String::from_utf8_lossy(c.message_bytes()).into_owned(), c.time().seconds(), email))
    }

    /// The commit a ref outside the desk branch points at (a cursor such as
    /// `refs/desk/mail`), if it exists.
    pub fn cursor(&self, refname: &str) -> Result<Option<Oid>, StoreError> {
        match self.repo.find_reference(refname) {
            Ok(r) => Ok(r.target()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Moves the cursor `refname` from `old` (`None`: it must not exist) to
    /// `new`; false when it was not at `old` any more.
    pub fn move_cursor(
        &self,
        refname: &str,
        new: Oid,
        old: Option<Oid>,
        log: &str,
    ) -> Result<bool, StoreError> {
        let expect = old.map_or(reflock::Expect::Absent, reflock::Expect::Commit);
        self.move_ref(refname, new, expect, log)
    }

    /// Ids of all tickets whose id starts with `prefix` (normalised, non-empty).
    pub fn ids_with_prefix(&self, tree: Oid, prefix: &str) -> Result<Vec<TicketId>, StoreError> {
        let Some(tickets) = self.subtree_of(&self.tree(tree)?, TICKETS_DIR)? else { return Ok(Vec::new()) };
        let shard_prefix = &prefix[..prefix.len().min(2)];
        let mut found = Vec::new();
        for shard in &tickets {
            let Ok(name) = std::str::from_utf8(&shard.name) else { continue };
            if !name.starts_with(shard_prefix) || shard.kind() != ObjectType::Tree {
                continue;
            }
            for file in self.tree(shard.id)? {
                let Some(stem) = std::str::from_utf8(&file.name).ok().and_then(|n| n.strip_suffix(".md"))
                else {
                    continue;
                };
                if stem.starts_with(prefix)
                    && stem.starts_with(name)
                    && let Some(id) = TicketId::parse(stem)
                {
                    found.push(id);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// Resolves a (normalised) id prefix to the one ticket it names.
    pub fn resolve(&self, tip: &Tip, prefix: &str) -> Result<TicketId, StoreError> {
        let mut ids = self.ids_with_prefix(tip.tree, prefix)?;
        match ids.len() {
            0 => Err(StoreError::NoSuchTicket(prefix.to_owned())),
            1 => Ok(ids.remove(0)),
            _ => Err(StoreError::Ambiguous {
                prefix: prefix.to_owned(),
                candidates: ids.into_iter().map(|i| i.to_string()).collect(),
            }),
        }
    }

    /// Finds the one ticket a (normalised) id prefix names, reading the ticket
    /// tree once: its id, the blob of its file and the length of its shortest
    /// unique prefix (at least [`model::MIN_SHORT`]).
    pub fn locate(&self, tip: &Tip, prefix: &str) -> Result<Located, StoreError> {
        if prefix.len() < 2 {
            // Spans several shards: the general path.
            let id = self.resolve(tip, prefix)?;
            let ids = self.ids_with_prefix(tip.tree, id.shard())?;
            let blob = self
                .blob_at(tip.tree, &id.path())?
                .ok_or_else(|| StoreError::NoSuchTicket(id.to_string()))?;
            let short = short_len(&ids, &id);
            return Ok(Located { id, blob, short });
        }
        let shard = match self.subtree_of(&self.tree(tip.tree)?, TICKETS_DIR)? {
            Some(tickets) => self.subtree_of(&tickets, &prefix[..2])?,
            None => None,
        };
        let Some(shard) = shard else { return Err(StoreError::NoSuchTicket(prefix.to_owned())) };
        let mut ids = Vec::new();
        let mut matches = Vec::new();
        for file in &shard {
            let Some(id) = std::str::from_utf8(&file.name)
                .ok()
                .and_then(|n| n.strip_suffix(".md"))
                .and_then(TicketId::parse)
            else {
                continue;
            };
            if id.as_str().starts_with(prefix) && file.kind() == ObjectType::Blob {
                matches.push((id.clone(), file.id));
            }
            ids.push(id);
        }
        ids.sort();
        match matches.len() {
            0 => Err(StoreError::NoSuchTicket(prefix.to_owned())),
            1 => {
                let (id, blob) = matches.remove(0);
                let short = short_len(&ids, &id);
                Ok(Located { id, blob, short })
            }
            _ => {
                let mut candidates: Vec<String> = matches.into_iter().map(|(id, _)| id.to_string()).collect();
                candidates.sort();
                Err(StoreError::Ambiguous { prefix: prefix.to_owned(), candidates })
            }
        }
    }

    /// The blob at `path` in tree `tree`, if there is one.
    fn blob_at(&self, tree: Oid, path: &str) -> Result<Option<Oid>, StoreError> {
        Ok(self.entry_at(tree, path)?.filter(|e| e.kind() == ObjectType::Blob).map(|e| e.id))
    }

    /// The raw text of a ticket's file.
    pub fn ticket_text(&self, tip: &Tip, id: &TicketId) -> Result<String, StoreError> {
        let bytes =
            self.read_file(tip.tree, &id.path())?.ok_or_else(|| StoreError::NoSuchTicket(id.to_string()))?;
        String::from_utf8(bytes).map_err(|_| StoreError::Malformed {
            path: id.path(),
            error: ParseError { line: 1, message: "the file is not valid UTF-8".into() },
        })
    }

    /// Loads and parses one ticket.
    pub fn load_ticket(&self, tip: &Tip, id: &TicketId) -> Result<Ticket, StoreError> {
        let text = self.ticket_text(tip, id)?;
        parse_at_path(&text, &id.path())
    }

    /// Loads and parses a ticket from its blob.
    pub fn load_blob_ticket(&self, blob: Oid, path: &str) -> Result<Ticket, StoreError> {
        let blob = self.object(blob, ObjectType::Blob)?;
        let text = std::str::from_utf8(&blob).map_err(|_| StoreError::Malformed {
            path: path.to_owned(),
            error: ParseError { line: 1, message: "the file is not valid UTF-8".into() },
        })?;
        parse_at_path(text, path)
    }

    /// Every blob below directory `dir` (a path: `rules/tests`) of `tree`, as
    /// (path, blob id), in tree order.
    pub fn files_under(&self, tree: Oid, dir: &str) -> Result<Vec<(String, Oid)>, StoreError> {
        let root = self.repo.find_tree(tree)?;
        let sub = match root.get_path(Path::new(dir)) {
            Ok(e) if e.kind() == Some(ObjectType::Tree) => self.repo.find_tree(e.id())?,
            _ => return Ok(Vec::new()),
        };
        let mut files = Vec::new();
        sub.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && let Ok(name) = entry.name()
            {
                files.push((format!("{dir}/{parent}{name}"), entry.id()));
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// The size in bytes of blob `id`, read from its header only.
    pub fn blob_size(&self, id: Oid) -> Result<usize, StoreError> {
        Ok(self.repo.odb()?.read_header(id)?.0)
    }

    /// Every entry of tree `tree` that desk cannot use: names like `..` or `.git`,
    /// submodules, symbolic links, a directory where desk keeps a file.
    pub fn unusable_entries(&self, tree: Oid) -> Result<Vec<Unusable>, StoreError> {
        tree_check::unusable(&self.repo, &self.repo.find_tree(tree)?)
    }

    /// Calls `f` with every ticket file's summary (sorted by path), from the
    /// cached index in [`Store::cache_dir`], brought up to date or rebuilt as needed.
    pub fn with_index<R>(&self, tip: &Tip, f: impl FnOnce(&[IndexEntry<'_>]) -> R) -> Result<R, StoreError> {
        index::with_entries(self, tip, f)
    }

    /// Calls `f` with each shard of the index in turn (see [`Store::with_index`]),
    /// its entries sorted by path: memory holds one shard's entries at a time.
    pub fn for_each_index_shard<E: From<StoreError>>(
        &self,
        tip: &Tip,
        mut f: impl FnMut(&Shard, &[IndexEntry<'_>]) -> Result<(), E>,
    ) -> Result<(), E> {
        for shard in index::shards(self, tip)? {
            index::with_shard(self, &shard, |entries| f(&shard, entries))??;
        }
        Ok(())
    }

    /// Calls `f` with the searched texts of the tickets of `shard`, one per
    /// entry of `entries` (as [`Store::for_each_index_shard`] gave them), from
    /// the cached search index, brought up to date or rebuilt as needed.
    pub fn with_shard_texts<R>(
        &self,
        shard: &Shard,
        entries: &[IndexEntry<'_>],
        f: impl FnOnce(&[TicketText<'_>]) -> R,
    ) -> Result<R, StoreError> {
        search::with_texts(self, shard, entries, f)
    }

    /// The acting person as git sees them (author, committer), honouring
    /// `GIT_AUTHOR_*` and `GIT_COMMITTER_*`.
    ///
    /// Names and emails are cleaned as git cleans them, and dates read as git
    /// reads them; what git would refuse, or what would not fit on one line of a
    /// ticket file, is an error.
    pub fn signatures(&self) -> Result<(Identity, Identity), StoreError> {
        let config = self.repo.config()?.snapshot()?;
        let sources = ident::System(&config);
        let author = ident::signature(ident::Role::Author, &sources)?;
        let committer = ident::signature(ident::Role::Committer, &sources)?;
        Ok((author, committer))
    }

    /// Applies one change as one commit on the desk branch. `make` is called with
    /// the current tip (`None` if the branch does not exist yet) and returns the
    /// change, or `None` for nothing to do. If another writer moves the branch
    /// first, `make` is called again on the new tip: no write is lost.
    pub fn write<E: From<StoreError>>(
        &self,
        author: &Identity,
        committer: &Identity,
        mut make: impl FnMut(Option<&Tip>) -> Result<Option<Change>, E>,
    ) -> Result<Written, E> {
        if self.pending.borrow().is_some() {
            return self.write_pending(author, committer, make);
        }
        let refname = self.refname();
        self.check_not_checked_out()?;
        // A lock left behind fails before anything is written.
        reflock::RefLock::new(self, &refname).check()?;
        let mut prepared: Option<Prepared> = None;
        for attempt in 0u32..500 {
            let tip = self.tip()?;
            // The same tip gives the same commit: write the change once, however
            // often the ref update has to be tried.
            let ready = match prepared.take() {
                Some(p) if p.tip == tip => p,
                _ => match self.prepare(tip, author, committer, &mut make)? {
                    Some(p) => p,
                    None => return Ok(Written::Unchanged),
                },
            };
            let expect = match &ready.tip {
                Some(t) if t.local => reflock::Expect::Commit(t.commit),
                _ => reflock::Expect::Absent,
            };
            if self.move_ref(&refname, ready.commit, expect, &format!("desk: {}", ready.summary))? {
                return Ok(Written::Commit(ready.commit));
            }
            // Another writer got there first: back off a little and redo the change on its tip.
            let jitter = u64::from(ready.commit.as_bytes()[0] % 8);
            std::thread::sleep(Duration::from_millis(1 + jitter + u64::from(attempt.min(20))));
            prepared = Some(ready);
        }
        Err(StoreError::Contended(self.branch.clone()).into())
    }

    /// Makes the change on `tip` and writes its objects; `None` when there is
    /// nothing to commit.
    fn prepare<E: From<StoreError>>(
        &self,
        tip: Option<Tip>,
        author: &Identity,
        committer: &Identity,
        make: &mut impl FnMut(Option<&Tip>) -> Result<Option<Change>, E>,
    ) -> Result<Option<Prepared>, E> {
        let Some(change) = make(tip.as_ref())? else { return Ok(None) };
        let tree = self.apply_files(tip.as_ref().map(|t| t.tree), &change.files)?;
        if tip.as_ref().is_some_and(|t| t.tree == tree && t.local) {
            return Ok(None);
        }
        let parents: Vec<Oid> = tip.iter().map(|t| t.commit).collect();
        let commit = self.write_commit(tree, &parents, author, committer, &change.message())?;
        Ok(Some(Prepared { tip, commit, summary: change.summary }))
    }

    /// Fails when the desk branch is checked out in this repository or one of its
    /// worktrees: moving it would change that HEAD under the working tree.
    fn check_not_checked_out(&self) -> Result<(), StoreError> {
        let refname = self.refname();
        let on_branch = |repo: &Repository| {
            !repo.is_bare()
                && repo
                    .find_reference("HEAD")
                    .ok()
                    .and_then(|head| head.symbolic_target().ok().flatten().map(|t| t == refname))
                    .unwrap_or(false)
        };
        let checked_out = |repo: &Repository| {
            let dir = repo.workdir().unwrap_or_else(|| repo.path());
            StoreError::CheckedOut(self.branch.clone(), dir.components().collect())
        };
        // The repository desk was started in, then every linked worktree.
        let main = if self.repo.is_worktree() { Repository::open(self.repo.commondir()).ok() } else { None };
        for repo in std::iter::once(&self.repo).chain(main.as_ref()) {
            if on_branch(repo) {
                return Err(checked_out(repo));
            }
        }
        // A linked worktree's HEAD is a file in the common git dir: reading it is
        // much cheaper than opening the worktree as a repository.
        let head_line = format!("ref: {refname}");
        for name in self.repo.worktrees()?.iter().filter_map(|n| n.ok().flatten()) {
            let head = self.repo.commondir().join("worktrees").join(name).join("HEAD");
            if std::fs::read_to_string(head).is_ok_and(|text| text.trim_end() != head_line) {
                continue;
            }
            let Ok(worktree) = self.repo.find_worktree(name) else { continue };
            if let Ok(repo) = Repository::open_from_worktree(&worktree)
                && on_branch(&repo)
            {
                return Err(checked_out(&repo));
            }
        }
        Ok(())
    }

    /// Writes the files of a change over `base` and returns the new root tree.
    /// Each directory is rebuilt once, however many files change below it.
    pub(crate) fn apply_files(
        &self,
        base: Option<Oid>,
        files: &[(String, Option<Vec<u8>>)],
    ) -> Result<Oid, StoreError> {
        let mut changes: BTreeMap<&str, Option<Oid>> = BTreeMap::new();
        for (path, content) in files {
            let blob = match content {
                Some(bytes) => Some(self.write_object(ObjectType::Blob, bytes)?),
                None => None,
            };
            changes.insert(path.as_str(), blob);
        }
        match self.update_tree(base, &changes)? {
            Some(oid) => Ok(oid),
            None => self.write_object(ObjectType::Tree, &[]),
        }
    }
}

/// Process-wide libgit2 settings, made once before the first repository opens.
///
/// - No hash check of every object read: git itself checks hashes when it
///   receives objects (fetch, fsck), not on each read, and a check costs a
///   SHA-1 of every tree on the way to a ticket (30 KB for `tickets/` at 100k).
/// - No existence check of each id put into a tree or commit: desk only puts in
///   objects it has just read or written.
/// - Pack files are mapped in windows of [`PACK_WINDOW`] bytes, at most
///   [`PACK_MAPPED_LIMIT`] bytes at a time (git's `core.packedGitWindowSize`
///   and `core.packedGitLimit`; libgit2's defaults are 1 GiB and 8 GiB on
///   64-bit systems). A cold walk reads the whole pack, and every page of a
///   mapped window it read stays in the process's resident set until the
///   window is unmapped: with the defaults, the walk of a 3 GB pack ends with
///   3 GB resident. Evicted windows' pages stay in the page cache, so mapping
///   them again costs little.
pub fn configure_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::strict_object_creation(false);
        bound_pack_windows();
    });
}

/// The size of one mapped window of a pack file.
pub const PACK_WINDOW: usize = 32 << 20;

/// How many bytes of pack files are mapped at most at a time.
pub const PACK_MAPPED_LIMIT: usize = 256 << 20;

/// Sets the pack window limits when no other thread exists yet: libgit2 reads
/// them without synchronisation, which git2 marks by making the setters
/// `unsafe`. With another thread running, they are left at libgit2's defaults
/// (correct, only more memory).
#[allow(unsafe_code)]
fn bound_pack_windows() {
    if !single_threaded() {
        return;
    }
    // SAFETY: the setters write two globals of libgit2 without a lock. This
    // process has only the current thread (checked just above), so nothing
    // can read or write them at the same time.
    unsafe {
        let _ = git2::opts::set_mwindow_size(PACK_WINDOW);
        let _ = git2::opts::set_mwindow_mapped_limit(PACK_MAPPED_LIMIT);
    }
}

/// Whether the process has a single thread (read from `/proc`; `false` where
/// it cannot be known).
fn single_threaded() -> bool {
    std::fs::read_dir("/proc/self/task").is_ok_and(|tasks| tasks.count() == 1)
}

/// Opens the repository as git finds it, honouring the variables git reads
/// (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_CEILING_DIRECTORIES`, `GIT_COMMON_DIR`, …):
/// from `path` (`-C`; a relative `GIT_DIR` is then relative to it, as with
/// `git -C`) or the current directory. Also returns where the search started.
fn open_repository(path: Option<&Path>) -> (Result<Repository, git2::Error>, PathBuf) {
    let git_dir = std::env::var_os("GIT_DIR").filter(|d| !d.is_empty());
    match path {
        None => (Repository::open_from_env(), git_dir.map_or_else(|| PathBuf::from("."), PathBuf::from)),
        Some(path) => {
            let start = git_dir.map_or_else(|| path.to_path_buf(), |dir| path.join(dir));
            let flags = git2::RepositoryOpenFlags::FROM_ENV;
            (Repository::open_ext(&start, flags, std::iter::empty::<&std::ffi::OsStr>()), start)
        }
    }
}

/// git's configuration as seen from a repository (its own file, then the
/// global and system ones), or without a repository the global and system
/// files: for git's settings desk honours (`color.ui`, `core.pager`, …).
pub struct GitConfig(Option<git2::Config>);

impl GitConfig {
    /// The configuration of the repository at `path` (`-C`) or around the
    /// current directory, found as [`Store::discover`] finds it.
    pub fn open(path: Option<&Path>) -> GitConfig {
        configure_libgit2();
        let config = match open_repository(path).0 {
            Ok(repo) => repo.config(),
            Err(_) => git2::Config::open_default(),
        };
        GitConfig(config.ok())
    }

    /// A value as text, if set.
    pub fn string(&self, key: &str) -> Option<String> {
        self.0.as_ref()?.get_string(key).ok()
    }
}

/// Parses a ticket file found at `path`, checking that its id matches the path.
pub fn parse_at_path(text: &str, path: &str) -> Result<Ticket, StoreError> {
    model::parse_ticket_at(text, path).map_err(|error| StoreError::Malformed { path: path.to_owned(), error })
}

/// Checks that the id in a ticket's front matter names the file it is in.
pub(crate) fn check_path(ticket: &Ticket, text: &str, path: &str) -> Result<(), StoreError> {
    model::check_id_path(ticket, text, path)
        .map_err(|error| StoreError::Malformed { path: path.to_owned(), error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldSource as _, TextSource as _};
    use crate::workflow::Config;

    fn ticket(id: &str) -> Ticket {
        let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        Ticket::new(TicketId::parse(id).unwrap(), format!("Ticket {id}"), "new".into(), "normal".into(), now)
    }

    fn store_with(ids: &[&str]) -> (tempfile::TempDir, Store, Tip) {
        let dir = tempfile::tempdir().unwrap();
        Repository::init(dir.path()).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let sig = Identity::new("Test", "test@example.com", chrono::Utc::now()).unwrap();
        let mut files = vec![(CONFIG_PATH.to_owned(), Some(Config::default_text().into_bytes()))];
        for id in ids {
            let t = ticket(id);
            files.push((t.id.path(), Some(model::render_ticket(&t).into_bytes())));
        }
        store
            .write(&sig, &sig, |_| -> Result<Option<Change>, StoreError> {
                Ok(Some(Change {
                    summary: "setup".into(),
                    files: files.clone(),
                    tickets: Vec::new(),
                    trailers: Vec::new(),
                }))
            })
            .unwrap();
        let tip = store.require_tip().unwrap();
        (dir, store, tip)
    }

    #[test]
    fn locate_finds_a_ticket_its_file_and_its_short_id() {
        let (_dir, store, tip) = store_with(&["abcdef1234", "abcdef5678", "abzzzz0000", "k3x9q2hm7d"]);
        let found = store.locate(&tip, "abcdef5").unwrap();
        assert_eq!(found.id.as_str(), "abcdef5678");
        assert_eq!(found.short, 7);
        assert_eq!(store.load_blob_ticket(found.blob, &found.id.path()).unwrap(), ticket("abcdef5678"));
        assert_eq!(store.locate(&tip, "abz").unwrap().short, 6);
        assert_eq!(store.locate(&tip, "k").unwrap().id.as_str(), "k3x9q2hm7d");
        match store.locate(&tip, "abcdef") {
            Err(StoreError::Ambiguous { candidates, .. }) => {
                assert_eq!(candidates, ["abcdef1234", "abcdef5678"]);
            }
            other => panic!("expected ambiguity, got {other:?}"),
        }
        assert!(matches!(store.locate(&tip, "abq"), Err(StoreError::NoSuchTicket(_))));
        assert!(matches!(store.locate(&tip, "zz"), Err(StoreError::NoSuchTicket(_))));
    }

    #[test]
    fn the_configuration_is_read_again_when_the_tree_changes() {
        let (_dir, store, tip) = store_with(&[]);
        assert_eq!(Config::load(&store, &tip).unwrap(), Config::default());
        let sig = Identity::new("Test", "test@example.com", chrono::Utc::now()).unwrap();
        let text = Config::default_text().replace("default: normal", "default: high");
        store
            .write(&sig, &sig, |_| -> Result<Option<Change>, StoreError> {
                Ok(Some(Change {
                    summary: "config".into(),
                    files: vec![(CONFIG_PATH.into(), Some(text.clone().into_bytes()))],
                    tickets: Vec::new(),
                    trailers: Vec::new(),
                }))
            })
            .unwrap();
        let tip = store.require_tip().unwrap();
        assert_eq!(Config::load(&store, &tip).unwrap().priorities.default, "high");
    }

    fn listed(store: &Store) -> Vec<(String, String)> {
        let tip = store.require_tip().unwrap();
        store
            .with_index(&tip, |entries| {
                entries
                    .iter()
                    .map(|e| match &e.summary {
                        Ok(s) => (
                            e.path.to_string(),
                            s.str(crate::model::Field::Title).unwrap_or_default().to_owned(),
                        ),
                        Err((line, message)) => (e.path.to_string(), format!("line {line}: {message}")),
                    })
                    .collect()
            })
            .unwrap()
    }

    fn write_files(store: &Store, files: &[(String, Option<Vec<u8>>)]) {
        let sig = Identity::new("Test", "test@example.com", chrono::Utc::now()).unwrap();
        store
            .write(&sig, &sig, |_| -> Result<Option<Change>, StoreError> {
                Ok(Some(Change {
                    summary: "change".into(),
                    files: files.to_vec(),
                    tickets: Vec::new(),
                    trailers: Vec::new(),
                }))
            })
            .unwrap();
    }

    #[test]
    fn the_list_index_follows_the_branch_and_survives_a_broken_cache() {
        let (_dir, store, _) = store_with(&["abcdef1234", "k3x9q2hm7d"]);
        let first = vec![
            ("tickets/ab/abcdef1234.md".into(), "Ticket abcdef1234".into()),
            ("tickets/k3/k3x9q2hm7d.md".into(), "Ticket k3x9q2hm7d".into()),
        ];
        assert_eq!(listed(&store), first);
        assert!(store.cache_dir().join("list/ab").exists() && store.cache_dir().join("list/k3").exists());
        assert_eq!(listed(&store), first, "read from the cache");

        // A new, a changed, a removed and a malformed file: the index follows by diff.
        let mut changed = ticket("k3x9q2hm7d");
        changed.title = "Printer is on fire".into();
        write_files(
            &store,
            &[
                (changed.id.path(), Some(model::render_ticket(&changed).into_bytes())),
                ("tickets/ab/abcdef1234.md".into(), None),
                (
                    ticket("zz00000000").id.path(),
                    Some(model::render_ticket(&ticket("zz00000000")).into_bytes()),
                ),
                ("tickets/mm/mmmmmmmmmm.md".into(), Some(b"no front matter".to_vec())),
            ],
        );
        let second = listed(&store);
        assert_eq!(second[0], ("tickets/k3/k3x9q2hm7d.md".into(), "Printer is on fire".into()));
        assert!(second[1].1.starts_with("line 1: "), "{second:?}");
        assert_eq!(second[2], ("tickets/zz/zz00000000.md".into(), "Ticket zz00000000".into()));
        assert_eq!(second.len(), 3);

        // A truncated cache file (same version and tree) is rebuilt, not trusted.
        let file = store.cache_dir().join("list/k3");
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(listed(&store), second);
        // So is a cache of another version.
        let mut other = bytes.clone();
        other[0] = 0x7f;
        std::fs::write(&file, other).unwrap();
        assert_eq!(listed(&store), second);
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
        // One flipped bit anywhere is noticed: the listing stays right and the file is rebuilt.
        for bit in (0..bytes.len() * 8).step_by(7) {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            std::fs::write(&file, &flipped).unwrap();
            assert_eq!(listed(&store), second, "bit {bit}");
            assert_eq!(std::fs::read(&file).unwrap(), bytes, "bit {bit}");
        }
    }

    /// The tickets whose texts contain `needle`, by the search index and by
    /// reading every ticket: (indexed, scanned).
    fn searched(store: &Store, needle: &str) -> (Vec<String>, Vec<String>) {
        let tip = store.require_tip().unwrap();
        let (mut indexed, mut scanned) = (Vec::new(), Vec::new());
        store
            .for_each_index_shard(&tip, |shard, entries| -> Result<(), StoreError> {
                store.with_shard_texts(shard, entries, |texts| {
                    for (entry, text) in entries.iter().zip(texts) {
                        if entry.summary.is_ok() && text.contains_text(needle) {
                            indexed.push(entry.path.to_string());
                        }
                    }
                })
            })
            .unwrap();
        for (path, blob) in store.files_under(tip.tree, TICKETS_DIR).unwrap() {
            if let Ok(t) = store.load_blob_ticket(blob, &path)
                && t.contains_text(needle)
            {
                scanned.push(path);
            }
        }
        (indexed, scanned)
    }

    #[test]
    fn a_write_remakes_only_its_shard_s_index_file() {
        use std::os::unix::fs::MetadataExt as _;
        let (_dir, store, _) = store_with(&["abcdef1234", "k3x9q2hm7d", "zz00000000"]);
        listed(&store);
        let inode =
            |shard: &str| std::fs::metadata(store.cache_dir().join("list").join(shard)).unwrap().ino();
        let before = [inode("ab"), inode("k3"), inode("zz")];
        let mut changed = ticket("k3x9q2hm7d");
        changed.title = "Printer is on fire".into();
        write_files(&store, &[(changed.id.path(), Some(model::render_ticket(&changed).into_bytes()))]);
        assert_eq!(listed(&store)[1].1, "Printer is on fire");
        assert_eq!(inode("ab"), before[0]);
        assert_ne!(inode("k3"), before[1], "made again");
        assert_eq!(inode("zz"), before[2]);
    }

    #[test]
    fn the_search_index_finds_what_reading_every_ticket_finds() {
        use crate::model::Visibility;
        let words = ["Printer", "paper", "JAM", "vpn", "Straße", "ΣΟΦΟΣ", "İstanbul", "down"];
        // A fixed pseudo-random choice of words: every run tests the same tickets.
        let mut seed: u64 = 7;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap() % n
        };
        let mut phrase =
            |len: usize| (0..len).map(|_| words[next(words.len())]).collect::<Vec<_>>().join(" ");
        let ids: Vec<String> = (0..40).map(|i| format!("{}{:08}", ["ab", "k3", "zz"][i % 3], i)).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let (_dir, store, _) = store_with(&id_refs);
        let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut files = Vec::new();
        for id in &ids {
            let mut t = ticket(id);
            t.title = phrase(3);
            t.description = phrase(6);
            for _ in 0..(id.len() % 3) {
                t.add_comment("Jane <jane@example.com>".into(), now, Visibility::Public, &phrase(4));
            }
            files.push((t.id.path(), Some(model::render_ticket(&t).into_bytes())));
        }
        files.push(("tickets/mm/mmmmmmmmmm.md".into(), Some(b"printer, not a ticket".to_vec())));
        write_files(&store, &files);
        let needles = ["printer", "paper jam", "straße", "σοφος", "i̇stanbul", "vpn down", "jam\nvpn", "x"];
        for needle in needles {
            let (indexed, scanned) = searched(&store, needle);
            assert_eq!(indexed, scanned, "{needle}");
        }
        // One ticket changes: its shard's texts follow.
        let mut changed = ticket(&ids[4]);
        changed.description = "The VPN is down again".into();
        write_files(&store, &[(changed.id.path(), Some(model::render_ticket(&changed).into_bytes()))]);
        let (indexed, scanned) = searched(&store, "vpn is down");
        assert_eq!(indexed, scanned);
        assert_eq!(indexed, [changed.id.path()]);
        assert!(changed.contains_text("vpn is down"));
        // A damaged text file is rebuilt, not trusted.
        let file = store.cache_dir().join("text/k3");
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(&file, &bytes).unwrap();
        for needle in needles {
            let (indexed, scanned) = searched(&store, needle);
            assert_eq!(indexed, scanned, "{needle}");
        }
    }

    #[test]
    fn a_checked_out_desk_branch_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        repo.set_head("refs/heads/desk").unwrap();
        let store = Store::open(dir.path()).unwrap();
        let sig = Identity::new("T", "t@example.com", chrono::Utc::now()).unwrap();
        let change = || -> Result<Option<Change>, StoreError> {
            Ok(Some(Change {
                summary: "x".into(),
                files: vec![("a".into(), Some(b"a".to_vec()))],
                tickets: vec![],
                trailers: Vec::new(),
            }))
        };
        let err = store.write(&sig, &sig, |_| change()).unwrap_err();
        assert!(matches!(err, StoreError::CheckedOut(ref b, _) if b == "desk"), "{err}");
        assert!(repo.refname_to_id("refs/heads/desk").is_err());
        // On another branch the write goes through.
        repo.set_head("refs/heads/main").unwrap();
        assert!(matches!(store.write(&sig, &sig, |_| change()).unwrap(), Written::Commit(_)));
        // A bare repository has no working tree to protect.
        let bare_dir = tempfile::tempdir().unwrap();
        let bare = Repository::init_bare(bare_dir.path()).unwrap();
        bare.set_head("refs/heads/desk").unwrap();
        let store = Store::open(bare_dir.path()).unwrap();
        assert!(matches!(store.write(&sig, &sig, |_| change()).unwrap(), Written::Commit(_)));
    }

    #[test]
    fn hints_for_broken_files_name_a_way_to_fix_them() {
        let broken = |path: &str| StoreError::Malformed {
            path: path.into(),
            error: ParseError { line: 3, message: "bad".into() },
        };
        let ticket = broken("tickets/ab/abcdefghjk.md").hint().unwrap();
        assert!(ticket.contains("desk edit") && ticket.contains("tickets/ab/abcdefghjk.md"), "{ticket}");
        let config = broken(CONFIG_PATH).hint().unwrap();
        assert!(!config.contains("desk edit") && config.contains("desk config check"), "{config}");
    }
}
