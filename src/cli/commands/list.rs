//! `desk list`: the queue, filtered by a query.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use anstyle::Style;

use crate::cli::clocks;
use crate::cli::fields::{self, Fields};
use crate::cli::output::{self, JsonStream, StyledCell, TicketJson};
use crate::cli::select::{self, Stems};
use crate::cli::strict::Strict;
use crate::cli::{CliError, Ctx, Result};
use crate::model;
use crate::model::field::{self, Domain, FIELDS, Field, FieldKind, FieldSource, SortOrder, Val};
use crate::query::{ClockFacts, Context, Query};
use crate::sla::ledger::Ledger;
use crate::store::{IndexEntry, Oid, Shard, Store, Summary, Tip};
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

    /// Print one JSON object per line (NDJSON) instead of an array.
    #[arg(long)]
    pub ndjson: bool,

    #[arg(long, value_name = "FIELDS", help = fields::help())]
    pub fields: Option<Fields>,

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

fn compare(a: &Hit, b: &Hit, sort: Sort) -> Ordering {
    let primary = match sort.field.map_or(SortOrder::Ascending, |f| f.def().sort) {
        SortOrder::Descending => b.key.cmp(&a.key),
        SortOrder::Ascending | SortOrder::None => a.key.cmp(&b.key),
    };
    let primary = if sort.reverse { primary.reverse() } else { primary };
    primary.then(a.created.cmp(&b.created)).then_with(|| a.id.cmp(&b.id))
}

/// How the listing is printed.
enum Output {
    Table,
    /// JSON objects with these keys, as an array or as NDJSON.
    Json {
        fields: Fields,
        ndjson: bool,
    },
}

/// What a hit keeps to be printed: no more than its line of output needs.
enum Shown {
    /// A row of the table; status, priority and assignee as [`Names`].
    Row { status: u32, priority: u32, assignee: u32, title: Box<str> },
    /// Its JSON object, encoded: the keys need nothing beyond the list index.
    Json(Box<[u8]>),
    /// Its ticket file, read when it is printed.
    File { blob: Oid, path: Box<str> },
}

/// One listed ticket: its sort key, computed once rather than in every
/// comparison, and what is shown of it.
struct Hit {
    key: SortKey,
    created: i64,
    id: Box<str>,
    /// Index of its entry among every ticket file's.
    position: u32,
    /// The length of its id's shortest unique prefix, for the table.
    short: u8,
    shown: Shown,
    /// Where its SLA clocks stand, when the query, the sort or the table needs it.
    clocks: Option<ClockFacts>,
}

/// Few distinct values (statuses, priorities, people) kept once each.
#[derive(Default)]
struct Names {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn of(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        self.index.insert(name.to_owned(), i);
        self.names.push(name.to_owned());
        i
    }
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
    let output = if args.json || args.ndjson || args.fields.is_some() {
        Output::Json { fields: args.fields.clone().unwrap_or_else(Fields::all), ndjson: args.ndjson }
    } else {
        Output::Table
    };
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    print_list(ctx, &store, &tip, &query, sort, args, &output)
}

/// What matching and collecting hits need, for every shard.
struct Collect<'a> {
    store: &'a Store,
    query: &'a Query,
    mctx: &'a Context<'a>,
    config: &'a Config,
    sort: Sort,
    strict: &'a Strict,
    output: &'a Output,
    hits: Vec<Hit>,
    names: Names,
    stems: Stems,
}

impl Collect<'_> {
    /// Matches the entries of one shard of the index; text terms read the
    /// search index, and only when fields alone do not decide.
    fn shard(&mut self, shard: &Shard, entries: &[IndexEntry<'_>]) -> Result<()> {
        let first = self.stems.len();
        for e in entries {
            self.stems.push(&e.path);
        }
        let decided =
            select::decide_shard(self.store, shard, entries, self.query, self.mctx, *self.strict, |_| true)?;
        for (i, (entry, selected)) in entries.iter().zip(decided).enumerate() {
            if let (true, Ok(summary)) = (selected, &entry.summary) {
                let position = first + u32::try_from(i).expect("fewer than 2^32 tickets in a shard");
                let hit = self.hit(entry, summary, position)?;
                self.hits.push(hit);
            }
        }
        Ok(())
    }

    fn hit(&mut self, entry: &IndexEntry<'_>, summary: &Summary<'_>, position: u32) -> Result<Hit> {
        let shown = match self.output {
            Output::Table => Shown::Row {
                status: self.names.of(summary.str(Field::Status).unwrap_or("")),
                priority: self.names.of(summary.str(Field::Priority).unwrap_or("")),
                assignee: self.names.of(summary.str(Field::Assignee).map_or("-", model::display_name)),
                title: summary.str(Field::Title).unwrap_or("").into(),
            },
            Output::Json { fields, ndjson } => match fields.of_summary(summary) {
                Some(object) => Shown::Json(JsonStream::<std::io::Sink>::encode(*ndjson, &object)?.into()),
                None => Shown::File { blob: entry.blob_id(), path: entry.path.as_ref().into() },
            },
        };
        Ok(Hit {
            key: self.sort.field.map_or(SortKey::None, |f| sort_key(summary, f, self.config)),
            created: summary.time(Field::Created),
            id: summary.id().into(),
            position,
            short: 0,
            shown,
            clocks: None,
        })
    }
}

fn print_list(
    ctx: &Ctx,
    store: &Store,
    tip: &Tip,
    query: &Query,
    sort: Sort,
    args: &Args,
    output: &Output,
) -> Result<()> {
    let config = Config::load(store, tip)?;
    query.validate(&config)?;
    let me = store.signatures().ok().map(|(a, _)| super::person(&a));
    let mctx = Context { config: &config, now: ctx.now.timestamp(), me: me.as_deref() };
    let mut collect = Collect {
        store,
        query,
        mctx: &mctx,
        config: &config,
        sort,
        strict: &args.strict,
        output,
        hits: Vec::new(),
        names: Names::default(),
        stems: Stems::default(),
    };
    store.for_each_index_shard(tip, |shard, entries| collect.shard(shard, entries))?;
    let Collect { mut hits, names, stems, .. } = collect;
    if let Output::Table = output {
        // In index order, before the sort: one pass through the lengths.
        let lens = stems.prefix_lengths();
        for hit in &mut hits {
            hit.short = u8::try_from(lens[hit.position as usize]).unwrap_or(u8::MAX);
        }
    }
    drop(stems);
    // Clocks for the query and the sort are worked out for every hit; for
    // the DUE column only, for the hits shown.
    let table = matches!(output, Output::Table);
    let needed = query.has_clock_terms() || sort.field.is_none();
    let mut ledger =
        if needed || table { clocks::clock_ledger(ctx, store, tip, &config, needed)? } else { None };
    if let Some(ledger) = ledger.as_mut().filter(|_| needed) {
        judge_clocks(ledger, query, sort, &mut hits)?;
    }
    // Ties are broken by id, so an unstable sort gives the one order.
    hits.sort_unstable_by(|a, b| compare(a, b, sort));
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    let show_due = ledger.is_some() && clocks::has_policies(&config);
    if let Some(ledger) = ledger.as_mut().filter(|_| show_due && !needed && table) {
        judge_clocks(ledger, query, sort, &mut hits)?;
    }
    if let Output::Json { fields, ndjson } = output {
        ctx.page()?;
        return print_json_hits(store, &hits, fields, *ndjson);
    }
    if hits.is_empty() {
        say!("no tickets match");
        return Ok(());
    }
    ctx.page()?;
    print_table(ctx, &config, &hits, &names.names, show_due)?;
    // Freeing every row one by one just before the process ends costs more
    // than printing it.
    std::mem::forget(hits);
    Ok(())
}

/// Works out the SLA clocks of the hits, keeping those the clock terms
/// (`sla:`, `due:`) allow; with `--sort due` their key is the next due time.
fn judge_clocks(ledger: &mut Ledger<'_>, query: &Query, sort: Sort, hits: &mut Vec<Hit>) -> Result<()> {
    let mut kept = Vec::with_capacity(hits.len());
    for mut hit in hits.drain(..) {
        let judged = ledger.clocks(&hit.id)?;
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

/// Prints the hits as JSON, one at a time: a ticket file is read only when
/// its object needs more than the list index holds.
fn print_json_hits(store: &Store, hits: &[Hit], fields: &Fields, ndjson: bool) -> Result<()> {
    let mut out = JsonStream::new(std::io::stdout().lock(), ndjson);
    let whole = *fields == Fields::all();
    for hit in hits {
        match &hit.shown {
            Shown::Json(bytes) => out.push_encoded(bytes)?,
            Shown::File { blob, path } => {
                let ticket = store.load_blob_ticket(*blob, path)?;
                if whole {
                    out.push(&TicketJson(&ticket))?;
                } else {
                    out.push(&fields.of_ticket(&ticket))?;
                }
            }
            Shown::Row { .. } => unreachable!("JSON output keeps JSON or files"),
        }
    }
    out.finish()
}

/// What the table's rows are made from besides the hits.
struct TableCtx<'a> {
    /// The interned names, and the styles of those that are statuses and priorities.
    names: &'a [String],
    status_styles: Vec<Style>,
    priority_styles: Vec<Style>,
    now: i64,
    show_due: bool,
}

fn print_table(ctx: &Ctx, config: &Config, hits: &[Hit], names: &[String], show_due: bool) -> Result<()> {
    let headers: &[&str] = if show_due {
        &["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "DUE", "TITLE"]
    } else {
        &["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "TITLE"]
    };
    let table = output::PlainTable::new(headers, ctx.color).min_last_width(usize::from(MIN_TITLE_WIDTH));
    // A style per distinct name, not per row: rows are made twice (measured, then written).
    let t = TableCtx {
        names,
        status_styles: names.iter().map(|n| output::status_style(config, n)).collect(),
        priority_styles: names.iter().map(|n| output::priority_style(config, n)).collect(),
        now: ctx.now.timestamp(),
        show_due,
    };
    let rows = || hits.iter().map(|hit| row(hit, &t));
    if ctx.color {
        table.print_rows(&mut anstream::stdout().lock(), output::table_width(), rows)
    } else {
        // Nothing to strip: the table writes no style and its cells are made safe.
        table.print_rows(&mut std::io::stdout().lock(), output::table_width(), rows)
    }
}

/// The table's cells of one hit.
fn row<'h>(hit: &'h Hit, t: &'h TableCtx<'h>) -> Vec<StyledCell<'h>> {
    let Shown::Row { status, priority, assignee, title } = &hit.shown else {
        unreachable!("the table keeps rows")
    };
    let (status, priority, assignee) = (*status as usize, *priority as usize, *assignee as usize);
    let id = hit.id.as_ref();
    let mut cells = vec![
        (Cow::Borrowed(id.get(..usize::from(hit.short)).unwrap_or(id)), output::ID),
        (Cow::Borrowed(t.names[status].as_str()), t.status_styles[status]),
        (Cow::Borrowed(t.names[priority].as_str()), t.priority_styles[priority]),
        (Cow::Borrowed(t.names[assignee].as_str()), Style::new()),
        (output::age(t.now - hit.created).into(), Style::new()),
    ];
    if t.show_due {
        let (due, style) = clocks::due_cell(&hit.clocks.unwrap_or_default());
        cells.push((due.into(), style));
    }
    cells.push((Cow::Borrowed(title.as_ref()), Style::new()));
    cells
}

/// Prints the default queue (open tickets, most urgent first) of `store`.
pub fn print_queue(ctx: &Ctx, store: &Store) -> Result<()> {
    let tip = store.require_tip()?;
    let args = Args {
        query: Vec::new(),
        all: false,
        json: false,
        ndjson: false,
        fields: None,
        limit: None,
        sort: "priority".into(),
        strict: Strict::default(),
    };
    let query = Query::parse(&["is:open"], ctx.zone)?;
    let sort = Sort { field: Some(Field::Priority), reverse: false };
    print_list(ctx, store, &tip, &query, sort, &args, &Output::Table)
}
