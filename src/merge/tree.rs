//! desk's rules for merging the files of a desk tree: a ticket file merges
//! field by field ([`merge_ticket`]); any other file (or a ticket file that
//! does not parse) merges line by line, and where the lines conflict the side
//! that changed the file later wins and the other version is kept beside it.
//! The store walks the trees and histories; these rules decide.

use super::{FieldTimes, TextMerge, Times, changed_fields, merge_text, merge_ticket};
use crate::model::{Side, Ticket, TicketId, parse_ticket, parse_ticket_at, render_ticket};
use crate::store::{ChangeTimes, Conflict, MergeRules, PathMerged, PathSides};

/// The merge rules of a desk branch, for `desk sync`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeskMerge;

impl MergeRules for DeskMerge {
    type Parsed = Ticket;

    fn parse(&self, path: &str, bytes: &[u8]) -> Option<Ticket> {
        TicketId::from_path(path)?;
        parse_ticket(std::str::from_utf8(bytes).ok()?).ok()
    }

    fn changed_fields(&self, before: Option<&Ticket>, after: &Ticket) -> Vec<String> {
        changed_fields(before, after)
    }

    fn merge_path(&self, sides: &PathSides<'_>) -> PathMerged {
        if TicketId::from_path(sides.path).is_some()
            && let Some(merged) = merge_ticket_file(sides)
        {
            return merged;
        }
        merge_other_file(sides)
    }
}

fn field_times(times: &ChangeTimes) -> FieldTimes {
    FieldTimes { default: times.default, fields: times.fields.clone() }
}

/// A ticket file changed on both sides, field by field; `None` when one of
/// the versions does not parse (then it merges as text).
fn merge_ticket_file(sides: &PathSides<'_>) -> Option<PathMerged> {
    let path = sides.path;
    let parse = |bytes: Option<&[u8]>| -> Option<Option<Ticket>> {
        match bytes {
            None => Some(None),
            Some(b) => parse_ticket_at(std::str::from_utf8(b).ok()?, path).ok().map(Some),
        }
    };
    let (base, ours, theirs) = (parse(sides.base)?, parse(sides.ours)?, parse(sides.theirs)?);
    let times = Times { ours: field_times(sides.ours_times), theirs: field_times(sides.theirs_times) };
    let merged = merge_ticket(base.as_ref(), ours.as_ref(), theirs.as_ref(), &times);
    let conflicts = merged
        .conflicts
        .into_iter()
        .map(|r| Conflict {
            path: path.to_owned(),
            field: r.field,
            kept: r.kept,
            kept_value: r.kept_value,
            dropped_value: r.dropped_value,
            copy: None,
        })
        .collect();
    let bytes = merged.ticket.map(|t| render_ticket(&t).into_bytes());
    Some(PathMerged { files: vec![(path.to_owned(), bytes)], conflicts })
}

/// Whether a text merge of a ticket file may be kept: it parses, or our own
/// version did not parse either.
fn keeps_ticket_readable(path: &str, merged: &str, ours: &str) -> bool {
    TicketId::from_path(path).is_none()
        || parse_ticket_at(merged, path).is_ok()
        || parse_ticket_at(ours, path).is_err()
}

/// Any other file: line by line; a file deleted on one side and changed on
/// the other is kept; on conflicting lines the later side wins and the other
/// version is kept as `<path>.conflict-<short commit id>`.
fn merge_other_file(sides: &PathSides<'_>) -> PathMerged {
    let path = sides.path;
    let (ours, theirs) = match (sides.ours, sides.theirs) {
        (Some(o), Some(t)) => (o, t),
        (Some(kept), None) | (None, Some(kept)) => {
            let side = if sides.ours.is_some() { Side::Ours } else { Side::Theirs };
            return PathMerged {
                files: vec![(path.to_owned(), Some(kept.to_vec()))],
                conflicts: vec![Conflict {
                    path: path.to_owned(),
                    field: "file".into(),
                    kept: side,
                    kept_value: "changed".into(),
                    dropped_value: "deleted".into(),
                    copy: None,
                }],
            };
        }
        (None, None) => return PathMerged::default(),
    };
    let base = sides.base.unwrap_or_default();
    let texts = (std::str::from_utf8(base), std::str::from_utf8(ours), std::str::from_utf8(theirs));
    if let (Ok(bt), Ok(ot), Ok(tt)) = texts
        && let TextMerge::Clean(text) = merge_text(bt, ot, tt)
        && keeps_ticket_readable(path, &text, ot)
    {
        return PathMerged { files: vec![(path.to_owned(), Some(text.into_bytes()))], conflicts: Vec::new() };
    }
    let (ours_time, ours_commit) = &sides.ours_times.file;
    let (theirs_time, theirs_commit) = &sides.theirs_times.file;
    let side = match ours_time.cmp(theirs_time).then_with(|| ours_commit.cmp(theirs_commit)) {
        std::cmp::Ordering::Less => Side::Theirs,
        _ => Side::Ours,
    };
    let (kept, dropped, kept_commit, dropped_commit) = match side {
        Side::Ours => (ours, theirs, ours_commit, theirs_commit),
        Side::Theirs => (theirs, ours, theirs_commit, ours_commit),
    };
    let short = |commit: &str| commit.get(..7).unwrap_or(commit).to_owned();
    let copy = format!("{path}.conflict-{}", short(dropped_commit));
    PathMerged {
        files: vec![(path.to_owned(), Some(kept.to_vec())), (copy.clone(), Some(dropped.to_vec()))],
        conflicts: vec![Conflict {
            path: path.to_owned(),
            field: "file".into(),
            kept: side,
            kept_value: short(kept_commit),
            dropped_value: short(dropped_commit),
            copy: Some(copy),
        }],
    }
}
