//! Objects read and written by desk itself for the commands that touch a few
//! of them (`desk new`, `desk reply`, `desk show`, …): loose files first, then
//! the pack files, read with `pread`.
//!
//! libgit2 looks every object up in the pack indexes first, loose or not, and
//! reads indexes and packs through memory maps. At a million tickets a
//! `desk new` made some twenty lookups in a 150 MB index and read from two
//! 32 MiB windows of the pack, and the kernel counts each block it maps for a
//! page read (64 KiB around it, or a whole large folio of the page cache) in
//! the process's memory: 5 to 12 MB of the 15 to 25 MB such a command took.
//! Read here, an object costs its own bytes.
//!
//! Only the first [`SHORT_USES`] objects of a command are read or written
//! here. A command that reads many (a full-text search, an export) leaves the
//! rest to libgit2, whose maps and delta-base cache pay off over many reads,
//! where each lookup here is a binary search of the index with `pread`.
//!
//! Objects are read and written as git does: a loose object is the file
//! `objects/xx/yyyy…` holding `TYPE SIZE\0DATA` compressed with zlib; a new one
//! is written to a temporary file beside it and renamed into place, and is not
//! written when a loose file or a pack already has it. Where a repository keeps
//! objects elsewhere too (alternates, `GIT_OBJECT_DIRECTORY`), desk leaves all
//! reading and writing to libgit2; an object this reader cannot read (a pack it
//! does not know, damaged data) is read by libgit2, which reads or reports it.

use std::cell::OnceCell;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use std::collections::BTreeMap;

use git2::{ObjectType, Oid, Repository, Signature};

use super::packread::{PackObject, PackReader, Packs};
use super::{Identity, Store, StoreError};

/// Loose objects larger than this are left to libgit2 (as in the pack reader).
const MAX_LOOSE: u64 = 256 << 20;

/// How many objects a command reads or writes here before it leaves the rest
/// to libgit2: a `desk reply` at a million tickets uses about a dozen.
pub(crate) const SHORT_USES: u32 = 128;

/// The object directory of a repository, read and written directly.
pub(crate) struct ObjectDir {
    dir: PathBuf,
    /// `core.fsyncObjectFiles`: each new object is flushed to disk before it
    /// is renamed into place.
    fsync: bool,
    /// The packs, opened at the first object that is not loose.
    packs: OnceCell<Option<Arc<Packs>>>,
    /// How many objects were read or written here.
    uses: std::cell::Cell<u32>,
}

impl ObjectDir {
    /// The object directory of `repo`, or `None` when objects may also be
    /// elsewhere (alternates, the environment's object directories) or the
    /// repository does not use SHA-1.
    pub(crate) fn of(repo: &Repository) -> Option<ObjectDir> {
        if ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"]
            .iter()
            .any(|v| std::env::var_os(v).is_some())
        {
            return None;
        }
        let dir = repo.commondir().join("objects");
        if dir.join("info/alternates").exists() || !dir.is_dir() {
            return None;
        }
        let config = repo.config().ok()?;
        if config.get_string("extensions.objectformat").is_ok_and(|f| !f.eq_ignore_ascii_case("sha1")) {
            return None;
        }
        let fsync = config.get_bool("core.fsyncobjectfiles").unwrap_or(false);
        Some(ObjectDir { dir, fsync, packs: OnceCell::new(), uses: std::cell::Cell::new(0) })
    }

    /// Counts one more object; `false` past [`SHORT_USES`].
    fn take_use(&self) -> bool {
        let used = self.uses.get();
        self.uses.set(used.saturating_add(1));
        used < SHORT_USES
    }

    /// Object `id` and its type, when it is loose or in a pack this reader reads.
    pub(crate) fn read(&self, id: Oid) -> Option<(ObjectType, PackObject)> {
        if let Some((kind, data)) = self.loose(id) {
            return Some((kind, Rc::new(data)));
        }
        // A reader without a cache: the few objects a command reads rarely
        // share the links of their delta chains.
        PackReader::with_cache(Arc::clone(self.packs()?), 0).read(id)
    }

    /// Whether the repository has object `id`, loose or packed; if so, the
    /// file holding it is given the current time, as git does before it skips
    /// writing an object (a `git gc` at the same moment would otherwise prune an
    /// old unreachable copy that a new commit is about to name).
    fn freshen(&self, id: Oid) -> bool {
        if let Ok(file) = std::fs::File::open(self.path_of(id)) {
            let _ = file.set_modified(std::time::SystemTime::now());
            return true;
        }
        self.packs().is_some_and(|packs| packs.freshen(id))
    }

    fn path_of(&self, id: Oid) -> PathBuf {
        let hex = id.to_string();
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    fn packs(&self) -> Option<&Arc<Packs>> {
        self.packs.get_or_init(|| Packs::for_lookups(&self.dir).map(Arc::new)).as_ref()
    }

    /// A loose object's type and data, when its file exists and reads whole.
    fn loose(&self, id: Oid) -> Option<(ObjectType, Vec<u8>)> {
        let file = std::fs::File::open(self.path_of(id)).ok()?;
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(std::io::BufReader::new(file))
            .take(MAX_LOOSE + 64)
            .read_to_end(&mut raw)
            .ok()?;
        let nul = raw.iter().position(|&b| b == 0)?;
        let (kind, size) = std::str::from_utf8(&raw[..nul]).ok()?.split_once(' ')?;
        let kind = match kind {
            "commit" => ObjectType::Commit,
            "tree" => ObjectType::Tree,
            "blob" => ObjectType::Blob,
            "tag" => ObjectType::Tag,
            _ => return None,
        };
        if size.parse::<usize>().ok()? != raw.len() - nul - 1 {
            return None;
        }
        raw.drain(..=nul);
        Some((kind, raw))
    }

    /// Writes an object (unless the repository has it) and returns its id.
    pub(crate) fn write(&self, kind: ObjectType, data: &[u8]) -> std::io::Result<Oid> {
        let id = Oid::hash_object(kind, data).map_err(std::io::Error::other)?;
        if self.freshen(id) {
            return Ok(id);
        }
        let path = self.path_of(id);
        let dir = path.parent().expect("an object path has a directory");
        std::fs::create_dir_all(dir)?;
        let mut file = tempfile::Builder::new().prefix("tmp_obj_").tempfile_in(dir)?;
        let mut zlib = flate2::write::ZlibEncoder::new(
            std::io::BufWriter::new(file.as_file_mut()),
            flate2::Compression::fast(),
        );
        write!(zlib, "{} {}\0", kind.str(), data.len())?;
        zlib.write_all(data)?;
        zlib.finish()?.flush()?;
        if self.fsync {
            file.as_file().sync_all()?;
        }
        file.as_file().set_permissions(std::fs::Permissions::from_mode(0o444))?;
        match file.persist_noclobber(&path) {
            Ok(_) => Ok(id),
            // Written at the same moment by another process: the same bytes.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(id),
            Err(e) => Err(e.error),
        }
    }
}

/// One entry of a tree object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeEntry {
    /// The mode as git writes it (`100644`, `40000`, …).
    pub mode: Vec<u8>,
    pub name: Vec<u8>,
    pub id: Oid,
}

/// The mode of a subtree's entry.
pub(crate) const TREE_MODE: &[u8] = b"40000";

/// The mode of a file's entry.
pub(crate) const FILE_MODE: &[u8] = b"100644";

impl TreeEntry {
    /// What the entry names, as libgit2 reads its mode: a tree, a submodule's
    /// commit, else a blob (files and symbolic links).
    pub(crate) fn kind(&self) -> ObjectType {
        let mode = std::str::from_utf8(&self.mode).ok().and_then(|m| u32::from_str_radix(m, 8).ok());
        match mode.unwrap_or(0) & 0o170_000 {
            0o040_000 => ObjectType::Tree,
            0o160_000 => ObjectType::Commit,
            _ => ObjectType::Blob,
        }
    }
}

/// The entries of a tree object, in its order; `None` when it is malformed.
pub(crate) fn tree_entries(data: &[u8]) -> Option<Vec<TreeEntry>> {
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let space = at + data[at..].iter().position(|&b| b == b' ')?;
        let nul = space + data[space..].iter().position(|&b| b == 0)?;
        let id = Oid::from_bytes(data.get(nul + 1..nul + 21)?).ok()?;
        entries.push(TreeEntry { mode: data[at..space].to_vec(), name: data[space + 1..nul].to_vec(), id });
        at = nul + 21;
    }
    Some(entries)
}

/// A tree object holding `entries` (names unique), sorted as git sorts them:
/// by name, a subtree's name compared as if it ended in `/`.
pub(crate) fn tree_bytes(mut entries: Vec<TreeEntry>) -> Vec<u8> {
    let key = |e: &TreeEntry| {
        let mut k = e.name.clone();
        if e.kind() == ObjectType::Tree {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_cached_key(key);
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.mode.len() + e.name.len() + 22).sum());
    for e in entries {
        out.extend_from_slice(&e.mode);
        out.push(b' ');
        out.extend_from_slice(&e.name);
        out.push(0);
        out.extend_from_slice(e.id.as_bytes());
    }
    out
}

/// The tree a commit object names; `None` when it is malformed.
pub(crate) fn commit_tree(data: &[u8]) -> Option<Oid> {
    let hex = data.strip_prefix(b"tree ")?.get(..40)?;
    Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// A commit object, written as git writes one: tree, parents, author,
/// committer, a blank line and the message as given.
pub(crate) fn commit_bytes(
    tree: Oid,
    parents: &[Oid],
    author: &Signature<'_>,
    committer: &Signature<'_>,
    message: &str,
) -> Vec<u8> {
    let mut out = format!("tree {tree}\n").into_bytes();
    for parent in parents {
        out.extend_from_slice(format!("parent {parent}\n").as_bytes());
    }
    for (header, who) in [("author", author), ("committer", committer)] {
        let when = who.when();
        let offset = when.offset_minutes();
        let sign = if offset < 0 || when.sign() == '-' { '-' } else { '+' };
        let offset = offset.unsigned_abs();
        out.extend_from_slice(header.as_bytes());
        out.push(b' ');
        out.extend_from_slice(who.name_bytes());
        out.extend_from_slice(b" <");
        out.extend_from_slice(who.email_bytes());
        out.extend_from_slice(
            format!("> {} {sign}{:02}{:02}\n", when.seconds(), offset / 60, offset % 60).as_bytes(),
        );
    }
    out.push(b'\n');
    out.extend_from_slice(message.as_bytes());
    out
}

/// Objects of a [`Store`], through [`ObjectDir`] where it can, else libgit2.
impl Store {
    /// The object directory desk reads and writes itself, if it may, for one
    /// more object.
    fn own(&self) -> Option<&ObjectDir> {
        self.odb.get_or_init(|| ObjectDir::of(&self.repo)).as_ref().filter(|own| own.take_use())
    }

    /// The bytes of object `id`, which must be a `kind`.
    pub(super) fn object(&self, id: Oid, kind: ObjectType) -> Result<PackObject, StoreError> {
        let (found, data) = if let Some(hit) = self.own().and_then(|o| o.read(id)) {
            hit
        } else {
            let odb = self.repo.odb()?;
            let object = odb.read(id)?;
            (object.kind(), Rc::new(object.data().to_vec()))
        };
        if found != kind {
            return Err(git2::Error::from_str(&format!("object {id} is not a {}", kind.str())).into());
        }
        Ok(data)
    }

    /// The bytes of blob `id`, owned.
    pub(super) fn blob_vec(&self, id: Oid) -> Result<Vec<u8>, StoreError> {
        Ok(Rc::unwrap_or_clone(self.object(id, ObjectType::Blob)?))
    }

    /// The entries of tree `id`.
    pub(super) fn tree(&self, id: Oid) -> Result<Vec<TreeEntry>, StoreError> {
        tree_entries(&self.object(id, ObjectType::Tree)?)
            .ok_or_else(|| git2::Error::from_str(&format!("tree {id} is corrupt")).into())
    }

    /// The tree commit `id` records.
    pub(super) fn commit_tree(&self, id: Oid) -> Result<Oid, StoreError> {
        commit_tree(&self.object(id, ObjectType::Commit)?)
            .ok_or_else(|| git2::Error::from_str(&format!("commit {id} is corrupt")).into())
    }

    /// The entry at `path` (names joined by `/`) below tree `tree`, if there is one.
    pub(super) fn entry_at(&self, tree: Oid, path: &str) -> Result<Option<TreeEntry>, StoreError> {
        let mut tree = tree;
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let Some(entry) = self.tree(tree)?.into_iter().find(|e| e.name == name.as_bytes()) else {
                return Ok(None);
            };
            if names.peek().is_none() {
                return Ok(Some(entry));
            }
            if entry.kind() != ObjectType::Tree {
                return Ok(None);
            }
            tree = entry.id;
        }
        Ok(None)
    }

    /// The subtree `name` of the tree with `entries`, if there is one.
    pub(super) fn subtree_of(
        &self,
        entries: &[TreeEntry],
        name: &str,
    ) -> Result<Option<Vec<TreeEntry>>, StoreError> {
        match entries.iter().find(|e| e.name == name.as_bytes() && e.kind() == ObjectType::Tree) {
            Some(e) => Ok(Some(self.tree(e.id)?)),
            None => Ok(None),
        }
    }

    /// Writes an object and returns its id.
    pub(super) fn write_object(&self, kind: ObjectType, data: &[u8]) -> Result<Oid, StoreError> {
        match self.own() {
            Some(own) => {
                own.write(kind, data).map_err(|error| StoreError::WriteObject { dir: own.dir.clone(), error })
            }
            None => Ok(self.repo.odb()?.write(kind, data)?),
        }
    }

    /// Writes a commit of `tree` on `parents` and returns its id.
    pub(super) fn write_commit(
        &self,
        tree: Oid,
        parents: &[Oid],
        author: &Identity,
        committer: &Identity,
        message: &str,
    ) -> Result<Oid, StoreError> {
        self.write_object(ObjectType::Commit, &commit_bytes(tree, parents, &author.0, &committer.0, message))
    }

    /// Sets (or removes, for `None`) the blobs at the given paths (relative to
    /// tree `base`), writing each changed directory once; returns the new
    /// tree, or `None` when it became empty.
    pub(crate) fn update_tree(
        &self,
        base: Option<Oid>,
        changes: &BTreeMap<&str, Option<Oid>>,
    ) -> Result<Option<Oid>, StoreError> {
        let mut entries = match base {
            Some(id) => self.tree(id)?,
            None => Vec::new(),
        };
        let mut dirs: BTreeMap<&str, BTreeMap<&str, Option<Oid>>> = BTreeMap::new();
        for (path, blob) in changes {
            match path.split_once('/') {
                None => set_entry(&mut entries, path, blob.map(|b| (FILE_MODE, b)))?,
                Some((dir, rest)) => {
                    dirs.entry(dir).or_default().insert(rest, *blob);
                }
            }
        }
        for (name, sub_changes) in &dirs {
            let sub = entries.iter().find(|e| e.name == name.as_bytes() && e.kind() == ObjectType::Tree);
            let new = self.update_tree(sub.map(|e| e.id), sub_changes)?;
            set_entry(&mut entries, name, new.map(|t| (TREE_MODE, t)))?;
        }
        if entries.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.write_object(ObjectType::Tree, &tree_bytes(entries))?))
    }
}

/// Puts `entry` (mode and id) under `name` in `entries`, replacing what was
/// there; removes it for `None`.
fn set_entry(
    entries: &mut Vec<TreeEntry>,
    name: &str,
    entry: Option<(&[u8], Oid)>,
) -> Result<(), StoreError> {
    entries.retain(|e| e.name != name.as_bytes());
    if let Some((mode, id)) = entry {
        // The names a sync refuses from a remote are refused here too.
        if let Some(problem) = super::tree_check::name_problem(name) {
            return Err(git2::Error::from_str(&format!(
                "failed to insert entry: invalid name for a tree entry - {name}: {problem}"
            ))
            .into());
        }
        entries.push(TreeEntry { mode: mode.to_vec(), name: name.as_bytes().to_vec(), id });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        (dir, repo)
    }

    fn git(dir: &std::path::Path, args: &[&str]) {
        let out = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    #[test]
    fn objects_written_here_are_the_ones_libgit2_writes_and_reads() {
        let (dir, repo) = repo();
        let odb = ObjectDir::of(&repo).unwrap();
        let blob = odb.write(ObjectType::Blob, b"hello\n").unwrap();
        assert_eq!(blob, repo.blob(b"hello\n").unwrap());
        let other = odb.write(ObjectType::Blob, b"").unwrap();
        // Names git sorts differently from a plain sort: `a` as a tree sorts
        // after `a.b` (`a/` > `a.`), as a file before it.
        let entries = vec![
            TreeEntry { mode: FILE_MODE.to_vec(), name: b"a.b".to_vec(), id: blob },
            TreeEntry { mode: b"100755".to_vec(), name: b"z".to_vec(), id: other },
            TreeEntry { mode: FILE_MODE.to_vec(), name: b"a-".to_vec(), id: other },
        ];
        let sub = odb.write(ObjectType::Tree, &tree_bytes(entries.clone())).unwrap();
        let mut with_dir = entries.clone();
        with_dir.push(TreeEntry { mode: TREE_MODE.to_vec(), name: b"a".to_vec(), id: sub });
        let tree = odb.write(ObjectType::Tree, &tree_bytes(with_dir)).unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        builder.insert("a.b", blob, 0o100_644).unwrap();
        builder.insert("z", other, 0o100_755).unwrap();
        builder.insert("a-", other, 0o100_644).unwrap();
        assert_eq!(sub, builder.write().unwrap());
        builder.insert("a", sub, 0o040_000).unwrap();
        assert_eq!(tree, builder.write().unwrap());
        let parsed = tree_entries(&odb.read(sub).unwrap().1).unwrap();
        assert_eq!(parsed.iter().map(|e| e.name.as_slice()).collect::<Vec<_>>(), [&b"a-"[..], b"a.b", b"z"]);
        assert_eq!(parsed[2].kind(), ObjectType::Blob);
        // Commits: with and without a parent, offsets east, west and "-0000".
        let east =
            Signature::new("Ada Agent", "ada@example.com", &git2::Time::new(1_790_000_000, 330)).unwrap();
        let west = Signature::new("Bo", "bo@example.com", &git2::Time::new(1_790_000_100, -480)).unwrap();
        let tree_obj = repo.find_tree(tree).unwrap();
        let first = repo.commit(None, &east, &west, "first\n\nbody\n", &tree_obj, &[]).unwrap();
        assert_eq!(
            first,
            odb.write(ObjectType::Commit, &commit_bytes(tree, &[], &east, &west, "first\n\nbody\n")).unwrap()
        );
        let parent = repo.find_commit(first).unwrap();
        let second = repo.commit(None, &west, &east, "second", &tree_obj, &[&parent]).unwrap();
        let bytes = commit_bytes(tree, &[first], &west, &east, "second");
        assert_eq!(second, Oid::hash_object(ObjectType::Commit, &bytes).unwrap());
        assert_eq!(commit_tree(&bytes), Some(tree));
        // Every object reads back as libgit2 reads it, loose and then packed.
        let ids = [blob, other, sub, tree, first, second];
        let libgit2 = repo.odb().unwrap();
        let same = |odb: &ObjectDir| {
            for id in ids {
                let (kind, data) = odb.read(id).unwrap();
                let object = libgit2.read(id).unwrap();
                assert_eq!((kind, data.as_slice()), (object.kind(), object.data()), "{id}");
            }
        };
        same(&odb);
        repo.reference("refs/heads/desk", second, true, "test").unwrap();
        git(dir.path(), &["gc", "-q", "--prune=now"]);
        let packed = ObjectDir::of(&repo).unwrap();
        assert!(!packed.path_of(blob).exists(), "packed by gc");
        same(&packed);
        // An object a pack has is not written again as a loose file; the pack
        // is freshened instead, as a loose copy would be.
        let pack = std::fs::read_dir(dir.path().join("objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "pack"))
            .unwrap();
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::open(&pack).unwrap().set_modified(long_ago).unwrap();
        assert_eq!(packed.write(ObjectType::Blob, b"hello\n").unwrap(), blob);
        assert!(!packed.path_of(blob).exists());
        assert!(std::fs::metadata(&pack).unwrap().modified().unwrap() > long_ago);
        assert!(packed.read(Oid::hash_object(ObjectType::Blob, b"nowhere").unwrap()).is_none());
    }

    #[test]
    fn damaged_loose_objects_are_left_to_libgit2() {
        let (_dir, repo) = repo();
        let odb = ObjectDir::of(&repo).unwrap();
        let id = odb.write(ObjectType::Blob, b"some text\n").unwrap();
        let path = odb.path_of(id);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
        // Written again: not rewritten, but freshened.
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::open(&path).unwrap().set_modified(long_ago).unwrap();
        assert_eq!(odb.write(ObjectType::Blob, b"some text\n").unwrap(), id);
        assert!(std::fs::metadata(&path).unwrap().modified().unwrap() > long_ago);
        let good = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        // Cut short, a size that is not the data's, an unknown type.
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(b"blob 99\0some text\n").unwrap();
        let wrong_size = zlib.finish().unwrap();
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(b"note 10\0some text\n").unwrap();
        let wrong_type = zlib.finish().unwrap();
        for bad in [&good[..good.len() / 2], &wrong_size[..], &wrong_type[..], b"not zlib"] {
            std::fs::write(&path, bad).unwrap();
            assert!(odb.read(id).is_none());
        }
    }

    #[test]
    fn past_its_first_objects_a_store_leaves_them_to_libgit2() {
        let (dir, _repo) = repo();
        let store = Store::open(dir.path()).unwrap();
        let n = SHORT_USES as usize + 20;
        let ids: Vec<Oid> = (0..n)
            .map(|i| store.write_object(ObjectType::Blob, format!("{i}\n").as_bytes()).unwrap())
            .collect();
        // Loose files either way, and each reads back.
        let own = ObjectDir::of(&store.repo).unwrap();
        assert!(ids.iter().all(|id| own.path_of(*id).exists()));
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(store.blob(*id).unwrap(), format!("{i}\n").into_bytes());
        }
        assert!(store.odb.get().unwrap().as_ref().unwrap().uses.get() > SHORT_USES);
        assert!(store.own().is_none());
    }

    #[test]
    fn alternates_leave_every_object_to_libgit2() {
        let (dir, repo) = repo();
        assert!(ObjectDir::of(&repo).is_some());
        std::fs::create_dir_all(dir.path().join("objects/info")).unwrap();
        std::fs::write(dir.path().join("objects/info/alternates"), "/elsewhere/objects\n").unwrap();
        assert!(ObjectDir::of(&repo).is_none());
    }

    #[test]
    fn entry_names_git_refuses() {
        let id = Oid::hash_object(ObjectType::Blob, b"").unwrap();
        let set = |name: &str| set_entry(&mut Vec::new(), name, Some((FILE_MODE, id)));
        for bad in ["", ".", "..", ".git", ".GIT", "a/b", "nul\0"] {
            assert!(set(bad).is_err(), "{bad:?}");
        }
        for good in ["desk.yaml", "ab12cd.md", ".gitignore", "..."] {
            assert!(set(good).is_ok(), "{good:?}");
        }
    }
}
