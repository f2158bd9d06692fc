//! Running rules: the events of a change, and the pass that lets rules answer
//! them.
//!
//! A pass starts with the events of the change a command made (or, in
//! `desk rules run`, the timed events of a ticket). It looks for the first
//! rule, in desk.yaml's order, that has not fired in this pass, answers one
//! of the events so far and whose `if:` holds for the ticket as it is now;
//! that rule's actions are applied and the events they cause are added (as
//! caused `by: rule`), and the search starts again from the first rule. The
//! pass ends when no rule is left to fire. Each rule fires at most once per
//! pass, so a pass ends after at most as many firings as there are rules,
//! and the same change on the same ticket always gives the same result.

use super::{By, Rule, Trigger};
use crate::model::{Ticket, Visibility};
use crate::query::{Query, term_texts};

/// Who caused an event.
pub type Role = By;

/// One event a rule may answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Happened {
    pub trigger: Trigger,
    pub by: By,
    /// A status change's statuses before and after.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Happened {
    pub fn new(trigger: Trigger, by: By) -> Happened {
        Happened { trigger, by, from: None, to: None }
    }

    fn describe(&self) -> String {
        match (&self.from, &self.to) {
            (Some(f), Some(t)) => format!("status {f} → {t} by {}", self.by.name()),
            _ => format!("{} by {}", self.trigger.name(), self.by.name()),
        }
    }
}

/// The events of a change from `before` (`None`: the ticket is new) to
/// `after`, caused by `by`; a reply or note is caused by its author, whose
/// role `role` tells. Text written by rules causes no event.
pub fn events(before: Option<&Ticket>, after: &Ticket, by: By, role: impl Fn(&str) -> By) -> Vec<Happened> {
    let Some(before) = before else { return vec![Happened::new(Trigger::Create, by)] };
    let mut out = Vec::new();
    for c in &after.comments {
        if c.automated || c.merged || before.comments.iter().any(|b| b.id == c.id) {
            continue;
        }
        let trigger = if c.visibility == Visibility::Public { Trigger::Reply } else { Trigger::Note };
        out.push(Happened::new(trigger, if by == By::Rule { By::Rule } else { role(&c.author) }));
    }
    if before.status != after.status {
        out.push(Happened {
            trigger: Trigger::Status,
            by,
            from: Some(before.status.clone()),
            to: Some(after.status.clone()),
        });
    }
    if before.assignee != after.assignee {
        out.push(Happened::new(Trigger::Assign, by));
    }
    let same_labels =
        before.labels.len() == after.labels.len() && before.labels.iter().all(|l| after.labels.contains(l));
    if !same_labels {
        out.push(Happened::new(Trigger::Label, by));
    }
    out
}

/// What a pass needs from the command it runs in.
pub trait Host {
    /// Whether `query` holds for `ticket` now (clock terms included, where
    /// the host knows the ticket's clocks).
    fn matches(&self, query: &Query, ticket: &Ticket) -> bool;
    /// Applies `rule`'s actions to `ticket`; an error says which action could
    /// not be applied (the pass then puts the ticket back as it was).
    fn apply(&mut self, rule: &Rule, ticket: &mut Ticket) -> Result<(), String>;
    /// Whether no rule may change `ticket` any more (a closed ticket).
    fn is_final(&self, ticket: &Ticket) -> bool;
}

/// What a pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The rules that fired, in the order they fired.
    pub fired: Vec<String>,
    /// Rules whose conditions held but whose actions could not be applied, and why.
    pub failed: Vec<(String, String)>,
    /// Every event of the pass: the change's, then those the rules caused.
    pub events: Vec<Happened>,
}

impl Rule {
    /// Whether the rule answers `h`: its trigger, who caused it, and for a
    /// status change the statuses before and after.
    pub fn answers(&self, h: &Happened) -> bool {
        let one_of = |list: &[String], v: &Option<String>| {
            list.is_empty() || v.as_ref().is_some_and(|v| list.contains(v))
        };
        self.on.contains(&h.trigger)
            && (self.by.is_empty() || self.by.contains(&h.by))
            && one_of(&self.from, &h.from)
            && one_of(&self.to, &h.to)
    }
}

/// Runs `rules` on `ticket` for the events `happened` (see the module's documentation).
pub fn pass(rules: &[&Rule], happened: Vec<Happened>, ticket: &mut Ticket, host: &mut impl Host) -> Outcome {
    let mut out = Outcome { events: happened, ..Outcome::default() };
    let mut done = vec![false; rules.len()];
    'search: loop {
        if host.is_final(ticket) {
            break;
        }
        for (i, rule) in rules.iter().enumerate() {
            if done[i]
                || !out.events.iter().any(|h| rule.answers(h))
                || !host.matches(&rule.selection(), ticket)
            {
                continue;
            }
            done[i] = true;
            let before = ticket.clone();
            match host.apply(rule, ticket) {
                Ok(()) => {
                    out.fired.push(rule.name.clone());
                    out.events.extend(events(Some(&before), ticket, By::Rule, |_| By::Rule));
                }
                Err(why) => {
                    *ticket = before;
                    out.failed.push((rule.name.clone(), why));
                }
            }
            continue 'search;
        }
        break;
    }
    out
}

/// Whether a rule fires for a change, and if not, the first condition that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub rule: String,
    pub fires: bool,
    /// For a rule that fires, `fires`; otherwise what stopped it.
    pub reason: String,
}

/// Every rule of `rules` with whether it fires for `happened` on `ticket`, as
/// [`pass`] decides it (the ticket is not changed).
pub fn explain(
    rules: &[&Rule],
    happened: Vec<Happened>,
    ticket: &Ticket,
    host: &mut impl Host,
) -> Vec<Verdict> {
    let mut after = ticket.clone();
    let outcome = pass(rules, happened, &mut after, host);
    rules
        .iter()
        .map(|rule| {
            let verdict = |fires: bool, reason: String| Verdict { rule: rule.name.clone(), fires, reason };
            if outcome.fired.contains(&rule.name) {
                return verdict(true, "fires".into());
            }
            if let Some((_, why)) = outcome.failed.iter().find(|(n, _)| *n == rule.name) {
                return verdict(false, format!("its actions cannot be applied: {why}"));
            }
            verdict(false, why_not(rule, &outcome.events, &after, host))
        })
        .collect()
}

/// The first condition of `rule` that fails for `events` on `ticket`.
fn why_not(rule: &Rule, events: &[Happened], ticket: &Ticket, host: &impl Host) -> String {
    let on: Vec<&str> = rule.on.iter().map(|t| t.name()).collect();
    let seen: Vec<String> = events.iter().map(Happened::describe).collect();
    let seen = if seen.is_empty() { "nothing".to_owned() } else { seen.join(", ") };
    let triggered: Vec<&Happened> = events.iter().filter(|h| rule.on.contains(&h.trigger)).collect();
    if triggered.is_empty() {
        return format!("on: {} — the change was {seen}", on.join(", "));
    }
    if !rule.by.is_empty() && !triggered.iter().any(|h| rule.by.contains(&h.by)) {
        let by: Vec<&str> = rule.by.iter().map(|b| b.name()).collect();
        return format!("by: {} — the change was {seen}", by.join(", "));
    }
    if !triggered.iter().any(|h| rule.answers(h)) {
        return format!(
            "from: [{}] to: [{}] — the change was {seen}",
            rule.from.join(", "),
            rule.to.join(", ")
        );
    }
    if host.is_final(ticket) {
        return "the ticket is closed: no rule changes it".into();
    }
    let texts = term_texts(&rule.condition);
    let selection = rule.selection();
    for (i, term) in selection.terms.iter().enumerate() {
        let one = Query { terms: vec![term.clone()] };
        if !host.matches(&one, ticket) {
            let text = texts.get(i).cloned().unwrap_or_else(|| "the ticket's SLA clocks".into());
            return format!("if: `{text}` does not hold");
        }
    }
    "an earlier rule's change made it not hold".into()
}
