//! The output directory of `desk portal build` and its manifest, which makes
//! a rebuild incremental.
//!
//! `OUT/.desk-portal.json` records each file desk wrote and the key of what it
//! was made from (`{"desk_portal": 1, "files": {"kb/x/index.html": "<key>", …}}`).
//! A secret path (a status page's, whose address is its only protection) is
//! recorded as `#` and the hash of the path, never the path itself, so the
//! manifest can be published without giving any status page away.
//! A rebuild renders and writes a file only when its key changed or the file
//! is gone, removes the files of the old manifest that the new build no longer
//! makes (with the directories that leaves empty), and writes the manifest
//! last. Files desk did not write are never touched. Before a file is
//! written its path is appended to `OUT/.desk-portal.log`, so a build that was
//! killed midway leaves no file the next build does not know about.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The manifest's file name in OUT.
pub const MANIFEST: &str = ".desk-portal.json";
/// The list of files a build began to write, removed when it ends.
pub const LOG: &str = ".desk-portal.log";
/// Locked while a build writes OUT (an advisory lock the system drops when the
/// process ends, however it ends), so two builds never write one OUT at once.
pub const LOCK: &str = ".desk-portal.lock";

/// What can go wrong with the output directory.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{0} is not empty and was not built by desk portal build")]
    NotEmpty(PathBuf),
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error("another desk portal build is writing {0}")]
    Busy(PathBuf),
    #[error("{0}: {1}")]
    Manifest(PathBuf, String),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// The key of a file made from `parts`: 32 hex digits of SHA-256 over the
/// parts, each preceded by its length.
pub fn key(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    crate::mail::sign::hex(&h.finalize()[..16])
}

/// What a build did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The output directory during a build.
pub struct Output {
    dir: PathBuf,
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
    log: Option<fs::File>,
    summary: Summary,
    /// Held until the build ends.
    _lock: fs::File,
}

impl Output {
    /// Opens `dir` for a build: it is made when missing; an existing one must
    /// be empty or hold a manifest.
    pub fn open(dir: &Path) -> Result<Output, SiteError> {
        let io = |e| SiteError::Io(dir.to_path_buf(), e);
        if dir.exists() && !dir.is_dir() {
            return Err(SiteError::NotADirectory(dir.to_path_buf()));
        }
        fs::create_dir_all(dir).map_err(io)?;
        let manifest = dir.join(MANIFEST);
        // desk's own directory has its manifest, or the log or lock of a first
        // build (running, or killed); any other must be empty.
        let ours = [MANIFEST, LOG, LOCK].iter().any(|f| dir.join(f).exists());
        if !ours && fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(SiteError::NotEmpty(dir.to_path_buf()));
        }
        let lock_path = dir.join(LOCK);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| SiteError::Io(lock_path.clone(), e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(SiteError::Busy(dir.to_path_buf())),
            Err(fs::TryLockError::Error(e)) => return Err(SiteError::Io(lock_path, e)),
        }
        let mut old = match fs::read(&manifest) {
            Ok(bytes) => read_manifest(&bytes).map_err(|e| SiteError::Manifest(manifest.clone(), e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(SiteError::Io(manifest, e)),
        };
        // Files an interrupted build began to write: rewritten when still
        // wanted, else removed.
        if let Ok(log) = fs::read_to_string(dir.join(LOG)) {
            for path in log.lines().filter(|p| is_name(p)) {
                old.entry(path.to_owned()).or_default().clear();
            }
            remove_temporary(dir);
        }
        Ok(Output {
            dir: dir.to_path_buf(),
            old,
            new: BTreeMap::new(),
            log: None,
            summary: Summary::default(),
            _lock: lock,
        })
    }

    /// The file `path` (relative, `/`-separated) made from inputs with key
    /// `key`: `render` runs, and the file is written, only when the key
    /// changed since the last build or the file is missing.
    /// A `secret` path is recorded by its hash only.
    pub fn file<E: From<SiteError>>(
        &mut self,
        path: &str,
        secret: bool,
        key: &str,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<(), E> {
        assert!(safe_path(path), "portal paths are made by desk: {path}");
        let target = self.dir.join(path);
        let name = if secret { hidden_name(path) } else { path.to_owned() };
        if self.old.get(&name).is_some_and(|k| k == key) && target.is_file() {
            self.new.insert(name, key.to_owned());
            self.summary.unchanged += 1;
            return Ok(());
        }
        let text = render()?;
        self.note(&name)?;
        self.new.insert(name, key.to_owned());
        write_atomically(&target, text.as_bytes())?;
        self.summary.written += 1;
        Ok(())
    }

    /// Appends `name` to the log before its file is written.
    fn note(&mut self, path: &str) -> Result<(), SiteError> {
        if self.log.is_none() {
            let p = self.dir.join(LOG);
            let f =
                fs::OpenOptions::new().create(true).append(true).open(&p).map_err(|e| SiteError::Io(p, e))?;
            self.log = Some(f);
        }
        let log = self.log.as_mut().expect("opened above");
        log.write_all(format!("{path}\n").as_bytes()).map_err(|e| SiteError::Io(self.dir.join(LOG), e))
    }

    /// Removes what the build no longer makes and writes the manifest.
    pub fn finish(mut self) -> Result<Summary, SiteError> {
        let gone: BTreeSet<&String> = self.old.keys().filter(|p| !self.new.contains_key(*p)).collect();
        let (hidden, plain): (Vec<&String>, Vec<&String>) =
            gone.into_iter().partition(|n| n.starts_with('#'));
        let mut paths: Vec<String> = plain.into_iter().cloned().collect();
        if !hidden.is_empty() {
            // Secret paths are found again by hashing the paths in OUT.
            let hidden: BTreeSet<&String> = hidden.into_iter().collect();
            let mut all = Vec::new();
            walk(&self.dir, &self.dir, &mut all);
            paths.extend(all.into_iter().filter(|p| hidden.contains(&hidden_name(p))));
        }
        for path in &paths {
            let target = self.dir.join(path);
            match fs::remove_file(&target) {
                Ok(()) => self.summary.removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(SiteError::Io(target, e)),
            }
            let mut parent = target.parent();
            while let Some(p) = parent.filter(|p| *p != self.dir) {
                if fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
        let manifest = serde_json::json!({ "desk_portal": 1, "files": self.new });
        write_atomically(&self.dir.join(MANIFEST), format!("{manifest}\n").as_bytes())?;
        drop(self.log.take());
        let log = self.dir.join(LOG);
        match fs::remove_file(&log) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(SiteError::Io(log, e)),
            _ => {}
        }
        Ok(self.summary)
    }
}

/// How the manifest names a secret path: `#` and 32 hex digits of its hash.
fn hidden_name(path: &str) -> String {
    format!("#{}", key(&[b"desk-portal-path", path.as_bytes()]))
}

/// Removes the temporary files (`.NAME.tmp`) an interrupted build left.
fn remove_temporary(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        match e.file_type() {
            Ok(t) if t.is_dir() && !name.starts_with('.') => {
                remove_temporary(&e.path());
                // Left empty by the removal: gone too (fails when not empty).
                let _ = fs::remove_dir(e.path());
            }
            Ok(t)
                if t.is_file()
                    && name.starts_with('.')
                    && name.rsplit_once('.').is_some_and(|(_, x)| x == "tmp") =>
            {
                let _ = fs::remove_file(e.path());
            }
            _ => {}
        }
    }
}

/// The relative paths of the files under `dir` (hidden ones left out).
fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, root, out),
            Ok(t) if t.is_file() => {
                if let Ok(rel) = p.strip_prefix(root) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
            _ => {}
        }
    }
}

fn read_manifest(bytes: &[u8]) -> Result<BTreeMap<String, String>, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        desk_portal: u32,
        files: BTreeMap<String, String>,
    }
    let Manifest { desk_portal, files } =
        serde_json::from_slice(bytes).map_err(|e| format!("not a manifest of desk portal build ({e})"))?;
    if desk_portal != 1 {
        return Err(format!("a manifest of version {desk_portal}, which this desk does not know"));
    }
    // A manifest names only files inside OUT (or hashes of their paths).
    Ok(files.into_iter().filter(|(p, _)| is_name(p)).collect())
}

/// A name of the manifest or the log: a safe path, or a hidden one.
fn is_name(name: &str) -> bool {
    name.strip_prefix('#')
        .map_or_else(|| safe_path(name), |h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A relative path of plain components: no `..`, no empty or hidden ones,
/// nothing but letters, digits, `-`, `_` and `.` in them.
fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|c| {
            !c.is_empty()
                && !c.starts_with('.')
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
}

fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), SiteError> {
    let io = |e| SiteError::Io(target.to_path_buf(), e);
    let dir = target.parent().expect("a file in OUT has a parent");
    fs::create_dir_all(dir).map_err(io)?;
    let name = target.file_name().expect("a file name").to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).map_err(io)?;
    fs::rename(&tmp, target).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(dir: &Path, files: &[(&str, &str)]) -> Summary {
        let mut out = Output::open(dir).unwrap();
        for (path, text) in files {
            let secret = path.starts_with("t/");
            out.file::<SiteError>(path, secret, &key(&[text.as_bytes()]), || Ok((*text).to_owned())).unwrap();
        }
        out.finish().unwrap()
    }

    #[test]
    fn a_rebuild_writes_what_changed_and_removes_what_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let s = build(&out, &[("index.html", "home"), ("kb/a/index.html", "a"), ("t/x/index.html", "x")]);
        assert_eq!(s, Summary { written: 3, unchanged: 0, removed: 0 });
        std::fs::write(out.join("CNAME"), "help.example.com").unwrap();
        let s = build(&out, &[("index.html", "home 2"), ("kb/a/index.html", "a")]);
        assert_eq!(s, Summary { written: 1, unchanged: 1, removed: 1 });
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "home 2");
        assert!(!out.join("t").exists(), "the emptied directories go too");
        assert!(out.join("CNAME").exists(), "files desk did not write stay");
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(!manifest.contains("t/"), "secret paths are hashed: {manifest}");
        std::fs::remove_file(out.join("kb/a/index.html")).unwrap();
        let s = build(&out, &[("index.html", "home 2"), ("kb/a/index.html", "a")]);
        assert_eq!(s, Summary { written: 1, unchanged: 1, removed: 0 });
        assert!(!out.join(LOG).exists());
    }

    #[test]
    fn a_directory_desk_did_not_build_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(Output::open(tmp.path()), Err(SiteError::NotEmpty(_))));
        std::fs::write(tmp.path().join(MANIFEST), "{\"files\": {}}").unwrap();
        assert!(matches!(Output::open(tmp.path()), Err(SiteError::Manifest(..))));
    }

    #[test]
    fn an_interrupted_build_leaves_nothing_unknown() {
        let tmp = tempfile::tempdir().unwrap();
        build(tmp.path(), &[("index.html", "home")]);
        // A build wrote t/y/ and was killed before its manifest.
        std::fs::create_dir_all(tmp.path().join("t/y")).unwrap();
        std::fs::write(tmp.path().join("t/y/index.html"), "y").unwrap();
        let log = format!("{}\n../../etc/passwd\n", hidden_name("t/y/index.html"));
        std::fs::write(tmp.path().join(LOG), log).unwrap();
        // And was killed while writing t/z/: its temporary file is left.
        std::fs::create_dir_all(tmp.path().join("t/z")).unwrap();
        std::fs::write(tmp.path().join("t/z/.index.html.tmp"), "half").unwrap();
        let s = build(tmp.path(), &[("index.html", "home")]);
        assert_eq!(s, Summary { written: 0, unchanged: 1, removed: 1 });
        assert!(!tmp.path().join("t").exists());
    }

    #[test]
    fn one_build_at_a_time_writes_a_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let first = Output::open(tmp.path()).unwrap();
        assert!(matches!(Output::open(tmp.path()), Err(SiteError::Busy(_))));
        first.finish().unwrap();
        let again = Output::open(tmp.path()).unwrap();
        again.finish().unwrap();
    }

    #[test]
    fn paths_stay_inside_the_directory() {
        assert!(safe_path("t/0a1b/index.html"));
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", ".git/config", "a\\b", "a b"] {
            assert!(!safe_path(bad), "{bad}");
        }
    }
}
