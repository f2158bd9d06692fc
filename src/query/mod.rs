//! The list query language: `status:open,pending priority:>=high -label:spam
//! assignee:me created:>2026-11-01 updated:<7d "printer jam"`. Terms are `ANDed`,
//! commas OR values within a term, a leading `-` negates a term, and bare words
//! or quoted phrases search title, description and conversation.

mod lex;

pub use crate::model::same_person;
pub use lex::is_negated_term;

use crate::model::field::{self, Domain, FIELDS, Field, FieldKind, FieldSource, Val};
use crate::model::{TextSource, Ticket};
use crate::time::{TimeError, When, Zone, parse_when};
use crate::workflow::Config;

pub use crate::time::{EARLIEST, LATEST, MAX_AGE, check_date, parse_age};

/// Keys the query language knows: `is:`, every queryable field's key, and the
/// clock keys `sla:` and `due:`.
pub fn keys() -> Vec<&'static str> {
    std::iter::once("is").chain(FIELDS.iter().filter_map(|d| d.query)).chain(["has", "sla", "due"]).collect()
}

/// Why a query could not be understood.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl From<TimeError> for QueryError {
    fn from(e: TimeError) -> Self {
        QueryError(e.0)
    }
}

/// A comparison in `priority:>=high` or `created:<7d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Who an `assignee:`/`requester:` value means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonMatch {
    Me,
    Nobody,
    /// A case-insensitive part of the name or email.
    Part(String),
}

/// What a field term asks of the field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    /// Equal to one of these (case-insensitive); for a set, one member is.
    Values(Vec<String>),
    /// Compared in the order `desk.yaml` gives the domain (priorities).
    Ordered(Cmp, Vec<String>),
    /// The person (or one of the people) is one of these.
    People(Vec<PersonMatch>),
    Time(Cmp, When),
    /// A link (`TYPE:ID`) to a ticket whose id starts with one of these
    /// (lowercase), or whose type is one of these (`linked:parent-of`).
    Linked(Vec<String>),
}

/// One condition on a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `is:open`: the status is not done.
    Open,
    /// `is:done`.
    Done,
    /// `is:assigned`, `is:unassigned`.
    Assigned(bool),
    /// A term on one field: `status:open`, `label:vpn`, `created:>2026-11-01`.
    Field(Field, Test),
    /// Lowercased word or phrase.
    Text(String),
    /// `sla:` and `due:`: where the ticket stands against its service levels.
    Clock(ClockTest),
}

/// A term on the ticket's SLA clocks, decided by [`Query::matches_clocks`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockTest {
    /// `sla:breached,paused`: one of the clocks is in one of these states.
    State(Vec<ClockState>),
    /// `due:<2h`: business seconds to the next due time (negative: overdue).
    Due(Cmp, i64),
}

/// A value of `sla:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Breached,
    /// Running or paused, and within its policy's warning of the due time.
    Warning,
    /// No clock is measured: no policy, or no target for the priority.
    None,
}

impl ClockState {
    const ALL: [(&'static str, ClockState); 6] = [
        ("running", ClockState::Running),
        ("paused", ClockState::Paused),
        ("met", ClockState::Met),
        ("breached", ClockState::Breached),
        ("warning", ClockState::Warning),
        ("none", ClockState::None),
    ];
}

/// Where a ticket's clocks stand (the latest period of each), as clock terms
/// need it. The SLA module computes it from history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClockFacts {
    pub running: bool,
    pub paused: bool,
    pub met: bool,
    pub breached: bool,
    pub warning: bool,
    /// Whether any clock is measured (has a target).
    pub measured: bool,
    /// Business seconds from the moment of evaluation to the next due time:
    /// the remaining time of the running or breached clock due first.
    pub due_in: Option<i64>,
}

impl ClockFacts {
    fn has(&self, state: ClockState) -> bool {
        match state {
            ClockState::Running => self.running,
            ClockState::Paused => self.paused,
            ClockState::Met => self.met,
            ClockState::Breached => self.breached,
            ClockState::Warning => self.warning,
            ClockState::None => !self.measured,
        }
    }
}

fn parse_clock_term(key: &str, value: &str) -> Result<Condition, QueryError> {
    if key == "due" {
        let (cmp, rest) = cmp_prefix(value);
        let seconds = crate::time::parse_duration(rest)
            .map_err(|e| QueryError(format!("invalid 'due:{value}': {e}")))?;
        return Ok(Condition::Clock(ClockTest::Due(cmp, seconds)));
    }
    let states = split_values(value)
        .iter()
        .map(|v| {
            ClockState::ALL.iter().find(|(name, _)| v.eq_ignore_ascii_case(name)).map(|(_, s)| *s).ok_or_else(
                || {
                    let names: Vec<&str> = ClockState::ALL.iter().map(|(n, _)| *n).collect();
                    QueryError(format!("invalid 'sla:{v}'; allowed: {}", names.join(", ")))
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    if states.is_empty() {
        return Err(QueryError("'sla:' needs a value".into()));
    }
    Ok(Condition::Clock(ClockTest::State(states)))
}

/// A condition, maybe negated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub condition: Condition,
}

/// A parsed query: all terms must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// What matching needs besides the ticket.
pub struct Context<'a> {
    pub config: &'a Config,
    /// Unix seconds.
    pub now: i64,
    /// The user's git identity (`Name <email>`), for `me`.
    pub me: Option<&'a str>,
}

fn split_values(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn cmp_prefix(v: &str) -> (Cmp, &str) {
    for (p, c) in [(">=", Cmp::Ge), ("<=", Cmp::Le), (">", Cmp::Gt), ("<", Cmp::Lt), ("=", Cmp::Eq)] {
        if let Some(rest) = v.strip_prefix(p) {
            return (c, rest);
        }
    }
    (Cmp::Eq, v)
}

/// Whether a person given on the command line means the user: `me` or `@me`,
/// in any case. The same words mean the same in a query and in a change.
pub fn means_me(person: &str) -> bool {
    person.eq_ignore_ascii_case("me") || person.eq_ignore_ascii_case("@me")
}

/// Whether a person given on the command line means nobody: `none`, in any
/// case, as in the query `assignee:none`.
pub fn means_nobody(person: &str) -> bool {
    person.trim().eq_ignore_ascii_case("none")
}

fn parse_people(values: &[String]) -> Vec<PersonMatch> {
    values
        .iter()
        .map(|p| match p.to_lowercase().as_str() {
            me if means_me(me) => PersonMatch::Me,
            "none" => PersonMatch::Nobody,
            lower => PersonMatch::Part(lower.to_owned()),
        })
        .collect()
}

fn parse_term(token: &lex::Token, zone: Zone) -> Result<Term, QueryError> {
    let (negated, text) = match token.text.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, token.text.as_str()),
    };
    let key_value = if token.quoted_start { None } else { text.split_once(':') };
    let Some((key, value)) =
        key_value.filter(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic()))
    else {
        return Ok(Term { negated, condition: Condition::Text(text.to_lowercase()) });
    };
    let empty = || QueryError(format!("'{key}:' needs a value"));
    if value.is_empty() {
        return Err(empty());
    }
    // `status:,` or `priority:>=` name no value at all: say so rather than match nothing.
    let values = |v: &str| {
        let values = split_values(v);
        if values.is_empty() { Err(empty()) } else { Ok(values) }
    };
    let key = key.to_lowercase();
    let condition = if key == "is" {
        match value.to_lowercase().as_str() {
            "open" => Condition::Open,
            "done" | "closed" => Condition::Done,
            "assigned" => Condition::Assigned(true),
            "unassigned" => Condition::Assigned(false),
            other => {
                return Err(QueryError(format!(
                    "invalid 'is:{other}'; allowed: open, done, assigned, unassigned"
                )));
            }
        }
    } else if key == "has" {
        // Links by what they make of the ticket: `has:parent` is a `child-of` link.
        let types: Vec<String> = match value.to_lowercase().as_str() {
            "parent" => vec!["child-of".into()],
            "children" | "child" => vec!["parent-of".into()],
            "duplicate" | "duplicates" => vec!["duplicated-by".into()],
            "links" | "link" => crate::model::link::LINK_TYPES.iter().map(|(k, _)| (*k).to_owned()).collect(),
            other => {
                return Err(QueryError(format!(
                    "invalid 'has:{other}'; allowed: parent, children, duplicates, links"
                )));
            }
        };
        Condition::Field(Field::Links, Test::Linked(types))
    } else if key == "sla" || key == "due" {
        parse_clock_term(&key, value)?
    } else if let Some(def) = field::by_query_key(&key) {
        let field_test = match def.kind {
            FieldKind::Enum(Domain::Priority) => {
                let (cmp, rest) = cmp_prefix(value);
                Test::Ordered(cmp, values(rest)?)
            }
            FieldKind::Person | FieldKind::People => Test::People(parse_people(&values(value)?)),
            FieldKind::Links => Test::Linked(values(value)?.iter().map(|v| v.to_lowercase()).collect()),
            FieldKind::Time => {
                let (cmp, rest) = cmp_prefix(value);
                Test::Time(cmp, parse_when(rest, zone)?)
            }
            FieldKind::Id
            | FieldKind::Text
            | FieldKind::Enum(_)
            | FieldKind::Labels
            | FieldKind::Rating
            | FieldKind::Ticket => Test::Values(values(value)?),
        };
        Condition::Field(def.field, field_test)
    } else {
        return Err(QueryError(format!(
            "unknown query key '{key}'; known keys: {}; put text in quotes to search for it",
            keys().join(", ")
        )));
    };
    Ok(Term { negated, condition })
}

/// The terms of a query as typed (quotes removed), one per term of
/// [`Query::parse`] of the same text, for messages that name a term.
pub fn term_texts(text: &str) -> Vec<String> {
    lex::tokens(text).map(|t| t.into_iter().map(|t| t.text).collect()).unwrap_or_default()
}

impl Query {
    /// Parses the query words given on the command line. A day (`created:2026-11-01`)
    /// and a time without a zone are read in `zone`.
    pub fn parse<S: AsRef<str>>(args: &[S], zone: Zone) -> Result<Query, QueryError> {
        let mut terms = Vec::new();
        for arg in args {
            for token in lex::tokens(arg.as_ref())? {
                terms.push(parse_term(&token, zone)?);
            }
        }
        Ok(Query { terms })
    }

    /// Checks statuses and priorities named in the query against the workflow.
    pub fn validate(&self, config: &Config) -> Result<(), QueryError> {
        for term in &self.terms {
            let Condition::Field(field, Test::Values(values) | Test::Ordered(_, values)) = &term.condition
            else {
                continue;
            };
            for v in values {
                match field.def().kind {
                    FieldKind::Enum(Domain::Status) => config.check_status(v).map_err(QueryError)?,
                    FieldKind::Enum(Domain::Priority) => config.check_priority(v).map_err(QueryError)?,
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Whether the query already says which states it wants (so `list` does
    /// not add its default `is:open`).
    pub fn names_state(&self) -> bool {
        self.terms.iter().any(|t| {
            matches!(t.condition, Condition::Field(Field::Status, _) | Condition::Open | Condition::Done)
        })
    }

    /// Whether any term searches text beyond the title.
    pub fn searches_text(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.condition, Condition::Text(_)))
    }

    /// Whether any term is on SLA clocks (`sla:`, `due:`).
    pub fn has_clock_terms(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.condition, Condition::Clock(_)))
    }

    /// Decides the clock terms (every other term holds here).
    pub fn matches_clocks(&self, facts: &ClockFacts) -> bool {
        self.terms.iter().all(|term| match &term.condition {
            Condition::Clock(test) => clock_matches(test, facts) != term.negated,
            _ => true,
        })
    }

    /// Matches on fields only. Text terms match the title here; `None` when a
    /// text term would need the description and conversation to decide.
    /// Clock terms hold here: [`Query::matches_clocks`] decides them.
    pub fn matches_fields(&self, f: &impl FieldSource, ctx: &Context<'_>) -> Option<bool> {
        let mut undecided = false;
        for term in &self.terms {
            let result = match &term.condition {
                Condition::Text(needle) => {
                    if title_contains(f, needle) {
                        Some(true)
                    } else {
                        None
                    }
                }
                Condition::Clock(_) => continue,
                c => Some(eval(c, f, ctx)),
            };
            match result {
                Some(hit) if hit == term.negated => return Some(false),
                Some(_) => {}
                None => undecided = true,
            }
        }
        if undecided { None } else { Some(true) }
    }

    /// Matches a whole ticket, text terms included; clock terms hold here.
    pub fn matches(&self, t: &Ticket, ctx: &Context<'_>) -> bool {
        self.matches_with(t, t, ctx)
    }

    /// Matches fields from `f` and text terms against `text` (both of the same
    /// ticket): the same answer as [`Query::matches`] of that ticket.
    pub fn matches_with(&self, f: &impl FieldSource, text: &impl TextSource, ctx: &Context<'_>) -> bool {
        self.terms.iter().all(|term| {
            let hit = match &term.condition {
                Condition::Clock(_) => return true,
                Condition::Text(needle) => text.contains_text(needle),
                c => eval(c, f, ctx),
            };
            hit != term.negated
        })
    }
}

fn clock_matches(test: &ClockTest, facts: &ClockFacts) -> bool {
    match test {
        ClockTest::State(states) => states.iter().any(|s| facts.has(*s)),
        ClockTest::Due(cmp, limit) => facts.due_in.is_some_and(|d| match cmp {
            Cmp::Eq => d == *limit,
            Cmp::Lt => d < *limit,
            Cmp::Le => d <= *limit,
            Cmp::Gt => d > *limit,
            Cmp::Ge => d >= *limit,
        }),
    }
}

fn person_matches(person: Option<&str>, wanted: &[PersonMatch], ctx: &Context<'_>) -> bool {
    wanted.iter().any(|w| match w {
        PersonMatch::Nobody => person.is_none(),
        // An agent is themselves under any of their addresses.
        PersonMatch::Me => match (person, ctx.me, ctx.config.people()) {
            (Some(p), Some(me), Ok(people)) => people.same_person(p, me),
            (Some(p), Some(me), Err(_)) => same_person(p, me),
            _ => false,
        },
        PersonMatch::Part(part) => person.is_some_and(|p| p.to_lowercase().contains(part.as_str())),
    })
}

fn time_matches(t: i64, cmp: Cmp, when: When, now: i64) -> bool {
    let (start, end) = match when {
        When::Day(start, end) => (start, end),
        When::Instant(i) => (i, i + 1),
        // Ages read as ages: `updated:<7d` is "updated less than 7 days ago".
        When::Age(secs) => {
            let cutoff = now - secs;
            return match cmp {
                Cmp::Eq | Cmp::Lt => t > cutoff,
                Cmp::Le => t >= cutoff,
                Cmp::Gt => t < cutoff,
                Cmp::Ge => t <= cutoff,
            };
        }
    };
    match cmp {
        Cmp::Eq => start <= t && t < end,
        Cmp::Gt => t >= end,
        Cmp::Ge => t >= start,
        Cmp::Lt => t < start,
        Cmp::Le => t < end,
    }
}

fn title_contains(f: &impl FieldSource, needle: &str) -> bool {
    f.str(Field::Title).is_some_and(|t| t.to_lowercase().contains(needle))
}

fn eval(c: &Condition, f: &impl FieldSource, ctx: &Context<'_>) -> bool {
    let done = || f.str(Field::Status).is_some_and(|s| ctx.config.is_done(s));
    match c {
        Condition::Open => !done(),
        Condition::Done => done(),
        Condition::Assigned(yes) => f.val(Field::Assignee).is_empty() != *yes,
        Condition::Field(field, test) => test_value(f.val(*field), test, ctx),
        Condition::Text(needle) => title_contains(f, needle),
        Condition::Clock(_) => true,
    }
}

fn test_value(have: Val<'_>, test: &Test, ctx: &Context<'_>) -> bool {
    let eq_any = |h: &str, values: &[String]| values.iter().any(|v| v.eq_ignore_ascii_case(h));
    match (test, have) {
        (Test::Values(values), Val::Str(h)) => eq_any(h, values),
        (Test::Values(values), Val::List(items)) => items.iter().any(|h| eq_any(h, values)),
        (Test::Ordered(cmp, values), Val::Str(h)) => {
            let have = ctx.config.priority_rank(h);
            values.iter().any(|v| {
                let want = ctx.config.priority_rank(v);
                match (have, want, cmp) {
                    (Some(h), Some(w), Cmp::Gt) => h > w,
                    (Some(h), Some(w), Cmp::Ge) => h >= w,
                    (Some(h), Some(w), Cmp::Lt) => h < w,
                    (Some(h), Some(w), Cmp::Le) => h <= w,
                    _ => h.eq_ignore_ascii_case(v) && *cmp == Cmp::Eq,
                }
            })
        }
        (Test::People(wanted), Val::List(people)) => wanted.iter().any(|w| match w {
            PersonMatch::Nobody => people.is_empty(),
            w => people.iter().any(|p| person_matches(Some(p), std::slice::from_ref(w), ctx)),
        }),
        (Test::People(wanted), v) => person_matches(v.as_str(), wanted, ctx),
        (Test::Time(cmp, when), Val::Time(t)) => time_matches(t, *cmp, *when, ctx.now),
        (Test::Linked(wanted), Val::List(links)) => {
            links.iter().filter_map(|l| l.split_once(':')).any(|(kind, id)| {
                wanted.iter().any(|w| kind == w || (w.len() >= 4 && id.starts_with(w.as_str())))
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
