//! `desk rules`: list, check, test and explain the automation rules of
//! desk.yaml, and run the timed ones (docs/rules.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

use serde_json::{Value, json};

use crate::cli::clocks::open_ledger;
use crate::cli::output::{self, Shown, print_json};
use crate::cli::rules::{RuleEnv, check_config, role_of, rules_of};
use crate::cli::select;
use crate::cli::strict::Strict;
use crate::cli::ticket_ref::TicketRef;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{Ticket, TicketId};
use crate::query::ClockFacts;
use crate::rules::{By, Happened, Rule, Trigger};
use crate::store::{CONFIG_PATH, Change, StoreError, Written};
use crate::workflow::Config;
use crate::workflow::macros::MACROS_DIR;

mod fixtures;

const FORMAT: &str = "\
Rules are a `rules:` section of desk.yaml on the desk branch (docs/rules.md defines them):

  rules:
    - name: route printers
      on: create                 # create reply note status assign label | schedule sla.warning sla.breach
      if: printer -label:spam    # a list query
      by: requester              # requester agent other rule (who caused the event)
      then:
        set: [queue=it, priority=high]           # as `desk set` takes them
        labels: [+hardware]                      # as `desk label` takes them
        assign: {team: it, strategy: round-robin}   # or least-load, skills; an agent; none
        note: Routed to IT.                      # an automatic internal note
        reply: welcome                           # an automatic reply from macros/welcome.md
        follow_up: Check back in a week          # a new ticket, linked, in the same commit

Event rules run inside the command that changed the ticket and land in its commit with a
`Desk-Rule: NAME` trailer; a rule fires at most once per change, and rules answer the changes
of other rules. Timed rules run with `desk rules run` (cron, CI) and need a condition their
own actions make false. Text written by a rule never counts as a response.";

/// Work with the automation rules of desk.yaml (docs/rules.md).
#[derive(Debug, clap::Args)]
#[command(after_help = FORMAT)]
pub struct Args {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List the rules in the order they run.
    List(ListArgs),
    /// Check the rules against desk.yaml and the macros; exit 3 when there are problems.
    Check(CheckArgs),
    /// Run test fixtures against the rules; exit 3 on any mismatch.
    Test(fixtures::TestArgs),
    /// Show every rule, whether it would fire on a ticket, and which condition failed.
    Explain(ExplainArgs),
    /// Run the timed rules (schedule, sla.warning, sla.breach) on every ticket, as one commit.
    Run(RunArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print a JSON array of rules.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Print a JSON object: the file and its problems.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The ticket: its id or a unique prefix of 4 or more characters.
    pub id: TicketRef,

    /// The event to explain: create, reply, note, status (into the ticket's
    /// status, from the initial one), assign, label, or schedule (with the
    /// ticket's SLA clocks as they are).
    #[arg(long, value_name = "EVENT", default_value = "create")]
    pub event: String,

    /// Who caused the event: requester, agent, other (default: you, as desk.yaml knows you).
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,

    /// Print a JSON array: each rule, whether it fires, and why not.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// List what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print a JSON object: the tickets changed, the rules that fired, the commit.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.command {
        RulesCommand::List(a) => list(ctx, a),
        RulesCommand::Check(a) => check(ctx, a),
        RulesCommand::Test(a) => fixtures::run(ctx, a),
        RulesCommand::Explain(a) => explain(ctx, a),
        RulesCommand::Run(a) => run_timed(ctx, a),
    }
}

fn rule_json(r: &Rule) -> Value {
    json!({
        "name": r.name,
        "on": r.on.iter().map(|t| t.name()).collect::<Vec<_>>(),
        "if": r.condition,
        "timed": r.is_timed(),
    })
}

fn list(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let rules = rules_of(&config, tip.tree);
    if args.json {
        return print_json(&rules.rules.iter().map(rule_json).collect::<Vec<_>>());
    }
    let mut out = std::io::stdout().lock();
    for r in &rules.rules {
        let on: Vec<&str> = r.on.iter().map(|t| t.name()).collect();
        let cond = if r.condition.is_empty() { String::new() } else { format!("  if {}", r.condition) };
        writeln!(out, "{}  on {}{}", Shown(&r.name), on.join(","), Shown(&cond))?;
    }
    out.flush()?;
    if rules.is_empty() {
        say!("no rules in {CONFIG_PATH}");
    }
    Ok(())
}

fn check(ctx: &Ctx, args: &CheckArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let bytes = store
        .read_file(tip.tree, CONFIG_PATH)?
        .ok_or_else(|| StoreError::NotInitialised(store.branch().to_owned()))?;
    let text = String::from_utf8_lossy(&bytes);
    let macros: Vec<String> = store
        .file_names(tip.tree, MACROS_DIR)?
        .iter()
        .filter_map(|f| f.strip_suffix(".md").map(str::to_owned))
        .collect();
    let problems: Vec<_> = check_config(&text, Some(&macros))
        .into_iter()
        .filter(|p| p.path == "rules" || p.path.starts_with("rules[") || p.path.starts_with("rules."))
        .collect();
    let verdict = if problems.is_empty() { Ok(()) } else { Err(CliError::problems()) };
    if args.json {
        let list: Vec<Value> = problems
            .iter()
            .map(|p| json!({"path": p.path, "line": p.line, "column": p.column, "message": p.message}))
            .collect();
        print_json(&json!({"file": CONFIG_PATH, "problems": list}))?;
    } else {
        let mut out = std::io::stdout().lock();
        for p in &problems {
            writeln!(out, "{CONFIG_PATH}:{}:{}: {}", p.line, p.column, Shown(&p.to_string()))?;
        }
        out.flush()?;
        let count = rules_of(&Config::load(&store, &tip)?, tip.tree).rules.len();
        let noun = if problems.len() == 1 { "problem" } else { "problems" };
        say!("checked {count} rules: {} {noun}", problems.len());
    }
    verdict
}

/// Who `--by` names, or the acting user's role for `ticket`.
fn by_of(given: Option<&str>, config: &Config, me: &str, ticket: &Ticket) -> Result<By> {
    match given {
        Some("requester") => Ok(By::Requester),
        Some("agent") => Ok(By::Agent),
        Some("other") => Ok(By::Other),
        Some(other) => {
            Err(CliError::usage(format!("invalid --by '{other}'; allowed: requester, agent, other")))
        }
        None => Ok(role_of(config.people().ok(), me, ticket.requester.as_deref())),
    }
}

fn explain(ctx: &Ctx, args: &ExplainArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let rules = rules_of(&config, tip.tree);
    let found = store.locate(&tip, &args.id.0)?;
    let ticket = store.load_blob_ticket(found.blob, &found.id.path())?;
    let (author, _) = store.signatures()?;
    let by = by_of(args.by.as_deref(), &config, &author.person(), &ticket)?;
    let trigger =
        Trigger::parse(&args.event).filter(|t| !matches!(t, Trigger::SlaWarning | Trigger::SlaBreach));
    let Some(trigger) = trigger else {
        return Err(CliError::usage(format!(
            "invalid --event '{}'; allowed: create, reply, note, status, assign, label, schedule",
            args.event
        )));
    };
    let mut env = RuleEnv::new(&store, Some(&tip), &config, &author);
    env.now = ctx.now;
    let mut happened = vec![Happened::new(trigger, by)];
    if trigger == Trigger::Status {
        happened[0].from = Some(config.workflow.initial.clone());
        happened[0].to = Some(ticket.status.clone());
    }
    let list: Vec<&Rule> = if trigger == Trigger::Schedule {
        let facts = clock_facts(ctx, &store, &tip, &config, &[found.id.to_string()])?;
        env.clocks = facts.get(found.id.as_str()).copied();
        happened.extend(timed_events(env.clocks));
        rules.rules.iter().collect()
    } else {
        rules.event_rules().collect()
    };
    let verdicts = crate::rules::explain(&list, happened, &ticket, &mut env);
    if args.json {
        let list: Vec<Value> =
            verdicts.iter().map(|v| json!({"rule": v.rule, "fires": v.fires, "reason": v.reason})).collect();
        return print_json(&list);
    }
    let mut out = std::io::stdout().lock();
    for v in &verdicts {
        if v.fires {
            writeln!(out, "fires  {}", Shown(&v.rule))?;
        } else {
            writeln!(out, "no     {}  {}", Shown(&v.rule), Shown(&v.reason))?;
        }
    }
    out.flush()?;
    if verdicts.is_empty() {
        say!("no rules answer {} in {CONFIG_PATH}", trigger.name());
    }
    Ok(())
}

/// The timed events of a ticket with clocks `facts`: schedule, then the SLA ones.
fn timed_events(facts: Option<ClockFacts>) -> Vec<Happened> {
    let mut out = vec![Happened::new(Trigger::Schedule, By::Rule)];
    if facts.is_some_and(|f| f.warning) {
        out.push(Happened::new(Trigger::SlaWarning, By::Rule));
    }
    if facts.is_some_and(|f| f.breached) {
        out.push(Happened::new(Trigger::SlaBreach, By::Rule));
    }
    out
}

/// The SLA clocks of `ids`, when desk.yaml has policies.
fn clock_facts(
    ctx: &Ctx,
    store: &crate::store::Store,
    tip: &crate::store::Tip,
    config: &Config,
    ids: &[String],
) -> Result<BTreeMap<String, ClockFacts>> {
    let mut out = BTreeMap::new();
    if !crate::cli::clocks::has_policies(config) {
        return Ok(out);
    }
    let mut ledger = open_ledger(ctx, store, tip, None, None)?;
    for id in ids {
        out.insert(id.clone(), ledger.clocks(id)?.facts());
    }
    Ok(out)
}

/// What `desk rules run` did to one ticket.
struct Ran {
    ticket: Ticket,
    fired: Vec<String>,
}

fn run_timed(ctx: &Ctx, args: &RunArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let rules = rules_of(&config, tip.tree);
    let timed: Vec<&Rule> = rules.timed_rules().collect();
    // Each timed rule's tickets: by the list index, then by their clocks when
    // the rule asks about clocks (each ticket's clocks worked out once).
    let mut ids = BTreeSet::new();
    let mut facts: BTreeMap<String, ClockFacts> = BTreeMap::new();
    let mut ledger = None;
    for r in &timed {
        let query = r.selection();
        for s in select::matching(ctx, &store, &tip, &query, &config, Strict::default())? {
            if query.has_clock_terms() {
                if !crate::cli::clocks::has_policies(&config) {
                    continue;
                }
                if !facts.contains_key(&s.id) {
                    let l = match &mut ledger {
                        Some(l) => l,
                        None => ledger.insert(open_ledger(ctx, &store, &tip, None, None)?),
                    };
                    facts.insert(s.id.clone(), l.clocks(&s.id)?.facts());
                }
                if !query.matches_clocks(&facts[&s.id]) {
                    continue;
                }
            }
            ids.insert(s.id);
        }
    }
    // The clocks of the others too: another rule may ask about them in the pass.
    let missing: Vec<String> = ids.iter().filter(|i| !facts.contains_key(*i)).cloned().collect();
    facts.extend(clock_facts(ctx, &store, &tip, &config, &missing)?);
    let ids: Vec<String> = ids.into_iter().collect();
    let ticket_ids: Vec<TicketId> = ids.iter().filter_map(|i| TicketId::parse(i)).collect();
    let (author, committer) = store.signatures()?;
    let mut ran: Vec<Ran> = Vec::new();
    let mut decide = |tip: &crate::store::Tip, config: &Config| -> Result<Change> {
        ran.clear();
        let rules = rules_of(config, tip.tree);
        let all: Vec<&Rule> = rules.rules.iter().collect();
        let files = select::ticket_files(&store, tip, &ticket_ids)?;
        let mut env = RuleEnv::new(&store, Some(tip), config, &author);
        env.now = ctx.now;
        let mut change = Change::default();
        for id in &ticket_ids {
            let Some((blob, path)) = files.get(id.as_str()) else { continue };
            let mut ticket = store.load_blob_ticket(*blob, path)?;
            if config.is_final(&ticket.status) {
                continue;
            }
            let before = ticket.clone();
            env.clocks = facts.get(id.as_str()).copied();
            let outcome = env.run(&all, timed_events(env.clocks), &mut ticket);
            if ticket != before {
                let one = Change::ticket("rules", &ticket)?;
                change.files.extend(one.files);
                change.tickets.extend(one.tickets);
                ran.push(Ran { ticket, fired: outcome.fired });
            }
        }
        env.sign(&mut change)?;
        let n = change.tickets.len();
        change.summary = format!("rules run: {n} ticket{}", if n == 1 { "" } else { "s" });
        Ok(change)
    };
    let written = if args.dry_run {
        decide(&tip, &config)?;
        Written::Unchanged
    } else {
        store.write(&author, &committer, |tip| -> Result<Option<Change>> {
            let Some(tip) = tip else {
                return Err(StoreError::NotInitialised(store.branch().to_owned()).into());
            };
            let config = Config::load(&store, tip)?;
            let change = decide(tip, &config)?;
            Ok((!change.tickets.is_empty()).then_some(change))
        })?
    };
    report_run(&ran, written, args)
}

fn report_run(ran: &[Ran], written: Written, args: &RunArgs) -> Result<()> {
    let commit = match written {
        Written::Commit(c) => Some(c.to_string()),
        Written::Unchanged => None,
    };
    if args.json {
        let tickets: Vec<Value> = ran
            .iter()
            .map(|r| json!({"id": r.ticket.id.as_str(), "title": r.ticket.title, "rules": r.fired}))
            .collect();
        return print_json(&json!({"dry_run": args.dry_run, "tickets": tickets, "commit": commit}));
    }
    let mut out = std::io::stdout().lock();
    for r in ran {
        let short = &r.ticket.id.as_str()[..crate::model::MIN_SHORT];
        let title = output::terminal_line(&r.ticket.title);
        writeln!(out, "{short}  {title}  ({})", Shown(&r.fired.join(", ")))?;
    }
    out.flush()?;
    let n = ran.len();
    let tickets = if n == 1 { "1 ticket".to_owned() } else { format!("{n} tickets") };
    match (&commit, args.dry_run) {
        (_, true) => say!("would change {tickets}; nothing was written (--dry-run)"),
        (Some(c), false) => say!("changed {tickets} (commit {})", &c[..7]),
        (None, false) => say!("nothing to do"),
    }
    Ok(())
}
