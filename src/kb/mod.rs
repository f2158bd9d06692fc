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
        let text = text.replace("\r\n", "\n");
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

#[cfg(test)]
mod tests {
    use super::*;

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
