//! desk's own Message-IDs: `desk.<ticket>.<part>.<mac>@<domain>`, where `mac`
//! is the first 16 bytes (32 hex digits) of HMAC-SHA256 over
//! `<ticket>.<part>` with a key that never lives on the desk branch. The same
//! ticket and part always give the same id, so a message sent twice is one
//! message to the recipient's mail program; a reply to it names its ticket,
//! and nobody without the key can make an id that does.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in an id.
const MAC_BYTES: usize = 16;

/// The id (without angle brackets) of desk's message `part` about `ticket`.
/// `part` is made of lowercase letters, digits and `-`.
pub fn message_id(key: &[u8], domain: &str, ticket: &str, part: &str) -> String {
    format!("desk.{ticket}.{part}.{}@{domain}", hex(&mac(key, ticket, part)[..MAC_BYTES]))
}

/// The ticket and part of one of desk's ids, when its MAC is right for `key`.
pub fn verify(key: &[u8], id: &str) -> Option<(String, String)> {
    let (local, _domain) = id.rsplit_once('@')?;
    let rest = local.strip_prefix("desk.")?;
    let mut fields = rest.split('.');
    let (ticket, part, given) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || given.len() != MAC_BYTES * 2 {
        return None;
    }
    let given = unhex(given)?;
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(format!("{ticket}.{part}").as_bytes());
    m.verify_truncated_left(&given).ok()?;
    Some((ticket.to_owned(), part.to_owned()))
}

fn mac(key: &[u8], ticket: &str, part: &str) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(format!("{ticket}.{part}").as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// A hex digest (for tokens built on the same MAC).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_verify_with_their_key_only() {
        let id = message_id(b"secret", "example.com", "k3x9q2hm7d", "c-ab12cd");
        assert!(id.starts_with("desk.k3x9q2hm7d.c-ab12cd."));
        assert!(id.ends_with("@example.com"));
        assert_eq!(id, message_id(b"secret", "example.com", "k3x9q2hm7d", "c-ab12cd"));
        assert_eq!(verify(b"secret", &id), Some(("k3x9q2hm7d".into(), "c-ab12cd".into())));
        assert_eq!(verify(b"other", &id), None);
        let forged = id.replace("k3x9q2hm7d", "k3x9q2hm7e");
        assert_eq!(verify(b"secret", &forged), None);
        assert_eq!(verify(b"secret", "desk.a.b.zz@x"), None);
        assert_eq!(verify(b"secret", "someone@example.com"), None);
    }

    #[test]
    fn the_mac_is_hmac_sha256_as_documented() {
        // Python: hmac.new(b"Jefe", b"k3x9q2hm7d.c-ab12cd", hashlib.sha256).hexdigest()
        let full = mac(b"Jefe", "k3x9q2hm7d", "c-ab12cd");
        assert_eq!(hex(&full), "197a7dd16a68834863ee3f03aabd4fd1e7afe6e20c8087debc0546f2051bcf95");
        let id = message_id(b"Jefe", "example.com", "k3x9q2hm7d", "c-ab12cd");
        assert_eq!(id, "desk.k3x9q2hm7d.c-ab12cd.197a7dd16a68834863ee3f03aabd4fd1@example.com");
    }
}
