//! `desk sync` below the command line: fetch the remote's desk branch, merge it
//! with the local one (fast-forward when one contains the other), push the
//! result without ever forcing, and start over when the remote moved meanwhile.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use git2::{ErrorCode, Oid};

use super::Identity;
use crate::model::TicketId;

use super::merge::{Conflict, MergeOutcome, MergeRules};
use super::reflock::Expect;
use super::remote::Pushed;
use super::tree_check::{self, Unusable};
use super::{Store, StoreError, TICKETS_DIR};

/// How often sync fetches and merges again when the remote moved before the
/// push: enough for dozens of clones syncing with one remote at the same moment.
const PUSH_ATTEMPTS: u32 = 20;
/// How many pushes in a row a remote may refuse for the same lock file, its
/// branch not moving meanwhile, before sync takes the lock for one left behind.
const STALE_REMOTE_LOCK: u32 = 4;
/// How often the local ref update is retried when a local write races the merge.
const LOCAL_ATTEMPTS: u32 = 50;

/// What `desk sync` is asked to do.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// The remote (name, URL or path); `None`: upstream of the desk branch, else `origin`.
    pub remote: Option<String>,
    /// Push the result.
    pub push: bool,
}

/// How the local branch came out of a sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// Nothing came in.
    UpToDate,
    /// The local branch was created from the remote's.
    Created,
    /// The local branch moved forward to the remote's.
    FastForward,
    /// Both had commits of their own: a merge commit joins them.
    Merged,
}

impl SyncState {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::UpToDate => "up-to-date",
            SyncState::Created => "created",
            SyncState::FastForward => "fast-forward",
            SyncState::Merged => "merged",
        }
    }
}

/// What a sync did.
#[derive(Clone, Debug)]
pub struct SyncReport {
    pub remote: String,
    pub branch: String,
    pub state: SyncState,
    /// The local desk branch before and after.
    pub before: Option<Oid>,
    pub after: Oid,
    /// The remote's desk branch as last fetched (`None`: it had none).
    pub remote_before: Option<Oid>,
    /// Commits that came in, and the ticket files they changed locally.
    pub incoming_commits: usize,
    pub incoming_tickets: Vec<String>,
    /// Commits the remote did not have, and the ticket files that differ there.
    pub outgoing_commits: usize,
    pub outgoing_tickets: Vec<String>,
    /// Whether the result was pushed (false with `--no-push` or nothing to push).
    pub pushed: bool,
    /// The merge commit, when one was made.
    pub merge_commit: Option<Oid>,
    /// Every conflict the merge resolved.
    pub conflicts: Vec<Conflict>,
    /// Entries of the remote's branch that desk cannot use and left out.
    pub left_out: Vec<Unusable>,
    /// How many times the remote was fetched.
    pub fetches: u32,
}

/// What integrating the remote's branch did, over every round of a sync.
struct Integrated {
    state: SyncState,
    conflicts: Vec<Conflict>,
    merge_commit: Option<Oid>,
    left_out: Vec<Unusable>,
}

impl Integrated {
    fn leave_out(&mut self, entries: Vec<Unusable>) {
        for e in entries {
            if !self.left_out.contains(&e) {
                self.left_out.push(e);
            }
        }
    }
}

impl Store {
    /// Syncs the desk branch with a remote: fetch, merge with `rules`, push.
    pub fn sync<R: MergeRules>(
        &self,
        options: &SyncOptions,
        author: &Identity,
        committer: &Identity,
        rules: &R,
    ) -> Result<SyncReport, StoreError> {
        // Reading thousands of loose commits and trees, re-hashing each object
        // (libgit2's default) costs a third of a large merge; git itself does
        // not verify on read either (`git fsck` does).
        git2::opts::strict_hash_verification(false);
        // A lock left behind on the desk branch fails before anything is fetched.
        super::reflock::RefLock::new(self, &self.refname()).check()?;
        let remote = options.remote.clone().unwrap_or_else(|| self.default_remote());
        let before = self.local_tip()?;
        let mut done = Integrated {
            state: SyncState::UpToDate,
            conflicts: Vec::new(),
            merge_commit: None,
            left_out: Vec::new(),
        };
        let mut refused = String::new();
        // The remote's tip, the lock file it could not create, and how many
        // pushes in a row it refused so.
        let mut locked: Option<(Option<Oid>, String, u32)> = None;
        for fetches in 1..=PUSH_ATTEMPTS {
            if fetches > 1 {
                pause_before_retry(fetches);
            }
            let theirs = self.fetch(&remote)?;
            let after = self.integrate(&remote, theirs, (author, committer), rules, &mut done)?;
            let mut pushed = false;
            if options.push && Some(after) != theirs {
                match self.push(&remote, after)? {
                    Pushed::Done => pushed = true,
                    Pushed::Behind { message, lock } => {
                        // A lock on the remote that stays while its branch does not
                        // move was left there by a push that died: no use waiting.
                        locked = match lock {
                            Some(path) if locked.as_ref().is_some_and(|(t, ..)| *t == theirs) => {
                                Some((theirs, path, locked.map_or(0, |(_, _, n)| n) + 1))
                            }
                            Some(path) => Some((theirs, path, 1)),
                            None => None,
                        };
                        if let Some((_, path, n)) = &locked
                            && *n >= STALE_REMOTE_LOCK
                        {
                            return Err(StoreError::RemoteLocked { remote, path: path.clone() });
                        }
                        refused = message;
                        continue;
                    }
                }
            }
            return self.report(remote, before, after, theirs, done, pushed, fetches);
        }
        Err(StoreError::Remote {
            action: "push to",
            remote,
            message: format!(
                "its desk branch kept moving; gave up after {PUSH_ATTEMPTS} attempts, try again (last refusal: {refused})"
            ),
        })
    }

    fn local_tip(&self) -> Result<Option<Oid>, StoreError> {
        match self.repo.refname_to_id(&self.refname()) {
            Ok(oid) => Ok(Some(oid)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Brings the remote's commit `theirs` into the local branch and returns the
    /// new local tip.
    fn integrate<R: MergeRules>(
        &self,
        remote: &str,
        theirs: Option<Oid>,
        (author, committer): (&Identity, &Identity),
        rules: &R,
        done: &mut Integrated,
    ) -> Result<Oid, StoreError> {
        let refname = self.refname();
        for _ in 0..LOCAL_ATTEMPTS {
            let ours = self.local_tip()?;
            if theirs.is_some() && ours != theirs {
                // The local branch may move: not under someone's working tree.
                self.check_not_checked_out()?;
            }
            let mut merged: Option<(Oid, Vec<Conflict>, Vec<Unusable>)> = None;
            let (new, log, next_state) = match (ours, theirs) {
                (None, None) => return Err(StoreError::NotInitialised(self.branch.clone())),
                (Some(o), None) => return Ok(o),
                (None, Some(t)) => {
                    let (start, left_out) = self.usable_part(remote, t, author, committer)?;
                    if !self.move_ref(
                        &refname,
                        start,
                        Expect::Absent,
                        &format!("desk sync: from {remote}"),
                    )? {
                        continue;
                    }
                    self.set_upstream(remote)?;
                    done.state = SyncState::Created;
                    done.leave_out(left_out);
                    return Ok(start);
                }
                (Some(o), Some(t)) => match self.merge_commits(o, t, rules)? {
                    MergeOutcome::UpToDate => return Ok(o),
                    MergeOutcome::FastForward => {
                        (t, format!("desk sync: fast-forward from {remote}"), SyncState::FastForward)
                    }
                    MergeOutcome::Merged(m) => {
                        let tree = self.repo.find_tree(m.tree)?;
                        let parents = [&self.repo.find_commit(o)?, &self.repo.find_commit(t)?];
                        let message = merge_message(remote, &self.branch, &m.conflicts, &m.left_out);
                        let oid =
                            self.repo.commit(None, &author.0, &committer.0, &message, &tree, &parents)?;
                        merged = Some((oid, m.conflicts, m.left_out));
                        (oid, format!("desk sync: merge {remote}"), SyncState::Merged)
                    }
                },
            };
            let ours = ours.expect("the branch exists in the remaining cases");
            if self.move_ref(&refname, new, Expect::Commit(ours), &log)? {
                // Reported only once the merge commit is on the branch; a
                // second round (the remote moved) adds its own.
                if let Some((oid, resolved, left_out)) = merged {
                    done.merge_commit = Some(oid);
                    done.conflicts.extend(resolved);
                    done.leave_out(left_out);
                }
                if done.state != SyncState::Merged || next_state == SyncState::Merged {
                    done.state = next_state;
                }
                return Ok(new);
            }
            // A local write landed meanwhile: merge again on top of it.
        }
        Err(StoreError::Contended(self.branch.clone()))
    }

    /// The commit to start a local branch from: the remote's `theirs`, or when
    /// it holds entries desk cannot use, a commit on top of it without them.
    fn usable_part(
        &self,
        remote: &str,
        theirs: Oid,
        author: &Identity,
        committer: &Identity,
    ) -> Result<(Oid, Vec<Unusable>), StoreError> {
        let commit = self.repo.find_commit(theirs)?;
        let tree = commit.tree()?;
        let check = tree_check::changes(&self.repo, None, Some(&tree), false)?;
        if check.unusable.is_empty() {
            return Ok((theirs, Vec::new()));
        }
        // Rebuilt from the usable files alone: what is left out cannot reach the new tree.
        let files = tree_check::changes(&self.repo, None, Some(&tree), true)?.files;
        let mut changes: BTreeMap<&str, Option<Oid>> = BTreeMap::new();
        for (path, blob) in &files {
            changes.insert(path.as_str(), *blob);
        }
        let usable = match self.update_tree(None, &changes)? {
            Some(oid) => oid,
            None => self.write_object(git2::ObjectType::Tree, &[])?,
        };
        let mut message =
            format!("desk sync: leave out what desk cannot use from {remote}/{}\n\n", self.branch);
        for u in &check.unusable {
            let _ = writeln!(message, "Left out: {}: {}", u.path, u.problem);
        }
        let oid = self.repo.commit(
            None,
            &author.0,
            &committer.0,
            &message,
            &self.repo.find_tree(usable)?,
            &[&commit],
        )?;
        Ok((oid, check.unusable))
    }

    /// After the first sync from a named remote, make it the desk branch's
    /// upstream (as `git checkout` does), unless one is configured.
    fn set_upstream(&self, remote: &str) -> Result<(), StoreError> {
        if !self.is_named_remote(remote) {
            return Ok(());
        }
        let mut config = self.repo.config()?;
        let key = format!("branch.{}.remote", self.branch);
        if config.get_string(&key).is_err() {
            config.set_str(&key, remote)?;
            config.set_str(&format!("branch.{}.merge", self.branch), &self.refname())?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        remote: String,
        before: Option<Oid>,
        after: Oid,
        theirs: Option<Oid>,
        done: Integrated,
        pushed: bool,
        fetches: u32,
    ) -> Result<SyncReport, StoreError> {
        let incoming_commits = match theirs {
            Some(t) => self.count_commits(t, before)?,
            None => 0,
        };
        let outgoing_commits = self.count_commits(after, theirs)?;
        let incoming_tickets = self.changed_tickets(before, after)?;
        let outgoing_tickets = self.changed_tickets(theirs, after)?;
        Ok(SyncReport {
            remote,
            branch: self.branch.clone(),
            state: done.state,
            before,
            after,
            remote_before: theirs,
            incoming_commits,
            incoming_tickets,
            outgoing_commits,
            outgoing_tickets,
            pushed,
            merge_commit: done.merge_commit,
            conflicts: done.conflicts,
            left_out: done.left_out,
            fetches,
        })
    }

    /// Commits reachable from `tip` but not from `hide`.
    fn count_commits(&self, tip: Oid, hide: Option<Oid>) -> Result<usize, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.push(tip)?;
        if let Some(h) = hide {
            walk.hide(h)?;
        }
        Ok(walk.count())
    }

    /// Ticket ids whose file differs between two commits.
    fn changed_tickets(&self, from: Option<Oid>, to: Oid) -> Result<Vec<String>, StoreError> {
        if from == Some(to) {
            return Ok(Vec::new());
        }
        let old = match from {
            Some(f) => Some(self.repo.find_commit(f)?.tree()?),
            None => None,
        };
        let new = self.repo.find_commit(to)?.tree()?;
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(TICKETS_DIR);
        let diff = self.repo.diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut opts))?;
        let mut ids: Vec<String> = diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or_else(|| d.old_file().path())
                    .and_then(|p| p.to_str())
                    .map(str::to_owned)
            })
            .filter_map(|p| TicketId::from_path(&p).map(|id| id.to_string()))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}

/// Before fetching again after a refused push: a random pause that grows with
/// each attempt, so clones that raced for the remote do not race again in step.
fn pause_before_retry(attempt: u32) {
    let cap = 25u64 << attempt.min(5);
    let mut bytes = [0u8; 8];
    let random =
        getrandom::fill(&mut bytes).map_or(u64::from(std::process::id()), |()| u64::from_le_bytes(bytes));
    std::thread::sleep(std::time::Duration::from_millis(random % (cap + 1)));
}

fn merge_message(remote: &str, branch: &str, conflicts: &[Conflict], left_out: &[Unusable]) -> String {
    let mut m = format!("desk sync: merge {remote}/{branch}\n");
    if !conflicts.is_empty() || !left_out.is_empty() {
        m.push('\n');
        for c in conflicts {
            let _ = writeln!(m, "Resolved: {} {}: kept {}", c.path, c.field, c.kept_value);
        }
        for u in left_out {
            let _ = writeln!(m, "Left out: {}: {}", u.path, u.problem);
        }
    }
    m
}
