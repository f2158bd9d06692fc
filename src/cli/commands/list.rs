//! `desk list`: the queue, filtered by a query.

use std::cmp::Ordering;

use anstyle::Style;

use crate::cli::output::{self, TicketJson, print_json};
use crate::cli::{CliError, Ctx, Result};
use crate::model::{self, Ticket};
use crate::query::{Context, Fields, Query};
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

Without a status or is: term, only tickets that are not done are listed (--all lists every ticket).
--all, --json, --limit and --sort may also follow the query; after `--` every word is a query term.

Sort fields: priority (most urgent first, then oldest), created (oldest first), updated (most
recent first), status (workflow order), assignee, title, id; a leading - reverses (--sort=-created).";

/// Titles are cut to fit the terminal, but never below this many columns.
const MIN_TITLE_WIDTH: u16 = 12;

/// List tickets: by default those not done, most urgent first.
#[derive(Debug, clap::Args)]
#[command(after_help = QUERY_HELP)]
pub struct Args {
    /// Query terms; see below.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
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
}

/// How to order tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortField {
    Priority,
    Created,
    Updated,
    Status,
    Assignee,
    Title,
    Id,
}

fn parse_sort(s: &str) -> Result<(SortField, bool)> {
    let (reverse, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let field = match name {
        "priority" => SortField::Priority,
        "created" => SortField::Created,
        "updated" => SortField::Updated,
        "status" => SortField::Status,
        "assignee" => SortField::Assignee,
        "title" => SortField::Title,
        "id" => SortField::Id,
        other => {
            return Err(CliError::usage(format!(
                "invalid sort field '{other}'; allowed: priority, created, updated, status, assignee, title, id"
            )));
        }
    };
    Ok((field, reverse))
}

fn compare(a: &Hit<'_>, b: &Hit<'_>, field: SortField) -> Ordering {
    let (x, y) = (a.summary, b.summary);
    let primary = match field {
        SortField::Priority => b.priority_rank.cmp(&a.priority_rank),
        SortField::Created => a.created.cmp(&b.created),
        SortField::Updated => y.updated.cmp(&x.updated),
        SortField::Status => a.status_rank.cmp(&b.status_rank),
        SortField::Assignee => x.assignee.cmp(&y.assignee),
        SortField::Title => a.title_key.cmp(&b.title_key),
        SortField::Id => Ordering::Equal,
    };
    primary.then(a.created.cmp(&b.created)).then_with(|| x.id.cmp(&y.id))
}

/// One listed ticket: its summary, the whole ticket when it had to be loaded,
/// and its sort keys, computed once rather than in every comparison.
struct Hit<'a> {
    entry: &'a IndexEntry<'a>,
    summary: &'a Summary<'a>,
    full: Option<Box<Ticket>>,
    /// Rank in desk.yaml's priorities, -1 for unknown ones.
    priority_rank: i64,
    /// Position in the workflow, unknown statuses last.
    status_rank: usize,
    /// The lowercased title, only when sorting by title.
    title_key: String,
    /// Index of its entry in the index.
    position: usize,
    /// The summary's, kept here for a sort that does not chase pointers.
    created: i64,
}

impl<'a> Hit<'a> {
    fn new(
        entry: &'a IndexEntry<'a>,
        summary: &'a Summary<'a>,
        full: Option<Box<Ticket>>,
        position: usize,
        sort: SortField,
        config: &Config,
    ) -> Self {
        Hit {
            entry,
            summary,
            full,
            position,
            created: summary.created,
            priority_rank: config
                .priority_rank(&summary.priority)
                .map_or(-1, |r| i64::try_from(r).unwrap_or(i64::MAX)),
            status_rank: config
                .workflow
                .statuses
                .iter()
                .position(|x| *x == summary.status)
                .unwrap_or(usize::MAX),
            title_key: if sort == SortField::Title { summary.title.to_lowercase() } else { String::new() },
        }
    }
}

/// The query fields of a ticket's indexed front matter.
pub(crate) fn fields<'a>(s: &'a Summary<'_>) -> Fields<'a> {
    Fields {
        title: &s.title,
        status: &s.status,
        priority: &s.priority,
        queue: s.queue.as_deref(),
        requester: s.requester.as_deref(),
        assignee: s.assignee.as_deref(),
        labels: &s.labels,
        created: s.created,
        updated: s.updated,
    }
}

impl Args {
    /// Picks list's own options out of the query words. clap hands every word
    /// after the first query term to QUERY (a term may start with `-`), so
    /// `desk list label:vpn --all` would otherwise search for the text "-all".
    /// No query term starts with `--`; after a bare `--` every word is a term.
    fn take_trailing_options(&mut self) -> Result<()> {
        let words = std::mem::take(&mut self.query);
        let mut i = 0;
        while i < words.len() {
            let word = words[i].as_str();
            i += 1;
            let (name, inline) = match word.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
                _ => (word, None),
            };
            let mut value = || -> Result<String> {
                if let Some(v) = &inline {
                    return Ok(v.clone());
                }
                i += 1;
                words.get(i - 1).cloned().ok_or_else(|| CliError::usage(format!("{name} needs a value")))
            };
            match name {
                "--all" | "-a" => self.all = true,
                "--json" => self.json = true,
                "--limit" | "-L" => {
                    let v = value()?;
                    self.limit = Some(v.parse().map_err(|_| {
                        CliError::usage(format!("invalid value '{v}' for --limit: a number is needed"))
                    })?);
                }
                "--sort" => self.sort = value()?,
                "--" => {
                    self.query.extend(words[i..].iter().cloned());
                    break;
                }
                n if n.starts_with("--") => {
                    return Err(CliError::usage(format!("unexpected option '{n}' after the query"))
                        .hint("put options other than --all, --json, --limit and --sort before the query"));
                }
                _ => self.query.push(word.to_owned()),
            }
        }
        Ok(())
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut args = Args { query: args.query.clone(), sort: args.sort.clone(), ..*args };
    args.take_trailing_options()?;
    let args = &args;
    let mut query = Query::parse(&args.query)?;
    let sort = parse_sort(&args.sort)?;
    if !args.all && !query.names_state() {
        query = Query::parse(&["is:open"]).map(|mut open| {
            open.terms.extend(query.terms);
            open
        })?;
    }
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    print_list(ctx, &store, &tip, &query, sort, args)
}

fn print_list(
    ctx: &Ctx,
    store: &Store,
    tip: &Tip,
    query: &Query,
    sort: (SortField, bool),
    args: &Args,
) -> Result<()> {
    let config = store.config(tip)?;
    query.validate(&config)?;
    let me = store.signatures().ok().map(|(a, _)| super::person(&a));
    let mctx = Context { config: &config, now: ctx.now.timestamp(), me: me.as_deref() };
    store.with_index(tip, |entries| -> Result<()> {
        let mut hits = Vec::new();
        for (position, entry) in entries.iter().enumerate() {
            let summary = match &entry.summary {
                Ok(s) => s,
                Err((line, message)) => {
                    say!("warning: {}: line {line}: {message}", entry.path);
                    continue;
                }
            };
            let full = match query.matches_fields(&fields(summary), &mctx) {
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
            hits.push(Hit::new(entry, summary, full, position, sort.0, &config));
        }
        // Ties are broken by id, so an unstable sort gives the one order.
        hits.sort_unstable_by(|a, b| {
            let o = compare(a, b, sort.0);
            if sort.1 { o.reverse() } else { o }
        });
        if let Some(n) = args.limit {
            hits.truncate(n);
        }

        if args.json {
            let mut out = Vec::with_capacity(hits.len());
            for hit in hits {
                let ticket = match hit.full {
                    Some(t) => *t,
                    None => store.load_blob_ticket(hit.entry.blob_id(), &hit.entry.path)?,
                };
                out.push(TicketJson::from(&ticket));
            }
            return print_json(&out);
        }
        if hits.is_empty() {
            say!("no tickets match");
            return Ok(());
        }
        let lens = prefix_lengths(entries);

        let mut table =
            output::PlainTable::new(&["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "TITLE"], ctx.color)
                .min_last_width(usize::from(MIN_TITLE_WIDTH));
        let now = ctx.now.timestamp();
        table.reserve(hits.len());
        for hit in &hits {
            let s = hit.summary;
            table.push([
                (s.id[..lens[hit.position]].into(), output::ID),
                (s.status.as_ref().into(), output::status_style(&config, &s.status)),
                (s.priority.as_ref().into(), output::priority_style(&config, &s.priority)),
                (s.assignee.as_deref().map_or("-", model::display_name).into(), Style::new()),
                (output::age(now - s.created).into(), Style::new()),
                (s.title.as_ref().into(), Style::new()),
            ]);
        }
        table.print(&mut anstream::stdout().lock(), output::table_width())
    })?
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
    let args = Args { query: Vec::new(), all: false, json: false, limit: None, sort: "priority".into() };
    let query = Query::parse(&["is:open"])?;
    print_list(ctx, store, &tip, &query, (SortField::Priority, false), &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Result<Args> {
        let mut a = Args {
            query: words.iter().map(|w| (*w).to_owned()).collect(),
            all: false,
            json: false,
            limit: None,
            sort: "priority".into(),
        };
        a.take_trailing_options()?;
        Ok(a)
    }

    #[test]
    fn options_after_the_query_are_options() {
        let a =
            args(&["label:vpn", "--all", "-printer", "--json", "--limit", "3", "--sort=-created"]).unwrap();
        assert_eq!(a.query, ["label:vpn", "-printer"]);
        assert!(a.all && a.json);
        assert_eq!(a.limit, Some(3));
        assert_eq!(a.sort, "-created");
        let a = args(&["x", "-a", "-L", "2", "--sort", "title", "--", "--all", "-a"]).unwrap();
        assert_eq!(a.query, ["x", "--all", "-a"]);
        assert!(a.all);
        assert_eq!((a.limit, a.sort.as_str()), (Some(2), "title"));
        assert_eq!(args(&["x", "--limit", "many"]).unwrap_err().kind, crate::cli::error::Kind::Usage);
        assert_eq!(args(&["x", "--sort"]).unwrap_err().kind, crate::cli::error::Kind::Usage);
        assert!(args(&["x", "--colour"]).unwrap_err().message.contains("--colour"));
        assert_eq!(args(&["-label:spam", "status:new"]).unwrap().query, ["-label:spam", "status:new"]);
    }
}
