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
