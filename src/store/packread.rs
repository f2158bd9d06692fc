//! Reading objects straight from pack files, for walks of a whole history.
//!
//! libgit2 reads a packed object through memory-mapped windows of the pack and
//! caches only the last base of each delta chain it resolves (16 MiB in all).
//! A walk of every commit of a large helpdesk reads each version of every
//! shard tree, and each one is the end of a delta chain that runs through
//! other versions spread over the pack: every read resolves the chain again
//! and touches a page of the pack per link. With libgit2's default windows the
//! whole pack ends up resident (3 GB at a million tickets); with bounded
//! windows the walk re-maps them hundreds of times a second.
//!
//! This reader does what git's own object reader does instead: it reads with
//! `pread` (the pages stay in the page cache, not in the process) and keeps
//! every object a chain produced on the way, up to [`CACHE_BYTES`], so the
//! next version of the same tree is usually one delta away. It only reads
//! version 2 pack indexes of SHA-1 repositories, and returns `None` for
//! anything it does not know or cannot read (a loose object, an object of a
//! pack written after it looked, a base in another pack, damaged data): the
//! caller then asks libgit2, which reads or reports it. Checking what it
//! reads is left to git, as `git log` does: objects are not re-hashed.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, Weak};

use git2::{ObjectType, Oid};

/// How many bytes of resolved objects one reader keeps (git's own
/// `core.deltaBaseCacheLimit` is 96 MiB).
pub const CACHE_BYTES: usize = 32 << 20;

/// Objects larger than this are left to libgit2: a ticket file, tree or
/// commit is far smaller, and a size read from a damaged pack cannot make
/// the reader allocate gigabytes.
const MAX_OBJECT: u64 = 256 << 20;

/// Delta chains longer than this are left to libgit2 (git writes at most 50
/// by default, 4095 at most).
const MAX_CHAIN: usize = 10_000;

/// The pack files of one object directory, with their indexes in memory.
pub struct Packs {
    packs: Vec<Pack>,
}

struct Pack {
    file: File,
    /// The index: of a large pack its ids and offsets are read as needed
    /// (from the page cache), not kept; of a small one kept whole.
    idx: Idx,
    /// Every [`SAMPLE`]-th object id of the index, to find the block of ids
    /// to read: 20 bytes per 64 objects in memory. Empty for a reader of a
    /// few objects ([`Packs::for_lookups`]), which searches the index itself.
    sample: Box<[u8]>,
    /// The index's fan-out table: how many ids start with a byte up to each value.
    fanout: Box<[u32]>,
    /// How many objects the pack has.
    count: u64,
    /// Where the index's ids, 4-byte offsets and 8-byte offsets start.
    ids_at: u64,
    offsets_at: u64,
    large_at: u64,
    /// Bytes of the pack before its trailing checksum.
    data_end: u64,
}

/// Where a pack index's tables are read from.
enum Idx {
    File(File),
    /// The bytes from the ids to the end of the 8-byte offsets.
    Whole(Box<[u8]>),
}

/// One object id in this many is kept in memory.
const SAMPLE: usize = 64;
const SAMPLE_U64: u64 = SAMPLE as u64;

/// The index of a pack of at most this many objects is kept whole: each
/// fetch writes a pack, and a lookup in the many small packs of a helpdesk
/// that has synced for months then makes no system call.
const WHOLE_MAX: u64 = 1 << 14;

/// At most this many packs (the largest) are read; libgit2 reads objects
/// of the others.
const MAX_PACKS: usize = 256;

/// The packs read for each object directory, shared by the threads of a
/// walk while any of them holds them.
static SHARED: Mutex<Vec<(PathBuf, Weak<Packs>)>> = Mutex::new(Vec::new());

impl Packs {
    /// The packs in `objects/pack` of the directory `objects`, read once for
    /// every walk that runs at the same time. `None` when none can be read.
    pub fn shared(objects: &Path) -> Option<Arc<Packs>> {
        let mut shared = SHARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        shared.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(packs) = shared.iter().find(|(dir, _)| dir == objects).and_then(|(_, w)| w.upgrade()) {
            return Some(packs);
        }
        let packs = Arc::new(Packs::open(&objects.join("pack"))?);
        shared.push((objects.to_path_buf(), Arc::downgrade(&packs)));
        Some(packs)
    }

    /// Whether a pack has object `id`.
    #[cfg(test)]
    fn contains(&self, id: Oid) -> bool {
        self.packs.iter().any(|pack| pack.offset_of(id.as_bytes()).is_some())
    }

    /// Whether a pack has object `id`; if so, that pack file is given the
    /// current time (git's freshening of an object it does not write again).
    pub fn freshen(&self, id: Oid) -> bool {
        let Some(pack) = self.packs.iter().find(|pack| pack.offset_of(id.as_bytes()).is_some()) else {
            return false;
        };
        let _ = pack.file.set_modified(std::time::SystemTime::now());
        true
    }

    /// Every pack of `dir` whose index and pack can be read, largest first.
    fn open(dir: &Path) -> Option<Packs> {
        Packs::open_with(dir, WHOLE_MAX, true)
    }

    /// The packs in `objects/pack` of the directory `objects`, for reading a
    /// few objects: nothing of their indexes is read ahead, each lookup is a
    /// binary search of the index on disk (about 20 reads of 20 bytes).
    pub fn for_lookups(objects: &Path) -> Option<Packs> {
        Packs::open_with(&objects.join("pack"), 0, false)
    }

    /// [`Packs::open`], keeping indexes of up to `whole_max` objects whole, and
    /// a sample of their ids when `sample`.
    fn open_with(dir: &Path, whole_max: u64, sample: bool) -> Option<Packs> {
        let mut idx: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "idx"))
            .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
            .collect();
        idx.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let packs: Vec<Pack> =
            idx.iter().filter_map(|(_, p)| Pack::open(p, whole_max, sample)).take(MAX_PACKS).collect();
        (!packs.is_empty()).then_some(Packs { packs })
    }
}

/// A big-endian u32 at `at` of `bytes`.
fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

impl Pack {
    /// A version 2 index and its pack, when both are whole and belong
    /// together; the index is kept whole up to `whole_max` objects, and one id
    /// in [`SAMPLE`] kept when `sample`.
    fn open(idx_path: &Path, whole_max: u64, sample_ids: bool) -> Option<Pack> {
        let idx = File::open(idx_path).ok()?;
        let idx_len = idx.metadata().ok()?.len();
        let read = |at: u64, len: u64| -> Option<Vec<u8>> {
            let mut buf = vec![0; usize::try_from(len).ok()?];
            idx.read_exact_at(&mut buf, at).ok()?;
            Some(buf)
        };
        let head = read(0, 8 + 256 * 4)?;
        if head[..8] != [0xff, b't', b'O', b'c', 0, 0, 0, 2] {
            return None;
        }
        let fanout: Vec<u32> = (0..256).map(|b| be32(&head, 8 + b * 4)).collect::<Option<_>>()?;
        if fanout.windows(2).any(|w| w[0] > w[1]) {
            return None;
        }
        let count = u64::from(fanout[255]);
        let ids_at = 8 + 256 * 4;
        let offsets_at = ids_at + count * 24;
        let large_at = offsets_at + count * 4;
        // Two checksums of 20 bytes end the index: the pack's, then its own.
        let large_len = idx_len.checked_sub(large_at + 40)?;
        if large_len % 8 != 0 {
            return None;
        }
        // A small index is read whole; of a large one the ids are read a
        // thousand blocks at a time. The first id of each block is kept.
        let whole =
            if count <= whole_max { Some(read(ids_at, large_at + large_len - ids_at)?) } else { None };
        let sampled = if sample_ids { count } else { 0 };
        let mut sample = Vec::with_capacity(usize::try_from(sampled.div_ceil(SAMPLE_U64) * 20).ok()?);
        for start in (0..sampled).step_by(1024 * SAMPLE) {
            let len = (count - start).min(1024 * SAMPLE_U64) * 20;
            let ids: Cow<'_, [u8]> = match &whole {
                Some(w) => {
                    let at = usize::try_from(start * 20).ok()?;
                    Cow::Borrowed(w.get(at..at + usize::try_from(len).ok()?)?)
                }
                None => Cow::Owned(read(ids_at + start * 20, len)?),
            };
            for id in ids.chunks(SAMPLE * 20) {
                sample.extend_from_slice(&id[..20]);
            }
        }
        let pack_sum = read(idx_len - 40, 20)?;
        let file = File::open(idx_path.with_extension("pack")).ok()?;
        let pack_len = file.metadata().ok()?.len();
        let mut header = [0; 12];
        file.read_exact_at(&mut header, 0).ok()?;
        let mut trailer = [0; 20];
        file.read_exact_at(&mut trailer, pack_len.checked_sub(20)?).ok()?;
        let version = be32(&header, 4)?;
        if &header[..4] != b"PACK" || !(version == 2 || version == 3) || trailer[..] != pack_sum[..] {
            return None;
        }
        let idx = match whole {
            Some(bytes) => Idx::Whole(bytes.into()),
            None => Idx::File(idx),
        };
        Some(Pack {
            file,
            idx,
            sample: sample.into_boxed_slice(),
            fanout: fanout.into_boxed_slice(),
            count,
            ids_at,
            offsets_at,
            large_at,
            data_end: pack_len - 20,
        })
    }

    /// Where object `id` starts in the pack, if the pack has it: the sample
    /// names the block of ids it would be in, which is read and searched;
    /// without a sample, the index is searched on disk.
    fn offset_of(&self, id: &[u8]) -> Option<u64> {
        let i = if self.sample.is_empty() { self.search(id)? } else { self.search_block(id)? };
        let mut small = [0u8; 4];
        self.read_idx(&mut small, self.offsets_at + i * 4)?;
        let small = u32::from_be_bytes(small);
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let mut large = [0u8; 8];
        self.read_idx(&mut large, self.large_at + u64::from(small & 0x7fff_ffff) * 8)?;
        Some(u64::from_be_bytes(large))
    }

    /// The position of `id` in the index, from the block of ids the sample names.
    fn search_block(&self, id: &[u8]) -> Option<u64> {
        let (sample, _) = self.sample.as_chunks::<20>();
        let block = sample.partition_point(|s| s.as_slice() <= id).checked_sub(1)? as u64;
        let first = block * SAMPLE_U64;
        let len = SAMPLE_U64.min(self.count - first);
        let mut ids = [0u8; SAMPLE * 20];
        let ids = &mut ids[..usize::try_from(len * 20).ok()?];
        self.read_idx(ids, self.ids_at + first * 20)?;
        Some(first + ids.chunks_exact(20).position(|other| other == id)? as u64)
    }

    /// The position of `id` in the index, by a binary search of the ids that
    /// start with its first byte (the fan-out table says where they are).
    fn search(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let mut low = if first == 0 { 0 } else { u64::from(self.fanout[first - 1]) };
        let mut high = u64::from(self.fanout[first]);
        let mut other = [0u8; 20];
        while low < high {
            let mid = low + (high - low) / 2;
            self.read_idx(&mut other, self.ids_at + mid * 20)?;
            match other.as_slice().cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The bytes of the index at `at`, into `buf`.
    fn read_idx(&self, buf: &mut [u8], at: u64) -> Option<()> {
        match &self.idx {
            Idx::File(file) => file.read_exact_at(buf, at).ok(),
            Idx::Whole(bytes) => {
                let start = usize::try_from(at.checked_sub(self.ids_at)?).ok()?;
                buf.copy_from_slice(bytes.get(start..start.checked_add(buf.len())?)?);
                Some(())
            }
        }
    }

    /// The header of the entry at `at`: its type, size, the start of its
    /// compressed data and, for a delta, where its base is.
    fn entry(&self, at: u64) -> Option<Entry> {
        let mut head = [0u8; 32];
        let len = usize::try_from(self.data_end.checked_sub(at)?.min(32)).ok()?;
        self.file.read_exact_at(&mut head[..len], at).ok()?;
        let head = &head[..len];
        let mut i = 0;
        let mut byte = *head.first()?;
        let kind = (byte >> 4) & 7;
        let mut size = u64::from(byte & 15);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            i += 1;
            byte = *head.get(i)?;
            if shift > 57 {
                return None;
            }
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        i += 1;
        let base = match kind {
            1..=4 => Base::None,
            6 => {
                // The distance back to the base, in git's offset encoding.
                let mut byte = *head.get(i)?;
                let mut back = u64::from(byte & 0x7f);
                while byte & 0x80 != 0 {
                    i += 1;
                    byte = *head.get(i)?;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(byte & 0x7f);
                }
                i += 1;
                if back == 0 {
                    return None;
                }
                Base::At(at.checked_sub(back)?)
            }
            7 => {
                let id = head.get(i..i + 20)?;
                i += 20;
                Base::At(self.offset_of(id)?)
            }
            _ => return None,
        };
        (size <= MAX_OBJECT).then_some(Entry { kind, size, data: at + i as u64, base })
    }
}

/// A pack entry's header.
struct Entry {
    /// 1 commit, 2 tree, 3 blob, 4 tag, 6 and 7 deltas.
    kind: u8,
    /// The inflated size: of the object, or of the delta.
    size: u64,
    /// Where the compressed data starts.
    data: u64,
    base: Base,
}

enum Base {
    None,
    At(u64),
}

/// An object read by a [`PackReader`]: shared with its cache.
pub type PackObject = Rc<Vec<u8>>;

/// Reads objects of [`Packs`] for one thread, with its cache of resolved objects.
pub struct PackReader {
    packs: Arc<Packs>,
    /// The pack the last object was found in, tried first.
    last: usize,
    cache: Cache,
    inflate: flate2::Decompress,
    input: Vec<u8>,
}

impl PackReader {
    /// A reader for a walk, keeping up to [`CACHE_BYTES`] of resolved objects.
    pub fn new(packs: Arc<Packs>) -> PackReader {
        PackReader::with_cache(packs, CACHE_BYTES)
    }

    /// A reader keeping up to `cache_bytes` of the objects its delta chains
    /// produce (none with 0: a reader of a few objects).
    pub fn with_cache(packs: Arc<Packs>, cache_bytes: usize) -> PackReader {
        PackReader {
            packs,
            last: 0,
            cache: Cache { limit: cache_bytes, ..Cache::default() },
            inflate: flate2::Decompress::new(true),
            input: Vec::new(),
        }
    }

    /// Object `id` and its type, when a pack has it and it reads whole.
    pub fn read(&mut self, id: Oid) -> Option<(ObjectType, PackObject)> {
        let packs = Arc::clone(&self.packs);
        let mut order = std::iter::once(self.last).chain((0..packs.packs.len()).filter(|&p| p != self.last));
        let (p, at) = order.find_map(|p| Some((p, packs.packs.get(p)?.offset_of(id.as_bytes())?)))?;
        self.last = p;
        let (kind, data) = self.resolve(&packs.packs[p], p, at)?;
        let kind = match kind {
            1 => ObjectType::Commit,
            2 => ObjectType::Tree,
            3 => ObjectType::Blob,
            4 => ObjectType::Tag,
            _ => return None,
        };
        Some((kind, data))
    }

    /// The object at `at` of `pack` (number `p`): its chain of deltas is
    /// followed back to an object in the cache or a whole one, then applied
    /// forward, keeping each result.
    fn resolve(&mut self, pack: &Pack, p: usize, at: u64) -> Option<(u8, PackObject)> {
        let mut chain: Vec<(u64, Entry)> = Vec::new();
        let mut here = at;
        let (kind, mut data) = loop {
            if let Some(hit) = self.cache.get(p, here) {
                break hit;
            }
            let entry = pack.entry(here)?;
            match entry.base {
                Base::None => {
                    let data = Rc::new(self.inflated(pack, &entry)?);
                    if !chain.is_empty() {
                        self.cache.put(p, here, entry.kind, Rc::clone(&data));
                    }
                    break (entry.kind, data);
                }
                Base::At(base) => {
                    if chain.len() >= MAX_CHAIN {
                        return None;
                    }
                    chain.push((here, entry));
                    here = base;
                }
            }
        };
        while let Some((offset, entry)) = chain.pop() {
            let delta = self.inflated(pack, &entry)?;
            data = Rc::new(apply_delta(&data, &delta)?);
            self.cache.put(p, offset, kind, Rc::clone(&data));
        }
        Some((kind, data))
    }

    /// The inflated data of `entry`, exactly its size.
    fn inflated(&mut self, pack: &Pack, entry: &Entry) -> Option<Vec<u8>> {
        let size = usize::try_from(entry.size).ok()?;
        let mut out = Vec::with_capacity(size);
        self.inflate.reset(true);
        let mut at = entry.data;
        // Most entries compress to less than their size: one read usually does.
        let mut want = size as u64 + 64;
        loop {
            let len = want.min(pack.data_end.checked_sub(at)?).min(1 << 20);
            if len == 0 {
                return None;
            }
            self.input.resize(usize::try_from(len).ok()?, 0);
            pack.file.read_exact_at(&mut self.input, at).ok()?;
            let (before, had) = (self.inflate.total_in(), out.len());
            let status =
                self.inflate.decompress_vec(&self.input, &mut out, flate2::FlushDecompress::None).ok()?;
            let used = self.inflate.total_in() - before;
            at += used;
            match status {
                flate2::Status::StreamEnd => return (out.len() == size).then_some(out),
                // No progress, or the output is full while input is left: the
                // size was wrong or the data is damaged.
                _ if (used == 0 && out.len() == had) || (out.len() == size && used < len) => return None,
                _ => want = 64 << 10,
            }
        }
    }
}

/// An unsigned number of git's delta header: 7 bits a byte, least significant first.
fn delta_size(delta: &[u8], i: &mut usize) -> Option<u64> {
    let mut size = 0u64;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*i)?;
        *i += 1;
        if shift > 57 {
            return None;
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Some(size);
        }
    }
}

/// `base` with git's binary delta `delta` applied; `None` when the delta
/// does not fit the base.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    if delta_size(delta, &mut i)? != base.len() as u64 {
        return None;
    }
    let size = delta_size(delta, &mut i)?;
    if size > MAX_OBJECT {
        return None;
    }
    let mut out = Vec::with_capacity(usize::try_from(size).ok()?);
    while i < delta.len() {
        let op = delta[i];
        i += 1;
        if op & 0x80 != 0 {
            // Copy from the base: which offset and size bytes follow is in the op's bits.
            let mut offset = 0usize;
            for b in 0..4 {
                if op & (1 << b) != 0 {
                    offset |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            let mut len = 0usize;
            for b in 0..3 {
                if op & (0x10 << b) != 0 {
                    len |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            let len = usize::from(op);
            out.extend_from_slice(delta.get(i..i + len)?);
            i += len;
        } else {
            return None;
        }
        if out.len() as u64 > size {
            return None;
        }
    }
    (out.len() as u64 == size).then_some(out)
}

/// Resolved objects by (pack, offset), the least recently used dropped first
/// past `limit` bytes.
#[derive(Default)]
struct Cache {
    limit: usize,
    objects: HashMap<(usize, u64), (u8, PackObject, u64)>,
    /// Uses in order, (key, use); a use that is not its object's last is skipped.
    uses: VecDeque<((usize, u64), u64)>,
    clock: u64,
    bytes: usize,
}

impl Cache {
    fn get(&mut self, p: usize, at: u64) -> Option<(u8, PackObject)> {
        self.clock += 1;
        let (kind, data, used) = self.objects.get_mut(&(p, at))?;
        *used = self.clock;
        let hit = (*kind, Rc::clone(data));
        self.uses.push_back(((p, at), self.clock));
        self.compact();
        Some(hit)
    }

    fn put(&mut self, p: usize, at: u64, kind: u8, data: PackObject) {
        if data.len() > self.limit / 8 {
            return;
        }
        self.clock += 1;
        self.bytes += data.len();
        if let Some((_, old, _)) = self.objects.insert((p, at), (kind, data, self.clock)) {
            self.bytes -= old.len();
        }
        self.uses.push_back(((p, at), self.clock));
        while self.bytes > self.limit {
            let Some((key, used)) = self.uses.pop_front() else { break };
            if self.objects.get(&key).is_some_and(|o| o.2 == used)
                && let Some((_, old, _)) = self.objects.remove(&key)
            {
                self.bytes -= old.len();
            }
        }
        self.compact();
    }

    /// Drops stale uses when they outnumber the objects.
    fn compact(&mut self) {
        if self.uses.len() > 4 * self.objects.len() + 1024 {
            let mut uses: Vec<((usize, u64), u64)> = self.objects.iter().map(|(k, o)| (*k, o.2)).collect();
            uses.sort_unstable_by_key(|u| u.1);
            self.uses = uses.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// A delta in git's format: sizes, then copy and insert instructions.
    fn delta(base_len: usize, out_len: usize, ops: &[u8]) -> Vec<u8> {
        let mut d = Vec::new();
        for mut n in [base_len, out_len] {
            loop {
                let byte = u8::try_from(n & 0x7f).unwrap();
                n >>= 7;
                if n == 0 {
                    d.push(byte);
                    break;
                }
                d.push(byte | 0x80);
            }
        }
        d.extend_from_slice(ops);
        d
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello, wide world";
        // Copy 5 bytes from 0, insert "!", copy 5 bytes from 12.
        let d = delta(base.len(), 11, &[0x90, 5, 1, b'!', 0x91, 12, 5]);
        assert_eq!(apply_delta(base, &d).as_deref(), Some(&b"hello!world"[..]));
        // A copy of size 0 means 65536 bytes.
        let big = vec![7u8; 0x10000];
        let d = delta(big.len(), 0x10000, &[0x80]);
        assert_eq!(apply_delta(&big, &d), Some(big.clone()));
    }

    #[test]
    fn deltas_that_do_not_fit_are_refused() {
        let base = b"abc";
        // Wrong base size, copy past the end, reserved op, short output, long output.
        assert_eq!(apply_delta(base, &delta(4, 3, &[0x90, 3])), None);
        assert_eq!(apply_delta(base, &delta(3, 4, &[0x91, 1, 3])), None);
        assert_eq!(apply_delta(base, &delta(3, 1, &[0])), None);
        assert_eq!(apply_delta(base, &delta(3, 4, &[0x90, 3])), None);
        assert_eq!(apply_delta(base, &delta(3, 2, &[0x90, 3])), None);
        // An insert that runs past the delta.
        assert_eq!(apply_delta(base, &delta(3, 5, &[5, b'x'])), None);
        // Sizes whose varint never ends.
        assert_eq!(apply_delta(base, &[0xff; 12]), None);
    }

    #[test]
    fn the_cache_drops_the_least_recently_used_first() {
        let mut cache = Cache { limit: CACHE_BYTES, ..Cache::default() };
        let obj = |n: usize| Rc::new(vec![0u8; n]);
        let eighth = CACHE_BYTES / 8;
        for at in 0..8 {
            cache.put(0, at, 2, obj(eighth));
        }
        assert_eq!(cache.bytes, 8 * eighth);
        // Using 0 makes 1 the oldest: adding one more drops 1, not 0.
        assert!(cache.get(0, 0).is_some());
        cache.put(0, 8, 2, obj(eighth));
        assert!(cache.get(0, 1).is_none());
        assert!(cache.get(0, 0).is_some());
        assert!(cache.bytes <= CACHE_BYTES);
        // Objects too large to be worth keeping are not kept.
        cache.put(1, 0, 3, obj(CACHE_BYTES));
        assert!(cache.get(1, 0).is_none());
        // Many uses of few objects stay bounded.
        for _ in 0..10_000 {
            cache.get(0, 0);
        }
        assert!(cache.uses.len() <= 4 * cache.objects.len() + 1025);
    }

    /// A repository of `n` commits, each growing a file and a tree, packed
    /// by git with `args` (deltas of deltas, chains up to 50).
    fn packed_repo(n: usize, config: &[&str]) -> (tempfile::TempDir, git2::Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_bare(dir.path()).unwrap();
        let sig = git2::Signature::new("A", "a@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let mut parent: Option<Oid> = None;
        let mut text = String::new();
        for i in 0..n {
            writeln!(text, "line {i}: {}", "x".repeat(i % 7 * 10)).unwrap();
            let mut shard = repo.treebuilder(None).unwrap();
            for j in 0..=i {
                let blob = repo.blob(format!("ticket {j}, version {}\n", i / 10).as_bytes()).unwrap();
                shard.insert(format!("{j:04}.md"), blob, 0o100_644).unwrap();
            }
            let shard = shard.write().unwrap();
            let mut root = repo.treebuilder(None).unwrap();
            root.insert("log.txt", repo.blob(text.as_bytes()).unwrap(), 0o100_644).unwrap();
            root.insert("tickets", shard, 0o040_000).unwrap();
            let tree = repo.find_tree(root.write().unwrap()).unwrap();
            let parents: Vec<git2::Commit> = parent.iter().map(|p| repo.find_commit(*p).unwrap()).collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            parent = Some(
                repo.commit(Some("refs/heads/desk"), &sig, &sig, &format!("c{i}"), &tree, &refs).unwrap(),
            );
        }
        let git = |args: &[&str]| {
            let out =
                std::process::Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        let mut args: Vec<&str> = config.to_vec();
        args.extend(["repack", "-adf", "--depth=50", "--window=50", "-q"]);
        git(&args);
        (dir, repo)
    }

    fn all_ids(odb: &git2::Odb<'_>) -> Vec<Oid> {
        let mut ids = Vec::new();
        odb.foreach(|id| {
            ids.push(*id);
            true
        })
        .unwrap();
        ids
    }

    /// The one pack file of `dir`.
    fn pack_file(dir: &Path) -> PathBuf {
        let mut packs = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path());
        packs.find(|p| p.extension().is_some_and(|e| e == "pack")).unwrap()
    }

    /// Every object of the repository, read by the pack reader and by
    /// libgit2; the number of objects and of deltas by id.
    fn same_as_libgit2(repo: &git2::Repository) -> (usize, usize) {
        let odb = repo.odb().unwrap();
        let ids = all_ids(&odb);
        let dir = repo.path().join("objects/pack");
        let packs = Packs::open(&dir).expect("the pack reads");
        let kind_of = |id: &Oid| {
            let mut found = packs.packs.iter().filter_map(|p| p.entry(p.offset_of(id.as_bytes())?));
            found.next().unwrap_or_else(|| panic!("{id} is in a pack")).kind
        };
        let deltas = ids.iter().filter(|id| kind_of(id) >= 6).count();
        assert!(deltas * 5 > ids.len(), "{deltas} deltas of {}", ids.len());
        let by_id = ids.iter().filter(|id| kind_of(id) == 7).count();
        // Indexes read as needed, kept whole, and searched on disk without a
        // sample or cache (the reader of a few objects).
        for (whole_max, sample) in [(0, true), (WHOLE_MAX, true), (0, false)] {
            let packs = Arc::new(Packs::open_with(&dir, whole_max, sample).unwrap());
            let mut reader = if sample {
                PackReader::new(Arc::clone(&packs))
            } else {
                PackReader::with_cache(Arc::clone(&packs), 0)
            };
            for id in &ids {
                assert!(packs.contains(*id), "{id}");
                let (kind, data) = reader.read(*id).unwrap_or_else(|| panic!("{id} is in the pack"));
                let object = odb.read(*id).unwrap();
                assert_eq!((kind, data.as_slice()), (object.kind(), object.data()), "{id}");
            }
            let absent = Oid::hash_object(ObjectType::Blob, b"in no pack").unwrap();
            assert!(!packs.contains(absent) && reader.read(absent).is_none());
        }
        (ids.len(), by_id)
    }

    #[test]
    fn every_object_reads_as_libgit2_reads_it() {
        // Deltas against an earlier offset (git's default), by id, and an
        // index with every offset in its 8-byte table.
        let (dir, repo) = packed_repo(60, &[]);
        let (count, by_id) = same_as_libgit2(&repo);
        assert!(count > 400 && by_id == 0, "{count} objects, {by_id} deltas by id");
        let deltas = std::process::Command::new("git")
            .args(["-C", dir.path().to_str().unwrap(), "count-objects", "-v"])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&deltas.stdout).contains("count: 0"), "all packed");
        let (_dir, repo) = packed_repo(30, &["-c", "repack.useDeltaBaseOffset=false"]);
        assert!(same_as_libgit2(&repo).1 > 20);
        let pack_dir = repo.path().join("objects/pack");
        let pack = pack_file(&pack_dir);
        let idx = pack.with_extension("idx");
        std::fs::remove_file(&idx).unwrap();
        let out = std::process::Command::new("git")
            .args(["index-pack", "--index-version=2,0", "-o"])
            .arg(&idx)
            .arg(&pack)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let packs = Packs::open(&pack_dir).unwrap();
        assert!(packs.packs[0].large_at + 40 < std::fs::metadata(&idx).unwrap().len(), "large offsets");
        same_as_libgit2(&repo);
    }

    #[test]
    fn objects_of_several_packs_are_read_from_the_pack_that_has_them() {
        let (dir, repo) = packed_repo(40, &[]);
        // Ten more commits packed on their own: a second pack, as a fetch writes one.
        let sig = git2::Signature::new("A", "a@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        for i in 0..10 {
            let parent = repo.find_commit(repo.refname_to_id("refs/heads/desk").unwrap()).unwrap();
            let mut root = repo.treebuilder(Some(&parent.tree().unwrap())).unwrap();
            root.insert("later.txt", repo.blob(format!("later {i}\n").as_bytes()).unwrap(), 0o100_644)
                .unwrap();
            let tree = repo.find_tree(root.write().unwrap()).unwrap();
            repo.commit(Some("refs/heads/desk"), &sig, &sig, "later", &tree, &[&parent]).unwrap();
        }
        let out =
            std::process::Command::new("git").arg("-C").arg(dir.path()).args(["repack", "-d", "-q"]).output();
        assert!(out.unwrap().status.success());
        let dir = repo.path().join("objects/pack");
        let packs = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|e| e == "pack"));
        assert_eq!(packs.count(), 2);
        same_as_libgit2(&repo);
    }

    #[test]
    fn a_damaged_pack_reads_as_none_or_right_never_wrong() {
        let (_dir, repo) = packed_repo(40, &[]);
        let pack_dir = repo.path().join("objects/pack");
        let pack = pack_file(&pack_dir);
        let odb = repo.odb().unwrap();
        let ids = all_ids(&odb);
        let good: Vec<(ObjectType, Vec<u8>)> =
            ids.iter().map(|id| odb.read(*id).map(|o| (o.kind(), o.data().to_vec())).unwrap()).collect();
        let bytes = std::fs::read(&pack).unwrap();
        let mut perms = std::fs::metadata(&pack).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&pack, perms).unwrap();
        // Each round flips bytes at other places of the pack's data.
        for round in 0..20usize {
            let mut damaged = bytes.clone();
            for k in 0..8 {
                let at = 12 + (round * 7919 + k * 104_729) % (bytes.len() - 32);
                damaged[at] ^= 0x5a;
            }
            std::fs::write(&pack, &damaged).unwrap();
            let packs = Packs::open_with(&pack_dir, round as u64 % 3 * WHOLE_MAX, round % 3 < 2).unwrap();
            let mut reader = PackReader::new(Arc::new(packs));
            let mut wrong = 0;
            for (id, (kind, data)) in ids.iter().zip(&good) {
                if let Some((k, d)) = reader.read(*id)
                    && (k != *kind || d.as_slice() != data.as_slice())
                {
                    wrong += 1;
                }
            }
            // A flipped bit inside a literal of a stored object passes zlib's
            // checksum only by chance; anything else reads as None.
            assert!(wrong <= 1, "round {round}: {wrong} objects read wrong");
        }
    }
}
