//! `desk sync` end to end: two clones syncing through a real `git daemon` on
//! 127.0.0.1, and a plain `git pull` of a checked-out desk branch that merges
//! ticket files with desk's merge driver.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, bin};

/// A `git daemon` serving `base` on a free loopback port, stopped on drop.
pub(crate) struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    /// A bare repository `helpdesk.git` served by a new daemon, and its URL.
    pub(crate) fn serve_helpdesk(env: &TestEnv) -> (Daemon, String) {
        let served = env.root.join("served");
        std::fs::create_dir_all(&served).unwrap();
        env.git_in(&served, &["init", "-q", "--bare", "helpdesk.git"]);
        let daemon = Daemon::start(&served);
        let url = daemon.url("helpdesk.git");
        (daemon, url)
    }

    pub(crate) fn start(base: &Path) -> Daemon {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // The daemon binary itself (not `git daemon`, which would run it as a
        // child that outlives a kill of the `git` process).
        let exec_path = Command::new("git").arg("--exec-path").output().expect("git runs").stdout;
        let program = Path::new(String::from_utf8_lossy(&exec_path).trim()).join("git-daemon");
        let child = Command::new(program)
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .args(["--export-all", "--enable=receive-pack", "--reuseaddr", "--informative-errors"])
            .arg(base)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts (Debian: part of the git package)");
        let daemon = Daemon { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "git daemon did not start listening on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    pub(crate) fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A second clone in the same test world (same HOME and git config).
pub(crate) fn clone_dir(env: &TestEnv, name: &str) -> PathBuf {
    let dir = env.root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    env.git_in(&dir, &["init", "-q"]);
    dir
}

pub(crate) fn head(env: &TestEnv, dir: &Path) -> String {
    env.git_in(dir, &["rev-parse", "refs/heads/desk"]).trim().to_owned()
}

#[test]
fn two_clones_sync_through_git_daemon() {
    let env = TestEnv::initialised();
    let (_daemon, url) = Daemon::serve_helpdesk(&env);

    // Clone A starts the helpdesk; the server has no desk branch yet and receives it.
    env.git(&["remote", "add", "origin", &url]);
    let id = env.new_ticket("VPN drops every hour", &[]);
    let first = env.desk(&["sync", "--json"]).ok().json();
    assert_eq!(first["pushed"], true);
    assert_eq!(first["outgoing"]["tickets"], serde_json::json!([id]));

    // Clone B has nothing but the remote: its first sync creates the desk branch.
    let b = clone_dir(&env, "b");
    env.git_in(&b, &["remote", "add", "origin", &url]);
    let run = env.desk_in(&b, &["sync"]).ok();
    assert!(run.stderr.contains("(created)"), "{run}");
    assert_eq!(head(&env, &b), env.desk_head());
    env.desk_in(&b, &["init"]).ok();

    // Both answer the same ticket offline, and both assign it.
    env.desk_at("2026-11-28T10:00:00Z", &["reply", &id, "-m", "Reply from A"]).ok();
    env.desk_at("2026-11-28T10:01:00Z", &["assign", &id, "Ann <ann@example.com>"]).ok();
    let mut b_reply = env.command(&["reply", &id, "-m", "Reply from B"]);
    b_reply.current_dir(&b).env("GIT_AUTHOR_DATE", "2026-11-28T10:02:00Z");
    assert!(b_reply.output().unwrap().status.success());
    let mut b_assign = env.command(&["assign", &id, "Bob <bob@example.com>"]);
    b_assign.current_dir(&b).env("GIT_AUTHOR_DATE", "2026-11-28T10:03:00Z");
    assert!(b_assign.output().unwrap().status.success());

    env.desk(&["sync"]).ok();
    let merged = env.desk_in(&b, &["sync", "--json"]).ok().json();
    assert_eq!(merged["state"], "merged");
    assert_eq!(merged["pushed"], true);
    assert_eq!(merged["incoming"]["commits"], 2);
    let conflicts = merged["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{merged:#}");
    assert_eq!(conflicts[0]["ticket"], id.as_str());
    assert_eq!(conflicts[0]["field"], "assignee");
    assert_eq!(conflicts[0]["kept"], "local");
    assert_eq!(conflicts[0]["kept_value"], "Bob <bob@example.com>");
    // The merge commit has both parents.
    let parents = env.git_in(&b, &["rev-list", "--parents", "-n1", "refs/heads/desk"]);
    assert_eq!(parents.split_whitespace().count(), 3, "{parents}");

    let back = env.desk(&["sync"]).ok();
    assert!(back.stderr.contains("(fast-forward)"), "{back}");
    assert_eq!(head(&env, &b), env.desk_head());
    let show = env.desk(&["show", &id, "--json"]).ok().json();
    let bodies: Vec<&str> =
        show["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Reply from A", "Reply from B"]);
    assert_eq!(show["assignee"], "Bob <bob@example.com>");

    // Nothing new: no commit either side.
    let before = env.desk_head();
    let again = env.desk(&["sync", "--json"]).ok().json();
    assert_eq!(again["state"], "up-to-date");
    assert_eq!(again["pushed"], false);
    assert_eq!(env.desk_head(), before);
}

#[test]
fn remote_errors_are_one_line() {
    let env = TestEnv::initialised();
    let run = env.desk(&["sync", "nosuch"]).fails(1);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: cannot fetch from 'nosuch': 'nosuch' does not appear to be a git repository"
    );
    assert!(run.stdout.is_empty());
    let run = env.desk(&["sync"]).fails(1);
    assert!(run.stderr.starts_with("error: cannot fetch from 'origin': "), "{run}");
}

#[test]
fn no_push_merges_but_leaves_the_remote_alone() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    env.new_ticket("One", &[]);
    let run = env.desk(&["sync", "--no-push", "--json"]).ok().json();
    assert_eq!(run["pushed"], false);
    assert_eq!(run["outgoing"]["commits"], 2);
    let refs = env.git_in(&server, &["for-each-ref"]);
    assert!(refs.is_empty(), "{refs}");
}

#[test]
fn init_registers_the_merge_driver_in_an_existing_clone() {
    let env = TestEnv::initialised();
    assert_eq!(env.git(&["config", "merge.desk.driver"]).trim(), "desk merge-driver %O %A %B %P");
    assert_eq!(env.git(&["show", "desk:.gitattributes"]), "tickets/** merge=desk\n");
    // A clone has the branch but not the config: `desk init` adds it, and makes no commit.
    let b = env.root.join("b");
    env.git_in(&env.root, &["clone", "-q", "--no-checkout", env.repo.to_str().unwrap(), "b"]);
    env.git_in(&b, &["branch", "desk", "origin/desk"]);
    let before = head(&env, &b);
    let run = env.desk_in(&b, &["init"]).ok();
    assert!(run.stderr.contains("registered desk's merge driver"), "{run}");
    assert_eq!(head(&env, &b), before);
    assert_eq!(env.git_in(&b, &["config", "merge.desk.driver"]).trim(), "desk merge-driver %O %A %B %P");
    let again = env.desk_in(&b, &["init"]).ok();
    assert!(!again.stderr.contains("registered"), "{again}");
}

#[test]
fn git_pull_merges_tickets_with_the_driver() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Laptop will not boot", &[]);
    // B: a normal clone with the desk branch checked out.
    let b = env.root.join("b");
    env.git_in(&env.root, &["clone", "-q", "-b", "desk", env.repo.to_str().unwrap(), "b"]);
    // `desk init` works with the desk branch checked out: it only registers the driver.
    let init = env.desk_in(&b, &["init"]).ok();
    assert!(init.stderr.contains("registered desk's merge driver"), "{init}");

    // Both sides reply; A also labels.
    env.desk_at("2026-11-28T10:00:00Z", &["reply", &id, "-m", "Reply from A"]).ok();
    env.desk_at("2026-11-28T10:01:00Z", &["label", &id, "+hardware"]).ok();
    // desk does not write to a checked-out branch: B replies from a detached HEAD.
    env.git_in(&b, &["checkout", "-q", "--detach"]);
    let mut reply = env.command(&["reply", &id, "-m", "Reply from B"]);
    reply.current_dir(&b).env("GIT_AUTHOR_DATE", "2026-11-28T10:02:00Z");
    assert!(reply.output().unwrap().status.success());
    env.git_in(&b, &["checkout", "-q", "desk"]);

    // A plain `git pull`, with desk on PATH for the driver.
    let path = format!("{}:{}", bin().parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("git")
        .current_dir(&b)
        .args(["-c", "pull.rebase=false", "pull", "--no-edit", "-q"])
        .env("PATH", path)
        .env("HOME", &env.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", env.home.join(".gitconfig"))
        .output()
        .unwrap();
    assert!(out.status.success(), "git pull failed: {}", String::from_utf8_lossy(&out.stderr));
    let file = std::fs::read_to_string(b.join(format!("tickets/{}/{id}.md", &id[..2]))).unwrap();
    assert!(!file.contains("<<<<<<<"), "{file}");
    let show = env.desk_in(&b, &["show", &id, "--json"]).ok().json();
    let bodies: Vec<&str> =
        show["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Reply from A", "Reply from B"]);
    assert_eq!(show["labels"], serde_json::json!(["hardware"]));
    env.desk_in(&b, &["doctor"]).ok();
    // `desk sync` does not move a checked-out desk branch either.
    env.git_in(&b, &["commit", "-q", "--allow-empty", "-m", "local"]);
    env.desk(&["note", &id, "-m", "One more"]).ok();
    let run = env.desk_in(&b, &["sync", "--no-push"]).fails(1);
    assert!(run.stderr.contains("is checked out"), "{run}");
}

#[test]
fn a_push_the_remote_refuses_is_one_line_with_its_message() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let hook = env.root.join("server.git/hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'the desk branch is frozen' >&2\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    env.git(&["remote", "add", "origin", env.root.join("server.git").to_str().unwrap()]);
    let run = env.desk(&["sync"]).fails(1);
    let first = run.stderr.lines().next().unwrap();
    assert!(first.starts_with("error: cannot push to 'origin': [remote rejected]"), "{run}");
    assert!(first.contains("the desk branch is frozen"), "{run}");
    assert!(run.stdout.is_empty());
}
