//! The tickets a query selects by the values they have now (from the list
//! index, shard by shard; a text term reads the search index), for the
//! commands that work on a selection of tickets.

use super::strict::Strict;
use super::{Ctx, Result};
use crate::model::{self, Field, FieldSource as _};
use crate::query::{Context, Query};
use crate::store::{IndexEntry, Shard, Store, Summary, Tip};
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
    pub assignee: Option<String>,
    /// Unix seconds.
    pub created: i64,
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
    matching_where(ctx, store, tip, query, config, strict, |_| true)
}

/// The tickets `query` selects among those `keep` accepts (asked first, on the
/// index's values alone).
pub fn matching_where(
    ctx: &Ctx,
    store: &Store,
    tip: &Tip,
    query: &Query,
    config: &Config,
    strict: Strict,
    mut keep: impl FnMut(&Summary<'_>) -> bool,
) -> Result<Vec<Selected>> {
    let me = store.signatures().ok().map(|(a, _)| a.person());
    let mctx = Context { config, now: ctx.now.timestamp(), me: me.as_deref() };
    let mut stems = Stems::default();
    let mut found: Vec<(u32, Selected)> = Vec::new();
    store.for_each_index_shard(tip, |shard, entries| -> Result<()> {
        let first = stems.len();
        for e in entries {
            stems.push(&e.path);
        }
        let decided = decide_shard(store, shard, entries, query, &mctx, strict, &mut keep)?;
        for (i, (entry, selected)) in entries.iter().zip(decided).enumerate() {
            if let (true, Ok(s)) = (selected, &entry.summary) {
                let position = first + u32::try_from(i).expect("fewer than 2^32 tickets in a shard");
                let text = |f: Field| s.str(f).unwrap_or_default().to_owned();
                found.push((
                    position,
                    Selected {
                        id: s.id().to_owned(),
                        short: String::new(),
                        title: text(Field::Title),
                        status: text(Field::Status),
                        priority: text(Field::Priority),
                        assignee: s.str(Field::Assignee).map(str::to_owned),
                        created: s.time(Field::Created),
                    },
                ));
            }
        }
        Ok(())
    })?;
    let lens = stems.prefix_lengths();
    Ok(found
        .into_iter()
        .map(|(position, mut t)| {
            t.short = t.id.get(..lens[position as usize]).unwrap_or(&t.id).to_owned();
            t
        })
        .collect())
}

/// Which entries of one shard of the index `query` selects, among those `keep`
/// accepts: the fields decide from the index, and a text term reads the
/// shard's search index only for the entries the fields left undecided. A
/// ticket file desk cannot read is warned about (with `--strict`, an error)
/// and not selected.
pub fn decide_shard(
    store: &Store,
    shard: &Shard,
    entries: &[IndexEntry<'_>],
    query: &Query,
    mctx: &Context<'_>,
    strict: Strict,
    mut keep: impl FnMut(&Summary<'_>) -> bool,
) -> Result<Vec<bool>> {
    let mut decided = Vec::with_capacity(entries.len());
    for entry in entries {
        decided.push(match &entry.summary {
            Ok(s) if keep(s) => query.matches_fields(s, mctx),
            Ok(_) => Some(false),
            Err((line, message)) => {
                strict.malformed(&entry.path, *line, message)?;
                Some(false)
            }
        });
    }
    if decided.contains(&None) {
        store.with_shard_texts(shard, entries, |texts| {
            for ((decision, entry), text) in decided.iter_mut().zip(entries).zip(texts) {
                if decision.is_none()
                    && let Ok(s) = &entry.summary
                {
                    *decision = Some(query.matches_with(s, text, mctx));
                }
            }
        })?;
    }
    Ok(decided.into_iter().map(|d| d == Some(true)).collect())
}

/// The blob and path of each of `ids` at `tip`, from the list index: looking
/// each up by path would read the `tickets/` tree and a shard tree again for
/// every ticket.
pub fn ticket_files(
    store: &crate::store::Store,
    tip: &crate::store::Tip,
    ids: &[crate::model::TicketId],
) -> Result<std::collections::HashMap<String, (crate::store::Oid, String)>> {
    let wanted: std::collections::HashSet<&str> = ids.iter().map(crate::model::TicketId::as_str).collect();
    let mut files = std::collections::HashMap::with_capacity(ids.len());
    store.for_each_index_shard(tip, |_, entries| -> Result<()> {
        for e in entries {
            if let Ok(s) = &e.summary
                && wanted.contains(s.id())
            {
                files.insert(s.id().to_owned(), (e.blob_id(), e.path.to_string()));
            }
        }
        Ok(())
    })?;
    Ok(files)
}

/// Every ticket file's id (the file name's stem), in index order, for the
/// shortest unique prefixes: one buffer, not a string per ticket.
#[derive(Default)]
pub struct Stems {
    text: String,
    ends: Vec<u32>,
}

impl Stems {
    /// Adds the id of the ticket file at `path`.
    pub fn push(&mut self, path: &str) {
        self.text.push_str(path.rsplit('/').next().and_then(|n| n.strip_suffix(".md")).unwrap_or(""));
        self.ends.push(u32::try_from(self.text.len()).expect("ids fit in 4 GB"));
    }

    /// How many ids there are.
    pub fn len(&self) -> u32 {
        u32::try_from(self.ends.len()).expect("fewer than 2^32 ticket files")
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The length of the shortest unique prefix of each id. Prefixes must be
    /// unique among every ticket file, the unreadable ones included: an id
    /// prefix resolves against file names.
    pub fn prefix_lengths(&self) -> Vec<usize> {
        let mut start = 0;
        let stems: Vec<&str> = self
            .ends
            .iter()
            .map(|&end| {
                let stem = &self.text[start..end as usize];
                start = end as usize;
                stem
            })
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
}
