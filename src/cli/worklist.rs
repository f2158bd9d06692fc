//! The tickets an agent works on — theirs, and the unassigned ones in their
//! queues that they may take — and the order they are worked in: the next SLA
//! due time first. `desk next` and `desk tui` read both from here.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::HashMap;

use super::select::Selected;
use super::{CliError, Result};
use crate::model::{Field, FieldSource as _};
use crate::store::{CONFIG_PATH, Summary};
use crate::workflow::{Agent, Config, People};

/// Who is asking: the git user, and the agent desk.yaml knows them as.
pub struct Asker<'c> {
    /// `Name <email>` of the git user.
    pub person: String,
    pub agent: Option<&'c Agent>,
    people: Option<&'c People>,
    /// Whether each assignee seen so far is the asker: a helpdesk has many
    /// tickets and few assignees.
    seen: RefCell<HashMap<String, bool>>,
}

impl<'c> Asker<'c> {
    /// The git user `person` as desk.yaml's agents know them; an error naming
    /// the line when the agents cannot be read.
    pub fn new(person: String, config: &'c Config) -> Result<Asker<'c>> {
        let people = config
            .people()
            .map_err(|e| CliError::config(format!("{CONFIG_PATH}: line {}: {}", e.line, e.message)))?;
        let people = people.has_agents().then_some(people);
        let agent = people.and_then(|p| p.agent(&person));
        Ok(Asker { person, agent, people, seen: RefCell::default() })
    }
}

impl Asker<'_> {
    /// [`People::same_person`], with the asker's side looked up once and each
    /// answer remembered.
    pub fn is_me(&self, person: &str) -> bool {
        if let Some(&known) = self.seen.borrow().get(person) {
            return known;
        }
        let answer = self.decide_is_me(person);
        self.seen.borrow_mut().insert(person.to_owned(), answer);
        answer
    }

    fn decide_is_me(&self, person: &str) -> bool {
        if let (Some(p), Some(me)) = (self.people, self.agent)
            && let Some(them) = p.agent(person)
        {
            return std::ptr::eq(me, them);
        }
        crate::query::same_person(person, &self.person)
    }

    /// Whether an unassigned ticket in `queue` with `labels` is for this agent:
    /// in one of their queues (any, when they have none or desk.yaml lists no
    /// agents), and they have every skill its labels name.
    pub fn may_take(&self, queue: Option<&str>, labels: &[String]) -> bool {
        let Some(agent) = self.agent else { return true };
        let in_queue = agent.queues.is_empty() || queue.is_some_and(|q| agent.queues.iter().any(|a| a == q));
        let skills: Vec<&String> = self.people.map_or_else(Vec::new, |p| {
            labels.iter().filter(|l| p.agents.iter().any(|a| a.skills.contains(l))).collect()
        });
        in_queue && skills.iter().all(|s| agent.skills.contains(s))
    }

    /// Whether the ticket is assigned to the asker.
    pub fn owns(&self, s: &Summary<'_>) -> bool {
        s.str(Field::Assignee).is_some_and(|a| self.is_me(a))
    }

    /// Whether the ticket is unassigned and the asker may take it.
    pub fn may_take_ticket(&self, s: &Summary<'_>) -> bool {
        s.str(Field::Assignee).is_none() && self.may_take(s.str(Field::Queue), s.val(Field::Labels).as_list())
    }

    /// Whether the ticket is in `scope` for the asker.
    pub fn in_scope(&self, scope: Scope, s: &Summary<'_>) -> bool {
        match scope {
            Scope::Mine => self.owns(s),
            Scope::Team => self.may_take_ticket(s),
            Scope::All => true,
        }
    }

    /// The assignee a ticket the asker takes gets: the agent's `Name <email>`, else the git user.
    pub fn assignee(&self) -> String {
        self.agent.map_or_else(|| self.person.clone(), Agent::person)
    }
}

/// Whose tickets a list holds: the three queues of `desk tui`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Scope {
    /// The tickets assigned to you.
    #[default]
    Mine,
    /// The unassigned tickets in your queues and within your skills: those `desk next` may give you.
    Team,
    /// Every ticket.
    All,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Mine, Scope::Team, Scope::All];

    /// Its name on the screen.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Mine => "Mine",
            Scope::Team => "Unassigned in my teams",
            Scope::All => "All",
        }
    }

    /// The scope after this one, or before it.
    #[must_use]
    pub fn next(self, forward: bool) -> Scope {
        let i = Scope::ALL.iter().position(|q| *q == self).unwrap_or(0);
        let n = Scope::ALL.len();
        Scope::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// The order of work: the next due time first (tickets without one last),
/// then the most urgent priority, then the oldest, then by id.
pub fn sort_by_due<T>(config: &Config, list: &mut [T], of: impl Fn(&T) -> (&Selected, Option<i64>)) {
    list.sort_by_cached_key(|item| {
        let (t, due) = of(item);
        let rank = config.priority_rank(&t.priority);
        (due.unwrap_or(i64::MAX), Reverse(rank), t.created, t.id.clone())
    });
}
