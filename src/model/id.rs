//! Ticket and comment ids: 10 random Crockford base32 characters (50 bits), shown
//! as the shortest unique prefix of at least six characters.

use std::fmt;

/// Crockford's base32 alphabet, lowercase: no i, l, o, u.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Length of a stored id.
pub const ID_LEN: usize = 10;
/// Shortest prefix used when an id is shown.
pub const MIN_SHORT: usize = 6;

/// Normalises one character of user input to the alphabet, as Crockford decoding
/// does (`I`/`L` read as 1, `O` as 0); `None` for anything outside it.
fn normalise_char(c: char) -> Option<char> {
    let c = c.to_ascii_lowercase();
    let c = match c {
        'i' | 'l' => '1',
        'o' => '0',
        other => other,
    };
    (c.is_ascii() && ALPHABET.contains(&(c as u8))).then_some(c)
}

/// Normalises an id or id prefix typed by a user; `None` if it has a character
/// that cannot be part of an id (which also keeps it from naming a path outside
/// the ticket tree).
pub fn normalise_prefix(input: &str) -> Option<String> {
    if input.is_empty() || input.len() > ID_LEN {
        return None;
    }
    input.chars().map(normalise_char).collect()
}

fn random_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let mut n = u64::from_le_bytes(bytes);
    let mut s = String::with_capacity(ID_LEN);
    for _ in 0..ID_LEN {
        s.push(ALPHABET[(n & 31) as usize] as char);
        n >>= 5;
    }
    s
}

/// The id of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TicketId(String);

impl TicketId {
    /// A fresh random id.
    pub fn generate() -> Self {
        TicketId(random_id())
    }

    /// The id `desk import` gives the ticket it finds by `origin`.
    pub fn derived(origin: &str) -> Self {
        TicketId(derived(&format!("desk-import ticket {origin}"), ID_LEN))
    }

    /// Parses a full, stored id (exactly 10 characters of the alphabet, lowercase).
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == ID_LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then(|| TicketId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shard directory: the first two characters.
    pub fn shard(&self) -> &str {
        &self.0[..2]
    }

    /// Path of the ticket file in the desk tree.
    pub fn path(&self) -> String {
        format!("tickets/{}/{}.md", self.shard(), self.0)
    }

    /// The id of the ticket file at `path`, if the path names one: a file
    /// `tickets/<dir>/<id>.md`. This is the one rule of what a ticket file is;
    /// a ticket file in the wrong shard directory is still one (a malformed
    /// one: its id does not match its path).
    pub fn from_path(path: &str) -> Option<TicketId> {
        let (dir, file) = path.strip_prefix("tickets/")?.split_once('/')?;
        if dir.is_empty() || file.contains('/') {
            return None;
        }
        TicketId::parse(file.strip_suffix(".md")?)
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `len` characters of the alphabet taken from the SHA-256 of `key`: the same
/// key always gives the same id (what `desk import` names imported tickets and
/// comments by, so two clones importing the same source agree).
fn derived(key: &str, len: usize) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut bits = digest.iter().flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1));
    (0..len)
        .map(|_| {
            let n = (0..5).fold(0usize, |n, _| n << 1 | usize::from(bits.next().unwrap_or(0)));
            ALPHABET[n] as char
        })
        .collect()
}

/// The comment id `desk import` gives the comment it finds by `key`.
pub fn derived_comment_id(key: &str) -> String {
    derived(&format!("desk-import comment {key}"), 16)
}

/// A fresh comment id (same alphabet and length as ticket ids).
pub fn generate_comment_id() -> String {
    random_id()
}

/// Whether `s` is a well-formed comment id.
pub fn is_comment_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// Length of the shortest prefix of each id (at least [`MIN_SHORT`]) that is unique
/// among `sorted` (which must be sorted and free of duplicates).
pub fn unique_prefix_lengths(sorted: &[&str]) -> Vec<usize> {
    let common = |a: &str, b: &str| a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    (0..sorted.len())
        .map(|i| {
            let before = if i > 0 { common(sorted[i - 1], sorted[i]) } else { 0 };
            let after = if i + 1 < sorted.len() { common(sorted[i], sorted[i + 1]) } else { 0 };
            (before.max(after) + 1).clamp(MIN_SHORT, sorted[i].len().max(MIN_SHORT))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_paths_are_tickets_dir_shard_id_md() {
        let id = TicketId::parse("k3x9q2hm7d").unwrap();
        assert_eq!(TicketId::from_path(&id.path()), Some(id.clone()));
        assert_eq!(
            TicketId::from_path("tickets/zz/k3x9q2hm7d.md"),
            Some(id),
            "misplaced, still a ticket file"
        );
        for not in [
            "tickets/k3x9q2hm7d.md",
            "tickets/k3/x/k3x9q2hm7d.md",
            "tickets//k3x9q2hm7d.md",
            "tickets/k3/k3x9q2hm7d.txt",
            "tickets/k3/README.md",
            "other/k3/k3x9q2hm7d.md",
            "tickets/k3/K3X9Q2HM7D.md",
        ] {
            assert_eq!(TicketId::from_path(not), None, "{not}");
        }
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = TicketId::generate();
        let b = TicketId::generate();
        assert_eq!(a.as_str().len(), ID_LEN);
        assert!(TicketId::parse(a.as_str()).is_some());
        assert_ne!(a, b);
        assert_eq!(a.path(), format!("tickets/{}/{}.md", &a.as_str()[..2], a));
    }

    #[test]
    fn prefixes_are_normalised_and_path_characters_rejected() {
        assert_eq!(normalise_prefix("K3X9").as_deref(), Some("k3x9"));
        assert_eq!(normalise_prefix("OIL").as_deref(), Some("011"));
        assert_eq!(normalise_prefix("../etc"), None);
        assert_eq!(normalise_prefix("ab/cd"), None);
        assert_eq!(normalise_prefix(""), None);
        assert_eq!(normalise_prefix("0123456789a"), None);
        assert_eq!(TicketId::parse("K3X9Q2HM7D"), None);
    }

    #[test]
    fn unique_prefix_lengths_are_at_least_six_and_unique() {
        let ids = ["aaaaaaaaaa", "aaaaaaab00", "aaaaaaab01", "zzzzzzzzzz"];
        assert_eq!(unique_prefix_lengths(&ids), vec![8, 10, 10, 6]);
        assert_eq!(unique_prefix_lengths(&["k3x9q2hm7d"]), vec![6]);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn normalised_prefixes_hold_only_id_characters(input in "\\PC{0,12}") {
                if let Some(p) = normalise_prefix(&input) {
                    prop_assert!(!p.is_empty() && p.len() <= ID_LEN);
                    prop_assert!(p.bytes().all(|b| ALPHABET.contains(&b)), "{}", p);
                }
            }

            #[test]
            fn shown_prefixes_are_unique_and_at_least_six(
                ids in proptest::collection::btree_set("[0-9a-hjkmnp-tv-z]{10}", 1..40),
                shared in "[0-9a-hjkmnp-tv-z]{0,9}",
            ) {
                // Some ids share a long prefix so that six characters are not enough.
                let ids: Vec<String> = ids
                    .into_iter()
                    .enumerate()
                    .map(|(i, id)| if i % 3 == 0 { format!("{shared}{}", &id[shared.len()..]) } else { id })
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                let lens = unique_prefix_lengths(&refs);
                for (i, id) in refs.iter().enumerate() {
                    prop_assert!(lens[i] >= MIN_SHORT && lens[i] <= ID_LEN);
                    let prefix = &id[..lens[i]];
                    let matching = refs.iter().filter(|o| o.starts_with(prefix)).count();
                    prop_assert_eq!(matching, 1, "{} is not unique", prefix);
                    if lens[i] > MIN_SHORT {
                        let shorter = &id[..lens[i] - 1];
                        prop_assert!(refs.iter().filter(|o| o.starts_with(shorter)).count() > 1, "{} would do", shorter);
                    }
                }
            }
        }
    }
}
