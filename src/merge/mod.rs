//! Three-way semantic merge of tickets and line-wise merge of other files. Pure:
//! takes the three versions and when each side changed what, never a repository.
//! Symmetric and deterministic, which is what makes clones converge.

mod text;
mod ticket;
mod tree;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use text::{TextMerge, merge_text};
pub use ticket::{MERGE_AUTHOR, MergedTicket, changed_fields, merge_ticket};

pub use crate::model::Side;
pub use tree::DeskMerge;

use crate::model::Ticket;

/// When one side last changed each field of a ticket. Fields without an entry
/// take `default`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldTimes {
    pub default: DateTime<Utc>,
    /// By field name: `title`, `assignee`, `labels`, `description`, `fields.<key>`, …
    pub fields: BTreeMap<String, DateTime<Utc>>,
}

impl FieldTimes {
    /// Every field at the same time.
    pub fn all(default: DateTime<Utc>) -> FieldTimes {
        FieldTimes { default, fields: BTreeMap::new() }
    }

    /// The time `field` was last changed.
    pub fn at(&self, field: &str) -> DateTime<Utc> {
        let key = if field.starts_with("comment ") { "comments" } else { field };
        self.fields.get(key).copied().unwrap_or(self.default)
    }
}

/// The change times of both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Times {
    pub ours: FieldTimes,
    pub theirs: FieldTimes,
}

impl Times {
    /// The fallback when no history is at hand (a git merge driver sees only
    /// three files): each side's every field counts as changed at the ticket's
    /// `updated` time.
    pub fn from_updated(ours: Option<&Ticket>, theirs: Option<&Ticket>) -> Times {
        let at = |t: Option<&Ticket>| FieldTimes::all(t.map_or(DateTime::<Utc>::MIN_UTC, |t| t.updated));
        Times { ours: at(ours), theirs: at(theirs) }
    }

    /// The same times with the sides swapped.
    #[must_use]
    pub fn swapped(&self) -> Times {
        Times { ours: self.theirs.clone(), theirs: self.ours.clone() }
    }
}

/// A field both sides changed differently, and the side whose change was kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// `assignee`, `description`, `fields.cc`, `comment <id>`, `ticket` (deleted
    /// on one side, changed on the other), …
    pub field: String,
    pub kept: Side,
    pub kept_value: String,
    pub dropped_value: String,
}

#[cfg(test)]
mod tests;
