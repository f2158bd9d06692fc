//! The portal as commands see it: the token key (never on the branch) and the
//! status-page address that `desk mail send` puts in its mail.

use crate::cli::{CliError, Result};
use crate::portal::{PortalConfig, token};
use crate::store::Store;
use crate::workflow::Config;

/// The hint that says how to make a key.
pub const KEY_HINT: &str = "set one where the portal is built: git config desk.portal.key \"$(head -c 32 /dev/urandom | base64)\" (or DESK_PORTAL_KEY)";

/// The key of status-page tokens: `DESK_PORTAL_KEY`, else git config
/// `desk.portal.key`; `None` when neither is set.
pub fn key(store: &Store) -> Result<Option<Vec<u8>>> {
    let key = std::env::var("DESK_PORTAL_KEY")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| store.config_string("desk.portal.key"))
        .map(|k| k.trim().as_bytes().to_vec());
    if key.as_ref().is_some_and(|k| k.len() < token::MIN_KEY) {
        return Err(CliError::config(format!("the portal key is shorter than {} bytes", token::MIN_KEY))
            .hint(KEY_HINT));
    }
    Ok(key)
}

/// desk.yaml's `portal:` section, if any.
pub fn config(config: &Config) -> Result<Option<PortalConfig>> {
    PortalConfig::of(config).map_err(|e| CliError::config(format!("desk.yaml: {e}")))
}

/// The addresses of status pages, where the portal has a base URL and this
/// machine has the key.
pub struct StatusLinks {
    base: String,
    key: Vec<u8>,
}

impl StatusLinks {
    pub fn of(store: &Store, config: &Config) -> Result<Option<StatusLinks>> {
        let (Some(portal), Some(key)) = (self::config(config)?, key(store)?) else { return Ok(None) };
        Ok(Some(StatusLinks { base: portal.base_url.trim().trim_end_matches('/').to_owned(), key }))
    }

    /// The address of ticket `id`'s status page: `BASE/t/TOKEN/`.
    pub fn url(&self, id: &str) -> String {
        format!("{}/{}", self.base, token::status_path(&self.key, id))
    }
}
