//! The command line: clap definitions (one file per command under `commands/`),
//! the run context, and how errors are reported. The only layer that prints.

/// `eprintln!` that never panics: a closed or full stderr loses the message,
/// not the work already done.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(anstream::stderr(), $($arg)*);
    }};
}

pub mod changes;
pub mod chart;
pub mod clocks;
pub mod commands;
pub mod complete;
pub mod editor;
pub mod error;
pub mod fields;
pub mod input;
pub mod kb;
pub mod macros;
pub mod manual;
pub mod markdown;
pub mod output;
pub mod pager;
pub mod portal;
pub mod query_args;
pub mod rules;
pub mod select;
pub mod strict;
pub mod ticket_ref;
pub mod ticket_text;
#[cfg(feature = "tui")]
pub mod tui;
pub mod worklist;

use std::cell::RefCell;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};

pub use error::{CliError, Result};

use crate::store::{GitConfig, Store};
use crate::time::Zone;

const ABOUT: &str = "A helpdesk that lives in a git repository";

const LONG_ABOUT: &str = "\
A helpdesk that lives in a git repository.

Every request is a ticket: one Markdown file with YAML front matter on the `desk` \
branch (git config `desk.branch` overrides). Every change is one git commit made by \
desk without touching your working tree, index or HEAD.";

const AFTER_HELP: &str = "\
Exit status:
  0  success (also when output went to a closed pipe, as in `desk list | head`)
  1  error (unknown ticket, not initialised, malformed file, git failure)
  2  usage error (bad arguments or query)
  3  a check found problems (desk doctor, desk config check)
  4  the change was committed, but its output could not be written (closed or full
     standard output); stderr says what was written: do not run the command again

With --json an error is one line of JSON on stderr, {error: {kind, message, hint, causes}};
docs/json.md describes the kinds and every command's JSON output.

Environment:
  GIT_DIR, GIT_WORK_TREE and the other variables git reads to find a repository are honoured as
  git honours them, and so are GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_AUTHOR_DATE (and
  GIT_COMMITTER_*). VISUAL, EDITOR and git's core.editor choose the editor. show, log, list and
  report page their output on a terminal through GIT_PAGER, git's core.pager, PAGER or `less`
  (LESS=FRX unless LESS is set); `cat` or an empty value turns paging off, as does --no-pager.
  Colour: --color,
  else git's color.desk, else color.ui (always, never, auto, true, false), else none with
  NO_COLOR, else on a terminal. TZ sets the local time zone that times are shown in and days
  are read in (--utc: UTC). DESK_NOW (an RFC 3339 time) fixes the reference time for ages and
  relative dates.";

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// desk's command line.
#[derive(Debug, Parser)]
#[command(name = "desk", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Use the repository at PATH instead of the one around the current directory.
    #[arg(short = 'C', long = "repo", global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// When to use colours [default: git's color.desk or color.ui, else auto].
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,

    /// Do not pipe output into a pager.
    #[arg(long, global = true)]
    pub no_pager: bool,

    /// Show times in UTC, and read days and times without a zone in UTC, instead of local time.
    #[arg(long, global = true)]
    pub utc: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Demo(commands::demo::Args),
    New(commands::new::Args),
    List(commands::list::Args),
    Show(commands::show::Args),
    Reply(commands::reply::ReplyArgs),
    Note(commands::reply::NoteArgs),
    Assign(commands::assign::Args),
    Status(commands::status::StatusArgs),
    /// Mark a ticket resolved: the requester has what they asked for.
    Resolve(commands::status::ResolveArgs),
    /// Close a ticket: finished for good; a closed ticket is never changed again.
    Close(commands::status::ShortcutArgs),
    /// Reopen a solved ticket (back to `open`, the workflow's reopen status); a closed one stays closed.
    Reopen(commands::status::ShortcutArgs),
    Label(commands::label::Args),
    Set(commands::set::Args),
    Link(commands::link::LinkArgs),
    Unlink(commands::link::UnlinkArgs),
    Merge(commands::merge::MergeArgs),
    Unmerge(commands::merge::UnmergeArgs),
    Split(commands::merge::SplitArgs),
    Macro(commands::macros::Args),
    Apply(commands::macros::ApplyArgs),
    Edit(commands::edit::Args),
    Doctor(commands::doctor::Args),
    Config(commands::config::Args),
    Whoami(commands::whoami::Args),
    Rate(commands::rate::Args),
    Log(commands::log::Args),
    Report(commands::report::Args),
    Sync(commands::sync::Args),
    Sla(commands::sla::Args),
    Rules(commands::rules::Args),
    Mail(commands::mail::Args),
    Attachment(commands::attachment::Args),
    Kb(commands::kb::Args),
    Export(commands::export::Args),
    Import(commands::import::Args),
    LinkCommits(commands::link_commits::Args),
    Portal(commands::portal::Args),
    Next(commands::next::Args),
    Tui(commands::tui::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    #[command(hide = true)]
    MergeDriver(commands::merge_driver::Args),
    #[command(hide = true)]
    Generate(commands::generate::Args),
}

/// What every command gets: where the repository is, the time, and output settings.
pub struct Ctx {
    pub repo: Option<PathBuf>,
    pub now: DateTime<Utc>,
    pub color: bool,
    /// The zone times are shown in and days are read in.
    pub zone: Zone,
    /// `--no-pager`.
    pub no_pager: bool,
    /// The pager, once started.
    pager: RefCell<Option<pager::Pager>>,
}

impl Ctx {
    /// Sends the rest of standard output through the pager when it is a terminal
    /// (see [`pager`]); the commands that page call this just before they print.
    pub fn page(&self) -> Result<()> {
        if self.no_pager || self.pager.borrow().is_some() || !std::io::stdout().is_terminal() {
            return Ok(());
        }
        let env = |name: &str| std::env::var(name).ok();
        let Some(command) =
            pager::command(env, || GitConfig::open(self.repo.as_deref()).string("core.pager"))
        else {
            return Ok(());
        };
        let width = output::table_width();
        // As git: a pager that cannot be started is no reason to fail; print without it.
        let Ok(pager) = pager::Pager::start(&command) else { return Ok(()) };
        output::set_paged(width);
        // Colour was decided for the terminal; the pager passes it on (less -R).
        let choice = if self.color { anstream::ColorChoice::Always } else { anstream::ColorChoice::Never };
        choice.write_global();
        *self.pager.borrow_mut() = Some(pager);
        Ok(())
    }

    /// Waits for the pager, if one was started, to be quit.
    fn finish_pager(&self) {
        if let Some(pager) = self.pager.borrow_mut().take() {
            pager.finish();
        }
    }

    /// Opens the repository (`--repo`, else discovered from the current directory).
    pub fn store(&self) -> Result<Store> {
        Ok(Store::discover(self.repo.as_deref())?)
    }

    /// The same context with "now" read again (`DESK_NOW`, else the clock),
    /// for a command that runs for hours (`desk tui`).
    pub fn refreshed(&self) -> Result<Ctx> {
        Ok(Ctx {
            repo: self.repo.clone(),
            now: reference_now()?,
            color: self.color,
            zone: self.zone,
            no_pager: self.no_pager,
            pager: RefCell::default(),
        })
    }

    /// Whether desk may ask questions: stdin and stderr are terminals.
    pub fn interactive(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

fn reference_now() -> Result<DateTime<Utc>> {
    match std::env::var("DESK_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| CliError::usage(format!("DESK_NOW is not an RFC 3339 time: {s} ({e})"))),
        _ => Ok(Utc::now()),
    }
}

/// A colour setting of git's config (`color.ui`, `color.desk`), read as git
/// reads it: `true` means auto.
fn config_color(key: &str, value: &str) -> Result<ColorWhen> {
    match value.trim().to_ascii_lowercase().as_str() {
        "always" => Ok(ColorWhen::Always),
        "never" | "false" | "no" | "off" | "0" => Ok(ColorWhen::Never),
        "auto" | "true" | "yes" | "on" | "1" | "" => Ok(ColorWhen::Auto),
        _ => Err(CliError::config(format!("invalid git config {key} '{value}'"))
            .hint(format!("use always, never, auto, true or false: git config {key} auto"))),
    }
}

/// When to colour: `--color`, else git's `color.desk`, else `color.ui`, else
/// auto (anstream: never with `NO_COLOR`, else on a terminal).
fn color_when(flag: Option<ColorWhen>, config: impl Fn(&str) -> Option<String>) -> Result<ColorWhen> {
    if let Some(when) = flag {
        return Ok(when);
    }
    for key in ["color.desk", "color.ui"] {
        if let Some(value) = config(key) {
            return config_color(key, &value);
        }
    }
    Ok(ColorWhen::Auto)
}

fn color_choice(when: ColorWhen) -> anstream::ColorChoice {
    match when {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    }
}

fn run(cli: Cli) -> Result<()> {
    let config = std::cell::OnceCell::new();
    let git_config = |key: &str| config.get_or_init(|| GitConfig::open(cli.repo.as_deref())).string(key);
    color_choice(color_when(cli.color, git_config)?).write_global();
    let color = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let zone = if cli.utc { Zone::Utc } else { Zone::Local };
    let ctx = Ctx {
        repo: cli.repo,
        now: reference_now()?,
        color,
        zone,
        no_pager: cli.no_pager,
        pager: RefCell::default(),
    };
    let result = dispatch(&ctx, cli.command);
    ctx.finish_pager();
    result
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    use commands as c;
    match command {
        Command::Init(a) => c::init::run(ctx, &a),
        Command::Demo(a) => c::demo::run(ctx, &a, |store| c::list::print_queue(ctx, store)),
        Command::New(a) => c::new::run(ctx, &a),
        Command::List(a) => c::list::run(ctx, &a),
        Command::Show(a) => c::show::run(ctx, &a),
        Command::Reply(a) => c::reply::run_reply(ctx, &a),
        Command::Note(a) => c::reply::run_note(ctx, &a),
        Command::Assign(a) => c::assign::run(ctx, &a),
        Command::Status(a) => c::status::run(ctx, &a),
        Command::Resolve(a) => c::status::run_resolve(ctx, &a),
        Command::Close(a) => c::status::run_done(ctx, &a, c::status::Shortcut::Close),
        Command::Reopen(a) => c::status::run_done(ctx, &a, c::status::Shortcut::Reopen),
        Command::Label(a) => c::label::run(ctx, &a),
        Command::Set(a) => c::set::run(ctx, &a),
        Command::Link(a) => c::link::run_link(ctx, &a),
        Command::Unlink(a) => c::link::run_unlink(ctx, &a),
        Command::Merge(a) => c::merge::run_merge(ctx, &a),
        Command::Unmerge(a) => c::merge::run_unmerge(ctx, &a),
        Command::Split(a) => c::merge::run_split(ctx, &a),
        Command::Macro(a) => c::macros::run(ctx, &a),
        Command::Apply(a) => c::macros::run_apply(ctx, &a),
        Command::Edit(a) => c::edit::run(ctx, &a),
        Command::Doctor(a) => c::doctor::run(ctx, &a),
        Command::Config(a) => c::config::run(ctx, &a),
        Command::Whoami(a) => c::whoami::run(ctx, &a),
        Command::Rate(a) => c::rate::run(ctx, &a),
        Command::Log(a) => c::log::run(ctx, &a),
        Command::Report(a) => c::report::run(ctx, &a),
        Command::Sync(a) => c::sync::run(ctx, &a),
        Command::Sla(a) => c::sla::run(ctx, &a),
        Command::Rules(a) => c::rules::run(ctx, &a),
        Command::Mail(a) => c::mail::run(ctx, &a),
        Command::Attachment(a) => c::attachment::run(ctx, &a),
        Command::Kb(a) => c::kb::run(ctx, &a),
        Command::Export(a) => c::export::run(ctx, &a),
        Command::Import(a) => match a.source {
            c::import::Source::Mbox(m) => c::mail::import::run(
                ctx,
                &c::mail::import::ImportArgs {
                    mbox: Some(m.file),
                    maildir: None,
                    queue: m.queue,
                    action: c::mail::import::Action::Reply,
                    json: m.json,
                },
            ),
            _ => c::import::run(ctx, &a),
        },
        Command::LinkCommits(a) => c::link_commits::run(ctx, &a),
        Command::Portal(a) => c::portal::run(ctx, &a),
        Command::Next(a) => c::next::run(ctx, &a),
        Command::Tui(a) => c::tui::run(ctx, &a),
        Command::Completions(a) => c::completions::run(&a),
        Command::Man(a) => c::man::run(&a),
        Command::MergeDriver(a) => c::merge_driver::run(&a),
        Command::Generate(a) => c::generate::run(&a),
    }
}

/// Prints an error as `error: …`, `caused by: …`, `hint: …` on stderr.
fn report(err: &CliError) {
    let mut stderr = anstream::stderr().lock();
    let red = anstyle::Style::new().bold().fg_color(Some(anstyle::AnsiColor::Red.into()));
    // Messages may quote a ticket file or a path from a fetched tree.
    let shown = output::terminal_text;
    let _ = writeln!(stderr, "{red}error:{red:#} {}", shown(&err.message));
    for cause in &err.causes {
        let _ = writeln!(stderr, "caused by: {}", shown(cause));
    }
    for hint in &err.hints {
        let _ = writeln!(stderr, "hint: {}", shown(hint));
    }
}

/// Prints an error as the JSON object of docs/json.md, on one line of stderr.
fn report_json(err: &CliError) {
    if let Some(object) = err.json() {
        let line = serde_json::to_string(&object).unwrap_or_else(|e| {
            format!(r#"{{"error":{{"kind":"internal","message":"{e}","hint":null,"causes":[]}}}}"#)
        });
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// Whether the command line asks for JSON (`--json`, `--ndjson`, `--fields`
/// before any `--`): errors are then reported as a JSON object, also those
/// clap finds in the command line itself.
pub fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .any(|a| matches!(a, "--json" | "--ndjson" | "--fields") || a.starts_with("--fields="))
}

/// clap suggests hidden commands too ("did you mean 'generate'?"); they are
/// for git and the build, never for people, so such a suggestion is dropped.
fn without_hidden_suggestions(err: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::InvalidSubcommand {
        return err;
    }
    let mut cmd = Cli::command();
    cmd.build();
    let hidden: Vec<&str> =
        cmd.get_subcommands().filter(|s| s.is_hide_set()).map(clap::Command::get_name).collect();
    let Some(ContextValue::Strings(suggested)) = err.get(ContextKind::SuggestedSubcommand) else {
        return err;
    };
    if !suggested.iter().any(|s| hidden.contains(&s.as_str())) {
        return err;
    }
    let kept: Vec<String> = suggested.iter().filter(|s| !hidden.contains(&s.as_str())).cloned().collect();
    let mut shown = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(&cmd);
    for (kind, value) in err.context() {
        let value = match (kind, value) {
            (ContextKind::SuggestedSubcommand, _) => {
                (!kept.is_empty()).then(|| ContextValue::Strings(kept.clone()))
            }
            // An empty list of tips would still print its blank lines.
            (_, ContextValue::StyledStrs(tips)) if tips.is_empty() => None,
            _ => Some(value.clone()),
        };
        if let Some(value) = value {
            shown.insert(kind, value);
        }
    }
    shown
}

/// Runs desk with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    crate::store::configure_libgit2();
    complete::complete_if_asked();
    let args = query_args::protect_negated_terms(Cli::command(), std::env::args_os().collect());
    let json = wants_json(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let e = without_hidden_suggestions(e);
            let e = query_args::explain_unknown_option(e, Cli::command(), &args);
            if !e.use_stderr() {
                // --help and --version.
                let _ = e.print();
                return error::EXIT_OK;
            }
            if json {
                report_json(&error::from_clap(&e));
            } else {
                let _ = e.print();
            }
            return error::EXIT_USAGE;
        }
    };
    match run(cli) {
        Ok(()) => error::EXIT_OK,
        Err(err) => {
            if json {
                report_json(&err);
            } else if err.kind.name().is_some() {
                report(&err);
            }
            err.exit_code()
        }
    }
}
