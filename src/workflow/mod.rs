//! `desk.yaml`: the team's configuration on the desk branch — the workflow
//! (statuses and their categories), priorities, queues, limits, and the people
//! (agents and teams). Each section is read and checked on its own
//! ([`check`]): the sections every command needs make a broken file an error,
//! while a broken `agents:` or `teams:` only stops the commands that need
//! people ([`Config::people`]). Later parts (SLA policies, calendars) add
//! their sections beside these.

pub mod check;
pub mod macros;
pub mod people;
pub mod status;

use std::cell::RefCell;
use std::sync::Arc;

use serde::Deserialize;

use crate::model::ParseError;
use crate::store::{Oid, Store, StoreError, Tip};

pub use crate::store::CONFIG_PATH;
pub use check::{Checker, Problem, YamlPath};
pub use people::{Agent, AgentMatch, Away, People, Team};
pub use status::{Category, Status, TransitionError, Workflow};

/// The top-level sections desk reads; any other key is reported by
/// `desk config check` (a misspelt section would otherwise be ignored).
pub const SECTIONS: &[&str] = &[
    "workflow",
    "priorities",
    "queues",
    "limits",
    "agents",
    "teams",
    "calendars",
    "sla",
    "rules",
    "mail",
    "portal",
];

/// The sections this module reads itself; the others stay in [`Config::other`]
/// for the parts of desk that read them (`calendars`, `sla`: the sla module).
const READ_HERE: &[&str] = &["workflow", "priorities", "queues", "limits", "agents", "teams"];

/// The parsed `desk.yaml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub workflow: Workflow,
    pub priorities: Priorities,
    /// Known queues; empty means any queue name is accepted.
    pub queues: Vec<String>,
    /// Size limits of what people write.
    pub limits: Limits,
    /// The agents and teams, or why they cannot be read.
    people: Result<Arc<People>, ConfigError>,
    /// The sections this module does not read itself (`calendars`, `sla`, and
    /// unknown ones), as they are.
    pub other: serde_yaml::Mapping,
}

/// Priorities, lowest first.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priorities {
    pub levels: Vec<String>,
    pub default: String,
}

/// Size limits of text entering a ticket; a file without `limits:` gets the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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

/// What is wrong with a `desk.yaml`: the first problem of a section.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub column: usize,
    /// The problem, after the path of the node it is at (`workflow.reopen: …`).
    pub message: String,
}

impl From<Problem> for ConfigError {
    fn from(p: Problem) -> Self {
        ConfigError { line: p.line, column: p.column, message: p.to_string() }
    }
}

impl From<ConfigError> for StoreError {
    fn from(e: ConfigError) -> Self {
        StoreError::Malformed {
            path: CONFIG_PATH.into(),
            error: ParseError { line: e.line, message: e.message },
        }
    }
}

/// The file `desk init` writes.
const DEFAULT_TEXT: &str = "\
# desk configuration: the workflow, priorities, queues and people of this helpdesk.
# `desk config check` checks this file; README.md (Configuration) describes it.
workflow:
  # A status is a name, or {name, category, transitions}. Categories: new, open,
  # pending, on_hold, solved, closed, merged. Pending and on_hold pause service-level
  # clocks; solved, closed and merged are done; a closed ticket is never changed again
  # (`desk new --follow-up ID` opens a new one). transitions: the statuses a ticket may
  # be moved to from this one (default: any; never back to a status of category new).
  statuses:
    - {name: new, category: new}
    - {name: open, category: open}
    - {name: pending, category: pending}
    - {name: resolved, category: solved}
    - {name: closed, category: closed}
    - {name: merged, category: merged}  # `desk merge` moves a ticket here
  initial: new                 # status of a new ticket
  reopen: open                 # after `desk reopen`, an agent's first reply to a new ticket,
                               # a requester's message on a pending, on_hold or solved ticket
priorities:
  levels: [low, normal, high, urgent]   # lowest first
  default: normal
queues: []                     # when non-empty, only these queues are accepted
limits:
  title_chars: 256             # longest title, in characters
  body_bytes: 1000000          # largest description, reply or note, in bytes
# Agents answer tickets: with agents listed, a response is a public reply by one of them,
# and `desk assign ID ada` finds an agent by any unique part of a name or email.
#   - name: Ada Lovelace
#     email: ada@example.com
#     emails: [ada@old.example.com]       # other addresses of the same agent
#     teams: [it]
#     queues: [hardware]
#     skills: [printers, vpn]
#     away: [2026-12-24, 2026-12-28..2027-01-01]
agents: []
# teams:
#   - name: it
#     members: [ada@example.com]
#     queues: [it]
teams: []
";

impl Default for Config {
    fn default() -> Self {
        Config::parse(DEFAULT_TEXT).expect("the default desk.yaml is valid")
    }
}

/// The sections every command needs, as read.
#[derive(Default)]
struct Core {
    workflow: Option<Workflow>,
    priorities: Option<Priorities>,
    queues: Option<Vec<String>>,
    limits: Option<Limits>,
}

impl Config {
    /// The file `desk init` writes.
    pub fn default_text() -> String {
        DEFAULT_TEXT.to_owned()
    }

    /// The configuration on the desk branch at `tip`, parsed once per tree.
    pub fn load(store: &Store, tip: &Tip) -> Result<Config, StoreError> {
        load(store, tip)
    }

    /// Parses a `desk.yaml`: an error names the first problem of the sections
    /// every command needs (workflow, priorities, queues, limits); a problem in
    /// `agents:` or `teams:` is kept for [`Config::people`].
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut c = Checker::new(text);
        let core = read_core(&mut c);
        let mut pc = c.fork();
        let other_sections = pc.document().cloned();
        if let Some(first) = c.problems().into_iter().next() {
            return Err(first.into());
        }
        let (Some(workflow), Some(priorities), Some(queues), Some(limits)) =
            (core.workflow, core.priorities, core.queues, core.limits)
        else {
            return Err(ConfigError { line: 1, column: 1, message: "desk.yaml cannot be read".into() });
        };
        let people = read_people(&mut pc, &queues);
        let people = match pc.problems().into_iter().next() {
            Some(first) => Err(first.into()),
            None => Ok(Arc::new(people.unwrap_or_default())),
        };
        let mut other: serde_yaml::Mapping = other_sections.unwrap_or_default();
        other.retain(|k, _| k.as_str().is_none_or(|k| !READ_HERE.contains(&k)));
        Ok(Config { workflow, priorities, queues, limits, people, other })
    }

    /// The agents and teams; an error when `agents:` or `teams:` cannot be read.
    pub fn people(&self) -> Result<&People, ConfigError> {
        self.people.as_deref().map_err(Clone::clone)
    }

    /// The category of a status; `None` for a status desk.yaml does not list.
    pub fn category(&self, status: &str) -> Option<Category> {
        self.workflow.category(status)
    }

    /// Whether a status is done: of category solved, closed or merged.
    pub fn is_done(&self, status: &str) -> bool {
        self.category(status).is_some_and(Category::is_done)
    }

    /// Whether a status pauses service-level clocks: of category `pending` or `on_hold`.
    pub fn pauses(&self, status: &str) -> bool {
        self.category(status).is_some_and(Category::pauses)
    }

    /// Whether a ticket in this status can no longer be changed: of category closed.
    pub fn is_final(&self, status: &str) -> bool {
        self.category(status).is_some_and(Category::is_final)
    }

    /// The done statuses, in workflow order.
    pub fn done_statuses(&self) -> Vec<String> {
        self.workflow.statuses.iter().filter(|s| s.category.is_done()).map(|s| s.name.clone()).collect()
    }

    /// The status `desk resolve` sets: the first of category solved, else of closed.
    pub fn solved_status(&self) -> Option<&str> {
        self.workflow.first_of(Category::Solved).or_else(|| self.workflow.first_of(Category::Closed))
    }

    /// The status `desk close` sets: the first of category closed, else the last solved one.
    pub fn closed_status(&self) -> Option<&str> {
        self.workflow.first_of(Category::Closed).or_else(|| {
            self.workflow
                .statuses
                .iter()
                .rev()
                .find(|s| s.category == Category::Solved)
                .map(|s| s.name.as_str())
        })
    }

    /// The statuses of category merged.
    pub fn merged_statuses(&self) -> Vec<String> {
        self.workflow
            .statuses
            .iter()
            .filter(|s| s.category == Category::Merged)
            .map(|s| s.name.clone())
            .collect()
    }

    /// The status `desk merge` gives the merged ticket: the first of category merged.
    pub fn merged_status(&self) -> Option<&str> {
        self.workflow.first_of(Category::Merged)
    }

    pub fn has_status(&self, status: &str) -> bool {
        self.workflow.status(status).is_some()
    }

    /// Whether someone may move a ticket from `from` to `to` (see [`Workflow::check_transition`]).
    pub fn check_transition(&self, from: &str, to: &str) -> Result<(), TransitionError> {
        self.workflow.check_transition(from, to)
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
            Err(format!("invalid status '{status}'; allowed: {}", self.workflow.names().join(", ")))
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

/// Every problem of a `desk.yaml` text, each with its path, line and column,
/// in the order of the file: what `desk config check` reports.
pub fn check(text: &str) -> Vec<Problem> {
    check_with(text, |_, _| {})
}

/// [`check`], with the checks of sections other parts of desk read: `more`
/// reads its sections through the checker ([`Checker::section`]) and records
/// their problems ([`Checker::problem`]); it gets the configuration when the
/// sections every command needs are sound (`None` otherwise), to check
/// references to statuses, priorities, queues or agents. Its section keys
/// belong in [`SECTIONS`].
pub fn check_with(text: &str, more: impl FnOnce(&mut Checker<'_>, Option<&Config>)) -> Vec<Problem> {
    let mut c = Checker::new(text);
    for key in c.top_level_keys() {
        if !SECTIONS.contains(&key.as_str()) {
            c.problem(
                YamlPath::section(&key).at_key(),
                format!("unknown section `{key}`; desk reads {}", SECTIONS.join(", ")),
            );
        }
    }
    let core = read_core(&mut c);
    read_people(&mut c, core.queues.as_deref().unwrap_or_default());
    let config = Config::parse(text).ok();
    more(&mut c, config.as_ref());
    c.problems()
}

/// Reads and checks the sections every command needs.
fn read_core(c: &mut Checker<'_>) -> Core {
    let mut core = Core::default();
    match c.section::<status::RawWorkflow>("workflow") {
        Some(Some(raw)) => core.workflow = status::build(&raw, c),
        Some(None) => c.problem(YamlPath::section("workflow"), "the section `workflow` is missing"),
        None => {}
    }
    match c.section::<Priorities>("priorities") {
        Some(Some(p)) => core.priorities = check_priorities(p, c),
        Some(None) => c.problem(YamlPath::section("priorities"), "the section `priorities` is missing"),
        None => {}
    }
    if let Some(queues) = c.section::<Vec<String>>("queues") {
        let queues = queues.unwrap_or_default();
        let before = c.count();
        check_names(&queues, &YamlPath::section("queues"), c);
        core.queues = (c.count() == before).then_some(queues);
    }
    if let Some(limits) = c.section::<Limits>("limits") {
        let limits = limits.unwrap_or_default();
        for (key, value) in [("title_chars", limits.title_chars), ("body_bytes", limits.body_bytes)] {
            if value == 0 {
                c.problem(YamlPath::section("limits").key(key), "must be greater than 0");
            }
        }
        core.limits = (limits.title_chars > 0 && limits.body_bytes > 0).then_some(limits);
    }
    core
}

fn check_priorities(p: Priorities, c: &mut Checker<'_>) -> Option<Priorities> {
    let at = YamlPath::section("priorities");
    let before = c.count();
    if p.levels.is_empty() {
        c.problem(at.key("levels"), "no priorities are listed");
    }
    check_names(&p.levels, &at.key("levels"), c);
    if !p.levels.is_empty() && !p.levels.contains(&p.default) {
        c.problem(at.key("default"), format!("`{}` is not one of priorities.levels", p.default));
    }
    (c.count() == before).then_some(p)
}

/// Checks a list of names (priorities, queues): each one a ticket file and a query can hold, once.
fn check_names(names: &[String], at: &YamlPath, c: &mut Checker<'_>) {
    for (i, name) in names.iter().enumerate() {
        if let Err(problem) = check_name(name) {
            c.problem(at.index(i), problem);
        } else if names[..i].contains(name) {
            c.problem(at.index(i), format!("`{name}` is listed twice"));
        }
    }
}

/// Reads and checks `agents:` and `teams:`.
fn read_people(c: &mut Checker<'_>, queues: &[String]) -> Option<People> {
    let agents = c.section::<Vec<people::RawAgent>>("agents");
    let teams = c.section::<Vec<people::RawTeam>>("teams");
    let (agents, teams) = (agents?.unwrap_or_default(), teams?.unwrap_or_default());
    people::build(agents, teams, queues, c)
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
    let config = Config::parse(&String::from_utf8_lossy(&text))?;
    LAST.with_borrow_mut(|last| *last = Some((tip.tree, config.clone())));
    Ok(config)
}

/// A status, priority, queue, team or skill name must be something a ticket
/// file can hold and a query can name: a non-empty single line without commas
/// or quotes.
fn check_name(name: &str) -> Result<(), String> {
    let problem = if name.trim().is_empty() {
        "an empty name"
    } else if name.trim() != name {
        "a name with spaces around it"
    } else if name.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        "a name with a control character"
    } else if name.contains([',', '"']) {
        "a name with a comma or a double quote (queries could not name it)"
    } else {
        return Ok(());
    };
    Err(format!("{problem}: {name:?}"))
}

#[cfg(test)]
mod tests;
