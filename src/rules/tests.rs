use chrono::{TimeZone, Utc};
use proptest::prelude::{ProptestConfig, any, prop, prop_assert, prop_assert_eq, proptest};
use proptest::strategy::Strategy as _;

use super::*;
use crate::model::field::{PairOp, split_pair};
use crate::model::{Ticket, TicketId};
use crate::query::Context;

fn config() -> Config {
    Config::default()
}

fn parse_rules(yaml: &str) -> (Rules, Vec<Problem>) {
    let v: Value = serde_yaml::from_str(yaml).unwrap();
    parse(Some(&v), &config())
}

fn ticket() -> Ticket {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let mut t = Ticket::new(TicketId::generate(), "Printer jams".into(), "new".into(), "normal".into(), now);
    t.requester = Some("Jane <jane@example.com>".into());
    t
}

/// A host that applies `set` pairs of status, priority and queue and label
/// changes, as the command line does, without a repository.
struct Plain {
    config: Config,
    applied: Vec<String>,
}

impl Host for Plain {
    fn matches(&self, query: &Query, ticket: &Ticket) -> bool {
        let ctx = Context { config: &self.config, now: 1_800_000_000, me: None };
        query.matches(ticket, &ctx)
    }

    fn apply(&mut self, rule: &Rule, t: &mut Ticket) -> Result<(), String> {
        self.applied.push(rule.name.clone());
        for pair in &rule.then.set {
            let Some((key, PairOp::Set, value)) = split_pair(pair) else {
                return Err(format!("cannot apply {pair}"));
            };
            match key {
                "status" => t.status = value.into(),
                "priority" => t.priority = value.into(),
                "queue" => t.queue = Some(value.into()),
                _ => return Err(format!("cannot apply {pair}")),
            }
        }
        for l in &rule.then.labels {
            match l.strip_prefix('-') {
                Some(x) => {
                    t.labels.retain(|y| y != x);
                }
                None => {
                    t.add_label(l.trim_start_matches('+'));
                }
            }
        }
        Ok(())
    }

    fn is_final(&self, t: &Ticket) -> bool {
        self.config.is_final(&t.status)
    }
}

fn run(yaml: &str, t: &mut Ticket, happened: Vec<Happened>) -> Outcome {
    let (rules, problems) = parse_rules(yaml);
    assert!(problems.is_empty(), "{problems:?}");
    let list: Vec<&Rule> = rules.rules.iter().collect();
    pass(&list, happened, t, &mut Plain { config: config(), applied: Vec::new() })
}

#[test]
fn a_rule_is_read_with_its_events_conditions_and_actions() {
    let (rules, problems) = parse_rules(
        "- name: escalate vip\n  on: [create, reply]\n  if: label:vip -priority:urgent\n  by: requester\n  then:\n    set: [priority=urgent]\n    labels: [+escalated]\n    assign: {team: it, strategy: least-load}\n    note: Escalated.\n",
    );
    assert_eq!(problems, vec![]);
    let r = &rules.rules[0];
    assert_eq!(r.name, "escalate vip");
    assert_eq!(r.on, vec![Trigger::Create, Trigger::Reply]);
    assert_eq!(r.query.terms.len(), 2);
    assert_eq!(r.by, vec![By::Requester]);
    assert_eq!(r.then.set, vec!["priority=urgent"]);
    assert_eq!(
        r.then.assign,
        Some(Assign::Pool(Pool {
            team: Some("it".into()),
            queue: None,
            strategy: super::Strategy::LeastLoad
        }))
    );
    assert_eq!(r.then.note.as_deref(), Some("Escalated."));
    assert!(!r.is_timed());
}

#[test]
fn every_problem_is_named_with_its_place() {
    let (rules, problems) = parse_rules(
        "- name: a\n  on: creat\n  then: {note: x}\n- name: b\n  on: create\n  if: 'status:nope'\n  then: {note: x}\n- name: c\n  on: create\n  then: {}\n- name: d\n  on: create\n  from: open\n  then: {note: x}\n- name: e\n  on: [schedule, create]\n  then: {note: x}\n- name: f\n  on: create\n  if: sla:breached\n  then: {note: x}\n- name: a\n  on: create\n  then: {note: y}\n- {name: g, on: create, then: {note: x}, when: 1}\n- {name: h, on: create, then: {note: x}}\n",
    );
    let got: Vec<(String, String)> = problems.into_iter().map(|p| (p.path, p.message)).collect();
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "rules[0].on",
            "rules[1].if",
            "rules[2].then",
            "rules[3].from",
            "rules[4].on",
            "rules[5].if",
            "rules[6].name",
            "rules[7].when"
        ],
        "{got:?}"
    );
    assert!(got[0].1.contains("`creat` is not an event"), "{got:?}");
    assert!(got[1].1.contains("invalid status 'nope'"), "{got:?}");
    assert_eq!(got[6].1, "'a' names two rules");
    // Only sound rules are kept.
    assert_eq!(rules.rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["h"]);
}

#[test]
fn a_change_gives_its_events() {
    let before = ticket();
    let mut after = before.clone();
    after.status = "open".into();
    after.labels.push("vpn".into());
    after.add_comment("Jane <jane@example.com>".into(), Utc::now(), crate::model::Visibility::Public, "hi");
    let role = |p: &str| if p.contains("jane") { By::Requester } else { By::Agent };
    let got = events(Some(&before), &after, By::Agent, role);
    let kinds: Vec<(Trigger, By)> = got.iter().map(|h| (h.trigger, h.by)).collect();
    assert_eq!(
        kinds,
        vec![(Trigger::Reply, By::Requester), (Trigger::Status, By::Agent), (Trigger::Label, By::Agent)]
    );
    assert_eq!((got[1].from.as_deref(), got[1].to.as_deref()), (Some("new"), Some("open")));
    assert_eq!(events(None, &after, By::Other, role), vec![Happened::new(Trigger::Create, By::Other)]);
}

#[test]
fn rules_answer_changes_made_by_earlier_and_later_rules_and_each_fires_once() {
    let yaml = "\
- name: second
  on: label
  if: label:routed
  then: {set: [priority=high]}
- name: first
  on: create
  then: {labels: [+routed]}
- name: loop
  on: [label, create]
  then: {labels: [+again]}
";
    let mut t = ticket();
    let out = run(yaml, &mut t, vec![Happened::new(Trigger::Create, By::Requester)]);
    // `first` fires on create; its label change lets `second` (listed before it) fire.
    assert_eq!(out.fired, vec!["first", "second", "loop"]);
    assert_eq!(t.priority, "high");
    assert_eq!(t.labels, vec!["routed", "again"]);
}

#[test]
fn status_conditions_and_who_caused_the_event_decide() {
    let yaml = "\
- name: reopened by requester
  on: status
  from: resolved
  to: open
  by: requester
  then: {labels: [+reopened]}
";
    let status = |from: &str, to: &str, by: By| Happened {
        trigger: Trigger::Status,
        by,
        from: Some(from.into()),
        to: Some(to.into()),
    };
    let mut t = ticket();
    assert_eq!(
        run(yaml, &mut t, vec![status("resolved", "open", By::Requester)]).fired,
        vec!["reopened by requester"]
    );
    let mut t = ticket();
    assert!(run(yaml, &mut t, vec![status("resolved", "open", By::Agent)]).fired.is_empty());
    let mut t = ticket();
    assert!(run(yaml, &mut t, vec![status("pending", "open", By::Requester)]).fired.is_empty());
}

#[test]
fn a_rule_that_cannot_apply_leaves_the_ticket_as_it_was() {
    let yaml = "- name: bad\n  on: create\n  then: {set: [priority=high, title=x], labels: [+a]}\n";
    let mut t = ticket();
    let before = t.clone();
    let out = run(yaml, &mut t, vec![Happened::new(Trigger::Create, By::Agent)]);
    assert_eq!(out.fired, Vec::<String>::new());
    assert_eq!(out.failed, vec![("bad".to_owned(), "cannot apply title=x".to_owned())]);
    assert_eq!(t, before);
}

#[test]
fn no_rule_changes_a_closed_ticket() {
    let yaml = "- name: close\n  on: create\n  then: {set: [status=closed]}\n- name: after\n  on: [create, status]\n  then: {set: [priority=high]}\n";
    let mut t = ticket();
    let out = run(yaml, &mut t, vec![Happened::new(Trigger::Create, By::Agent)]);
    assert_eq!(out.fired, vec!["close"]);
    assert_eq!(t.priority, "normal");
}

#[test]
fn explain_names_the_condition_that_failed() {
    let yaml = "\
- name: vpn
  on: create
  if: label:vpn
  then: {set: [queue=network]}
- name: replies
  on: reply
  then: {labels: [+x]}
- name: requester only
  on: create
  by: requester
  then: {labels: [+y]}
- name: any
  on: create
  then: {labels: [+z]}
";
    let (rules, _) = parse_rules(yaml);
    let list: Vec<&Rule> = rules.rules.iter().collect();
    let verdicts = explain(
        &list,
        vec![Happened::new(Trigger::Create, By::Agent)],
        &ticket(),
        &mut Plain { config: config(), applied: vec![] },
    );
    let got: Vec<(bool, &str)> = verdicts.iter().map(|v| (v.fires, v.reason.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (false, "if: `label:vpn` does not hold"),
            (false, "on: reply — the change was create by agent, label by rule"),
            (false, "by: requester — the change was create by agent, label by rule"),
            (true, "fires"),
        ]
    );
}

#[test]
fn timed_rules_need_a_condition_their_actions_make_false() {
    let undone = |yaml: &str| {
        let (rules, problems) = parse_rules(yaml);
        assert!(problems.is_empty(), "{problems:?}");
        undone_by_own_actions(&rules.rules[0], &config())
    };
    let rule =
        |cond: &str, then: &str| format!("- name: r\n  on: schedule\n  if: '{cond}'\n  then: {then}\n");
    assert!(undone(&rule("status:pending updated:>3d", "{set: [status=resolved]}")));
    assert!(undone(&rule("is:open", "{set: [status=closed]}")));
    assert!(undone(&rule("-label:escalated priority:high", "{labels: [+escalated]}")));
    assert!(undone(&rule("label:triage", "{labels: [-triage]}")));
    assert!(undone(&rule("is:unassigned", "{assign: {team: it}}")));
    assert!(undone(&rule("-priority:urgent", "{set: [priority=urgent]}")));
    assert!(undone(&rule("priority:<high", "{set: [priority=high]}")));
    assert!(undone(&rule("updated:>1w", "{note: still waiting}")));
    // Nothing the actions do makes these false.
    assert!(!undone(&rule("status:pending", "{note: still waiting}")));
    assert!(!undone(&rule("priority:high", "{labels: [+x]}")));
    assert!(!undone(&rule("label:a,b", "{labels: [-a]}")));
    assert!(!undone(&rule("updated:<3d", "{set: [status=resolved]}")));
    assert!(!undone(&rule("assignee:ann", "{assign: {team: it}}")));
    assert!(!undone(&rule("status:pending", "{set: [status=pending]}")));
}

/// A random rule: a trigger, a condition on a label, and label or priority changes.
fn arb_rule(i: usize) -> impl proptest::strategy::Strategy<Value = String> {
    let labels = prop::sample::select(vec!["a", "b", "c", "d"]);
    let trigger = prop::sample::select(vec!["create", "label", "status", "[create, label]"]);
    let cond = prop::option::of((any::<bool>(), labels.clone()));
    let change = prop::collection::vec((any::<bool>(), labels), 1..3);
    let priority = prop::option::of(prop::sample::select(vec!["low", "high"]));
    let status = prop::option::of(prop::sample::select(vec!["open", "pending"]));
    (trigger, cond, change, priority, status).prop_map(move |(on, cond, change, priority, status)| {
        let cond = cond.map_or(String::new(), |(neg, l)| format!("{}label:{l}", if neg { "-" } else { "" }));
        let labels: Vec<String> =
            change.iter().map(|(add, l)| format!("{}{l}", if *add { "+" } else { "-" })).collect();
        let mut set = Vec::new();
        if let Some(p) = priority {
            set.push(format!("priority={p}"));
        }
        if let Some(s) = status {
            set.push(format!("status={s}"));
        }
        format!(
            "- name: r{i}\n  on: {on}\n  if: '{cond}'\n  then: {{labels: [{}], set: [{}]}}\n",
            labels.join(", "),
            set.join(", ")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any set of event rules ends within one firing per rule, and the same
    /// change gives the same result every time.
    #[test]
    fn a_pass_ends_within_the_bound_and_is_deterministic(
        rules in prop::collection::vec(0usize..1, 1..12).prop_flat_map(|v| {
            v.iter().enumerate().map(|(i, _)| arb_rule(i)).collect::<Vec<_>>()
        })
    ) {
        let yaml = rules.concat();
        let (parsed, problems) = parse_rules(&yaml);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let list: Vec<&Rule> = parsed.rules.iter().collect();
        let start = ticket();
        let mut first = start.clone();
        let mut host = Plain { config: config(), applied: Vec::new() };
        let a = pass(&list, vec![Happened::new(Trigger::Create, By::Agent)], &mut first, &mut host);
        prop_assert!(host.applied.len() <= list.len());
        let mut unique = a.fired.clone();
        unique.dedup();
        prop_assert_eq!(unique.len(), a.fired.len());
        let mut second = start.clone();
        let b = pass(&list, vec![Happened::new(Trigger::Create, By::Agent)], &mut second, &mut Plain { config: config(), applied: Vec::new() });
        prop_assert_eq!(a, b);
        prop_assert_eq!(first, second);
    }
}
