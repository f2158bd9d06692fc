//! Assignment strategies: which agent of a team or queue a rule assigns.
//!
//! - `round-robin`: the first available agent after the one this rule
//!   assigned last (from history), in the order desk.yaml lists the agents;
//!   the first available agent when the rule never assigned anyone.
//! - `least-load`: the available agent with the fewest open tickets (status
//!   not of a done category); ties go to the agent listed first.
//! - `skills`: among the available agents, those with the most skills equal
//!   to one of the ticket's labels (at least one), then least-load among
//!   them; when no available agent has such a skill, least-load among all.
//!
//! An agent is available when not away on the day of the change (UTC).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_yaml::Value;

use super::Assign;
use crate::workflow::{Agent, People};

/// How a pool picks its agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    RoundRobin,
    LeastLoad,
    Skills,
}

impl Strategy {
    const ALL: [(&'static str, Strategy); 3] = [
        ("round-robin", Strategy::RoundRobin),
        ("least-load", Strategy::LeastLoad),
        ("skills", Strategy::Skills),
    ];

    pub fn name(self) -> &'static str {
        Strategy::ALL.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }
}

/// The agents a rule picks from: a team's members, or the agents who work
/// a queue; neither named: the agents who work the ticket's queue (every
/// agent when the ticket has no queue or nobody works it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    pub team: Option<String>,
    pub queue: Option<String>,
    pub strategy: Strategy,
}

/// Reads `assign:`: `none`, a person, or `{team|queue, strategy}`.
pub(super) fn parse(v: &Value, path: &str, bad: &mut impl FnMut(String, String)) -> Option<Assign> {
    match v {
        Value::String(s) if crate::query::means_nobody(s) => Some(Assign::Nobody),
        Value::String(s) if !s.trim().is_empty() && !s.contains(['\n', '\r']) => {
            Some(Assign::Person(s.trim().to_owned()))
        }
        Value::Mapping(map) => {
            let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
            for key in map.keys() {
                let k = key.as_str().unwrap_or_default();
                if !["team", "queue", "strategy"].contains(&k) {
                    bad(
                        format!("{path}.{k}"),
                        format!("unknown key `{k}`; assign: has team, queue, strategy"),
                    );
                }
            }
            let given = text("strategy");
            let found = given.as_ref().map(|s| Strategy::ALL.iter().find(|(n, _)| n == s));
            let strategy = match found {
                None => Strategy::RoundRobin,
                Some(Some((_, st))) => *st,
                Some(None) => {
                    let s = given.unwrap_or_default();
                    bad(
                        format!("{path}.strategy"),
                        format!("`{s}` is not a strategy; allowed: round-robin, least-load, skills"),
                    );
                    return None;
                }
            };
            let pool = Pool { team: text("team"), queue: text("queue"), strategy };
            if pool.team.is_some() && pool.queue.is_some() {
                bad(path.to_owned(), "name a team or a queue, not both".into());
                return None;
            }
            Some(Assign::Pool(pool))
        }
        _ => {
            bad(
                path.to_owned(),
                "an agent, `none`, or {team: NAME, strategy: round-robin|least-load|skills}".into(),
            );
            None
        }
    }
}

/// The agents of the pool for a ticket in `queue`, in desk.yaml's order; an
/// error names a team that does not exist.
pub fn candidates<'a>(
    pool: &Pool,
    people: &'a People,
    queue: Option<&str>,
) -> Result<Vec<&'a Agent>, String> {
    if let Some(team) = &pool.team {
        let Some(t) = people.team(team) else { return Err(format!("no team '{team}' in desk.yaml")) };
        return Ok(people
            .agents
            .iter()
            .filter(|a| t.members.iter().any(|m| m.eq_ignore_ascii_case(&a.email)) || a.teams.contains(team))
            .collect());
    }
    let works = |q: &str| -> Vec<&'a Agent> {
        people.agents.iter().filter(|a| a.queues.iter().any(|x| x == q)).collect()
    };
    if let Some(q) = &pool.queue {
        return Ok(works(q));
    }
    let of_queue = queue.map(works).unwrap_or_default();
    Ok(if of_queue.is_empty() { people.agents.iter().collect() } else { of_queue })
}

/// What the strategies need to know besides the agents.
pub struct Facts<'a> {
    /// The day of the change (away agents are skipped).
    pub day: NaiveDate,
    /// The ticket's labels (for `skills`).
    pub labels: &'a [String],
    /// Open tickets per agent, by lowercased main email.
    pub load: &'a HashMap<String, usize>,
    /// The main email of the agent this rule assigned last.
    pub last: Option<&'a str>,
}

/// The agent the strategy picks from `agents`; `Err` says why none is available.
pub fn pick<'a>(strategy: Strategy, agents: &[&'a Agent], facts: &Facts<'_>) -> Result<&'a Agent, String> {
    if agents.is_empty() {
        return Err("no agent works for this team or queue".into());
    }
    let available: Vec<&Agent> = agents.iter().copied().filter(|a| !a.is_away(facts.day)).collect();
    if available.is_empty() {
        return Err(format!("every agent of the pool is away on {}", facts.day.format("%Y-%m-%d")));
    }
    let load = |a: &Agent| facts.load.get(&a.email.to_lowercase()).copied().unwrap_or(0);
    let least = |among: &[&'a Agent]| -> &'a Agent {
        // min_by_key keeps the first of equal keys: ties go to desk.yaml's order.
        among.iter().copied().min_by_key(|a| load(a)).expect("not empty")
    };
    Ok(match strategy {
        Strategy::LeastLoad => least(&available),
        Strategy::RoundRobin => {
            let previous =
                facts.last.and_then(|l| agents.iter().position(|a| a.email.eq_ignore_ascii_case(l)));
            let start = previous.map_or(0, |i| i + 1);
            (0..agents.len())
                .map(|k| agents[(start + k) % agents.len()])
                .find(|a| !a.is_away(facts.day))
                .expect("an agent is available")
        }
        Strategy::Skills => {
            let score = |a: &Agent| a.skills.iter().filter(|s| facts.labels.contains(s)).count();
            let best = available.iter().map(|a| score(a)).max().unwrap_or(0);
            if best == 0 {
                least(&available)
            } else {
                let skilled: Vec<&Agent> = available.iter().copied().filter(|a| score(a) == best).collect();
                least(&skilled)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Away;

    fn agent(name: &str, skills: &[&str], away: bool) -> Agent {
        Agent {
            name: name.into(),
            email: format!("{name}@example.com"),
            emails: Vec::new(),
            teams: Vec::new(),
            queues: Vec::new(),
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            away: if away { vec![Away::parse("2026-12-02").unwrap()] } else { Vec::new() },
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn picked(
        strategy: Strategy,
        agents: &[Agent],
        labels: &[String],
        load: &[(&str, usize)],
        last: Option<&str>,
    ) -> String {
        let load: HashMap<String, usize> =
            load.iter().map(|(n, l)| (format!("{n}@example.com"), *l)).collect();
        let refs: Vec<&Agent> = agents.iter().collect();
        let facts = Facts { day: day(), labels, load: &load, last };
        pick(strategy, &refs, &facts).map_or_else(|e| format!("none: {e}"), |a| a.name.clone())
    }

    #[test]
    fn round_robin_takes_the_next_available_agent_after_the_last() {
        let agents = [agent("ann", &[], false), agent("bob", &[], true), agent("cy", &[], false)];
        assert_eq!(picked(Strategy::RoundRobin, &agents, &[], &[], None), "ann");
        assert_eq!(picked(Strategy::RoundRobin, &agents, &[], &[], Some("ann@example.com")), "cy");
        assert_eq!(picked(Strategy::RoundRobin, &agents, &[], &[], Some("cy@example.com")), "ann");
        // An agent no longer in the pool: start from the top.
        assert_eq!(picked(Strategy::RoundRobin, &agents, &[], &[], Some("gone@example.com")), "ann");
    }

    #[test]
    fn least_load_picks_a_minimum_and_breaks_ties_by_order() {
        let agents = [agent("ann", &[], false), agent("bob", &[], false), agent("cy", &[], true)];
        assert_eq!(picked(Strategy::LeastLoad, &agents, &[], &[("ann", 3), ("bob", 2)], None), "bob");
        assert_eq!(picked(Strategy::LeastLoad, &agents, &[], &[("ann", 2), ("bob", 2)], None), "ann");
        // cy has no tickets but is away.
        assert_eq!(picked(Strategy::LeastLoad, &agents, &[], &[("ann", 1), ("bob", 1)], None), "ann");
    }

    #[test]
    fn skills_prefers_the_most_matching_skills_then_the_load() {
        let agents = [
            agent("ann", &["vpn"], false),
            agent("bob", &["vpn", "mac"], false),
            agent("cy", &["mac"], false),
        ];
        let labels = vec!["vpn".to_owned(), "mac".to_owned()];
        assert_eq!(picked(Strategy::Skills, &agents, &labels, &[("bob", 9)], None), "bob");
        let labels = vec!["mac".to_owned()];
        assert_eq!(picked(Strategy::Skills, &agents, &labels, &[("bob", 9)], None), "cy");
        // No matching skill: least-load among everyone.
        let labels = vec!["printer".to_owned()];
        assert_eq!(picked(Strategy::Skills, &agents, &labels, &[("ann", 1), ("bob", 1)], None), "cy");
    }

    #[test]
    fn nobody_available_says_why() {
        let agents = [agent("ann", &[], true)];
        assert_eq!(
            picked(Strategy::LeastLoad, &agents, &[], &[], None),
            "none: every agent of the pool is away on 2026-12-02"
        );
        assert_eq!(
            picked(Strategy::LeastLoad, &[], &[], &[], None),
            "none: no agent works for this team or queue"
        );
    }

    proptest::proptest! {
        /// Round-robin over N tickets gives each available agent N/k or N/k + 1 of them.
        #[test]
        fn round_robin_shares_tickets_evenly(away in proptest::collection::vec(proptest::bool::ANY, 1..8), n in 0usize..60) {
            let agents: Vec<Agent> = away.iter().enumerate().map(|(i, a)| agent(&format!("a{i}"), &[], *a)).collect();
            let available = away.iter().filter(|a| !**a).count();
            let refs: Vec<&Agent> = agents.iter().collect();
            let load = HashMap::new();
            let mut last: Option<String> = None;
            let mut counts: HashMap<String, usize> = HashMap::new();
            for _ in 0..n {
                let facts = Facts { day: day(), labels: &[], load: &load, last: last.as_deref() };
                let picked = pick(Strategy::RoundRobin, &refs, &facts);
                proptest::prop_assert_eq!(picked.is_err(), available == 0);
                if let Ok(a) = picked {
                    *counts.entry(a.name.clone()).or_insert(0) += 1;
                    last = Some(a.email.clone());
                }
            }
            if let Some(share) = n.checked_div(available) {
                for (i, a) in agents.iter().enumerate() {
                    let got = counts.get(&a.name).copied().unwrap_or(0);
                    if away[i] {
                        proptest::prop_assert_eq!(got, 0);
                    } else {
                        proptest::prop_assert!(got == share || got == share + 1, "{} got {}", a.name, got);
                    }
                }
            }
        }

        /// Least-load always picks an available agent with the fewest open tickets.
        #[test]
        fn least_load_picks_a_minimum(loads in proptest::collection::vec((0usize..20, proptest::bool::ANY), 1..10)) {
            let agents: Vec<Agent> = loads.iter().enumerate().map(|(i, (_, a))| agent(&format!("a{i}"), &[], *a)).collect();
            let load: HashMap<String, usize> = loads.iter().enumerate().map(|(i, (l, _))| (format!("a{i}@example.com"), *l)).collect();
            let refs: Vec<&Agent> = agents.iter().collect();
            let facts = Facts { day: day(), labels: &[], load: &load, last: None };
            let min = loads.iter().filter(|(_, a)| !a).map(|(l, _)| *l).min();
            match (pick(Strategy::LeastLoad, &refs, &facts), min) {
                (Ok(a), Some(m)) => {
                    proptest::prop_assert!(!a.is_away(day()));
                    proptest::prop_assert_eq!(load[&a.email], m);
                }
                (Err(_), None) => {}
                (got, want) => proptest::prop_assert!(false, "{:?} for minimum {:?}", got.map(|a| a.name.clone()), want),
            }
        }
    }
}
