//! `desk rules test`: fixtures — a ticket, an event, the time, and what the
//! rules should do — run against the rules, with a readable difference for
//! every mismatch (docs/rules.md, "Testing rules").

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use serde_yaml::Value as Yaml;

use crate::cli::changes::{FieldChanges, LabelChanges};
use crate::cli::output::{Shown, print_json};
use crate::cli::rules::RuleEnv;
use crate::cli::{CliError, Ctx, Result};
use crate::model::{FieldSource as _, Ticket, TicketId, Visibility, email_of, field};
use crate::query::ClockFacts;
use crate::rules::{By, Happened, Rule, Rules, Trigger};
use crate::store::{Identity, Store, Tip};
use crate::workflow::Config;

/// The directory of the desk branch whose `*.yaml` files are the fixtures.
pub const FIXTURES_DIR: &str = "rules/tests";

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// A fixture file or a directory of them (`*.yaml`) on disk (default: the
    /// desk branch's rules/tests/).
    pub path: Option<PathBuf>,

    /// Test the rules of this desk.yaml on disk instead of the desk branch's.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print a JSON array: each fixture, whether it passed, and its mismatches.
    #[arg(long)]
    pub json: bool,
}

/// One fixture.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    name: String,
    /// When the event happens (RFC 3339; default: now).
    now: Option<String>,
    /// The ticket before the event: field names as in the ticket file.
    ticket: serde_yaml::Mapping,
    event: String,
    /// requester, agent or other (default: requester for create and reply, agent otherwise).
    by: Option<String>,
    /// `status`: the status the ticket moves to.
    status: Option<String>,
    /// `assign`: the new assignee.
    assignee: Option<String>,
    /// `label`: the label changes (`+x`, `-y`).
    #[serde(default)]
    labels: Vec<String>,
    /// `reply`, `note`: the text.
    text: Option<String>,
    /// Open tickets per agent email, for least-load and skills.
    #[serde(default)]
    load: HashMap<String, usize>,
    /// The agent email each round-robin rule assigned last.
    #[serde(default)]
    last: HashMap<String, String>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Exactly these rules fire, in this order.
    fired: Option<Vec<String>>,
    /// These fields have these values afterwards (`null`: no value).
    #[serde(default)]
    ticket: serde_yaml::Mapping,
    /// This many automatic replies and notes were added.
    replies: Option<usize>,
    notes: Option<usize>,
}

/// One fixture's result.
struct Result1 {
    name: String,
    file: String,
    fired: Vec<String>,
    mismatches: Vec<(String, String, String)>,
}

fn text(v: &Yaml) -> String {
    match v {
        Yaml::Null => "(none)".into(),
        Yaml::String(s) => s.clone(),
        Yaml::Sequence(items) => format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(", ")),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

/// Whether a file is a fixture file: `.yaml` or `.yml`.
fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}

/// The fixtures of `path` (a file or a directory), or of the desk branch.
fn load(store: &Store, tip: &Tip, path: Option<&Path>) -> Result<Vec<(String, String)>> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| CliError::input(format!("cannot read {}: {e}", p.display())))
    };
    match path {
        Some(p) if p.is_dir() => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| CliError::input(format!("cannot read {}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| is_yaml(f))
                .collect();
            files.sort();
            files.iter().map(|f| Ok((f.display().to_string(), read(f)?))).collect()
        }
        Some(p) => Ok(vec![(p.display().to_string(), read(p)?)]),
        None => {
            let mut out = Vec::new();
            for (path, blob) in store.files_under(tip.tree, FIXTURES_DIR)? {
                if is_yaml(Path::new(&path)) {
                    out.push((path, String::from_utf8_lossy(&store.blob(blob)?).into_owned()));
                }
            }
            Ok(out)
        }
    }
}

pub fn run(ctx: &Ctx, args: &TestArgs) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::input(format!("cannot read {}: {e}", p.display())))?;
            Config::parse(&text).map_err(|e| CliError::malformed(format!("{}: {e}", p.display())))?
        }
        None => Config::load(&store, &tip)?,
    };
    let rules = Rules::of(&config);
    let files = load(&store, &tip, args.path.as_deref())?;
    if files.is_empty() {
        return Err(CliError::input(format!(
            "no fixtures: no *.yaml file under {FIXTURES_DIR}/ on the desk branch"
        ))
        .hint("write fixtures there, or name a file or directory: desk rules test PATH"));
    }
    let mut results = Vec::new();
    for (file, text) in &files {
        let fixtures: Vec<Fixture> = match serde_yaml::from_str::<Yaml>(text) {
            Ok(Yaml::Sequence(_)) => serde_yaml::from_str(text),
            _ => serde_yaml::from_str::<Fixture>(text).map(|f| vec![f]),
        }
        .map_err(|e| CliError::malformed(format!("{file}: {e}")))?;
        for f in &fixtures {
            results.push(run_one(&store, &tip, &config, &rules, f, file)?);
        }
    }
    let failed = results.iter().filter(|r| !r.mismatches.is_empty()).count();
    if args.json {
        let list: Vec<Value> = results
            .iter()
            .map(|r| {
                let m: Vec<Value> = r
                    .mismatches
                    .iter()
                    .map(|(what, want, got)| json!({"what": what, "expected": want, "got": got}))
                    .collect();
                json!({"name": r.name, "file": r.file, "passed": r.mismatches.is_empty(), "fired": r.fired, "mismatches": m})
            })
            .collect();
        print_json(&list)?;
    } else {
        let mut out = std::io::stdout().lock();
        for r in &results {
            if r.mismatches.is_empty() {
                writeln!(out, "ok    {}", Shown(&r.name))?;
                continue;
            }
            writeln!(out, "FAIL  {} ({})", Shown(&r.name), Shown(&r.file))?;
            for (what, want, got) in &r.mismatches {
                writeln!(out, "      {what}: expected {}", Shown(want))?;
                writeln!(out, "      {:width$}       got {}", "", Shown(got), width = what.len())?;
            }
        }
        out.flush()?;
        say!("{} fixtures, {failed} failed", results.len());
    }
    if failed > 0 { Err(CliError::problems()) } else { Ok(()) }
}

/// The person who plays `by`: the requester, the first agent, or someone else.
fn player(by: By, ticket: &Ticket, config: &Config) -> String {
    match by {
        By::Requester => {
            ticket.requester.clone().unwrap_or_else(|| "Requester <requester@example.com>".into())
        }
        By::Agent => config
            .people()
            .ok()
            .and_then(|p| p.agents.first().map(crate::workflow::Agent::person))
            .unwrap_or_else(|| "Agent <agent@example.com>".into()),
        By::Other | By::Rule => "Someone <someone@example.com>".into(),
    }
}

fn fixture_error(f: &Fixture, file: &str, message: impl std::fmt::Display) -> CliError {
    CliError::malformed(format!("{file}: fixture '{}': {message}", f.name))
}

/// The ticket a fixture starts from.
fn start_ticket(
    f: &Fixture,
    file: &str,
    config: &Config,
    author: &Identity,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let get = |k: &str| f.ticket.get(k).and_then(Yaml::as_str).map(str::to_owned);
    let status = get("status").unwrap_or_else(|| config.workflow.initial.clone());
    config.check_status(&status).map_err(|e| fixture_error(f, file, e))?;
    let priority = get("priority").unwrap_or_else(|| config.priorities.default.clone());
    let title = get("title").unwrap_or_else(|| f.name.clone());
    let id = TicketId::parse("fixture000").unwrap_or_else(TicketId::generate);
    let mut t = Ticket::new(id, title, status, priority, now);
    t.requester = Some("Requester <requester@example.com>".into());
    let mut pairs = Vec::new();
    for (k, v) in &f.ticket {
        let key = k.as_str().unwrap_or_default();
        match (key, v) {
            ("title" | "status", _) => {}
            ("labels", Yaml::Sequence(items)) => t.labels = items.iter().map(text).collect(),
            ("description", v) => t.description = text(v),
            (k, Yaml::Sequence(items)) => pairs.extend(items.iter().map(|i| format!("{k}+={}", text(i)))),
            (k, v) => pairs.push(format!("{k}={}", text(v))),
        }
    }
    FieldChanges::parse(&pairs, config)
        .and_then(|c| c.apply(&mut t, config, author))
        .map_err(|e| fixture_error(f, file, e.message))?;
    Ok(t)
}

fn run_one(
    store: &Store,
    tip: &Tip,
    config: &Config,
    rules: &Rules,
    f: &Fixture,
    file: &str,
) -> Result<Result1> {
    let now = match &f.now {
        Some(n) => DateTime::parse_from_rfc3339(n)
            .map_err(|e| fixture_error(f, file, format!("now: {e}")))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let trigger = Trigger::parse(&f.event)
        .ok_or_else(|| fixture_error(f, file, format!("unknown event '{}'", f.event)))?;
    let by = match f.by.as_deref() {
        None if matches!(trigger, Trigger::Create | Trigger::Reply) => By::Requester,
        None | Some("agent") => By::Agent,
        Some("requester") => By::Requester,
        Some("other") => By::Other,
        Some(o) => return Err(fixture_error(f, file, format!("by: '{o}' is not requester, agent or other"))),
    };
    let base = Identity::new("Agent", "agent@example.com", now)?;
    let before = start_ticket(f, file, config, &base, now)?;
    let actor = player(by, &before, config);
    let author = Identity::new(crate::model::display_name(&actor), email_of(&actor).unwrap_or(""), now)?;
    let mut ticket = before.clone();
    let (happened, clocks) = happen(f, file, trigger, by, &actor, &before, &mut ticket, config, now)?;
    let mut env = RuleEnv::new(store, Some(tip), config, &author);
    env.now = now;
    env.clocks = clocks;
    env.load = Some(f.load.iter().map(|(k, v)| (k.to_lowercase(), *v)).collect());
    env.last = f.last.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
    let list: Vec<&Rule> =
        if trigger.is_timed() { rules.rules.iter().collect() } else { rules.event_rules().collect() };
    let comments_before = ticket.comments.len();
    let outcome = crate::rules::pass(&list, happened, &mut ticket, &mut env);
    let mut mismatches = Vec::new();
    if let Some(want) = &f.expect.fired
        && *want != outcome.fired
    {
        mismatches.push((
            "fired".into(),
            format!("[{}]", want.join(", ")),
            format!("[{}]", outcome.fired.join(", ")),
        ));
    }
    for (k, want) in &f.expect.ticket {
        let key = k.as_str().unwrap_or_default();
        let got = field_value(&ticket, key);
        if !same_value(want, &got) {
            mismatches.push((key.to_owned(), text(want), text(&got)));
        }
    }
    let added = &ticket.comments[comments_before..];
    let count = |v: Visibility| added.iter().filter(|c| c.automated && c.visibility == v).count();
    for (what, want, got) in [
        ("replies", f.expect.replies, count(Visibility::Public)),
        ("notes", f.expect.notes, count(Visibility::Internal)),
    ] {
        if let Some(w) = want.filter(|w| *w != got) {
            mismatches.push((what.into(), w.to_string(), got.to_string()));
        }
    }
    for (rule, why) in &outcome.failed {
        mismatches.push((format!("rule '{rule}'"), "its actions apply".into(), why.clone()));
    }
    Ok(Result1 { name: f.name.clone(), file: file.to_owned(), fired: outcome.fired, mismatches })
}

/// Makes the fixture's event happen to `ticket`: its events, and the clocks
/// of a timed event.
#[allow(clippy::too_many_arguments)]
fn happen(
    f: &Fixture,
    file: &str,
    trigger: Trigger,
    by: By,
    actor: &str,
    before: &Ticket,
    ticket: &mut Ticket,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<(Vec<Happened>, Option<ClockFacts>)> {
    let mut clocks = None;
    let happened: Vec<Happened> = match trigger {
        Trigger::Create => vec![Happened::new(Trigger::Create, by)],
        Trigger::Reply | Trigger::Note => {
            let vis = if trigger == Trigger::Reply { Visibility::Public } else { Visibility::Internal };
            ticket.add_comment(actor.to_owned(), now, vis, f.text.as_deref().unwrap_or("(text)"));
            vec![Happened::new(trigger, by)]
        }
        Trigger::Status => {
            let to =
                f.status.clone().ok_or_else(|| fixture_error(f, file, "a status event needs `status:`"))?;
            config.check_status(&to).map_err(|e| fixture_error(f, file, e))?;
            ticket.status = to;
            crate::rules::events(Some(before), ticket, by, |_| by)
        }
        Trigger::Assign => {
            ticket.assignee.clone_from(&f.assignee);
            vec![Happened::new(Trigger::Assign, by)]
        }
        Trigger::Label => {
            LabelChanges::parse(&f.labels).map_err(|e| fixture_error(f, file, e.message))?.apply(ticket);
            vec![Happened::new(Trigger::Label, by)]
        }
        Trigger::Schedule | Trigger::SlaWarning | Trigger::SlaBreach => {
            let facts = ClockFacts {
                warning: trigger == Trigger::SlaWarning,
                breached: trigger == Trigger::SlaBreach,
                measured: trigger != Trigger::Schedule,
                ..ClockFacts::default()
            };
            clocks = Some(facts);
            let mut h = vec![Happened::new(Trigger::Schedule, By::Rule)];
            if trigger != Trigger::Schedule {
                h.push(Happened::new(trigger, By::Rule));
            }
            h
        }
    };
    Ok((happened, clocks))
}

/// A field's value after the rules, as YAML: a field of the table or a custom field.
fn field_value(t: &Ticket, key: &str) -> Yaml {
    if let Some(def) = field::by_name(key) {
        let v = t.val(def.field);
        if def.is_set() {
            return Yaml::Sequence(v.as_list().iter().map(|s| Yaml::String(s.clone())).collect());
        }
        return v.as_str().map_or(Yaml::Null, |s| Yaml::String(s.to_owned()));
    }
    t.fields.get(key).cloned().unwrap_or(Yaml::Null)
}

/// Whether a value is what a fixture expects: people also by email or name alone, sets in any order.
fn same_value(want: &Yaml, got: &Yaml) -> bool {
    match (want, got) {
        (Yaml::String(w), Yaml::String(g)) => {
            w == g
                || email_of(g).is_some_and(|e| e.eq_ignore_ascii_case(w))
                || crate::model::display_name(g) == w
        }
        (Yaml::Sequence(w), Yaml::Sequence(g)) => {
            w.len() == g.len() && w.iter().all(|x| g.iter().any(|y| same_value(x, y)))
        }
        (w, g) => w == g,
    }
}
