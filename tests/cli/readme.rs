//! Every command line in README.md's shell blocks runs, in order, through a
//! real shell (`sh -c`, so quoting and redirection mistakes show) in a temporary
//! world with the built desk first on PATH. The README's example id stands for
//! the ticket its `desk new` line really created. A line must exit 0 unless its
//! comment says `(exit N)`; the few lines that cannot run here have a stand-in
//! or are skipped, each for a stated reason in `STAND_INS`.

use std::path::{Path, PathBuf};

use crate::common::{Run, TestEnv, bin, run};

/// README lines (without their comment) that do not run as written: what runs
/// instead (`None`: nothing) and why.
const STAND_INS: &[(&str, Option<&str>, &str)] = &[
    (
        "cargo install --locked --path . && desk demo",
        Some("desk demo"),
        "the desk under test is already first on PATH, where cargo install would put it",
    ),
    ("cargo test --locked", None, "this test is part of that test suite"),
    (
        "cargo run -q -- generate",
        None,
        "it rewrites man/ and completions/ in the source tree; generated.rs checks they are fresh",
    ),
    (
        "git clone https://example.com/team/helpdesk.git && cd helpdesk",
        Some(
            "git clone -q --bare . ../helpdesk.git && git clone -q ../helpdesk.git ../helpdesk && cd ../helpdesk",
        ),
        "no network in tests: the shared repository is a local bare copy of the tour's repository",
    ),
];

/// The languages of README.md's code blocks: shell blocks run, the others are
/// file contents. A block in another language fails the test until it is
/// sorted into one of these.
const SHELL: &[&str] = &["sh"];
const NOT_SHELL: &[&str] = &["markdown", "json", "yaml"];

/// One command line of a shell block, continuation lines joined.
#[derive(Debug)]
struct Line {
    /// The text as the shell gets it (continuations kept as `\` + newline).
    text: String,
    /// Where it starts in README.md, for messages.
    number: usize,
    /// The exit code its comment announces with `(exit N)`, else 0.
    expect: i32,
    /// A lone id in the comment line that follows: what the README says it prints.
    prints_id: Option<String>,
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md")
}

/// Whether `word` looks like a full ticket id (10 characters of the id alphabet).
fn is_id(word: &str) -> bool {
    word.len() == 10
        && word.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_lowercase() && !"ilou".contains(c)))
}

/// The command lines of every shell block, in order.
fn command_lines(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut language: Option<String> = None;
    let mut pending: Option<Line> = None;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        if let Some(fence) = raw.strip_prefix("```") {
            if language.is_some() {
                language = None;
            } else {
                let lang = fence.trim().to_owned();
                assert!(
                    SHELL.contains(&lang.as_str()) || NOT_SHELL.contains(&lang.as_str()),
                    "README.md:{number}: a code block in '{lang}': add it to SHELL or NOT_SHELL in {}",
                    file!()
                );
                language = Some(lang);
            }
            continue;
        }
        if !language.as_deref().is_some_and(|l| SHELL.contains(&l)) {
            continue;
        }
        if let Some(mut line) = pending.take() {
            line.text.push('\n');
            line.text.push_str(raw);
            if raw.ends_with('\\') {
                pending = Some(line);
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = raw.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(last) = lines.last_mut().filter(|_| is_id(comment.trim())) {
                last.prints_id = Some(comment.trim().to_owned());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        let expect = raw
            .split_once(" # ")
            .and_then(|(_, comment)| comment.split_once("(exit ")?.1.split_once(')')?.0.parse().ok())
            .unwrap_or(0);
        let line = Line { text: raw.to_owned(), number, expect, prints_id: None };
        if raw.ends_with('\\') {
            pending = Some(line);
        } else {
            lines.push(line);
        }
    }
    assert!(language.is_none(), "README.md ends inside a code block");
    lines
}

/// The command without its trailing comment, for looking up stand-ins.
fn without_comment(text: &str) -> &str {
    text.split_once(" # ").map_or(text, |(command, _)| command).trim()
}

/// Replaces every prefix (4 characters or more) of an example id in `text` by
/// the same-length prefix of the real id.
fn substitute_ids(text: &str, ids: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let real = ids
            .iter()
            .find(|(example, _)| word.len() >= 4 && example.starts_with(word.as_str()))
            .map(|(_, real)| &real[..word.len()]);
        out.push_str(real.unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Runs `script` with `sh -c` in `dir`, desk first on PATH; returns the run and
/// the directory the script ended in (so `cd` carries over to the next line).
fn shell(env: &TestEnv, dir: &Path, script: &str) -> (Run, PathBuf) {
    let cwd_file = env.root.join("readme-cwd");
    let bin_dir = bin().parent().expect("the binary's directory");
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("a PATH");
    let mut cmd = env.program(Path::new("sh"));
    cmd.current_dir(dir)
        .env("PATH", path)
        .env("TMPDIR", env.root.join("tmp"))
        .env("DESK_README_CWD", &cwd_file)
        .arg("-c")
        .arg(format!("{script}\nstatus=$?\npwd > \"$DESK_README_CWD\"\nexit $status\n"));
    let out = run(cmd, None);
    let cwd = std::fs::read_to_string(&cwd_file).map_or_else(|_| dir.to_owned(), |s| PathBuf::from(s.trim()));
    (out, cwd)
}

#[test]
fn every_command_line_in_the_readme_runs() {
    let jq = std::process::Command::new("jq").arg("--version").output();
    assert!(
        jq.is_ok_and(|o| o.status.success()),
        "README's examples pipe into jq: install jq (see docs/testing.md)"
    );

    let env = TestEnv::new();
    std::fs::create_dir_all(env.root.join("tmp")).unwrap();
    // `cd my-repo` stands for any git repository: an empty one, so that any file
    // a command line leaves behind (a mistaken redirection) shows.
    let my_repo = env.root.join("my-repo");
    std::fs::create_dir_all(&my_repo).unwrap();
    env.git_in(&my_repo, &["init", "-q"]);

    let lines = command_lines(&readme());
    assert!(lines.len() >= 30, "only {} command lines found in README.md", lines.len());
    let mut dir = env.root.clone();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut used = vec![false; STAND_INS.len()];
    for line in &lines {
        let mut script = line.text.clone();
        if let Some(i) = STAND_INS.iter().position(|(readme, _, _)| *readme == without_comment(&line.text)) {
            used[i] = true;
            match STAND_INS[i].1 {
                Some(stand_in) => stand_in.clone_into(&mut script),
                None => continue,
            }
        }
        let script = substitute_ids(&script, &ids);
        let (out, cwd) = shell(&env, &dir, &script);
        let shown =
            format!("README.md:{}: {}\nran: {script}\nin {}\n{out}", line.number, line.text, dir.display());
        assert_eq!(out.code, line.expect, "unexpected exit code:\n{shown}");
        if line.expect == 0 {
            // A pipe's exit code is its last command's: desk's errors show on stderr.
            assert!(!out.stderr.lines().any(|l| l.starts_with("error:")), "an error on stderr:\n{shown}");
        }
        if let Some(example) = &line.prints_id {
            let real = out.stdout.trim();
            assert!(is_id(real), "README says this prints an id:\n{shown}");
            ids.push((example.clone(), real.to_owned()));
        }
        dir = cwd;
    }
    for ((readme, _, why), used) in STAND_INS.iter().zip(used) {
        assert!(used, "the stand-in for `{readme}` ({why}) matches no README line any more");
    }
    assert!(!ids.is_empty(), "no README line prints the example id");
    let status = env.git_in(&my_repo, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "README command lines left files in my-repo");
}

#[test]
fn command_lines_are_read_with_continuations_comments_and_expected_failures() {
    let text = "intro\n```sh\ndesk new \"a b\" \\\n    -l x\n# k3x9q2hm7d\ndesk list -x    # fails (exit 2)\n```\n\
                ```json\n{\"a\": 1}\n```\n";
    let lines = command_lines(text);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].text, "desk new \"a b\" \\\n    -l x");
    assert_eq!((lines[0].number, lines[0].expect, lines[0].prints_id.as_deref()), (3, 0, Some("k3x9q2hm7d")));
    assert_eq!((lines[1].expect, lines[1].prints_id.as_deref()), (2, None));
    let ids = [("k3x9q2hm7d".to_owned(), "abcdefgh12".to_owned())];
    assert_eq!(
        substitute_ids("desk show k3x9 k3x k3x9q2hm7d desk k3x9q2.", &ids),
        "desk show abcd k3x abcdefgh12 desk abcdef."
    );
}
