//! A ticket id or unique prefix as typed on the command line, checked by clap
//! before any work starts.

use crate::model;

/// A normalised id prefix: only id characters, so it can never name a path
/// outside the ticket tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRef(pub String);

impl std::str::FromStr for TicketRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        model::normalise_prefix(s).map(TicketRef).ok_or_else(|| {
            format!(
                "'{s}' is not a ticket id: ids are up to {} characters of 0-9 and a-z (without i, l, o, u)",
                model::ID_LEN
            )
        })
    }
}

impl std::fmt::Display for TicketRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
