//! `desk list`: the queue, filtered by a query.

use std::cmp::Ordering;

use anstyle::Style;

use crate::cli::clocks;
use crate::cli::output::{self, TicketJson, print_json};
use crate::cli::strict::Strict;
use crate::cli::{CliError, Ctx, Result};
use crate::model::field::{self, Domain, FIELDS, Field, FieldKind, FieldSource, SortOrder, Val};
use crate::model::{self, Ticket};
use crate::query::{ClockFacts, Context, Query};
use crate::sla::ledger::{Ledger, Moment};
use crate::store::{IndexEntry, Store, Summary, Tip};
use crate::workflow::Config;

const QUERY_HELP: &str = "\
Query terms (ANDed; a comma ORs values; a leading - negates a term):
  status:new,open         is:open | is:done | is:assigned | is:unassigned
  priority:high           priority:>=high (also >, <, <=)
  assignee:me             assignee:none, or part of a name or email (also requester:)
  queue:it                label:printer     -label:spam
  created:>2026-11-01     updated:<7d (an age: updated less than 7 days ago; also 12h, 4w)
  printer \"paper jam\"     words and quoted phrases in title, description and conversation
  sla:breached            a service-level clock is running, paused, met, breached, warning (due
                          soon), or none (no target); due:<2h: business time to the next due
                          (overdue is less than anything); docs/sla.md defines both
Quote terms with < or > for the shell: 'priority:>=high', 'updated:<7d'.

Without a status or is: term, only tickets that are not done are listed (--all lists every ticket).

Options may stand anywhere among the terms. A word that starts with - is an option unless it is a
negated -key:value or '-\"a phrase\"'; an unknown option is an error. After `--` every word is a
query term: `desk list -- -printer` lists the tickets that do not mention printer.

Sort fields: priority (most urgent first, then oldest), created (oldest first), updated (most
recent first), status (workflow order), assignee, title, id, due (the next SLA due time first,
tickets with nothing due last); a leading - reverses (--sort=-created). When desk.yaml has SLA
policies the table shows DUE: business time left, overdue, or paused.";

/// Titles are cut to fit the terminal, but never below this many columns.
const MIN_TITLE_WIDTH: u16 = 12;

/// List tickets: by default those not done, most urgent first.
#[derive(Debug, clap::Args)]
#[command(after_help = QUERY_HELP)]
pub struct Args {
    /// Query terms; see below.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Include done tickets (resolved, closed).
    #[arg(short, long)]
    pub all: bool,

    /// Print a JSON array of tickets.
    #[arg(long)]
    pub json: bool,

    /// Show at most N tickets.
    #[arg(short = 'L', long, value_name = "N")]
    pub limit: Option<usize>,

    /// Sort by FIELD (see below).
    #[arg(long, value_name = "FIELD", default_value = "priority", allow_hyphen_values = true)]
    pub sort: String,

    #[command(flatten)]
    pub strict: Strict,
}

/// The field to sort by (`None`: the next SLA due time) and whether to reverse its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sort {
    field: Option<Field>,
    reverse: bool,
}

fn sort_names() -> Vec<&'static str> {
    FIELDS.iter().filter(|d| d.sort != SortOrder::None).map(|d| d.name).chain(["due"]).collect()
}

fn parse_sort(s: &str) -> Result<Sort> {
    let (reverse, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if name == "due" {
        return Ok(Sort { field: None, reverse });
    }
    match field::by_name(name).filter(|d| d.sort != SortOrder::None) {
        Some(def) => Ok(Sort { field: Some(def.field), reverse }),
        None => {
            Err(CliError::usage(format!("invalid sort field '{name}'; allowed: {}", sort_names().join(", "))))
        }
    }
}

/// A ticket's value of the sort field, ready to compare.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    /// No value: sorts first.
    None,
    /// A time, or a position in desk.yaml's order of the field's values.
    Number(i64),
    /// Text, lowercased.
    Text(String),
}

fn sort_key(summary: &Summary<'_>, field: Field, config: &Config) -> SortKey {
    let rank = |r: Option<usize>| SortKey::Number(r.map_or(-1, |r| i64::try_from(r).unwrap_or(i64::MAX)));
    match (field.def().kind, summary.val(field)) {
        (FieldKind::Enum(Domain::Priority), Val::Str(p)) => rank(config.priority_rank(p)),
        (FieldKind::Enum(Domain::Status), Val::Str(s)) => SortKey::Number(
            config
                .workflow
                .statuses
                .iter()
                .position(|x| x == s)
                .map_or(i64::MAX, |p| i64::try_from(p).unwrap_or(i64::MAX)),
        ),
        (_, Val::Time(t)) => SortKey::Number(t),
        (_, Val::Str(s)) => SortKey::Text(s.to_lowercase()),
        _ => SortKey::None,
    }
}

fn compare(a: &Hit<'_>, b: &Hit<'_>, sort: Sort) -> Ordering {
    let primary = match sort.field.map_or(SortOrder::Ascending, |f| f.def().sort) {
        SortOrder::Descending => b.key.cmp(&a.key),
        SortOrder::Ascending | SortOrder::None => a.key.cmp(&b.key),
    };
    let primary = if sort.reverse { primary.reverse() } else { primary };
    primary.then(a.created.cmp(&b.created)).then_with(|| a.summary.id().cmp(b.summary.id()))
}

/// One listed ticket: its summary, the whole ticket when it had to be loaded,
/// and its sort key, computed once rather than in every comparison.
struct Hit<'a> {
    entry: &'a IndexEntry<'a>,
    summary: &'a Summary<'a>,
    full: Option<Box<Ticket>>,
    key: SortKey,
    /// Index of its entry in the index.
    position: usize,
    /// The summary's creation time, kept here for a sort that does not chase pointers.
    created: i64,
    /// Where its SLA clocks stand, when the query, the sort or the table needs it.
    clocks: Option<ClockFacts>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut query = Query::parse(&args.query, ctx.zone)?;
    let sort = parse_sort(&args.sort)?;
    if !args.all && !query.names_state() {
        query = Query::parse(&["is:open"], ctx.zone).map(|mut open| {
            open.terms.extend(query.terms);
            open
        })?;
    }
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    print_list(ctx, &store, &tip, &query, sort, args)
}

fn print_list(ctx: &Ctx, store: &Store, tip: &Tip, query: &Query, sort: Sort, args: &Args) -> Result<()> {
    let config = Config::load(store, tip)?;
    query.validate(&config)?;
    let me = store.signatures().ok().map(|(a, _)| super::person(&a));
    let mctx = Context { config: &config, now: ctx.now.timestamp(), me: me.as_deref() };
    store.with_index(tip, |entries| -> Result<()> {
        let mut hits = Vec::new();
        for (position, entry) in entries.iter().enumerate() {
            let summary = match &entry.summary {
                Ok(s) => s,
                Err((line, message)) => {
                    args.strict.malformed(&entry.path, *line, message)?;
                    continue;
                }
            };
            let full = match query.matches_fields(summary, &mctx) {
                Some(true) => None,
                Some(false) => continue,
                None => {
                    let ticket = store.load_blob_ticket(entry.blob_id(), &entry.path)?;
                    if !query.matches(&ticket, &mctx) {
                        continue;
                    }
                    Some(Box::new(ticket))
                }
            };
            let key = sort.field.map_or(SortKey::None, |f| sort_key(summary, f, &config));
            let created = summary.time(Field::Created);
            hits.push(Hit { entry, summary, full, key, position, created, clocks: None });
        }
        // Clocks for the query and the sort are worked out for every hit; for
        // the DUE column only, for the hits shown.
        let needed = query.has_clock_terms() || sort.field.is_none();
        let mut ledger =
            if needed || !args.json { clock_ledger(ctx, store, tip, &config, needed)? } else { None };
        if let Some(ledger) = ledger.as_mut().filter(|_| needed) {
            judge_clocks(ledger, query, sort, &mut hits)?;
        }
        // Ties are broken by id, so an unstable sort gives the one order.
        hits.sort_unstable_by(|a, b| compare(a, b, sort));
        if let Some(n) = args.limit {
            hits.truncate(n);
        }
        let show_due = ledger.is_some() && clocks::has_policies(&config);
        if let Some(ledger) = ledger.as_mut().filter(|_| show_due && !needed && !args.json) {
            judge_clocks(ledger, query, sort, &mut hits)?;
        }

        if args.json {
            ctx.page()?;
            let mut out = Vec::with_capacity(hits.len());
            for hit in hits {
                let ticket = match hit.full {
                    Some(t) => *t,
                    None => store.load_blob_ticket(hit.entry.blob_id(), &hit.entry.path)?,
                };
                out.push(ticket);
            }
            let views: Vec<TicketJson<'_>> = out.iter().map(TicketJson).collect();
            return print_json(&views);
        }
        if hits.is_empty() {
            say!("no tickets match");
            return Ok(());
        }
        ctx.page()?;
        print_table(ctx, &config, entries, &hits, show_due)
    })?
}

/// The table of hits: ids as short as they can be among `entries`.
fn print_table(
    ctx: &Ctx,
    config: &Config,
    entries: &[IndexEntry<'_>],
    hits: &[Hit<'_>],
    show_due: bool,
) -> Result<()> {
    let lens = prefix_lengths(entries);

    let headers: &[&str] = if show_due {
        &["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "DUE", "TITLE"]
    } else {
        &["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "TITLE"]
    };
    let mut table = output::PlainTable::new(headers, ctx.color).min_last_width(usize::from(MIN_TITLE_WIDTH));
    let now = ctx.now.timestamp();
    table.reserve(hits.len());
    for hit in hits {
        let s = hit.summary;
        let id = s.id();
        let (status, priority) = (s.str(Field::Status).unwrap_or(""), s.str(Field::Priority).unwrap_or(""));
        let mut row = vec![
            (id.get(..lens[hit.position]).unwrap_or(id).into(), output::ID),
            (status.into(), output::status_style(config, status)),
            (priority.into(), output::priority_style(config, priority)),
            (s.str(Field::Assignee).map_or("-", model::display_name).into(), Style::new()),
            (output::age(now - hit.created).into(), Style::new()),
        ];
        if show_due {
            let (due, style) = clocks::due_cell(&hit.clocks.unwrap_or_default());
            row.push((due.into(), style));
        }
        row.push((s.str(Field::Title).unwrap_or("").into(), Style::new()));
        table.push(row);
    }
    table.print(&mut anstream::stdout().lock(), output::table_width())
}

/// The ledger of SLA clocks: one that must work when the query or the sort
/// needs clocks (`needed`), else one for the DUE column, when desk.yaml has
/// policies desk can read (a broken policy leaves the column out rather than fail).
fn clock_ledger<'s>(
    ctx: &Ctx,
    store: &'s Store,
    tip: &Tip,
    config: &Config,
    needed: bool,
) -> Result<Option<Ledger<'s>>> {
    if needed {
        return clocks::open_ledger(ctx, store, tip, None, None).map(Some);
    }
    if !clocks::has_policies(config) {
        return Ok(None);
    }
    let ledger = Ledger::open(store, tip, Moment { now: ctx.now.timestamp(), within: None }, None)?;
    Ok(ledger.problem().is_none().then_some(ledger))
}

/// Works out the SLA clocks of the hits, keeping those the clock terms
/// (`sla:`, `due:`) allow; with `--sort due` their key is the next due time.
fn judge_clocks(ledger: &mut Ledger<'_>, query: &Query, sort: Sort, hits: &mut Vec<Hit<'_>>) -> Result<()> {
    let mut kept = Vec::with_capacity(hits.len());
    for mut hit in hits.drain(..) {
        let judged = ledger.clocks(hit.summary.id())?;
        let facts = judged.facts();
        if !query.matches_clocks(&facts) {
            continue;
        }
        if sort.field.is_none() {
            hit.key = SortKey::Number(judged.next_due().unwrap_or(i64::MAX));
        }
        hit.clocks = Some(facts);
        kept.push(hit);
    }
    *hits = kept;
    Ok(())
}

/// The length of the shortest unique prefix of each entry's id. Prefixes must
/// be unique among every ticket file, the unreadable ones included: an id
/// prefix resolves against file names.
fn prefix_lengths(entries: &[IndexEntry<'_>]) -> Vec<usize> {
    let stems: Vec<&str> = entries
        .iter()
        .map(|e| e.path.rsplit('/').next().and_then(|n| n.strip_suffix(".md")).unwrap_or(""))
        .collect();
    // Entries are sorted by path, so normally by id as well: then each id's
    // neighbours are at hand and no search is needed.
    if stems.windows(2).all(|w| w[0] < w[1]) {
        return model::unique_prefix_lengths(&stems);
    }
    let mut ids = stems.clone();
    ids.sort_unstable();
    ids.dedup();
    let lens = model::unique_prefix_lengths(&ids);
    stems.iter().map(|id| ids.binary_search(id).map_or(model::MIN_SHORT, |i| lens[i])).collect()
}

/// Prints the default queue (open tickets, most urgent first) of `store`.
pub fn print_queue(ctx: &Ctx, store: &Store) -> Result<()> {
    let tip = store.require_tip()?;
    let args = Args {
        query: Vec::new(),
        all: false,
        json: false,
        limit: None,
        sort: "priority".into(),
        strict: Strict::default(),
    };
    let query = Query::parse(&["is:open"], ctx.zone)?;
    print_list(ctx, store, &tip, &query, Sort { field: Some(Field::Priority), reverse: false }, &args)
}
