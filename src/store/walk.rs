//! Walking the desk branch's history for the event log: the commits, oldest
//! first, and which ticket files each one changed. Unchanged shard trees are
//! skipped by comparing tree ids, so a commit costs what it touched, not the
//! size of the helpdesk.

use std::collections::HashMap;

use git2::{ObjectType, Oid, Sort, Tree};

use super::{Store, StoreError, TICKETS_DIR};
use crate::model::TicketId;

/// One commit of the desk branch, as the event log needs it.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: Oid,
    /// Author time, Unix seconds.
    pub time: i64,
    /// The author as `Name <email>`.
    pub author: String,
    pub parents: Vec<Oid>,
}

/// A ticket file a commit changed.
#[derive(Clone, Debug)]
pub struct FileChange {
    pub ticket: TicketId,
    /// The file's blob in each parent (`None`: absent there); one `None` for a root commit.
    pub before: Vec<Option<Oid>>,
    /// The file's blob after the commit (`None`: deleted).
    pub after: Option<Oid>,
}

/// Keeps the `tickets/` trees of recently walked commits loaded, so a linear
/// history reads each tree object once (git's own object cache skips trees as
/// big as a `tickets/` tree of a large helpdesk).
#[derive(Default)]
pub struct TreeMemo<'r> {
    /// Root tree id → `tickets/` tree id.
    tickets_of_root: HashMap<Oid, Option<Oid>>,
    /// The last few `tickets/` trees read.
    trees: Vec<Tree<'r>>,
}

impl<'r> TreeMemo<'r> {
    fn tree(&mut self, store: &'r Store, id: Oid) -> Result<Tree<'r>, StoreError> {
        if let Some(t) = self.trees.iter().find(|t| t.id() == id) {
            return Ok(t.clone());
        }
        let t = store.repo.find_tree(id)?;
        if self.trees.len() >= 4 {
            self.trees.remove(0);
        }
        self.trees.push(t.clone());
        Ok(t)
    }
}

impl Store {
    /// Commits reachable from `tip` but not from any of `known`, oldest first
    /// (parents before children).
    pub fn commits_between(&self, tip: Oid, known: &[Oid]) -> Result<Vec<Oid>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
        walk.push(tip)?;
        for k in known {
            // A known commit that is gone (history rewritten and pruned) hides nothing.
            if self.repo.find_commit(*k).is_ok() {
                walk.hide(*k)?;
            }
        }
        Ok(walk.collect::<Result<Vec<_>, _>>()?)
    }

    /// Whether commit `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> bool {
        ancestor == descendant || self.repo.graph_descendant_of(descendant, ancestor).unwrap_or(false)
    }

    /// Whether the repository has commit `id`.
    pub fn has_commit(&self, id: Oid) -> bool {
        self.repo.find_commit(id).is_ok()
    }

    /// A commit's author, time and parents, and the ticket files it changed
    /// relative to its first parent, with their blobs in every parent.
    pub fn commit_changes<'r>(
        &'r self,
        id: Oid,
        memo: &mut TreeMemo<'r>,
    ) -> Result<(CommitInfo, Vec<FileChange>), StoreError> {
        let commit = self.repo.find_commit(id)?;
        let author = commit.author();
        let info = CommitInfo {
            id,
            time: author.when().seconds(),
            author: format!("{} <{}>", author.name().unwrap_or("unknown"), author.email().unwrap_or("")),
            parents: commit.parent_ids().collect(),
        };
        let parent_roots: Vec<Oid> = commit.parents().map(|p| p.tree_id()).collect();
        let tickets_of = |memo: &mut TreeMemo<'r>, root: Oid| -> Result<Option<Oid>, StoreError> {
            if let Some(t) = memo.tickets_of_root.get(&root) {
                return Ok(*t);
            }
            let tree = self.repo.find_tree(root)?;
            let t = tree.get_name(TICKETS_DIR).filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id());
            if memo.tickets_of_root.len() > 64 {
                memo.tickets_of_root.clear();
            }
            memo.tickets_of_root.insert(root, t);
            Ok(t)
        };
        let new = tickets_of(memo, commit.tree_id())?;
        let parent_trees: Vec<Option<Oid>> =
            parent_roots.iter().map(|p| tickets_of(memo, *p)).collect::<Result<_, _>>()?;
        let first = parent_trees.first().copied().flatten();
        let mut changed = Vec::new();
        self.diff_tickets_trees(first, new, memo, &mut changed)?;
        let mut out = Vec::with_capacity(changed.len());
        for (ticket, old, after) in changed {
            let mut before = vec![old];
            for other in parent_trees.iter().skip(1) {
                before.push(match other {
                    Some(t) => self.ticket_blob_in(*t, &ticket)?,
                    None => None,
                });
            }
            out.push(FileChange { ticket, before, after });
        }
        Ok((info, out))
    }

    /// The raw bytes of a blob.
    pub fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>, StoreError> {
        Ok(self.repo.find_blob(id)?.content().to_vec())
    }

    fn ticket_blob_in(&self, tickets_tree: Oid, id: &TicketId) -> Result<Option<Oid>, StoreError> {
        let tree = self.repo.find_tree(tickets_tree)?;
        let Some(shard) = tree.get_name(id.shard()).filter(|e| e.kind() == Some(ObjectType::Tree)) else {
            return Ok(None);
        };
        let shard = self.repo.find_tree(shard.id())?;
        let name = format!("{}.md", id.as_str());
        Ok(shard.get_name(&name).filter(|e| e.kind() == Some(ObjectType::Blob)).map(|e| e.id()))
    }

    /// Ticket files that differ between two `tickets/` trees: (id, old blob, new blob).
    fn diff_tickets_trees<'r>(
        &'r self,
        old: Option<Oid>,
        new: Option<Oid>,
        memo: &mut TreeMemo<'r>,
        out: &mut Vec<(TicketId, Option<Oid>, Option<Oid>)>,
    ) -> Result<(), StoreError> {
        if old == new {
            return Ok(());
        }
        let old = old.map(|t| memo.tree(self, t)).transpose()?;
        let new = new.map(|t| memo.tree(self, t)).transpose()?;
        let mut shards = Vec::new();
        join(old.as_ref(), new.as_ref(), ObjectType::Tree, |name, a, b| {
            shards.push((String::from_utf8_lossy(name).into_owned(), a, b));
        });
        for (shard, a, b) in shards {
            let a = a.map(|t| self.repo.find_tree(t)).transpose()?;
            let b = b.map(|t| self.repo.find_tree(t)).transpose()?;
            join(a.as_ref(), b.as_ref(), ObjectType::Blob, |name, x, y| {
                let id = std::str::from_utf8(name)
                    .ok()
                    .and_then(|n| n.strip_suffix(".md"))
                    .and_then(TicketId::parse)
                    .filter(|id| id.shard() == shard);
                if let Some(id) = id {
                    out.push((id, x, y));
                }
            });
        }
        Ok(())
    }
}

/// Merge-joins the entries of kind `kind` of two trees by name and calls `f`
/// for every name whose object differs (absent on one side counts as differing).
/// Git sorts tree entries by name bytes (directories as if followed by `/`);
/// only one kind is joined at a time, so byte order is the order to join in.
fn join(
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    kind: ObjectType,
    mut changed: impl FnMut(&[u8], Option<Oid>, Option<Oid>),
) {
    let skip = |t: Option<&Tree<'_>>, mut i: usize| -> usize {
        let Some(t) = t else { return 0 };
        while t.get(i).is_some_and(|e| e.kind() != Some(kind)) {
            i += 1;
        }
        i
    };
    let (mut i, mut j) = (skip(old, 0), skip(new, 0));
    loop {
        let ea = old.and_then(|t| t.get(i));
        let eb = new.and_then(|t| t.get(j));
        match (ea, eb) {
            (None, None) => break,
            (Some(x), None) => {
                changed(x.name_bytes(), Some(x.id()), None);
                i = skip(old, i + 1);
            }
            (None, Some(y)) => {
                changed(y.name_bytes(), None, Some(y.id()));
                j = skip(new, j + 1);
            }
            (Some(x), Some(y)) => match x.name_bytes().cmp(y.name_bytes()) {
                std::cmp::Ordering::Less => {
                    changed(x.name_bytes(), Some(x.id()), None);
                    i = skip(old, i + 1);
                }
                std::cmp::Ordering::Greater => {
                    changed(y.name_bytes(), None, Some(y.id()));
                    j = skip(new, j + 1);
                }
                std::cmp::Ordering::Equal => {
                    if x.id() != y.id() {
                        changed(x.name_bytes(), Some(x.id()), Some(y.id()));
                    }
                    i = skip(old, i + 1);
                    j = skip(new, j + 1);
                }
            },
        }
    }
}
