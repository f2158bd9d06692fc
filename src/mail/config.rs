//! The `mail:` section of desk.yaml: desk's own address, the address → queue
//! map, and the limits of the mail gateway. Secrets (the signing key, SMTP
//! credentials) are never here: they come from git config or the environment
//! of the machine that sends (see [`crate::mail`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::incoming::clean_email;
use crate::workflow::Config;

/// The section's key in desk.yaml.
pub const SECTION: &str = "mail";

/// The `mail:` section.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// desk's address: the From of its mail, and mail from it is never a ticket.
    pub address: String,
    /// The display name of desk's mail (default: none).
    #[serde(default)]
    pub name: Option<String>,
    /// More addresses desk receives mail at, each with the queue its new
    /// tickets go to (`it@example.com: it`).
    #[serde(default)]
    pub queues: BTreeMap<String, String>,
    /// Send an acknowledgement when a ticket is opened (default: true).
    #[serde(default = "yes")]
    pub acknowledge: bool,
    /// Largest attachment kept, in bytes (default: 10 000 000); a larger one
    /// is left out and the comment says so.
    #[serde(default = "default_attachment_bytes")]
    pub attachment_bytes: u64,
    /// Reply-To a plus address naming the ticket (`support+ID@…`), for mail
    /// programs that drop the thread headers (default: false; the MTA must
    /// deliver plus addresses to desk).
    #[serde(default)]
    pub plus_addressing: bool,
    /// Messages accepted from one sender address in any hour (default: 60;
    /// 0: no limit); more are refused (exit 77).
    #[serde(default = "default_per_hour")]
    pub per_sender_per_hour: u32,
}

fn yes() -> bool {
    true
}

fn default_attachment_bytes() -> u64 {
    10_000_000
}

fn default_per_hour() -> u32 {
    60
}

impl MailConfig {
    /// The section of a parsed desk.yaml: `Ok(None)` without one; an error
    /// names the problem (`desk config check` gives its line).
    pub fn of(config: &Config) -> Result<Option<MailConfig>, String> {
        let Some(value) = config.other.get(SECTION) else { return Ok(None) };
        let mail: MailConfig = serde_yaml::from_value(value.clone()).map_err(|e| format!("mail: {e}"))?;
        if let Some((at, problem)) = mail.problems(config).into_iter().next() {
            return Err(format!("{at}: {problem}"));
        }
        Ok(Some(mail))
    }

    /// What is wrong beyond the shape: each problem with the key it is at.
    pub fn problems(&self, config: &Config) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if clean_email(&self.address).is_none() {
            out.push(("mail.address".into(), format!("'{}' is not an email address", self.address)));
        }
        if self
            .name
            .as_deref()
            .is_some_and(|n| n.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | '"')))
        {
            out.push(("mail.name".into(), "must be one line without <, > or \"".into()));
        }
        for (address, queue) in &self.queues {
            if clean_email(address).is_none() {
                out.push(("mail.queues".into(), format!("'{address}' is not an email address")));
            }
            if let Err(e) = config.check_queue(queue) {
                out.push(("mail.queues".into(), format!("{address}: {e}")));
            }
        }
        out
    }

    /// Every address desk receives mail at, lowercased: its own and those of the queue map.
    pub fn own_addresses(&self) -> Vec<String> {
        std::iter::once(&self.address)
            .chain(self.queues.keys())
            .map(|a| a.trim().to_ascii_lowercase())
            .collect()
    }

    /// The domain of desk's address: the right side of its Message-IDs.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("localhost", |(_, d)| d.trim())
    }

    /// Where replies to desk's mail about `ticket` go.
    pub fn reply_to(&self, ticket: &str) -> String {
        match (self.plus_addressing, self.address.rsplit_once('@')) {
            (true, Some((local, domain))) => format!("{local}+{ticket}@{domain}"),
            _ => self.address.clone(),
        }
    }

    /// The queue of the first recipient the queue map names, if any.
    pub fn queue_for<'a>(&'a self, recipients: &[String]) -> Option<&'a str> {
        recipients.iter().find_map(|r| {
            self.queues.iter().find(|(a, _)| a.trim().eq_ignore_ascii_case(r)).map(|(_, q)| q.as_str())
        })
    }

    /// Whether `email` is one of desk's own addresses, a plus address of one included.
    pub fn is_own(&self, email: &str) -> bool {
        let email = email.to_ascii_lowercase();
        let plain = match email.rsplit_once('@') {
            Some((local, domain)) => format!("{}@{domain}", local.split('+').next().unwrap_or(local)),
            None => email.clone(),
        };
        self.own_addresses().iter().any(|a| *a == email || *a == plain)
    }
}

/// Adds the problems of the `mail:` section to a check of desk.yaml (`desk
/// config check`, `desk doctor`), each at its place.
pub fn check(checker: &mut crate::workflow::Checker<'_>, config: Option<&Config>) {
    let Some(Some(mail)) = checker.section::<MailConfig>(SECTION) else { return };
    let Some(config) = config else { return };
    for (at, message) in mail.problems(config) {
        checker.problem(crate::sla::config::yaml_path(&at), message);
    }
}
