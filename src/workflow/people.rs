//! The `agents:` and `teams:` sections: who answers tickets, in which teams
//! and queues, with which skills, and when they are away. A person is
//! identified by email, case-insensitively; an agent by any of their
//! addresses. Who is an agent decides what counts as a response.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::check::{Checker, YamlPath};
use crate::model::{display_name, email_of};
use crate::time::parse_day;

/// Days an agent is away: `from` to `until`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Away {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

impl Away {
    /// Reads `2026-12-24` (one day) or `2026-12-27..2027-01-02` (both included).
    pub fn parse(text: &str) -> Result<Away, String> {
        let day = |d: &str| {
            parse_day(d.trim()).ok_or_else(|| {
                format!("`{text}` is not a day (YYYY-MM-DD) or a range of days (YYYY-MM-DD..YYYY-MM-DD)")
            })
        };
        let away = if let Some((from, until)) = text.split_once("..") {
            Away { from: day(from)?, until: day(until)? }
        } else {
            let d = day(text)?;
            Away { from: d, until: d }
        };
        if away.from > away.until {
            return Err(format!("`{text}` ends before it starts"));
        }
        Ok(away)
    }

    /// Whether `day` is one of these days.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.until
    }
}

impl std::fmt::Display for Away {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.until {
            write!(f, "{}", self.from.format("%Y-%m-%d"))
        } else {
            write!(f, "{}..{}", self.from.format("%Y-%m-%d"), self.until.format("%Y-%m-%d"))
        }
    }
}

/// Someone who answers tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    /// The address desk knows the agent by.
    pub email: String,
    /// Other addresses of the same agent.
    pub emails: Vec<String>,
    /// The teams the agent is in: named by the agent, or listing the agent as a member.
    pub teams: Vec<String>,
    /// The queues the agent works: their own, then their teams'.
    pub queues: Vec<String>,
    pub skills: Vec<String>,
    pub away: Vec<Away>,
}

impl Agent {
    /// `Name <email>`.
    pub fn person(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }

    /// Whether the agent is away on `day`.
    pub fn is_away(&self, day: NaiveDate) -> bool {
        self.away.iter().any(|a| a.contains(day))
    }

    /// Every address of the agent, the main one first.
    pub fn all_emails(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.email.as_str()).chain(self.emails.iter().map(String::as_str))
    }
}

/// A group of agents and the queues it works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub name: String,
    /// Its agents, by their main email.
    pub members: Vec<String>,
    pub queues: Vec<String>,
}

/// Who is who: the agents and teams of desk.yaml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct People {
    pub agents: Vec<Agent>,
    pub teams: Vec<Team>,
    /// Every address (lowercased) to its agent.
    by_email: HashMap<String, usize>,
}

/// What a name or part of one given on the command line names.
#[derive(Debug, PartialEq, Eq)]
pub enum AgentMatch<'a> {
    One(&'a Agent),
    None,
    /// Several agents: the candidates.
    Several(Vec<&'a Agent>),
}

impl People {
    /// Whether any agent is configured. Without agents, desk takes people as
    /// written and everyone but the requester responds.
    pub fn has_agents(&self) -> bool {
        !self.agents.is_empty()
    }

    /// The agent `person` (`Name <email>`, or an address) is: by any of the
    /// agent's addresses, case-insensitively; a person written without an
    /// address by the agent's name.
    pub fn agent(&self, person: &str) -> Option<&Agent> {
        if let Some(email) = email_of(person) {
            return self.by_email.get(&email.to_lowercase()).map(|&i| &self.agents[i]);
        }
        let name = display_name(person);
        let mut named = self.agents.iter().filter(|a| a.name.eq_ignore_ascii_case(name));
        named.next().filter(|_| named.next().is_none())
    }

    /// Whether `person` is one of the agents.
    pub fn is_agent(&self, person: &str) -> bool {
        self.agent(person).is_some()
    }

    /// Whether two people are the same: the same agent, or the same email
    /// (case-insensitively), or the same name when either has no email.
    pub fn same_person(&self, a: &str, b: &str) -> bool {
        if self.has_agents()
            && let (Some(x), Some(y)) = (self.agent(a), self.agent(b))
        {
            return std::ptr::eq(x, y);
        }
        crate::model::same_person(a, b)
    }

    /// Whether a message by `author` is the requester's own.
    pub fn is_requester(&self, author: &str, requester: Option<&str>) -> bool {
        requester.is_some_and(|r| self.same_person(author, r))
    }

    /// Whether a public reply by `author` is a response to a ticket whose
    /// requester is `requester`: it is not the requester's own and, when
    /// agents are configured, its author is an agent.
    pub fn is_response(&self, author: &str, requester: Option<&str>) -> bool {
        !self.is_requester(author, requester) && (!self.has_agents() || self.is_agent(author))
    }

    /// What identifies a person: an agent's main address, else the person's
    /// address, else the name — lowercased. Two ways of writing one person
    /// (`Bob <bob@x>`, `bob <BOB@x>`) give the same identity.
    pub fn identity(&self, person: &str) -> String {
        if self.has_agents()
            && let Some(agent) = self.agent(person)
        {
            return agent.email.to_lowercase();
        }
        match email_of(person) {
            Some(email) => email.to_lowercase(),
            None => display_name(person).to_lowercase(),
        }
    }

    /// The agent a command-line word names: an address (or `Name <address>`)
    /// by that address; otherwise the agent whose name or an address is the
    /// word, case-insensitively, else the agents for which it is part of the
    /// name or an address.
    pub fn find(&self, word: &str) -> AgentMatch<'_> {
        let word = word.trim();
        if email_of(word).is_some() {
            return self.agent(word).map_or(AgentMatch::None, AgentMatch::One);
        }
        let lower = word.to_lowercase();
        let exact: Vec<&Agent> = self
            .agents
            .iter()
            .filter(|a| a.name.to_lowercase() == lower || a.all_emails().any(|e| e.to_lowercase() == lower))
            .collect();
        let found = if exact.is_empty() {
            self.agents
                .iter()
                .filter(|a| {
                    a.name.to_lowercase().contains(&lower)
                        || a.all_emails().any(|e| e.to_lowercase().contains(&lower))
                })
                .collect()
        } else {
            exact
        };
        match found.as_slice() {
            [] => AgentMatch::None,
            [one] => AgentMatch::One(one),
            _ => AgentMatch::Several(found),
        }
    }

    /// The team called `name`.
    pub fn team(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name == name)
    }
}

/// An agent as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAgent {
    name: String,
    email: String,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    teams: Vec<String>,
    #[serde(default)]
    queues: Vec<String>,
    #[serde(default)]
    skills: Vec<String>,
    #[serde(default)]
    away: Vec<String>,
}

/// A team as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTeam {
    name: String,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    queues: Vec<String>,
}

/// Checks an address: `local@domain`, one line, nothing a `Name <email>` could not hold.
fn check_email(email: &str) -> Result<(), String> {
    let ok = email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | '"'));
    if ok { Ok(()) } else { Err(format!("`{email}` is not an email address")) }
}

/// Checks an agent's name: one line, without the `<>` of `Name <email>`.
fn check_person_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the name is empty".into());
    }
    if name.trim() != name || name.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | '"')) {
        return Err(format!(
            "{name:?} cannot be a name: no spaces around it, no control characters, `<`, `>` or `\"`"
        ));
    }
    Ok(())
}

/// Builds the people from what was written, recording every problem; `queues`
/// are the known queues (empty: any).
pub(super) fn build(
    agents: Vec<RawAgent>,
    teams: Vec<RawTeam>,
    queues: &[String],
    c: &mut Checker<'_>,
) -> Option<People> {
    let before = c.count();
    let mut people = People::default();
    for (i, raw) in agents.into_iter().enumerate() {
        let agent = build_agent(raw, &YamlPath::section("agents").index(i), queues, c);
        add_agent(&mut people, agent, i, c);
    }
    for (i, raw) in teams.into_iter().enumerate() {
        let at = YamlPath::section("teams").index(i);
        if let Err(p) = super::check_name(&raw.name) {
            c.problem(at.key("name"), p);
        } else if people.team(&raw.name).is_some() {
            c.problem(at.key("name"), format!("team `{}` is listed twice", raw.name));
        }
        check_queues(&raw.queues, &at.key("queues"), queues, c);
        let mut members = Vec::new();
        for (j, m) in raw.members.iter().enumerate() {
            match member(&people, m) {
                Ok(email) => members.push(email),
                Err(p) => c.problem(at.key("members").index(j), p),
            }
        }
        people.teams.push(Team { name: raw.name, members, queues: raw.queues });
    }
    link_teams(&mut people, c);
    (c.count() == before).then_some(people)
}

fn build_agent(raw: RawAgent, at: &YamlPath, queues: &[String], c: &mut Checker<'_>) -> Agent {
    if let Err(p) = check_person_name(&raw.name) {
        c.problem(at.key("name"), p);
    }
    if let Err(p) = check_email(&raw.email) {
        c.problem(at.key("email"), p);
    }
    for (j, e) in raw.emails.iter().enumerate() {
        if let Err(p) = check_email(e) {
            c.problem(at.key("emails").index(j), p);
        }
    }
    for (j, s) in raw.skills.iter().enumerate() {
        if let Err(p) = super::check_name(s) {
            c.problem(at.key("skills").index(j), p);
        }
    }
    check_queues(&raw.queues, &at.key("queues"), queues, c);
    let mut away = Vec::new();
    for (j, a) in raw.away.iter().enumerate() {
        match Away::parse(a) {
            Ok(a) => away.push(a),
            Err(p) => c.problem(at.key("away").index(j), p),
        }
    }
    Agent {
        name: raw.name,
        email: raw.email,
        emails: raw.emails,
        teams: raw.teams,
        queues: raw.queues,
        skills: raw.skills,
        away,
    }
}

/// Adds agent `i`, unless one of its addresses or its name is another agent's.
fn add_agent(people: &mut People, agent: Agent, i: usize, c: &mut Checker<'_>) {
    let at = YamlPath::section("agents").index(i);
    let addresses: Vec<String> = agent.all_emails().map(str::to_lowercase).collect();
    for (j, address) in addresses.iter().enumerate() {
        let path = if j == 0 { at.key("email") } else { at.key("emails").index(j - 1) };
        if let Some(&other) = people.by_email.get(address) {
            c.problem(
                path,
                format!("`{address}` is also the address of agents[{other}] ({})", people.agents[other].name),
            );
        } else if addresses[..j].contains(address) {
            c.problem(path, format!("`{address}` is listed twice"));
        }
    }
    if let Some(other) = people.agents.iter().position(|a| a.name.eq_ignore_ascii_case(&agent.name)) {
        c.problem(
            at.key("email"),
            format!(
                "{} is also agents[{other}] with another email ({}); one agent's other addresses go under `emails`",
                agent.name, people.agents[other].email
            ),
        );
    }
    let index = people.agents.len();
    for address in addresses {
        people.by_email.entry(address).or_insert(index);
    }
    people.agents.push(agent);
}

/// The main email of the agent a team member names: `Name <email>` or an
/// address by the address, a name by the name.
fn member(people: &People, member: &str) -> Result<String, String> {
    if let Some(agent) = people.agent(member) {
        return Ok(agent.email.clone());
    }
    let named = people.agents.iter().find(|a| a.name.eq_ignore_ascii_case(display_name(member)));
    match (email_of(member), named) {
        (Some(email), Some(agent)) => Err(format!(
            "{} is agents[{}] with the email {}, not {email}",
            agent.name,
            people.agents.iter().position(|a| std::ptr::eq(a, agent)).unwrap_or_default(),
            agent.email
        )),
        _ => Err(format!("`{member}` is not an agent (not listed under agents)")),
    }
}

/// Checks that the queues named are known queues, when desk.yaml lists them.
fn check_queues(named: &[String], at: &YamlPath, known: &[String], c: &mut Checker<'_>) {
    for (j, q) in named.iter().enumerate() {
        if !known.is_empty() && !known.contains(q) {
            c.problem(at.index(j), format!("unknown queue `{q}`; queues: {}", known.join(", ")));
        }
    }
}

/// Gives each agent every team they are in, checks the teams agents name, and
/// adds the teams' queues to their members'.
fn link_teams(people: &mut People, c: &mut Checker<'_>) {
    let mut team_names: Vec<String> = Vec::new();
    for t in &people.teams {
        if !team_names.contains(&t.name) {
            team_names.push(t.name.clone());
        }
    }
    for (i, agent) in people.agents.iter_mut().enumerate() {
        for (j, t) in agent.teams.iter().enumerate() {
            if !team_names.contains(t) {
                let known =
                    if team_names.is_empty() { "none are listed".to_owned() } else { team_names.join(", ") };
                c.problem(
                    YamlPath::section("agents").index(i).key("teams").index(j),
                    format!("unknown team `{t}`; teams: {known}"),
                );
            }
        }
        for team in &people.teams {
            if team.members.contains(&agent.email) && !agent.teams.contains(&team.name) {
                agent.teams.push(team.name.clone());
            }
        }
        for team in people.teams.iter().filter(|t| agent.teams.contains(&t.name)) {
            for q in &team.queues {
                if !agent.queues.contains(q) {
                    agent.queues.push(q.clone());
                }
            }
        }
    }
    for team in &mut people.teams {
        for agent in &people.agents {
            if agent.teams.contains(&team.name) && !team.members.contains(&agent.email) {
                team.members.push(agent.email.clone());
            }
        }
    }
}
