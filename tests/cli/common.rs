//! The test environment: a temporary HOME with its own git config, a fresh
//! repository, pinned times, local time UTC (`TZ`) and no colour, and a way to
//! run the real binary.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The reference "now" of every test run (`DESK_NOW`).
pub const NOW: &str = "2026-11-28T12:00:00Z";
/// The default author and committer time of commits made in tests.
pub const COMMIT_TIME: &str = "2026-11-28T09:00:00Z";

/// One temporary world: HOME, git config, a repository at `repo`.
pub struct TestEnv {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub repo: PathBuf,
}

/// What a run of desk did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Run {
    /// Asserts success and returns the run.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success:\n{self}");
        self
    }

    /// Asserts exit code `code` and an empty stdout, and returns the run.
    #[track_caller]
    pub fn fails(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}:\n{self}");
        assert_eq!(self.stdout, "", "expected nothing on stdout:\n{self}");
        self
    }

    /// Asserts a failure reported the desk way: exit `code`, empty stdout, and
    /// on stderr one `error: …` line followed only by `hint:`/`caused by:` lines
    /// — or, with `--json`, the one-line JSON error object (docs/json.md).
    /// Returns the error line without its `error: ` prefix (the object's message).
    #[track_caller]
    pub fn error(self, code: i32) -> String {
        let run = self.fails(code);
        if run.stderr.starts_with('{') {
            assert_eq!(run.stderr.lines().count(), 1, "one line of JSON:\n{run}");
            let object: serde_json::Value = serde_json::from_str(&run.stderr)
                .unwrap_or_else(|e| panic!("stderr is not a JSON object ({e}):\n{run}"));
            let message = object["error"]["message"].as_str();
            return message.unwrap_or_else(|| panic!("no error message:\n{run}")).to_owned();
        }
        let mut lines = run.stderr.lines();
        let first = lines.next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or_else(|| panic!("no `error: ` line:\n{run}"));
        for line in lines {
            // clap's own usage errors end with a usage line and a pointer to --help.
            let clap_tail = line.is_empty()
                || line.starts_with("  tip: ")
                || line.starts_with("  [possible values: ")
                || line.starts_with("Usage: ")
                || line.starts_with("       desk ")
                || line.starts_with("For more information");
            assert!(
                line.starts_with("hint: ") || line.starts_with("caused by: ") || clap_tail,
                "unexpected stderr line {line:?}:\n{run}"
            );
        }
        message.to_owned()
    }

    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// The first line of stdout, trimmed.
    pub fn line(&self) -> String {
        self.stdout.lines().next().unwrap_or_default().trim().to_owned()
    }
}

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_desk"))
}

impl TestEnv {
    /// A new environment with an empty, non-bare repository (no commits).
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let home = root.join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test Agent\n\temail = agent@example.com\n[init]\n\tdefaultBranch = main\n",
        )
        .unwrap();
        let editor = home.join("editor.sh");
        // The fake editor replaces the file with $DESK_TEST_EDIT, or appends $DESK_TEST_APPEND.
        std::fs::write(
            &editor,
            "#!/bin/sh\nif [ -n \"$DESK_TEST_EDIT\" ]; then printf '%s' \"$DESK_TEST_EDIT\" > \"$1\"; fi\n\
             if [ -n \"$DESK_TEST_APPEND\" ]; then printf '%s' \"$DESK_TEST_APPEND\" >> \"$1\"; fi\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let repo = root.join("repo");
        let env = TestEnv { _dir: dir, root, home, repo };
        std::fs::create_dir_all(&env.repo).unwrap();
        env.git_in(&env.repo, &["init", "-q"]);
        env
    }

    /// A new environment with `desk init` already run.
    pub fn initialised() -> TestEnv {
        let env = TestEnv::new();
        env.desk(&["init"]).ok();
        env
    }

    fn base_command(&self, program: &Path, dir: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_DATE", COMMIT_TIME)
            .env("GIT_COMMITTER_DATE", COMMIT_TIME)
            .env("DESK_NOW", NOW)
            // Local time is UTC unless a test says otherwise (a POSIX rule: no tz database needed).
            .env("TZ", "UTC0")
            .env("EDITOR", self.home.join("editor.sh"))
            .stdin(Stdio::null());
        cmd
    }

    /// A `desk` command in the repository, ready to run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.base_command(bin(), &self.repo);
        cmd.args(args);
        cmd
    }

    /// Runs desk in the repository.
    pub fn desk(&self, args: &[&str]) -> Run {
        run(self.command(args), None)
    }

    /// Runs desk in `dir`.
    pub fn desk_in(&self, dir: &Path, args: &[&str]) -> Run {
        let mut cmd = self.base_command(bin(), dir);
        cmd.args(args);
        run(cmd, None)
    }

    /// Runs desk with commits dated `time` (author and committer).
    pub fn desk_at(&self, time: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.env("GIT_AUTHOR_DATE", time).env("GIT_COMMITTER_DATE", time);
        run(cmd, None)
    }

    /// Runs desk with no editor chosen (`EDITOR` unset, as `VISUAL` is): without
    /// a terminal it then cannot ask for text.
    pub fn desk_without_editor(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.env_remove("EDITOR");
        run(cmd, None)
    }

    /// Runs desk with `input` on stdin.
    pub fn desk_stdin(&self, args: &[&str], input: &str) -> Run {
        run(self.command(args), Some(input))
    }

    /// Runs desk in `dir` with `input` on stdin (None: no stdin) and extra variables.
    pub fn desk_full(&self, dir: &Path, args: &[&str], input: Option<&str>, vars: &[(&str, &str)]) -> Run {
        let mut cmd = self.base_command(bin(), dir);
        cmd.args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run(cmd, input)
    }

    /// A command for any program with this environment, run in the repository.
    pub fn program(&self, program: &Path) -> Command {
        self.base_command(program, &self.repo)
    }

    /// Runs desk with extra environment variables.
    pub fn desk_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run(cmd, None)
    }

    /// Runs git in `dir` and returns stdout; panics on failure.
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = self.base_command(Path::new("git"), dir);
        cmd.args(args);
        let out = run(cmd, None);
        assert_eq!(out.code, 0, "git {args:?} failed:\n{out}");
        out.stdout
    }

    /// Runs git in the repository and returns stdout; panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.repo, args)
    }

    /// Creates a ticket and returns its full id.
    pub fn new_ticket(&self, title: &str, extra: &[&str]) -> String {
        let mut args = vec!["new", title, "-b", "Something is wrong."];
        args.extend_from_slice(extra);
        let id = self.desk(&args).ok().line();
        assert_eq!(id.len(), 10, "new printed an id: {id}");
        id
    }

    /// The desk branch's commit id (`git rev-parse desk`).
    pub fn desk_head(&self) -> String {
        self.git(&["rev-parse", "--verify", "-q", "refs/heads/desk"]).trim().to_owned()
    }

    /// What a desk command must never change: HEAD, the index file, the
    /// working tree's status, and every ref except the desk branch.
    pub fn user_state(&self) -> UserState {
        let head = self.try_git(&["rev-parse", "--verify", "-q", "HEAD"]).stdout;
        let git_dir = self.git(&["rev-parse", "--absolute-git-dir"]).trim().to_owned();
        let index = std::fs::read(Path::new(&git_dir).join("index")).ok();
        let status = self.git(&["status", "--porcelain", "--untracked-files=all"]);
        let symbolic_head = self.try_git(&["symbolic-ref", "-q", "HEAD"]).stdout;
        let branch = self.try_git(&["config", "desk.branch"]).stdout.trim().to_owned();
        let desk_ref = format!("refs/heads/{} ", if branch.is_empty() { "desk" } else { &branch });
        let refs = self
            .git(&["for-each-ref", "--format=%(refname) %(objectname)"])
            .lines()
            .filter(|l| !l.starts_with(&desk_ref))
            .map(str::to_owned)
            .collect();
        UserState { head, symbolic_head, index, status, refs }
    }

    /// Gives the repository a `main` commit, a staged change, an unstaged change
    /// and an untracked file, so that any write that touched them would show.
    pub fn with_user_work(&self) {
        std::fs::write(self.repo.join("README"), "hello\n").unwrap();
        std::fs::write(self.repo.join("code.rs"), "fn main() {}\n").unwrap();
        self.git(&["add", "README", "code.rs"]);
        self.git(&["commit", "-q", "-m", "first"]);
        std::fs::write(self.repo.join("README"), "hello, staged\n").unwrap();
        self.git(&["add", "README"]);
        std::fs::write(self.repo.join("code.rs"), "fn main() { todo!() }\n").unwrap();
        std::fs::write(self.repo.join("notes.txt"), "untracked\n").unwrap();
    }

    /// Runs git in the repository without asserting success.
    pub fn try_git(&self, args: &[&str]) -> Run {
        let mut cmd = self.base_command(Path::new("git"), &self.repo);
        cmd.args(args);
        run(cmd, None)
    }

    /// Runs git in the repository with `input` on stdin; panics on failure.
    pub fn git_stdin(&self, args: &[&str], input: &str) -> String {
        self.git_stdin_in(&self.repo, args, input)
    }

    /// Runs git in `dir` with `input` on stdin; returns stdout.
    pub fn git_stdin_in(&self, dir: &Path, args: &[&str], input: &str) -> String {
        let mut cmd = self.base_command(Path::new("git"), dir);
        cmd.args(args);
        let out = run(cmd, Some(input));
        assert_eq!(out.code, 0, "git {args:?} failed:\n{out}");
        out.stdout
    }

    /// Commits `files` (path, content) onto the desk branch with plain git
    /// plumbing, as someone editing the branch by hand would.
    pub fn commit_by_hand(&self, files: &[(&str, &str)], message: &str) -> String {
        let changes: Vec<(&str, Option<&str>)> = files.iter().map(|(p, c)| (*p, Some(*c))).collect();
        self.change_by_hand(&changes, message)
    }

    /// Appends `yaml` (whole sections) to desk.yaml on the desk branch, by hand.
    pub fn append_config(&self, yaml: &str) -> String {
        let config = self.git(&["show", "refs/heads/desk:desk.yaml"]);
        self.commit_by_hand(&[("desk.yaml", &format!("{config}{yaml}"))], "desk.yaml")
    }

    /// Removes files from the desk branch with plain git plumbing, as one commit.
    pub fn remove_by_hand(&self, paths: &[&str], message: &str) -> String {
        let changes: Vec<(&str, Option<&str>)> = paths.iter().map(|p| (*p, None)).collect();
        self.change_by_hand(&changes, message)
    }

    /// Writes (`Some`) or removes (`None`) files on the desk branch with plain
    /// git plumbing, as one commit; returns the commit.
    fn change_by_hand(&self, files: &[(&str, Option<&str>)], message: &str) -> String {
        let index = self.root.join("hand-index");
        let _ = std::fs::remove_file(&index);
        let index = index.to_str().unwrap().to_owned();
        let with_index = |args: &[&str]| -> String {
            let mut cmd = self.base_command(Path::new("git"), &self.repo);
            cmd.env("GIT_INDEX_FILE", &index).args(args);
            let out = run(cmd, None);
            assert_eq!(out.code, 0, "git {args:?} failed:\n{out}");
            out.stdout.trim().to_owned()
        };
        with_index(&["read-tree", "refs/heads/desk"]);
        for (path, content) in files {
            match content {
                Some(content) => {
                    let blob = self.git_stdin(&["hash-object", "-w", "--stdin"], content);
                    let info = format!("100644,{},{path}", blob.trim());
                    with_index(&["update-index", "--add", "--cacheinfo", &info]);
                }
                None => {
                    with_index(&["update-index", "--force-remove", path]);
                }
            }
        }
        let tree = with_index(&["write-tree"]);
        let commit = self.git(&["commit-tree", &tree, "-p", "refs/heads/desk", "-m", message]);
        self.git(&["update-ref", "refs/heads/desk", commit.trim()]);
        commit.trim().to_owned()
    }

    /// Ids of every ticket on the desk branch, sorted.
    pub fn all_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .git(&["ls-tree", "-r", "--name-only", "refs/heads/desk", "tickets"])
            .lines()
            .filter_map(|p| p.rsplit('/').next()?.strip_suffix(".md").map(str::to_owned))
            .collect();
        ids.sort();
        ids
    }

    /// A ticket file's text on the desk branch.
    pub fn ticket_file(&self, id: &str) -> String {
        self.git(&["show", &format!("desk:tickets/{}/{id}.md", &id[..2])])
    }
}

/// The parts of a repository that belong to the user, not to desk.
#[derive(Debug, PartialEq, Eq)]
pub struct UserState {
    pub head: String,
    pub symbolic_head: String,
    pub index: Option<Vec<u8>>,
    pub status: String,
    pub refs: Vec<String>,
}

/// Runs `cmd` and captures what it did.
pub fn run(mut cmd: Command, input: Option<&str>) -> Run {
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the program starts");
    if let Some(input) = input {
        child.stdin.take().expect("piped stdin").write_all(input.as_bytes()).expect("stdin written");
    }
    let out = child.wait_with_output().expect("the program finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
