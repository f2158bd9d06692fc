use super::*;

/// The file `desk init` wrote before statuses had categories, byte for byte.
const FIRST_FORM: &str = "\
# desk configuration: workflow states and priorities of this helpdesk.
# statuses in `done` count as finished; priorities are listed lowest first;
# limits: longest title in characters, largest description or reply in bytes.
workflow:
  statuses:
  - new
  - open
  - pending
  - resolved
  - closed
  done:
  - resolved
  - closed
  initial: new
  reopen: open
priorities:
  levels:
  - low
  - normal
  - high
  - urgent
  default: normal
queues: []
limits:
  title_chars: 256
  body_bytes: 1000000
";

fn categories(c: &Config) -> Vec<(String, &'static str)> {
    c.workflow.statuses.iter().map(|s| (s.name.clone(), s.category.name())).collect()
}

fn pairs(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect()
}

fn with_workflow(workflow: &str) -> String {
    format!("workflow:\n{workflow}priorities:\n  levels: [low, high]\n  default: low\n")
}

fn problems(text: &str) -> Vec<String> {
    check(text).iter().map(|p| format!("{}:{}: {p}", p.line, p.column)).collect()
}

#[test]
fn the_first_form_maps_to_categories_as_documented() {
    let old = Config::parse(FIRST_FORM).unwrap();
    assert_eq!(
        categories(&old),
        pairs(&[
            ("new", "new"),
            ("open", "open"),
            ("pending", "pending"),
            ("resolved", "solved"),
            ("closed", "closed")
        ])
    );
    assert_eq!((old.workflow.initial.as_str(), old.workflow.reopen.as_str()), ("new", "open"));
    assert!(old.workflow.statuses.iter().all(|s| s.transitions.is_none()));
    assert_eq!(old.done_statuses(), ["resolved", "closed"]);
    assert!(check(FIRST_FORM).is_empty(), "{:?}", check(FIRST_FORM));
    // desk init's new file says the same, written out, and adds a status for merged tickets.
    let mut new = Config::default();
    let merged = new.workflow.statuses.pop().unwrap();
    assert_eq!((merged.name.as_str(), merged.category), ("merged", Category::Merged));
    assert_eq!(new.workflow, old.workflow);
    assert_eq!((&new.priorities, &new.queues, &new.limits), (&old.priorities, &old.queues, &old.limits));
}

#[test]
fn the_first_form_with_other_names_maps_by_done_pending_on_hold_and_initial() {
    let text = with_workflow(
        "  statuses: [triage, doing, waiting, pending, on-hold, on_hold, done, closed, archived]\n  \
         done: [done, archived]\n  initial: triage\n  reopen: doing\n",
    );
    let c = Config::parse(&text).unwrap();
    assert_eq!(
        categories(&c),
        pairs(&[
            ("triage", "new"),
            ("doing", "open"),
            ("waiting", "open"),
            ("pending", "pending"),
            ("on-hold", "on_hold"),
            ("on_hold", "on_hold"),
            ("done", "solved"),
            // With a done list, only the statuses it names are done.
            ("closed", "open"),
            ("archived", "solved"),
        ])
    );
    assert!(c.is_done("archived") && !c.is_done("closed") && !c.is_done("waiting"));
    assert!(c.pauses("pending") && c.pauses("on-hold") && !c.pauses("waiting"));
    assert!(!c.is_final("archived"));
    assert_eq!((c.solved_status(), c.closed_status()), (Some("done"), Some("archived")));
    // A done status called closed is of category closed.
    let text = with_workflow("  statuses: [new, closed]\n  done: [closed]\n  initial: new\n  reopen: new\n");
    assert!(Config::parse(&text).is_err(), "reopen must be of category open");
    let text =
        with_workflow("  statuses: [new, open, closed]\n  done: [closed]\n  initial: new\n  reopen: open\n");
    let c = Config::parse(&text).unwrap();
    assert_eq!(c.category("closed"), Some(Category::Closed));
    assert!(c.is_final("closed"));
}

#[test]
fn plain_names_without_done_map_by_name() {
    let text = with_workflow(
        "  statuses: [new, open, pending, on_hold, solved, resolved, closed, merged, parked]\n",
    );
    let c = Config::parse(&text).unwrap();
    assert_eq!(
        categories(&c),
        pairs(&[
            ("new", "new"),
            ("open", "open"),
            ("pending", "pending"),
            ("on_hold", "on_hold"),
            ("solved", "solved"),
            ("resolved", "solved"),
            ("closed", "closed"),
            ("merged", "merged"),
            ("parked", "open"),
        ])
    );
    // Without initial and reopen: the status called new, the first of category open.
    assert_eq!((c.workflow.initial.as_str(), c.workflow.reopen.as_str()), ("new", "open"));
    // Without a status called new, the first one is the initial status.
    let c = Config::parse(&with_workflow("  statuses: [inbox, working, finished]\n")).unwrap();
    assert_eq!(categories(&c), pairs(&[("inbox", "new"), ("working", "open"), ("finished", "open")]));
    assert_eq!((c.workflow.initial.as_str(), c.workflow.reopen.as_str()), ("inbox", "working"));
    assert_eq!(c.solved_status(), None);
}

#[test]
fn statuses_written_out_take_their_category_and_transitions() {
    let text = with_workflow(
        "  statuses:\n    - {name: fresh, category: new, transitions: [doing]}\n    - name: doing\n      \
         category: open\n    - {name: waiting, category: on_hold, transitions: [doing, fixed]}\n    - \
         {name: fixed, category: solved}\n    - gone\n",
    );
    let c = Config::parse(&text).unwrap();
    assert_eq!(
        categories(&c),
        pairs(&[
            ("fresh", "new"),
            ("doing", "open"),
            ("waiting", "on_hold"),
            ("fixed", "solved"),
            ("gone", "open")
        ])
    );
    assert_eq!((c.workflow.initial.as_str(), c.workflow.reopen.as_str()), ("fresh", "doing"));
    let w = &c.workflow;
    assert_eq!(w.allowed_from("fresh"), ["doing"]);
    assert_eq!(w.allowed_from("doing"), ["waiting", "fixed", "gone"], "any status but new ones");
    assert_eq!(w.allowed_from("waiting"), ["doing", "fixed"]);
    assert!(w.check_transition("waiting", "fixed").is_ok());
    assert!(w.check_transition("waiting", "waiting").is_ok(), "staying is no change");
    let e = w.check_transition("waiting", "gone").unwrap_err();
    assert_eq!(
        e.to_string(),
        "status 'gone' is not allowed from 'waiting'; allowed from 'waiting': doing, fixed"
    );
    assert_eq!(e.allowed(), ["doing", "fixed"]);
    let e = w.check_transition("doing", "fresh").unwrap_err();
    assert!(matches!(e, TransitionError::BackToNew { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "a ticket never goes back to 'fresh' (category new); allowed from 'doing': waiting, fixed, gone"
    );
    assert!(w.check_transition("fresh", "fixed").is_err(), "not in fresh's transitions");
    let text = with_workflow(
        "  statuses:\n    - new\n    - open\n    - {name: archived, category: solved, transitions: []}\n",
    );
    let c = Config::parse(&text).unwrap();
    let e = c.check_transition("archived", "open").unwrap_err();
    assert_eq!(
        e.to_string(),
        "status 'open' is not allowed from 'archived'; no status change is allowed from 'archived'"
    );
}

#[test]
fn categories_say_what_is_done_paused_and_final() {
    let done: Vec<&str> = Category::ALL.iter().filter(|c| c.is_done()).map(|c| c.name()).collect();
    assert_eq!(done, ["solved", "closed", "merged"]);
    let pausing: Vec<&str> = Category::ALL.iter().filter(|c| c.pauses()).map(|c| c.name()).collect();
    assert_eq!(pausing, ["pending", "on_hold"]);
    let reopening: Vec<&str> =
        Category::ALL.iter().filter(|c| c.reopens_on_requester_message()).map(|c| c.name()).collect();
    assert_eq!(reopening, ["pending", "on_hold", "solved"]);
    assert!(Category::Closed.is_final() && !Category::Solved.is_final() && !Category::Merged.is_final());
    for c in Category::ALL {
        assert_eq!(Category::parse(c.name()), Some(c));
    }
    assert_eq!(Category::parse("on-hold"), None);
}

#[test]
fn workflow_problems_are_named_and_located() {
    let text = with_workflow(
        "  statuses:\n    - new\n    - {name: open, category: active}\n    - {name: waiting, category: pending, \
         transitions: [open, nowhere, new]}\n    - resolved\n  done: [resolved, waiting]\n  reopen: waiting\n",
    );
    assert_eq!(
        problems(&text),
        [
            "4:30: workflow.statuses[1].category: unknown category `active`; categories: new, open, pending, \
             on_hold, solved, closed, merged",
            "5:62: workflow.statuses[2].transitions[1]: unknown status `nowhere`; statuses: new, open, waiting, \
             resolved",
            "5:71: workflow.statuses[2].transitions[2]: `new` is of category new; a ticket never goes back to new",
            "7:20: workflow.done[1]: `waiting` is listed as done but its category is pending",
            "8:11: workflow.reopen: the reopen status must be of category open; `waiting` is pending",
        ]
    );
    let e = Config::parse(&text).unwrap_err();
    assert_eq!((e.line, e.column), (4, 30));
    assert!(e.message.starts_with("workflow.statuses[1].category: unknown category `active`"), "{e}");
}

#[test]
fn a_misspelt_key_or_section_is_a_problem() {
    let text = format!("{}slas:\n  urgent: 1h\nagent: []\n", Config::default_text());
    let found = problems(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains(": slas: unknown section `slas`; desk reads workflow, priorities"),
        "{found:?}"
    );
    assert!(found[1].contains(": agent: unknown section `agent`"), "{found:?}");
    // Parsing keeps the sections desk does not read, for the parts that do.
    let c = Config::parse(&text).unwrap();
    assert!(c.other.contains_key("slas") && !c.other.contains_key("workflow"));
    let text = Config::default_text().replace("category: solved}", "categroy: solved}");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("workflow.statuses[3]: unknown field `categroy`"), "{found:?}");
}

#[test]
fn unknown_states_are_refused() {
    let text = Config::default_text().replace("initial: new", "initial: fresh");
    let e = Config::parse(&text).unwrap_err();
    assert!(e.message.contains("`fresh`"), "{e}");
    assert_eq!(
        e.message,
        "workflow.initial: unknown status `fresh`; statuses: new, open, pending, resolved, closed, merged"
    );
}

#[test]
fn errors_list_allowed_values() {
    let c = Config::default();
    assert_eq!(
        c.check_status("wip").unwrap_err(),
        "invalid status 'wip'; allowed: new, open, pending, resolved, closed, merged"
    );
    assert_eq!(
        c.check_priority("p1").unwrap_err(),
        "invalid priority 'p1'; allowed: low, normal, high, urgent"
    );
    assert!(c.is_done("closed") && !c.is_done("pending"));
    assert!(c.priority_rank("urgent") > c.priority_rank("low"));
}

#[test]
fn names_a_ticket_file_or_a_query_could_not_hold_are_refused() {
    let with = |from: &str, to: &str| Config::parse(&FIRST_FORM.replace(from, to));
    let e = with("- pending\n", "- pending\n  - ''\n").unwrap_err();
    assert_eq!(e.message, "workflow.statuses[3]: an empty name: \"\"");
    assert_eq!((e.line, e.column), (9, 5));
    let e = with("- pending\n", "- pending\n  - open\n").unwrap_err();
    assert_eq!(e.message, "workflow.statuses[3]: `open` is listed twice");
    let e = with("- high\n", "- high, really\n").unwrap_err();
    assert!(e.message.starts_with("priorities.levels[2]: a name with a comma"), "{e}");
    let e = with("queues: []", "queues: [\" it\"]").unwrap_err();
    assert!(e.message.starts_with("queues[0]: a name with spaces"), "{e}");
    assert!(with("queues: []", "queues: [it, on hold]").is_ok());
}

#[test]
fn limits_default_when_absent_and_can_be_set() {
    let old = FIRST_FORM.split("\nlimits:").next().unwrap().to_owned() + "\n";
    assert!(!old.contains("\nlimits:"), "{old}");
    assert_eq!(Config::parse(&old).unwrap().limits, Limits::default());
    let text = format!("{old}limits:\n  body_bytes: 10\n");
    assert_eq!(Config::parse(&text).unwrap().limits, Limits { title_chars: 256, body_bytes: 10 });
    assert!(Config::parse(&format!("{old}limits:\n  body: 10\n")).is_err());
    let e = Config::parse(&format!("{old}limits:\n  title_chars: 0\n")).unwrap_err();
    assert_eq!(e.message, "limits.title_chars: must be greater than 0");
}

const PEOPLE: &str = "\
agents:
  - name: Ada Lovelace
    email: ada@example.com
    emails: [ada@old.example.com]
    teams: [dev]
    queues: [hardware]
    skills: [printers]
    away: [2026-12-24, 2026-12-28..2027-01-01]
  - {name: Alan Turing, email: alan@example.com}
  - {name: Grace Hopper, email: grace@example.com}
teams:
  - name: it
    members: [grace@example.com, Alan Turing]
    queues: [it]
  - {name: dev, queues: [code]}
";

fn with_people(people: &str) -> String {
    Config::default_text().replace("agents: []\n", "").replace("teams: []\n", "") + people
}

#[test]
fn agents_are_found_by_any_address_and_by_unique_parts() {
    let config = Config::parse(&with_people(PEOPLE)).unwrap();
    let people = config.people().unwrap();
    assert!(people.has_agents());
    let ada = people.agent("Ada <ADA@old.example.com>").unwrap();
    assert_eq!(ada.person(), "Ada Lovelace <ada@example.com>");
    assert_eq!(people.agent("ada@example.com").map(Agent::person), Some(ada.person()));
    assert_eq!(
        people.agent("Ada Lovelace").map(Agent::person),
        Some(ada.person()),
        "by name without an email"
    );
    assert!(people.agent("Ada Lovelace <ada@elsewhere.org>").is_none(), "an email decides");
    let names = |m: AgentMatch<'_>| match m {
        AgentMatch::One(a) => vec![a.name.clone()],
        AgentMatch::None => vec![],
        AgentMatch::Several(list) => list.iter().map(|a| a.name.clone()).collect(),
    };
    assert_eq!(names(people.find("lovelace")), ["Ada Lovelace"]);
    assert_eq!(names(people.find("OLD.example")), ["Ada Lovelace"]);
    assert_eq!(names(people.find("a")), ["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    assert_eq!(names(people.find("alan@example.com")), ["Alan Turing"]);
    assert!(names(people.find("nobody")).is_empty());
    // An exact name or address wins over parts of others.
    let text =
        with_people("agents:\n  - {name: Bob, email: bob@x.org}\n  - {name: Bobby, email: bobby@x.org}\n");
    let config = Config::parse(&text).unwrap();
    assert_eq!(names(config.people().unwrap().find("bob")), ["Bob"]);
    assert_eq!(names(config.people().unwrap().find("bo")), ["Bob", "Bobby"]);
}

#[test]
fn teams_queues_and_away_days_belong_to_their_agents() {
    let config = Config::parse(&with_people(PEOPLE)).unwrap();
    let people = config.people().unwrap();
    let agent = |e: &str| people.agent(e).unwrap();
    assert_eq!(agent("ada@example.com").teams, ["dev"]);
    assert_eq!(agent("ada@example.com").queues, ["hardware", "code"]);
    assert_eq!(agent("alan@example.com").teams, ["it"]);
    assert_eq!(agent("alan@example.com").queues, ["it"]);
    assert_eq!(people.team("it").unwrap().members, ["grace@example.com", "alan@example.com"]);
    assert_eq!(people.team("dev").unwrap().members, ["ada@example.com"]);
    let ada = agent("ada@example.com");
    let day = |d: &str| crate::time::parse_day(d).unwrap();
    assert!(ada.is_away(day("2026-12-24")) && !ada.is_away(day("2026-12-25")));
    assert!(
        ada.is_away(day("2026-12-28")) && ada.is_away(day("2027-01-01")) && !ada.is_away(day("2027-01-02"))
    );
    assert_eq!(
        ada.away.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["2026-12-24", "2026-12-28..2027-01-01"]
    );
}

#[test]
fn identity_is_the_email_and_a_response_is_an_agents_reply() {
    let none = People::default();
    assert_eq!(none.identity("Bob Agent <bob@example.com>"), none.identity("bob <BOB@example.com>"));
    assert_eq!(none.identity("Bob"), "bob");
    assert!(none.same_person("Bob Agent <bob@example.com>", "bob <BOB@example.com>"));
    assert!(none.is_response("Dan <dan@example.com>", Some("Jane <jane@example.com>")));
    assert!(!none.is_response("jane <JANE@example.com>", Some("Jane <jane@example.com>")));
    assert!(none.is_response("Jane <jane@example.com>", None));
    let config = Config::parse(&with_people(PEOPLE)).unwrap();
    let people = config.people().unwrap();
    assert_eq!(people.identity("Ada <ada@old.example.com>"), "ada@example.com");
    assert!(people.same_person("Ada <ada@old.example.com>", "Ada Lovelace <ada@example.com>"));
    assert!(!people.is_response("Dan <dan@example.com>", Some("Jane <jane@example.com>")), "not an agent");
    assert!(people.is_response("a <ADA@old.example.com>", Some("Jane <jane@example.com>")));
    assert!(
        !people.is_response("Ada <ada@example.com>", Some("Ada L <ada@old.example.com>")),
        "her own ticket"
    );
}

#[test]
fn people_problems_are_named_and_located() {
    let text = with_people(
        "agents:
  - {name: Ada, email: ada@example.com, teams: [ops], queues: [nowhere], away: [2026-13-01, 2026-12-31..2026-12-01]}
  - {name: Alan, email: ADA@example.com}
  - {name: Ada, email: ada2@example.com, emails: [not an address]}
teams:
  - {name: it, members: [ada@example.com, Linus, Ada <ada3@example.com>], queues: [it]}
  - {name: it}
",
    )
    .replace("queues: []", "queues: [it, hardware]");
    let found: Vec<String> = check(&text).iter().map(|p| format!("{p}")).collect();
    assert_eq!(
        found,
        [
            "agents[0].teams[0]: unknown team `ops`; teams: it",
            "agents[0].queues[0]: unknown queue `nowhere`; queues: it, hardware",
            "agents[0].away[0]: `2026-13-01` is not a day (YYYY-MM-DD) or a range of days (YYYY-MM-DD..YYYY-MM-DD)",
            "agents[0].away[1]: `2026-12-31..2026-12-01` ends before it starts",
            "agents[1].email: `ada@example.com` is also the address of agents[0] (Ada)",
            "agents[2].email: Ada is also agents[0] with another email (ada@example.com); one agent's other \
             addresses go under `emails`",
            "agents[2].emails[0]: `not an address` is not an email address",
            "teams[0].members[1]: `Linus` is not an agent (not listed under agents)",
            "teams[0].members[2]: Ada is agents[0] with the email ada@example.com, not ada3@example.com",
            "teams[1].name: team `it` is listed twice",
        ]
    );
    let problems = check(&text);
    let columns: Vec<(usize, usize)> = problems.iter().take(2).map(|p| (p.line, p.column)).collect();
    let line = text.lines().position(|l| l.contains("[ops]")).unwrap() + 1;
    assert_eq!(columns, [(line, 49), (line, 64)], "{problems:?}");
    // A broken people section is no error for the configuration every command needs.
    let config = Config::parse(&text).unwrap();
    let e = config.people().unwrap_err();
    assert!(e.message.starts_with("agents[0].teams[0]: unknown team"), "{e}");
    let text = with_people("agents:\n  - name: Ada\n");
    let e = Config::parse(&text).unwrap().people().unwrap_err();
    assert_eq!(e.message, "agents[0]: missing field `email`");
}

#[test]
fn a_later_section_adds_its_checks_beside_desks() {
    #[derive(serde::Deserialize)]
    struct Sla {
        urgent: String,
    }
    let text = format!("{}sla:\n  urgent: soon\n", Config::default_text());
    let problems = check_with(&text, |c, config| {
        assert!(config.is_some_and(|c| c.has_status("open")));
        if let Some(Some(sla)) = c.section::<Sla>("sla")
            && sla.urgent != "1h"
        {
            c.problem(YamlPath::section("sla").key("urgent"), "not a duration");
        }
    });
    // `sla` is a section desk reads (the sla module checks it): not unknown.
    let found: Vec<String> = problems.iter().map(|p| format!("{}:{}: {p}", p.line, p.column)).collect();
    let line = text.lines().count();
    assert_eq!(found, [format!("{line}:11: sla.urgent: not a duration"),]);
}
