//! The self-service portal end to end, over a helpdesk full of hostile text
//! (ticket titles and bodies, requester, assignee and agent names, labels,
//! custom fields, article titles, categories, tags and bodies, the site's
//! name): `desk portal build`, `desk portal serve`, and headless Chromium
//! driven by `tests/browser/portal.py` (Debian's chromium, chromium-driver and
//! python3-selenium, run with /usr/bin/python3; python3-html5lib checks each
//! page's HTML5 strictly). Every page renders, fits a phone, follows dark mode, search
//! works in the browser, no payload runs, and the status pages show the
//! public conversation only. A second test reads every file the build wrote
//! for what must never be published: internal notes, a custom field that is
//! not public, anybody's email address, internal articles, closed tickets.
//!
//! The browser test saves a screenshot of each page in
//! `target/portal-screenshots/` (beside `CARGO_TARGET_TMPDIR`). Without the
//! browser it fails, saying what to install; `DESK_SKIP_BROWSER=1` skips it.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::json;

use crate::common::{TestEnv, run};

/// The key of status-page tokens (`DESK_PORTAL_KEY`).
const KEY: &str = "portal-key-for-tests-0123456789";

/// The agent: git config user.name and user.email of the test repository.
const AGENT_NAME: &str = "Agent \"Q\" & 'x' <img src=x onerror=alert(1)>";
const AGENT_EMAIL: &str = "agent-7f3@corp.example";

/// desk.yaml `portal.title`: every page's heading and `<title>`.
const SITE_TITLE: &str = "Help <b>center</b> </title><script>window.PWNED=1</script>";

const OPEN_TITLE: &str = "<script>window.PWNED=1</script> Printer <img src=x onerror=alert(1)> & \"co\"";
const OPEN_BODY: &str = "The printer is broken.\n\n\
                         <img src=x onerror=alert(1)>\n\n\
                         <svg onload=alert(1)>\n\n\
                         [click](javascript:alert(1))";
const REQUESTER: &str = "Bob \"Bobby\" O'Neil & Co ');alert(1);// <bob@customer.example>";
/// What a status page calls the requester: the name, never the address.
const REQUESTER_SHOWN: &str = "Bob \"Bobby\" O'Neil & Co ');alert(1);//";
const CC: &str = "Carol <carol@customer.example>";
const ASSIGNEE: &str = "Eve \"&\" ' onmouseover=alert(1) <eve@corp.example>";
const ASSIGNEE_SHOWN: &str = "Eve \"&\" ' onmouseover=alert(1)";
const LABELS: [&str; 2] = ["<svg/onload=alert(1)>", "<img/src=x/onerror=alert(1)>"];
/// A custom field listed in `portal.public_fields`.
const PRODUCT: &str = "<img src=x onerror=\"document.title='PWNED'\">";
/// A custom field that is not: never published.
const SECRET: &str = "HIDDEN-SECRET-FIELD-5521";
const PUBLIC_REPLY: &str = "PUBLIC-REPLY-8231 thanks for waiting\n\
                            <script>window.PWNED=1</script>\n\
                            [click me](javascript:alert(1)) [or me](JaVaScRiPt:alert(1))\n\
                            [encoded](&#106;avascript:alert(1)) <javascript:alert(1)>\n\
                            [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\
                            <iframe src=\"javascript:alert(1)\"></iframe>";
const NOTES: [&str; 2] = [
    "INTERNAL-NOTE-4410 the customer is on the watch list",
    "INTERNAL-NOTE-9902 <script>window.PWNED=1</script>",
];

const SOLVED_TITLE: &str = "Solved </title><svg onload=alert(1)> «VPN»";
const SOLVED_REPLY: &str = "PUBLIC-REPLY-SOLVED-7719 the VPN works again";
const SOLVED_REQUESTER: &str = "Dan <dan@customer.example>";
const CLOSED_TITLE: &str = "CLOSED-TICKET-3307 old request";

const ARTICLE_SLUG: &str = "printer-jam";
const ARTICLE_TITLE: &str = "<img src=x onerror=alert(1)> Printer jams & \"tray\" 2";
const ARTICLE_CATEGORY: &str = "<script>window.PWNED=1</script> Printing";
const ARTICLE_TAG: &str = "<svg/onload=alert(1)>";
/// A word only in the public article's body: found by search in the browser.
const ARTICLE_WORD: &str = "quokkaflux";
const ARTICLE_BODY: &str = "Open tray 2 and pull the quokkaflux lever.\n\n\
                            <script>window.PWNED=1</script>\n\n\
                            <img src=x onerror=\"document.title='PWNED'\">\n\n\
                            [reset](javascript:alert(1)) [also](&#106;avascript:alert(1)) <javascript:alert(1)>\n";
const INTERNAL_SLUG: &str = "internal-runbook";
const INTERNAL_TITLE: &str = "INTERNAL-ARTICLE-TITLE-6610 print server";
const INTERNAL_CATEGORY: &str = "INTERNAL-CATEGORY-6612";
const INTERNAL_BODY: &str = "INTERNAL-ARTICLE-BODY-6611 reboot the print server.";

/// Texts no file of the site may hold.
fn never_published() -> Vec<&'static str> {
    let mut texts = vec![
        SECRET,
        "bob@customer.example",
        "carol@customer.example",
        "dan@customer.example",
        "eve@corp.example",
        AGENT_EMAIL,
        "agent@example.com",
        INTERNAL_SLUG,
        INTERNAL_TITLE,
        INTERNAL_CATEGORY,
        INTERNAL_BODY,
        "CLOSED-TICKET-3307",
    ];
    texts.extend(NOTES);
    texts
}

/// The hostile helpdesk and its tickets.
struct Helpdesk {
    env: TestEnv,
    /// Open, with a public reply and internal notes.
    open: String,
    /// Solved: its page asks for a rating.
    solved: String,
}

fn hostile_helpdesk() -> Helpdesk {
    let env = TestEnv::initialised();
    env.git(&["config", "user.name", AGENT_NAME]);
    env.git(&["config", "user.email", AGENT_EMAIL]);
    let config = env.git(&["show", "desk:desk.yaml"]);
    env.commit_by_hand(
        &[(
            "desk.yaml",
            &format!(
                "{config}portal:\n  base_url: https://help.example.com\n  title: \"{SITE_TITLE}\"\n  \
                 public_fields: [product]\nmail:\n  address: support@example.com\n"
            ),
        )],
        "portal and mail",
    );

    let mut new = vec!["new", OPEN_TITLE, "-b", OPEN_BODY, "--requester", REQUESTER];
    for label in LABELS {
        new.extend(["-l", label]);
    }
    let open = env.desk(&new).ok().line();
    env.desk(&["assign", &open, ASSIGNEE]).ok();
    env.desk(&["set", &open, &format!("product={PRODUCT}"), &format!("secret={SECRET}")]).ok();
    env.desk(&["set", &open, &format!("cc+={CC}")]).ok();
    env.desk(&["reply", &open, "-m", PUBLIC_REPLY]).ok();
    for note in NOTES {
        env.desk(&["note", &open, "-m", note]).ok();
    }

    let solved = env.new_ticket(SOLVED_TITLE, &["--requester", SOLVED_REQUESTER]);
    env.desk(&["reply", &solved, "-m", SOLVED_REPLY]).ok();
    env.desk(&["note", &solved, "-m", NOTES[0]]).ok();
    env.desk(&["resolve", &solved]).ok();
    let closed = env.new_ticket(CLOSED_TITLE, &["--requester", SOLVED_REQUESTER]);
    env.desk(&["close", &closed]).ok();

    env.desk(&[
        "kb",
        "new",
        ARTICLE_SLUG,
        ARTICLE_TITLE,
        "--audience",
        "public",
        "--category",
        ARTICLE_CATEGORY,
        "-t",
        ARTICLE_TAG,
        "-t",
        "tray",
        "-m",
        ARTICLE_BODY,
    ])
    .ok();
    env.desk(&[
        "kb",
        "new",
        INTERNAL_SLUG,
        INTERNAL_TITLE,
        "--audience",
        "internal",
        "--category",
        INTERNAL_CATEGORY,
        "-m",
        INTERNAL_BODY,
    ])
    .ok();
    Helpdesk { env, open, solved }
}

/// Builds the site into `ROOT/site`; returns its directory.
fn build(desk: &Helpdesk) -> PathBuf {
    let out = desk.env.root.join("site");
    let built =
        desk.env.desk_env(&["portal", "build", out.to_str().unwrap(), "--json"], &[("DESK_PORTAL_KEY", KEY)]);
    let built = built.ok().json();
    assert_eq!(built["articles"], 1, "{built}");
    assert_eq!(built["status_pages"], 2, "the open and the solved ticket: {built}");
    out
}

/// Every file under `dir`, hidden ones included.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn nothing_private_reaches_the_site() {
    let desk = hostile_helpdesk();
    let out = build(&desk);
    let all = files(&out);
    assert!(all.len() >= 9, "{all:?}");
    // A status page's address is its only protection: no file names one, the
    // manifest included.
    let tokens: Vec<String> = std::fs::read_dir(out.join("t"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    for file in &all {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for secret in never_published().into_iter().chain(tokens.iter().map(String::as_str)) {
            assert!(!text.contains(secret), "{} holds {secret:?}:\n{text}", file.display());
        }
        // Hostile text is escaped wherever it lands in HTML.
        if file.extension().is_some_and(|e| e == "html") {
            for raw in ["<script>window", "<img src=x", "<svg", "<iframe", "href=\"javascript:"] {
                assert!(!text.contains(raw), "{} holds {raw:?} unescaped:\n{text}", file.display());
            }
        }
    }
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("&lt;script&gt;window.PWNED=1&lt;/script&gt; Printing"), "{home}");
}

#[test]
fn the_portal_works_in_a_browser_and_no_payload_runs() {
    if let Some(missing) = browser_missing() {
        if std::env::var("DESK_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!("skipped: {missing} (DESK_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "{missing}: apt-get install chromium chromium-driver python3-selenium python3-html5lib \
             (or set DESK_SKIP_BROWSER=1 to skip this test)"
        );
    }
    let desk = hostile_helpdesk();
    let out = build(&desk);
    let server = Server::start(&desk.env, &out);

    // target/portal-screenshots/, beside target/tmp (CARGO_TARGET_TMPDIR).
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("portal-screenshots");
    let _ = std::fs::remove_dir_all(&screenshots);
    std::fs::create_dir_all(&screenshots).unwrap();
    let labels = LABELS.join(", ");
    let config = json!({
        "base_url": server.url,
        "key": KEY,
        "site_title": SITE_TITLE,
        "home_shows": [SITE_TITLE, ARTICLE_TITLE, ARTICLE_CATEGORY],
        "article": {
            "slug": ARTICLE_SLUG,
            "title": ARTICLE_TITLE,
            "word": ARTICLE_WORD,
            "shows": [
                ARTICLE_CATEGORY,
                ARTICLE_TAG,
                "<script>window.PWNED=1</script>",
                "<img src=x onerror=\"document.title='PWNED'\">",
            ],
        },
        "contact": "support@example.com",
        "status": [
            {
                "id": desk.open,
                "title": OPEN_TITLE,
                "shows": [
                    "PUBLIC-REPLY-8231 thanks for waiting",
                    "<script>window.PWNED=1</script>",
                    "<iframe src=\"javascript:alert(1)\"></iframe>",
                    "<img src=x onerror=alert(1)>",
                    "<svg onload=alert(1)>",
                    REQUESTER_SHOWN,
                    ASSIGNEE_SHOWN,
                    "Agent \"Q\" & 'x'",
                    labels,
                    PRODUCT,
                ],
            },
            {
                "id": desk.solved,
                "title": SOLVED_TITLE,
                "shows": [SOLVED_REPLY, "How satisfied are you?"],
            },
        ],
        "hidden": never_published(),
        "screenshots": screenshots,
    });
    let config_file = desk.env.root.join("portal-browser.json");
    std::fs::write(&config_file, config.to_string()).unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/portal.py");
    let mut cmd = desk.env.program(Path::new("/usr/bin/python3"));
    cmd.arg(&script).arg(&config_file);
    let checked = run(cmd, None);
    drop(server);
    // One line per check passed, seen with `cargo test -- --nocapture`.
    print!("{}", checked.stdout);
    assert_eq!(checked.code, 0, "the browser checks failed:\n{checked}");
    assert!(checked.stdout.contains("all portal browser checks passed"), "{checked}");
    for page in [
        "home",
        "search",
        "article",
        "contact",
        "status-1",
        "status-2",
        "phone-home",
        "phone-status",
        "dark-status",
        "no-script-home",
    ] {
        let png = std::fs::read(screenshots.join(format!("{page}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{page}.png is a PNG");
    }
}

/// What the browser test needs and this machine lacks, if anything.
fn browser_missing() -> Option<String> {
    let mut missing = Vec::new();
    for program in ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"] {
        if !Path::new(program).exists() {
            missing.push(program.to_owned());
        }
    }
    let selenium = Command::new("/usr/bin/python3")
        .args(["-c", "import selenium, html5lib"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !selenium.is_ok_and(|s| s.success()) {
        missing.push("Python's selenium or html5lib".to_owned());
    }
    (!missing.is_empty()).then(|| format!("missing {}", missing.join(", ")))
}

/// `desk portal serve OUT --port 0`, stopped when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`, from the first line it prints.
    url: String,
}

impl Server {
    fn start(env: &TestEnv, out: &Path) -> Server {
        let mut cmd = env.command(&["portal", "serve", out.to_str().unwrap(), "--port", "0"]);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("desk portal serve starts");
        let mut line = String::new();
        let read = std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
        let url = line
            .split(" at ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|u| u.starts_with("http://127.0.0.1:") && u.ends_with('/') && !u.ends_with(":0/"))
            .map(str::to_owned);
        let Some(url) = url else {
            let _ = child.kill();
            let err = std::io::read_to_string(child.stderr.take().unwrap()).unwrap_or_default();
            let _ = child.wait();
            panic!("desk portal serve printed {line:?} ({read:?}):\n{err}");
        };
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
