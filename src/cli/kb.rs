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
    let files: Vec<(String, crate::store::Oid)> = store
        .files_under(tip.tree, kb::KB_DIR)?
        .into_iter()
        .filter(|(p, _)| kb::slug_of(p).is_some())
        .collect();
    // Many articles are read and parsed on every core, each thread with its
    // own handle on the repository; a few on this thread.
    let parsed: Vec<(String, std::result::Result<Article, String>)> = if files.len() < 64 {
        read_articles(store, &files)?
    } else {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = files.len().div_ceil(threads);
        let handles = (0..threads).map(|_| store.reopen()).collect::<std::result::Result<Vec<_>, _>>()?;
        std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(chunk)
                .zip(handles)
                .map(|(part, handle)| scope.spawn(move || read_articles(&handle, part)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("reading articles does not panic"))
                .collect::<Result<Vec<_>>>()
        })?
        .into_iter()
        .flatten()
        .collect()
    };
    let mut out = Vec::with_capacity(parsed.len());
    for (path, article) in parsed {
        match article {
            Ok(a) => out.push(a),
            Err(e) => say!("warning: {}: {}; left out", Shown(&path), Shown(&e)),
        }
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(out)
}

fn read_articles(
    store: &Store,
    files: &[(String, crate::store::Oid)],
) -> Result<Vec<(String, std::result::Result<Article, String>)>> {
    files
        .iter()
        .map(|(path, blob)| {
            let bytes = store.blob(*blob)?;
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Ok((path.clone(), Article::parse(kb::slug_of(path).unwrap_or_default(), &text)))
        })
        .collect()
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
