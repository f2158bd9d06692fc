//! `desk import`: another tracker's tickets with their history — GitHub issues,
//! CSV exports, desk's own JSON export — as commits at their original times
//! (docs/import.md). `desk import mbox` is `desk mail import --mbox`.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::output::print_json;
use crate::cli::{CliError, Ctx, Result};
use crate::import::{self, Record, Skipped};
use crate::model::{self, Field, FieldSource as _, TicketId};
use crate::store::{Change, Identity, Landed, Mark, PackWriter, Store, Tip, Who, summary_line};
use crate::workflow::Config;

const ABOUT: &str = "\
Every ticket's creation, comments, status, label and assignment changes become commits with
their original authors and times, in time order, so `desk report` and `desk sla --as-of` work
on the imported past. Each ticket records where it came from (origin: github:OWNER/REPO#N,
csv:SOURCE#KEY); running the same import again adds only what is new. A record that cannot be
imported is reported with its position and skipped (--strict stops instead). The desk branch
moves once, at the end: an import that fails or is interrupted leaves it as it was.
docs/import.md has the mapping of each format.

Examples:
  gh issue list --state all --limit 100000 --json number,title,body,state,author,assignees,labels,comments,createdAt,closedAt,url > issues.json
  desk import github issues.json --user octocat='Mona Lisa <mona@example.com>'
  desk import csv jira.csv --map key='Issue key',title=Summary,requester=Reporter,created=Created,status=Status,comment=Comment --status 'Done=resolved' --date-format '%d/%b/%y %I:%M %p'
  desk export --format json -o all.json && desk import json all.json
  desk import mbox archive.mbox";

/// Import tickets with their history from GitHub, a CSV file, desk's JSON export or an mbox.
#[derive(Debug, clap::Args)]
#[command(after_help = ABOUT)]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
}

/// Where the tickets come from.
#[derive(Debug, clap::Subcommand)]
pub enum Source {
    Github(GithubArgs),
    Csv(CsvArgs),
    Json(JsonArgs),
    Mbox(MboxArgs),
}

/// What every import takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Read everything and say what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop at the first record that cannot be imported, importing nothing.
    #[arg(long)]
    pub strict: bool,
    /// Print a JSON summary (`import` in docs/json.md).
    #[arg(long)]
    pub json: bool,
}

/// Import GitHub issues: `gh issue list --json …` output, or REST API issue, comment and event objects.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
FILE is the JSON `gh issue list --json number,title,body,state,author,assignees,labels,
comments,createdAt,closedAt,url` prints, or REST API objects (issues, issue comments, issue
events from /repos/O/R/issues/events): an array, one object, or one per line. A directory
stands for every *.json file in it. Users become `NAME <LOGIN@users.noreply.github.com>`
unless --user says otherwise; a closed issue gets desk.yaml's solved status (--closed).")]
pub struct GithubArgs {
    /// JSON files, or directories of them.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// OWNER/REPO, for issues whose URL does not say.
    #[arg(long, value_name = "OWNER/REPO")]
    pub github_repo: Option<String>,
    /// A GitHub login as a person (`octocat='Mona Lisa <mona@example.com>'`); repeatable.
    #[arg(long = "user", value_name = "LOGIN=PERSON")]
    pub users: Vec<String>,
    /// The status of a closed issue (default: desk.yaml's first of category solved).
    #[arg(long, value_name = "STATUS")]
    pub closed: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Import a CSV file (Jira, Zendesk, any spreadsheet): one ticket per row.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
--map names the column of each field: key, title (required), description, requester,
assignee, status, priority, queue, labels, cc, created (required), updated, resolved,
comment, note, field.NAME (a custom field). A header that names several columns (Jira's
repeated Comment) gives them all. A comment or note cell is `TIME;AUTHOR;TEXT` (Jira's form)
or the text alone. Times are tried with each --date-format (chrono's strftime), then RFC 3339
and YYYY-MM-DD[ HH:MM[:SS]], in local time (TZ; UTC with --utc) when they have no zone.")]
pub struct CsvArgs {
    /// The CSV file (UTF-8, with a header row).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// FIELD=COLUMN pairs, comma-separated; repeatable.
    #[arg(long, value_name = "FIELD=COLUMN,…", required = true)]
    pub map: Vec<String>,
    /// Source status to desk status (`'Done=resolved,In Progress=open'`); repeatable.
    #[arg(long = "status", value_name = "VALUE=STATUS,…")]
    pub statuses: Vec<String>,
    /// Source priority to desk priority (`'Highest=urgent'`); repeatable.
    #[arg(long = "priority", value_name = "VALUE=PRIORITY,…")]
    pub priorities: Vec<String>,
    /// A strftime format times are read with first (`'%d/%b/%y %I:%M %p'`); repeatable.
    #[arg(long = "date-format", value_name = "FORMAT")]
    pub date_formats: Vec<String>,
    /// The source's name in origins, csv:SOURCE#KEY (default: the file name without extension).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The field separator (default `,`).
    #[arg(long, value_name = "CHAR", default_value = ",")]
    pub delimiter: char,
    #[command(flatten)]
    pub common: Common,
}

/// Import desk's own JSON or NDJSON export (`desk export --format json`), keeping ticket ids.
#[derive(Debug, clap::Args)]
pub struct JsonArgs {
    /// The export.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

/// Import every message of an mbox file, as `desk mail import --mbox FILE` does.
#[derive(Debug, clap::Args)]
pub struct MboxArgs {
    /// The mbox file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The queue of new tickets (default: from desk.yaml's mail.queues by recipient).
    #[arg(long, value_name = "QUEUE")]
    pub queue: Option<String>,
    /// Print one JSON object per message (JSON lines), as `desk mail import --json`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    let (common, what) = match &args.source {
        Source::Github(a) => (&a.common, "GitHub issues"),
        Source::Csv(a) => (&a.common, "CSV rows"),
        Source::Json(a) => (&a.common, "tickets"),
        Source::Mbox(_) => return Err(CliError::internal("desk import mbox is desk mail import")),
    };
    let mut importer = Importer::new(ctx, &store, tip, &config, common)?;
    importer.progress.set_message(format!("reading {what}"));
    match &args.source {
        Source::Github(a) => read_github(&mut importer, &config, a)?,
        Source::Csv(a) => read_csv(&mut importer, ctx, &config, a)?,
        Source::Json(a) => read_json(&mut importer, &config, &a.file)?,
        Source::Mbox(_) => {}
    }
    let summary = importer.finish()?;
    summary.print(common.json)
}

/// Splits `A=B,C=D` lists (repeatable options) into pairs.
fn pairs(items: &[String], option: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for item in items {
        for pair in item.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| CliError::usage(format!("--{option} '{pair}' is not of the form A=B")))?;
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(out)
}

fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))
}

fn read_github(importer: &mut Importer<'_>, config: &Config, args: &GithubArgs) -> Result<()> {
    let mut users = HashMap::new();
    for (login, who) in pairs(&args.users, "user")? {
        users.insert(login.to_lowercase(), who);
    }
    let closed = match &args.closed {
        Some(s) => {
            config.check_status(s).map_err(CliError::usage)?;
            s.clone()
        }
        None => config
            .solved_status()
            .ok_or_else(|| CliError::config("desk.yaml has no status of category solved or closed"))?
            .to_owned(),
    };
    let map = import::github::Mapping { config, repo: args.github_repo.clone(), users, closed };
    let mut reader = import::github::Reader::default();
    for file in json_files(&args.files)? {
        each_item(&file, |position, v| match reader.push(&map, &position, &v) {
            Ok(Some(record)) => importer.add(record),
            Ok(None) => Ok(()),
            Err(skipped) => importer.skip(skipped),
        })?;
    }
    for record in reader.finish() {
        importer.add(record)?;
    }
    Ok(())
}

/// The files given, a directory standing for its `*.json` files (sorted).
fn json_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p)
                .map_err(|e| CliError::input(format!("cannot read {}: {e}", p.display())))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json") && f.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_csv(importer: &mut Importer<'_>, ctx: &Ctx, config: &Config, args: &CsvArgs) -> Result<()> {
    let mut columns = Vec::new();
    for (field, column) in pairs(&args.map, "map")? {
        let target = import::csv::Target::parse(&field).ok_or_else(|| {
            CliError::usage(format!("--map: unknown field '{field}'; known: {}", import::csv::Target::NAMES))
        })?;
        columns.push((target, column));
    }
    let delimiter = u8::try_from(args.delimiter)
        .map_err(|_| CliError::usage("--delimiter must be one ASCII character"))?;
    let source = args.source.clone().unwrap_or_else(|| {
        args.file.file_stem().map_or_else(|| "csv".to_owned(), |s| s.to_string_lossy().into_owned())
    });
    let map = import::csv::Mapping {
        config,
        source,
        columns,
        statuses: pairs(&args.statuses, "status")?.into_iter().collect(),
        priorities: pairs(&args.priorities, "priority")?.into_iter().collect(),
        date_formats: args.date_formats.clone(),
        zone: ctx.zone,
    };
    for status in map.statuses.values() {
        config.check_status(status).map_err(|e| CliError::usage(format!("--status: {e}")))?;
    }
    for priority in map.priorities.values() {
        config.check_priority(priority).map_err(|e| CliError::usage(format!("--priority: {e}")))?;
    }
    let name = args.file.display().to_string();
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(open(&args.file)?);
    let headers = reader.headers().map_err(|e| CliError::input(format!("{name}: {e}")))?.clone();
    let columns = map.columns(&headers).map_err(|e| CliError::usage(format!("{name}: {e}")))?;
    let mut row = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                let line = row.position().map_or(line, csv::Position::line);
                match columns.record(&map, format!("{name}:{line}"), line, &row) {
                    Ok(record) => importer.add(record)?,
                    Err(skipped) => importer.skip(skipped)?,
                }
            }
            Err(e) if e.is_io_error() => return Err(CliError::input(format!("{name}: {e}"))),
            Err(e) => importer.skip(Skipped { position: format!("{name}:{line}"), reason: e.to_string() })?,
        }
    }
    Ok(())
}

fn read_json(importer: &mut Importer<'_>, config: &Config, file: &Path) -> Result<()> {
    each_item(file, |position, v| match import::desk::record(config, position.clone(), &v) {
        Ok(record) => importer.add(record),
        Err(reason) => importer.skip(Skipped { position, reason }),
    })
}

/// Calls `f` with each JSON value of `file` and its position (`FILE: item N`);
/// the first error `f` returns ends the reading and is returned as it is.
fn each_item(file: &Path, mut f: impl FnMut(String, serde_json::Value) -> Result<()>) -> Result<()> {
    let name = file.display().to_string();
    let mut failed = None;
    import::each_json_value(open(file)?, |i, v| {
        f(format!("{name}: item {}", i + 1), v).map_err(|e| {
            let message = e.message.clone();
            failed = Some(e);
            message
        })
    })
    .map_err(|e| failed.take().unwrap_or_else(|| CliError::input(format!("{name}: not JSON: {e}"))))
}

/// A record's position and origin, its ticket's id, whether it was imported
/// before, and its plan.
type Planned = (String, String, TicketId, bool, std::result::Result<import::Plan, String>);

/// Records planned together, on every core.
const BATCH: usize = 512;

/// A record with the ticket it adds to (when imported before) and its id.
struct Resolved {
    record: Record,
    existing: Option<crate::model::Ticket>,
    id: TicketId,
}

/// A commit to make, once every record is read.
struct Pending {
    time: i64,
    /// Index into [`Importer::people`]; `None`: whoever runs the import.
    author: Option<u32>,
    mark: Mark,
    /// Index into [`Importer::tickets`].
    ticket: u32,
    verb: &'static str,
}

/// The tickets, commits and problems of one import.
struct Importer<'a> {
    store: &'a Store,
    tip: Tip,
    strict: bool,
    /// Tickets on the branch, by origin.
    by_origin: HashMap<String, TicketId>,
    /// Origins and ids of the tickets of this import so far.
    seen: HashSet<String>,
    me: Identity,
    writer: Option<PackWriter>,
    pending: Vec<Pending>,
    limits: crate::workflow::Limits,
    /// Records resolved, waiting to be planned.
    batch: Vec<Resolved>,
    people: Vec<String>,
    person_index: HashMap<String, u32>,
    /// Id, origin and title of each ticket with commits.
    tickets: Vec<(TicketId, String, String)>,
    summary: Summary,
    progress: indicatif::ProgressBar,
}

/// What an import did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    dry_run: bool,
    created: usize,
    updated: usize,
    comments: usize,
    commits: usize,
    commit: Option<String>,
    skipped: Vec<SkippedJson>,
}

#[derive(Debug, Serialize)]
struct SkippedJson {
    position: String,
    reason: String,
}

impl<'a> Importer<'a> {
    fn new(ctx: &Ctx, store: &'a Store, tip: Tip, config: &Config, common: &Common) -> Result<Importer<'a>> {
        let (_, committer) = store.signatures()?;
        let importer = Identity::new(committer.name(), committer.email(), ctx.now)?;
        let by_origin = store.with_index(&tip, |entries| {
            entries
                .iter()
                .filter_map(|e| {
                    let s = e.summary.as_ref().ok()?;
                    let origin = s.val(Field::Origin).as_str()?.to_owned();
                    Some((origin, TicketId::parse(s.id())?))
                })
                .collect()
        })?;
        let writer = if common.dry_run { None } else { Some(store.pack_writer()?) };
        let progress = if std::io::stderr().is_terminal() && !common.json {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}: {human_pos} [{elapsed}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        Ok(Importer {
            store,
            tip,
            strict: common.strict,
            by_origin,
            seen: HashSet::new(),
            me: importer,
            writer,
            pending: Vec::new(),
            batch: Vec::new(),
            limits: config.limits.clone(),
            people: Vec::new(),
            person_index: HashMap::new(),
            tickets: Vec::new(),
            summary: Summary { dry_run: common.dry_run, ..Summary::default() },
            progress,
        })
    }

    fn skip(&mut self, skipped: Skipped) -> Result<()> {
        let message = format!("{}: {}", skipped.position, skipped.reason);
        if self.strict {
            return Err(CliError::input(message)
                .hint("nothing was imported; fix the record, or leave out --strict to skip it"));
        }
        self.progress
            .suspend(|| eprintln!("warning: skipped {}", crate::cli::output::terminal_line(&message)));
        self.summary.skipped.push(SkippedJson { position: skipped.position, reason: skipped.reason });
        Ok(())
    }

    fn person(&mut self, who: Option<String>) -> Option<u32> {
        let who = who?;
        if let Some(&i) = self.person_index.get(&who) {
            return Some(i);
        }
        let i = u32::try_from(self.people.len()).unwrap_or(u32::MAX);
        self.people.push(who.clone());
        self.person_index.insert(who, i);
        Some(i)
    }

    /// Plans one record and writes its ticket versions as blobs.
    fn add(&mut self, record: Record) -> Result<()> {
        self.progress.inc(1);
        if let Err(reason) = record.check(&self.limits) {
            return self.skip(Skipped { position: record.position, reason });
        }
        let key = record.id.as_ref().map_or_else(|| record.origin.clone(), |id| format!("desk:{id}"));
        if !self.seen.insert(key) {
            let reason = if record.partial {
                "comments or events of an issue that came earlier in the input: give them before it, or import them again"
            } else {
                "the same ticket came earlier in the input"
            };
            return self.skip(Skipped { position: record.position, reason: reason.into() });
        }
        let found = record.id.clone().or_else(|| self.by_origin.get(&record.origin).cloned());
        let tree = self.tip.tree;
        let (existing, id) = match found {
            Some(id) if self.store.read_file(tree, &id.path())?.is_some() => {
                (Some(self.store.load_ticket(&self.tip, &id)?), id)
            }
            Some(id) => (None, id),
            None => {
                let mut id = TicketId::derived(&record.origin);
                while self.store.read_file(tree, &id.path())?.is_some()
                    || !self.seen.insert(format!("desk:{id}"))
                {
                    id = TicketId::generate();
                }
                (None, id)
            }
        };
        self.batch.push(Resolved { record, existing, id });
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Plans the records resolved so far, on every core (rendering and
    /// checking each version of each ticket file is most of an import's
    /// work), then writes their blobs in input order.
    fn flush(&mut self) -> Result<()> {
        use rayon::prelude::*;
        let importer = self.me.person();
        let planned: Vec<Planned> = std::mem::take(&mut self.batch)
            .into_par_iter()
            .map(|r| {
                let (position, origin) = (r.record.position.clone(), r.record.origin.clone());
                let updating = r.existing.is_some();
                let plan = import::plan(r.record, r.existing, r.id.clone(), &importer);
                (position, origin, r.id, updating, plan)
            })
            .collect();
        for (position, origin, id, updating, plan) in planned {
            match plan {
                Ok(plan) => self.write_plan(id, origin, updating, plan)?,
                Err(reason) => self.skip(Skipped { position, reason })?,
            }
        }
        Ok(())
    }

    fn write_plan(&mut self, id: TicketId, origin: String, updating: bool, plan: import::Plan) -> Result<()> {
        if plan.steps.is_empty() {
            return Ok(());
        }
        if plan.created {
            self.summary.created += 1;
        } else if updating {
            self.summary.updated += 1;
        }
        self.summary.comments += plan.comments;
        let ticket = u32::try_from(self.tickets.len()).unwrap_or(u32::MAX);
        self.tickets.push((id, origin, plan.title));
        for (k, step) in plan.steps.into_iter().enumerate() {
            let mark = match &mut self.writer {
                Some(w) => w.blob(step.text.as_bytes(), k > 0)?,
                None => Mark::NONE,
            };
            let author = self.person(step.author);
            self.pending.push(Pending { time: step.time.timestamp(), author, mark, ticket, verb: step.verb });
        }
        Ok(())
    }

    /// Writes the commits in time order and moves the branch.
    fn finish(mut self) -> Result<Summary> {
        self.flush()?;
        // Stable: a ticket's own versions keep their order at equal times.
        self.pending.sort_by_key(|p| p.time);
        self.summary.commits = self.pending.len();
        let Some(mut writer) = self.writer.take() else {
            self.progress.finish_and_clear();
            return Ok(self.summary);
        };
        self.progress.set_length(self.pending.len() as u64);
        self.progress.set_position(0);
        self.progress.set_message("writing commits");
        let committer = self.me.clone();
        for p in &self.pending {
            let (id, origin, title) = &self.tickets[p.ticket as usize];
            let time = chrono::DateTime::from_timestamp(p.time, 0).unwrap_or_default();
            let who = p.author.map_or_else(|| self.me.person(), |i| self.people[i as usize].clone());
            let author = Who {
                name: model::display_name(&who),
                email: model::email_of(&who).unwrap_or_default(),
                time: time.timestamp(),
            };
            let change = Change {
                summary: summary_line(p.verb, id, title),
                files: Vec::new(),
                tickets: vec![id.clone()],
                trailers: vec![(IMPORT_TRAILER.to_owned(), origin.clone())],
            };
            writer.commit(self.store, author, Who::from(&committer), &change, &[(id.path(), p.mark)])?;
            self.progress.inc(1);
        }
        self.progress.set_message("writing the pack");
        let landed = writer.finish(self.store)?;
        self.progress.finish_and_clear();
        match landed {
            Landed::At(commit) => self.summary.commit = Some(commit.to_string()),
            Landed::Nothing => {}
            Landed::Moved => {
                return Err(CliError::conflict(
                    "the desk branch moved during the import; nothing was imported",
                )
                .hint("run the same import again: it imports only what is not there yet"));
            }
        }
        Ok(self.summary)
    }
}

/// The trailer that marks an imported change with its ticket's origin.
const IMPORT_TRAILER: &str = "Desk-Import";

impl Summary {
    fn print(&self, json: bool) -> Result<()> {
        if json {
            return print_json(self);
        }
        let verb = if self.dry_run { "Would import" } else { "Imported" };
        println!(
            "{verb} {} new and {} updated tickets, {} comments, in {} commits.",
            self.created, self.updated, self.comments, self.commits
        );
        if !self.skipped.is_empty() {
            let n = self.skipped.len();
            println!("Skipped {n} {} (see the warnings above).", if n == 1 { "record" } else { "records" });
        }
        Ok(())
    }
}
