//! The portal's search index, `assets/search-index.js`: the public articles'
//! weighted token counts (docs/kb.md, "Ranking"), so the script in the
//! browser scores a query exactly as `desk kb search` does.
//!
//! The file sets `window.DESK_SEARCH` to
//! `{version, k1, b, avglen, stop, docs: [{slug, title, category, summary, len}],
//! terms: {token: [[doc, count], …]}}`, `doc` being an index into `docs`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::kb::{Article, rank};

/// Characters of an article's body kept as its summary in the results.
const SUMMARY_CHARS: usize = 160;

/// The index of `articles` as JSON.
pub fn index(articles: &[&Article]) -> Value {
    let mut docs = Vec::with_capacity(articles.len());
    let mut terms: BTreeMap<String, Vec<[u32; 2]>> = BTreeMap::new();
    let mut total = 0u64;
    for (i, a) in articles.iter().enumerate() {
        let d = rank::doc(a);
        total += u64::from(d.len);
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        for (t, n) in d.counts {
            terms.entry(t).or_default().push([i, n]);
        }
        docs.push(json!({
            "slug": a.slug,
            "title": a.title,
            "category": a.category,
            "summary": summary(&a.body),
            "len": d.len,
        }));
    }
    for postings in terms.values_mut() {
        postings.sort_unstable();
    }
    #[allow(clippy::cast_precision_loss)]
    let avglen = if articles.is_empty() { 1.0 } else { (total as f64).max(1.0) / articles.len() as f64 };
    let (k1, b) = rank::PARAMETERS;
    json!({
        "version": 1,
        "k1": k1,
        "b": b,
        "avglen": avglen,
        "stop": rank::STOP_WORDS,
        "docs": docs,
        "terms": terms,
    })
}

/// The index as the script file that loads it.
pub fn script(articles: &[&Article]) -> String {
    format!("window.DESK_SEARCH = {};\n", index(articles))
}

/// The start of a body as plain text: Markdown's punctuation left out, one line.
fn summary(body: &str) -> String {
    let text: String = body
        .lines()
        .map(|l| l.trim_start_matches(['#', '>', '-', '*', ' ']).trim())
        .filter(|l| !l.is_empty() && !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['*', '`', '_'], "");
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Audience;

    fn article(slug: &str, title: &str, body: &str) -> Article {
        Article {
            slug: slug.into(),
            title: title.into(),
            category: None,
            tags: vec!["vpn".into()],
            audience: Audience::Public,
            related: Vec::new(),
            updated: None,
            body: body.into(),
        }
    }

    #[test]
    fn the_index_holds_the_weighted_counts_of_the_ranking() {
        let a = article("reset-vpn", "Reset VPN", "Open the **portal** and reset.");
        let b = article("printer", "Printer jams", "Open the tray.");
        let index = index(&[&a, &b]);
        // reset: 3 (title) + 1 (body); vpn: 3 (title) + 2 (tag).
        assert_eq!(index["terms"]["reset"], json!([[0, 4]]));
        assert_eq!(index["terms"]["vpn"], json!([[0, 5], [1, 2]]));
        assert_eq!(index["terms"]["open"], json!([[0, 1], [1, 1]]));
        assert_eq!(index["docs"][0]["len"], 3 * 2 + 2 + 3);
        assert_eq!(index["docs"][0]["summary"], "Open the portal and reset.");
        assert_eq!(index["k1"], 1.2);
        assert!(script(&[&a]).starts_with("window.DESK_SEARCH = {"));
    }
}
