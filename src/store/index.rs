//! A derived index of every ticket's front matter, so `list` does not parse
//! thousands of files. Kept in `.git/desk/list-index`, keyed by the id of the
//! `tickets/` tree, updated by diffing the old tree against the new one, and
//! rebuilt from scratch whenever it is missing, stale beyond repair or unreadable.

use std::collections::BTreeMap;
use std::io::Write as _;

use git2::{ObjectType, Oid, Repository};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, TICKETS_DIR, Tip};
use crate::model::{self, Ticket};

const FILE_NAME: &str = "list-index";
const VERSION: u32 = 1;

/// The front matter of a ticket, as lists and queries need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub status: String,
    pub priority: String,
    pub queue: Option<String>,
    pub requester: Option<String>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub updated: i64,
}

impl Summary {
    fn of(t: &Ticket) -> Summary {
        Summary {
            id: t.id.to_string(),
            title: t.title.clone(),
            status: t.status.clone(),
            priority: t.priority.clone(),
            queue: t.queue.clone(),
            requester: t.requester.clone(),
            assignee: t.assignee.clone(),
            labels: t.labels.clone(),
            created: t.created.timestamp(),
            updated: t.updated.timestamp(),
        }
    }
}

/// One ticket file: its blob and either its summary or why it cannot be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub path: String,
    pub blob: [u8; 20],
    pub summary: Result<Summary, (usize, String)>,
}

impl IndexEntry {
    pub fn blob_id(&self) -> Oid {
        Oid::from_bytes(&self.blob).expect("20 bytes make an object id")
    }
}

#[derive(Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    tree: [u8; 20],
    entries: Vec<IndexEntry>,
}

fn oid_bytes(oid: Oid) -> [u8; 20] {
    oid.as_bytes().try_into().expect("sha1 object ids are 20 bytes")
}

fn summarise(repo: &Repository, path: String, blob: Oid) -> Result<IndexEntry, StoreError> {
    let content = repo.find_blob(blob)?;
    let summary = match std::str::from_utf8(content.content()) {
        Err(_) => Err((1, "the file is not valid UTF-8".to_owned())),
        Ok(text) => match model::parse_front_matter_only(text) {
            Err(e) => Err((e.line, e.message)),
            Ok(t) => match super::check_path(&t, text, &path) {
                Ok(()) => Ok(Summary::of(&t)),
                Err(StoreError::Malformed { error, .. }) => Err((error.line, error.message)),
                Err(e) => return Err(e),
            },
        },
    };
    Ok(IndexEntry { path, blob: oid_bytes(blob), summary })
}

fn is_ticket_path(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .and_then(|name| name.strip_suffix(".md"))
        .and_then(crate::model::TicketId::parse)
        .is_some()
        && path.matches('/').count() == 2
}

fn build(store: &Store, root: Oid) -> Result<BTreeMap<String, IndexEntry>, StoreError> {
    let mut map = BTreeMap::new();
    for (path, blob) in store.files_under(root, TICKETS_DIR)? {
        if is_ticket_path(&path) {
            map.insert(path.clone(), summarise(store.repo(), path, blob)?);
        }
    }
    Ok(map)
}

fn update(
    repo: &Repository,
    old_tree: Oid,
    new_tree: Oid,
    entries: Vec<IndexEntry>,
) -> Result<BTreeMap<String, IndexEntry>, StoreError> {
    let old = repo.find_tree(old_tree)?;
    let new = repo.find_tree(new_tree)?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    let mut map: BTreeMap<String, IndexEntry> = entries.into_iter().map(|e| (e.path.clone(), e)).collect();
    for delta in diff.deltas() {
        if let Some(path) = delta.old_file().path().and_then(|p| p.to_str()) {
            map.remove(&format!("{TICKETS_DIR}/{path}"));
        }
        let new_file = delta.new_file();
        if new_file.exists()
            && let Some(path) = new_file.path().and_then(|p| p.to_str())
        {
            let path = format!("{TICKETS_DIR}/{path}");
            if is_ticket_path(&path) {
                map.insert(path.clone(), summarise(repo, path, new_file.id())?);
            }
        }
    }
    Ok(map)
}

fn read_cache(store: &Store) -> Option<IndexFile> {
    let bytes = std::fs::read(store.cache_dir().join(FILE_NAME)).ok()?;
    let file: IndexFile = postcard::from_bytes(&bytes).ok()?;
    (file.version == VERSION).then_some(file)
}

fn write_cache(store: &Store, file: &IndexFile) {
    // The index is only a cache: failing to write it (a read-only repository)
    // costs speed, never correctness.
    let dir = store.cache_dir();
    let Ok(bytes) = postcard::to_stdvec(file) else { return };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes));
    if written.is_err() || std::fs::rename(&tmp, dir.join(FILE_NAME)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Every ticket file's entry for the tree of `tip`, sorted by path.
pub fn load(store: &Store, tip: &Tip) -> Result<Vec<IndexEntry>, StoreError> {
    let repo = store.repo();
    let root = repo.find_tree(tip.tree)?;
    let Some(tickets) =
        root.get_name(TICKETS_DIR).filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id())
    else {
        return Ok(Vec::new());
    };
    let cached = read_cache(store);
    if let Some(file) = &cached
        && file.tree == oid_bytes(tickets)
    {
        return Ok(cached.expect("checked above").entries);
    }
    let map = match cached {
        Some(file) => {
            let old = Oid::from_bytes(&file.tree).expect("20 bytes make an object id");
            // The old tree may be gone (history rewritten and pruned): then rebuild.
            update(repo, old, tickets, file.entries).or_else(|_| build(store, tip.tree))?
        }
        None => build(store, tip.tree)?,
    };
    let file = IndexFile { version: VERSION, tree: oid_bytes(tickets), entries: map.into_values().collect() };
    write_cache(store, &file);
    Ok(file.entries)
}
