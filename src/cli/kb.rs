//! The knowledge base as commands read it: articles of the desk branch,
//! and the public link of one (`desk reply --kb`).

use crate::cli::output::Shown;
use crate::cli::{CliError, Result};
use crate::kb::{self, Article, Audience};
use crate::store::{Store, Tip};
use crate::workflow::Config;

/// Every readable article at `tip`, by slug; one that cannot be read is left
/// out with a warning naming its problem.
pub fn load_all(store: &Store, tip: &Tip) -> Result<Vec<Article>> {
    let mut out = Vec::new();
    for (path, blob) in store.files_under(tip.tree, kb::KB_DIR)? {
        let Some(slug) = kb::slug_of(&path) else { continue };
        let text = String::from_utf8_lossy(&store.blob(blob)?).into_owned();
        match Article::parse(slug, &text) {
            Ok(a) => out.push(a),
            Err(e) => say!("warning: {}: {}; left out", Shown(&path), Shown(&e)),
        }
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(out)
}

pub fn load(store: &Store, tip: &Tip, slug: &str) -> Result<Article> {
    if !kb::is_valid_slug(slug) {
        return Err(CliError::usage(format!("'{slug}' is not an article slug"))
            .hint("a slug is lowercase letters, digits and -: desk kb list shows them"));
    }
    let Some(bytes) = store.read_file(tip.tree, &kb::path_of(slug))? else {
        return Err(CliError::new(crate::cli::error::Kind::NotFound, format!("no article '{slug}'"))
            .hint("desk kb list shows the articles"));
    };
    Article::parse(slug, &String::from_utf8_lossy(&bytes))
        .map_err(|e| CliError::malformed(format!("{}: {e}", kb::path_of(slug))))
}

/// The public link of article `slug` for a reply: `[title](BASE/kb/SLUG/)`,
/// with BASE desk.yaml's `portal.base_url`. Only a public article has one.
pub fn public_link(store: &Store, tip: &Tip, config: &Config, slug: &str) -> Result<String> {
    let article = load(store, tip, slug)?;
    if article.audience != Audience::Public {
        return Err(CliError::usage(format!("article '{slug}' is internal: requesters cannot open it"))
            .hint(format!("make it public first (audience: public): desk kb edit {slug}")));
    }
    let portal = crate::portal::PortalConfig::of(config)
        .map_err(|e| CliError::config(format!("desk.yaml: {e}")))?
        .ok_or_else(|| {
            CliError::config("desk.yaml has no `portal:` section: an article has no public address")
                .hint("add `portal: {base_url: https://help.example.com}` to desk.yaml on the desk branch")
        })?;
    let title = article.title.replace(['[', ']'], "");
    Ok(format!("[{title}]({})", portal.article_url(slug)))
}
