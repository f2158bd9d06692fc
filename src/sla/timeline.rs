//! From a ticket's history events to the steps the clocks are computed from:
//! the ticket's fields replayed event by event (so a policy's query can be
//! matched against the ticket as it stood then), what each event did for the
//! clocks, and the SLA in force after it under the desk.yaml of its commit.

use std::rc::Rc;

use super::clock::{Applied, Happening, Phase, Step};
use super::config::SlaConfig;
use crate::history::Kind;
use crate::model::{FIELDS, Field, FieldKind, FieldSource, Val};
use crate::query::{Context, same_person};
use crate::workflow::{Category, Config, People};

/// The clock phase of a status, by its category: `new` and `open` run,
/// `pending` and `on_hold` pause, `solved` is solved, `closed` and `merged`
/// stop every clock. A status desk.yaml does not list runs.
pub fn phase_of(config: &Config, status: &str) -> Phase {
    match config.category(status) {
        None | Some(Category::New | Category::Open) => Phase::Active,
        Some(Category::Pending | Category::OnHold) => Phase::Paused,
        Some(Category::Solved) => Phase::Solved,
        Some(Category::Closed | Category::Merged) => Phase::Closed,
    }
}

/// What decides the steps of an event: the configuration in force.
pub struct Setting<'a> {
    /// desk.yaml of the commit (its workflow and priorities).
    pub config: &'a Config,
    /// Its calendars and policies.
    pub sla: &'a SlaConfig,
    /// Who is an agent (docs/reports.md: with agents configured a response is
    /// an agent's reply, else anyone's but the requester's); `None`: nobody is
    /// listed.
    pub people: Option<&'a People>,
}

/// A ticket's fields as its events left them.
#[derive(Clone, Debug, Default)]
pub struct Replayed {
    /// By position in [`FIELDS`]: one value, or the members of a set.
    values: Vec<Vec<String>>,
    created: i64,
    updated: i64,
}

impl Replayed {
    fn new() -> Replayed {
        Replayed { values: vec![Vec::new(); FIELDS.len()], created: 0, updated: 0 }
    }

    fn index(name: &str) -> Option<usize> {
        crate::model::field::by_name(name).map(|d| d.field.index())
    }

    /// Applies one event (at `time`).
    pub fn apply(&mut self, time: i64, kind: &Kind<String>) {
        self.updated = time;
        match kind {
            Kind::Created { values } => {
                *self = Replayed::new();
                self.created = time;
                self.updated = time;
                for (field, value) in values {
                    if let Some(i) = Replayed::index(field) {
                        self.values[i].push(value.clone());
                    }
                }
            }
            Kind::Changed { field, to, .. } => {
                if let Some(i) = Replayed::index(field) {
                    self.values[i] = to.iter().cloned().collect();
                }
            }
            Kind::Members { field, added, removed } => {
                if let Some(i) = Replayed::index(field) {
                    let v = &mut self.values[i];
                    v.retain(|m| !removed.contains(m));
                    for a in added {
                        if !v.contains(a) {
                            v.push(a.clone());
                        }
                    }
                }
            }
            Kind::Deleted
            | Kind::Reply { .. }
            | Kind::Note { .. }
            | Kind::Automated { .. }
            | Kind::Copied { .. }
            | Kind::Removed { .. }
            | Kind::Rating { .. } => {}
        }
    }

    /// The value of a single-valued field.
    pub fn one(&self, field: Field) -> Option<&str> {
        self.values[field.index()].first().map(String::as_str)
    }
}

impl FieldSource for Replayed {
    fn val(&self, field: Field) -> Val<'_> {
        let def = field.def();
        match def.kind {
            FieldKind::Time => Val::Time(if field == Field::Created { self.created } else { self.updated }),
            FieldKind::Labels | FieldKind::People => Val::List(&self.values[field.index()]),
            FieldKind::Rating => Val::None,
            _ => self.values[field.index()].first().map_or(Val::None, |v| Val::Str(v)),
        }
    }
}

/// The SLA in force for the ticket as it stands at `time` under `setting`.
pub fn applied(ticket: &Replayed, time: i64, setting: &Setting<'_>) -> Option<Applied> {
    let ctx = Context { config: setting.config, now: time, me: None };
    let policy =
        setting.sla.policies.iter().find(|p| p.query.matches_fields(ticket, &ctx).unwrap_or(false))?;
    let priority = ticket.one(Field::Priority).unwrap_or_default();
    Some(Applied {
        policy: policy.name.clone(),
        targets: policy.targets.get(priority).copied().unwrap_or_default(),
        calendar: Rc::clone(&policy.calendar),
    })
}

/// What a public comment by `author` is for the clocks.
fn message(author: &str, ticket: &Replayed, setting: &Setting<'_>) -> Happening {
    let requester = ticket.one(Field::Requester);
    let (by_requester, response) = setting.people.map_or_else(
        || {
            let by = requester.is_some_and(|r| same_person(author, r));
            (by, !by)
        },
        |p| (p.is_requester(author, requester), p.is_response(author, requester)),
    );
    if by_requester {
        Happening::RequesterMessage
    } else if response {
        Happening::Response
    } else {
        Happening::Other
    }
}

/// The steps of a ticket from its events (time and kind, in history order);
/// `setting(i)` is the configuration in force for event `i`.
pub fn steps<'a>(events: &[(i64, &Kind<String>)], setting: impl Fn(usize) -> Setting<'a>) -> Vec<Step> {
    let mut ticket = Replayed::new();
    let mut out = Vec::with_capacity(events.len());
    for (i, (time, kind)) in events.iter().enumerate() {
        let s = setting(i);
        let before = ticket.clone();
        ticket.apply(*time, kind);
        let happening = match kind {
            Kind::Created { .. } => Happening::Created,
            // A message is judged against the requester as the ticket had it.
            Kind::Reply { author, .. } => message(author, &before, &s),
            _ => Happening::Other,
        };
        let phase = if matches!(kind, Kind::Deleted) {
            Phase::Closed
        } else {
            phase_of(s.config, ticket.one(Field::Status).unwrap_or_default())
        };
        out.push(Step { time: *time, happening, phase, applied: applied(&ticket, *time, &s) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::config;
    use crate::sla::{ClockKind, ClockStatus, cycles};

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn the_policy_follows_the_ticket_and_messages_are_told_apart() {
        use Happening::{Created, Other, RequesterMessage, Response};
        let workflow = Config::default();
        let sla_yaml: serde_yaml::Value = serde_yaml::from_str(
            "- name: vip\n  match: label:vip\n  targets:\n    normal: {first_response: 30m}\n- name: standard\n  targets:\n    normal: {first_response: 2h, next_response: 1h}\n",
        )
        .unwrap();
        let (sla, problems) = config::parse(None, Some(&sla_yaml), &workflow.priorities.levels);
        assert_eq!(problems, []);
        let jane = "Jane <jane@example.com>";
        let events: Vec<(i64, Kind<String>)> = vec![
            (
                0,
                Kind::Created {
                    values: vec![
                        (s("status"), s("new")),
                        (s("priority"), s("normal")),
                        (s("requester"), s(jane)),
                    ]
                    .into(),
                },
            ),
            // The requester adds to her request: not a response.
            (600, Kind::Reply { comment: s("c1"), author: s("jane <JANE@example.com>") }),
            (
                1200,
                Kind::Members { field: s("labels"), added: vec![s("vip")].into(), removed: vec![].into() },
            ),
            (1500, Kind::Reply { comment: s("c2"), author: s("Bob <bob@example.com>") }),
            (2000, Kind::Reply { comment: s("c3"), author: s(jane) }),
        ];
        let refs: Vec<(i64, &Kind<String>)> = events.iter().map(|(t, k)| (*t, k)).collect();
        let setting = |_: usize| Setting { config: &workflow, sla: &sla, people: None };
        let steps = steps(&refs, setting);
        let kinds: Vec<Happening> = steps.iter().map(|s| s.happening).collect();
        assert_eq!(kinds, [Created, RequesterMessage, Other, Response, RequesterMessage]);
        let names: Vec<&str> = steps.iter().map(|s| s.applied.as_ref().map_or("", |a| &*a.policy)).collect();
        assert_eq!(names, ["standard", "standard", "vip", "vip", "vip"]);
        // The first response came at 25m; the target is vip's 30m: met.
        let c = cycles(&steps, 3000);
        let fr = c.iter().find(|c| c.kind == ClockKind::FirstResponse).unwrap();
        assert_eq!((fr.status, fr.elapsed, fr.target), (ClockStatus::Met, 1500, Some(1800)));
        // The requester's message at 2000 waits for an answer, and vip has no next-response target.
        let nr = c.iter().find(|c| c.kind == ClockKind::NextResponse).unwrap();
        assert_eq!(nr.status, ClockStatus::NotApplicable);
        // With agents configured, Bob is not one: no response at all.
        let with_agents = Config::parse(&format!(
            "{}agents: [{{name: Ada, email: ada@example.com}}]\n",
            Config::default_text().replace("agents: []\n", "")
        ))
        .unwrap();
        let people = with_agents.people().unwrap();
        let agents = |_: usize| Setting { config: &workflow, sla: &sla, people: Some(people) };
        let steps = super::steps(&refs, agents);
        assert_eq!(steps[3].happening, Other);
    }
}
