//! The search index: each ticket's searched texts (title, description, each
//! comment's body), lowercased, in one file per shard beside the list index
//! (`.git/desk/text/<ab>`, keyed by the shard's tree). A free-text query reads
//! these instead of parsing every ticket file, and answers exactly as the
//! ticket would: the same texts, lowercased the same way, searched the same way.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::index::{self, IndexEntry, Shard};
use super::{Store, StoreError};
use crate::model::{TextSource, Ticket};

const TEXT_DIR: &str = "text";
const VERSION: u32 = 2;
const MAGIC: [u8; 8] = *b"desktext";

/// The searched texts of one ticket file, lowercased; none for a file that
/// cannot be read (it is never listed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketText<'a> {
    blob: [u8; 20],
    #[serde(borrow)]
    texts: Vec<Utf8<'a>>,
}

/// Text kept as its UTF-8 bytes, read without checking them again: the file's
/// checksum vouches for what desk wrote, and a search for a UTF-8 needle
/// among UTF-8 bytes finds exactly what a search among characters finds (no
/// character's encoding starts inside another's).
#[derive(Clone, Debug, PartialEq)]
struct Utf8<'a>(Cow<'a, [u8]>);

impl Serialize for Utf8<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Utf8<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Cow<'de, [u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_vec()))
            }
        }
        d.deserialize_bytes(Bytes).map(Utf8)
    }
}

impl TicketText<'static> {
    /// The texts of `ticket`, read from blob `blob`.
    pub fn of(ticket: &Ticket, blob: [u8; 20]) -> Self {
        let texts = ticket.searched_texts_lower().into_iter().map(|t| Utf8(Cow::Owned(t.into_bytes())));
        TicketText { blob, texts: texts.collect() }
    }
}

impl TextSource for TicketText<'_> {
    fn contains_text(&self, needle_lower: &str) -> bool {
        let needle = needle_lower.as_bytes();
        self.texts.iter().any(|t| memchr::memmem::find(&t.0, needle).is_some())
    }
}

/// Whether `texts` are those of `entries`, one for one.
fn aligned(texts: &[TicketText<'_>], entries: &[IndexEntry<'_>]) -> bool {
    texts.len() == entries.len() && texts.iter().zip(entries).all(|(t, e)| t.blob == e.blob)
}

/// Builds the text file of `shard` for its list `entries`, keeping the texts
/// of `old` (an earlier version) whose blob is unchanged and reading only the
/// other tickets.
fn build(
    store: &Store,
    shard: &Shard,
    entries: &[IndexEntry<'_>],
    old: &[TicketText<'_>],
) -> Result<Vec<u8>, StoreError> {
    // A readable ticket always has a title and a description: an empty list
    // is an unreadable file's, whose blob may be readable at another path.
    let kept: HashMap<[u8; 20], &TicketText<'_>> =
        old.iter().filter(|t| !t.texts.is_empty()).map(|t| (t.blob, t)).collect();
    let mut bytes = index::begin(VERSION, shard.tree(), entries.len());
    for entry in entries {
        bytes = match (&entry.summary, kept.get(&entry.blob)) {
            (Ok(_), Some(text)) => postcard::to_extend(*text, bytes),
            (Ok(_), None) => {
                let ticket = store.load_blob_ticket(entry.blob_id(), &entry.path)?;
                postcard::to_extend(&TicketText::of(&ticket, entry.blob), bytes)
            }
            (Err(_), _) => postcard::to_extend(&TicketText { blob: entry.blob, texts: Vec::new() }, bytes),
        }
        .expect("texts serialise");
    }
    Ok(index::seal(MAGIC, &bytes))
}

/// Calls `f` with the texts of `shard`'s tickets, one per entry of `entries`
/// (its list entries), from the cached file if it is for this tree and these
/// entries, else from one made again and written to the cache.
pub(super) fn with_texts<R>(
    store: &Store,
    shard: &Shard,
    entries: &[IndexEntry<'_>],
    f: impl FnOnce(&[TicketText<'_>]) -> R,
) -> Result<R, StoreError> {
    let path = index::shard_path(store, TEXT_DIR, shard);
    let cached = std::fs::read(&path).ok();
    let intact = cached.as_deref().and_then(|b| Some((index::check(MAGIC, VERSION, b)?, b)));
    let old: Vec<TicketText<'_>> = match intact {
        Some((tree, bytes)) => match index::decode::<TicketText<'_>>(bytes) {
            Some(texts) if tree == shard.tree() && aligned(&texts, entries) => return Ok(f(&texts)),
            Some(texts) => texts,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let bytes = build(store, shard, entries, &old)?;
    drop(old);
    index::write_cache(&path, &bytes);
    let texts = index::decode::<TicketText<'_>>(&bytes).expect("freshly encoded texts decode");
    Ok(f(&texts))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{TicketId, Visibility};

    fn ticket(title: &str, description: &str, comments: &[String]) -> Ticket {
        let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut t = Ticket::new(
            TicketId::parse("k3x9q2hm7d").unwrap(),
            title.into(),
            "open".into(),
            "normal".into(),
            now,
        );
        t.description = description.into();
        for body in comments {
            t.add_comment("Jane <jane@example.com>".into(), now, Visibility::Public, body);
        }
        t
    }

    /// Text made of few distinct pieces, so needles often occur, across case
    /// changes and characters whose lowercase differs in length.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("Printer"),
                Just("paper JAM"),
                Just(" "),
                Just("\n"),
                Just("İ"),
                Just("ΣΑΣ"),
                Just("ß"),
                Just("jam"),
                Just("-"),
            ],
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn the_indexed_texts_answer_as_the_ticket_does(
            title in text(),
            description in text(),
            comments in proptest::collection::vec(text(), 0..3),
            needle in text(),
        ) {
            let t = ticket(&title, &description, &comments);
            let needle = needle.to_lowercase();
            let indexed = TicketText::of(&t, [0; 20]);
            let encoded = postcard::to_stdvec(&indexed).unwrap();
            let decoded: TicketText<'_> = postcard::from_bytes(&encoded).unwrap();
            prop_assert_eq!(decoded.contains_text(&needle), t.contains_text(&needle));
        }
    }

    #[test]
    fn a_phrase_never_spans_two_texts() {
        let t = ticket("Printer", "jam", &["paper".into()]);
        let indexed = TicketText::of(&t, [0; 20]);
        for needle in ["printer", "jam", "paper", "rint"] {
            assert!(indexed.contains_text(needle) && t.contains_text(needle), "{needle}");
        }
        for needle in ["printer jam", "printerjam", "jam paper", "printer\njam"] {
            assert!(!indexed.contains_text(needle) && !t.contains_text(needle), "{needle}");
        }
    }
}
