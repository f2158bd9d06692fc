//! The knowledge base: `desk kb new|list|show|edit|search|suggest`.

use crate::common::TestEnv;

#[test]
fn articles_are_written_listed_searched_and_suggested() {
    let env = TestEnv::initialised();
    let ticket = env
        .desk(&["new", "Forgot my VPN password", "-b", "I cannot log in to the VPN since Monday."])
        .ok()
        .line();
    env.desk(&[
        "kb",
        "new",
        "reset-vpn",
        "Reset your VPN password",
        "--category",
        "vpn",
        "-t",
        "vpn",
        "-t",
        "password",
        "--audience",
        "public",
        "--related",
        &ticket[..6],
        "-m",
        "Open the portal and choose **Reset password**.",
    ])
    .ok();
    env.desk(&["kb", "new", "printer-jam", "Printer jams on tray 2", "-t", "printer", "-m", "Open tray 2."])
        .ok();
    // One commit each, the file readable by any YAML reader.
    let file = env.git(&["show", "refs/heads/desk:kb/reset-vpn.md"]);
    assert!(
        file.starts_with(
            "---\ntitle: Reset your VPN password\ncategory: vpn\ntags: [vpn, password]\naudience: public\n"
        ),
        "{file}"
    );
    assert!(file.contains(&format!("related: [{ticket}]\n")), "{file}");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s", "refs/heads/desk"]),
        "kb new printer-jam: Printer jams on tray 2\n"
    );

    let list = env.desk(&["kb", "list", "--json"]).ok().json();
    let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["printer-jam", "reset-vpn"]);
    assert_eq!(list[0]["audience"], "internal");
    let shown = env.desk(&["kb", "show", "reset-vpn", "--json"]).ok().json();
    assert_eq!(shown["body"], "Open the portal and choose **Reset password**.");
    assert_eq!(shown["updated"], "2026-11-28T12:00:00Z");

    let hits = env.desk(&["kb", "search", "tray", "--json"]).ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["slug"], "printer-jam");
    let suggested = env.desk(&["kb", "suggest", &ticket, "--json"]).ok().json();
    assert_eq!(suggested[0]["slug"], "reset-vpn", "{suggested}");
    let none = env.desk(&["kb", "search", "zebra"]).ok();
    assert_eq!(none.stdout, "");
    assert!(none.stderr.contains("no article matches"), "{none}");

    // Edited with -F: checked, committed, `updated` set; unchanged writes nothing.
    let mut text = env.git(&["show", "refs/heads/desk:kb/printer-jam.md"]);
    text = text.replace("Open tray 2.", "Open tray 2 and remove the paper.");
    let path = env.root.join("article.md");
    std::fs::write(&path, &text).unwrap();
    env.desk(&["kb", "edit", "printer-jam", "-F", path.to_str().unwrap()]).ok();
    let head = env.desk_head();
    let again = env.desk(&["kb", "edit", "printer-jam", "-F", path.to_str().unwrap()]).ok();
    assert!(again.stderr.contains("unchanged"), "{again}");
    assert_eq!(env.desk_head(), head);
    std::fs::write(&path, "---\ntitle: x\nsecret: y\n---\n").unwrap();
    let e = env.desk(&["kb", "edit", "printer-jam", "-F", path.to_str().unwrap()]).error(1);
    assert!(e.contains("unknown field") && e.contains("nothing was written"), "{e}");
    assert_eq!(env.desk_head(), head);
}

#[test]
fn bad_slugs_and_duplicates_are_refused() {
    let env = TestEnv::initialised();
    let e = env.desk(&["kb", "new", "../etc", "x", "-m", "y"]).error(2);
    assert!(e.contains("slug"), "{e}");
    env.desk(&["kb", "new", "a", "A", "-m", "y"]).ok();
    let e = env.desk(&["kb", "new", "a", "A again", "-m", "y"]).error(1);
    assert!(e.contains("exists"), "{e}");
    let e = env.desk(&["kb", "show", "nope"]).error(1);
    assert_eq!(e, "no article 'nope'");
    // A broken file on the branch is left out of lists with a warning.
    env.commit_by_hand(&[("kb/broken.md", "no front matter")], "broken");
    let run = env.desk(&["kb", "list"]).ok();
    assert!(run.stderr.contains("kb/broken.md: no front matter"), "{run}");
    assert!(!run.stdout.contains("broken"), "{run}");
}

#[test]
fn a_reply_links_public_articles_only() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("VPN password", &[]);
    env.desk(&[
        "kb",
        "new",
        "reset-vpn",
        "Reset your [VPN] password",
        "--audience",
        "public",
        "-m",
        "Steps.",
    ])
    .ok();
    env.desk(&["kb", "new", "admin-notes", "Admin notes", "-m", "Secret."]).ok();
    // Without a portal address an article has no public link.
    let e = env.desk(&["reply", &id, "--kb", "reset-vpn"]).error(1);
    assert!(e.contains("no `portal:` section"), "{e}");
    env.append_config("portal:\n  base_url: https://help.example.com/\n");
    env.desk(&["reply", &id, "-m", "This should help:", "--kb", "reset-vpn"]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(
        t["comments"][0]["body"],
        "This should help:\n\n[Reset your VPN password](https://help.example.com/kb/reset-vpn/)"
    );
    env.desk(&["reply", &id, "--kb", "reset-vpn"]).ok();
    let t = env.desk(&["show", &id, "--json"]).ok().json();
    assert_eq!(t["comments"][1]["body"], "[Reset your VPN password](https://help.example.com/kb/reset-vpn/)");
    // An internal article is never linked for a requester; nothing is written.
    let head = env.desk_head();
    let e = env.desk(&["reply", &id, "-m", "see", "--kb", "admin-notes"]).error(2);
    assert!(e.contains("internal"), "{e}");
    assert_eq!(env.desk_head(), head);
    // A portal address that is not a plain http(s) URL is refused by desk config check.
    let config = env
        .git(&["show", "refs/heads/desk:desk.yaml"])
        .replace("https://help.example.com/", "javascript:alert(1)");
    let path = env.root.join("desk.yaml");
    std::fs::write(&path, config).unwrap();
    let run = env.desk(&["config", "check", path.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{run}");
    assert!(run.stdout.contains("portal.base_url"), "{run}");
}

#[test]
fn report_counts_resolved_tickets_answered_with_an_article() {
    let env = TestEnv::initialised();
    // Without articles the report has no knowledge-base part.
    let plain = env.desk(&["report", "--json"]).ok().json();
    assert_eq!(plain["kb"], serde_json::Value::Null);
    env.append_config("portal:\n  base_url: https://help.example.com\n");
    for (slug, title) in [("reset-vpn", "Reset your VPN password"), ("printer-jam", "Printer jams")] {
        env.desk(&["kb", "new", slug, title, "--audience", "public", "-m", "Steps."]).ok();
    }
    let a = env.new_ticket("VPN", &["--requester", "Jane <jane@example.org>"]);
    let b = env.new_ticket("VPN again", &["--requester", "Joe <joe@example.org>"]);
    let c = env.new_ticket("Printer", &["--requester", "Joe <joe@example.org>"]);
    let d = env.new_ticket("Other", &["--requester", "Joe <joe@example.org>"]);
    let open = env.new_ticket("Still open", &["--requester", "Joe <joe@example.org>"]);
    env.desk(&["reply", &a, "--kb", "reset-vpn", "--kb", "printer-jam"]).ok();
    env.desk(&["reply", &b, "-m", "See", "--kb", "reset-vpn"]).ok();
    // A link the requester wrote, or one in an internal note, is no answer.
    env.desk(&[
        "reply",
        &c,
        "--from",
        "Joe <joe@example.org>",
        "-m",
        "Is https://help.example.com/kb/printer-jam/ it?",
    ])
    .ok();
    env.desk(&["note", &d, "-m", "maybe https://help.example.com/kb/printer-jam/"]).ok();
    env.desk(&["reply", &open, "--kb", "reset-vpn"]).ok();
    for id in [&a, &b, &c, &d] {
        env.desk(&["resolve", id]).ok();
    }
    let report = env.desk(&["report", "--json"]).ok().json();
    assert_eq!(report["kb"]["resolved"], 4, "{report}");
    assert_eq!(report["kb"]["answered"], 2);
    assert_eq!(report["kb"]["rate"], 0.5);
    assert_eq!(
        report["kb"]["articles"],
        serde_json::json!([
            {"slug": "reset-vpn", "title": "Reset your VPN password", "tickets": 2},
            {"slug": "printer-jam", "title": "Printer jams", "tickets": 1},
        ])
    );
    let text = env.desk(&["report"]).ok().stdout;
    assert!(text.contains("Knowledge base: 2 of 4 resolved answered with an article (50%)"), "{text}");
    assert!(text.contains("      2  reset-vpn  Reset your VPN password"), "{text}");
}
