//! `desk edit` (from a file and through the real editor on a pseudo-terminal)
//! and the other commands that open the editor when on a terminal.

use std::path::Path;

use crate::common::{Run, TestEnv, bin, run};

/// Runs `desk ARGS` on a pseudo-terminal (util-linux `script`), so desk
/// believes it is interactive and opens the fake editor, which writes
/// `DESK_TEST_EDIT` over the file or appends `DESK_TEST_APPEND` to it.
fn desk_on_terminal(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Run {
    desk_on_terminal_typing(env, args, vars, None)
}

/// The same, with `typed` sent to the terminal as keystrokes.
fn desk_on_terminal_typing(env: &TestEnv, args: &[&str], vars: &[(&str, &str)], typed: Option<&str>) -> Run {
    let mut line = shell_quote(bin().to_str().unwrap());
    for a in args {
        line.push(' ');
        line.push_str(&shell_quote(a));
    }
    let mut cmd = env.program(Path::new("script"));
    cmd.args(["-qec", &line, "/dev/null"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut out = run(cmd, typed);
    out.stdout = out.stdout.replace("\r\n", "\n");
    out
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn edit_from_a_file_commits_a_valid_change() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();
    let text = env
        .ticket_file(&id)
        .replace("Printer jams", "Printer jams on floor 3")
        .replace("status: new", "status: pending\nasset: 4711");
    let file = env.root.join("t.md");
    std::fs::write(&file, &text).unwrap();
    let run = env.desk_at("2026-11-28T10:00:00Z", &["edit", &id[..6], "-F", file.to_str().unwrap()]).ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("edited"), "{run}");
    assert_eq!(env.git(&["rev-parse", "refs/heads/desk^"]).trim(), head);
    let subject = env.git(&["log", "-1", "--format=%s", "refs/heads/desk"]);
    assert_eq!(subject.trim(), format!("{} edit: Printer jams on floor 3", &id[..6]));
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["title"], "Printer jams on floor 3");
    assert_eq!(t["status"], "pending");
    assert_eq!(t["fields"]["asset"], 4711);
    // The edit is dated by its commit.
    assert_eq!(t["updated"], "2026-11-28T10:00:00Z");

    // The same text again is no change and no commit; so is stdin.
    let head = env.desk_head();
    let current = env.ticket_file(&id);
    let run = env.desk_stdin(&["edit", &id, "-F", "-"], &current).ok();
    assert!(run.stderr.contains("no changes"), "{run}");
    assert_eq!(env.desk_head(), head);
    let renamed = current.replace("title: Printer jams on floor 3", "title: From stdin");
    env.desk_stdin(&["edit", &id, "-F", "-"], &renamed).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["title"], "From stdin");
}

#[test]
fn a_broken_edit_is_refused_and_the_text_kept() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();
    let original = env.ticket_file(&id);
    let cases = [
        (original.replace("status: new", "status: nonsense"), "status"),
        (original.replace("priority: normal", "priority: p0"), "priority"),
        (original.replace("> Something is wrong.", "<<<<<<< HEAD\n> Something is wrong."), "conflict marker"),
        (original.replace(&format!("id: {id}"), "id: zzzzzzzzzz"), "does not match"),
        (original.replacen("---\n", "", 1), "line 1"),
    ];
    let file = env.root.join("t.md");
    for (text, needle) in &cases {
        std::fs::write(&file, text).unwrap();
        let run = env.desk(&["edit", &id, "-F", file.to_str().unwrap()]);
        let hint =
            run.stderr.lines().find(|l| l.starts_with("hint: ")).map(str::to_owned).unwrap_or_default();
        let message = run.error(1);
        assert!(message.starts_with("the edited ticket is not valid"), "{message}");
        assert!(message.contains(needle), "{needle}: {message}");
        // The text is kept where the hint says, ready to fix and pass back.
        let kept = env.repo.join(format!(".git/desk/edit-{id}.md"));
        assert!(hint.contains(kept.to_str().unwrap()), "{hint}");
        assert_eq!(&std::fs::read_to_string(&kept).unwrap(), text);
        assert_eq!(env.desk_head(), head);
    }
    // Fixing the kept file and passing it back works.
    let kept = env.repo.join(format!(".git/desk/edit-{id}.md"));
    std::fs::write(&kept, original.replace("Printer jams", "Fixed")).unwrap();
    env.desk(&["edit", &id, "-F", kept.to_str().unwrap()]).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["title"], "Fixed");
    assert_eq!(env.user_state().status, "", "nothing of this shows in the working tree");
}

#[test]
fn edit_without_a_terminal_or_an_editor_asks_for_a_file() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();
    let message = env.desk_without_editor(&["edit", &id]).error(2);
    assert!(message.contains("-F") && message.contains("EDITOR"), "{message}");
    let message = env.desk(&["edit", &id, "-F", "/nonexistent/file.md"]).error(1);
    assert!(message.contains("/nonexistent/file.md"), "{message}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn edit_on_a_terminal_runs_the_editor_on_the_whole_file() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let head = env.desk_head();

    // The editor sees the whole file; appending a line to the description is a change.
    let run = desk_on_terminal(&env, &["edit", &id], &[("DESK_TEST_APPEND", "\nMore detail.\n")]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["body"], "Something is wrong.\n\nMore detail.");
    assert_ne!(env.desk_head(), head);

    // A broken edit is refused and kept; the branch stays.
    let head = env.desk_head();
    let run = desk_on_terminal(&env, &["edit", &id], &[("DESK_TEST_APPEND", "<<<<<<< HEAD\n")]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("error: the edited ticket is not valid"), "{run}");
    assert!(run.stdout.contains("conflict marker"), "{run}");
    let kept = std::fs::read_to_string(env.repo.join(format!(".git/desk/edit-{id}.md"))).unwrap();
    assert!(kept.ends_with("More detail.\n<<<<<<< HEAD\n"), "{kept}");
    assert_eq!(env.desk_head(), head);

    // An editor that fails changes nothing.
    let run = desk_on_terminal(&env, &["edit", &id], &[("EDITOR", "false")]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("nothing was changed"), "{run}");
    // Saving the file unchanged is no change.
    let run = desk_on_terminal(&env, &["edit", &id], &[]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("no changes"), "{run}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn reply_note_and_new_open_the_editor_on_a_terminal() {
    let env = TestEnv::initialised();
    let run = desk_on_terminal(
        &env,
        &["new", "From the terminal"],
        &[("DESK_TEST_EDIT", "Typed in the editor.\n")],
    );
    assert_eq!(run.code, 0, "{run}");
    let id = run.stdout.lines().next().unwrap().trim().to_owned();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["body"], "Typed in the editor.");

    let run = desk_on_terminal(&env, &["reply", &id], &[("DESK_TEST_EDIT", "A reply.\n")]);
    assert_eq!(run.code, 0, "{run}");
    let run = desk_on_terminal(&env, &["note", &id], &[("VISUAL", "false"), ("DESK_TEST_EDIT", "x")]);
    assert_eq!(run.code, 1, "VISUAL wins over EDITOR:\n{run}");
    // An empty text in the editor writes nothing.
    let head = env.desk_head();
    let run = desk_on_terminal(&env, &["note", &id], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stdout.contains("empty"), "{run}");
    assert_eq!(env.desk_head(), head);
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["comments"].as_array().unwrap().len(), 1);
    assert_eq!(t["comments"][0]["body"], "A reply.");
}

#[test]
fn new_asks_for_a_title_on_a_terminal() {
    let env = TestEnv::initialised();
    let run = desk_on_terminal_typing(
        &env,
        &["new"],
        &[("DESK_TEST_EDIT", "Described in the editor.")],
        Some("Typed at the prompt\r"),
    );
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("Title"), "{run}");
    let ids = env.all_ids();
    assert_eq!(ids.len(), 1, "{run}");
    let t = env.desk(&["show", &ids[0], "--json"]).ok().json();
    assert_eq!(t["title"], "Typed at the prompt");
    assert_eq!(t["body"], "Described in the editor.");
}

#[test]
fn edit_repairs_a_file_desk_cannot_read() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &[]);
    let good = env.ticket_file(&id);
    let broken = good.replace(
        "Something is wrong.",
        "<<<<<<< ours\nSomething is wrong.\n=======\nBroken.\n>>>>>>> theirs",
    );
    env.commit_by_hand(&[(&format!("tickets/{}/{id}.md", &id[..2]), &broken)], "merged on a forge");
    env.desk(&["show", &id]).error(1);
    assert_eq!(env.desk(&["doctor"]).code, 3);
    // The editor gets the broken text as it is.
    let run = desk_on_terminal(
        &env,
        &["edit", &id],
        &[("DESK_TEST_EDIT", &good.replace("wrong.", "wrong, fixed."))],
    );
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["body"], "Something is wrong, fixed.");
    env.desk(&["doctor"]).ok();
}
