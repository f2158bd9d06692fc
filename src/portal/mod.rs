//! The self-service portal: a static site built from the desk branch
//! (docs/portal.md). Its configuration is the `portal:` section of desk.yaml;
//! [`html`] renders the pages, [`search`] the index the browser searches,
//! [`site`] keeps the output directory and its manifest, [`token`] makes the
//! unguessable addresses of status pages.

pub mod html;
pub mod search;
pub mod site;
pub mod token;

use serde::Deserialize;

use crate::model::{Ticket, Visibility, display_name, same_person};
use crate::workflow::Config;
use crate::workflow::status::Category;

/// The section's key in desk.yaml.
pub const SECTION: &str = "portal";

/// The `portal:` section.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Where the portal is published: `https://help.example.com` (or with a path).
    pub base_url: String,
    /// The site's name, at the top of every page (default: "Help center").
    #[serde(default = "default_title")]
    pub title: String,
    /// Custom fields that status pages show (default: none); desk's own
    /// public fields are always shown.
    #[serde(default)]
    pub public_fields: Vec<String>,
    /// Publish the figures page: median first response and resolution by
    /// week (default: false).
    #[serde(default)]
    pub figures: bool,
}

fn default_title() -> String {
    "Help center".into()
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
        url_problem(&self.base_url)
    }

    /// The public address of article `slug`: `BASE/kb/SLUG/`.
    pub fn article_url(&self, slug: &str) -> String {
        format!("{}/kb/{slug}/", self.base_url.trim().trim_end_matches('/'))
    }
}

/// What is wrong with a portal base URL, if anything: it must be an `http` or
/// `https` URL without spaces, quotes, angle brackets, a query or a fragment.
pub fn url_problem(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[]{}`\\?#".contains(c))
    });
    (!ok).then(|| format!("'{url}' is not an http or https URL without a query or fragment"))
}

/// Who a status page names as the support team when an agent has no name.
pub const SUPPORT: &str = "Support";
/// Who a status page names as the requester when they have no name.
pub const YOU: &str = "You";

/// What the requester may see of `ticket` (docs/portal.md, "Status pages"):
/// the title, status, priority, queue, times, labels, the assignee's name,
/// the rating, the custom fields of `public_fields`, and the public
/// conversation. Never an internal note, a message copied from another ticket,
/// another ticket's id or anybody's email address.
pub fn status_view(
    ticket: &Ticket,
    category: Category,
    public_fields: &[String],
    reply_to: Option<String>,
) -> html::StatusView {
    let requester = ticket.requester.as_deref().unwrap_or_default();
    let mut fields = vec![("Priority".to_owned(), ticket.priority.clone())];
    if let Some(q) = ticket.queue.as_deref().filter(|q| !q.is_empty()) {
        fields.push(("Queue".into(), q.to_owned()));
    }
    fields.push(("Opened".into(), html::time(ticket.created)));
    fields.push(("Last change".into(), html::time(ticket.updated)));
    if let Some(a) = ticket.assignee.as_deref().filter(|a| !a.trim().is_empty()) {
        fields.push(("Assigned to".into(), public_name(a, SUPPORT)));
    }
    if !ticket.labels.is_empty() {
        fields.push(("Labels".into(), ticket.labels.join(", ")));
    }
    if let Some(r) = &ticket.rating {
        fields.push(("Your rating".into(), format!("{}/5", r.score)));
    }
    for name in public_fields {
        let key = serde_yaml::Value::String(name.clone());
        if let Some(v) = ticket.fields.get(&key).and_then(field_text) {
            fields.push((name.clone(), v));
        }
    }
    let mut messages = Vec::new();
    if !ticket.description.trim().is_empty() {
        messages.push(html::Message {
            author: public_name(requester, YOU),
            from_requester: true,
            date: ticket.created,
            body: ticket.description.clone(),
        });
    }
    for c in ticket.comments.iter().filter(|c| c.visibility == Visibility::Public && !c.merged) {
        let from_requester = (!requester.is_empty() && same_person(&c.author, requester))
            || ticket.cc.iter().any(|cc| same_person(&c.author, cc));
        let fallback = if from_requester { YOU } else { SUPPORT };
        messages.push(html::Message {
            author: public_name(&c.author, fallback),
            from_requester,
            date: c.date,
            body: c.body.clone(),
        });
    }
    html::StatusView {
        id: ticket.id.to_string(),
        title: ticket.title.clone(),
        status: ticket.status.clone(),
        category,
        fields,
        messages,
        reply_to,
    }
}

/// The name a page shows for `person`: the display name, or `fallback` when
/// there is none or it looks like an address.
pub fn public_name(person: &str, fallback: &str) -> String {
    let name = display_name(person);
    if name.is_empty() || name.contains('@') { fallback.to_owned() } else { name.to_owned() }
}

/// A custom field's value as one line: a scalar, or a list of scalars joined
/// by commas; a mapping is not shown.
fn field_text(value: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as V;
    match value {
        V::String(s) => Some(s.clone()),
        V::Number(n) => Some(n.to_string()),
        V::Bool(b) => Some(b.to_string()),
        V::Sequence(items) => {
            let parts: Vec<String> = items.iter().filter_map(field_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        V::Tagged(t) => field_text(&t.value),
        V::Null | V::Mapping(_) => None,
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
        let p = |u: &str| PortalConfig {
            base_url: u.into(),
            title: default_title(),
            public_fields: Vec::new(),
            figures: false,
        };
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
