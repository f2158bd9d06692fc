//! The self-service portal: `desk portal build` (pages, incremental rebuilds,
//! what it refuses), the status-page link in mail, and `desk portal serve`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::TestEnv;

const KEY: &str = "portal-key-for-tests-0123456789";

/// A helpdesk with a portal address, desk's mail address, the portal key in
/// git config, one public and one internal article and two tickets.
fn portal_env() -> (TestEnv, String, String) {
    let env = TestEnv::initialised();
    env.append_config("portal:\n  base_url: https://help.example.com/\n  title: Example Help\nmail:\n  address: support@example.com\n");
    env.git(&["config", "desk.portal.key", KEY]);
    env.desk(&[
        "kb",
        "new",
        "reset-vpn",
        "Reset your VPN password",
        "--category",
        "Network",
        "--audience",
        "public",
        "-m",
        "Open the portal and choose **Reset password**.",
    ])
    .ok();
    env.desk(&["kb", "new", "runbook", "VPN runbook", "-m", "Restart the concentrator."]).ok();
    let open = env.new_ticket("VPN fails", &["--requester", "Jane <jane@example.org>"]);
    let other = env.new_ticket("Printer jams", &[]);
    (env, open, other)
}

fn build(env: &TestEnv, out: &Path) -> serde_json::Value {
    env.desk(&["portal", "build", &out.to_string_lossy(), "--json"]).ok().json()
}

fn files(out: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, found: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, found);
            } else {
                found.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut found = Vec::new();
    walk(out, out, &mut found);
    found.sort();
    found
}

/// The status pages in OUT: `t/<token>/index.html`.
fn status_pages(out: &Path) -> Vec<String> {
    files(out).into_iter().filter(|f| f.starts_with("t/")).collect()
}

#[test]
fn a_build_makes_the_site_and_a_rebuild_rewrites_only_what_changed() {
    let (env, open, other) = portal_env();
    let out = env.root.join("site");
    let first = build(&env, &out);
    assert_eq!(first["articles"], 1, "the internal article is not published: {first}");
    assert_eq!(first["status_pages"], 2);
    assert_eq!(first["unchanged"], 0);
    assert_eq!(first["removed"], 0);
    let all = files(&out);
    for f in [
        ".desk-portal.json",
        "assets/search-index.js",
        "assets/search.js",
        "assets/style.css",
        "contact/index.html",
        "index.html",
        "kb/reset-vpn/index.html",
        "robots.txt",
        "sitemap.xml",
    ] {
        assert!(all.contains(&f.to_owned()), "{f} in {all:?}");
    }
    assert!(!all.iter().any(|f| f.contains("runbook")), "{all:?}");
    let pages = status_pages(&out);
    assert_eq!(pages.len(), 2);
    for p in &pages {
        let token = p.strip_prefix("t/").unwrap().strip_suffix("/index.html").unwrap();
        assert!(token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()), "{p}");
        assert!(!p.contains(&open) && !p.contains(&other), "a page's address does not show its id");
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://help.example.com/kb/reset-vpn/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("/t/"), "{sitemap}");

    // Nothing changed: nothing is written.
    let again = build(&env, &out);
    assert_eq!((again["written"].as_u64(), again["removed"].as_u64()), (Some(0), Some(0)), "{again}");

    // A reply rewrites that ticket's page only.
    env.desk(&["reply", &open, "-m", "Restart the client, please."]).ok();
    let after_reply = build(&env, &out);
    assert_eq!(after_reply["written"], 1, "{after_reply}");
    let page = pages
        .iter()
        .map(|p| std::fs::read_to_string(out.join(p)).unwrap())
        .find(|t| t.contains("VPN fails"))
        .unwrap();
    assert!(page.contains("Restart the client, please."), "{page}");

    // An article change rewrites its page, the home page, the index and the sitemap.
    let text = env
        .git(&["show", "refs/heads/desk:kb/reset-vpn.md"])
        .replace("Open the portal", "Open the new portal");
    env.desk_stdin(&["kb", "edit", "reset-vpn", "-F", "-"], &text).ok();
    let after_edit = build(&env, &out);
    assert_eq!(after_edit["written"], 4, "{after_edit}");
    assert!(std::fs::read_to_string(out.join("assets/search-index.js")).unwrap().contains("\"new\""));

    // An article made internal is unpublished: its page goes, the home page changes.
    let text = env
        .git(&["show", "refs/heads/desk:kb/reset-vpn.md"])
        .replace("audience: public", "audience: internal");
    env.desk_stdin(&["kb", "edit", "reset-vpn", "-F", "-"], &text).ok();
    let unpublished = build(&env, &out);
    assert_eq!(unpublished["articles"], 0, "{unpublished}");
    assert_eq!(unpublished["removed"], 1, "{unpublished}");
    assert!(!out.join("kb").exists());
    assert!(!std::fs::read_to_string(out.join("index.html")).unwrap().contains("Reset your VPN"));

    // A closed ticket's page disappears; files desk did not write stay.
    std::fs::write(out.join("CNAME"), "help.example.com\n").unwrap();
    env.desk(&["close", &other]).ok();
    let after_close = build(&env, &out);
    assert_eq!((after_close["status_pages"].as_u64(), after_close["removed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(status_pages(&out).len(), 1);
    assert!(out.join("CNAME").exists());

    // Another key moves every status page.
    let before = status_pages(&out);
    let moved = env
        .desk_env(
            &["portal", "build", &out.to_string_lossy(), "--json"],
            &[("DESK_PORTAL_KEY", "another-key-0123456789")],
        )
        .ok()
        .json();
    assert_eq!((moved["written"].as_u64(), moved["removed"].as_u64()), (Some(1), Some(1)), "{moved}");
    let after = status_pages(&out);
    assert_eq!(after.len(), 1);
    assert_ne!(after, before);
}

#[test]
fn a_build_refuses_what_it_cannot_do_safely() {
    let (env, _, _) = portal_env();
    // A directory desk did not build is never written to.
    let mine = env.root.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let e = env.desk(&["portal", "build", &mine.to_string_lossy()]).error(1);
    assert!(e.contains("not empty and was not built by desk portal build"), "{e}");
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
    // Status pages need the key, which never lives on the branch.
    env.git(&["config", "--unset", "desk.portal.key"]);
    let out = env.root.join("site");
    let e = env.desk(&["portal", "build", &out.to_string_lossy()]).error(1);
    assert!(e.contains("no portal key"), "{e}");
    assert!(!out.join("index.html").exists());
    let e =
        env.desk_env(&["portal", "build", &out.to_string_lossy()], &[("DESK_PORTAL_KEY", "short")]).error(1);
    assert!(e.contains("shorter than 16 bytes"), "{e}");
    let built =
        env.desk(&["portal", "build", &out.to_string_lossy(), "--no-status-pages", "--json"]).ok().json();
    assert_eq!(built["status_pages"], 0);
    // A base URL that is not a plain http(s) URL is a usage error.
    let e = env
        .desk(&[
            "portal",
            "build",
            &out.to_string_lossy(),
            "--no-status-pages",
            "--base-url",
            "javascript:alert(1)",
        ])
        .error(2);
    assert!(e.contains("--base-url"), "{e}");
    // A manifest desk cannot read stops the build.
    std::fs::write(out.join(".desk-portal.json"), "{").unwrap();
    let e = env.desk(&["portal", "build", &out.to_string_lossy(), "--no-status-pages"]).error(1);
    assert!(e.contains(".desk-portal.json"), "{e}");
}

#[test]
fn mail_links_the_status_page_the_build_made() {
    let (env, open, _) = portal_env();
    env.git(&["config", "desk.mail.key", "mail-key-for-tests-0123456789"]);
    let outbox = env.root.join("outbox");
    let transport = format!("maildir:{}", outbox.display());
    // The cursor starts at the tip: only what happens after it is sent.
    env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", &transport)]).ok();
    env.desk(&["reply", &open, "-m", "Try again now."]).ok();
    env.desk_env(&["mail", "send"], &[("DESK_MAIL_TRANSPORT", &transport)]).ok();
    let sent: String = std::fs::read_dir(outbox.join("new"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>()
        // Quoted-printable soft line breaks.
        .replace("=\r\n", "")
        .replace("=\n", "");
    let start = sent.find("https://help.example.com/t/").expect("the reply links the status page");
    let url: String = sent[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    let out = env.root.join("site");
    build(&env, &out);
    let page = out.join(url.strip_prefix("https://help.example.com/").unwrap()).join("index.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    assert!(html.contains("Try again now."), "{html}");
}

/// A running `desk portal serve`, stopped when dropped.
struct Server(std::process::Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, head.to_owned(), body.to_owned())
}

#[test]
fn serve_shows_the_site_and_nothing_else() {
    let (env, _, _) = portal_env();
    let out: PathBuf = env.root.join("site");
    build(&env, &out);
    std::fs::write(env.root.join("secret.txt"), "outside").unwrap();
    let mut child = env
        .command(&["portal", "serve", &out.to_string_lossy(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.rsplit_once(':').unwrap().1.split('/').next().unwrap().parse().unwrap();
    let server = Server(child, port);
    assert!(line.starts_with("serving ") && line.contains("http://127.0.0.1:"), "{line}");

    let (code, head, body) = get(server.1, "/");
    assert_eq!(code, 200, "{head}");
    assert!(head.contains("Content-Security-Policy: default-src 'none'"), "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("Reset your VPN password"), "{body}");
    let (code, head, _) = get(server.1, "/kb/reset-vpn");
    assert_eq!(code, 301);
    assert!(head.contains("Location: /kb/reset-vpn/"), "{head}");
    assert_eq!(get(server.1, "/kb/reset-vpn/?q=x").0, 200);
    assert!(get(server.1, "/assets/search.js").1.contains("text/javascript"));
    for hidden in ["/.desk-portal.json", "/../secret.txt", "/%2e%2e/secret.txt", "/kb/nothing/", "/t/"] {
        assert_ne!(get(server.1, hidden).0, 200, "{hidden}");
    }
    let e = env.desk(&["portal", "serve", &env.root.to_string_lossy(), "--port", "0"]).error(2);
    assert!(e.contains("was not built by desk portal build"), "{e}");
}

#[test]
fn the_figures_page_shows_weekly_medians() {
    let env = TestEnv::initialised();
    env.append_config("portal:\n  base_url: https://help.example.com\n  figures: true\n");
    // The week of 2026-11-16 (the build runs in the week of 2026-11-23):
    // first responses 1h and 3h, resolutions 1d and 4h.
    let new = |at: &str, title: &str| {
        env.desk_at(at, &["new", title, "-b", "x", "--requester", "Jane <jane@example.org>"]).ok().line()
    };
    let a = new("2026-11-16T10:00:00Z", "A");
    env.desk_at("2026-11-16T11:00:00Z", &["reply", &a, "-m", "on it"]).ok();
    env.desk_at("2026-11-17T10:00:00Z", &["resolve", &a]).ok();
    let b = new("2026-11-18T10:00:00Z", "B");
    env.desk_at("2026-11-18T13:00:00Z", &["reply", &b, "-m", "on it"]).ok();
    env.desk_at("2026-11-18T14:00:00Z", &["resolve", &b]).ok();
    // Created the week before, answered in this one: no first response for either week.
    let c = new("2026-11-13T10:00:00Z", "C");
    env.desk_at("2026-11-17T10:00:00Z", &["reply", &c, "-m", "late"]).ok();
    let out = env.root.join("site");
    env.desk(&["portal", "build", &out.to_string_lossy(), "--no-status-pages"]).ok();
    let page = std::fs::read_to_string(out.join("figures/index.html")).unwrap();
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 2, "{page}");
    assert_eq!(page.matches("<tr><td>").count(), 12, "{page}");
    assert!(page.contains("<td>2026-11-16</td><td>1h 0m</td><td>4h 0m</td>"), "{page}");
    assert!(page.contains("<td>2026-11-09</td><td>–</td><td>–</td>"), "{page}");
    assert!(page.contains("<td>2026-08-31</td>"), "the first of 12 weeks: {page}");
    assert!(!page.contains("Jane") && !page.contains("jane@"), "nothing about a ticket");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("href=\"figures/\""), "{home}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://help.example.com/figures/</loc>"), "{sitemap}");
}

/// `%XX` escapes decoded (UTF-8).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_rating_link_writes_the_mail_that_records_the_rating() {
    let (env, open, _) = portal_env();
    env.git(&["config", "desk.mail.key", "mail-key-for-tests-0123456789"]);
    env.desk(&["reply", &open, "-m", "Fixed."]).ok();
    env.desk(&["resolve", &open]).ok();
    let out = env.root.join("site");
    build(&env, &out);
    let page = status_pages(&out)
        .iter()
        .map(|p| std::fs::read_to_string(out.join(p)).unwrap())
        .find(|t| t.contains("VPN fails"))
        .unwrap();
    assert!(page.contains("How satisfied are you?"), "{page}");
    // The link for 4, as a mail program reads it (RFC 6068).
    let start = page.find("href=\"mailto:").unwrap() + "href=\"".len();
    let links: Vec<&str> = page[start..].split("href=\"").map(|l| &l[..l.find('"').unwrap()]).collect();
    let four = links.iter().find(|l| l.contains("Rating%3A%204")).unwrap().replace("&amp;", "&");
    let (to, query) = four.strip_prefix("mailto:").unwrap().split_once('?').unwrap();
    let field = |name: &str| {
        query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).map(percent_decoded).unwrap()
    };
    let message = format!(
        "From: Jane <jane@example.org>\r\nTo: {to}\r\nSubject: {}\r\nMessage-ID: <rating-4@example.org>\r\n\r\n{}",
        field("subject"),
        field("body")
    );
    let imported = env.desk_stdin(&["mail", "import", "--json"], &message).ok().json();
    assert_eq!(imported["ticket"], open.as_str(), "{imported}");
    let ticket = env.desk(&["show", &open, "--json"]).ok().json();
    assert_eq!(ticket["rating"]["score"], 4, "{ticket}");
    assert_eq!(ticket["status"], "resolved", "a rating does not reopen the ticket");
}

#[test]
fn concurrent_and_killed_builds_leave_a_consistent_site() {
    let (env, _, _) = portal_env();
    for i in 0..60 {
        env.new_ticket(&format!("Request {i}"), &[]);
    }
    let out = env.root.join("site");
    let out_arg = out.to_string_lossy().into_owned();
    // Two builds at once: each finishes, or one says the other is writing.
    let children: Vec<_> = (0..2)
        .map(|_| {
            env.command(&["portal", "build", &out_arg])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert!(done.status.success() || stderr.contains("another desk portal build is writing"), "{stderr}");
    }
    // Builds killed at different moments; the next build puts everything right.
    for delay in [0, 5, 20, 60] {
        env.desk(&["reply", &env.all_ids()[0], "-m", &format!("update {delay}")]).ok();
        let mut child = env.command(&["portal", "build", &out_arg]).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
    }
    let built = build(&env, &out);
    assert_eq!(built["status_pages"], 62, "{built}");
    let again = build(&env, &out);
    assert_eq!(again["written"], 0, "{again}");
    assert_eq!(status_pages(&out).len(), 62);
    let leftovers: Vec<String> =
        files(&out).into_iter().filter(|f| f.rsplit_once('.').is_some_and(|(_, x)| x == "tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(!out.join(".desk-portal.log").exists());
}
