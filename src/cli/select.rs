//! The tickets a query selects by the values they have now (from the list
//! index; a text term loads the ticket files it has to), for the commands
//! that work on a selection of tickets.

use super::strict::Strict;
use super::{Ctx, Result};
use crate::model::{self, Field, FieldSource as _};
use crate::query::{Context, Query};
use crate::store::{IndexEntry, Store, Tip};
use crate::workflow::Config;

/// A selected ticket, with what a listing of it shows.
#[derive(Clone, Debug)]
pub struct Selected {
    pub id: String,
    /// The shortest unique prefix of its id among every ticket file.
    pub short: String,
    pub title: String,
    pub status: String,
    pub priority: String,
}

/// The tickets `query` selects; malformed files are warned about (or, with
/// `--strict`, an error).
pub fn matching(
    ctx: &Ctx,
    store: &Store,
    tip: &Tip,
    query: &Query,
    config: &Config,
    strict: Strict,
) -> Result<Vec<Selected>> {
    let me = store.signatures().ok().map(|(a, _)| a.person());
    let mctx = Context { config, now: ctx.now.timestamp(), me: me.as_deref() };
    store.with_index(tip, |entries| -> Result<Vec<Selected>> {
        let lens = prefix_lengths(entries);
        let mut out = Vec::new();
        for (entry, len) in entries.iter().zip(lens) {
            let s = match &entry.summary {
                Ok(s) => s,
                Err((line, message)) => {
                    strict.malformed(&entry.path, *line, message)?;
                    continue;
                }
            };
            let hit = match query.matches_fields(s, &mctx) {
                Some(hit) => hit,
                None => query.matches(&store.load_blob_ticket(entry.blob_id(), &entry.path)?, &mctx),
            };
            if hit {
                let text = |f: Field| s.str(f).unwrap_or_default().to_owned();
                let id = s.id();
                out.push(Selected {
                    id: id.to_owned(),
                    short: id.get(..len).unwrap_or(id).to_owned(),
                    title: text(Field::Title),
                    status: text(Field::Status),
                    priority: text(Field::Priority),
                });
            }
        }
        Ok(out)
    })?
}

/// The length of the shortest unique prefix of each entry's id. Prefixes must
/// be unique among every ticket file, the unreadable ones included: an id
/// prefix resolves against file names.
pub fn prefix_lengths(entries: &[IndexEntry<'_>]) -> Vec<usize> {
    let stems: Vec<&str> = entries
        .iter()
        .map(|e| e.path.rsplit('/').next().and_then(|n| n.strip_suffix(".md")).unwrap_or(""))
        .collect();
    // Entries are sorted by path, so normally by id as well: then each id's
    // neighbours are at hand and no search is needed.
    if stems.windows(2).all(|w| w[0] < w[1]) {
        return model::unique_prefix_lengths(&stems);
    }
    let mut ids = stems.clone();
    ids.sort_unstable();
    ids.dedup();
    let lens = model::unique_prefix_lengths(&ids);
    stems.iter().map(|id| ids.binary_search(id).map_or(model::MIN_SHORT, |i| lens[i])).collect()
}
