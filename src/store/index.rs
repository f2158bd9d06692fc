//! Derived indexes of the `tickets/` tree, so `list` neither parses thousands
//! of files nor reads them to search their text. One file per shard directory
//! (`tickets/<ab>/`) and index, keyed by that shard's tree id:
//!
//! - `.git/desk/list/<ab>`: every ticket file's front matter (its [`Summary`]);
//! - `.git/desk/text/<ab>`: every ticket's searched texts, lowercased (see `search`).
//!
//! A write changes one shard's tree, so only that shard's files are made again,
//! keeping the entries whose blob did not change: the cost of an update follows
//! what changed, not the number of tickets. A file that is missing, of another
//! version, for another tree or fails its checksum is rebuilt from the tree,
//! never trusted. Both are caches: deleting them changes no output, only speed.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, TICKETS_DIR, Tip};
use crate::model::{self, FIELD_COUNT, FIELDS, Field, FieldSource, Ticket, Val};

const LIST_DIR: &str = "list";
/// The single-file index of earlier versions, removed when it is replaced.
const OLD_FILE_NAME: &str = "list-index";
const VERSION: u32 = 9;
const LIST_MAGIC: [u8; 8] = *b"desklist";

/// One field's value in the index. Text borrows the index file's bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Indexed<'a> {
    None,
    Str(#[serde(borrow)] Cow<'a, str>),
    List(Vec<String>),
    /// Unix seconds.
    Time(i64),
    /// Score, comment, date (Unix seconds).
    Rating(u8, Option<String>, i64),
}

impl Indexed<'_> {
    fn of(v: Val<'_>) -> Indexed<'static> {
        match v {
            Val::None => Indexed::None,
            Val::Str(s) => Indexed::Str(Cow::Owned(s.to_owned())),
            Val::List(l) => Indexed::List(l.to_vec()),
            Val::Time(t) => Indexed::Time(t),
            Val::Rating(score, comment, date) => Indexed::Rating(score, comment.map(str::to_owned), date),
        }
    }
}

/// The front matter of a ticket, as lists and queries need it: every field of
/// [`FIELDS`], in table order, kept as its encoding (each value as postcard
/// encodes an [`Indexed`], one after the other) and decoded only when asked
/// for. A listing of a large helpdesk reads a few fields of every ticket:
/// decoding all of them cost more than the rest of the listing.
#[derive(Clone, Debug)]
pub struct Summary<'a> {
    raw: Cow<'a, [u8]>,
    /// Where each field's value starts in `raw`, and where the last ends.
    starts: [u32; FIELD_COUNT + 1],
    /// The set-valued fields (labels, cc), by field index, decoded when one is
    /// first asked for.
    lists: OnceCell<Box<[Vec<String>]>>,
}

impl PartialEq for Summary<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Summary<'static> {
    fn of(t: &Ticket) -> Self {
        let mut raw = Vec::new();
        for def in FIELDS {
            raw = postcard::to_extend(&Indexed::of(def.get(t)), raw).expect("field values serialise");
        }
        Summary::from_raw(Cow::Owned(raw)).expect("a summary just encoded decodes")
    }
}

impl<'a> Summary<'a> {
    /// The summary encoded in `raw`, if it holds one value per field and nothing more.
    fn from_raw(raw: Cow<'a, [u8]>) -> Option<Summary<'a>> {
        let mut starts = [0; FIELD_COUNT + 1];
        let mut reader = Reader(&raw);
        for start in &mut starts[1..] {
            reader.skip_value()?;
            *start = u32::try_from(raw.len() - reader.0.len()).ok()?;
        }
        reader.0.is_empty().then_some(Summary { raw, starts, lists: OnceCell::new() })
    }

    fn encoded(&self, field: Field) -> Reader<'_> {
        let i = field.index();
        Reader(self.raw.get(self.starts[i] as usize..self.starts[i + 1] as usize).unwrap_or_default())
    }
}

impl Summary<'_> {
    /// The ticket's id.
    pub fn id(&self) -> &str {
        self.str(Field::Id).unwrap_or_default()
    }

    /// A time field, in Unix seconds (0 if missing).
    pub fn time(&self, field: Field) -> i64 {
        self.val(field).as_time().unwrap_or_default()
    }

    fn list(&self, field: Field) -> &[String] {
        let lists = self.lists.get_or_init(|| {
            FIELDS
                .iter()
                .map(|def| match postcard::from_bytes::<Indexed<'_>>(self.encoded(def.field).0) {
                    Ok(Indexed::List(items)) => items,
                    _ => Vec::new(),
                })
                .collect()
        });
        lists.get(field.index()).map_or(&[], Vec::as_slice)
    }
}

impl FieldSource for Summary<'_> {
    fn val(&self, field: Field) -> Val<'_> {
        self.decode(field).unwrap_or(Val::None)
    }
}

impl Summary<'_> {
    /// One field's value; `from_raw` checked the encoding's shape, text is checked here.
    fn decode(&self, field: Field) -> Option<Val<'_>> {
        let mut r = self.encoded(field);
        Some(match r.varint()? {
            INDEXED_STR => Val::Str(r.str()?),
            INDEXED_LIST => Val::List(self.list(field)),
            INDEXED_TIME => Val::Time(r.signed()?),
            INDEXED_RATING => {
                let score = r.byte()?;
                let comment = match r.byte()? {
                    0 => None,
                    _ => Some(r.str()?),
                };
                Val::Rating(score, comment, r.signed()?)
            }
            _ => Val::None,
        })
    }
}

impl Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.raw)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Summary<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Summary<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an encoded ticket summary")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Summary<'a>, E> {
                Summary::from_raw(Cow::Borrowed(v)).ok_or_else(|| E::custom("a malformed ticket summary"))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Summary<'a>, E> {
                Summary::from_raw(Cow::Owned(v.to_vec()))
                    .ok_or_else(|| E::custom("a malformed ticket summary"))
            }
        }
        d.deserialize_bytes(Visit(std::marker::PhantomData))
    }
}

/// The variant numbers postcard gives [`Indexed`]'s variants, in declaration order.
const INDEXED_NONE: u64 = 0;
const INDEXED_STR: u64 = 1;
const INDEXED_LIST: u64 = 2;
const INDEXED_TIME: u64 = 3;
const INDEXED_RATING: u64 = 4;

/// Reads postcard's encoding of [`Indexed`] values without allocating:
/// variable-length integers (zigzag for signed ones), length-prefixed text.
struct Reader<'b>(&'b [u8]);

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn signed(&mut self) -> Option<i64> {
        let z = self.varint()?;
        let half = i64::try_from(z >> 1).ok()?;
        Some(if z & 1 == 0 { half } else { -half - 1 })
    }

    fn bytes(&mut self) -> Option<&'b [u8]> {
        let n = usize::try_from(self.varint()?).ok()?;
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn str(&mut self) -> Option<&'b str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// Skips one encoded [`Indexed`].
    fn skip_value(&mut self) -> Option<()> {
        match self.varint()? {
            INDEXED_NONE => {}
            INDEXED_STR => {
                self.bytes()?;
            }
            INDEXED_LIST => {
                for _ in 0..self.varint()? {
                    self.bytes()?;
                }
            }
            INDEXED_TIME => {
                self.signed()?;
            }
            INDEXED_RATING => {
                self.byte()?;
                match self.byte()? {
                    0 => {}
                    1 => {
                        self.bytes()?;
                    }
                    _ => return None,
                }
                self.signed()?;
            }
            _ => return None,
        }
        Some(())
    }
}

/// One ticket file: its blob and either its summary or why it cannot be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry<'a> {
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    pub blob: [u8; 20],
    #[serde(borrow)]
    pub summary: Result<Summary<'a>, (usize, Cow<'a, str>)>,
}

impl IndexEntry<'_> {
    pub fn blob_id(&self) -> Oid {
        Oid::from_bytes(&self.blob).expect("20 bytes make an object id")
    }
}

pub(super) fn oid_bytes(oid: Oid) -> [u8; 20] {
    oid.as_bytes().try_into().expect("sha1 object ids are 20 bytes")
}

fn summarise(repo: &Repository, path: String, blob: Oid) -> Result<IndexEntry<'static>, StoreError> {
    let content = repo.find_blob(blob)?;
    let summary = match std::str::from_utf8(content.content()) {
        Err(_) => Err((1, Cow::Borrowed("the file is not valid UTF-8"))),
        // The whole file: a ticket is listed only if desk can read all of it.
        Ok(text) => match model::parse_ticket(text) {
            Err(e) => Err((e.line, Cow::Owned(e.message))),
            Ok(t) => match super::check_path(&t, text, &path) {
                Ok(()) => Ok(Summary::of(&t)),
                Err(StoreError::Malformed { error, .. }) => Err((error.line, Cow::Owned(error.message))),
                Err(e) => return Err(e),
            },
        },
    };
    Ok(IndexEntry { path: Cow::Owned(path), blob: oid_bytes(blob), summary })
}

/// One directory of `tickets/` (normally `tickets/<ab>/`) and its tree.
#[derive(Clone, Debug)]
pub struct Shard {
    name: String,
    tree: Oid,
}

impl Shard {
    pub(super) fn tree(&self) -> Oid {
        self.tree
    }

    /// The cache file's name for this shard: the directory's name when it is
    /// plain lowercase letters and digits (safe on any file system, also a
    /// case-insensitive one), else `_` and its bytes in hex.
    fn file_name(&self) -> String {
        let plain = !self.name.is_empty()
            && self.name.len() <= 32
            && self.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if plain {
            self.name.clone()
        } else {
            let mut name = String::from("_");
            for b in self.name.bytes() {
                let _ = write!(name, "{b:02x}");
            }
            name
        }
    }

    /// Its ticket files, as (path, blob), sorted by path. A ticket file is a
    /// direct child of the shard directory (see [`model::TicketId::from_path`]).
    fn files(&self, repo: &Repository) -> Result<Vec<(String, Oid)>, StoreError> {
        let tree = repo.find_tree(self.tree)?;
        let mut files: Vec<(String, Oid)> = tree
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .filter_map(|e| {
                let path = format!("{TICKETS_DIR}/{}/{}", self.name, e.name().ok()?);
                model::TicketId::from_path(&path).is_some().then_some((path, e.id()))
            })
            .collect();
        files.sort();
        Ok(files)
    }
}

/// The shards of the `tickets/` tree of `tip`, in path order; none when it has
/// no `tickets/` tree.
pub(super) fn shards(store: &Store, tip: &Tip) -> Result<Vec<Shard>, StoreError> {
    let repo = store.repo();
    let root = repo.find_tree(tip.tree)?;
    let Some(tickets) = root.get_name(TICKETS_DIR).filter(|e| e.kind() == Some(ObjectType::Tree)) else {
        return Ok(Vec::new());
    };
    let tickets = repo.find_tree(tickets.id())?;
    let mut shards: Vec<Shard> = tickets
        .iter()
        .filter(|e| e.kind() == Some(ObjectType::Tree))
        .filter_map(|e| Some(Shard { name: e.name().ok()?.to_owned(), tree: e.id() }))
        .collect();
    // Git orders a directory as its name with a `/`: so do paths.
    shards.sort_by(|a, b| format!("{}/", a.name).cmp(&format!("{}/", b.name)));
    Ok(shards)
}

/// The start of every encoded shard file: which version and which tree it is for.
#[derive(Deserialize)]
struct Header {
    version: u32,
    tree: [u8; 20],
}

/// An encoded shard file: its header, then its entries.
#[derive(Deserialize)]
struct ShardFile<E> {
    #[allow(dead_code)] // checked by `check`
    version: u32,
    #[allow(dead_code)]
    tree: [u8; 20],
    entries: Vec<E>,
}

/// The magic and [`checksum`] in front of a cache file's encoded contents.
const SEAL_LEN: usize = 16;

/// A fast 64-bit checksum (FNV-style, eight bytes at a time) of a cache file's
/// contents: catches a truncated or damaged file, which could otherwise decode
/// into wrong answers. Shared by desk's caches.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8 bytes"));
        h = (h ^ word).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    h ^ bytes.len() as u64
}

/// The checksum of shard files and other large caches: [`checksum`]'s mixing
/// in four independent lanes of eight bytes, so a processor computes them side
/// by side — a search checks tens of megabytes of texts.
pub fn shard_checksum(bytes: &[u8]) -> u64 {
    let mix = |h: u64, word: u64| (h ^ word).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    let mut lanes: [u64; 4] =
        [0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4, 0x9ce4_cbf2_2325_8422, 0x2325_8422_9ce4_cbf2];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            *lane = mix(*lane, u64::from_le_bytes(word.try_into().expect("chunks of 8 bytes")));
        }
    }
    let tail = checksum(blocks.remainder());
    lanes.iter().fold(tail, |h, &lane| mix(h, lane))
}

/// The encoded contents with `magic` and their checksum in front: a file's bytes.
pub(super) fn seal(magic: [u8; 8], body: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(SEAL_LEN + body.len());
    file.extend_from_slice(&magic);
    file.extend_from_slice(&shard_checksum(body).to_le_bytes());
    file.extend_from_slice(body);
    file
}

/// The encoded contents of a file's bytes, if the magic and checksum hold.
fn unseal(magic: [u8; 8], file: &[u8]) -> Option<&[u8]> {
    let (head, body) = (file.get(..SEAL_LEN)?, &file[SEAL_LEN..]);
    let sum = u64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
    (head[..8] == magic && sum == shard_checksum(body)).then_some(body)
}

/// The sealed bytes of a shard file and the tree it is for, if it is intact
/// and of `version`.
pub(super) fn check(magic: [u8; 8], version: u32, file: &[u8]) -> Option<Oid> {
    let (header, _) = postcard::take_from_bytes::<Header>(unseal(magic, file)?).ok()?;
    (header.version == version).then(|| Oid::from_bytes(&header.tree).expect("20 bytes make an object id"))
}

/// The entries of a sealed shard file (already [`check`]ed).
pub(super) fn decode<'a, E: Deserialize<'a>>(file: &'a [u8]) -> Option<Vec<E>> {
    postcard::from_bytes::<ShardFile<E>>(file.get(SEAL_LEN..)?).ok().map(|f| f.entries)
}

/// The start of a shard file's encoded contents, before its `count` entries.
pub(super) fn begin(version: u32, tree: Oid, count: usize) -> Vec<u8> {
    postcard::to_stdvec(&(version, oid_bytes(tree), count)).expect("integers serialise")
}

/// The path of `shard`'s file in cache directory `dir` of `store`.
pub(super) fn shard_path(store: &Store, dir: &str, shard: &Shard) -> PathBuf {
    store.cache_dir().join(dir).join(shard.file_name())
}

/// Writes a cache file through a temporary file, so a reader never sees half
/// of it. A cache only: failing to write it (a read-only repository) costs
/// speed, never correctness.
pub(super) fn write_cache(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return };
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Builds the list file of `shard`, keeping the entries of `old` (an earlier
/// version of it, sorted by path) whose blob is unchanged and summarising
/// only the other files.
fn build_list(repo: &Repository, shard: &Shard, old: &[IndexEntry<'_>]) -> Result<Vec<u8>, StoreError> {
    let files = shard.files(repo)?;
    let mut bytes = begin(VERSION, shard.tree, files.len());
    for (path, blob) in files {
        let kept = old
            .binary_search_by(|e| e.path.as_ref().cmp(path.as_str()))
            .ok()
            .map(|i| &old[i])
            .filter(|e| e.blob == oid_bytes(blob));
        bytes = match kept {
            Some(entry) => postcard::to_extend(entry, bytes),
            None => postcard::to_extend(&summarise(repo, path, blob)?, bytes),
        }
        .expect("index entries serialise");
    }
    Ok(seal(LIST_MAGIC, &bytes))
}

/// The sealed list file of `shard`: the cached one if it is for this tree,
/// else one made again (from the cached one's entries, when it has any) and
/// written to the cache.
fn list_bytes(store: &Store, shard: &Shard) -> Result<Vec<u8>, StoreError> {
    let path = shard_path(store, LIST_DIR, shard);
    let cached = std::fs::read(&path).ok();
    let old = cached.as_deref().and_then(|bytes| Some((check(LIST_MAGIC, VERSION, bytes)?, bytes)));
    let bytes = match old {
        Some((tree, _)) if tree == shard.tree => return Ok(cached.expect("checked above")),
        Some((_, bytes)) => {
            let entries: Vec<IndexEntry<'_>> = decode(bytes).unwrap_or_default();
            build_list(store.repo(), shard, &entries)?
        }
        None => {
            // The index of older versions was one file: it is replaced.
            let _ = std::fs::remove_file(store.cache_dir().join(OLD_FILE_NAME));
            build_list(store.repo(), shard, &[])?
        }
    };
    write_cache(&path, &bytes);
    Ok(bytes)
}

/// Calls `f` with the entries of `shard`'s list file, sorted by path.
pub(super) fn with_shard<R>(
    store: &Store,
    shard: &Shard,
    f: impl FnOnce(&[IndexEntry<'_>]) -> R,
) -> Result<R, StoreError> {
    let bytes = list_bytes(store, shard)?;
    if let Some(entries) = decode::<IndexEntry<'_>>(&bytes) {
        return Ok(f(&entries));
    }
    // Intact but undecodable: made by another build of the same version.
    let rebuilt = build_list(store.repo(), shard, &[])?;
    write_cache(&shard_path(store, LIST_DIR, shard), &rebuilt);
    Ok(f(&decode(&rebuilt).expect("a freshly encoded index decodes")))
}

/// Calls `f` with every ticket file's entry for the tree of `tip`, sorted by
/// path. The entries borrow the shard files' bytes, read once.
pub fn with_entries<R>(
    store: &Store,
    tip: &Tip,
    f: impl FnOnce(&[IndexEntry<'_>]) -> R,
) -> Result<R, StoreError> {
    let shards = shards(store, tip)?;
    let mut files = shards.iter().map(|s| list_bytes(store, s)).collect::<Result<Vec<_>, _>>()?;
    let mut f = Some(f);
    loop {
        let mut undecodable = Vec::new();
        let mut entries = Vec::new();
        for (i, bytes) in files.iter().enumerate() {
            match decode::<IndexEntry<'_>>(bytes) {
                Some(e) if undecodable.is_empty() => entries.extend(e),
                Some(_) => {}
                None => undecodable.push(i),
            }
        }
        if undecodable.is_empty() {
            return Ok(f.take().expect("called once")(&entries));
        }
        drop(entries);
        for i in undecodable {
            let rebuilt = build_list(store.repo(), &shards[i], &[])?;
            decode::<IndexEntry<'_>>(&rebuilt).expect("a freshly encoded index decodes");
            write_cache(&shard_path(store, LIST_DIR, &shards[i]), &rebuilt);
            files[i] = rebuilt;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_s_file_name_is_safe_whatever_the_directory_is_called() {
        let name = |n: &str| Shard { name: n.into(), tree: Oid::ZERO_SHA1 }.file_name();
        assert_eq!(name("ab"), "ab");
        assert_eq!(name("k3"), "k3");
        assert_eq!(name(".."), "_2e2e");
        assert_eq!(name("AB"), "_4142", "apart from `ab` on a case-insensitive file system");
        assert_eq!(name("_61"), "_5f3631", "never the name of another directory's file");
        assert_eq!(name(""), "_");
    }

    fn rated_ticket() -> Ticket {
        use chrono::TimeZone as _;
        let at = |h| chrono::Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
        let mut t = Ticket::new(
            model::TicketId::parse("k3x9q2hm7d").unwrap(),
            "Printer: \"ünïcode\" title".into(),
            "open".into(),
            "high".into(),
            at(9),
        );
        t.labels = vec!["hardware".into(), "printer".into()];
        t.cc = vec!["Ann <ann@example.com>".into()];
        t.requester = Some("Jane Doe <jane@example.com>".into());
        t.rating = Some(model::Rating { score: 4, comment: Some("quick".into()), date: at(16) });
        t
    }

    #[test]
    fn a_summary_decodes_each_field_as_the_ticket_has_it() {
        let t = rated_ticket();
        let entry = IndexEntry {
            path: Cow::Borrowed("tickets/k3/k3x9q2hm7d.md"),
            blob: [7; 20],
            summary: Ok(Summary::of(&t)),
        };
        let bytes = postcard::to_allocvec(&entry).unwrap();
        let back: IndexEntry<'_> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, entry);
        let summary = back.summary.as_ref().unwrap();
        assert!(matches!(summary.raw, Cow::Borrowed(_)), "decoded in place");
        for def in FIELDS {
            assert_eq!(summary.val(def.field), def.get(&t), "{}", def.name);
        }
        assert_eq!(summary.id(), "k3x9q2hm7d");
        assert_eq!(summary.val(Field::Labels).as_list(), ["hardware", "printer"]);
    }

    #[test]
    fn a_summary_with_a_value_too_many_or_too_few_does_not_decode() {
        let raw = Summary::of(&rated_ticket()).raw.into_owned();
        let mut longer = raw.clone();
        longer.push(0);
        assert!(Summary::from_raw(Cow::Owned(longer)).is_none());
        assert!(Summary::from_raw(Cow::Borrowed(&raw[..raw.len() - 1])).is_none());
        // A variant postcard never wrote for `Indexed`.
        assert!(Summary::from_raw(Cow::Borrowed(&[9])).is_none());
    }

    #[test]
    fn the_reader_reads_what_postcard_writes() {
        for v in [0i64, 1, -1, 63, -64, 64, i64::MAX, i64::MIN, 1_764_320_400] {
            let bytes = postcard::to_allocvec(&Indexed::Time(v)).unwrap();
            let mut r = Reader(&bytes);
            assert_eq!((r.varint(), r.signed(), r.0.len()), (Some(INDEXED_TIME), Some(v), 0), "{v}");
        }
        let bytes = postcard::to_allocvec(&Indexed::Rating(5, Some("ok".into()), -3)).unwrap();
        let mut r = Reader(&bytes);
        assert_eq!(r.skip_value(), Some(()));
        assert!(r.0.is_empty());
    }

    #[test]
    fn the_shard_checksum_notices_any_flipped_bit() {
        let body: Vec<u8> = (0..100u8).collect();
        let sum = shard_checksum(&body);
        for bit in 0..body.len() * 8 {
            let mut flipped = body.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert_ne!(shard_checksum(&flipped), sum, "bit {bit}");
        }
        assert_ne!(shard_checksum(&body[..99]), sum);
    }
}
