//! Walking the desk branch's history for the event log: the commits, oldest
//! first, and which ticket files each one changed. Unchanged shard trees are
//! skipped by comparing tree ids, so a commit costs what it touched, not the
//! size of the helpdesk.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Oid, Sort};

use super::packread::{PackObject, PackReader, Packs};
use super::{CONFIG_PATH, Store, StoreError, TICKETS_DIR};
use crate::model::TicketId;

/// One commit of the desk branch, as the event log needs it. Kept small: a
/// walk holds one per commit of the branch.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: Oid,
    /// Author time, Unix seconds.
    pub time: i64,
    /// The author as `Name <email>`, shared by the commits of one walk that
    /// have the same author.
    pub author: Arc<str>,
    pub parents: Parents,
    /// The commit's root tree.
    pub tree: Oid,
}

/// A commit's parents, read as a slice. The usual single parent is kept in
/// place: a walk of a million commits then makes no allocation for them.
#[derive(Clone, Debug)]
pub enum Parents {
    One(Oid),
    /// None (a root commit) or several (a merge).
    Other(Box<[Oid]>),
}

impl From<Vec<Oid>> for Parents {
    fn from(parents: Vec<Oid>) -> Parents {
        match parents[..] {
            [one] => Parents::One(one),
            _ => Parents::Other(parents.into_boxed_slice()),
        }
    }
}

impl std::ops::Deref for Parents {
    type Target = [Oid];
    fn deref(&self) -> &[Oid] {
        match self {
            Parents::One(one) => std::slice::from_ref(one),
            Parents::Other(parents) => parents,
        }
    }
}

impl<'a> IntoIterator for &'a Parents {
    type Item = &'a Oid;
    type IntoIter = std::slice::Iter<'a, Oid>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
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

/// What the walk remembers between commits: the raw objects it parsed last,
/// so that a linear history reads each tree once. Trees are parsed here from
/// their raw bytes, without git2's per-entry calls: a `tickets/` tree of a
/// large helpdesk has a thousand entries and every commit has a new one.
pub struct TreeMemo<'r> {
    odb: &'r git2::Odb<'r>,
    /// Reads packed objects itself, for walks of many commits ([`Store::objects_for_walk`]).
    packs: Option<RefCell<PackReader>>,
    /// Commit → its `tickets/` tree and `desk.yaml` blob, for the commits walked last.
    tickets_of_commit: HashMap<Oid, RootEntries>,
    /// The last few `tickets/` trees read.
    trees: Vec<Rc<RawTree<'r>>>,
    /// The latest version read of each shard tree, by shard name: in a linear
    /// history a commit's old shard is the one the last commit to touch it made.
    shards: HashMap<Vec<u8>, Rc<RawTree<'r>>>,
}

/// What the walk reads of a commit's root tree: the `tickets/` tree and the
/// `desk.yaml` blob.
#[derive(Clone, Copy)]
struct RootEntries {
    tickets: Option<Oid>,
    config: Option<Oid>,
}

/// The repository's object database, for [`TreeMemo`]. While one exists,
/// libgit2 keeps no objects in its cache: a walk reads each commit and tree
/// once (or keeps what it reads again itself), and a cache of the objects of
/// hundreds of thousands of commits would only hold memory.
pub struct Objects<'r>(git2::Odb<'r>, ObjectCacheOff, Option<Arc<Packs>>);

/// How many [`Objects`] exist; libgit2's object cache is on when none does.
static WALKS: Mutex<usize> = Mutex::new(0);

struct ObjectCacheOff;

impl ObjectCacheOff {
    fn new() -> ObjectCacheOff {
        let mut walks = WALKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *walks == 0 {
            git2::opts::enable_caching(false);
        }
        *walks += 1;
        ObjectCacheOff
    }
}

impl Drop for ObjectCacheOff {
    fn drop(&mut self) {
        let mut walks = WALKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *walks -= 1;
        if *walks == 0 {
            git2::opts::enable_caching(true);
        }
    }
}

/// An object's bytes, as libgit2 or the pack reader read them.
enum Raw<'r> {
    Git(git2::OdbObject<'r>),
    Pack(PackObject),
}

impl Raw<'_> {
    fn data(&self) -> &[u8] {
        match self {
            Raw::Git(o) => o.data(),
            Raw::Pack(d) => d,
        }
    }
}

/// A tree object's bytes and where its entries are.
struct RawTree<'r> {
    id: Oid,
    object: Raw<'r>,
    /// (name start, name end, is a tree, is a blob); the id follows the name's NUL.
    entries: Vec<(u32, u32, bool, bool)>,
}

impl<'r> RawTree<'r> {
    fn parse(id: Oid, object: Raw<'r>) -> Option<RawTree<'r>> {
        let data = object.data();
        // An entry of a `tickets/` tree takes 30 bytes, of a shard 41.
        let mut entries = Vec::with_capacity(data.len() / 28 + 1);
        let mut at = 0usize;
        while at < data.len() {
            let space = at + data[at..].iter().position(|&b| b == b' ')?;
            let nul = space + data[space..].iter().position(|&b| b == 0)?;
            let mode = &data[at..space];
            if nul + 21 > data.len() {
                return None;
            }
            let is_tree = mode == b"40000";
            let is_blob = mode.starts_with(b"100");
            entries.push((u32::try_from(space + 1).ok()?, u32::try_from(nul).ok()?, is_tree, is_blob));
            at = nul + 21;
        }
        Some(RawTree { id, object, entries })
    }

    fn data(&self) -> &[u8] {
        self.object.data()
    }

    fn name(&self, i: usize) -> &[u8] {
        let (start, end, ..) = self.entries[i];
        &self.data()[start as usize..end as usize]
    }

    fn oid(&self, i: usize) -> Oid {
        let end = self.entries[i].1 as usize;
        Oid::from_bytes(&self.data()[end + 1..end + 21]).expect("20 bytes make an object id")
    }

    fn id_bytes(&self, i: usize) -> &[u8] {
        let end = self.entries[i].1 as usize;
        &self.data()[end + 1..end + 21]
    }

    /// The entry named `name`, if it is a tree.
    fn subtree(&self, name: &[u8]) -> Option<Oid> {
        (0..self.entries.len()).find(|&i| self.entries[i].2 && self.name(i) == name).map(|i| self.oid(i))
    }

    /// The entry named `name`, if it is a file or a symbolic link (a blob, as
    /// git2's tree lookups count it).
    fn blob(&self, name: &[u8]) -> Option<Oid> {
        let i = (0..self.entries.len()).find(|&i| !self.entries[i].2 && self.name(i) == name)?;
        let start = if i == 0 { 0 } else { self.entries[i - 1].1 as usize + 21 };
        let mode = &self.data()[start..self.entries[i].0 as usize - 1];
        (self.entries[i].3 || mode == b"120000").then(|| self.oid(i))
    }
}

/// A commit's fields as the walk needs them, read from its raw bytes.
struct RawCommit {
    tree: Oid,
    parents: Vec<Oid>,
    author: String,
    time: i64,
}

fn parse_commit(data: &[u8]) -> Option<RawCommit> {
    let mut tree = None;
    let mut parents = Vec::new();
    let mut author = None;
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = Oid::from_str(std::str::from_utf8(hex).ok()?).ok();
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(Oid::from_str(std::str::from_utf8(hex).ok()?).ok()?);
        } else if let Some(ident) = line.strip_prefix(b"author ") {
            // `Name <email> 1700000000 +0100`
            let ident = String::from_utf8_lossy(ident);
            let mut parts = ident.rsplitn(3, ' ');
            let (_tz, time, who) = (parts.next()?, parts.next()?, parts.next()?);
            author = Some((who.trim().to_owned(), time.parse().ok()?));
        }
    }
    let (author, time) = author?;
    Some(RawCommit { tree: tree?, parents, author, time })
}

impl<'r> TreeMemo<'r> {
    /// A memo for walking the repository whose objects are `objects`.
    pub fn new(objects: &'r Objects<'r>) -> TreeMemo<'r> {
        TreeMemo {
            odb: &objects.0,
            packs: objects.2.clone().map(|p| RefCell::new(PackReader::new(p))),
            tickets_of_commit: HashMap::new(),
            trees: Vec::new(),
            shards: HashMap::new(),
        }
    }

    fn raw(&self, id: Oid, kind: ObjectType) -> Result<Raw<'r>, StoreError> {
        let read = self.packs.as_ref().and_then(|p| p.borrow_mut().read(id));
        let (found, raw) = if let Some((found, data)) = read {
            (found, Raw::Pack(data))
        } else {
            let obj = self.odb.read(id)?;
            (obj.kind(), Raw::Git(obj))
        };
        if found != kind {
            return Err(git2::Error::from_str(&format!("object {id} is not a {}", kind.str())).into());
        }
        Ok(raw)
    }

    fn tree(&self, id: Oid) -> Result<RawTree<'r>, StoreError> {
        RawTree::parse(id, self.raw(id, ObjectType::Tree)?)
            .ok_or_else(|| git2::Error::from_str(&format!("tree {id} is corrupt")).into())
    }

    /// A shard tree, from the latest versions kept.
    fn shard_tree(&mut self, name: &[u8], id: Oid) -> Result<Rc<RawTree<'r>>, StoreError> {
        if let Some(t) = self.shards.get(name)
            && t.id == id
        {
            return Ok(Rc::clone(t));
        }
        let t = Rc::new(self.tree(id)?);
        self.shards.insert(name.to_vec(), Rc::clone(&t));
        Ok(t)
    }

    /// Calls `f` with the bytes of blob `id`.
    pub fn with_blob<T>(&self, id: Oid, f: impl FnOnce(&[u8]) -> T) -> Result<T, StoreError> {
        Ok(f(self.raw(id, ObjectType::Blob)?.data()))
    }

    /// A `tickets/` tree, kept for the next commits.
    fn tickets_tree(&mut self, id: Oid) -> Result<Rc<RawTree<'r>>, StoreError> {
        if let Some(t) = self.trees.iter().find(|t| t.id == id) {
            return Ok(Rc::clone(t));
        }
        let t = Rc::new(self.tree(id)?);
        if self.trees.len() >= 4 {
            self.trees.remove(0);
        }
        self.trees.push(Rc::clone(&t));
        Ok(t)
    }

    fn commit(&self, id: Oid) -> Result<CommitInfo, StoreError> {
        let raw = parse_commit(self.raw(id, ObjectType::Commit)?.data())
            .ok_or_else(|| git2::Error::from_str(&format!("commit {id} is corrupt")))?;
        Ok(CommitInfo {
            id,
            time: raw.time,
            author: raw.author.into(),
            parents: raw.parents.into(),
            tree: raw.tree,
        })
    }

    /// Every commit reachable from `tip`, parents before children (a
    /// depth-first post-order, first parents first), each read once. The
    /// commits are kept once, in the order they are read, and put in order
    /// in place at the end.
    fn all_commits(&self, tip: Oid) -> Result<Vec<CommitInfo>, StoreError> {
        let mut seen: HashSet<Oid> = HashSet::new();
        let mut authors: HashSet<Arc<str>> = HashSet::new();
        let mut read: Vec<CommitInfo> = Vec::new();
        // Indices into `read`, parents before children.
        let mut order: Vec<u32> = Vec::new();
        // (commit, read (at this index in `read`) and waiting for its parents)
        let mut stack: Vec<(Oid, Option<u32>)> = vec![(tip, None)];
        seen.insert(tip);
        while let Some((id, at)) = stack.pop() {
            if let Some(at) = at {
                order.push(at);
                continue;
            }
            let mut info = self.commit(id)?;
            match authors.get(&info.author) {
                Some(a) => info.author = Arc::clone(a),
                None => drop(authors.insert(Arc::clone(&info.author))),
            }
            let at = u32::try_from(read.len()).expect("fewer than 4 billion commits");
            stack.push((id, Some(at)));
            for p in info.parents.iter().rev() {
                if seen.insert(*p) {
                    stack.push((*p, None));
                }
            }
            read.push(info);
        }
        drop((seen, stack));
        // read[i] becomes read[order[i]]: each cycle of the permutation is
        // followed once, by swaps.
        let mut placed = vec![false; read.len()];
        for start in 0..read.len() {
            let mut i = start;
            while !placed[i] {
                placed[i] = true;
                let from = order[i] as usize;
                if from == start {
                    break;
                }
                read.swap(i, from);
                i = from;
            }
        }
        Ok(read)
    }

    /// The `tickets/` tree of a commit.
    fn tickets_of(&mut self, commit: Oid, root: Option<Oid>) -> Result<Option<Oid>, StoreError> {
        Ok(self.root_entries(commit, root)?.tickets)
    }

    /// The `tickets/` tree and `desk.yaml` blob of a commit (whose root tree
    /// is `root`, when known).
    fn root_entries(&mut self, commit: Oid, root: Option<Oid>) -> Result<RootEntries, StoreError> {
        if let Some(t) = self.tickets_of_commit.get(&commit) {
            return Ok(*t);
        }
        let root = match root {
            Some(r) => r,
            None => {
                parse_commit(self.raw(commit, ObjectType::Commit)?.data())
                    .ok_or_else(|| git2::Error::from_str(&format!("commit {commit} is corrupt")))?
                    .tree
            }
        };
        let tree = self.tree(root)?;
        let t = RootEntries {
            tickets: tree.subtree(TICKETS_DIR.as_bytes()),
            config: tree.blob(CONFIG_PATH.as_bytes()),
        };
        if self.tickets_of_commit.len() > 64 {
            self.tickets_of_commit.clear();
        }
        self.tickets_of_commit.insert(commit, t);
        Ok(t)
    }
}

impl Store {
    /// Another handle on the same repository, for another thread.
    pub fn reopen(&self) -> Result<Store, StoreError> {
        let repo = git2::Repository::open(self.repo.path())?;
        Ok(Store {
            repo,
            branch: self.branch.clone(),
            pending: std::cell::RefCell::new(None),
            odb: std::cell::OnceCell::new(),
        })
    }

    /// The object database, to walk history with.
    pub fn objects(&self) -> Result<Objects<'_>, StoreError> {
        Ok(Objects(self.repo.odb()?, ObjectCacheOff::new(), None))
    }

    /// The object database, to walk many commits with: packed objects are
    /// read by desk's own reader ([`packread`](super::packread)), which keeps
    /// the pack out of memory and the bases of delta chains in it. Reading
    /// the pack indexes costs about 28 bytes an object, so a walk of a few
    /// commits uses [`Store::objects`].
    pub fn objects_for_walk(&self) -> Result<Objects<'_>, StoreError> {
        let packs = Packs::shared(&self.repo.commondir().join("objects"));
        Ok(Objects(self.repo.odb()?, ObjectCacheOff::new(), packs))
    }

    /// Commits reachable from `tip` but not from any of `known`, oldest first
    /// (parents before children), with their authors, times and trees.
    pub fn commits_between(
        &self,
        memo: &TreeMemo<'_>,
        tip: Oid,
        known: &[Oid],
    ) -> Result<Vec<CommitInfo>, StoreError> {
        // Walking history reads hundreds of thousands of objects; like `git log`,
        // do not re-hash each one to check its id (a third of the time otherwise).
        git2::opts::strict_hash_verification(false);
        let known: Vec<Oid> = known.iter().copied().filter(|k| self.repo.find_commit(*k).is_ok()).collect();
        if known.is_empty() {
            return memo.all_commits(tip);
        }
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
        walk.push(tip)?;
        for k in known {
            walk.hide(k)?;
        }
        walk.map(|id| memo.commit(id?)).collect()
    }

    /// Whether commit `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> bool {
        ancestor == descendant || self.repo.graph_descendant_of(descendant, ancestor).unwrap_or(false)
    }

    /// Whether the repository has commit `id`.
    pub fn has_commit(&self, id: Oid) -> bool {
        self.repo.find_commit(id).is_ok()
    }

    /// The ticket files a commit changed relative to its first parent, with
    /// their blobs in every parent.
    pub fn commit_changes(
        &self,
        info: &CommitInfo,
        memo: &mut TreeMemo<'_>,
    ) -> Result<Vec<FileChange>, StoreError> {
        let new = memo.tickets_of(info.id, Some(info.tree))?;
        let parent_trees: Vec<Option<Oid>> =
            info.parents.iter().map(|p| memo.tickets_of(*p, None)).collect::<Result<_, _>>()?;
        let first = parent_trees.first().copied().flatten();
        let mut changed = Vec::new();
        diff_tickets_trees(memo, first, new, &mut changed)?;
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
        Ok(out)
    }

    /// The blob of `desk.yaml` in a commit's tree, if it is a file there (as
    /// [`Store::blob_in_commit`] gives it), read through the walk's memo: free
    /// after [`Store::commit_changes`] of the same commit.
    pub fn commit_config(
        &self,
        info: &CommitInfo,
        memo: &mut TreeMemo<'_>,
    ) -> Result<Option<Oid>, StoreError> {
        Ok(memo.root_entries(info.id, Some(info.tree))?.config)
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
}

/// Ticket files that differ between two `tickets/` trees: (id, old blob, new blob).
/// Shards whose tree ids are equal are skipped without being read.
fn diff_tickets_trees(
    memo: &mut TreeMemo<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut Vec<(TicketId, Option<Oid>, Option<Oid>)>,
) -> Result<(), StoreError> {
    if old == new {
        return Ok(());
    }
    let a = old.map(|t| memo.tickets_tree(t)).transpose()?;
    let b = new.map(|t| memo.tickets_tree(t)).transpose()?;
    let mut shards = Vec::new();
    join(a.as_deref(), b.as_deref(), true, |name, x, y| shards.push((name.to_vec(), x, y)));
    for (name, x, y) in shards {
        let a = x.map(|t| memo.shard_tree(&name, t)).transpose()?;
        let b = y.map(|t| memo.shard_tree(&name, t)).transpose()?;
        let shard = String::from_utf8_lossy(&name);
        join(a.as_deref(), b.as_deref(), false, |name, p, q| {
            let id = std::str::from_utf8(name)
                .ok()
                .and_then(|n| n.strip_suffix(".md"))
                .and_then(TicketId::parse)
                .filter(|id| id.shard() == shard);
            if let Some(id) = id {
                out.push((id, p, q));
            }
        });
    }
    Ok(())
}

/// Merge-joins the entries of two trees by name — their subtrees when `trees`,
/// else their blobs — and calls `changed` for every name whose object differs
/// (absent on one side counts as differing). Git sorts tree entries by name
/// bytes (a directory as if followed by `/`); only one kind is joined at a
/// time, so byte order is the order to join in.
fn join(
    old: Option<&RawTree<'_>>,
    new: Option<&RawTree<'_>>,
    trees: bool,
    mut changed: impl FnMut(&[u8], Option<Oid>, Option<Oid>),
) {
    let wanted = |t: &RawTree<'_>, i: usize| {
        let (_, _, is_tree, is_blob) = t.entries[i];
        if trees { is_tree } else { is_blob }
    };
    let skip = |t: Option<&RawTree<'_>>, mut i: usize| -> usize {
        let Some(t) = t else { return 0 };
        while i < t.entries.len() && !wanted(t, i) {
            i += 1;
        }
        i
    };
    let len = |t: Option<&RawTree<'_>>| t.map_or(0, |t| t.entries.len());
    let (mut i, mut j) = (skip(old, 0), skip(new, 0));
    while i < len(old) || j < len(new) {
        let order = match (old, new) {
            (Some(a), Some(b)) if i < a.entries.len() && j < b.entries.len() => a.name(i).cmp(b.name(j)),
            _ if i < len(old) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                let a = old.expect("entries left");
                changed(a.name(i), Some(a.oid(i)), None);
                i = skip(old, i + 1);
            }
            std::cmp::Ordering::Greater => {
                let b = new.expect("entries left");
                changed(b.name(j), None, Some(b.oid(j)));
                j = skip(new, j + 1);
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (old.expect("entries left"), new.expect("entries left"));
                if a.id_bytes(i) != b.id_bytes(j) {
                    changed(a.name(i), Some(a.oid(i)), Some(b.oid(j)));
                }
                i = skip(old, i + 1);
                j = skip(new, j + 1);
            }
        }
    }
}

/// A commit of a code repository, for `desk link-commits`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeCommit {
    pub id: Oid,
    /// The whole message.
    pub message: String,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author time, Unix seconds.
    pub time: i64,
}

impl Store {
    /// The commits of `range` (`A..B`: reachable from B but not from A; a
    /// single revision: everything reachable from it), oldest first.
    pub fn code_commits(&self, range: &str) -> Result<Vec<CodeCommit>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        match range.split_once("..") {
            Some((from, to)) => {
                let to = if to.is_empty() { "HEAD" } else { to };
                walk.push(self.resolve_revision(to)?)?;
                if !from.is_empty() {
                    walk.hide(self.resolve_revision(from)?)?;
                }
            }
            None => walk.push(self.resolve_revision(range)?)?,
        }
        let mut out = Vec::new();
        for id in walk {
            let c = self.repo.find_commit(id?)?;
            let a = c.author();
            out.push(CodeCommit {
                id: c.id(),
                message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
                author: format!(
                    "{} <{}>",
                    String::from_utf8_lossy(a.name_bytes()),
                    String::from_utf8_lossy(a.email_bytes())
                ),
                time: a.when().seconds(),
            });
        }
        Ok(out)
    }
}
