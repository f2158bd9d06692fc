//! The network side of sync: fetch and push through the `git` executable, so
//! the user's own set-up applies exactly as it does for git itself (ssh keys and
//! agent, credential helpers, `insteadOf`, proxies).

use std::process::{Command, Stdio};

use git2::{Oid, Repository};

use super::{Store, StoreError};

/// What a push did.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The remote branch now points at the commit.
    Done,
    /// The remote branch moved since the fetch (or another push was moving it):
    /// fetch and merge again.
    Behind {
        /// The remote's message.
        message: String,
        /// The lock file the remote could not create, when that was the reason.
        lock: Option<String>,
    },
}

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs git on the repository as if it had been started there: in the top
/// directory of its working tree (its git directory when bare), so relative
/// remote URLs (`../shared.git`) and paths resolve as they do for git itself,
/// whatever the directory desk was started in.
fn git(repo: &Repository, args: &[&str]) -> Result<Output, StoreError> {
    let out = Command::new("git")
        .current_dir(repo.workdir().unwrap_or_else(|| repo.path()))
        .arg("--git-dir")
        .arg(repo.path())
        .args(args)
        // Messages of the local git in a fixed language, so they can be recognised;
        // the remote's own messages pass through unchanged.
        .env("LC_ALL", "C")
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| StoreError::Remote {
            action: "run git for",
            remote: args.last().copied().unwrap_or_default().to_owned(),
            message: format!("{e} (is git installed and on PATH?)"),
        })?;
    Ok(Output {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// One line out of git's stderr: the remote's own lines (`remote: …`) and the
/// first `fatal:`/`error:` line.
fn one_line(stderr: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for line in stderr.lines().map(str::trim) {
        if let Some(r) = line.strip_prefix("remote:") {
            let r = r.trim();
            if !r.is_empty() {
                parts.push(r.to_owned());
            }
        }
    }
    let first_error = stderr.lines().map(str::trim).find_map(|l| {
        l.strip_prefix("fatal:").or_else(|| l.strip_prefix("error:")).map(|r| r.trim().to_owned())
    });
    if let Some(e) = first_error {
        parts.push(e);
    }
    if parts.is_empty() {
        parts.extend(stderr.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned));
    }
    if parts.is_empty() { "git failed without a message".to_owned() } else { parts.join("; ") }
}

impl Store {
    /// Whether `remote` names a configured remote (rather than a URL or path).
    pub fn is_named_remote(&self, remote: &str) -> bool {
        self.repo.find_remote(remote).is_ok()
    }

    /// The ref that holds what was fetched from `remote`: the remote-tracking
    /// branch for a configured remote, else a private ref of desk's.
    pub fn fetched_ref(&self, remote: &str) -> String {
        if self.is_named_remote(remote) {
            format!("refs/remotes/{remote}/{}", self.branch)
        } else {
            format!("refs/desk/fetched/{}", self.branch)
        }
    }

    /// The remote to sync with when none is named: the desk branch's configured
    /// upstream, else `origin`.
    pub fn default_remote(&self) -> String {
        self.repo
            .config()
            .ok()
            .and_then(|c| c.get_string(&format!("branch.{}.remote", self.branch)).ok())
            .filter(|r| !r.trim().is_empty())
            .unwrap_or_else(|| "origin".to_owned())
    }

    /// Fetches the remote's desk branch; `None` when the remote has none.
    pub fn fetch(&self, remote: &str) -> Result<Option<Oid>, StoreError> {
        let dest = self.fetched_ref(remote);
        let refspec = format!("+refs/heads/{}:{dest}", self.branch);
        let out =
            git(&self.repo, &["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, &refspec])?;
        if !out.ok {
            if out.stderr.contains("couldn't find remote ref") {
                // The remote has no desk branch (any more): forget a stale copy.
                if let Ok(mut r) = self.repo.find_reference(&dest) {
                    r.delete()?;
                }
                return Ok(None);
            }
            return Err(StoreError::Remote {
                action: "fetch from",
                remote: remote.to_owned(),
                message: one_line(&out.stderr),
            });
        }
        Ok(Some(self.repo.refname_to_id(&dest)?))
    }

    /// Pushes `commit` to the remote's desk branch, never forcing: a remote that
    /// moved meanwhile answers [`Pushed::Behind`].
    pub fn push(&self, remote: &str, commit: Oid) -> Result<Pushed, StoreError> {
        let refspec = format!("{commit}:refs/heads/{}", self.branch);
        let out = git(&self.repo, &["push", "--porcelain", "--quiet", remote, &refspec])?;
        if out.ok {
            let dest = self.fetched_ref(remote);
            self.move_ref(&dest, commit, super::reflock::Expect::Any, "desk sync: pushed")?;
            return Ok(Pushed::Done);
        }
        // `--porcelain` reports each ref on stdout: `!\t<src>:<dst>\t[rejected] (fetch first)`.
        let status = out.stdout.lines().find(|l| l.starts_with('!')).unwrap_or_default();
        let mut message = one_line(&out.stderr);
        if let Some(reason) = status.split('\t').nth(2).filter(|r| r.contains("remote rejected")) {
            message = format!("{reason}: {message}");
        }
        if remote_moved(status, &out.stderr) {
            return Ok(Pushed::Behind { message, lock: remote_lock(&out.stderr) });
        }
        Err(StoreError::Remote { action: "push to", remote: remote.to_owned(), message })
    }
}

/// Whether a refused push means the remote's branch moved: refused as not a
/// fast-forward by the local git, or refused by the remote because its branch
/// was not where the push expected it or was locked by another push at that
/// moment (git's `cannot lock ref`, reported as `failed to update ref`).
fn remote_moved(status: &str, stderr: &str) -> bool {
    if status.contains("[rejected]") {
        return status.contains("fetch first") || status.contains("non-fast-forward");
    }
    status.contains("[remote rejected]")
        && (status.contains("failed to update ref")
            || status.contains("cannot lock ref")
            || stderr.contains("cannot lock ref"))
}

/// The lock file named by git's `Unable to create '…/desk.lock': File exists.`
fn remote_lock(stderr: &str) -> Option<String> {
    let start = stderr.find("Unable to create '")? + "Unable to create '".len();
    let len = stderr[start..].find("': File exists")?;
    Some(stderr[start..start + len].replace("/./", "/"))
}

impl Store {
    /// The URL of the configured remote `name`; a relative path is made
    /// absolute against the repository's top directory, as git reads it.
    pub fn remote_url(&self, name: &str) -> Option<String> {
        let url = self.repo.find_remote(name).ok()?.url().ok()?.to_owned();
        let relative =
            !url.contains("://") && !url.contains(':') && !std::path::Path::new(&url).is_absolute();
        if relative {
            let top = self.repo.workdir().unwrap_or_else(|| self.repo.path());
            return Some(top.join(&url).to_string_lossy().into_owned());
        }
        Some(url)
    }

    /// A bare repository under this one's git directory
    /// (`desk/remote-desks/HASH.git`, HASH from `url`) that keeps a copy of the
    /// desk branch of the helpdesk at `url`, made on first use: what
    /// `desk link-commits --desk REMOTE` syncs with `url` and writes to.
    pub fn remote_desk_copy(&self, url: &str) -> Result<Store, StoreError> {
        use sha2::Digest as _;
        let hash = super::pack::hex(&sha2::Sha256::digest(url.as_bytes())[..8]);
        let path = self.repo.path().join("desk").join("remote-desks").join(format!("{hash}.git"));
        if !path.join("HEAD").exists() {
            std::fs::create_dir_all(&path)
                .map_err(|e| StoreError::Git(git2::Error::from_str(&format!("{}: {e}", path.display()))))?;
            let copy = Repository::init_bare(&path)?;
            copy.config()?.set_str("desk.branch", &self.branch)?;
        }
        let copy = Store::open(&path)?;
        // Written as whoever runs it in the code repository.
        for key in ["user.name", "user.email"] {
            if let Some(value) = self.config_string(key) {
                copy.set_local_config(key, &value)?;
            }
        }
        Ok(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::{one_line, remote_lock, remote_moved};

    #[test]
    fn the_lock_file_a_remote_could_not_create_is_named() {
        let stderr = "remote: error: cannot lock ref 'refs/heads/desk': Unable to create '/srv/h.git/./refs/heads/desk.lock': File exists.\nremote: Another git process seems to be running\n";
        assert_eq!(remote_lock(stderr).as_deref(), Some("/srv/h.git/refs/heads/desk.lock"));
        assert_eq!(remote_lock("error: cannot lock ref 'refs/heads/desk': is at 1 but expected 2\n"), None);
    }

    #[test]
    fn a_push_refused_because_the_remote_moved_is_told_apart() {
        let lost_race = "!\t0123:refs/heads/desk\t[remote rejected] (failed to update ref)";
        let stderr = "error: cannot lock ref 'refs/heads/desk': is at 1111 but expected 2222\n";
        assert!(remote_moved(lost_race, stderr));
        let locked = "remote: error: cannot lock ref 'refs/heads/desk': Unable to create '/srv/h.git/refs/heads/desk.lock': File exists.\n";
        assert!(remote_moved(lost_race, locked));
        assert!(remote_moved("!\t0123:refs/heads/desk\t[rejected] (fetch first)", ""));
        assert!(remote_moved("!\t0123:refs/heads/desk\t[rejected] (non-fast-forward)", ""));
        let hook = "!\t0123:refs/heads/desk\t[remote rejected] (pre-receive hook declined)";
        assert!(!remote_moved(hook, "remote: the desk branch is frozen\n"));
        assert!(!remote_moved("", "fatal: Authentication failed\n"));
    }

    #[test]
    fn errors_become_one_line_with_the_remote_message() {
        let stderr = "remote: Invalid username or password.\nfatal: Authentication failed for 'https://example.com/x.git/'\n";
        assert_eq!(
            one_line(stderr),
            "Invalid username or password.; Authentication failed for 'https://example.com/x.git/'"
        );
        let stderr = "fatal: 'nosuch' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\n";
        assert_eq!(one_line(stderr), "'nosuch' does not appear to be a git repository");
    }
}
