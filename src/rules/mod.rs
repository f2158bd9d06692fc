//! Automation rules: the `rules:` section of desk.yaml. A rule names the
//! events it answers (`on:`), the tickets it applies to (`if:`, a list query,
//! plus `from`/`to`/`by` conditions on the event) and what it does (`then:`:
//! field and label changes as `desk set` and `desk label` take them, an
//! assignment, an internal note, a macro reply). Event rules run inside the
//! command that caused the event ([`pass`]); timed rules (`schedule`,
//! `sla.warning`, `sla.breach`) run from `desk rules run`.
//!
//! Reading is lenient, as for the SLA sections: every problem is collected
//! with its place in the YAML, and a broken rule is left out.

pub mod assign;
mod engine;
mod idempotent;

use serde_yaml::Value;

pub use assign::{Pool, Strategy};
pub use engine::{Happened, Host, Outcome, Role, Verdict, events, explain, pass};
pub use idempotent::undone_by_own_actions;

use crate::query::{Condition, Query};
use crate::time::Zone;
use crate::workflow::Config;

/// What a rule answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A ticket was opened.
    Create,
    /// A public reply was added (by anyone but a rule).
    Reply,
    /// An internal note was added (by anyone but a rule).
    Note,
    /// The status changed.
    Status,
    /// The assignee changed.
    Assign,
    /// Labels were added or removed.
    Label,
    /// A clock of the ticket is within its policy's warning (`desk rules run`).
    SlaWarning,
    /// A clock of the ticket is breached (`desk rules run`).
    SlaBreach,
    /// Every run of `desk rules run`.
    Schedule,
}

impl Trigger {
    pub const ALL: [(&'static str, Trigger); 9] = [
        ("create", Trigger::Create),
        ("reply", Trigger::Reply),
        ("note", Trigger::Note),
        ("status", Trigger::Status),
        ("assign", Trigger::Assign),
        ("label", Trigger::Label),
        ("sla.warning", Trigger::SlaWarning),
        ("sla.breach", Trigger::SlaBreach),
        ("schedule", Trigger::Schedule),
    ];

    pub fn name(self) -> &'static str {
        Trigger::ALL.iter().find(|(_, t)| *t == self).map_or("", |(n, _)| n)
    }

    pub fn parse(name: &str) -> Option<Trigger> {
        Trigger::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// Whether `desk rules run` decides it (rather than a command's change).
    pub fn is_timed(self) -> bool {
        matches!(self, Trigger::Schedule | Trigger::SlaWarning | Trigger::SlaBreach)
    }
}

/// Who may have caused the event for the rule to fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Requester,
    Agent,
    Other,
    Rule,
}

impl By {
    const ALL: [(&'static str, By); 4] =
        [("requester", By::Requester), ("agent", By::Agent), ("other", By::Other), ("rule", By::Rule)];

    pub fn name(self) -> &'static str {
        By::ALL.iter().find(|(_, b)| *b == self).map_or("", |(n, _)| n)
    }
}

/// Who a rule assigns the ticket to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assign {
    /// An agent (any unique part of a name or email) or `Name <email>`.
    Person(String),
    /// Nobody: the assignee is cleared.
    Nobody,
    /// An agent of a team or queue, picked by a strategy.
    Pool(Pool),
}

/// What a rule does, in this order: field changes, label changes, the
/// assignment, the macro's changes, the note, the reply, the follow-up ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actions {
    /// `KEY=VALUE` pairs, as `desk set` takes them.
    pub set: Vec<String>,
    /// `+label` / `-label`, as `desk label` takes them.
    pub labels: Vec<String>,
    pub assign: Option<Assign>,
    /// A macro whose field and label changes are applied (`desk apply`).
    pub apply: Option<String>,
    /// The text of an internal note, marked automated.
    pub note: Option<String>,
    /// A macro whose text is added as a public reply, marked automated.
    pub reply: Option<String>,
    /// The title of a new ticket opened as a follow-up, linked to this one.
    pub follow_up: Option<String>,
}

/// One rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub name: String,
    pub on: Vec<Trigger>,
    /// `if:` as written (empty: every ticket).
    pub condition: String,
    pub query: Query,
    /// `from:`: the status before a status change is one of these.
    pub from: Vec<String>,
    /// `to:`: the status after a status change is one of these.
    pub to: Vec<String>,
    /// `by:`: who caused the event (empty: anyone, rules included).
    pub by: Vec<By>,
    pub then: Actions,
}

impl Rule {
    /// Whether `desk rules run` runs it (it answers timed triggers only).
    pub fn is_timed(&self) -> bool {
        self.on.iter().all(|t| t.is_timed())
    }

    /// The query the rule selects tickets with, the implicit clock condition
    /// of `sla.warning` and `sla.breach` included.
    pub fn selection(&self) -> Query {
        let mut q = self.query.clone();
        let states: Vec<_> = self
            .on
            .iter()
            .filter_map(|t| match t {
                Trigger::SlaWarning => Some(crate::query::ClockState::Warning),
                Trigger::SlaBreach => Some(crate::query::ClockState::Breached),
                _ => None,
            })
            .collect();
        if !states.is_empty() && !self.on.contains(&Trigger::Schedule) {
            q.terms.push(crate::query::Term {
                negated: false,
                condition: Condition::Clock(crate::query::ClockTest::State(states)),
            });
        }
        q
    }
}

/// A problem in the `rules:` section, with where it is (`rules[0].then.set`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// The rules of a desk.yaml, in order.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
}

impl Rules {
    /// The rules that answer a command's change.
    pub fn event_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| !r.is_timed())
    }

    /// The rules `desk rules run` runs.
    pub fn timed_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.is_timed())
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules of `config` (its `rules:` section); problems are left out
    /// with the broken rules (`desk config check` reports them).
    pub fn of(config: &Config) -> Rules {
        parse(config.other.get("rules"), config).0
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or a list of strings (`on: create` or `on: [create, reply]`).
fn one_or_many(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items.iter().map(text_of).collect(),
        other => text_of(other).map(|s| vec![s]),
    }
}

/// Whether a rule name can stand in a commit trailer and on a command line:
/// one line of at most 100 characters, no control characters, not empty.
fn check_rule_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("a rule needs a name".into())
    } else if name.trim() != name {
        Err(format!("a name with spaces around it: {name:?}"))
    } else if name.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        Err(format!("a name with a control character: {name:?}"))
    } else if name.chars().count() > 100 {
        Err("a name longer than 100 characters".into())
    } else {
        Ok(())
    }
}

const RULE_KEYS: [&str; 7] = ["name", "on", "if", "from", "to", "by", "then"];
const ACTION_KEYS: [&str; 7] = ["set", "labels", "assign", "apply", "note", "reply", "follow_up"];

/// Reads the `rules:` section against `config` (statuses for `from`/`to`).
pub fn parse(section: Option<&Value>, config: &Config) -> (Rules, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut rules = Rules::default();
    match section {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(list)) => {
            let mut names: Vec<String> = Vec::new();
            for (i, value) in list.iter().enumerate() {
                let path = format!("rules[{i}]");
                let before = problems.len();
                let rule = rule(value, &path, config, &mut problems);
                if let Some(name) = value.get("name").and_then(text_of) {
                    if names.contains(&name) {
                        problems.push(Problem {
                            path: format!("{path}.name"),
                            message: format!("'{name}' names two rules"),
                        });
                        continue;
                    }
                    names.push(name);
                }
                if let Some(r) = rule.filter(|_| problems.len() == before) {
                    rules.rules.push(r);
                }
            }
        }
        Some(_) => problems.push(Problem { path: "rules".into(), message: "must be a list of rules".into() }),
    }
    (rules, problems)
}

fn rule(value: &Value, path: &str, config: &Config, problems: &mut Vec<Problem>) -> Option<Rule> {
    let mut bad = |at: String, message: String| problems.push(Problem { path: at, message });
    let Value::Mapping(map) = value else {
        bad(path.to_owned(), "a rule is a mapping with name, on, if and then".into());
        return None;
    };
    for key in map.keys() {
        let k = text_of(key).unwrap_or_default();
        if !RULE_KEYS.contains(&k.as_str()) {
            bad(format!("{path}.{k}"), format!("unknown key `{k}`; a rule has {}", RULE_KEYS.join(", ")));
        }
    }
    let Some(name) = map.get("name").and_then(text_of) else {
        bad(format!("{path}.name"), "a rule needs a name".into());
        return None;
    };
    if let Err(m) = check_rule_name(&name) {
        bad(format!("{path}.name"), m);
        return None;
    }
    let on = triggers(map.get("on"), &format!("{path}.on"), &mut bad)?;
    let (condition, query) = condition(map.get("if"), &format!("{path}.if"), &on, config, &mut bad)?;
    let timed = on.iter().any(|t| t.is_timed());
    let from = statuses(map.get("from"), &format!("{path}.from"), &on, config, &mut bad);
    let to = statuses(map.get("to"), &format!("{path}.to"), &on, config, &mut bad);
    let by = by(map.get("by"), &format!("{path}.by"), timed, &mut bad);
    let then = actions(map.get("then"), &format!("{path}.then"), &mut bad)?;
    Some(Rule { name, on, condition, query, from, to, by, then })
}

/// `if:` read and checked against the rule's triggers.
fn condition(
    v: Option<&Value>,
    path: &str,
    on: &[Trigger],
    config: &Config,
    bad: &mut impl FnMut(String, String),
) -> Option<(String, Query)> {
    let condition = match v {
        None | Some(Value::Null) => String::new(),
        Some(v) => text_of(v).unwrap_or_else(|| {
            bad(path.to_owned(), "`if` is a query, written as text".into());
            String::new()
        }),
    };
    let query =
        match Query::parse(&[condition.as_str()], Zone::Utc).and_then(|q| q.validate(config).map(|()| q)) {
            Ok(q) => q,
            Err(e) => {
                bad(path.to_owned(), e.0);
                return None;
            }
        };
    let timed = on.iter().any(|t| t.is_timed());
    if timed && on.iter().any(|t| !t.is_timed()) {
        bad(
            path.replace(".if", ".on"),
            "schedule, sla.warning and sla.breach cannot be combined with events in one rule".into(),
        );
    }
    if !timed && query.has_clock_terms() {
        bad(
            path.to_owned(),
            "sla: and due: terms belong in rules on schedule, sla.warning or sla.breach".into(),
        );
    }
    Some((condition, query))
}

/// `from:` or `to:`: statuses of desk.yaml, for rules on status changes.
fn statuses(
    v: Option<&Value>,
    path: &str,
    on: &[Trigger],
    config: &Config,
    bad: &mut impl FnMut(String, String),
) -> Vec<String> {
    let Some(v) = v.filter(|v| !v.is_null()) else { return Vec::new() };
    let key = path.rsplit('.').next().unwrap_or_default();
    let Some(list) = one_or_many(v) else {
        bad(path.to_owned(), "a status or a list of statuses".into());
        return Vec::new();
    };
    if !on.contains(&Trigger::Status) {
        bad(path.to_owned(), format!("`{key}` is a condition on status changes: add `status` to `on`"));
    }
    for s in &list {
        if let Err(m) = config.check_status(s) {
            bad(path.to_owned(), m);
        }
    }
    list
}

/// `by:`: who may have caused the event.
fn by(v: Option<&Value>, path: &str, timed: bool, bad: &mut impl FnMut(String, String)) -> Vec<By> {
    let Some(v) = v.filter(|v| !v.is_null()) else { return Vec::new() };
    let names = one_or_many(v).unwrap_or_default();
    let mut by = Vec::new();
    for n in &names {
        match By::ALL.iter().find(|(k, _)| k == n) {
            Some((_, b)) => by.push(*b),
            None => bad(path.to_owned(), format!("`{n}` is not one of requester, agent, other, rule")),
        }
    }
    if names.is_empty() {
        bad(path.to_owned(), "one of requester, agent, other, rule, or a list of them".into());
    }
    if timed {
        bad(path.to_owned(), "`by` is a condition on events; a timed rule has none".into());
    }
    by
}

fn triggers(v: Option<&Value>, path: &str, bad: &mut impl FnMut(String, String)) -> Option<Vec<Trigger>> {
    let names: Vec<&str> = Trigger::ALL.iter().map(|(n, _)| *n).collect();
    let Some(list) = v.and_then(one_or_many).filter(|l| !l.is_empty()) else {
        bad(path.to_owned(), format!("a rule needs `on`: one or more of {}", names.join(", ")));
        return None;
    };
    let mut on = Vec::new();
    for n in &list {
        match Trigger::parse(n) {
            Some(t) if !on.contains(&t) => on.push(t),
            Some(_) => {}
            None => {
                bad(path.to_owned(), format!("`{n}` is not an event; allowed: {}", names.join(", ")));
                return None;
            }
        }
    }
    Some(on)
}

fn actions(v: Option<&Value>, path: &str, bad: &mut impl FnMut(String, String)) -> Option<Actions> {
    let Some(Value::Mapping(map)) = v else {
        bad(path.to_owned(), format!("a rule needs `then`: one or more of {}", ACTION_KEYS.join(", ")));
        return None;
    };
    let mut a = Actions::default();
    for (key, value) in map {
        let k = text_of(key).unwrap_or_default();
        let at = format!("{path}.{k}");
        let list = || one_or_many(value).unwrap_or_default();
        match k.as_str() {
            "set" => a.set = list(),
            "labels" => a.labels = list(),
            "assign" => a.assign = assign::parse(value, &at, bad),
            "apply" | "reply" | "note" | "follow_up" => {
                let Some(text) = text_of(value).filter(|t| !t.trim().is_empty()) else {
                    bad(at, format!("`{k}` needs text"));
                    continue;
                };
                match k.as_str() {
                    "apply" => a.apply = Some(text),
                    "reply" => a.reply = Some(text),
                    "follow_up" => a.follow_up = Some(text),
                    _ => a.note = Some(text),
                }
            }
            _ => bad(at, format!("unknown action `{k}`; allowed: {}", ACTION_KEYS.join(", "))),
        }
    }
    if a == Actions::default() {
        bad(path.to_owned(), format!("`then` does nothing; give one or more of {}", ACTION_KEYS.join(", ")));
        return None;
    }
    Some(a)
}

#[cfg(test)]
mod tests;
