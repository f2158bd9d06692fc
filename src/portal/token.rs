//! Status-page tokens: a ticket's page lives at `t/<token>/`, where the token
//! is the first 16 bytes (32 hex digits) of HMAC-SHA256 over
//! `desk-status.<ticket id>` with a key that never lives on the desk branch.
//! Without the key nobody can go from an id to its page.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// Shortest key accepted, in bytes.
pub const MIN_KEY: usize = 16;

/// The token of the status page of ticket `id` (its full id).
pub fn status_token(key: &[u8], id: &str) -> String {
    Tokens::new(key).token(id)
}

/// The path of a status page under the site's root: `t/<token>/`.
pub fn status_path(key: &[u8], id: &str) -> String {
    Tokens::new(key).path(id)
}

/// The tokens of one key, for many tickets: the key is prepared once.
#[derive(Clone)]
pub struct Tokens(Hmac<Sha256>);

impl Tokens {
    pub fn new(key: &[u8]) -> Tokens {
        let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
        m.update(b"desk-status.");
        Tokens(m)
    }

    /// The token of ticket `id`.
    pub fn token(&self, id: &str) -> String {
        let mut m = self.0.clone();
        m.update(id.as_bytes());
        crate::mail::sign::hex(&m.finalize().into_bytes()[..16])
    }

    /// The path of ticket `id`'s page: `t/<token>/`.
    pub fn path(&self, id: &str) -> String {
        format!("t/{}/", self.token(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_hmac_sha256_as_documented() {
        // Python: hmac.new(b"Jefe", b"desk-status.k3x9q2hm7d", hashlib.sha256).hexdigest()[:32]
        let t = status_token(b"Jefe", "k3x9q2hm7d");
        assert_eq!(t, "ffe7075310b7cf959686a49d80c8f057");
        assert_eq!(t, status_token(b"Jefe", "k3x9q2hm7d"));
        assert_ne!(t, status_token(b"Jefe", "k3x9q2hm7e"));
        assert_ne!(t, status_token(b"Jeff", "k3x9q2hm7d"));
        assert_eq!(status_path(b"Jefe", "k3x9q2hm7d"), format!("t/{t}/"));
        let tokens = Tokens::new(b"Jefe");
        assert_eq!(tokens.token("k3x9q2hm7d"), t);
        assert_eq!(tokens.token("k3x9q2hm7e"), status_token(b"Jefe", "k3x9q2hm7e"));
    }
}
