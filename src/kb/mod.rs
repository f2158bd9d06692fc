//! The knowledge base: articles `kb/<slug>.md` on the desk branch — front
//! matter (`title`, `category`, `tags`, `audience`, `related`, `updated`) and a
//! Markdown body — and their ranking for a search or a ticket (BM25 over
//! title, tags and body; docs/kb.md defines it). Knows nothing of git or the
//! command line.

pub mod rank;

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::{self, yaml};

/// The directory of the desk branch that holds the articles.
pub const KB_DIR: &str = "kb";

/// Who may read an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Requesters too: published on the portal.
    Public,
    /// Agents only.
    Internal,
}

impl Audience {
    /// `public` or `internal`.
    pub fn parse(text: &str) -> Option<Audience> {
        match text.trim() {
            "public" => Some(Audience::Public),
            "internal" => Some(Audience::Internal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
        }
    }
}

/// One article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub slug: String,
    pub title: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub audience: Audience,
    /// Ticket ids the article answers or came from.
    pub related: Vec<String>,
    pub updated: Option<DateTime<Utc>>,
    /// Markdown.
    pub body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    title: String,
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    audience: Option<Audience>,
    #[serde(default)]
    related: Vec<String>,
    updated: Option<String>,
}

/// Whether `slug` may name an article: lowercase ASCII letters, digits and
/// `-`, starting with a letter or digit, at most 64 characters (a file name and
/// a URL path segment everywhere).
pub fn is_valid_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && slug.len() <= 64
}

/// The path of article `slug` on the desk branch.
pub fn path_of(slug: &str) -> String {
    format!("{KB_DIR}/{slug}.md")
}

/// The slug of a path `kb/<slug>.md`, if it is one.
pub fn slug_of(path: &str) -> Option<&str> {
    path.strip_prefix("kb/")?.strip_suffix(".md").filter(|s| is_valid_slug(s))
}

/// A one-line value of the front matter: no control or line-separator characters.
fn check_line(what: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    if value.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) {
        return Err(format!("{what} must be one line"));
    }
    Ok(())
}

impl Article {
    /// Reads the text of `kb/<slug>.md`; an error says what is wrong with it.
    pub fn parse(slug: &str, text: &str) -> Result<Article, String> {
        let text: std::borrow::Cow<'_, str> =
            if text.contains('\r') { text.replace("\r\n", "\n").into() } else { text.into() };
        let (front, body) = model::split_front_matter(&text)?;
        if front.trim().is_empty() {
            return Err("no front matter: an article starts with `---`, `title: …`, `---`".into());
        }
        let front: Front = serde_yaml::from_str(front).map_err(|e| format!("front matter: {e}"))?;
        let updated = match front.updated {
            Some(u) => Some(
                DateTime::parse_from_rfc3339(u.trim())
                    .map_err(|e| format!("updated: '{u}' is not an RFC 3339 time ({e})"))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        let article = Article {
            slug: slug.to_owned(),
            title: front.title.trim().to_owned(),
            category: front.category.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
            tags: front.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
            audience: front.audience.unwrap_or(Audience::Internal),
            related: front.related,
            updated,
            body: model::normalise_text(body),
        };
        article.check()?;
        Ok(article)
    }

    /// What is wrong with the article's values, if anything.
    pub fn check(&self) -> Result<(), String> {
        if !is_valid_slug(&self.slug) {
            return Err(format!("'{}' is not a slug (lowercase letters, digits and -)", self.slug));
        }
        check_line("the title", &self.title)?;
        if let Some(c) = &self.category {
            check_line("the category", c)?;
        }
        for t in &self.tags {
            check_line("a tag", t)?;
        }
        for r in &self.related {
            if !r.chars().all(|c| c.is_ascii_alphanumeric()) || r.is_empty() {
                return Err(format!("related: '{r}' is not a ticket id"));
            }
        }
        if self.body.contains('\0') {
            return Err("the body contains a NUL byte".into());
        }
        Ok(())
    }

    /// The file's text: front matter written key by key with desk's YAML
    /// scalar rule (read alike by YAML 1.1 and 1.2 readers), then the body.
    pub fn render(&self) -> String {
        let list = |items: &[String]| {
            format!("[{}]", items.iter().map(|i| yaml::scalar(i)).collect::<Vec<_>>().join(", "))
        };
        let mut out = String::from("---\n");
        let _ = writeln!(out, "title: {}", yaml::scalar(&self.title));
        if let Some(c) = &self.category {
            let _ = writeln!(out, "category: {}", yaml::scalar(c));
        }
        let _ = writeln!(out, "tags: {}", list(&self.tags));
        let _ = writeln!(out, "audience: {}", self.audience.as_str());
        let _ = writeln!(out, "related: {}", list(&self.related));
        if let Some(u) = self.updated {
            let _ = writeln!(
                out,
                "updated: {}",
                yaml::scalar(&u.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            );
        }
        out.push_str("---\n");
        if !self.body.is_empty() {
            out.push_str(&self.body);
            out.push('\n');
        }
        out
    }
}

/// The slugs of the article links in `text`: each `/kb/SLUG/` (a link
/// `desk reply --kb` writes, whatever the base URL), SLUG being a valid slug,
/// in order of appearance, each once.
pub fn linked_slugs(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("/kb/") {
        rest = &rest[i + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len());
        let slug = &rest[..end];
        if rest[end..].starts_with('/') && is_valid_slug(slug) && !found.contains(&slug) {
            found.push(slug);
        }
    }
    found
}

/// How the knowledge base answered resolved tickets (docs/reports.md, "Knowledge base").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Resolved tickets looked at.
    pub resolved: usize,
    /// Those with a response linking an article.
    pub answered: usize,
    /// Each linked article's slug and the number of those tickets linking it,
    /// most first (then by slug).
    pub articles: Vec<(String, usize)>,
}

/// The knowledge-base usage of `tickets` (the resolved ones): a ticket is
/// answered with an article when one of its comments for which `is_response`
/// holds links an article of `slugs`.
pub fn usage<'t>(
    tickets: impl IntoIterator<Item = &'t crate::model::Ticket>,
    slugs: &std::collections::HashSet<&str, impl std::hash::BuildHasher>,
    is_response: impl Fn(&crate::model::Ticket, &crate::model::Comment) -> bool,
) -> Usage {
    let mut usage = Usage::default();
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for t in tickets {
        usage.resolved += 1;
        let mut linked: Vec<&str> = Vec::new();
        for c in t.comments.iter().filter(|c| is_response(t, c)) {
            for s in linked_slugs(&c.body) {
                if slugs.contains(s) && !linked.contains(&s) {
                    linked.push(s);
                }
            }
        }
        if !linked.is_empty() {
            usage.answered += 1;
        }
        for s in linked {
            *counts.entry(s.to_owned()).or_default() += 1;
        }
    }
    usage.articles = counts.into_iter().collect();
    usage.articles.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    usage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_links_are_found_whatever_the_base_url() {
        let text = "See [Reset](https://help.example.com/kb/reset-vpn/) and \
                    https://x.org/help/kb/printer-jam/#h-tray, again /kb/reset-vpn/, not /kb/Upper/ or /kb/no-slash";
        assert_eq!(linked_slugs(text), ["reset-vpn", "printer-jam"]);
    }

    #[test]
    fn usage_counts_tickets_answered_with_an_article() {
        use crate::model::{Comment, Ticket, Visibility};
        let comment = |author: &str, visibility, body: &str| Comment {
            id: "c".into(),
            author: author.into(),
            date: chrono::DateTime::from_timestamp(0, 0).unwrap(),
            visibility,
            automated: false,
            merged: false,
            body: body.into(),
        };
        let t = |id: &str, comments: Vec<Comment>| {
            let mut t = Ticket::new(
                crate::model::TicketId::parse(id).unwrap(),
                "t".into(),
                "solved".into(),
                "normal".into(),
                chrono::DateTime::from_timestamp(0, 0).unwrap(),
            );
            t.comments = comments;
            t
        };
        let tickets = [
            t(
                "aaaaaaaaaa",
                vec![comment("Ann", Visibility::Public, "/kb/vpn/ and /kb/vpn/ and /kb/printer/")],
            ),
            t("bbbbbbbbbb", vec![comment("Ann", Visibility::Public, "https://h/kb/vpn/")]),
            // An internal note, a requester's message, an unknown article: no answer.
            t(
                "cccccccccc",
                vec![
                    comment("Ann", Visibility::Internal, "/kb/vpn/"),
                    comment("Req", Visibility::Public, "/kb/vpn/"),
                ],
            ),
            t("dddddddddd", vec![comment("Ann", Visibility::Public, "/kb/gone/")]),
        ];
        let slugs: std::collections::HashSet<&str> = ["vpn", "printer"].into();
        let u = usage(&tickets, &slugs, |_, c| c.visibility == Visibility::Public && c.author != "Req");
        assert_eq!(
            u,
            Usage { resolved: 4, answered: 2, articles: vec![("vpn".into(), 2), ("printer".into(), 1)] }
        );
    }

    #[test]
    fn an_article_reads_and_writes_back() {
        let text = "---\ntitle: \"Reset: your VPN password\"\ncategory: vpn\ntags: [vpn, 'yes', '017']\naudience: public\n\
                    related: [k3x9q2hm7d]\nupdated: 2026-12-01T10:00:00Z\n---\n\nOpen the portal.\n";
        let a = Article::parse("reset-vpn", text).unwrap();
        assert_eq!(a.title, "Reset: your VPN password");
        assert_eq!(a.tags, ["vpn", "yes", "017"]);
        assert_eq!(a.audience, Audience::Public);
        assert_eq!(a.body, "Open the portal.");
        let again = Article::parse("reset-vpn", &a.render()).unwrap();
        assert_eq!(again, a);
        assert!(a.render().contains("tags: [vpn, \"yes\", \"017\"]\n"), "{}", a.render());
    }

    #[test]
    fn bad_articles_are_refused_with_a_reason() {
        assert!(Article::parse("x", "no front matter").unwrap_err().contains("no front matter"));
        assert!(Article::parse("x", "---\ntitle: a\nwho: b\n---\n").unwrap_err().contains("unknown field"));
        assert!(Article::parse("x", "---\ntitle: a\naudience: secret\n---\n").is_err());
        assert!(
            Article::parse("x", "---\ntitle: a\nupdated: yesterday\n---\n").unwrap_err().contains("RFC 3339")
        );
        assert!(Article::parse("x", "---\ntitle: \"a\\nb\"\n---\n").unwrap_err().contains("one line"));
        assert!(Article::parse("X", "---\ntitle: a\n---\n").unwrap_err().contains("slug"));
        assert_eq!(Article::parse("x", "---\ntitle: a\n---\n").unwrap().audience, Audience::Internal);
        assert!(is_valid_slug("reset-vpn-2"));
        assert!(!is_valid_slug("-x") && !is_valid_slug("a/b") && !is_valid_slug("..") && !is_valid_slug(""));
        assert_eq!(slug_of("kb/reset-vpn.md"), Some("reset-vpn"));
        assert_eq!(slug_of("kb/sub/x.md"), None);
    }
}
