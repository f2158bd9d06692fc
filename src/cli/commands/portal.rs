//! `desk portal build|serve`: the self-service site, a static site built from
//! the desk branch (docs/portal.md).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::cli::error::Kind;
use crate::cli::kb::load_all;
use crate::cli::output::{Shown, print_json};
use crate::cli::portal::{KEY_HINT, key};
use crate::cli::{CliError, Ctx, Result};
use crate::kb::Audience;
use crate::mail::config::MailConfig;
use crate::model::Field;
use crate::model::field::FieldSource as _;
use crate::portal::site::{self, Output, SiteError};
use crate::portal::{html, search, status_view, token, url_problem};
use crate::store::{CONFIG_PATH, Store, Tip};
use crate::workflow::Config;
use crate::workflow::status::Category;

/// The self-service portal: a static site of the knowledge base and status pages.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The site (docs/portal.md):
  index.html            the public articles by category, and a search box
  kb/SLUG/              one page per public article
  contact/              a form that writes a mail to desk.yaml's mail.address
  t/TOKEN/              a status page per ticket that is not closed or merged:
                        its public conversation, at an address made with the key
                        git config desk.portal.key (or DESK_PORTAL_KEY)
  assets/, robots.txt, sitemap.xml (with a base URL)

Example:
  desk portal build site --base-url https://help.example.com
  desk portal serve site --port 8080")]
pub struct Args {
    #[command(subcommand)]
    pub command: PortalCommand,
}

/// `desk portal`'s commands.
#[derive(Debug, clap::Subcommand)]
pub enum PortalCommand {
    /// Build the site into OUT; a rebuild rewrites only what changed.
    Build(BuildArgs),
    /// Serve a built site on 127.0.0.1 for a local preview (Ctrl-C stops).
    Serve(ServeArgs),
}

/// `desk portal build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The directory of the site: new, empty, or built before by desk.
    pub out: PathBuf,
    /// Where the site is published (default: desk.yaml's `portal.base_url`); gives `sitemap.xml` its addresses.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Build no status pages (no key needed).
    #[arg(long)]
    pub no_status_pages: bool,
    /// Print a JSON object of what the build did.
    #[arg(long)]
    pub json: bool,
}

/// `desk portal serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The directory `desk portal build` wrote.
    pub out: PathBuf,
    /// The port on 127.0.0.1 (0: any free port, printed).
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub port: u16,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.command {
        PortalCommand::Build(a) => build(ctx, a),
        PortalCommand::Serve(a) => serve(&a.out, a.port),
    }
}

impl From<SiteError> for CliError {
    fn from(e: SiteError) -> Self {
        match &e {
            SiteError::NotEmpty(_) | SiteError::NotADirectory(_) => {
                CliError::new(Kind::Conflict, e.to_string())
                    .hint("build into a new or empty directory; desk rewrites only the directories it built")
            }
            SiteError::Busy(_) => {
                CliError::new(Kind::Conflict, e.to_string()).hint("wait for it to finish, then build again")
            }
            SiteError::Manifest(..) => {
                CliError::malformed(e.to_string()).hint("remove the directory and build again")
            }
            SiteError::Io(..) => CliError::input(e.to_string()),
        }
    }
}

const STYLE: &str = include_str!("../../portal/assets/style.css");
const SCRIPT: &str = include_str!("../../portal/assets/search.js");
const ROBOTS: &str = "User-agent: *\nDisallow: /t/\n";

/// What a build reads besides the tickets.
struct Inputs {
    site: html::Site,
    base_url: Option<String>,
    public_fields: Vec<String>,
    mail: Option<MailConfig>,
    key: Option<Vec<u8>>,
    /// The key of everything every page depends on.
    global: String,
}

fn inputs(store: &Store, tip: &Tip, config: &Config, a: &BuildArgs) -> Result<Inputs> {
    let portal = crate::cli::portal::config(config)?;
    let base_url = a.base_url.clone().or_else(|| portal.as_ref().map(|p| p.base_url.clone()));
    if let Some(p) = base_url.as_deref().and_then(url_problem) {
        return Err(CliError::usage(format!("--base-url: {p}")));
    }
    let key = if a.no_status_pages {
        None
    } else {
        Some(key(store)?.ok_or_else(|| {
            CliError::config("no portal key: status pages live at addresses made with it")
                .hint(format!("{KEY_HINT}; or build without status pages: --no-status-pages"))
        })?)
    };
    let mail = MailConfig::of(config).map_err(|e| CliError::config(format!("desk.yaml: {e}")))?;
    let title = portal.as_ref().map_or_else(|| "Help center".to_owned(), |p| p.title.clone());
    let yaml = store.read_file(tip.tree, CONFIG_PATH)?.unwrap_or_default();
    let global = site::key(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        &yaml,
        base_url.as_deref().unwrap_or_default().as_bytes(),
    ]);
    Ok(Inputs {
        site: html::Site {
            title,
            contact: mail.as_ref().map(|m| m.address.trim().to_owned()),
            figures: portal.as_ref().is_some_and(|p| p.figures),
        },
        base_url: base_url.map(|u| u.trim().trim_end_matches('/').to_owned()),
        public_fields: portal.map(|p| p.public_fields).unwrap_or_default(),
        mail,
        key,
        global,
    })
}

fn build(ctx: &Ctx, a: &BuildArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let inputs = inputs(&store, &tip, &config, a)?;
    let g = inputs.global.as_bytes();
    let mut out = Output::open(&a.out)?;

    let all = load_all(&store, &tip)?;
    let articles: Vec<_> = all.iter().filter(|x| x.audience == Audience::Public).collect();
    out.file("assets/style.css", false, &site::key(&[STYLE.as_bytes()]), || {
        Ok::<_, CliError>(STYLE.to_owned())
    })?;
    out.file("assets/search.js", false, &site::key(&[SCRIPT.as_bytes()]), || {
        Ok::<_, CliError>(SCRIPT.to_owned())
    })?;
    out.file("robots.txt", false, &site::key(&[ROBOTS.as_bytes()]), || Ok::<_, CliError>(ROBOTS.to_owned()))?;
    let mut kb_parts = Vec::new();
    for article in &articles {
        let k = site::key(&[g, article.render().as_bytes()]);
        out.file(&format!("kb/{}/index.html", article.slug), false, &k, || {
            Ok::<_, CliError>(html::article(&inputs.site, article))
        })?;
        kb_parts.push(k);
    }
    let kb_key = site::key(&kb_parts.iter().map(String::as_bytes).chain([g]).collect::<Vec<_>>());
    out.file("index.html", false, &kb_key, || Ok::<_, CliError>(html::home(&inputs.site, &articles)))?;
    out.file("assets/search-index.js", false, &kb_key, || Ok::<_, CliError>(search::script(&articles)))?;
    if let Some(address) = &inputs.site.contact {
        out.file("contact/index.html", false, &site::key(&[g]), || {
            Ok::<_, CliError>(html::contact(&inputs.site, address))
        })?;
    }
    if let Some(base) = &inputs.base_url {
        out.file("sitemap.xml", false, &kb_key, || {
            Ok::<_, CliError>(sitemap(base, &articles, &inputs.site))
        })?;
    }
    if inputs.site.figures {
        // Recomputed when the branch moved or a week ended.
        let week = ctx.now.timestamp().div_euclid(7 * 86_400);
        let k = site::key(&[g, tip.commit.as_bytes(), &week.to_le_bytes()]);
        out.file("figures/index.html", false, &k, || {
            Ok::<_, CliError>(html::figures(
                &inputs.site,
                &weekly_figures(&store, &tip, &config, ctx.now.timestamp())?,
            ))
        })?;
    }
    let pages = match &inputs.key {
        Some(key) => status_pages(&store, &tip, &config, &inputs, key, &mut out)?,
        None => 0,
    };
    let summary = out.finish()?;
    if a.json {
        return print_json(&json!({
            "out": a.out.to_string_lossy(),
            "articles": articles.len(),
            "status_pages": pages,
            "written": summary.written,
            "unchanged": summary.unchanged,
            "removed": summary.removed,
        }));
    }
    println!(
        "built {}: {} articles, {} status pages; {} files written, {} unchanged, {} removed",
        Shown(&a.out.to_string_lossy()),
        articles.len(),
        pages,
        summary.written,
        summary.unchanged,
        summary.removed
    );
    Ok(())
}

/// Weeks shown on the figures page.
const FIGURE_WEEKS: usize = 12;

/// The figures page's numbers: each of the last weeks' start and medians.
fn weekly_figures(store: &Store, tip: &Tip, config: &Config, now: i64) -> Result<Vec<html::WeekFigures>> {
    let history = crate::history::load(store, tip)?;
    let by_ticket = crate::report::events_by_ticket(&history);
    let done = config.done_statuses();
    let merged = config.merged_statuses();
    let people = config.people().map_err(|e| CliError::config(format!("desk.yaml: {e}")))?;
    let defs = crate::report::Definitions { done: &done, merged: &merged, people, sla: None };
    Ok(crate::report::weekly(&history, &by_ticket, now, FIGURE_WEEKS, defs)
        .into_iter()
        .map(|w| (w.start, w.first_response, w.resolution))
        .collect())
}

/// Writes the status page of every ticket that is not closed or merged;
/// returns how many there are.
fn status_pages(
    store: &Store,
    tip: &Tip,
    config: &Config,
    inputs: &Inputs,
    key: &[u8],
    out: &mut Output,
) -> Result<usize> {
    let category = |status: &str| config.category(status).unwrap_or(Category::Open);
    let wanted: Vec<(String, String, crate::store::Oid)> = store.with_index(tip, |entries| {
        entries
            .iter()
            .filter_map(|e| {
                let s = e.summary.as_ref().ok()?;
                let c = category(s.str(Field::Status)?);
                (c != Category::Closed && c != Category::Merged)
                    .then(|| (s.id().to_owned(), e.path.to_string(), e.blob_id()))
            })
            .collect()
    })?;
    let tokens = token::Tokens::new(key);
    for (id, path, blob) in &wanted {
        // The path depends on the key; the page on the ticket and the global inputs.
        let k = format!("{}{blob}", &inputs.global[..16]);
        out.file(&format!("{}index.html", tokens.path(id)), true, &k, || {
            let ticket = store.load_blob_ticket(*blob, path)?;
            let reply_to = inputs.mail.as_ref().map(|m| m.reply_to(id));
            let view = status_view(&ticket, category(&ticket.status), &inputs.public_fields, reply_to);
            Ok::<_, CliError>(html::status(&inputs.site, &view))
        })?;
    }
    Ok(wanted.len())
}

/// The sitemap of the public pages (never the status pages).
fn sitemap(base: &str, articles: &[&crate::kb::Article], site: &html::Site) -> String {
    let mut urls = vec![format!("{base}/")];
    if site.contact.is_some() {
        urls.push(format!("{base}/contact/"));
    }
    if site.figures {
        urls.push(format!("{base}/figures/"));
    }
    urls.extend(articles.iter().map(|a| format!("{base}/kb/{}/", a.slug)));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        let _ = writeln!(out, "<url><loc>{}</loc></url>", html::esc(&u));
    }
    out.push_str("</urlset>\n");
    out
}

/// Serves `out` on 127.0.0.1 until the process is stopped.
fn serve(out: &Path, port: u16) -> Result<()> {
    let root = out.canonicalize().map_err(|e| {
        CliError::new(Kind::NotFound, format!("{}: {e}", Shown(&out.to_string_lossy())))
            .hint("build the site first: desk portal build OUT")
    })?;
    if !root.join(site::MANIFEST).is_file() {
        return Err(CliError::usage(format!(
            "{} was not built by desk portal build",
            Shown(&out.to_string_lossy())
        ))
        .hint("build the site first: desk portal build OUT"));
    }
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| CliError::new(Kind::Conflict, format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let port = server.server_addr().to_ip().map_or(port, |a| a.port());
    println!("serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)", Shown(&out.to_string_lossy()));
    let _ = std::io::Write::flush(&mut std::io::stdout());
    for request in server.incoming_requests() {
        let response = respond(&root, request.method(), request.url());
        let _ = request.respond(response);
    }
    Ok(())
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn respond(root: &Path, method: &tiny_http::Method, url: &str) -> Response {
    use tiny_http::Method;
    if !matches!(method, Method::Get | Method::Head) {
        return plain(405, "method not allowed\n");
    }
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(parts) = decoded_parts(path) else { return plain(400, "bad path\n") };
    let mut file = root.to_path_buf();
    for p in &parts {
        file.push(p);
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            let mut r = plain(301, "moved\n");
            r.add_header(header("Location", &format!("{path}/")));
            return r;
        }
        file.push("index.html");
    }
    // Only files inside OUT, whatever a link in it points at.
    let Some(bytes) =
        file.canonicalize().ok().filter(|f| f.starts_with(root)).and_then(|f| std::fs::read(f).ok())
    else {
        return plain(404, "not found\n");
    };
    let mut r = tiny_http::Response::from_data(bytes).with_status_code(200);
    r.add_header(header("Content-Type", content_type(&file)));
    r.add_header(header("Content-Security-Policy", html::CSP));
    r.add_header(header("X-Content-Type-Options", "nosniff"));
    r.add_header(header("Referrer-Policy", "no-referrer"));
    r.add_header(header("Cache-Control", "no-cache"));
    r
}

/// The path's components, percent-decoded; `None` for `..`, hidden names or
/// anything that is not a plain name.
fn decoded_parts(path: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for raw in path.split('/').filter(|p| !p.is_empty()) {
        let mut bytes = Vec::new();
        let mut it = raw.bytes();
        while let Some(b) = it.next() {
            if b == b'%' {
                let hex = [it.next()?, it.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            } else {
                bytes.push(b);
            }
        }
        let part = String::from_utf8(bytes).ok()?;
        if part.starts_with('.') || part.contains(['/', '\\', '\0']) {
            return None;
        }
        parts.push(part);
    }
    Some(parts)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("desk's own headers are valid")
}

fn plain(code: u16, text: &str) -> Response {
    let mut r = tiny_http::Response::from_data(text.as_bytes().to_vec()).with_status_code(code);
    r.add_header(header("Content-Type", "text/plain; charset=utf-8"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_paths_stay_inside_the_site() {
        assert_eq!(decoded_parts("/kb/reset-vpn/"), Some(vec!["kb".into(), "reset-vpn".into()]));
        assert_eq!(decoded_parts("/a%20b"), Some(vec!["a b".into()]));
        for bad in ["/../etc/passwd", "/%2e%2e/x", "/.desk-portal.json", "/a%2fb", "/%zz", "/a%5c..%5cb"] {
            assert_eq!(decoded_parts(bad), None, "{bad}");
        }
    }
}
