//! `desk link-commits`: trailers of a real code repository's commits (with a
//! branch and a merge) become notes once, and a fix that reached the branch
//! resolves its ticket with a public reply.

use crate::common::TestEnv;

/// A commit on the code branch checked out in `env.repo`, with `message`.
fn commit(env: &TestEnv, file: &str, message: &str) -> String {
    std::fs::write(env.repo.join(file), message).unwrap();
    env.git(&["add", file]);
    env.git(&["commit", "-q", "-m", message]);
    env.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

#[test]
fn trailers_link_commits_once_and_fixes_resolve_on_the_branch() {
    let env = TestEnv::initialised();
    let vpn = env.new_ticket("VPN drops", &["--requester", "Jane <jane@example.org>"]);
    let printer = env.new_ticket("Printer jams", &[]);
    commit(&env, "a.txt", "Start");
    let main = env.git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim().to_owned();
    // A fix on a feature branch, merged into the main branch.
    env.git(&["checkout", "-q", "-b", "feature"]);
    let fix = commit(&env, "vpn.txt", &format!("Keep the VPN alive\n\nFixes-Ticket: {}", &vpn[..6]));
    env.git(&["checkout", "-q", &main]);
    commit(&env, "b.txt", &format!("Printer notes\n\nRefs-Ticket: {}, zzzzzz", &printer[..5]));
    env.git(&["merge", "-q", "--no-ff", "feature", "-m", "Merge feature"]);
    // Work not on the main branch yet.
    env.git(&["checkout", "-q", "-b", "next"]);
    let later = commit(&env, "c.txt", &format!("Printer fix\n\nFixes-Ticket: {}", &printer[..6]));
    env.git(&["checkout", "-q", &main]);

    let run = env.desk(&["link-commits", "next", "--resolve-on", &main, "--json"]).ok();
    let lines: Vec<serde_json::Value> =
        run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{run}");
    assert!(run.stderr.contains("zzzzzz"), "an unknown ticket is a warning: {run}");
    let vpn_line = lines.iter().find(|l| l["ticket"] == vpn.as_str()).unwrap();
    assert_eq!(vpn_line["resolved"], fix.as_str());
    let printer_line = lines.iter().find(|l| l["ticket"] == printer.as_str()).unwrap();
    assert_eq!(printer_line["linked"].as_array().unwrap().len(), 2, "{run}");
    assert_eq!(printer_line["resolved"], serde_json::Value::Null, "its fix is not on {main} yet");

    let shown = env.desk(&["show", &vpn, "--json"]).ok().json();
    assert_eq!(shown["status"], "resolved");
    let comments = shown["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2, "{shown:#}");
    assert_eq!(comments[0]["visibility"], "internal");
    assert!(
        comments[0]["body"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Linked commit {fix}\n\nKeep the VPN alive by "))
    );
    assert_eq!(comments[1]["visibility"], "public");
    assert!(
        comments[1]["body"].as_str().unwrap().contains(&format!("is now in {main}: Keep the VPN alive."))
    );
    let text = env.desk(&["show", &printer]).ok().stdout;
    assert!(text.contains("Printer notes by"), "{text}");
    assert!(text.contains(&format!("commit {}", &later[..10])), "{text}");
    assert_eq!(text.matches("linked").count(), 2, "{text}");

    // Again, over any range: nothing new.
    let head = env.desk_head();
    let again = env.desk(&["link-commits", "next", "--resolve-on", &main]).ok();
    assert!(again.stderr.contains("nothing to link"), "{again}");
    assert_eq!(env.desk_head(), head);
    // Once the fix reaches the main branch, its ticket is resolved.
    env.git(&["merge", "-q", "--no-ff", "next", "-m", "Merge next"]);
    env.desk(&["link-commits", "--resolve-on", &main]).ok();
    assert_eq!(env.desk(&["show", &printer, "--json"]).ok().json()["status"], "resolved");
    let dry = env.desk(&["link-commits", "--dry-run"]).ok();
    assert!(dry.stderr.contains("nothing to link"), "{dry}");
}

#[test]
fn a_remote_helpdesk_is_fetched_changed_and_pushed_back() {
    // The helpdesk lives on a server (git daemon); the code repository is elsewhere.
    let env = TestEnv::initialised();
    let (_daemon, url) = crate::sync::Daemon::serve_helpdesk(&env);
    env.git(&["remote", "add", "helpdesk", &url]);
    let vpn = env.new_ticket("VPN drops", &[]);
    env.desk(&["sync", "helpdesk"]).ok();
    let code = crate::sync::clone_dir(&env, "code");
    env.git_in(&code, &["remote", "add", "helpdesk", &url]);
    std::fs::write(code.join("fix.txt"), "fix").unwrap();
    env.git_in(&code, &["add", "fix.txt"]);
    env.git_in(&code, &["commit", "-q", "-m", &format!("Keep the VPN alive\n\nFixes-Ticket: {}", &vpn[..6])]);
    let main = env.git_in(&code, &["rev-parse", "--abbrev-ref", "HEAD"]).trim().to_owned();
    // By the remote's name, then by its URL: linked and resolved once.
    let run =
        env.desk_in(&code, &["link-commits", "--desk", "helpdesk", "--resolve-on", &main, "--json"]).ok();
    assert_eq!(run.stdout.lines().count(), 1, "{run}");
    let again = env.desk_in(&code, &["link-commits", "--desk", &url, "--resolve-on", &main, "--json"]).ok();
    assert_eq!(again.stdout, "", "{again}");
    // The code repository has no desk branch of its own; the server has the change.
    assert!(env.git_in(&code, &["branch", "--list", "desk"]).trim().is_empty());
    env.desk(&["sync", "helpdesk"]).ok();
    let shown = env.desk(&["show", &vpn, "--json"]).ok().json();
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["comments"].as_array().unwrap().len(), 2, "{shown:#}");
    // Neither a directory nor a remote: a usage error.
    let err = env.desk_in(&code, &["link-commits", "--desk", "no-such-thing"]).error(2);
    assert!(err.contains("not a remote of this repository"), "{err}");
}
