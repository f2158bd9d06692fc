//! `desk report`: the helpdesk's KPIs over a time window, from history.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::chart::{self, Glyphs};
use crate::cli::clocks;
use crate::cli::output::{self, duration, print_json, rfc3339};
use crate::cli::strict::Strict;
use crate::cli::{CliError, Ctx, Result};
use crate::history::{self, History, Sym};
use crate::model::FieldKind;
use crate::model::field::Domain;
use crate::query::{Context, Query};
use crate::report::{
    self, Csat, Definitions, Durations, Fcr, GroupBy, Metrics, Report, SlaCompliance, Window,
};
use crate::sla::ledger::{Ledger, Moment, counted_commits};
use crate::store::{CONFIG_PATH, Store, Tip};
use crate::time::{LATEST, TimeError, When, Zone, check_date, parse_when};
use crate::workflow::Config;

const DEFINITIONS: &str = "\
The window is [--since, --until): from the start of --since up to, not including, --until
(default: the last 30 days, up to and including the current second, so a change committed
just before the report counts). DATE is a day YYYY-MM-DD (a calendar day in local time, TZ, or UTC
with --utc: from its first second to the first second of the next day, so --until DAY includes
that day), a date and time YYYY-MM-DDTHH:MM[:SS] in local time, an RFC 3339 time with its own
zone (2026-11-01T00:00:00+01:00, ...Z), or an age before now such as 12h, 7d, 4w; within the
years 1 to 9999. Only history before the end of the window counts, so a report of a past
window never changes. Event times are commit author times; daily charts count local days.

Definitions:
  created         tickets whose creation falls in the window
  resolved        tickets that entered a done state in the window (a status whose category in
                  desk.yaml is solved, closed or merged)
  reopened        done -> not done status changes in the window
  backlog         tickets that exist and are not done at the end of the window
  first response  creation -> the first response, over tickets created in the window that have
                  one. A response is a public reply (never an internal note) whose author, as
                  written in the ticket (`desk reply --from` names it), is not the requester
                  and, when desk.yaml lists agents, is an agent under any of their addresses.
                  People are compared by email, case-insensitively (by name without one)
  resolution      creation -> the last time the ticket entered a done state, over tickets
                  resolved in the window
  first contact   among tickets resolved in the window, those resolved after exactly one
                  response and never reopened (FCR)
  satisfaction    tickets whose latest rating was given in the window; satisfied: score 4 or 5
  sla             with SLA policies in desk.yaml: per clock, the periods decided in the window,
                  met (at their response or solve) or breached (at their due time); rate =
                  met / measured. Clocks as of the end of the window (docs/sla.md)
Durations: count, mean, median and p90, in whole seconds. Percentiles are nearest-rank (the p-th
percentile of n values is the value at rank ceil(p/100 * n); the median of an even count is the
lower middle). The mean is rounded to the nearest second, a half to the even one (2100.5 -> 2100).
A value with no data is null in JSON, empty in CSV and `-` in the table, never 0.

QUERY limits the report to tickets that match it now (the `desk list` language, e.g.
queue:it -label:spam); --by groups by the ticket's value at the end of the window: priorities
most urgent first, statuses in workflow order (desk.yaml), other values by name, tickets
without a value last. --by requester, assignee and cc group people by email, case-insensitively
(an agent under any of their addresses, shown as desk.yaml names them; anyone else as written
on the group's most recently changed ticket). --as-of DATE|REV prints the report as it would
have been at DATE (the window ends there) or at commit REV (only the history REV contains);
--policy REV measures SLA compliance under REV's desk.yaml. Options may stand anywhere among the terms; a word that starts with - is
an option unless it is a negated -key:value, and after `--` every word is a query term.";

/// Helpdesk KPIs over a time window: volume, backlog, first response,
/// resolution, first-contact resolution and satisfaction.
#[derive(Debug, clap::Args)]
#[command(after_help = DEFINITIONS)]
pub struct Args {
    /// Only tickets matching these query terms (as in `desk list`).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Start of the window (default: 30 days ago).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// End of the window, not included (default: now); a day YYYY-MM-DD is included whole.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Also report per group.
    #[arg(long, value_name = "FIELD", value_parser = by_parser())]
    pub by: Option<GroupBy>,

    /// Print one JSON object.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// Print CSV: one row for all tickets, then one per group, with a header.
    #[arg(long)]
    pub csv: bool,

    /// Also draw charts: created vs resolved and backlog per day, first-response times.
    #[arg(long)]
    pub chart: bool,

    /// Report as desk would have at DATE (the window ends there) or at commit REV
    /// (with only the history REV contains).
    #[arg(long, value_name = "DATE|REV")]
    pub as_of: Option<String>,

    /// Measure SLA compliance with the desk.yaml of revision REV for every event (a what-if).
    #[arg(long, value_name = "REV")]
    pub policy: Option<String>,

    #[command(flatten)]
    pub strict: Strict,
}

/// The values `--by` takes: the query keys of the fields a report can group by.
fn by_parser() -> impl clap::builder::TypedValueParser<Value = GroupBy> {
    use clap::builder::TypedValueParser as _;
    let keys: Vec<&'static str> = GroupBy::choices().into_iter().map(|(k, _)| k).collect();
    clap::builder::PossibleValuesParser::new(keys).map(|key| {
        GroupBy::choices()
            .into_iter()
            .find_map(|(k, by)| (k == key).then_some(by))
            .expect("clap accepts only the listed keys")
    })
}

/// The name of what a report is grouped by, as `--by` takes it.
fn by_name(by: GroupBy) -> &'static str {
    let def = by.0.def();
    def.query.unwrap_or(def.name)
}

/// Reads a window bound with the one date parser ([`parse_when`]): an age
/// before `now`, a day in `zone` (its start, or its end when `end_of_day`), or
/// a time, in the years 1 to 9999.
pub fn parse_bound(value: &str, now: DateTime<Utc>, zone: Zone, end_of_day: bool, flag: &str) -> Result<i64> {
    let invalid = |e: TimeError| CliError::usage(format!("invalid {flag}: {e}"));
    match parse_when(value, zone).map_err(invalid)? {
        // Ages are at most MAX_AGE, so this cannot overflow; it can reach before the year 1.
        When::Age(secs) => check_date(now.timestamp() - secs, value).map_err(|_| {
            CliError::usage(format!("invalid {flag}: age '{value}' reaches back before the year 1"))
        }),
        // The end of 9999-12-31 would be written as the year 10000, which RFC 3339 cannot
        // write; the window then ends a second earlier.
        When::Day(_, end) if end_of_day => Ok(end.min(LATEST - 1)),
        When::Day(start, _) => Ok(start),
        When::Instant(t) => Ok(t),
    }
}

/// The window; `now` is the moment of the report (`--as-of`, else now).
fn window(ctx: &Ctx, now: DateTime<Utc>, args: &Args) -> Result<Window> {
    let until = match &args.until {
        Some(v) => parse_bound(v, now, ctx.zone, true, "--until")?,
        // Up to and including the current second: a change committed just now counts.
        None => now.timestamp() + 1,
    };
    let until = if args.as_of.is_some() { until.min(now.timestamp() + 1) } else { until };
    let from = match &args.since {
        Some(v) => parse_bound(v, now, ctx.zone, false, "--since")?,
        None => now.timestamp() - 30 * 86_400,
    };
    if from >= until {
        return Err(CliError::usage(format!(
            "the window is empty: --since {} is not before --until {}",
            time(from),
            time(until)
        )));
    }
    Ok(Window { from, until })
}

fn time(t: i64) -> String {
    rfc3339(DateTime::from_timestamp(t, 0).unwrap_or_default())
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let query = Query::parse(&args.query, ctx.zone)?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let at = clocks::moment(ctx, &store, args.as_of.as_deref())?;
    let window = window(ctx, DateTime::from_timestamp(at.now, 0).unwrap_or(ctx.now), args)?;
    let config = Config::load(&store, &tip)?;
    query.validate(&config)?;
    let done = config.done_statuses();
    let merged = config.merged_statuses();
    let people = super::people(&config)?;
    let mut ledger = open_ledger(&store, &tip, &config, at, window, args)?;
    let history = match ledger.as_mut() {
        Some(l) => l.history()?,
        None => Rc::new(history::load(&store, &tip)?),
    };
    let mut by_ticket = report::events_by_ticket(&history);
    if let Some(within) = at.within {
        let counted = counted_commits(&store, &history, within)?;
        let commit_of = history.commits.of_events();
        by_ticket.retain(|e| counted[commit_of[e as usize] as usize]);
    }
    let selected = selected(ctx, &store, &tip, &query, &config, &history, args.strict)?;
    let measure = clocks::has_policies(&config) || args.policy.is_some();
    let sla = match ledger.as_mut().filter(|l| measure && l.problem().is_none()) {
        Some(l) => {
            let ids = by_ticket
                .iter()
                .filter(|(t, _)| selected.as_ref().is_none_or(|set| set.contains(t)))
                .map(|(t, _)| (t, history.str(t)));
            Some(compliance(l, ids, window)?)
        }
        None => None,
    };
    let defs = Definitions { done: &done, merged: &merged, people, sla: sla.as_ref() };
    let by = args.by;
    let mut report = report::report(&history, &by_ticket, window, ctx.zone, defs, by, selected.as_ref());
    if let Some(by) = by {
        order_groups(&mut report.groups, by, &config);
    }
    let kb = if args.csv { None } else { kb_usage(&store, &tip, people, &history, &report)? };
    ctx.page()?;
    if args.json {
        return print_json(&ReportJson::new(&report, args.by, kb.as_ref()));
    }
    if args.csv {
        // Data, like JSON: no colour, so not through anstream (which would strip escapes).
        return write_csv(&mut std::io::stdout().lock(), &report, args.by);
    }
    let mut out = anstream::stdout().lock();
    write_table(ctx, &mut out, &report, args.by)?;
    if let Some(kb) = &kb {
        write_kb(&mut out, kb)?;
    }
    if args.chart {
        let width = usize::from(output::table_width().unwrap_or(80)).max(40);
        let glyphs = if output::stdout_is_terminal() { Glyphs::Unicode } else { Glyphs::Ascii };
        writeln!(out)?;
        out.write_all(chart::report_charts(&report, width, glyphs, ctx.zone).as_bytes())?;
    }
    Ok(())
}

/// How articles answered the report's resolved tickets, with the articles' titles.
pub struct KbUsage {
    usage: crate::kb::Usage,
    titles: HashMap<String, String>,
}

/// The knowledge base's part in the resolved tickets, when the branch has
/// articles: each resolved ticket is read at the tip, and its responses (the
/// KPI definition's) are searched for article links.
fn kb_usage(
    store: &Store,
    tip: &Tip,
    people: &crate::workflow::people::People,
    history: &History,
    report: &Report,
) -> Result<Option<KbUsage>> {
    let articles = crate::cli::kb::load_all(store, tip)?;
    if articles.is_empty() {
        return Ok(None);
    }
    let slugs: HashSet<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
    let ids: Vec<crate::model::TicketId> = report
        .resolved_tickets
        .iter()
        .filter_map(|&sym| crate::model::TicketId::parse(history.str(sym)))
        .collect();
    // Found through the list index; a ticket deleted since, or unreadable, has nothing to search.
    let files = crate::cli::select::ticket_files(store, tip, &ids)?;
    let tickets: Vec<crate::model::Ticket> =
        files.values().filter_map(|(blob, path)| store.load_blob_ticket(*blob, path).ok()).collect();
    let usage = crate::kb::usage(&tickets, &slugs, |t, c| {
        c.visibility == crate::model::Visibility::Public
            && !c.automated
            && !c.merged
            && people.is_response(&c.author, t.requester.as_deref())
    });
    let titles = articles.into_iter().map(|a| (a.slug, a.title)).collect();
    Ok(Some(KbUsage { usage, titles }))
}

/// The knowledge-base lines under the table: the share, then the five
/// articles used most.
fn write_kb(out: &mut impl std::io::Write, kb: &KbUsage) -> Result<()> {
    let u = &kb.usage;
    writeln!(
        out,
        "\n{}Knowledge base{:#}: {} of {} resolved answered with an article ({})",
        output::BOLD,
        output::BOLD,
        u.answered,
        u.resolved,
        percent(report::ratio(u.answered, u.resolved))
    )?;
    for (slug, n) in u.articles.iter().take(5) {
        let title = kb.titles.get(slug).map_or("", String::as_str);
        writeln!(out, "  {n:>5}  {slug}  {}", output::Shown(title))?;
    }
    Ok(())
}

/// The tickets QUERY selects (`None`: every ticket), as symbols of `history`.
fn selected(
    ctx: &Ctx,
    store: &Store,
    tip: &Tip,
    query: &Query,
    config: &Config,
    history: &History,
    strict: Strict,
) -> Result<Option<HashSet<Sym>>> {
    if query.terms.is_empty() {
        if strict.strict {
            // Nothing else reads the ticket files: check them for --strict.
            store.with_index(tip, |entries| {
                entries.iter().try_for_each(|entry| match &entry.summary {
                    Ok(_) => Ok(()),
                    Err((line, message)) => strict.malformed(&entry.path, *line, message),
                })
            })??;
        }
        return Ok(None);
    }
    let me = store.signatures().ok().map(|(a, _)| super::person(&a));
    let mctx = Context { config, now: ctx.now.timestamp(), me: me.as_deref() };
    let symbols = history.symbols();
    let mut set = HashSet::new();
    store.with_index(tip, |entries| -> Result<()> {
        for entry in entries {
            let s = match &entry.summary {
                Ok(s) => s,
                Err((line, message)) => {
                    strict.malformed(&entry.path, *line, message)?;
                    continue;
                }
            };
            let hit = match query.matches_fields(s, &mctx) {
                Some(hit) => hit,
                None => query.matches(&store.load_blob_ticket(entry.blob_id(), &entry.path)?, &mctx),
            };
            if hit && let Some(&sym) = symbols.get(s.id()) {
                set.insert(sym);
            }
        }
        Ok(())
    })??;
    Ok(Some(set))
}

/// The ledger, when the report measures SLA compliance (desk.yaml has
/// policies, or `--policy`).
/// Clocks are evaluated at the end of the window, or at the report's moment
/// when that is earlier. A policy problem fails `--policy` and otherwise only
/// leaves SLA compliance out, with a warning.
fn open_ledger<'s>(
    store: &'s Store,
    tip: &Tip,
    config: &Config,
    at: Moment,
    window: Window,
    args: &Args,
) -> Result<Option<Ledger<'s>>> {
    let wanted = clocks::has_policies(config) || args.policy.is_some();
    if !wanted {
        return Ok(None);
    }
    let moment = Moment { now: at.now.min(window.until - 1), within: at.within };
    let policy = args.policy.as_deref().map(|rev| store.resolve_revision(rev)).transpose()?;
    let ledger = Ledger::open(store, tip, moment, policy)?;
    if let Some(problem) = ledger.problem() {
        if policy.is_some() {
            return Err(clocks::policy_error(problem));
        }
        say!(
            "warning: {CONFIG_PATH}: {}: {}; the report leaves out SLA compliance",
            output::Shown(&problem.path),
            output::Shown(&problem.message)
        );
    }
    Ok(Some(ledger))
}

/// Each ticket's SLA periods decided in the window.
fn compliance<'h>(
    ledger: &mut Ledger<'_>,
    ids: impl Iterator<Item = (Sym, &'h str)>,
    window: Window,
) -> Result<HashMap<Sym, SlaCompliance>> {
    let mut out = HashMap::new();
    for (sym, id) in ids {
        let clocks = ledger.clocks(id)?;
        out.insert(sym, crate::sla::compliance::decided(&clocks.cycles, (window.from, window.until)));
    }
    Ok(out)
}

/// Orders the groups of a report by priority (most urgent first) or status
/// (workflow order) as desk.yaml lists them; other fields stay sorted by key.
fn order_groups(groups: &mut [(Option<String>, Metrics)], by: GroupBy, config: &Config) {
    let levels = &config.priorities.levels;
    let statuses = &config.workflow.statuses;
    match by.0.def().kind {
        FieldKind::Enum(Domain::Priority) => {
            report::order_groups(groups, |k| levels.iter().position(|l| l == k).map(|p| levels.len() - p));
        }
        FieldKind::Enum(Domain::Status) => {
            report::order_groups(groups, |k| statuses.iter().position(|s| s == k));
        }
        _ => {}
    }
}

/// `desk report --json`. Field names are part of desk's interface.
#[derive(Debug, Serialize)]
pub struct ReportJson {
    pub from: String,
    pub until: String,
    /// What `groups` are grouped by, as `--by` names it; `null` without `--by`.
    pub by: Option<&'static str>,
    #[serde(flatten)]
    pub metrics: MetricsJson,
    pub groups: Vec<GroupJson>,
    /// How articles answered the resolved tickets; `null` without articles.
    pub kb: Option<KbJson>,
}

/// The knowledge base's share in the answers (docs/reports.md, "Knowledge base").
#[derive(Debug, Serialize)]
pub struct KbJson {
    pub resolved: usize,
    pub answered: usize,
    pub rate: Option<f64>,
    pub articles: Vec<KbArticleJson>,
}

#[derive(Debug, Serialize)]
pub struct KbArticleJson {
    pub slug: String,
    pub title: String,
    pub tickets: usize,
}

/// One group: its key (null for tickets without a value) and its KPIs.
#[derive(Debug, Serialize)]
pub struct GroupJson {
    pub key: Option<String>,
    #[serde(flatten)]
    pub metrics: MetricsJson,
}

/// The KPIs of a set of tickets.
#[derive(Debug, Serialize)]
pub struct MetricsJson {
    pub created: usize,
    pub resolved: usize,
    pub reopened: usize,
    pub backlog: usize,
    pub first_response: DurationsJson,
    pub resolution: DurationsJson,
    pub fcr: FcrJson,
    pub csat: CsatJson,
    /// Per clock; `null` when desk.yaml has no SLA policies.
    pub sla: Option<BTreeMap<&'static str, ComplianceJson>>,
}

#[derive(Debug, Serialize)]
pub struct ComplianceJson {
    pub measured: usize,
    pub met: usize,
    pub breached: usize,
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct DurationsJson {
    pub count: usize,
    pub mean_seconds: Option<i64>,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct FcrJson {
    pub resolved: usize,
    pub first_contact: usize,
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct CsatJson {
    pub responses: usize,
    pub satisfied: usize,
    pub rate: Option<f64>,
    pub mean_score: Option<f64>,
}

impl From<&Durations> for DurationsJson {
    fn from(d: &Durations) -> Self {
        DurationsJson {
            count: d.count,
            mean_seconds: d.mean_seconds,
            median_seconds: d.median_seconds,
            p90_seconds: d.p90_seconds,
        }
    }
}

impl From<&Metrics> for MetricsJson {
    fn from(m: &Metrics) -> Self {
        let Fcr { resolved, first_contact, rate } = m.fcr;
        let Csat { responses, satisfied, rate: csat_rate, mean_score } = m.csat;
        MetricsJson {
            created: m.created,
            resolved: m.resolved,
            reopened: m.reopened,
            backlog: m.backlog,
            first_response: (&m.first_response).into(),
            resolution: (&m.resolution).into(),
            fcr: FcrJson { resolved, first_contact, rate },
            csat: CsatJson { responses, satisfied, rate: csat_rate, mean_score },
            sla: m.sla.map(|sla| {
                sla.clocks()
                    .into_iter()
                    .map(|(name, c)| {
                        let json = ComplianceJson {
                            measured: c.measured,
                            met: c.met,
                            breached: c.breached,
                            rate: c.rate(),
                        };
                        (name, json)
                    })
                    .collect()
            }),
        }
    }
}

impl ReportJson {
    pub fn new(r: &Report, by: Option<GroupBy>, kb: Option<&KbUsage>) -> Self {
        ReportJson {
            kb: kb.map(|k| KbJson {
                resolved: k.usage.resolved,
                answered: k.usage.answered,
                rate: report::ratio(k.usage.answered, k.usage.resolved),
                articles: k
                    .usage
                    .articles
                    .iter()
                    .map(|(slug, n)| KbArticleJson {
                        slug: slug.clone(),
                        title: k.titles.get(slug).cloned().unwrap_or_default(),
                        tickets: *n,
                    })
                    .collect(),
            }),
            from: time(r.window.from),
            until: time(r.window.until),
            by: by.map(by_name),
            metrics: (&r.overall).into(),
            groups: r.groups.iter().map(|(k, m)| GroupJson { key: k.clone(), metrics: m.into() }).collect(),
        }
    }
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the CSV. Like `ls`, it shows group keys (labels, people) made safe
/// for a terminal when it writes to one, and exactly as they are otherwise.
fn write_csv(out: &mut impl std::io::Write, r: &Report, by: Option<GroupBy>) -> Result<()> {
    let terminal = output::stdout_is_terminal();
    let d = ["count", "mean_seconds", "median_seconds", "p90_seconds"];
    let mut header = vec!["by".to_owned(), "key".into(), "created".into(), "resolved".into()];
    header.extend(["reopened".into(), "backlog".into()]);
    for m in ["first_response", "resolution"] {
        header.extend(d.iter().map(|x| format!("{m}_{x}")));
    }
    header.extend(["fcr_resolved", "fcr_first_contact", "fcr_rate"].map(str::to_owned));
    header.extend(["csat_responses", "csat_satisfied", "csat_rate", "csat_mean_score"].map(str::to_owned));
    for clock in ["first_response", "next_response", "resolution"] {
        header.extend(["measured", "met", "breached", "rate"].map(|x| format!("sla_{clock}_{x}")));
    }
    writeln!(out, "{}", header.join(","))?;
    let row = |by: &str, key: &str, m: &Metrics| {
        let dur = |x: &Durations| {
            [x.count.to_string(), num(x.mean_seconds), num(x.median_seconds), num(x.p90_seconds)]
        };
        let key = if terminal { output::terminal_line(key) } else { key.into() };
        let mut cells =
            vec![by.to_owned(), output::csv_cell(&key), m.created.to_string(), m.resolved.to_string()];
        cells.extend([m.reopened.to_string(), m.backlog.to_string()]);
        cells.extend(dur(&m.first_response));
        cells.extend(dur(&m.resolution));
        cells.extend([m.fcr.resolved.to_string(), m.fcr.first_contact.to_string(), num(m.fcr.rate)]);
        cells.extend([m.csat.responses.to_string(), m.csat.satisfied.to_string()]);
        cells.extend([num(m.csat.rate), num(m.csat.mean_score)]);
        match &m.sla {
            Some(sla) => {
                for (_, c) in sla.clocks() {
                    cells.extend([
                        c.measured.to_string(),
                        c.met.to_string(),
                        c.breached.to_string(),
                        num(c.rate()),
                    ]);
                }
            }
            None => cells.extend(std::iter::repeat_n(String::new(), 12)),
        }
        cells.join(",")
    };
    writeln!(out, "{}", row("all", "", &r.overall))?;
    if let Some(by) = by {
        for (key, m) in &r.groups {
            writeln!(out, "{}", row(by_name(by), key.as_deref().unwrap_or(""), m))?;
        }
    }
    Ok(())
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

fn dur(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_owned(), duration)
}

fn durations_line(d: &Durations) -> String {
    if d.count == 0 {
        return "-".to_owned();
    }
    format!(
        "{} ticket{} · mean {} · median {} · p90 {}",
        d.count,
        if d.count == 1 { "" } else { "s" },
        dur(d.mean_seconds),
        dur(d.median_seconds),
        dur(d.p90_seconds)
    )
}

fn write_table(ctx: &Ctx, out: &mut impl std::io::Write, r: &Report, by: Option<GroupBy>) -> Result<()> {
    let bold = output::BOLD;
    let shown = |t: i64| output::human_time(DateTime::from_timestamp(t, 0).unwrap_or_default(), ctx.zone);
    writeln!(out, "{bold}Helpdesk report{bold:#} {} → {}", shown(r.window.from), shown(r.window.until))?;
    let m = &r.overall;
    let mut table = output::Table::new(ctx.color);
    let csat = if m.csat.responses == 0 {
        "-".to_owned()
    } else {
        format!(
            "{} of {} satisfied ({}) · mean score {:.2}",
            m.csat.satisfied,
            m.csat.responses,
            percent(m.csat.rate),
            m.csat.mean_score.unwrap_or_default()
        )
    };
    for (k, v) in [
        ("created", m.created.to_string()),
        ("resolved", m.resolved.to_string()),
        ("reopened", m.reopened.to_string()),
        ("backlog", m.backlog.to_string()),
        ("first response", durations_line(&m.first_response)),
        ("resolution", durations_line(&m.resolution)),
        (
            "first contact",
            format!("{} of {} resolved ({})", m.fcr.first_contact, m.fcr.resolved, percent(m.fcr.rate)),
        ),
        ("satisfaction", csat),
    ] {
        table.row([k.to_owned(), v]);
    }
    if let Some(sla) = &m.sla {
        for (name, c) in sla.clocks() {
            let line = if c.measured == 0 {
                "-".to_owned()
            } else {
                format!("{} of {} met ({}) · {} breached", c.met, c.measured, percent(c.rate()), c.breached)
            };
            table.row([format!("sla {}", name.replace('_', " ")), line]);
        }
    }
    table.print(out)?;
    match by {
        Some(by) => write_groups(ctx, out, r, by),
        None => Ok(()),
    }
}

/// The per-group table of `--by`.
fn write_groups(ctx: &Ctx, out: &mut impl std::io::Write, r: &Report, by: GroupBy) -> Result<()> {
    writeln!(out)?;
    let mut table = output::Table::new(ctx.color);
    table.header(
        &[
            by_name(by).to_uppercase().as_str(),
            "CREATED",
            "RESOLVED",
            "REOPENED",
            "BACKLOG",
            "FRT",
            "TTR",
            "FCR",
            "CSAT",
        ]
        .into_iter()
        .chain(r.overall.sla.map(|_| "SLA"))
        .collect::<Vec<_>>(),
    );
    for (key, m) in &r.groups {
        let key = match (key, by) {
            (None, _) => "(none)".to_owned(),
            (Some(k), by) if matches!(by.0.def().kind, FieldKind::Person | FieldKind::People) => {
                crate::model::display_name(k).to_owned()
            }
            (Some(k), _) => k.clone(),
        };
        table.row(
            [
                key,
                m.created.to_string(),
                m.resolved.to_string(),
                m.reopened.to_string(),
                m.backlog.to_string(),
                dur(m.first_response.median_seconds),
                dur(m.resolution.median_seconds),
                percent(m.fcr.rate),
                percent(m.csat.rate),
            ]
            .into_iter()
            .chain(m.sla.map(|sla| percent(met_rate(&sla))))
            .collect::<Vec<_>>(),
        );
    }
    table.print(out)?;
    writeln!(out, "{GROUP_LEGEND}")?;
    if r.overall.sla.is_some() {
        writeln!(out, "SLA: share of SLA periods met, all clocks together")?;
    }
    Ok(())
}

/// The share of SLA periods met, over all three clocks.
fn met_rate(sla: &SlaCompliance) -> Option<f64> {
    let (met, measured) = sla.clocks().iter().fold((0, 0), |(m, n), (_, c)| (m + c.met, n + c.measured));
    #[allow(clippy::cast_precision_loss)] // counts of periods
    (measured > 0).then(|| met as f64 / measured as f64)
}

/// What the short headings of the per-group table mean (they keep it within 80 columns).
const GROUP_LEGEND: &str = "\
FRT, TTR: median first response and resolution times
FCR: first-contact resolution; CSAT: share of satisfied ratings";
