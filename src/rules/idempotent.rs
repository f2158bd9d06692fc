//! The check that keeps timed rules from acting twice: a timed rule must have
//! a condition its own actions make false, so that a second `desk rules run`
//! finds nothing left to do.
//!
//! A term of `if:` is made false when, whatever the ticket was, it no longer
//! holds after the rule's actions:
//! - a term on the status, priority, queue or assignee (`is:open`,
//!   `status:pending`, `-priority:urgent`, `is:unassigned`, `assignee:none`)
//!   that does not hold for the value the rule sets (`set: [status=…]`,
//!   `assign:`); an assignment to a team or queue makes only "unassigned"
//!   terms false;
//! - `label:x` when the rule removes x (every label the term names), and
//!   `-label:x` when it adds x;
//! - `updated:>AGE` (and `>=`): every change makes `updated` now.
//!
//! Changes a macro makes (`apply:`) are not looked into.

use chrono::Utc;

use super::{Assign, Rule};
use crate::model::field::{Field, PairOp, split_pair};
use crate::model::{Ticket, TicketId};
use crate::query::{Condition, Context, PersonMatch, Query, Term, Test};
use crate::time::When;
use crate::workflow::Config;

/// What the actions of a rule leave for sure.
struct After {
    ticket: Ticket,
    known: Vec<Field>,
    /// Assigned to someone of a pool: "unassigned" terms fail, others are unknown.
    pooled: bool,
    added: Vec<String>,
    removed: Vec<String>,
}

fn after(rule: &Rule, now: chrono::DateTime<Utc>) -> After {
    let id = TicketId::parse("0000000000").unwrap_or_else(TicketId::generate);
    let mut a = After {
        ticket: Ticket::blank(id, now),
        known: vec![Field::Updated],
        pooled: false,
        added: Vec::new(),
        removed: Vec::new(),
    };
    for pair in &rule.then.set {
        let Some((key, PairOp::Set, value)) = split_pair(pair) else { continue };
        let value = value.trim().to_owned();
        let field = match key {
            "status" => Field::Status,
            "priority" => Field::Priority,
            "queue" => Field::Queue,
            "assignee" => Field::Assignee,
            _ => continue,
        };
        let opt = (!value.is_empty() && !crate::query::means_nobody(&value)).then(|| value.clone());
        match field {
            Field::Status => a.ticket.status = value,
            Field::Priority => a.ticket.priority = value,
            Field::Queue => a.ticket.queue = opt,
            _ => a.ticket.assignee = opt,
        }
        a.known.push(field);
    }
    match &rule.then.assign {
        Some(Assign::Person(p)) => {
            a.ticket.assignee = Some(p.clone());
            a.known.push(Field::Assignee);
        }
        Some(Assign::Nobody) => {
            a.ticket.assignee = None;
            a.known.push(Field::Assignee);
        }
        Some(Assign::Pool(_)) => a.pooled = true,
        None => {}
    }
    for l in &rule.then.labels {
        match l.strip_prefix('-') {
            Some(x) => a.removed.push(x.trim().to_lowercase()),
            None => a.added.push(l.trim_start_matches('+').trim().to_lowercase()),
        }
    }
    a
}

/// Whether `term` surely fails after the actions.
fn made_false(term: &Term, a: &After, ctx: &Context<'_>) -> bool {
    let field = match &term.condition {
        Condition::Open | Condition::Done => Field::Status,
        Condition::Assigned(_) => Field::Assignee,
        Condition::Field(f, _) => *f,
        Condition::Text(_) | Condition::Clock(_) => return false,
    };
    if field == Field::Labels {
        let Condition::Field(_, Test::Values(values)) = &term.condition else { return false };
        let lower: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
        return if term.negated {
            lower.iter().any(|v| a.added.contains(v))
        } else {
            lower.iter().all(|v| a.removed.contains(v))
        };
    }
    if field == Field::Updated {
        // Only "updated longer ago than" is made false by a change now.
        let Condition::Field(_, Test::Time(cmp, When::Age(_))) = &term.condition else { return false };
        if term.negated || !matches!(cmp, crate::query::Cmp::Gt | crate::query::Cmp::Ge) {
            return false;
        }
    }
    if field == Field::Assignee && a.pooled && !a.known.contains(&Field::Assignee) {
        let unassigned = match &term.condition {
            Condition::Assigned(yes) => *yes == term.negated,
            Condition::Field(_, Test::People(p)) => {
                !term.negated && p.iter().all(|m| *m == PersonMatch::Nobody)
            }
            _ => false,
        };
        return unassigned;
    }
    if !a.known.contains(&field) {
        return false;
    }
    !Query { terms: vec![term.clone()] }.matches(&a.ticket, ctx)
}

/// Whether one of the terms of `rule`'s `if:` is made false by its own
/// actions (see the module's documentation).
pub fn undone_by_own_actions(rule: &Rule, config: &Config) -> bool {
    let now = Utc::now();
    let a = after(rule, now);
    let ctx = Context { config, now: now.timestamp(), me: None };
    rule.query.terms.iter().any(|t| made_false(t, &a, &ctx))
}
