//! Trees desk did not write — fetched from a remote, committed by hand — are
//! checked entry by entry before desk takes anything from them. An entry desk
//! cannot use (a name like `..` or `.git`, a submodule, a symbolic link, a
//! directory where desk keeps a file) is reported with its path and left out;
//! everything else still comes in.

use std::collections::BTreeMap;

use git2::{Oid, Repository, Tree};

use super::CONFIG_PATH;
use super::{StoreError, TICKETS_DIR};

const MODE_TREE: i32 = 0o040_000;
const MODE_FILE: i32 = 0o100_644;
const MODE_EXECUTABLE: i32 = 0o100_755;
/// Written by very old versions of git; read as a plain file.
const MODE_GROUP_WRITABLE: i32 = 0o100_664;
const MODE_LINK: i32 = 0o120_000;
const MODE_SUBMODULE: i32 = 0o160_000;

/// An entry of a desk tree that desk does not take in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unusable {
    /// Its path in the tree, with characters that are not printable escaped.
    pub path: String,
    /// What is wrong with it.
    pub problem: String,
}

/// What changed between two trees, as desk can use it.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Files whose content differs, with the blob in the newer tree (`None`:
    /// not there any more). Filled only when asked for.
    pub files: BTreeMap<String, Option<Oid>>,
    /// Entries of the newer tree that are new or changed and that desk cannot use;
    /// nothing below them is looked at.
    pub unusable: Vec<Unusable>,
}

/// The changes from `base` to `tip` (`None`: an empty tree), entry by entry:
/// subtrees with the same id on both sides are skipped whole.
pub(crate) fn changes(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    tip: Option<&Tree<'_>>,
    with_files: bool,
) -> Result<Changes, StoreError> {
    let mut out = Changes::default();
    walk(repo, base, tip, &mut Vec::new(), with_files, &mut out)?;
    Ok(out)
}

/// Every entry of `tree` that desk cannot use.
pub(crate) fn unusable(repo: &Repository, tree: &Tree<'_>) -> Result<Vec<Unusable>, StoreError> {
    Ok(changes(repo, None, Some(tree), false)?.unusable)
}

/// Any directory, for checking a name alone.
const MODE_TREE_ENTRY: Entry = Entry { id: Oid::ZERO_SHA1, mode: MODE_TREE };

#[derive(Clone, Copy)]
struct Entry {
    id: Oid,
    mode: i32,
}

impl Entry {
    fn is_tree(self) -> bool {
        self.mode == MODE_TREE
    }

    fn is_file(self) -> bool {
        matches!(self.mode, MODE_FILE | MODE_EXECUTABLE | MODE_GROUP_WRITABLE)
    }
}

fn entries(tree: Option<&Tree<'_>>, side: usize, into: &mut BTreeMap<Vec<u8>, [Option<Entry>; 2]>) {
    for e in tree.into_iter().flat_map(Tree::iter) {
        into.entry(e.name_bytes().to_vec()).or_default()[side] =
            Some(Entry { id: e.id(), mode: e.filemode() });
    }
}

fn walk(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    tip: Option<&Tree<'_>>,
    parents: &mut Vec<String>,
    with_files: bool,
    out: &mut Changes,
) -> Result<(), StoreError> {
    let mut names = BTreeMap::new();
    entries(base, 0, &mut names);
    entries(tip, 1, &mut names);
    for (name, [old, new]) in names {
        if let (Some(o), Some(n)) = (old, new)
            && o.id == n.id
            && (o.mode == n.mode || (o.is_file() && n.is_file()))
        {
            continue;
        }
        let text = String::from_utf8_lossy(&name);
        let path =
            if parents.is_empty() { text.to_string() } else { format!("{}/{text}", parents.join("/")) };
        if let Some(n) = new
            && let Some(problem) = problem(parents, &name, n)
        {
            // Shown on a terminal: control characters escaped.
            let path = path
                .chars()
                .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
                .collect();
            out.unusable.push(Unusable { path, problem });
            continue;
        }
        let sub = |e: Option<Entry>| -> Result<Option<Tree<'_>>, StoreError> {
            match e {
                Some(e) if e.is_tree() => Ok(Some(repo.find_tree(e.id)?)),
                _ => Ok(None),
            }
        };
        if new.is_none()
            && old.is_some_and(Entry::is_tree)
            && problem(parents, &name, MODE_TREE_ENTRY).is_some()
        {
            // A bad directory gone on this side: removed whole, never rebuilt under its name.
            if with_files {
                out.files.insert(path, None);
            }
            continue;
        }
        let (old_tree, new_tree) = (sub(old)?, sub(new)?);
        if with_files {
            let old_file = old.filter(|e| !e.is_tree());
            match new {
                Some(n) if n.is_file() => {
                    out.files.insert(path.clone(), Some(n.id));
                }
                _ if old_file.is_some() => {
                    out.files.insert(path.clone(), None);
                }
                _ => {}
            }
        }
        if old_tree.is_some() || new_tree.is_some() {
            parents.push(String::from_utf8_lossy(&name).into_owned());
            walk(repo, old_tree.as_ref(), new_tree.as_ref(), parents, with_files, out)?;
            parents.pop();
        }
    }
    Ok(())
}

/// Why desk cannot use entry `name` (below directories `parents`), if it cannot.
fn problem(parents: &[String], name: &[u8], entry: Entry) -> Option<String> {
    let Ok(name) = std::str::from_utf8(name) else {
        return Some("a name that is not valid UTF-8".into());
    };
    if let Some(p) = name_problem(name) {
        return Some(p.into());
    }
    match entry.mode {
        MODE_SUBMODULE => return Some("a submodule (a commit of another repository), not a file".into()),
        MODE_LINK => return Some("a symbolic link, not a file".into()),
        m if m != MODE_TREE && !entry.is_file() => {
            return Some(format!("an entry of unknown type (mode {m:o})"));
        }
        _ => {}
    }
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    match (parents.as_slice(), entry.is_tree()) {
        ([], true) if name == CONFIG_PATH || name == ".gitattributes" => {
            Some(format!("a directory where desk's file {name} belongs"))
        }
        ([], false) if name == TICKETS_DIR => Some("a file where the tickets directory belongs".into()),
        ([TICKETS_DIR, _], true) if std::path::Path::new(name).extension().is_some_and(|e| e == "md") => {
            Some("a directory where a ticket file belongs".into())
        }
        _ => None,
    }
}

/// Why a file name is not one a checkout could safely write, if it is not.
pub(super) fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an entry with an empty name");
    }
    if name == "." || name == ".." {
        return Some("an entry named `.` or `..`, which would lead out of its directory");
    }
    if name.contains('/') {
        return Some("a name with a `/` in it");
    }
    if name.chars().any(char::is_control) {
        return Some("a name with a control character in it");
    }
    // `.git` as file systems that ignore case, trailing dots and spaces, or some
    // invisible characters (Windows, macOS) would read it; `git~1` is its short name.
    let folded: String = name
        .chars()
        .filter(|c| !matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'))
        .collect::<String>()
        .to_lowercase();
    let trimmed = folded.trim_end_matches(['.', ' ']);
    if trimmed == ".git" || trimmed == "git~1" || folded.starts_with(".git:") {
        return Some("an entry named like `.git`, git's own directory, which a checkout must never write");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_checkout_must_not_write() {
        for bad in ["", ".", "..", ".git", ".GIT", ".git.", ".git ", "git~1", ".g\u{200c}it", "a/b", "a\nb"] {
            assert!(name_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["desk.yaml", "k3x9q2hm7d.md", ".gitattributes", ".github", "gitx", "...", "..a"] {
            assert_eq!(name_problem(good), None, "{good:?}");
        }
    }

    /// A tree written byte by byte, as a hostile clone could: names git2's tree
    /// builder would refuse go in too.
    fn raw_tree(repo: &Repository, entries: &[(i32, &str, Oid)]) -> Oid {
        let mut sorted = entries.to_vec();
        let key = |&(mode, name, _): &(i32, &str, Oid)| {
            format!("{name}{}", if mode == MODE_TREE { "/" } else { "" })
        };
        sorted.sort_by_key(key);
        let mut bytes = Vec::new();
        for (mode, name, id) in sorted {
            bytes.extend_from_slice(format!("{mode:o} {name}\0").as_bytes());
            bytes.extend_from_slice(id.as_bytes());
        }
        repo.odb().unwrap().write(git2::ObjectType::Tree, &bytes).unwrap()
    }

    #[test]
    fn bad_entries_are_reported_and_everything_else_listed() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let blob = repo.blob(b"x").unwrap();
        let ticket = repo.blob(b"ticket").unwrap();
        let inner = raw_tree(&repo, &[(MODE_FILE, "x", blob)]);
        let shard = raw_tree(
            &repo,
            &[(MODE_FILE, "abcdef1234.md", ticket), (MODE_FILE, "..", blob), (MODE_LINK, "l.md", blob)],
        );
        let tickets = raw_tree(&repo, &[(MODE_TREE, "ab", shard)]);
        let root = raw_tree(
            &repo,
            &[(MODE_FILE, "desk.yaml", blob), (MODE_TREE, "tickets", tickets), (MODE_TREE, ".git", inner)],
        );
        let root = repo.find_tree(root).unwrap();
        let all = changes(&repo, None, Some(&root), true).unwrap();
        let files: Vec<&str> = all.files.keys().map(String::as_str).collect();
        assert_eq!(files, ["desk.yaml", "tickets/ab/abcdef1234.md"]);
        let bad: Vec<&str> = all.unusable.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(bad, [".git", "tickets/ab/..", "tickets/ab/l.md"]);
        assert_eq!(unusable(&repo, &root).unwrap(), all.unusable);

        // A side that removed the bad directory removes it whole; the tree builds.
        let clean = raw_tree(&repo, &[(MODE_FILE, "desk.yaml", blob), (MODE_TREE, "tickets", tickets)]);
        let clean = repo.find_tree(clean).unwrap();
        let gone = changes(&repo, Some(&root), Some(&clean), true).unwrap();
        assert_eq!(gone.files.into_iter().collect::<Vec<_>>(), [(".git".to_owned(), None)]);
        assert!(gone.unusable.is_empty());
        let removal: BTreeMap<&str, Option<Oid>> = [(".git", None)].into_iter().collect();
        let store = super::super::Store::open(repo.path()).unwrap();
        let rebuilt = store.update_tree(Some(root.id()), &removal).unwrap().unwrap();
        assert!(repo.find_tree(rebuilt).unwrap().get_name(".git").is_none());
    }

    #[test]
    fn desk_s_own_paths_have_the_right_kind() {
        let tree = Entry { id: Oid::ZERO_SHA1, mode: MODE_TREE };
        let file = Entry { id: Oid::ZERO_SHA1, mode: MODE_FILE };
        let tickets = [TICKETS_DIR.to_owned()];
        let shard = [TICKETS_DIR.to_owned(), "k3".to_owned()];
        assert!(problem(&[], b"desk.yaml", tree).unwrap().contains("desk.yaml"));
        assert!(problem(&[], b"tickets", file).is_some());
        assert!(problem(&shard, b"k3x9q2hm7d.md", tree).unwrap().contains("ticket file"));
        assert_eq!(problem(&shard, b"k3x9q2hm7d.md", file), None);
        assert_eq!(problem(&tickets, b"k3", tree), None);
        assert_eq!(problem(&[], b"kb", tree), None);
        let link = Entry { id: Oid::ZERO_SHA1, mode: MODE_LINK };
        assert!(problem(&shard, b"k3x9q2hm7d.md", link).unwrap().contains("symbolic link"));
        let module = Entry { id: Oid::ZERO_SHA1, mode: MODE_SUBMODULE };
        assert!(problem(&shard, b"k3x9q2hm7d.md", module).unwrap().contains("submodule"));
    }
}
