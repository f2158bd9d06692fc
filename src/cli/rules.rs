//! Rules inside the commands: the host a pass of rules runs in (field changes
//! as `desk set` makes them, assignment from the list index and the history,
//! macros from the desk branch), and the step every command that changes
//! tickets takes after its own change.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::changes::{FieldChanges, LabelChanges};
use super::commands::given_assignee;
use super::{CliError, macros};
use crate::model::{Field, FieldSource as _, MIN_SHORT, Ticket, Visibility};
use crate::query::{ClockFacts, Context, Query};
use crate::rules::{self, Assign, By, Host, Rule, Rules, Strategy, assign};
use crate::store::{Change, Identity, Oid, Store, StoreError, Tip};
use crate::workflow::{Config, People};

/// The trailer that names a rule that fired.
pub const RULE_TRAILER: &str = "Desk-Rule";
/// The trailer that records whom a rule assigned from a pool: `RULE -> EMAIL`.
pub const ASSIGNED_TRAILER: &str = "Desk-Assigned";

/// The rules of the desk.yaml at `tree`, read once per tree.
pub fn rules_of(config: &Config, tree: Oid) -> Rc<Rules> {
    thread_local! {
        static LAST: RefCell<Option<(Oid, Rc<Rules>)>> = const { RefCell::new(None) };
    }
    if let Some(r) = LAST.with_borrow(|l| l.as_ref().filter(|(t, _)| *t == tree).map(|(_, r)| Rc::clone(r))) {
        return r;
    }
    let rules = Rc::new(Rules::of(config));
    LAST.with_borrow_mut(|l| *l = Some((tree, Rc::clone(&rules))));
    rules
}

/// Who `person` is to a ticket with `requester`: the requester, an agent of
/// desk.yaml, or someone else. Without agents in desk.yaml everyone but the
/// requester counts as an agent, as for responses.
pub fn role_of(people: Option<&People>, person: &str, requester: Option<&str>) -> By {
    let Some(people) = people else {
        return if requester.is_some_and(|r| crate::model::same_person(r, person)) {
            By::Requester
        } else {
            By::Agent
        };
    };
    if people.is_requester(person, requester) {
        By::Requester
    } else if !people.has_agents() || people.is_agent(person) {
        By::Agent
    } else {
        By::Other
    }
}

/// Where a pass of rules runs: the desk branch at one tip, the acting user,
/// and what assignment strategies need (read when first needed). One is used
/// for every ticket of one commit, so assignments in one commit take turns.
pub struct RuleEnv<'a> {
    store: &'a Store,
    tip: Option<&'a Tip>,
    config: &'a Config,
    author: &'a Identity,
    me: String,
    pub now: DateTime<Utc>,
    /// Open tickets per agent (lowercased main email).
    pub load: Option<HashMap<String, usize>>,
    /// The agent each round-robin rule assigned last.
    pub last: HashMap<String, Option<String>>,
    /// The clocks of the ticket being decided (`desk rules run`, fixtures).
    pub clocks: Option<ClockFacts>,
    /// The rules that fired, for the trailers (each name once).
    pub fired: Vec<String>,
    /// Pool assignments made: rule and agent email.
    pub assigned: Vec<(String, String)>,
    /// Follow-up tickets the rules opened, written with the change.
    pub opened: Vec<Ticket>,
}

impl<'a> RuleEnv<'a> {
    pub fn new(
        store: &'a Store,
        tip: Option<&'a Tip>,
        config: &'a Config,
        author: &'a Identity,
    ) -> RuleEnv<'a> {
        RuleEnv {
            store,
            tip,
            config,
            author,
            me: author.person(),
            now: author.time(),
            load: None,
            last: HashMap::new(),
            clocks: None,
            fired: Vec::new(),
            assigned: Vec::new(),
            opened: Vec::new(),
        }
    }

    /// Runs the event rules on a ticket a command changed from `before`
    /// (`None`: a new ticket); returns the outcome, and remembers what fired.
    pub fn after_change(
        &mut self,
        rules: &Rules,
        before: Option<&Ticket>,
        ticket: &mut Ticket,
    ) -> rules::Outcome {
        let list: Vec<&Rule> = rules.event_rules().collect();
        if list.is_empty() {
            return rules::Outcome::default();
        }
        let people = self.config.people().ok();
        let requester = ticket.requester.clone();
        let role = |p: &str| role_of(people, p, requester.as_deref());
        let happened = rules::events(before, ticket, role(&self.me), role);
        self.run(&list, happened, ticket)
    }

    /// Runs `list` on `ticket` for `happened`, remembering what fired.
    pub fn run(
        &mut self,
        list: &[&Rule],
        happened: Vec<rules::Happened>,
        ticket: &mut Ticket,
    ) -> rules::Outcome {
        let outcome = rules::pass(list, happened, ticket, self);
        for name in &outcome.fired {
            if !self.fired.contains(name) {
                self.fired.push(name.clone());
            }
        }
        for (rule, why) in &outcome.failed {
            let text = format!("rule '{rule}' did not fire: {why}");
            say!("warning: {}: {}", &ticket.id.as_str()[..MIN_SHORT], super::output::terminal_line(&text));
        }
        outcome
    }

    /// Adds the follow-up tickets the rules opened and the trailers of what
    /// fired to `change`.
    pub fn sign(&self, change: &mut Change) -> Result<(), StoreError> {
        for t in &self.opened {
            let one = Change::ticket("new", t)?;
            change.files.extend(one.files);
            change.tickets.extend(one.tickets);
        }
        for name in &self.fired {
            change.trailers.push((RULE_TRAILER.into(), name.clone()));
        }
        for (rule, email) in &self.assigned {
            change.trailers.push((ASSIGNED_TRAILER.into(), format!("{rule} -> {email}")));
        }
        Ok(())
    }

    /// Open tickets per agent, as the branch has them at the tip (see [`open_load`]).
    fn load(&mut self) -> Result<&HashMap<String, usize>, String> {
        if self.load.is_none() {
            let load = match (self.tip, self.config.people()) {
                (Some(tip), Ok(people)) => {
                    open_load(self.store, tip, self.config, people).map_err(|e| e.to_string())?
                }
                _ => HashMap::new(),
            };
            self.load = Some(load);
        }
        Ok(self.load.as_ref().expect("just set"))
    }

    /// The agent `rule` assigned last: from this commit, else from history.
    fn last(&mut self, rule: &str) -> Result<Option<String>, String> {
        if let Some(known) = self.last.get(rule) {
            return Ok(known.clone());
        }
        let found = match self.tip {
            Some(tip) => last_assigned(self.store, tip.commit, rule).map_err(|e| e.to_string())?,
            None => None,
        };
        self.last.insert(rule.to_owned(), found.clone());
        Ok(found)
    }

    fn assign(&mut self, rule: &Rule, how: &Assign, ticket: &mut Ticket) -> Result<(), String> {
        let pool = match how {
            Assign::Nobody => {
                ticket.assignee = None;
                return Ok(());
            }
            Assign::Person(p) => {
                ticket.assignee = Some(given_assignee(p, self.author, self.config).map_err(|e| e.message)?);
                return Ok(());
            }
            Assign::Pool(pool) => pool,
        };
        let config = self.config;
        let people = config.people().map_err(|e| format!("desk.yaml's agents: {e}"))?;
        let agents = assign::candidates(pool, people, ticket.queue.as_deref())?;
        let last = if pool.strategy == Strategy::RoundRobin { self.last(&rule.name)? } else { None };
        let day = self.now.date_naive();
        let labels = ticket.labels.clone();
        let empty = HashMap::new();
        let picked = {
            // Only least-load and skills need the open tickets of every agent.
            let load = if pool.strategy == Strategy::RoundRobin { &empty } else { self.load()? };
            let facts = assign::Facts { day, labels: &labels, load, last: last.as_deref() };
            assign::pick(pool.strategy, &agents, &facts).map(|a| (a.person(), a.email.clone()))
        };
        match picked {
            Ok((person, email)) => {
                let old = ticket
                    .assignee
                    .replace(person)
                    .and_then(|o| people.agent(&o).map(|a| a.email.to_lowercase()));
                // Known loads follow the assignments made in this commit.
                if let Some(load) = self.load.as_mut() {
                    if let Some(n) = old.and_then(|o| load.get_mut(&o)) {
                        *n = n.saturating_sub(1);
                    }
                    *load.entry(email.to_lowercase()).or_insert(0) += 1;
                }
                self.last.insert(rule.name.clone(), Some(email.clone()));
                self.assigned.push((rule.name.clone(), email));
            }
            Err(why) => {
                let what = pool.team.as_ref().map_or_else(
                    || {
                        pool.queue
                            .as_ref()
                            .map_or_else(|| "the ticket's queue".to_owned(), |q| format!("queue {q}"))
                    },
                    |t| format!("team {t}"),
                );
                let text = format!("Not assigned ({} of {what}): {why}.", pool.strategy.name());
                add_text(ticket, rule, Visibility::Internal, &text, self.now);
            }
        }
        Ok(())
    }
}

/// The open tickets (status not of a done category) of each agent, by
/// lowercased main email, at `tip`. The counts are kept in `.git/desk/load`
/// with the commit and desk.yaml they hold for; at a later commit with the same
/// desk.yaml only the ticket files changed since are read (one or two after a
/// command), otherwise every ticket's summary in the list index.
fn open_load(
    store: &Store,
    tip: &Tip,
    config: &Config,
    people: &People,
) -> Result<HashMap<String, usize>, StoreError> {
    let path = store.cache_dir().join("load");
    let config_blob = store.blob_in_commit(tip.commit, crate::store::CONFIG_PATH)?.map(|b| b.to_string());
    let config_blob = config_blob.unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines = text.lines();
    let header = lines.next().and_then(|h| h.split_once(' '));
    let mut counts: HashMap<String, usize> = lines
        .filter_map(|l| l.split_once('\t').and_then(|(n, e)| Some((e.to_owned(), n.parse().ok()?))))
        .collect();
    let from = header
        .filter(|(_, blob)| *blob == config_blob)
        .and_then(|(commit, _)| Oid::from_str(commit).ok())
        .filter(|c| store.reaches(tip.commit, *c));
    let agent_email = |person: &str| people.agent(person).map(|a| a.email.to_lowercase());
    let changed = match from {
        Some(c) if c == tip.commit => Some(Vec::new()),
        Some(c) => {
            let (old_tree, _) = store.commit_info(c)?;
            Some(store.changed_blobs(old_tree, tip.tree, "tickets")?).filter(|d| d.len() <= 10_000)
        }
        None => None,
    };
    if let Some(changed) = changed {
        // One side of a change: the agent whose open ticket it is, if any.
        let open_of = |blob: Option<Oid>| -> Option<String> {
            let bytes = store.blob(blob?).ok()?;
            let t = crate::model::parse_front_matter_only(&String::from_utf8_lossy(&bytes)).ok()?;
            if config.is_done(&t.status) {
                return None;
            }
            agent_email(t.assignee.as_deref()?)
        };
        for (old, new) in changed {
            if let Some(e) = open_of(old)
                && let Some(n) = counts.get_mut(&e)
            {
                *n = n.saturating_sub(1);
            }
            if let Some(e) = open_of(new) {
                *counts.entry(e).or_insert(0) += 1;
            }
        }
    } else {
        counts.clear();
        // Few people are assignees: each assignee text is looked up once.
        let mut agent_of: HashMap<String, Option<String>> = HashMap::new();
        store.for_each_index_shard(tip, |_, entries| -> Result<(), StoreError> {
            for e in entries {
                let Ok(s) = &e.summary else { continue };
                let Some(assignee) = s.str(Field::Assignee) else { continue };
                if config.is_done(s.str(Field::Status).unwrap_or_default()) {
                    continue;
                }
                let email = if let Some(known) = agent_of.get(assignee) {
                    known.clone()
                } else {
                    let found = agent_email(assignee);
                    agent_of.insert(assignee.to_owned(), found.clone());
                    found
                };
                if let Some(email) = email {
                    *counts.entry(email).or_insert(0) += 1;
                }
            }
            Ok(())
        })?;
    }
    let mut out = format!("{} {config_blob}\n", tip.commit);
    for (email, n) in &counts {
        use std::fmt::Write as _;
        let _ = writeln!(out, "{n}\t{email}");
    }
    // A cache: when it cannot be written, the next command reads the index again.
    let _ = write_atomically(&path, &out);
    Ok(counts)
}

/// Adds a text written by `rule`, marked automated; the same text as the
/// ticket's last comment is not added again.
fn add_text(ticket: &mut Ticket, rule: &Rule, visibility: Visibility, text: &str, now: DateTime<Utc>) {
    let author = format!("rule {}", rule.name);
    let text = crate::model::normalise_text(text);
    if ticket.comments.last().is_some_and(|c| c.automated && c.author == author && c.body == text) {
        return;
    }
    ticket.add_comment(author, now, visibility, &text);
    if let Some(c) = ticket.comments.last_mut() {
        c.automated = true;
    }
}

/// The main email of the agent `rule` assigned last, from the `Desk-Assigned`
/// trailers of the history reachable from `commit`, newest first. The answer
/// is kept in `.git/desk/round-robin` with the commit it holds for, so the
/// next lookup reads only the commits made since (a rule that never assigned
/// anyone walks the whole history once).
pub fn last_assigned(store: &Store, commit: Oid, rule: &str) -> Result<Option<String>, StoreError> {
    let path = store.cache_dir().join("round-robin");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut entries: Vec<(String, String, String)> = text
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect();
    let cached = entries.iter().find(|(_, _, r)| r == rule).and_then(|(c, e, _)| {
        Oid::from_str(c).ok().filter(|c| store.reaches(commit, *c)).map(|c| (c, e.clone()))
    });
    let prefix = format!("{ASSIGNED_TRAILER}: {rule} -> ");
    let found = store.find_in_messages(commit, cached.as_ref().map(|(c, _)| *c), |message| {
        message.lines().rev().find_map(|l| l.strip_prefix(prefix.as_str())).map(|e| e.trim().to_owned())
    })?;
    let last = found.or_else(|| cached.map(|(_, e)| e).filter(|e| !e.is_empty()));
    entries.retain(|(_, _, r)| r != rule);
    entries.push((commit.to_string(), last.clone().unwrap_or_default(), rule.to_owned()));
    let text = entries.iter().fold(String::new(), |mut out, (c, e, r)| {
        use std::fmt::Write as _;
        let _ = writeln!(out, "{c}\t{e}\t{r}");
        out
    });
    // A cache: when it cannot be written, the next lookup walks further.
    let _ = write_atomically(&path, &text);
    Ok(last)
}

fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(path);
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

impl Host for RuleEnv<'_> {
    fn matches(&self, query: &Query, ticket: &Ticket) -> bool {
        let ctx = Context { config: self.config, now: self.now.timestamp(), me: Some(&self.me) };
        query.matches(ticket, &ctx)
            && (!query.has_clock_terms() || self.clocks.is_some_and(|f| query.matches_clocks(&f)))
    }

    fn is_final(&self, ticket: &Ticket) -> bool {
        self.config.is_final(&ticket.status)
    }

    fn apply(&mut self, rule: &Rule, ticket: &mut Ticket) -> Result<(), String> {
        let msg = |e: CliError| e.message;
        let (config, author) = (self.config, self.author);
        let before = ticket.clone();
        if !rule.then.set.is_empty() {
            FieldChanges::parse(&rule.then.set, config)
                .and_then(|c| c.apply(ticket, config, author))
                .map_err(msg)?;
        }
        if !rule.then.labels.is_empty() {
            LabelChanges::parse(&rule.then.labels).map_err(msg)?.apply(ticket);
        }
        if let Some(how) = &rule.then.assign {
            self.assign(rule, how, ticket)?;
        }
        let short = ticket.id.as_str()[..MIN_SHORT].to_owned();
        if let Some(name) = &rule.then.apply {
            let m = self.load_macro(name)?;
            let changes = macros::changes(&m, config).map_err(msg)?;
            macros::apply(&changes, ticket, config, author).map_err(msg)?;
        }
        if let Some(text) = &rule.then.note {
            add_text(ticket, rule, Visibility::Internal, text, self.now);
        }
        if let Some(name) = &rule.then.reply {
            let m = self.load_macro(name)?;
            let text = macros::render(&m, ticket, &short, author).map_err(msg)?;
            add_text(ticket, rule, Visibility::Public, &text, self.now);
            let changes = macros::changes(&m, config).map_err(msg)?;
            macros::apply(&changes, ticket, config, author).map_err(msg)?;
        }
        if let Some(title) = &rule.then.follow_up {
            self.follow_up(rule, title, ticket);
        }
        if *ticket != before && ticket.updated < self.now {
            ticket.updated = crate::model::whole_seconds(self.now).max(ticket.created);
        }
        Ok(())
    }
}

impl RuleEnv<'_> {
    /// Opens a follow-up of `ticket` titled `title`: its requester, cc, queue
    /// and labels, linked both ways (`relates`), with a line naming `ticket`
    /// as its description. Rules do not run on it.
    fn follow_up(&mut self, rule: &Rule, title: &str, ticket: &mut Ticket) {
        let mut id = crate::model::TicketId::generate();
        while self.opened.iter().any(|t| t.id == id) || id == ticket.id {
            id = crate::model::TicketId::generate();
        }
        let config = self.config;
        let mut t = Ticket::new(
            id,
            title.to_owned(),
            config.workflow.initial.clone(),
            config.priorities.default.clone(),
            self.now,
        );
        t.requester.clone_from(&ticket.requester);
        t.cc.clone_from(&ticket.cc);
        t.queue.clone_from(&ticket.queue);
        t.labels.clone_from(&ticket.labels);
        t.description = format!("Follow-up of ticket {} — {} (rule {}).", ticket.id, ticket.title, rule.name);
        t.links.push(crate::model::link::value("relates", &ticket.id));
        ticket.links.push(crate::model::link::value("relates", &t.id));
        self.opened.push(t);
    }

    fn load_macro(&self, name: &str) -> Result<crate::workflow::macros::Macro, String> {
        let Some(tip) = self.tip else { return Err(format!("no desk branch to read macro '{name}' from")) };
        macros::load(self.store, tip, name).map_err(|e| e.message)
    }
}

/// Adds the problems of the `rules:` section to a check of desk.yaml (`desk
/// config check`, `desk rules check`, `desk doctor`), each at its place:
/// the section's own problems, then each rule's changes checked as `desk
/// set` and `desk label` check them, its agent or team, its macros (when
/// `macros` lists the macros of the branch) and, for a timed rule, a
/// condition its own actions make false.
pub fn check(checker: &mut crate::workflow::Checker<'_>, config: Option<&Config>, macros: Option<&[String]>) {
    use crate::sla::config::yaml_path;
    let Some(config) = config else { return };
    let section = checker.section::<serde_yaml::Value>("rules").flatten();
    let (rules, problems) = rules::parse(section.as_ref(), config);
    for p in problems {
        checker.problem(yaml_path(&p.path), p.message);
    }
    let names: Vec<Option<String>> = section
        .as_ref()
        .and_then(serde_yaml::Value::as_sequence)
        .map(|l| {
            l.iter().map(|r| r.get("name").and_then(serde_yaml::Value::as_str).map(str::to_owned)).collect()
        })
        .unwrap_or_default();
    for rule in &rules.rules {
        let i = names.iter().position(|n| n.as_deref() == Some(rule.name.as_str())).unwrap_or(0);
        for (at, message) in rule_problems(rule, config, macros) {
            checker.problem(yaml_path(&format!("rules[{i}]{at}")), message);
        }
    }
}

/// The problems of one well-formed rule against desk.yaml, as (path within the rule, message).
fn rule_problems(rule: &Rule, config: &Config, macros: Option<&[String]>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Err(e) = FieldChanges::parse(&rule.then.set, config) {
        out.push((".then.set".into(), e.message));
    }
    if let Err(e) = LabelChanges::parse(&rule.then.labels) {
        out.push((".then.labels".into(), e.message));
    }
    match (&rule.then.assign, config.people()) {
        (Some(_), Err(e)) => {
            out.push((".then.assign".into(), format!("desk.yaml's agents cannot be read: {e}")));
        }
        (Some(Assign::Person(p)), Ok(people))
            if people.has_agents()
                && !crate::query::means_me(p)
                && !matches!(people.find(p), crate::workflow::AgentMatch::One(_)) =>
        {
            out.push((".then.assign".into(), format!("'{p}' names no single agent of desk.yaml")));
        }
        (Some(Assign::Pool(pool)), Ok(people)) => {
            if let Some(team) = pool.team.as_ref().filter(|t| people.team(t).is_none()) {
                out.push((".then.assign.team".into(), format!("no team '{team}' in desk.yaml")));
            }
            if let Some(q) = &pool.queue
                && let Err(m) = config.check_queue(q)
            {
                out.push((".then.assign.queue".into(), m));
            }
        }
        _ => {}
    }
    if let Some(known) = macros {
        for (key, name) in [("apply", &rule.then.apply), ("reply", &rule.then.reply)] {
            if let Some(n) = name.as_ref().filter(|n| !known.contains(n)) {
                out.push((format!(".then.{key}"), format!("no macro '{n}' (no file macros/{n}.md)")));
            }
        }
    }
    if rule.is_timed() && !rules::undone_by_own_actions(rule, config) {
        out.push((
            ".if".into(),
            "a timed rule needs a condition its own actions make false (as `-label:escalated` with \
             labels: [+escalated]), or every run would act again"
                .into(),
        ));
    }
    out
}

/// Every check of desk.yaml's text: its sections, SLA policies, rules and mail.
pub fn check_config(text: &str, macros: Option<&[String]>) -> Vec<crate::workflow::Problem> {
    crate::workflow::check_with(text, |c, config| {
        crate::sla::config::check(c, config);
        check(c, config, macros);
        crate::mail::config::check(c, config);
        crate::portal::check(c);
    })
}
