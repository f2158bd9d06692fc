//! `desk tui` end to end: the real binary in tmux (a private server, 120×40),
//! driven by keys and read from the screen; what it changed is read back with
//! the command line. tmux is required: without it these tests fail (CI
//! installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, bin};

/// A tmux server of its own, with one session running a command; killed on drop.
struct Tmux<'e> {
    env: &'e TestEnv,
    socket: PathBuf,
    vars: Vec<(String, String)>,
}

impl<'e> Tmux<'e> {
    /// Starts `desk ARGS` in the repository of `env` with extra variables;
    /// the exit status is written to `exit` in the temporary root when it ends.
    fn start(env: &'e TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Tmux<'e> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let tmux = Tmux { socket: env.root.join("tmux.sock"), vars, env };
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let mut line = quote(bin().to_str().expect("a UTF-8 path"));
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        let exit = env.root.join("exit");
        let line = format!("{line}; echo $? > {}", quote(exit.to_str().unwrap()));
        let repo = env.repo.to_str().unwrap();
        tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-c", repo, &line]);
        tmux
    }

    fn command(&self) -> Command {
        let mut cmd = self.env.program(Path::new("tmux"));
        cmd.env("TERM", "xterm-256color");
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.arg("-S").arg(&self.socket);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.command().args(args).output().unwrap_or_else(|e| {
            panic!("cannot run tmux ({e}): the terminal UI's end-to-end tests need it (apt-get install tmux)")
        });
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// The screen as text; with `styled`, with its escape sequences (`-e`).
    fn screen(&self, styled: bool) -> String {
        let mut args = vec!["capture-pane", "-p"];
        if styled {
            args.push("-e");
        }
        String::from_utf8_lossy(&self.run(&args).stdout).into_owned()
    }

    /// Waits until the screen shows `text`; fails with the screen after 20 s.
    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen(false);
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "waited for {text:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends keys (tmux key names: `Enter`, `Escape`, `j`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// The selected (reversed) line of the screen, without its escapes.
    fn selected_line(&self) -> Option<String> {
        let screen = self.screen(true);
        let line = screen.lines().find(|l| l.contains("\x1b[7m"))?;
        let mut plain = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        Some(plain)
    }

    /// Waits for the program to end and returns its exit status.
    #[track_caller]
    fn exit_code(&self) -> i32 {
        let file = self.env.root.join("exit");
        let start = Instant::now();
        loop {
            if let Ok(code) = std::fs::read_to_string(&file)
                && !code.trim().is_empty()
            {
                return code.trim().parse().expect("an exit status");
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "desk tui did not end:\n{}",
                self.screen(false)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

/// An editor that adds `text` to the file it is given, as someone typing a reply would.
fn editor_adding(env: &TestEnv, text: &str) -> String {
    let path = env.home.join("reply-editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\nprintf '%s\\n' '{text}' >> \"$1\"\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.to_str().unwrap().to_owned()
}

/// The choices of the picker box on `screen`, top to bottom.
fn picker_choices(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains('┌'))
        .skip(1)
        .take_while(|l| !l.contains('└'))
        .filter_map(|l| l.split('│').nth(1))
        .map(|c| c.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_reply_and_a_status_change_in_the_tui_are_the_commits_of_the_command_line() {
    let env = TestEnv::initialised();
    let title = "Printer on 3rd floor does not print";
    let id = env.new_ticket(title, &["--requester", "Jane Doe <jane@example.com>"]);
    let short = &id[..6];
    let before = env.desk_head();
    let reply = "Please restart the printer and tell us what its display shows.";
    let editor = editor_adding(&env, reply);
    let tui = Tmux::start(&env, &["tui", "--queue", "all"], &[("EDITOR", &editor)]);
    tui.wait_for(title);
    tui.keys(&["Enter"]);
    tui.wait_for("Requester");
    // r: the editor runs on the terminal, then `desk reply ID -F FILE`.
    tui.keys(&["r"]);
    tui.wait_for(&format!("{short}: replied (comment"));
    tui.wait_for("Reply from Test Agent");
    tui.wait_for("Please restart the printer");
    // s: a picker of the statuses the workflow allows, at the ticket's own (open, after the reply).
    tui.keys(&["s"]);
    let choices = picker_choices(&tui.wait_for("┌ Status"));
    let at = choices.iter().position(|c| c == "open").unwrap_or_else(|| panic!("{choices:?}"));
    let pending = choices.iter().position(|c| c == "pending").unwrap_or_else(|| panic!("{choices:?}"));
    for _ in at..pending {
        tui.keys(&["j"]);
    }
    tui.keys(&["Enter"]);
    tui.wait_for(&format!("{short}: status pending"));
    tui.wait_for(&format!("{short} · pending"));
    tui.keys(&["q"]);
    assert_eq!(tui.exit_code(), 0);

    // What the command line reads back.
    let shown = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(shown["status"], "pending", "{shown:#}");
    let comments = shown["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1, "{shown:#}");
    assert_eq!(comments[0]["visibility"], "public");
    assert_eq!(comments[0]["author"], "Test Agent <agent@example.com>");
    assert_eq!(comments[0]["body"], reply);
    let log = env.desk(&["log", &id, "--json"]).ok().json();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // The reply, as `desk reply` does, moved the new ticket to open in its own commit.
    assert_eq!(kinds, ["created", "reply", "status", "status"], "{log:#}");
    assert_eq!(log[1]["commit"], log[2]["commit"], "{log:#}");
    assert_eq!((&log[2]["from"], &log[2]["to"]), (&"new".into(), &"open".into()));
    assert_eq!((&log[3]["from"], &log[3]["to"]), (&"open".into(), &"pending".into()));
    // One commit per change, each as `desk reply` and `desk status` write it.
    let commits = env.git(&[
        "log",
        "--reverse",
        "--format=%s|%(trailers:key=Desk-Ticket,valueonly,separator=)|%an",
        &format!("{before}..desk"),
    ]);
    let expected = [
        format!("{short} reply: {title}|{id}|Test Agent"),
        format!("{short} status: {title}|{id}|Test Agent"),
    ];
    assert_eq!(commits.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn the_tui_follows_the_branch_and_keeps_the_selected_ticket() {
    let env = TestEnv::initialised();
    env.new_ticket("VPN drops every ten minutes", &["--priority", "high"]);
    env.new_ticket("Laptop fan is loud", &[]);
    let tui = Tmux::start(&env, &["tui", "--queue", "all"], &[]);
    tui.wait_for("Laptop fan is loud");
    // Without SLA policies the most urgent comes first: the fan is second.
    tui.keys(&["j"]);
    let selected = || tui.selected_line().unwrap_or_default();
    let start = Instant::now();
    while !selected().contains("Laptop fan is loud") {
        assert!(start.elapsed() < Duration::from_secs(20), "not selected:\n{}", tui.screen(false));
        std::thread::sleep(Duration::from_millis(100));
    }
    // Someone else adds a ticket that sorts first: it shows up, the selection stays.
    env.new_ticket("Server room too hot", &["--priority", "urgent"]);
    let screen = tui.wait_for("Server room too hot");
    assert!(screen.contains("3 tickets"), "{screen}");
    let order: Vec<&str> = screen.lines().filter(|l| l.contains("  new  ")).collect();
    assert!(order[0].contains("Server room too hot"), "{screen}");
    assert!(selected().contains("Laptop fan is loud"), "{}", tui.screen(true));
    tui.keys(&["q"]);
    assert_eq!(tui.exit_code(), 0);
}

#[test]
fn without_a_terminal_the_tui_says_so() {
    let env = TestEnv::initialised();
    let run = env.desk(&["tui"]);
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    let message = run.error(2);
    assert!(message.starts_with("desk tui needs a terminal"), "{message}");
}

#[test]
fn the_first_screen_can_be_printed() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer on 3rd floor does not print", &["--priority", "urgent"]);
    let run = env.desk(&["tui", "--queue", "all", "--print-frame", "100x8"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 8, "{run}");
    assert!(lines[0].contains("Mine  Unassigned in my teams  All") && lines[0].contains("1 ticket"), "{run}");
    assert!(lines[2].starts_with("ID      STATUS  PRIORITY  ASSIGNEE  AGE  TITLE"), "{run}");
    let row = format!("{}  new     urgent    -         3h   Printer on 3rd floor does not print", &id[..6]);
    assert_eq!(lines[3], row, "{run}");
    // A ticket file desk cannot read is counted on the screen; nothing is written to stderr.
    env.commit_by_hand(&[("tickets/zz/zzzzzzzzzz.md", "no front matter\n")], "a broken file");
    let run = env.desk(&["tui", "--queue", "all", "--print-frame", "120x8"]).ok();
    assert!(
        run.stdout.lines().next().unwrap().contains("1 unreadable ticket file left out: desk doctor"),
        "{run}"
    );
    assert_eq!(run.stderr, "", "{run}");
    // The same query language as desk list, and its errors.
    let none = env.desk(&["tui", "--queue", "all", "--print-frame", "100x8", "priority:low"]).ok();
    assert!(none.stdout.contains("No tickets here."), "{none}");
    let message = env.desk(&["tui", "--print-frame", "100x8", "priority:nope"]).error(2);
    assert!(message.contains("nope"), "{message}");
}
