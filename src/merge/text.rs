//! Line-wise three-way merge of text files (desk.yaml, knowledge-base articles,
//! macros): the classic diff3 rule. Regions changed on one side only take that
//! side; regions changed identically on both sides merge; anything else is a
//! conflict. The matching of each side against the base depends on that pair
//! alone, so swapping the sides gives the same clean result.

use std::collections::HashMap;

/// Above this many cells (base lines × side lines, after trimming the common
/// start and end) the line matching gives up and treats the middle as changed.
const MAX_CELLS: usize = 4_000_000;

/// The outcome of a text merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextMerge {
    /// Both sides' changes merged without overlap.
    Clean(String),
    /// Overlapping changes: the text with git-style conflict markers, for a
    /// merge driver that must leave the decision to a person.
    Conflict { marked: String },
}

/// Merges `ours` and `theirs`, both derived from `base`, line by line.
#[allow(clippy::many_single_char_names)] // b, o, t: base, ours, theirs
pub fn merge_text(base: &str, ours: &str, theirs: &str) -> TextMerge {
    if ours == theirs || base == theirs {
        return TextMerge::Clean(ours.to_owned());
    }
    if base == ours {
        return TextMerge::Clean(theirs.to_owned());
    }
    let b: Vec<&str> = base.split_inclusive('\n').collect();
    let o: Vec<&str> = ours.split_inclusive('\n').collect();
    let t: Vec<&str> = theirs.split_inclusive('\n').collect();
    let to_ours = matching(&b, &o);
    let to_theirs = matching(&b, &t);

    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut marked = String::new();
    let mut conflict = false;
    let (mut i, mut j, mut k) = (0, 0, 0);
    let mut emit = |bs: &[&str], os: &[&str], ts: &[&str], out: &mut String, marked: &mut String| {
        let chosen: Option<&[&str]> = if os == ts || bs == ts {
            Some(os)
        } else if bs == os {
            Some(ts)
        } else {
            None
        };
        if let Some(lines) = chosen {
            for l in lines {
                out.push_str(l);
                marked.push_str(l);
            }
        } else {
            conflict = true;
            marked.push_str("<<<<<<< ours\n");
            push_lines(marked, os);
            marked.push_str("=======\n");
            push_lines(marked, ts);
            marked.push_str(">>>>>>> theirs\n");
        }
    };
    for bi in 0..b.len() {
        let (Some(oi), Some(ti)) = (to_ours[bi], to_theirs[bi]) else { continue };
        emit(&b[i..bi], &o[j..oi], &t[k..ti], &mut out, &mut marked);
        out.push_str(b[bi]);
        marked.push_str(b[bi]);
        (i, j, k) = (bi + 1, oi + 1, ti + 1);
    }
    emit(&b[i..], &o[j..], &t[k..], &mut out, &mut marked);
    if conflict { TextMerge::Conflict { marked } } else { TextMerge::Clean(out) }
}

fn push_lines(out: &mut String, lines: &[&str]) {
    for l in lines {
        out.push_str(l);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// For each line of `a`, the line of `b` it is matched with by a longest common
/// subsequence (common start and end first, then dynamic programming).
#[allow(clippy::many_single_char_names)]
fn matching<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Option<usize>> {
    let mut result = vec![None; a.len()];
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    for (i, slot) in result.iter_mut().enumerate().take(prefix) {
        *slot = Some(i);
    }
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    for s in 0..suffix {
        result[a.len() - 1 - s] = Some(b.len() - 1 - s);
    }
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if am.is_empty() || bm.is_empty() || am.len().saturating_mul(bm.len()) > MAX_CELLS {
        return result;
    }
    // Lines as small integers, so the table compares numbers.
    let mut ids: HashMap<&'a str, u32> = HashMap::new();
    let mut id = |s: &'a str| {
        let next = u32::try_from(ids.len()).expect("fewer than 4 billion distinct lines");
        *ids.entry(s).or_insert(next)
    };
    let ai: Vec<u32> = am.iter().map(|s| id(s)).collect();
    let bi: Vec<u32> = bm.iter().map(|s| id(s)).collect();
    let (n, m) = (ai.len(), bi.len());
    // table[x][y] = LCS length of ai[x..] and bi[y..].
    let width = m + 1;
    let mut table = vec![0u32; (n + 1) * width];
    for x in (0..n).rev() {
        for y in (0..m).rev() {
            table[x * width + y] = if ai[x] == bi[y] {
                table[(x + 1) * width + y + 1] + 1
            } else {
                table[(x + 1) * width + y].max(table[x * width + y + 1])
            };
        }
    }
    let (mut x, mut y) = (0, 0);
    while x < n && y < m {
        if ai[x] == bi[y] {
            result[prefix + x] = Some(prefix + y);
            x += 1;
            y += 1;
        } else if table[(x + 1) * width + y] >= table[x * width + y + 1] {
            x += 1;
        } else {
            y += 1;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn changes_in_different_places_merge() {
        let base = "a\nb\nc\nd\ne\n";
        let ours = "A\nb\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE\nf\n";
        assert_eq!(merge_text(base, ours, theirs), TextMerge::Clean("A\nb\nc\nd\nE\nf\n".into()));
        assert_eq!(merge_text(base, theirs, ours), TextMerge::Clean("A\nb\nc\nd\nE\nf\n".into()));
    }

    #[test]
    fn the_same_change_on_both_sides_merges() {
        let base = "a\nb\n";
        let both = "a\nB\n";
        assert_eq!(merge_text(base, both, both), TextMerge::Clean(both.into()));
        assert_eq!(
            merge_text("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nB\nc\nD\n"),
            TextMerge::Clean("a\nB\nc\nD\n".into())
        );
    }

    #[test]
    fn overlapping_changes_conflict_with_markers() {
        let got = merge_text("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n");
        assert_eq!(
            got,
            TextMerge::Conflict { marked: "a\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\nc\n".into() }
        );
    }

    #[test]
    fn a_missing_final_newline_is_kept() {
        assert_eq!(merge_text("a\nb", "a\nb\nc", "z\na\nb"), TextMerge::Clean("z\na\nb\nc".into()));
    }

    fn lines() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!["a\n", "b\n", "c\n", "d\n", "e\n"]), 0..8)
            .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn text_merge_laws(base in lines(), a in lines(), b in lines()) {
            prop_assert_eq!(merge_text(&base, &a, &a), TextMerge::Clean(a.clone()));
            prop_assert_eq!(merge_text(&base, &base, &a), TextMerge::Clean(a.clone()));
            prop_assert_eq!(merge_text(&base, &a, &base), TextMerge::Clean(a.clone()));
            match (merge_text(&base, &a, &b), merge_text(&base, &b, &a)) {
                (TextMerge::Clean(x), TextMerge::Clean(y)) => prop_assert_eq!(x, y),
                (TextMerge::Conflict { .. }, TextMerge::Conflict { .. }) => {}
                (x, y) => prop_assert!(false, "asymmetric: {:?} vs {:?}", x, y),
            }
        }
    }
}
