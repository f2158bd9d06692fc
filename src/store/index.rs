//! A derived index of every ticket's front matter, so `list` does not parse
//! thousands of files. Kept in `.git/desk/list-index`, keyed by the id of the
//! `tickets/` tree, updated by diffing the old tree against the new one, and
//! rebuilt from scratch whenever it is missing, stale beyond repair or unreadable.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;

use git2::{ObjectType, Oid, Repository};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, TICKETS_DIR, Tip};
use crate::model::{self, FIELDS, Field, FieldSource, Ticket, Val};

const FILE_NAME: &str = "list-index";
const VERSION: u32 = 5;

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

    fn val(&self) -> Val<'_> {
        match self {
            Indexed::None => Val::None,
            Indexed::Str(s) => Val::Str(s),
            Indexed::List(l) => Val::List(l),
            Indexed::Time(t) => Val::Time(*t),
            Indexed::Rating(score, comment, date) => Val::Rating(*score, comment.as_deref(), *date),
        }
    }
}

/// The front matter of a ticket, as lists and queries need it: every field of
/// [`FIELDS`], in table order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary<'a> {
    #[serde(borrow)]
    pub values: Vec<Indexed<'a>>,
}

impl Summary<'static> {
    fn of(t: &Ticket) -> Self {
        Summary { values: FIELDS.iter().map(|def| Indexed::of(def.get(t))).collect() }
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
}

impl FieldSource for Summary<'_> {
    fn val(&self, field: Field) -> Val<'_> {
        self.values.get(field.index()).map_or(Val::None, Indexed::val)
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

#[derive(Serialize, Deserialize)]
struct IndexFile<'a> {
    version: u32,
    tree: [u8; 20],
    #[serde(borrow)]
    entries: Vec<IndexEntry<'a>>,
}

fn oid_bytes(oid: Oid) -> [u8; 20] {
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

fn is_ticket_path(path: &str) -> bool {
    model::TicketId::from_path(path).is_some()
}

/// Builds the index of `tickets` (the `tickets/` tree of `root`) from scratch,
/// encoding each entry as soon as it is read: memory holds the encoded index,
/// not every ticket's summary as well.
fn build(store: &Store, root: Oid, tickets: Oid) -> Result<Vec<u8>, StoreError> {
    let mut files = store.files_under(root, TICKETS_DIR)?;
    files.retain(|(path, _)| is_ticket_path(path));
    files.sort();
    // The layout of an `IndexFile`: its fields, then the entries as a sequence.
    let mut bytes =
        postcard::to_stdvec(&(VERSION, oid_bytes(tickets), files.len())).expect("integers serialise");
    for (path, blob) in files {
        let entry = summarise(store.repo(), path, blob)?;
        bytes = postcard::to_extend(&entry, bytes).expect("index entries serialise");
    }
    Ok(seal(&bytes))
}

/// The index of `new_tree`, from `entries` (the index of `old_tree`) and the
/// difference between the two trees.
fn update(
    repo: &Repository,
    old_tree: Oid,
    new_tree: Oid,
    entries: Vec<IndexEntry<'_>>,
) -> Result<Vec<u8>, StoreError> {
    let old = repo.find_tree(old_tree)?;
    let new = repo.find_tree(new_tree)?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    let mut map: BTreeMap<Cow<'_, str>, IndexEntry<'_>> =
        entries.into_iter().map(|e| (e.path.clone(), e)).collect();
    for delta in diff.deltas() {
        if let Some(path) = delta.old_file().path().and_then(|p| p.to_str()) {
            map.remove(format!("{TICKETS_DIR}/{path}").as_str());
        }
        let new_file = delta.new_file();
        if new_file.exists()
            && let Some(path) = new_file.path().and_then(|p| p.to_str())
        {
            let path = format!("{TICKETS_DIR}/{path}");
            if is_ticket_path(&path) {
                map.insert(Cow::Owned(path.clone()), summarise(repo, path, new_file.id())?);
            }
        }
    }
    Ok(encode(new_tree, map.into_values().collect()))
}

/// The start of the encoded index: which version and which tree it is for.
#[derive(Deserialize)]
struct Header {
    version: u32,
    tree: [u8; 20],
}

/// The index file starts with this and the [`checksum`] of the encoded index.
const MAGIC: [u8; 8] = *b"desklist";
const SEAL_LEN: usize = 16;

/// A fast 64-bit checksum (FNV-style, eight bytes at a time) of a cache file's
/// contents: catches a truncated or damaged file, which could otherwise decode
/// into wrong answers. Shared by desk's caches.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    h ^ bytes.len() as u64
}

/// The encoded index with the magic and its checksum in front: the file's bytes.
fn seal(body: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(SEAL_LEN + body.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&checksum(body).to_le_bytes());
    file.extend_from_slice(body);
    file
}

/// The encoded index in a file's bytes, if the magic and checksum hold.
fn unseal(file: &[u8]) -> Option<&[u8]> {
    let (head, body) = (file.get(..SEAL_LEN)?, &file[SEAL_LEN..]);
    let sum = u64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
    (head[..8] == MAGIC && sum == checksum(body)).then_some(body)
}

/// The bytes of the cached index file and the `tickets/` tree it is for, if
/// the file is there, intact and of this version.
fn read_cache(store: &Store) -> Option<(Vec<u8>, Oid)> {
    let bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let (header, _) = postcard::take_from_bytes::<Header>(unseal(&bytes)?).ok()?;
    (header.version == VERSION)
        .then(|| (bytes, Oid::from_bytes(&header.tree).expect("20 bytes make an object id")))
}

fn write_cache(store: &Store, bytes: &[u8]) {
    // The index is only a cache: failing to write it (a read-only repository)
    // costs speed, never correctness.
    let dir = store.cache_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
    if written.is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn encode(tree: Oid, entries: Vec<IndexEntry<'_>>) -> Vec<u8> {
    let file = IndexFile { version: VERSION, tree: oid_bytes(tree), entries };
    seal(&postcard::to_stdvec(&file).expect("index entries serialise"))
}

/// The entries of an index file's bytes (see [`seal`]).
fn decode(file: &[u8]) -> Option<Vec<IndexEntry<'_>>> {
    postcard::from_bytes::<IndexFile<'_>>(file.get(SEAL_LEN..)?).ok().map(|file| file.entries)
}

/// The `tickets/` tree of `tip`, if it has one.
fn tickets_tree(store: &Store, tip: &Tip) -> Result<Option<Oid>, StoreError> {
    let root = store.repo().find_tree(tip.tree)?;
    Ok(root.get_name(TICKETS_DIR).filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id()))
}

/// The encoded index of `tickets`: the cached one if it is for this tree, else
/// the cached one brought up to date by a diff, else one built from scratch.
fn index_bytes(store: &Store, tip: &Tip, tickets: Oid) -> Result<Vec<u8>, StoreError> {
    let bytes = match read_cache(store) {
        Some((bytes, tree)) if tree == tickets => return Ok(bytes),
        // The old tree may be gone (history rewritten and pruned): then rebuild.
        Some((bytes, old)) => match decode(&bytes).map(|entries| update(store.repo(), old, tickets, entries))
        {
            Some(Ok(updated)) => updated,
            _ => build(store, tip.tree, tickets)?,
        },
        None => build(store, tip.tree, tickets)?,
    };
    write_cache(store, &bytes);
    Ok(bytes)
}

/// Calls `f` with every ticket file's entry for the tree of `tip`, sorted by
/// path. The entries borrow the index's bytes, read once.
pub fn with_entries<R>(
    store: &Store,
    tip: &Tip,
    f: impl FnOnce(&[IndexEntry<'_>]) -> R,
) -> Result<R, StoreError> {
    let Some(tickets) = tickets_tree(store, tip)? else { return Ok(f(&[])) };
    let bytes = index_bytes(store, tip, tickets)?;
    let rebuilt;
    let entries = if let Some(entries) = decode(&bytes) {
        entries
    } else {
        // An unreadable cache file: build the index again.
        rebuilt = build(store, tip.tree, tickets)?;
        write_cache(store, &rebuilt);
        decode(&rebuilt).expect("a freshly encoded index decodes")
    };
    Ok(f(&entries))
}
