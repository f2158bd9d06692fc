//! `desk.yaml`: the team's configuration on the desk branch — workflow states,
//! priorities, queues. Later parts (SLA policies, routing) extend this file.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::model::ParseError;
use crate::store::{Oid, Store, StoreError, Tip};

pub use crate::store::CONFIG_PATH;

/// The parsed `desk.yaml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub workflow: Workflow,
    pub priorities: Priorities,
    /// Known queues; empty means any queue name is accepted.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Size limits of what people write.
    #[serde(default)]
    pub limits: Limits,
    /// Sections added by later features are kept as they are.
    #[serde(flatten)]
    pub other: serde_yaml::Mapping,
}

/// Ticket states and which of them count as done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub statuses: Vec<String>,
    /// States that mean the request is finished.
    pub done: Vec<String>,
    /// State of a new ticket.
    pub initial: String,
    /// State a ticket goes back to on `desk reopen`, and that a first reply moves a new ticket to.
    pub reopen: String,
}

/// Priorities, lowest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priorities {
    pub levels: Vec<String>,
    pub default: String,
}

/// Size limits of text entering a ticket; a file without `limits:` gets the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Longest title, in characters.
    pub title_chars: usize,
    /// Largest description, reply or note, in bytes (UTF-8).
    pub body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { title_chars: 256, body_bytes: 1_000_000 }
    }
}

/// What is wrong with a `desk.yaml`.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub message: String,
}

impl Default for Config {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Config {
            workflow: Workflow {
                statuses: s(&["new", "open", "pending", "resolved", "closed"]),
                done: s(&["resolved", "closed"]),
                initial: "new".into(),
                reopen: "open".into(),
            },
            priorities: Priorities {
                levels: s(&["low", "normal", "high", "urgent"]),
                default: "normal".into(),
            },
            queues: Vec::new(),
            limits: Limits::default(),
            other: serde_yaml::Mapping::new(),
        }
    }
}

impl Config {
    /// The file `desk init` writes.
    pub fn default_text() -> String {
        let body = serde_yaml::to_string(&Config::default()).expect("config serialises");
        format!(
            "# desk configuration: workflow states and priorities of this helpdesk.\n\
             # statuses in `done` count as finished; priorities are listed lowest first;\n\
             # limits: longest title in characters, largest description or reply in bytes.\n{body}"
        )
    }

    /// The configuration on the desk branch at `tip`, parsed once per tree.
    pub fn load(store: &Store, tip: &Tip) -> Result<Config, StoreError> {
        load(store, tip)
    }

    /// Parses and checks a `desk.yaml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_yaml::from_str(text).map_err(|e| ConfigError {
            line: e.location().map_or(1, |l| l.line()),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_owned(),
        })?;
        config.check().map_err(|message| ConfigError { line: 1, message })?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let w = &self.workflow;
        if w.statuses.is_empty() {
            return Err("workflow.statuses is empty".into());
        }
        let names = [
            ("workflow.statuses", &w.statuses),
            ("priorities.levels", &self.priorities.levels),
            ("queues", &self.queues),
        ];
        for (list, values) in names {
            for (i, v) in values.iter().enumerate() {
                check_name(list, v)?;
                if values[..i].contains(v) {
                    return Err(format!("{list} lists `{v}` twice"));
                }
            }
        }
        if self.priorities.levels.is_empty() {
            return Err("priorities.levels is empty".into());
        }
        for s in w.done.iter().chain([&w.initial, &w.reopen]) {
            if !w.statuses.contains(s) {
                return Err(format!("status `{s}` is used in workflow but not listed in workflow.statuses"));
            }
        }
        if self.limits.title_chars == 0 || self.limits.body_bytes == 0 {
            return Err("limits.title_chars and limits.body_bytes must be greater than 0".into());
        }
        if !self.priorities.levels.contains(&self.priorities.default) {
            return Err(format!(
                "priorities.default `{}` is not listed in priorities.levels",
                self.priorities.default
            ));
        }
        Ok(())
    }

    /// Whether a status is one of `done`.
    pub fn is_done(&self, status: &str) -> bool {
        self.workflow.done.iter().any(|s| s == status)
    }

    pub fn has_status(&self, status: &str) -> bool {
        self.workflow.statuses.iter().any(|s| s == status)
    }

    /// Rank of a priority, 0 = lowest; unknown priorities rank below all.
    pub fn priority_rank(&self, priority: &str) -> Option<usize> {
        self.priorities.levels.iter().position(|p| p == priority)
    }

    /// Checks a status named by a user; the error lists the allowed values.
    pub fn check_status(&self, status: &str) -> Result<(), String> {
        if self.has_status(status) {
            Ok(())
        } else {
            Err(format!("invalid status '{status}'; allowed: {}", self.workflow.statuses.join(", ")))
        }
    }

    /// Checks a priority named by a user; the error lists the allowed values.
    pub fn check_priority(&self, priority: &str) -> Result<(), String> {
        if self.priority_rank(priority).is_some() {
            Ok(())
        } else {
            Err(format!("invalid priority '{priority}'; allowed: {}", self.priorities.levels.join(", ")))
        }
    }

    /// Checks a queue named by a user against `queues`, when that list is set.
    pub fn check_queue(&self, queue: &str) -> Result<(), String> {
        if self.queues.is_empty() || self.queues.iter().any(|q| q == queue) {
            Ok(())
        } else {
            Err(format!("invalid queue '{queue}'; allowed: {}", self.queues.join(", ")))
        }
    }
}

/// The configuration at `tip`; the last one parsed is kept, by tree id.
fn load(store: &Store, tip: &Tip) -> Result<Config, StoreError> {
    thread_local! {
        static LAST: RefCell<Option<(Oid, Config)>> = const { RefCell::new(None) };
    }
    let cached =
        LAST.with_borrow(|last| last.as_ref().filter(|(t, _)| *t == tip.tree).map(|(_, c)| c.clone()));
    if let Some(config) = cached {
        return Ok(config);
    }
    let text = store
        .read_file(tip.tree, CONFIG_PATH)?
        .ok_or_else(|| StoreError::NotInitialised(store.branch().to_owned()))?;
    let config = Config::parse(&String::from_utf8_lossy(&text)).map_err(|e| StoreError::Malformed {
        path: CONFIG_PATH.into(),
        error: ParseError { line: e.line, message: e.message },
    })?;
    LAST.with_borrow_mut(|last| *last = Some((tip.tree, config.clone())));
    Ok(config)
}

/// A status, priority or queue name must be something a ticket file can hold
/// and a query can name: a non-empty single line without commas or quotes.
fn check_name(list: &str, name: &str) -> Result<(), String> {
    let problem = if name.trim().is_empty() {
        "an empty name"
    } else if name.trim() != name {
        "a name with spaces around it"
    } else if name.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        "a control character"
    } else if name.contains([',', '"']) {
        "a comma or a double quote (queries could not name it)"
    } else {
        return Ok(());
    };
    Err(format!("{list} has {problem}: {name:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_text_parses_to_the_default() {
        assert_eq!(Config::parse(&Config::default_text()).unwrap(), Config::default());
    }

    #[test]
    fn unknown_states_are_refused() {
        let text = Config::default_text().replace("initial: new", "initial: fresh");
        let e = Config::parse(&text).unwrap_err();
        assert!(e.message.contains("`fresh`"), "{e}");
    }

    #[test]
    fn errors_list_allowed_values() {
        let c = Config::default();
        assert_eq!(
            c.check_status("wip").unwrap_err(),
            "invalid status 'wip'; allowed: new, open, pending, resolved, closed"
        );
        assert_eq!(
            c.check_priority("p1").unwrap_err(),
            "invalid priority 'p1'; allowed: low, normal, high, urgent"
        );
        assert!(c.is_done("closed") && !c.is_done("pending"));
        assert!(c.priority_rank("urgent") > c.priority_rank("low"));
    }

    #[test]
    fn names_a_ticket_file_or_a_query_could_not_hold_are_refused() {
        let with = |from: &str, to: &str| Config::parse(&Config::default_text().replace(from, to));
        let e = with("- pending\n", "- pending\n  - ''\n").unwrap_err();
        assert_eq!(e.message, "workflow.statuses has an empty name: \"\"");
        let e = with("- pending\n", "- pending\n  - open\n").unwrap_err();
        assert_eq!(e.message, "workflow.statuses lists `open` twice");
        let e = with("- high\n", "- high, really\n").unwrap_err();
        assert!(e.message.starts_with("priorities.levels has a comma"), "{e}");
        let e = with("queues: []", "queues: [\" it\"]").unwrap_err();
        assert!(e.message.starts_with("queues has a name with spaces"), "{e}");
        assert!(with("queues: []", "queues: [it, on hold]").is_ok());
    }

    #[test]
    fn limits_default_when_absent_and_can_be_set() {
        let old = Config::default_text().split("\nlimits:").next().unwrap().to_owned() + "\n";
        assert!(!old.contains("\nlimits:"), "{old}");
        assert_eq!(Config::parse(&old).unwrap().limits, Limits::default());
        let text = format!("{old}limits:\n  body_bytes: 10\n");
        assert_eq!(Config::parse(&text).unwrap().limits, Limits { title_chars: 256, body_bytes: 10 });
        assert!(Config::parse(&format!("{old}limits:\n  body: 10\n")).is_err());
        assert!(Config::parse(&format!("{old}limits:\n  title_chars: 0\n")).is_err());
    }

    #[test]
    fn later_sections_are_kept() {
        let text = format!("{}sla:\n  urgent: 1h\n", Config::default_text());
        let c = Config::parse(&text).unwrap();
        assert!(c.other.contains_key("sla"));
    }
}
