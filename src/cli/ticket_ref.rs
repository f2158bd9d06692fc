//! A ticket id or unique prefix as typed on the command line, checked by clap
//! before any work starts.

use crate::model;

/// The shortest prefix that names a ticket, in every command: git's minimum for
/// abbreviated commit ids. One to three characters would pick a ticket almost at
/// random once a helpdesk has a few dozen.
pub const MIN_PREFIX: usize = 4;

/// A normalised id prefix of at least [`MIN_PREFIX`] characters: only id
/// characters, so it can never name a path outside the ticket tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRef(pub String);

impl std::str::FromStr for TicketRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let prefix = model::normalise_prefix(s).ok_or_else(|| {
            format!(
                "'{s}' is not a ticket id: ids are up to {} characters of 0-9 and a-z (without i, l, o, u)",
                model::ID_LEN
            )
        })?;
        if prefix.len() < MIN_PREFIX {
            return Err(format!(
                "'{s}' is too short to name a ticket: give at least {MIN_PREFIX} characters of its id"
            ));
        }
        Ok(TicketRef(prefix))
    }
}

impl std::fmt::Display for TicketRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_needs_four_id_characters() {
        for short in ["z", "K3", "k3x", ""] {
            assert!(short.parse::<TicketRef>().is_err(), "{short}");
        }
        assert!("z".parse::<TicketRef>().unwrap_err().contains("at least 4 characters"));
        assert_eq!("K3X9".parse::<TicketRef>(), Ok(TicketRef("k3x9".into())));
        assert!("../etc".parse::<TicketRef>().unwrap_err().contains("not a ticket id"));
    }
}
