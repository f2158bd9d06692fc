//! The self-service portal: for now its configuration, the `portal:` section
//! of desk.yaml, which gives articles their public address.

use serde::Deserialize;

use crate::workflow::Config;

/// The section's key in desk.yaml.
pub const SECTION: &str = "portal";

/// The `portal:` section.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Where the portal is published: `https://help.example.com` (or with a path).
    pub base_url: String,
}

impl PortalConfig {
    /// The section of a parsed desk.yaml: `Ok(None)` without one.
    pub fn of(config: &Config) -> Result<Option<PortalConfig>, String> {
        let Some(value) = config.other.get(SECTION) else { return Ok(None) };
        let portal: PortalConfig =
            serde_yaml::from_value(value.clone()).map_err(|e| format!("portal: {e}"))?;
        portal.problem().map_or(Ok(Some(portal)), |p| Err(format!("portal.base_url: {p}")))
    }

    /// What is wrong with the base URL, if anything: it must be an `http` or
    /// `https` URL without spaces, quotes, angle brackets, a query or a fragment.
    pub fn problem(&self) -> Option<String> {
        let url = self.base_url.trim();
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && !r.starts_with('/')
                && !r.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[]{}`\\?#".contains(c))
        });
        (!ok).then(|| format!("'{url}' is not an http or https URL without a query or fragment"))
    }

    /// The public address of article `slug`: `BASE/kb/SLUG/`.
    pub fn article_url(&self, slug: &str) -> String {
        format!("{}/kb/{slug}/", self.base_url.trim().trim_end_matches('/'))
    }
}

/// Adds the problems of the `portal:` section to a check of desk.yaml.
pub fn check(checker: &mut crate::workflow::Checker<'_>) {
    let Some(Some(portal)) = checker.section::<PortalConfig>(SECTION) else { return };
    if let Some(p) = portal.problem() {
        checker.problem(crate::sla::config::yaml_path("portal.base_url"), p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_joined() {
        let p = |u: &str| PortalConfig { base_url: u.into() };
        assert_eq!(
            p("https://help.example.com/").article_url("reset-vpn"),
            "https://help.example.com/kb/reset-vpn/"
        );
        assert_eq!(p("https://example.com/help").article_url("a"), "https://example.com/help/kb/a/");
        assert!(p("https://help.example.com").problem().is_none());
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "javascript:alert(1)",
            "https://x/a b",
            "https://x/?q=1",
            "https://x/\")",
        ] {
            assert!(p(bad).problem().is_some(), "{bad}");
        }
    }
}
