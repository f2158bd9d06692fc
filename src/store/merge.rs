//! Merging two desk commits: which files changed on which side (by path, no
//! rename detection), when each side changed each field of a file (from the
//! commits since the merge base), and the merged tree. What a merged file holds
//! is decided by the [`MergeRules`] the caller gives (desk's are in `merge`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use git2::{Commit, Oid, Repository, Sort, Tree};

use super::tree_check::{self, Unusable};
use super::{Store, StoreError};
use crate::model::Side;

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

/// When one side of a merge changed the file at a path, as far as its history
/// since the merge base shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeTimes {
    /// The side's tip time: for every field its history does not show changing.
    pub default: DateTime<Utc>,
    /// When each field (as the rules name them) last changed.
    pub fields: BTreeMap<String, DateTime<Utc>>,
    /// When the file itself last changed, and that commit's id (hex).
    pub file: (DateTime<Utc>, String),
}

/// One path changed differently on both sides of a merge.
pub struct PathSides<'a> {
    pub path: &'a str,
    /// The file's bytes at the merge base and on each side (`None`: no file).
    pub base: Option<&'a [u8]>,
    pub ours: Option<&'a [u8]>,
    pub theirs: Option<&'a [u8]>,
    pub ours_times: &'a ChangeTimes,
    pub theirs_times: &'a ChangeTimes,
}

/// What merging one path gives: files to write (`None`: remove) and every
/// decision taken.
#[derive(Debug, Default)]
pub struct PathMerged {
    pub files: Vec<(String, Option<Vec<u8>>)>,
    pub conflicts: Vec<Conflict>,
}

/// The merge rules: how the files of a path changed on both sides combine,
/// and what counts as a field of a file (so the store can tell when each side
/// changed which field).
pub trait MergeRules: Sync {
    /// A file's fields, parsed; kept per blob while histories are walked.
    type Parsed: Clone + Send;

    /// The parsed file at `path`, or `None` when it has no fields to track
    /// (not a ticket, or unreadable).
    fn parse(&self, path: &str, bytes: &[u8]) -> Option<Self::Parsed>;

    /// The names of the fields that differ from `before` (`None`: no file) to `after`.
    fn changed_fields(&self, before: Option<&Self::Parsed>, after: &Self::Parsed) -> Vec<String>;

    /// Merges one path changed on both sides.
    fn merge_path(&self, sides: &PathSides<'_>) -> PathMerged;
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

impl Store {
    /// Merges commit `theirs` into commit `ours` (the merge base found by git).
    pub fn merge_commits<R: MergeRules>(
        &self,
        ours: Oid,
        theirs: Oid,
        rules: &R,
    ) -> Result<MergeOutcome, StoreError> {
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
            let changes = BothChanged {
                paths: both,
                base,
                base_tree: base_tree.as_ref(),
                ours: (ours, &ours_changes),
                theirs: (theirs, &theirs_changes),
            };
            let merged = self.merge_both_changed(rules, &changes)?;
            files.extend(merged.files);
            conflicts = merged.conflicts;
        }
        let tree = self.apply_files(Some(ours_tree.id()), &files)?;
        Ok(MergeOutcome::Merged(TreeMerge { tree, conflicts, left_out }))
    }

    /// Merges the paths both sides changed. First without history: most paths
    /// merge without a conflict, and then when each side changed what does not
    /// matter; the others again with the times of each side's changes.
    fn merge_both_changed<R: MergeRules>(
        &self,
        rules: &R,
        changes: &BothChanged<'_, '_>,
    ) -> Result<PathMerged, StoreError> {
        let repo = &self.repo;
        let ((ours, ours_changes), (theirs, theirs_changes)) = (changes.ours, changes.theirs);
        let ours_time = commit_time(&repo.find_commit(ours)?);
        let theirs_time = commit_time(&repo.find_commit(theirs)?);
        let blobs = |path: &String| -> Result<[Option<Oid>; 3], StoreError> {
            Ok([changes.base_blob(path)?, ours_changes[path], theirs_changes[path]])
        };
        let mut out = PathMerged::default();
        let no_history = SideHistory::default();
        let untimed =
            SidePair { ours: (&no_history, ours_time, ours), theirs: (&no_history, theirs_time, theirs) };
        let mut timed = BTreeSet::new();
        for path in &changes.paths {
            let merged = self.merge_path(rules, path, blobs(path)?, &untimed)?;
            if merged.conflicts.is_empty() {
                out.files.extend(merged.files);
            } else {
                timed.insert(path.clone());
            }
        }
        if timed.is_empty() {
            return Ok(out);
        }
        // The two sides' histories are independent: walk them side by side,
        // the second through its own handle on the repository.
        let git_dir = repo.path().to_path_buf();
        let (base, timed) = (changes.base, &timed);
        let (ours_history, theirs_history) = std::thread::scope(|scope| {
            let walker = scope.spawn(move || -> Result<SideHistory, StoreError> {
                side_history(&Repository::open(&git_dir)?, rules, theirs, base, timed)
            });
            let ours_history = side_history(repo, rules, ours, base, timed);
            (ours_history, walker.join().expect("the history walk does not panic"))
        });
        let (ours_history, theirs_history) = (ours_history?, theirs_history?);
        let sides = SidePair {
            ours: (&ours_history, ours_time, ours),
            theirs: (&theirs_history, theirs_time, theirs),
        };
        for path in timed {
            let merged = self.merge_path(rules, path, blobs(path)?, &sides)?;
            out.files.extend(merged.files);
            out.conflicts.extend(merged.conflicts);
        }
        Ok(out)
    }

    /// Merges one path with `rules`, given its blobs at the base and on each side.
    fn merge_path<R: MergeRules>(
        &self,
        rules: &R,
        path: &str,
        [base, ours, theirs]: [Option<Oid>; 3],
        sides: &SidePair<'_>,
    ) -> Result<PathMerged, StoreError> {
        let (b, o, t) =
            (blob_bytes(&self.repo, base)?, blob_bytes(&self.repo, ours)?, blob_bytes(&self.repo, theirs)?);
        let (ours_times, theirs_times) =
            (sides.change_times(Side::Ours, path), sides.change_times(Side::Theirs, path));
        Ok(rules.merge_path(&PathSides {
            path,
            base: b.as_deref(),
            ours: o.as_deref(),
            theirs: t.as_deref(),
            ours_times: &ours_times,
            theirs_times: &theirs_times,
        }))
    }
}

/// The paths both sides of a merge changed, and what each side has there.
struct BothChanged<'t, 'r> {
    paths: BTreeSet<String>,
    base: Option<Oid>,
    base_tree: Option<&'t Tree<'r>>,
    /// Each side's tip and the blobs it changed, by path.
    ours: (Oid, &'t BTreeMap<String, Option<Oid>>),
    theirs: (Oid, &'t BTreeMap<String, Option<Oid>>),
}

impl BothChanged<'_, '_> {
    /// The blob at `path` in the merge base, if there is one.
    fn base_blob(&self, path: &str) -> Result<Option<Oid>, StoreError> {
        let Some(tree) = self.base_tree else { return Ok(None) };
        match tree.get_path(std::path::Path::new(path)) {
            Ok(e) if e.kind() == Some(git2::ObjectType::Blob) => Ok(Some(e.id())),
            Ok(_) => Ok(None),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The name under which a side's history records changes of the file as a whole.
const FILE: &str = "file";

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

    /// When this side changed each field of the file at `path`, and the file;
    /// fields it did not change (as far as its history shows) default to its tip's time.
    fn change_times(&self, side: Side, path: &str) -> ChangeTimes {
        let (history, tip_time, tip) = self.side(side);
        let changed = history.changed.get(path);
        let fields = changed
            .into_iter()
            .flatten()
            .filter(|(field, _)| *field != FILE)
            .map(|(field, (time, _))| (field.clone(), *time))
            .collect();
        let (time, commit) = changed.and_then(|f| f.get(FILE)).copied().unwrap_or((*tip_time, *tip));
        ChangeTimes { default: *tip_time, fields, file: (time, commit.to_string()) }
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
fn side_history<R: MergeRules>(
    repo: &Repository,
    rules: &R,
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
    let mut parsed: HashMap<Oid, Option<R::Parsed>> = HashMap::new();
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
            record(FILE.to_owned());
            let mut load = |blob: Option<Oid>| -> Option<R::Parsed> {
                let blob = blob?;
                parsed
                    .entry(blob)
                    .or_insert_with(|| rules.parse(path, repo.find_blob(blob).ok()?.content()))
                    .clone()
            };
            let Some(after) = load(now) else { continue };
            let before_versions: Vec<Option<R::Parsed>> = befores.iter().map(|b| load(*b)).collect();
            // A field changed here if it differs from every parent's version.
            let mut fields: Option<BTreeSet<String>> = None;
            for before in &before_versions {
                let changed: BTreeSet<String> =
                    rules.changed_fields(before.as_ref(), &after).into_iter().collect();
                fields = Some(match fields {
                    None => changed,
                    Some(f) => f.intersection(&changed).cloned().collect(),
                });
            }
            let fields = fields.unwrap_or_else(|| rules.changed_fields(None, &after).into_iter().collect());
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
