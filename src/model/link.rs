//! Links between tickets: `TYPE:ID` values of the `links` field, kept on both
//! tickets, each side with its own type (`parent-of` here, `child-of` there).

use super::TicketId;

/// Each link type and the type the other ticket records.
pub const LINK_TYPES: [(&str, &str); 11] = [
    ("relates", "relates"),
    ("duplicate-of", "duplicated-by"),
    ("duplicated-by", "duplicate-of"),
    ("parent-of", "child-of"),
    ("child-of", "parent-of"),
    ("blocks", "blocked-by"),
    ("blocked-by", "blocks"),
    ("caused-by", "causes"),
    ("causes", "caused-by"),
    // Set by `desk merge` only: the merged ticket points to the one it went into.
    ("merged-into", "merged-from"),
    ("merged-from", "merged-into"),
];

/// The ticket `t` was merged into, from its `merged-into` link.
pub fn merged_into(links: &[String]) -> Option<&str> {
    links.iter().find_map(|l| split(l).filter(|(k, _)| *k == "merged-into").map(|(_, id)| id))
}

/// The type the other ticket of a link of type `kind` records.
pub fn inverse(kind: &str) -> Option<&'static str> {
    LINK_TYPES.iter().find(|(k, _)| *k == kind).map(|(_, i)| *i)
}

/// The type and ticket id of a link value, if it is one (`relates:k3x9q2hm7d`).
pub fn split(link: &str) -> Option<(&str, &str)> {
    let (kind, id) = link.split_once(':')?;
    (inverse(kind).is_some() && TicketId::parse(id).is_some()).then_some((kind, id))
}

/// The link value of type `kind` to ticket `id`.
pub fn value(kind: &str, id: &TicketId) -> String {
    format!("{kind}:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_the_inverse_of_its_inverse() {
        for (kind, other) in LINK_TYPES {
            assert_eq!(inverse(other), Some(kind));
        }
        assert_eq!(split("child-of:k3x9q2hm7d"), Some(("child-of", "k3x9q2hm7d")));
        assert_eq!(split("child:k3x9q2hm7d"), None);
        assert_eq!(split("relates:../x"), None);
        assert_eq!(split("relates"), None);
    }
}
