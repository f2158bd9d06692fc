//! The conventions git and gh users have in their fingers: a pager, local
//! times, git's colour settings and `GIT_DIR`, the editor without a terminal,
//! completions and man pages, warnings where git would warn, and terminal
//! text that ticket content cannot take over.

use crate::common::TestEnv;

#[test]
fn removing_a_label_the_ticket_lacks_warns_and_commits_nothing() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    let head = env.desk_head();
    let run = env.desk(&["label", &id, "-nonexistent"]).ok();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(&format!("warning: {} has no label 'nonexistent'", &id[..6])),
        "{run}"
    );
    assert_eq!(env.desk_head(), head, "nothing to commit");
    // Removing one it has and one it lacks: the change is made, the other warned about.
    let run = env.desk(&["label", &id, "-printer", "-nonexistent"]).ok();
    assert!(run.stderr.contains("has no label 'nonexistent'"), "{run}");
    assert!(!run.stderr.contains("has no label 'printer'"), "{run}");
    assert_ne!(env.desk_head(), head);
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["labels"], serde_json::json!([]));
}

#[test]
fn sync_says_up_to_date_only_when_nothing_moved() {
    let env = TestEnv::initialised();
    env.git_in(&env.root, &["init", "-q", "--bare", "server.git"]);
    let server = env.root.join("server.git");
    env.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    env.new_ticket("One", &[]);
    env.new_ticket("Two", &[]);
    // Nothing comes in, three commits go out.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(
        run.stderr,
        "synced 'desk' with origin\n  in:  nothing new\n  out: 3 commits, 2 tickets changed, pushed\n"
    );
    // Nothing either way.
    let run = env.desk(&["sync"]).ok();
    assert_eq!(run.stderr, "synced 'desk' with origin: already up to date\n");
}

/// Control characters a terminal would obey: an OSC 52 clipboard write, a
/// window title, a screen clear, a one-byte CSI, a right-to-left override, a
/// carriage return and a backspace.
const HOSTILE: &str = "A\u{1b}]52;c;aGk=\u{7}B\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}C\rD\u{8}";
/// The same, as a YAML double-quoted scalar.
const HOSTILE_YAML: &str = r#""A\e]52;c;aGk=\aB\e]0;pwned\a\e[2J\x9b31m\u202eC\rD\b""#;

/// `text` with desk's own colour codes (SGR: ESC [ digits ; m) taken out.
fn without_sgr(text: &str) -> String {
    regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap().replace_all(text, "").into_owned()
}

/// Asserts that `text` holds nothing a terminal would obey but desk's own colours.
#[track_caller]
fn assert_terminal_safe(what: &str, text: &str) {
    let plain = without_sgr(text);
    let bad: Vec<char> = plain
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect();
    assert!(bad.is_empty(), "{what} sent {bad:?} to the terminal:\n{text}");
}

#[test]
fn ticket_content_never_sends_escape_sequences_to_the_terminal() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jams", &["-l", "printer"]);
    // An author with control characters in their name replies.
    let evil = "Evil\u{1b}]52;c;aGk=\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}Na\u{8}me";
    env.desk_env(&["reply", &id, "-m", "fine"], &[("GIT_AUTHOR_NAME", evil)]).ok();
    // Title, label, assignee, a custom field and the description, written by hand.
    let path = format!("tickets/{}/{id}.md", &id[..2]);
    let file = env.ticket_file(&id);
    let file = file
        .replace("title: Printer jams", &format!("title: {HOSTILE_YAML}"))
        .replace("labels: [printer]", &format!("labels: [printer, {HOSTILE_YAML}]"))
        .replace("assignee:\n", &format!("assignee: {HOSTILE_YAML}\n"))
        .replace("updated:", &format!("x-custom: {HOSTILE_YAML}\nupdated:"))
        .replace("> Something is wrong.", &format!("> Body {HOSTILE} and &#27;]0;ref&#7; `{HOSTILE}`"));
    env.commit_by_hand(&[(&path, &file)], "hostile by hand");
    // The file reads back with the exact text: JSON keeps it.
    let json = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(json["title"], HOSTILE);
    assert_eq!(json["fields"]["x-custom"], HOSTILE);
    assert!(json["labels"].as_array().unwrap().contains(&serde_json::json!(HOSTILE)));
    assert_eq!(json["comments"][0]["author"].as_str().unwrap().split(" <").next().unwrap(), evil);

    let commands: [&[&str]; 6] = [
        &["show", &id],
        &["list", "--all"],
        &["log", &id],
        &["report", "--since", "2026-11-01", "--by", "label"],
        &["report", "--since", "2026-11-01", "--by", "assignee", "--chart"],
        &["doctor"],
    ];
    for args in commands {
        for color in ["--color=never", "--color=always"] {
            let mut all = args.to_vec();
            all.push(color);
            let run = env.desk(&all);
            assert!(run.code == 0, "{all:?}:\n{run}");
            assert_terminal_safe(&format!("desk {}", all.join(" ")), &run.stdout);
            assert_terminal_safe(&format!("desk {} (stderr)", all.join(" ")), &run.stderr);
        }
    }
    // What was replaced is shown: control pictures, and U+FFFD for C1 and bidi controls.
    let show = env.desk(&["show", &id]).ok().stdout;
    assert!(show.contains("A␛]52;c;aGk=␇B␛]0;pwned␇␛[2J\u{fffd}31m\u{fffd}C␍D␈"), "{show}");
    assert!(show.contains("␛]0;ref␇"), "a character reference in Markdown is shown too:\n{show}");
    let list = env.desk(&["list", "--all"]).ok().stdout;
    assert!(list.contains("A␛]52;c;aGk=␇B"), "{list}");
    // CSV, like ls, keeps the exact text when it does not go to a terminal.
    let csv = env.desk(&["report", "--since", "2026-11-01", "--by", "label", "--csv"]).ok().stdout;
    assert!(csv.contains(HOSTILE), "{csv:?}");
}
