//! The terminal UI on a real terminal: the event loop, following the branch
//! (its tip is looked at every second; when it moved, the queue and the open
//! ticket are loaded again, as they are every minute for ages and due times),
//! and the actions. Every change runs the desk
//! binary itself (`desk assign`, `desk status`, …), so it is exactly the
//! commit the command line makes; a reply or note is written in the editor
//! first, with the terminal handed over to it.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::{DefaultTerminal, Terminal};
use unicode_width::UnicodeWidthStr as _;

use super::app::{Action, App, Field, Input, Prompt};
use super::{queue, view};
use crate::cli::worklist::Scope;
use crate::cli::{CliError, Ctx, Result, editor};
use crate::model::Visibility;

/// How often the branch's tip is looked at.
const FOLLOW: Duration = Duration::from_secs(1);
/// How old a loaded queue may get: ages and due times move with the clock.
const STALE: Duration = Duration::from_mins(1);

/// Runs the terminal UI until the user quits.
pub fn run(ctx: &Ctx, scope: Scope, query: &str) -> Result<()> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(CliError::usage(
            "desk tui needs a terminal, and standard input or output is not one (in scripts: desk list, desk next, desk show)",
        ));
    }
    let mut session = Session::start(ctx, scope, query)?;
    let mut terminal = ratatui::try_init()?;
    let result = session.event_loop(&mut terminal);
    ratatui::restore();
    // As in `print_frame`: the process ends next.
    std::mem::forget(session);
    result
}

/// Draws the first screen into a `width` × `height` buffer instead of a
/// terminal and prints it as text: for benchmarks (the time to the first frame)
/// and tests.
pub fn print_frame(ctx: &Ctx, scope: Scope, query: &str, (width, height): (u16, u16)) -> Result<()> {
    let mut session = Session::start(ctx, scope, query)?;
    let text = screen_text(&draw(&mut session.app, width, height));
    std::io::stdout().lock().write_all(text.as_bytes())?;
    // Freeing tens of thousands of rows one by one just before the process
    // ends costs more than drawing them.
    std::mem::forget(session.app);
    Ok(())
}

/// The screen of `app` drawn into a `width` × `height` buffer.
pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    let Ok(_) = terminal.draw(|f| view::draw(f, app));
    terminal.backend().buffer().clone()
}

/// A screen as lines of text, without trailing blanks.
pub fn screen_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    let width = usize::from(buffer.area.width);
    for row in buffer.content.chunks(width.max(1)) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            if skip == 0 {
                line.push_str(cell.symbol());
                skip = cell.symbol().width().max(1);
            }
            skip -= 1;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

struct Session<'c> {
    ctx: &'c Ctx,
    app: App,
    /// When the queue was last loaded.
    loaded: Instant,
}

impl<'c> Session<'c> {
    /// Loads the first queue; a bad query or a broken desk fails here, before
    /// the terminal is taken over.
    fn start(ctx: &'c Ctx, scope: Scope, query: &str) -> Result<Session<'c>> {
        let mut app = App::new(scope, query);
        app.color = ctx.color;
        let mut session = Session { ctx, app, loaded: Instant::now() };
        session.load(query)?;
        Ok(session)
    }

    /// The context with "now" read again: the UI runs for hours.
    fn ctx(&self) -> Result<Ctx> {
        self.ctx.refreshed()
    }

    /// Loads the queue with `query`, keeping the selection.
    fn load(&mut self, query: &str) -> Result<()> {
        let ctx = self.ctx()?;
        let loaded = queue::load(&ctx, &ctx.store()?, self.app.scope, query)?;
        self.app.now = ctx.now.timestamp();
        query.clone_into(&mut self.app.query);
        self.app.set_queue(loaded);
        self.loaded = Instant::now();
        Ok(())
    }

    /// Loads the queue and the open ticket again; a failure is shown, not fatal.
    fn reload(&mut self) {
        let query = self.app.query.clone();
        if let Err(e) = self.load(&query) {
            self.app.fail(error_line(&e));
        }
        if let Some(id) = self.app.page.as_ref().map(|p| p.ticket.id.clone()) {
            self.open(&id);
        }
    }

    fn open(&mut self, id: &str) {
        let page = self.ctx().and_then(|ctx| queue::ticket(&ctx, &ctx.store()?, id));
        match page {
            Ok(page) => self.app.set_page(page),
            Err(e) => self.app.fail(error_line(&e)),
        }
    }

    /// Whether the branch moved since the queue was loaded.
    fn branch_moved(&self) -> bool {
        let tip = self.ctx.store().ok().and_then(|s| s.tip().ok().flatten()).map(|t| t.commit);
        tip != self.app.loaded.tip
    }

    fn event_loop(&mut self, terminal: &mut DefaultTerminal) -> Result<()> {
        let mut looked = Instant::now();
        loop {
            terminal.draw(|f| view::draw(f, &mut self.app))?;
            let wait = FOLLOW.saturating_sub(looked.elapsed());
            if event::poll(wait)?
                && let Event::Key(key) = event::read()?
                && key.kind == KeyEventKind::Press
            {
                let action = self.app.key(key);
                if action == Action::Quit {
                    return Ok(());
                }
                self.perform(action, terminal)?;
            }
            if looked.elapsed() >= FOLLOW {
                looked = Instant::now();
                if self.branch_moved() || self.loaded.elapsed() >= STALE {
                    self.reload();
                }
            }
        }
    }

    fn perform(&mut self, action: Action, terminal: &mut DefaultTerminal) -> Result<()> {
        match action {
            Action::None | Action::Quit => {}
            Action::Reload => self.reload(),
            Action::Query(text) => {
                if let Err(e) = self.load(&text) {
                    self.app.fail(error_line(&e));
                    self.app.input = Some(Input::Line(Prompt::Query, Field::new(&text)));
                }
            }
            Action::Open(id) => self.open(&id),
            Action::Desk(args) => {
                let done = self.desk(&args);
                self.report(&done);
                self.reload();
            }
            Action::Write { visibility, id, short } => {
                let text = suspended(terminal, || self.write(visibility, &short))?;
                match text {
                    Ok(Some(file)) => {
                        let verb = if visibility == Visibility::Public { "reply" } else { "note" };
                        let path = file.path().to_string_lossy().into_owned();
                        let done = self.desk(&[verb.into(), id, "-F".into(), path]);
                        self.report(&done);
                        self.reload();
                    }
                    Ok(None) => self.app.say("the text was empty: nothing was written"),
                    Err(e) => self.app.fail(error_line(&e)),
                }
            }
            Action::Take => self.take(),
        }
        Ok(())
    }

    /// The editor on an empty text for a reply or note on `short`: the text
    /// saved (in a file for `-F`), or `None` when it was left empty.
    fn write(&self, visibility: Visibility, short: &str) -> Result<Option<tempfile::NamedTempFile>> {
        let store = self.ctx.store()?;
        let header = editor::header(&editor::purpose(visibility, short));
        let name = if visibility == Visibility::Public { "REPLY.md" } else { "NOTE.md" };
        let text = editor::edit_text(Some(&store), &header, "", name)?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(text.as_bytes())?;
        Ok(Some(file))
    }

    /// `desk next --take`, then the ticket it gave opened.
    fn take(&mut self) {
        let done = self.desk(&["next".into(), "--take".into(), "--json".into()]);
        let id = serde_json::from_str::<serde_json::Value>(&done.stdout)
            .ok()
            .and_then(|v| v["ticket"]["id"].as_str().map(str::to_owned));
        match id {
            Some(id) if done.ok => {
                self.report(&done);
                self.reload();
                self.open(&id);
            }
            _ if done.ok => {
                self.app.say("nothing to work on: no ticket is yours or unassigned in your queues");
            }
            _ => self.report(&done),
        }
    }

    /// Runs `desk ARGS` as the command line would, in the same repository.
    fn desk(&self, args: &[String]) -> Done {
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => return Done::failed(format!("error: cannot find the desk program: {e}")),
        };
        run_desk(&exe, self.ctx.repo.as_deref(), args)
    }

    fn report(&mut self, done: &Done) {
        if done.ok {
            self.app.say(done.message.clone());
        } else {
            self.app.fail(done.message.clone());
        }
    }
}

/// What a desk command did: whether it succeeded, its output, and the line
/// of its standard error to show.
struct Done {
    ok: bool,
    stdout: String,
    message: String,
}

impl Done {
    fn failed(message: String) -> Done {
        Done { ok: false, stdout: String::new(), message }
    }
}

/// Runs the desk program `exe` with `args` (in repository `repo` when given)
/// without a terminal: colour off, nothing to read.
fn run_desk(exe: &Path, repo: Option<&Path>, args: &[String]) -> Done {
    let mut cmd = Command::new(exe);
    cmd.arg("--color=never");
    if let Some(repo) = repo {
        cmd.arg("-C").arg(repo);
    }
    cmd.args(args).stdin(Stdio::null());
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => return Done::failed(format!("error: cannot run {}: {e}", exe.display())),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let message = if out.status.success() {
        lines.last().copied().unwrap_or("done").to_owned()
    } else {
        // The error, and its first hint.
        lines.iter().take(2).copied().collect::<Vec<_>>().join(" — ")
    };
    Done { ok: out.status.success(), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), message }
}

/// Runs `f` with the terminal handed back (for the editor), then takes it again.
fn suspended<T>(terminal: &mut DefaultTerminal, f: impl FnOnce() -> T) -> Result<T> {
    disable_raw_mode()?;
    execute!(std::io::stdout(), LeaveAlternateScreen)?;
    let result = f();
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    enable_raw_mode()?;
    terminal.clear()?;
    Ok(result)
}

/// An error on one line, as the status line shows it.
fn error_line(e: &CliError) -> String {
    match e.hints.first() {
        Some(hint) => format!("error: {} — {hint}", e.message),
        None => format!("error: {}", e.message),
    }
}
