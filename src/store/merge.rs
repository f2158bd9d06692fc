//! Merging two desk commits: which files changed on which side (by path, no
//! rename detection), when each side changed each ticket field (from the
//! commits since the merge base), and the merged tree. The decisions themselves
//! are made by the pure `merge` module.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use git2::{Commit, Oid, Repository, Sort, Tree};

use super::tree_check::{self, Unusable};
use super::{Store, StoreError, parse_at_path};
use crate::merge::{self, FieldTimes, Side, TextMerge, Times};
use crate::model::Ticket;

/// How two desk commits relate, and what merging them gives.
#[derive(Debug)]
pub enum MergeOutcome {
    /// `theirs` is already contained in `ours`.
    UpToDate,
    /// `ours` is contained in `theirs`: move to `theirs`.
    FastForward,
    /// Both sides have commits of their own: the merged tree.
    Merged(TreeMerge),
}

/// The merged tree of two diverged commits.
#[derive(Debug)]
pub struct TreeMerge {
    pub tree: Oid,
    /// Every decision the merge had to take, in path order.
    pub conflicts: Vec<Conflict>,
    /// Entries new or changed on their side that desk cannot use, left out.
    pub left_out: Vec<Unusable>,
}

/// One conflict the merge resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The file (`tickets/k3/k3x9q2hm7d.md`, `desk.yaml`, …).
    pub path: String,
    /// The ticket's field (`assignee`, `description`, `comment <id>`), `ticket`
    /// for deleted-versus-changed, or `file` for a whole file.
    pub field: String,
    /// Which side's version was kept.
    pub kept: Side,
    pub kept_value: String,
    pub dropped_value: String,
    /// Where the dropped version of a file was kept (`<path>.conflict-<short id>`).
    pub copy: Option<String>,
}

/// One side's changes since the merge base, for the paths changed on both sides.
#[derive(Default)]
struct SideHistory {
    /// Per path, per field (or `file`): the latest change time and its commit.
    changed: HashMap<String, BTreeMap<String, (DateTime<Utc>, Oid)>>,
}

fn commit_time(c: &Commit<'_>) -> DateTime<Utc> {
    Utc.timestamp_opt(c.author().when().seconds(), 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn is_ticket_path(path: &str) -> bool {
    path.starts_with("tickets/") && std::path::Path::new(path).extension().is_some_and(|e| e == "md")
}

impl Store {
    /// Merges commit `theirs` into commit `ours` (the merge base found by git).
    pub fn merge_commits(&self, ours: Oid, theirs: Oid) -> Result<MergeOutcome, StoreError> {
        let repo = &self.repo;
        if ours == theirs {
            return Ok(MergeOutcome::UpToDate);
        }
        let base = match repo.merge_base(ours, theirs) {
            Ok(b) => Some(b),
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        if base == Some(theirs) {
            return Ok(MergeOutcome::UpToDate);
        }
        let ours_tree = repo.find_commit(ours)?.tree()?;
        let theirs_tree = repo.find_commit(theirs)?.tree()?;
        // A fast-forward takes their tree whole: only when desk can use all of it.
        if base == Some(ours)
            && tree_check::changes(repo, Some(&ours_tree), Some(&theirs_tree), false)?.unusable.is_empty()
        {
            return Ok(MergeOutcome::FastForward);
        }
        let base_tree = match base {
            Some(b) => Some(repo.find_commit(b)?.tree()?),
            None => None,
        };
        let ours_changes = tree_check::changes(repo, base_tree.as_ref(), Some(&ours_tree), true)?.files;
        let theirs_check = tree_check::changes(repo, base_tree.as_ref(), Some(&theirs_tree), true)?;
        let (theirs_changes, left_out) = (theirs_check.files, theirs_check.unusable);

        let mut files: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        let mut both: BTreeSet<String> = BTreeSet::new();
        for (path, theirs_blob) in &theirs_changes {
            match ours_changes.get(path) {
                None => files.push((path.clone(), blob_bytes(repo, *theirs_blob)?)),
                Some(ours_blob) if ours_blob == theirs_blob => {}
                Some(_) => {
                    both.insert(path.clone());
                }
            }
        }
        let mut conflicts = Vec::new();
        if !both.is_empty() {
            let ours_time = commit_time(&repo.find_commit(ours)?);
            let theirs_time = commit_time(&repo.find_commit(theirs)?);
            let base_blob = |path: &str| -> Result<Option<Oid>, StoreError> {
                let Some(tree) = base_tree.as_ref() else { return Ok(None) };
                match tree.get_path(std::path::Path::new(path)) {
                    Ok(e) if e.kind() == Some(git2::ObjectType::Blob) => Ok(Some(e.id())),
                    Ok(_) => Ok(None),
                    Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                    Err(e) => Err(e.into()),
                }
            };
            // First without history: most paths merge without a conflict, and
            // then when each side changed what does not matter.
            let no_history = SideHistory::default();
            let untimed =
                SidePair { ours: (&no_history, ours_time, ours), theirs: (&no_history, theirs_time, theirs) };
            let mut timed = BTreeSet::new();
            for path in &both {
                let (mut path_files, mut path_conflicts) = (Vec::new(), Vec::new());
                let (b, o, t) = (base_blob(path)?, ours_changes[path], theirs_changes[path]);
                self.merge_path(path, b, o, t, &untimed, &mut path_files, &mut path_conflicts)?;
                if path_conflicts.is_empty() {
                    files.extend(path_files);
                } else {
                    timed.insert(path.clone());
                }
            }
            if !timed.is_empty() {
                // The two sides' histories are independent: walk them side by
                // side, the second through its own handle on the repository.
                let git_dir = repo.path().to_path_buf();
                let (ours_history, theirs_history) = std::thread::scope(|scope| {
                    let walker = scope.spawn(|| -> Result<SideHistory, StoreError> {
                        side_history(&Repository::open(&git_dir)?, theirs, base, &timed)
                    });
                    let ours_history = side_history(repo, ours, base, &timed);
                    (ours_history, walker.join().expect("the history walk does not panic"))
                });
                let (ours_history, theirs_history) = (ours_history?, theirs_history?);
                let sides = SidePair {
                    ours: (&ours_history, ours_time, ours),
                    theirs: (&theirs_history, theirs_time, theirs),
                };
                for path in &timed {
                    let (b, o, t) = (base_blob(path)?, ours_changes[path], theirs_changes[path]);
                    self.merge_path(path, b, o, t, &sides, &mut files, &mut conflicts)?;
                }
            }
        }
        let tree = self.apply_files(Some(&ours_tree), &files)?;
        Ok(MergeOutcome::Merged(TreeMerge { tree, conflicts, left_out }))
    }

    #[allow(clippy::too_many_arguments)]
    fn merge_path(
        &self,
        path: &str,
        base: Option<Oid>,
        ours: Option<Oid>,
        theirs: Option<Oid>,
        sides: &SidePair<'_>,
        files: &mut Vec<(String, Option<Vec<u8>>)>,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<(), StoreError> {
        let repo = &self.repo;
        if is_ticket_path(path) {
            let parse = |blob: Option<Oid>| -> Result<Option<Option<Ticket>>, StoreError> {
                let Some(blob) = blob else { return Ok(Some(None)) };
                match self.load_blob_ticket(blob, path) {
                    Ok(t) => Ok(Some(Some(t))),
                    Err(StoreError::Malformed { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            };
            if let (Some(b), Some(o), Some(t)) = (parse(base)?, parse(ours)?, parse(theirs)?) {
                let times = Times {
                    ours: sides.field_times(Side::Ours, path),
                    theirs: sides.field_times(Side::Theirs, path),
                };
                let merged = merge::merge_ticket(b.as_ref(), o.as_ref(), t.as_ref(), &times);
                for r in merged.conflicts {
                    conflicts.push(Conflict {
                        path: path.to_owned(),
                        field: r.field,
                        kept: r.kept,
                        kept_value: r.kept_value,
                        dropped_value: r.dropped_value,
                        copy: None,
                    });
                }
                let bytes = merged.ticket.map(|t| crate::model::render_ticket(&t).into_bytes());
                files.push((path.to_owned(), bytes));
                return Ok(());
            }
        }
        // Any other file (or a ticket file that does not parse): line by line.
        let (o, t) = match (ours, theirs) {
            (Some(o), Some(t)) => (o, t),
            // Deleted on one side and changed on the other: keep the change.
            (Some(kept), None) | (None, Some(kept)) => {
                let side = if ours.is_some() { Side::Ours } else { Side::Theirs };
                files.push((path.to_owned(), blob_bytes(repo, Some(kept))?));
                conflicts.push(Conflict {
                    path: path.to_owned(),
                    field: "file".into(),
                    kept: side,
                    kept_value: "changed".into(),
                    dropped_value: "deleted".into(),
                    copy: None,
                });
                return Ok(());
            }
            (None, None) => return Ok(()),
        };
        let base_bytes = blob_bytes(repo, base)?.unwrap_or_default();
        let ours_bytes = repo.find_blob(o)?.content().to_vec();
        let theirs_bytes = repo.find_blob(t)?.content().to_vec();
        let texts = (
            std::str::from_utf8(&base_bytes),
            std::str::from_utf8(&ours_bytes),
            std::str::from_utf8(&theirs_bytes),
        );
        if let (Ok(bt), Ok(ot), Ok(tt)) = texts
            && let TextMerge::Clean(text) = merge::merge_text(bt, ot, tt)
            && (!is_ticket_path(path)
                || parse_at_path(&text, path).is_ok()
                || parse_at_path(ot, path).is_err())
        {
            files.push((path.to_owned(), Some(text.into_bytes())));
            return Ok(());
        }
        // A real conflict: the later side wins, the other is kept next to it.
        let (ot, oc) = sides.file_change(Side::Ours, path);
        let (tt, tc) = sides.file_change(Side::Theirs, path);
        let side = match ot.cmp(&tt).then_with(|| oc.cmp(&tc)) {
            std::cmp::Ordering::Less => Side::Theirs,
            _ => Side::Ours,
        };
        let (kept_bytes, dropped_bytes, dropped_commit, kept_commit) = match side {
            Side::Ours => (ours_bytes, theirs_bytes, tc, oc),
            Side::Theirs => (theirs_bytes, ours_bytes, oc, tc),
        };
        let short = &dropped_commit.to_string()[..7];
        let copy = format!("{path}.conflict-{short}");
        files.push((path.to_owned(), Some(kept_bytes)));
        files.push((copy.clone(), Some(dropped_bytes)));
        conflicts.push(Conflict {
            path: path.to_owned(),
            field: "file".into(),
            kept: side,
            kept_value: kept_commit.to_string()[..7].to_owned(),
            dropped_value: short.to_owned(),
            copy: Some(copy),
        });
        Ok(())
    }
}

/// Both sides' histories, tip times and tips.
struct SidePair<'a> {
    ours: (&'a SideHistory, DateTime<Utc>, Oid),
    theirs: (&'a SideHistory, DateTime<Utc>, Oid),
}

impl SidePair<'_> {
    fn side(&self, side: Side) -> &(&SideHistory, DateTime<Utc>, Oid) {
        match side {
            Side::Ours => &self.ours,
            Side::Theirs => &self.theirs,
        }
    }

    /// When this side changed each field of the ticket at `path`; fields it did
    /// not change (as far as its history shows) default to its tip's time.
    fn field_times(&self, side: Side, path: &str) -> FieldTimes {
        let (history, tip_time, _) = self.side(side);
        let mut times = FieldTimes::all(*tip_time);
        if let Some(fields) = history.changed.get(path) {
            for (field, (time, _)) in fields {
                times.fields.insert(field.clone(), *time);
            }
        }
        times
    }

    /// The latest change of the file at `path` on this side: time and commit.
    fn file_change(&self, side: Side, path: &str) -> (DateTime<Utc>, Oid) {
        let (history, tip_time, tip) = self.side(side);
        history.changed.get(path).and_then(|f| f.get("file")).copied().unwrap_or((*tip_time, *tip))
    }
}

fn blob_bytes(repo: &Repository, blob: Option<Oid>) -> Result<Option<Vec<u8>>, StoreError> {
    match blob {
        None => Ok(None),
        Some(b) => Ok(Some(repo.find_blob(b)?.content().to_vec())),
    }
}

/// Walks the commits from `tip` back to `base` and records, for each path in
/// `paths`, when each field (and the file as a whole) last changed. A commit
/// changes something only where it differs from every parent, so a merge
/// commit is not credited with what it took from one of its sides.
fn side_history(
    repo: &Repository,
    tip: Oid,
    base: Option<Oid>,
    paths: &BTreeSet<String>,
) -> Result<SideHistory, StoreError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(tip)?;
    if let Some(b) = base {
        walk.hide(b)?;
    }
    let mut history = SideHistory::default();
    let mut parsed: HashMap<Oid, Option<Ticket>> = HashMap::new();
    let layout = PathNode::of(paths);
    let mut trees = TreeCache { repo, trees: HashMap::new() };
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let time = commit_time(&commit);
        let tree = trees.get(commit.tree_id())?;
        let parent_trees: Vec<Tree<'_>> =
            commit.parents().map(|p| trees.get(p.tree_id())).collect::<Result<_, _>>()?;
        let mut touched = Vec::new();
        changes_below(&mut trees, Some(&tree), parent_trees.first(), &layout, "", &mut touched)?;
        for (path, now) in touched {
            let path = path.as_str();
            let befores: Vec<Option<Oid>> = parent_trees
                .iter()
                .map(|t| t.get_path(std::path::Path::new(path)).ok().map(|e| e.id()))
                .collect();
            if befores.contains(&now) {
                continue;
            }
            let entry = history.changed.entry(path.to_owned()).or_default();
            let mut record = |field: String| {
                let slot = entry.entry(field).or_insert((time, oid));
                if (time, oid) >= *slot {
                    *slot = (time, oid);
                }
            };
            record("file".to_owned());
            if !is_ticket_path(path) {
                continue;
            }
            let mut load = |blob: Option<Oid>| -> Option<Ticket> {
                let blob = blob?;
                parsed
                    .entry(blob)
                    .or_insert_with(|| {
                        let b = repo.find_blob(blob).ok()?;
                        let text = std::str::from_utf8(b.content()).ok()?;
                        crate::model::parse_ticket(text).ok()
                    })
                    .clone()
            };
            let Some(after) = load(now) else { continue };
            let before_tickets: Vec<Option<Ticket>> = befores.iter().map(|b| load(*b)).collect();
            // A field changed here if it differs from every parent's version.
            let mut fields: Option<BTreeSet<String>> = None;
            for before in &before_tickets {
                let changed: BTreeSet<String> =
                    merge::changed_fields(before.as_ref(), &after).into_iter().collect();
                fields = Some(match fields {
                    None => changed,
                    Some(f) => f.intersection(&changed).cloned().collect(),
                });
            }
            let fields = fields.unwrap_or_else(|| merge::changed_fields(None, &after).into_iter().collect());
            for f in fields {
                record(f);
            }
        }
    }
    Ok(history)
}

/// The paths of interest as a tree of names, so a commit is compared with its
/// parent only along them: a subtree whose id did not change is skipped whole.
#[derive(Default)]
struct PathNode {
    children: BTreeMap<String, PathNode>,
}

impl PathNode {
    fn of(paths: &BTreeSet<String>) -> PathNode {
        let mut root = PathNode::default();
        for path in paths {
            let mut node = &mut root;
            for part in path.split('/') {
                node = node.children.entry(part.to_owned()).or_default();
            }
        }
        root
    }
}

/// Files of interest below `node` whose blob differs between `new` and `old`,
/// with the blob in `new` (`None`: not there).
fn changes_below<'r>(
    trees: &mut TreeCache<'r>,
    new: Option<&Tree<'r>>,
    old: Option<&Tree<'r>>,
    node: &PathNode,
    prefix: &str,
    out: &mut Vec<(String, Option<Oid>)>,
) -> Result<(), StoreError> {
    for (name, child) in &node.children {
        let n = new.and_then(|t| t.get_name(name)).map(|e| (e.id(), e.kind()));
        let o = old.and_then(|t| t.get_name(name)).map(|e| (e.id(), e.kind()));
        if n.map(|e| e.0) == o.map(|e| e.0) {
            continue;
        }
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if child.children.is_empty() {
            let blob = n.filter(|e| e.1 == Some(git2::ObjectType::Blob)).map(|e| e.0);
            out.push((path, blob));
        } else {
            let mut as_tree =
                |e: Option<(Oid, Option<git2::ObjectType>)>| -> Result<Option<Tree<'r>>, StoreError> {
                    match e {
                        Some((id, Some(git2::ObjectType::Tree))) => Ok(Some(trees.get(id)?)),
                        _ => Ok(None),
                    }
                };
            let (nt, ot) = (as_tree(n)?, as_tree(o)?);
            changes_below(trees, nt.as_ref(), ot.as_ref(), child, &path, out)?;
        }
    }
    Ok(())
}

/// Trees read during a history walk. Each commit's trees are read again as its
/// child's parent trees, and libgit2 does not cache trees as large as a
/// `tickets/` directory, so the walk keeps recent ones itself.
struct TreeCache<'r> {
    repo: &'r Repository,
    trees: HashMap<Oid, Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    const MAX: usize = 256;

    fn get(&mut self, id: Oid) -> Result<Tree<'r>, StoreError> {
        if let Some(t) = self.trees.get(&id) {
            return Ok(t.clone());
        }
        if self.trees.len() >= Self::MAX {
            self.trees.clear();
        }
        let tree = self.repo.find_tree(id)?;
        self.trees.insert(id, tree.clone());
        Ok(tree)
    }
}
