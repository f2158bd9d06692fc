//! The portal's pages as HTML text. Every value from the branch goes through
//! [`esc`] or, for Markdown, through comrak with raw HTML escaped and unsafe
//! link targets (`javascript:`, `data:` and the like) dropped; no page has an
//! inline script or style, and the Content-Security-Policy says so.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::kb::Article;
use crate::time::duration;
use crate::workflow::status::Category;

/// The Content-Security-Policy of every page (a `<meta>` element, and the
/// header `desk portal serve` sends): scripts and styles from the site's own
/// files only, never inline; images from the site or `data:`; forms submit to
/// the site or a mail program; nothing else is loaded or connected to.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self' mailto:; base-uri 'none'";

/// Text made safe for HTML: `& < > " '` as character references.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// How a Markdown text becomes HTML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// An article: headings get anchors (`id="h-…"`).
    Article,
    /// A message (often from mail): each line break is kept.
    Message,
}

/// A Markdown text as an HTML fragment: raw HTML escaped, unsafe link
/// targets dropped, autolinks, tables and strikethrough.
pub fn markdown(text: &str, flavour: Flavour) -> String {
    let mut options = comrak::Options::default();
    options.render.escape = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.extension.table = true;
    match flavour {
        Flavour::Article => {
            options.extension.header_id_prefix = Some("h-".into());
            options.extension.header_id_prefix_in_href = true;
        }
        Flavour::Message => options.render.hardbreaks = true,
    }
    comrak::markdown_to_html(text, &options)
}

/// What every page shares.
#[derive(Clone, Debug)]
pub struct Site {
    /// The site's name (desk.yaml `portal.title`).
    pub title: String,
    /// desk's address (desk.yaml `mail.address`): the contact page and the
    /// links that write to support. Without one there is no contact page.
    pub contact: Option<String>,
    /// The site has the public figures page (`figures/`).
    pub figures: bool,
}

/// One page's frame.
struct Frame<'a> {
    /// The way back to the site's root from the page (`""`, `"../"`, `"../../"`).
    root: &'a str,
    title: &'a str,
    /// Loads the search scripts.
    search: bool,
    /// Keeps search engines away (status pages).
    noindex: bool,
}

fn page(site: &Site, frame: &Frame<'_>, main: &str) -> String {
    let root = frame.root;
    let mut out = String::with_capacity(main.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    if frame.noindex {
        out.push_str("<meta name=\"robots\" content=\"noindex, nofollow\">\n");
    }
    let title = if frame.title == site.title {
        esc(&site.title)
    } else {
        format!("{} · {}", esc(frame.title), esc(&site.title))
    };
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{root}assets/style.css\">");
    if frame.search {
        let _ = writeln!(out, "<script src=\"{root}assets/search-index.js\" defer></script>");
        let _ = writeln!(out, "<script src=\"{root}assets/search.js\" defer></script>");
    }
    out.push_str("</head>\n<body>\n<header class=\"top\">\n");
    let _ = writeln!(out, "<a class=\"home\" href=\"{}\">{}</a>", home_href(root), esc(&site.title));
    if site.contact.is_some() || site.figures {
        out.push_str("<nav>");
        if site.figures {
            let _ = write!(out, "<a href=\"{root}figures/\">Our figures</a> ");
        }
        if site.contact.is_some() {
            let _ = write!(out, "<a href=\"{root}contact/\">Contact support</a>");
        }
        out.push_str("</nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    out.push_str(main);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn home_href(root: &str) -> &str {
    if root.is_empty() { "./" } else { root }
}

/// The home page: the search box (shown by the script) and every public
/// article by category.
pub fn home(site: &Site, articles: &[&Article]) -> String {
    let mut main = String::new();
    let _ = writeln!(main, "<h1>{}</h1>", esc(&site.title));
    main.push_str(concat!(
        "<form id=\"search\" role=\"search\" method=\"get\" action=\"./\" hidden>\n",
        "<label for=\"q\">Search the knowledge base</label>\n",
        "<div class=\"row\"><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\">",
        "<button type=\"submit\">Search</button></div>\n",
        "</form>\n",
        "<section id=\"results\" hidden aria-live=\"polite\">\n<h2>Results</h2>\n",
        "<ol id=\"hits\"></ol>\n<p id=\"nohits\" hidden>No article matches these words.</p>\n</section>\n",
    ));
    main.push_str("<section id=\"categories\">\n<h2>Articles</h2>\n");
    if articles.is_empty() {
        main.push_str("<p>No articles yet.</p>\n");
    }
    for (i, (category, group)) in by_category(articles).into_iter().enumerate() {
        let _ = writeln!(main, "<section class=\"category\">\n<h3 id=\"c{i}\">{}</h3>\n<ul>", esc(category));
        for a in group {
            let _ = writeln!(main, "<li><a href=\"kb/{}/\">{}</a></li>", a.slug, esc(&a.title));
        }
        main.push_str("</ul>\n</section>\n");
    }
    main.push_str("</section>\n");
    if site.contact.is_some() {
        main.push_str(
            "<p class=\"more\">Did not find an answer? <a href=\"contact/\">Contact support</a>.</p>\n",
        );
    }
    page(site, &Frame { root: "", title: &site.title, search: true, noindex: false }, &main)
}

/// The name of the group of articles without a category.
pub const OTHER: &str = "Other";

/// Articles grouped by category, categories A–Z (byte order) with the
/// uncategorised ones last, articles by title within each.
pub fn by_category<'a>(articles: &[&'a Article]) -> Vec<(&'a str, Vec<&'a Article>)> {
    let mut groups: std::collections::BTreeMap<(bool, &str), Vec<&Article>> =
        std::collections::BTreeMap::new();
    for a in articles {
        let key = a.category.as_deref().map_or((true, OTHER), |c| (false, c));
        groups.entry(key).or_default().push(a);
    }
    groups
        .into_iter()
        .map(|((_, c), mut list)| {
            list.sort_by(|x, y| x.title.cmp(&y.title).then_with(|| x.slug.cmp(&y.slug)));
            (c, list)
        })
        .collect()
}

/// The page of a public article, `kb/<slug>/`.
pub fn article(site: &Site, a: &Article) -> String {
    let mut main = String::new();
    main.push_str("<nav class=\"crumbs\"><a href=\"../../\">Home</a>");
    if let Some(c) = &a.category {
        let _ = write!(main, " › {}", esc(c));
    }
    main.push_str("</nav>\n<article class=\"kb\">\n");
    let _ = writeln!(main, "<h1>{}</h1>", esc(&a.title));
    if let Some(u) = a.updated {
        let _ = writeln!(main, "<p class=\"meta\">Updated {}</p>", time(u));
    }
    main.push_str(&markdown(&a.body, Flavour::Article));
    if !a.tags.is_empty() {
        main.push_str("<ul class=\"tags\">");
        for t in &a.tags {
            let _ = write!(main, "<li>{}</li>", esc(t));
        }
        main.push_str("</ul>\n");
    }
    main.push_str("</article>\n");
    if site.contact.is_some() {
        main.push_str(
            "<p class=\"more\">Still need help? <a href=\"../../contact/\">Contact support</a>.</p>\n",
        );
    }
    page(site, &Frame { root: "../../", title: &a.title, search: false, noindex: false }, &main)
}

/// The contact page, `contact/`: a form that opens the visitor's mail program
/// with a message to `address`, subject and text filled in.
pub fn contact(site: &Site, address: &str) -> String {
    let a = esc(address);
    let main = format!(
        "<h1>Contact support</h1>\n\
         <p>Write to <a href=\"mailto:{a}\">{a}</a>, or fill this in: it opens your mail program \
         with the message ready to send. We answer by mail.</p>\n\
         <form class=\"contact\" action=\"mailto:{a}\" method=\"get\">\n\
         <label for=\"subject\">Subject</label>\n\
         <input id=\"subject\" name=\"subject\" required maxlength=\"200\">\n\
         <label for=\"body\">Your request</label>\n\
         <textarea id=\"body\" name=\"body\" rows=\"10\"></textarea>\n\
         <button type=\"submit\">Write the mail</button>\n\
         </form>\n"
    );
    page(site, &Frame { root: "../", title: "Contact support", search: false, noindex: false }, &main)
}

/// What a status page shows of one ticket: only what the requester may see.
#[derive(Clone, Debug)]
pub struct StatusView {
    /// The full ticket id.
    pub id: String,
    pub title: String,
    pub status: String,
    pub category: Category,
    /// Shown fields, label and value, in order.
    pub fields: Vec<(String, String)>,
    /// The public conversation, oldest first.
    pub messages: Vec<Message>,
    /// Where mail about the ticket goes (desk's address, or its plus address
    /// for the ticket), for the rating and write-to-us links.
    pub reply_to: Option<String>,
}

/// One public message.
#[derive(Clone, Debug)]
pub struct Message {
    /// A display name, never an address.
    pub author: String,
    /// Written by the requester or a cc (not by the support team).
    pub from_requester: bool,
    pub date: DateTime<Utc>,
    /// Markdown.
    pub body: String,
}

/// What a requester reads about the status's category.
pub fn category_sentence(category: Category) -> &'static str {
    match category {
        Category::New => "We have your request and will answer soon.",
        Category::Open => "We are working on it.",
        Category::Pending => "We are waiting for your answer.",
        Category::OnHold => "We are waiting for someone else and will come back to you.",
        Category::Solved => "Solved. If something is still wrong, write to us and it opens again.",
        Category::Closed => "Closed.",
        Category::Merged => "Merged with another request.",
    }
}

/// A ticket's status page, `t/<token>/`.
pub fn status(site: &Site, view: &StatusView) -> String {
    let mut main = String::new();
    let _ = writeln!(main, "<h1>{}</h1>", esc(&view.title));
    let _ = writeln!(
        main,
        "<p class=\"status {}\">Status: <strong>{}</strong>. {}</p>",
        view.category.name(),
        esc(&view.status),
        category_sentence(view.category)
    );
    main.push_str("<dl class=\"fields\">\n");
    let _ = writeln!(main, "<dt>Request</dt><dd><code>{}</code></dd>", esc(&view.id));
    for (label, value) in &view.fields {
        let _ = writeln!(main, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
    }
    main.push_str("</dl>\n<h2>Conversation</h2>\n");
    for m in &view.messages {
        let class = if m.from_requester { "message requester" } else { "message support" };
        let _ = writeln!(
            main,
            "<article class=\"{class}\">\n<header><strong>{}</strong> <time datetime=\"{}\">{}</time></header>",
            esc(&m.author),
            m.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            time(m.date)
        );
        main.push_str(&markdown(&m.body, Flavour::Message));
        main.push_str("</article>\n");
    }
    if let Some(to) = &view.reply_to {
        let subject = format!("Re: [desk #{}] {}", view.id, view.title);
        if view.category == Category::Solved {
            main.push_str("<section class=\"rating\">\n<h2>How satisfied are you?</h2>\n<p>");
            for n in 1..=5 {
                let href = mailto(to, &subject, &format!("Rating: {n}\n\n"));
                let _ = write!(main, "<a href=\"{}\">{n}</a> ", esc(&href));
            }
            main.push_str("</p>\n<p class=\"meta\">1 is bad, 5 is great. The link writes the mail for you.</p>\n</section>\n");
        }
        let _ = writeln!(
            main,
            "<p class=\"more\">To add something, reply to our last mail or <a href=\"{}\">write to us</a>.</p>",
            esc(&mailto(to, &subject, ""))
        );
    }
    page(site, &Frame { root: "../../", title: &view.title, search: false, noindex: true }, &main)
}

/// A `mailto:` URL (RFC 6068): the address, then the subject and body
/// percent-encoded as UTF-8.
pub fn mailto(address: &str, subject: &str, body: &str) -> String {
    let mut url = format!("mailto:{}?subject={}", percent(address), percent(subject));
    if !body.is_empty() {
        let _ = write!(url, "&body={}", percent(&body.replace('\n', "\r\n")));
    }
    url
}

/// Every byte but unreserved ones (and `@` in addresses) percent-encoded.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One week of the figures page: its Monday (Unix seconds), the median first
/// response and the median resolution, in seconds.
pub type WeekFigures = (i64, Option<i64>, Option<i64>);

/// The public figures page, `figures/`: for each week (Monday, Unix
/// seconds), the median first response and the median resolution, as two
/// SVG bar charts drawn here and a table of the same numbers.
pub fn figures(site: &Site, weeks: &[WeekFigures]) -> String {
    let label = |start: i64| {
        DateTime::from_timestamp(start, 0).map_or_else(String::new, |d| d.format("%b %d").to_string())
    };
    let mut main = String::from(
        "<h1>Our figures</h1>\n<p>How fast we answer and solve requests, week by week (Monday to Sunday, UTC): \
         the median time from a new request to our first answer, over the requests opened in the week, and \
         the median time from a new request to its solution, over the requests solved in the week.</p>\n",
    );
    let first: Vec<(String, Option<i64>)> = weeks.iter().map(|w| (label(w.0), w.1)).collect();
    let solved: Vec<(String, Option<i64>)> = weeks.iter().map(|w| (label(w.0), w.2)).collect();
    main.push_str("<h2>First response</h2>\n");
    main.push_str(&bar_chart("Median first response per week", &first));
    main.push_str("<h2>Resolution</h2>\n");
    main.push_str(&bar_chart("Median resolution per week", &solved));
    main.push_str("<table class=\"figures\">\n<thead><tr><th>Week of</th><th>First response</th><th>Resolution</th></tr></thead>\n<tbody>\n");
    for w in weeks {
        let _ = writeln!(
            main,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            DateTime::from_timestamp(w.0, 0).map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string()),
            w.1.map_or_else(|| "–".to_owned(), duration),
            w.2.map_or_else(|| "–".to_owned(), duration)
        );
    }
    main.push_str("</tbody>\n</table>\n");
    page(site, &Frame { root: "../", title: "Our figures", search: false, noindex: false }, &main)
}

/// An SVG bar chart of durations: one bar per label, its value above it
/// (`–` for none), the tallest bar the largest value.
fn bar_chart(title: &str, bars: &[(String, Option<i64>)]) -> String {
    const W: usize = 640;
    const H: usize = 220;
    const TOP: usize = 24;
    const BOTTOM: usize = 28;
    let max = bars.iter().filter_map(|b| b.1).max().unwrap_or(1).max(1);
    let slot = W / bars.len().max(1);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>{t}</title>\n",
        t = esc(title)
    );
    let plot = H - TOP - BOTTOM;
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = i * slot + slot / 8;
        let width = slot * 3 / 4;
        let centre = i * slot + slot / 2;
        if let Some(v) = value {
            let v = usize::try_from(*v).unwrap_or(0);
            let max = usize::try_from(max).unwrap_or(1);
            let h = (v * plot).div_ceil(max).max(1);
            let y = TOP + plot - h;
            let _ =
                writeln!(svg, "<rect class=\"bar\" x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{h}\"/>");
            let _ = writeln!(
                svg,
                "<text class=\"value\" x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y.saturating_sub(6),
                duration(i64::try_from(v).unwrap_or(0))
            );
        } else {
            let _ = writeln!(
                svg,
                "<text class=\"value\" x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">–</text>",
                TOP + plot - 6
            );
        }
        let _ = writeln!(
            svg,
            "<text class=\"label\" x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            H - 8,
            esc(label)
        );
    }
    let _ = writeln!(svg, "<line class=\"axis\" x1=\"0\" y1=\"{0}\" x2=\"{W}\" y2=\"{0}\"/>", TOP + plot);
    svg.push_str("</svg>\n");
    svg
}

/// A time as the pages show it: `2026-12-01 10:00 UTC`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests;
