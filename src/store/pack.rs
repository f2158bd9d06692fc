//! Many commits written straight into one pack file: `desk import` turns years
//! of another tracker's history into hundreds of thousands of commits, each of
//! which changes one ticket file and so three trees (its shard, `tickets/`, the
//! root). Made one by one, or through `git fast-import`, each commit hashes and
//! deltifies the whole `tickets/` tree (about 30 KB at 100 000 tickets): minutes
//! for an import that should take seconds. Here the trees are kept in memory as
//! sorted entries, each new version is stored as a delta of the previous one
//! made from their common start and end (a changed entry is one small middle),
//! blobs are stored whole, and the pack's index is written from what was
//! written — no object is read back.
//!
//! The pack and its index are written under temporary names in
//! `objects/pack/` and renamed when complete; the desk branch then moves once,
//! only from the tip the import started on (compare-and-swap). An import that
//! fails, is interrupted or killed leaves the branch as it was (a killed one
//! may leave a `tmp_desk_import_*` file, which git's garbage collection
//! removes).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::PathBuf;

use git2::{ObjectType, Oid};
use sha1::{Digest as _, Sha1};

use super::{Change, Identity, Store, StoreError, TICKETS_DIR, Tip, reflock};

/// A blob written earlier, to be named by a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark(u32);

impl Mark {
    /// No blob (a dry run writes none).
    pub const NONE: Mark = Mark(u32::MAX);
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
    fn line(&self) -> String {
        let clean = |s: &str| super::ident::clean(&s.chars().filter(|c| !c.is_control()).collect::<String>());
        let name = clean(self.name);
        let name = if name.is_empty() { "unknown".to_owned() } else { name };
        format!("{name} <{}> {} +0000", clean(self.email), self.time)
    }
}

impl<'a> From<&'a Identity> for Who<'a> {
    fn from(i: &'a Identity) -> Who<'a> {
        Who { name: i.name(), email: i.email(), time: i.time().timestamp() }
    }
}

type Raw = [u8; 20];

const MODE_FILE: &[u8] = b"100644";
const MODE_DIR: &[u8] = b"40000";
/// Longest chain of deltas before a tree is stored whole again (git's default).
const MAX_DEPTH: u32 = 50;
const OBJ_COMMIT: u8 = 1;
const OBJ_TREE: u8 = 2;
const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;

/// A tree as sorted entries, its content as git stores it, and the version
/// of it last stored in the pack.
#[derive(Default)]
struct TreeState {
    /// (name, is a directory, object id), in git's tree order.
    entries: Vec<(Vec<u8>, bool, Raw)>,
    /// The tree object's content, kept in step with `entries`.
    content: Vec<u8>,
    /// Where each entry's object id is in `content`.
    id_at: Vec<usize>,
    /// Offset, content and delta depth of the version last written.
    last: Option<(u64, Vec<u8>, u32)>,
}

/// git's tree order: names compared as bytes, a directory as if followed by `/`.
fn tree_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> std::cmp::Ordering {
    let key = |n: &[u8], dir: bool| n.iter().copied().chain(dir.then_some(b'/')).collect::<Vec<u8>>();
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        std::cmp::Ordering::Equal => key(&a[n..], a_dir).cmp(&key(&b[n..], b_dir)),
        other => other,
    }
}

impl TreeState {
    fn read(repo: &git2::Repository, id: Option<Oid>) -> Result<TreeState, StoreError> {
        let mut state = TreeState::default();
        if let Some(id) = id {
            for e in &repo.find_tree(id)? {
                let dir = e.kind() == Some(ObjectType::Tree);
                state.entries.push((e.name_bytes().to_vec(), dir, raw(e.id())));
            }
        }
        state.serialise();
        Ok(state)
    }

    /// Sets the entry `name` (a file or a directory) to `id`.
    /// Sets the entry `name` (a file or a directory) to `id`: a changed id is
    /// written over the old one in `content`, a new entry makes it again.
    fn set(&mut self, name: &[u8], dir: bool, id: Raw) {
        match self.entries.binary_search_by(|(n, d, _)| tree_order(n, *d, name, dir)) {
            Ok(i) => {
                self.entries[i].2 = id;
                let at = self.id_at[i];
                self.content[at..at + 20].copy_from_slice(&id);
            }
            Err(i) => {
                self.entries.insert(i, (name.to_vec(), dir, id));
                self.serialise();
            }
        }
    }

    fn serialise(&mut self) {
        self.content.clear();
        self.id_at.clear();
        for (name, dir, id) in &self.entries {
            self.content.extend_from_slice(if *dir { MODE_DIR } else { MODE_FILE });
            self.content.push(b' ');
            self.content.extend_from_slice(name);
            self.content.push(0);
            self.id_at.push(self.content.len());
            self.content.extend_from_slice(id);
        }
    }
}

fn raw(id: Oid) -> Raw {
    id.as_bytes().try_into().expect("sha1 object ids are 20 bytes")
}

/// The object id of `content` as an object of `kind`.
fn object_id(kind: &str, content: &[u8]) -> Raw {
    let mut h = Sha1::new();
    h.update(format!("{kind} {}\0", content.len()).as_bytes());
    h.update(content);
    h.finalize().into()
}

/// git's variable-length size of a delta header.
fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = u8::try_from(n & 0x7f).expect("seven bits");
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A copy instruction of a delta: `len` bytes of the base from `offset`.
fn push_copy(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
    while len > 0 {
        let n = len.min(0xff_ffff);
        let mut op = 0x80u8;
        let mut args = Vec::with_capacity(7);
        for i in 0..4 {
            let b = u8::try_from((offset >> (8 * i)) & 0xff).expect("eight bits");
            if b != 0 {
                op |= 1 << i;
                args.push(b);
            }
        }
        for i in 0..3 {
            let b = u8::try_from((n >> (8 * i)) & 0xff).expect("eight bits");
            if b != 0 {
                op |= 1 << (4 + i);
                args.push(b);
            }
        }
        out.push(op);
        out.extend_from_slice(&args);
        offset += n;
        len -= n;
    }
}

/// A delta from `base` to `new`: their common start, the bytes between, their common end.
fn delta(base: &[u8], new: &[u8]) -> Vec<u8> {
    let start = common_start(base, new);
    let mut out = Vec::with_capacity(64);
    push_varint(&mut out, base.len());
    push_varint(&mut out, new.len());
    push_copy(&mut out, 0, start);
    push_rest(&mut out, base, new, start, start);
    out
}

/// Insert instructions for `bytes`, at most 127 bytes each.
fn push_insert(out: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.chunks(0x7f) {
        out.push(u8::try_from(chunk.len()).expect("chunks of at most 127 bytes"));
        out.extend_from_slice(chunk);
    }
}

/// The end of a delta once `base[..at_base]` made `new[..at_new]`: the bytes
/// before the rest's common end inserted, the common end copied.
fn push_rest(out: &mut Vec<u8>, base: &[u8], new: &[u8], at_base: usize, at_new: usize) {
    let room = (base.len() - at_base).min(new.len() - at_new);
    let end = common_end(base, new, room);
    push_insert(out, &new[at_new..new.len() - end]);
    push_copy(out, base.len() - end, end);
}

/// Length of the common start of `a` and `b` (compared 64 bytes at a time,
/// then byte by byte).
fn common_start(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + STEP <= n && a[i..i + STEP] == b[i..i + STEP] {
        i += STEP;
    }
    i + a[i..n].iter().zip(&b[i..n]).take_while(|(x, y)| x == y).count()
}

/// Length of the common end of `a` and `b`, at most `room`.
fn common_end(a: &[u8], b: &[u8], room: usize) -> usize {
    const STEP: usize = 64;
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + STEP <= room && a[la - i - STEP..la - i] == b[lb - i - STEP..lb - i] {
        i += STEP;
    }
    i + a[..la - i]
        .iter()
        .rev()
        .zip(b[..lb - i].iter().rev())
        .take(room - i)
        .take_while(|(x, y)| x == y)
        .count()
}

/// A delta from `base` to `new`, two versions of a text file that differ in a
/// few lines changed in place (a ticket's `updated:`, `status:`) and text added
/// or removed in one place (a new comment): runs of common bytes are copied,
/// a line that differs is skipped in both when the lines after it agree again,
/// and what is left is the bytes between the rest's common start and end.
fn text_delta(base: &[u8], new: &[u8]) -> Vec<u8> {
    const AGREE: usize = 16;
    let mut out = Vec::with_capacity(256);
    push_varint(&mut out, base.len());
    push_varint(&mut out, new.len());
    let (mut at_base, mut at_new) = (0, 0);
    loop {
        let n = common_start(&base[at_base..], &new[at_new..]);
        push_copy(&mut out, at_base, n);
        at_base += n;
        at_new += n;
        if at_base == base.len() || at_new == new.len() {
            break;
        }
        let (Some(line_base), Some(line_new)) = (
            base[at_base..].iter().position(|&c| c == b'\n'),
            new[at_new..].iter().position(|&c| c == b'\n'),
        ) else {
            break;
        };
        let (next_base, next_new) = (at_base + line_base + 1, at_new + line_new + 1);
        let agree = common_start(&base[next_base..], &new[next_new..]);
        if agree < AGREE && !(next_base + agree == base.len() && next_new + agree == new.len()) {
            break;
        }
        push_insert(&mut out, &new[at_new..next_new]);
        at_base = next_base;
        at_new = next_new;
    }
    push_rest(&mut out, base, new, at_base, at_new);
    out
}

/// Commits for the desk branch, written into a new pack.
pub struct PackWriter {
    out: Option<BufWriter<File>>,
    temp: PathBuf,
    pack_dir: PathBuf,
    offset: u64,
    /// Object id, CRC-32 of its packed bytes, offset — of each object written.
    index: Vec<(Raw, u32, u64)>,
    written: HashSet<Raw>,
    blobs: Vec<Raw>,
    deflate: flate2::Compress,
    buffer: Vec<u8>,
    start: Option<Tip>,
    parent: Option<Raw>,
    root: TreeState,
    tickets: TreeState,
    shards: HashMap<Vec<u8>, TreeState>,
    /// Offset, content and delta depth of the blob last written.
    last_blob: Option<(u64, Vec<u8>, u32)>,
    commits: u64,
}

impl Store {
    /// Starts a pack of commits on top of the branch's tip.
    pub fn pack_writer(&self) -> Result<PackWriter, StoreError> {
        self.check_not_checked_out()?;
        reflock::RefLock::new(self, &self.refname()).check()?;
        let start = self.tip()?;
        let pack_dir = self.repo.path().join("objects").join("pack");
        std::fs::create_dir_all(&pack_dir).map_err(|e| io_error(&e))?;
        let temp = pack_dir.join(format!("tmp_desk_import_{}.pack", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| io_error(&e))?;
        let root = TreeState::read(&self.repo, start.map(|t| t.tree))?;
        let tickets_id = root
            .entries
            .iter()
            .find(|(n, d, _)| *d && n == TICKETS_DIR.as_bytes())
            .map(|e| Oid::from_bytes(&e.2));
        let tickets = TreeState::read(&self.repo, tickets_id.transpose()?)?;
        let mut w = PackWriter {
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            temp,
            pack_dir,
            offset: 0,
            index: Vec::new(),
            written: HashSet::new(),
            blobs: Vec::new(),
            deflate: flate2::Compress::new(flate2::Compression::fast(), true),
            buffer: Vec::new(),
            start,
            parent: start.map(|t| raw(t.commit)),
            root,
            tickets,
            shards: HashMap::new(),
            last_blob: None,
            commits: 0,
        };
        // The object count is written at the end.
        w.put(b"PACK\0\0\0\x02\0\0\0\0")?;
        Ok(w)
    }
}

fn io_error(e: &std::io::Error) -> StoreError {
    StoreError::Git(git2::Error::from_str(&format!("writing the import's pack: {e}")))
}

impl PackWriter {
    fn put(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        let out =
            self.out.as_mut().ok_or_else(|| io_error(&std::io::Error::other("the pack is complete")))?;
        out.write_all(bytes).map_err(|e| io_error(&e))?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes one packed object: its header (`kind`, the size of `data` as
    /// inflated), `prefix` (a delta's base offset), then `data` deflated.
    fn put_object(&mut self, id: Raw, kind: u8, prefix: &[u8], data: &[u8]) -> Result<u64, StoreError> {
        let at = self.offset;
        let mut head = Vec::with_capacity(16);
        let mut size = data.len();
        let mut byte = (kind << 4) | u8::try_from(size & 0x0f).expect("four bits");
        size >>= 4;
        while size > 0 {
            head.push(byte | 0x80);
            byte = u8::try_from(size & 0x7f).expect("seven bits");
            size >>= 7;
        }
        head.push(byte);
        head.extend_from_slice(prefix);
        self.buffer.clear();
        if kind == OBJ_BLOB || (kind == OBJ_OFS_DELTA && data.len() >= DEFLATE_FROM) {
            self.deflate_into(data)?;
        } else {
            stored_zlib(data, &mut self.buffer);
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head);
        crc.update(&self.buffer);
        let crc = crc.finalize();
        self.put(&head)?;
        let body = std::mem::take(&mut self.buffer);
        self.put(&body)?;
        self.buffer = body;
        self.index.push((id, crc, at));
        if kind != OBJ_COMMIT {
            self.written.insert(id);
        }
        Ok(at)
    }

    /// `data` as a zlib stream deflated at the fastest level, in `buffer`.
    fn deflate_into(&mut self, data: &[u8]) -> Result<(), StoreError> {
        self.deflate.reset();
        self.buffer.reserve(data.len() / 2 + 64);
        loop {
            let before = usize::try_from(self.deflate.total_in()).unwrap_or(usize::MAX).min(data.len());
            let status = self
                .deflate
                .compress_vec(&data[before..], &mut self.buffer, flate2::FlushCompress::Finish)
                .map_err(|e| io_error(&std::io::Error::other(e)))?;
            if status == flate2::Status::StreamEnd {
                return Ok(());
            }
            self.buffer.reserve(self.buffer.capacity().max(64));
        }
    }

    /// Writes a blob; commits name it by the mark returned. `follows`: it is
    /// a new version of the blob written just before (the next version of the
    /// same ticket file), stored as a delta of it.
    pub fn blob(&mut self, bytes: &[u8], follows: bool) -> Result<Mark, StoreError> {
        let id = object_id("blob", bytes);
        if !self.written.contains(&id) {
            let last = self.last_blob.take().filter(|_| follows);
            let stored = match last {
                Some((base_at, base, depth)) if depth < MAX_DEPTH => {
                    let d = text_delta(&base, bytes);
                    let at = self.put_object(id, OBJ_OFS_DELTA, &ofs_prefix(self.offset - base_at), &d)?;
                    (at, depth + 1)
                }
                _ => (self.put_object(id, OBJ_BLOB, &[], bytes)?, 0),
            };
            self.last_blob = Some((stored.0, bytes.to_vec(), stored.1));
        }
        let mark = Mark(u32::try_from(self.blobs.len()).unwrap_or(u32::MAX - 1));
        self.blobs.push(id);
        Ok(mark)
    }

    /// Writes the current version of `tree` (as a delta of the last one when
    /// the chain is short enough) and returns its id.
    fn put_tree(&mut self, which: TreeRef<'_>) -> Result<Raw, StoreError> {
        let bytes = self.tree(which).content.clone();
        let id = object_id("tree", &bytes);
        if self.written.contains(&id) {
            return Ok(id);
        }
        let last = self.tree(which).last.take();
        let (at, depth) = match last {
            Some((base_at, base, depth)) if depth < MAX_DEPTH => {
                let d = delta(&base, &bytes);
                let at = self.put_object(id, OBJ_OFS_DELTA, &ofs_prefix(self.offset - base_at), &d)?;
                (at, depth + 1)
            }
            _ => (self.put_object(id, OBJ_TREE, &[], &bytes)?, 0),
        };
        self.tree(which).last = Some((at, bytes, depth));
        Ok(id)
    }

    fn tree(&mut self, which: TreeRef<'_>) -> &mut TreeState {
        match which {
            TreeRef::Root => &mut self.root,
            TreeRef::Tickets => &mut self.tickets,
            TreeRef::Shard(name) => self.shards.get_mut(name).expect("a shard is read before it is written"),
        }
    }

    /// Writes a commit on top of the previous one (the first on the tip the
    /// import started on): `change`'s message, and each ticket file of
    /// `files` (`tickets/SHARD/ID.md`) set to the blob given. `change.files`
    /// is not read.
    pub fn commit(
        &mut self,
        store: &Store,
        author: Who<'_>,
        committer: Who<'_>,
        change: &Change,
        files: &[(String, Mark)],
    ) -> Result<(), StoreError> {
        for (path, mark) in files {
            let (shard, file) =
                path.strip_prefix("tickets/").and_then(|p| p.split_once('/')).ok_or_else(|| {
                    StoreError::Git(git2::Error::from_str(&format!("not a ticket path: {path}")))
                })?;
            let shard = shard.as_bytes().to_vec();
            if !self.shards.contains_key(&shard) {
                let id = self
                    .tickets
                    .entries
                    .iter()
                    .find(|(n, d, _)| *d && *n == shard)
                    .map(|e| Oid::from_bytes(&e.2));
                let state = TreeState::read(&store.repo, id.transpose()?)?;
                self.shards.insert(shard.clone(), state);
            }
            let blob = self.blobs[mark.0 as usize];
            self.shards.get_mut(&shard).expect("read above").set(file.as_bytes(), false, blob);
            let shard_id = self.put_tree(TreeRef::Shard(&shard))?;
            self.tickets.set(&shard, true, shard_id);
        }
        let tickets_id = self.put_tree(TreeRef::Tickets)?;
        self.root.set(TICKETS_DIR.as_bytes(), true, tickets_id);
        let root_id = self.put_tree(TreeRef::Root)?;
        let mut text = format!("tree {}\n", hex(&root_id));
        if let Some(p) = self.parent {
            let _ = writeln!(text, "parent {}", hex(&p));
        }
        let _ =
            write!(text, "author {}\ncommitter {}\n\n{}", author.line(), committer.line(), change.message());
        let id = object_id("commit", text.as_bytes());
        self.put_object(id, OBJ_COMMIT, &[], text.as_bytes())?;
        self.parent = Some(id);
        self.commits += 1;
        Ok(())
    }

    /// How many commits were written so far.
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// Completes the pack and its index, then moves the branch to the last
    /// commit when it is still where the import started.
    pub fn finish(mut self, store: &Store) -> Result<Landed, StoreError> {
        if self.commits == 0 {
            return Ok(Landed::Nothing);
        }
        let tip = self.parent.expect("a commit was written");
        let out = self.out.take().ok_or_else(|| io_error(&std::io::Error::other("the pack is complete")))?;
        let mut file = out.into_inner().map_err(|e| io_error(e.error()))?;
        let count = u32::try_from(self.index.len())
            .map_err(|_| StoreError::Git(git2::Error::from_str("too many objects for one pack")))?;
        file.seek(SeekFrom::Start(8)).map_err(|e| io_error(&e))?;
        file.write_all(&count.to_be_bytes()).map_err(|e| io_error(&e))?;
        // The pack's checksum covers every byte, the count included.
        file.seek(SeekFrom::Start(0)).map_err(|e| io_error(&e))?;
        let mut h = Sha1::new();
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut chunk).map_err(|e| io_error(&e))?;
            if n == 0 {
                break;
            }
            h.update(&chunk[..n]);
        }
        let sum: Raw = h.finalize().into();
        file.seek(SeekFrom::End(0)).map_err(|e| io_error(&e))?;
        file.write_all(&sum).map_err(|e| io_error(&e))?;
        file.sync_all().map_err(|e| io_error(&e))?;
        drop(file);
        let name = format!("pack-{}", hex(&sum));
        let idx_temp = self.pack_dir.join(format!("tmp_desk_import_{}.idx", std::process::id()));
        write_index(&idx_temp, &mut self.index, &sum)?;
        std::fs::rename(&self.temp, self.pack_dir.join(format!("{name}.pack"))).map_err(|e| io_error(&e))?;
        std::fs::rename(&idx_temp, self.pack_dir.join(format!("{name}.idx"))).map_err(|e| io_error(&e))?;
        store.repo.odb()?.refresh()?;
        let new = Oid::from_bytes(&tip)?;
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
}

impl Drop for PackWriter {
    /// A pack given up before it is complete is removed (a complete one has
    /// been renamed).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

#[derive(Clone, Copy)]
enum TreeRef<'a> {
    Root,
    Tickets,
    Shard(&'a [u8]),
}

/// Objects smaller than this, and trees, commits and small deltas, are
/// stored in zlib's stored (uncompressed) blocks: for them zlib's set-up costs
/// more than deflating saves (trees are mostly object ids, which do not
/// compress).
const DEFLATE_FROM: usize = 512;

/// `data` as a zlib stream of stored blocks, appended to `out`.
fn stored_zlib(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len() + 16 + data.len() / 0xffff * 5);
    // Deflate, 32K window, no dictionary, "fastest" (a multiple of 31).
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = u16::try_from(chunk.len()).expect("chunks of at most 0xffff bytes");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
}

/// The base of an `OFS_DELTA`: how far back it starts, as git encodes it.
fn ofs_prefix(mut back: u64) -> Vec<u8> {
    let mut bytes = vec![(back & 0x7f) as u8];
    back >>= 7;
    while back > 0 {
        back -= 1;
        bytes.push(0x80 | (back & 0x7f) as u8);
        back >>= 7;
    }
    bytes.reverse();
    bytes
}

/// Bytes as lowercase hexadecimal.
pub(crate) fn hex(id: &[u8]) -> String {
    id.iter().fold(String::with_capacity(40), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Writes a version 2 pack index of `objects` (id, CRC-32, offset) for the pack
/// whose checksum is `pack_sum`.
fn write_index(
    path: &std::path::Path,
    objects: &mut [(Raw, u32, u64)],
    pack_sum: &Raw,
) -> Result<(), StoreError> {
    objects.sort_unstable_by_key(|o| o.0);
    let mut out = Vec::with_capacity(8 + 1024 + objects.len() * 28 + 40);
    out.extend_from_slice(b"\xfftOc\0\0\0\x02");
    let mut fanout = [0u32; 256];
    for (id, _, _) in objects.iter() {
        fanout[id[0] as usize] += 1;
    }
    let mut total = 0u32;
    for n in fanout {
        total += n;
        out.extend_from_slice(&total.to_be_bytes());
    }
    for (id, _, _) in objects.iter() {
        out.extend_from_slice(id);
    }
    for (_, crc, _) in objects.iter() {
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for (_, _, at) in objects.iter() {
        match u32::try_from(*at) {
            Ok(small) if small < 0x8000_0000 => out.extend_from_slice(&small.to_be_bytes()),
            _ => {
                let i = u32::try_from(large.len()).unwrap_or(u32::MAX) | 0x8000_0000;
                out.extend_from_slice(&i.to_be_bytes());
                large.push(*at);
            }
        }
    }
    for at in large {
        out.extend_from_slice(&at.to_be_bytes());
    }
    out.extend_from_slice(pack_sum);
    let sum: Raw = Sha1::digest(&out).into();
    out.extend_from_slice(&sum);
    let mut f = File::create(path).map_err(|e| io_error(&e))?;
    f.write_all(&out).and_then(|()| f.sync_all()).map_err(|e| io_error(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a delta as git does.
    fn apply(base: &[u8], d: &[u8]) -> Vec<u8> {
        let mut i = 0;
        let mut varint = || {
            let (mut n, mut shift) = (0usize, 0);
            loop {
                let b = d[i];
                i += 1;
                n |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return n;
                }
            }
        };
        assert_eq!(varint(), base.len());
        let size = varint();
        let mut out = Vec::new();
        while i < d.len() {
            let op = d[i];
            i += 1;
            if op & 0x80 != 0 {
                let (mut off, mut len) = (0usize, 0usize);
                for k in 0..4 {
                    if op & (1 << k) != 0 {
                        off |= usize::from(d[i]) << (8 * k);
                        i += 1;
                    }
                }
                for k in 0..3 {
                    if op & (1 << (4 + k)) != 0 {
                        len |= usize::from(d[i]) << (8 * k);
                        i += 1;
                    }
                }
                if len == 0 {
                    len = 0x10000;
                }
                out.extend_from_slice(&base[off..off + len]);
            } else {
                out.extend_from_slice(&d[i..i + usize::from(op)]);
                i += usize::from(op);
            }
        }
        assert_eq!(out.len(), size);
        out
    }

    #[test]
    fn a_delta_applied_to_its_base_gives_the_new_version() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"abcdef", b"abcXef"),
            (b"", b"new"),
            (b"old", b""),
            (b"same", b"same"),
            (b"aaaa", b"aaaaaa"),
            (b"prefix-middle-suffix", b"prefix-suffix"),
        ];
        for (base, new) in cases {
            assert_eq!(apply(base, &delta(base, new)), *new, "{base:?} -> {new:?}");
        }
        let ticket = b"---\nid: k3\nstatus: new\nupdated: 2024-01-01\n---\n> text\n".to_vec();
        let mut next = ticket.clone();
        next.splice(11..22, b"status: resolved".iter().copied());
        next.extend_from_slice(b"\n<!-- desk:reply -->\n> thanks\n");
        for (base, new) in cases.iter().copied().chain([(&ticket[..], &next[..]), (&next[..], &ticket[..])]) {
            assert_eq!(apply(base, &text_delta(base, new)), new, "{base:?} -> {new:?}");
        }
        assert!(text_delta(&ticket, &next).len() < 60, "{}", text_delta(&ticket, &next).len());
        let base: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut new = base.clone();
        new.splice(70_000..70_020, (0..300u32).map(|i| (i % 7) as u8));
        assert_eq!(apply(&base, &delta(&base, &new)), new);
        assert_eq!(apply(&base, &text_delta(&base, &new)), new);
    }

    #[test]
    fn stored_zlib_streams_inflate_to_their_data() {
        use std::io::Read as _;
        for len in [0usize, 1, 500, 0xffff, 0x1_0000, 200_000] {
            let data: Vec<u8> = (0..len).map(|i| u8::try_from(i * 7 % 256).unwrap()).collect();
            let mut z = Vec::new();
            stored_zlib(&data, &mut z);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&z[..]).read_to_end(&mut back).unwrap();
            assert_eq!(back, data, "{len} bytes");
        }
    }

    #[test]
    fn common_starts_and_ends_past_the_fast_steps() {
        let a: Vec<u8> = (0..1000u32).map(|i| (i % 200) as u8).collect();
        let mut b = a.clone();
        b[700] = 255;
        assert_eq!(common_start(&a, &b), 700);
        assert_eq!(common_end(&a, &b, 1000), 299);
        assert_eq!(common_end(&a, &b, 100), 100);
        assert_eq!(common_start(&a, &a[..10]), 10);
    }

    #[test]
    fn directories_sort_as_if_they_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        assert_eq!(tree_order(b"a", true, b"a.b", false), Greater);
        assert_eq!(tree_order(b"a", false, b"a.b", false), Less);
        assert_eq!(tree_order(b"tickets", true, b"templates", true), Greater);
        assert_eq!(tree_order(b"kb", true, b"kb", true), Equal);
    }

    #[test]
    fn ofs_prefixes_are_git_s_offset_encoding() {
        assert_eq!(ofs_prefix(1), [1]);
        assert_eq!(ofs_prefix(127), [127]);
        assert_eq!(ofs_prefix(128), [0x80, 0]);
        assert_eq!(ofs_prefix(16_511), [0xff, 0x7f]);
        assert_eq!(ofs_prefix(16_512), [0x80, 0x80, 0]);
    }
}
