//! The terminal UI's state and what each key does to it, without a terminal:
//! a key changes the state and may ask the session for an [`Action`] (load
//! the queue again, open a ticket, run a desk command). Tests drive it with
//! keys and look at the screens it draws.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::Line;

use super::queue::{Loaded, TicketPage};
use crate::cli::worklist::Scope;
use crate::model::Visibility;

/// What the session must do after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    /// Load the queue again (another scope, a refresh).
    Reload,
    /// Load the queue with this query; on success it becomes the query.
    Query(String),
    /// Open the ticket view of this ticket.
    Open(String),
    /// Run `desk ARGS…` (the same commit the command line makes).
    Desk(Vec<String>),
    /// Let the user write a reply or a note in the editor, then run
    /// `desk reply|note ID -F FILE`.
    Write {
        visibility: Visibility,
        id: String,
        short: String,
    },
    /// `desk next --take`, then open the ticket it gives.
    Take,
}

/// A line of text being typed, with its cursor (a char index).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    pub cursor: usize,
}

impl Field {
    pub fn new(text: &str) -> Field {
        Field { text: text.to_owned(), cursor: text.chars().count() }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map_or(self.text.len(), |(i, _)| i)
    }

    /// Edits the text with `key`; false when the key is not an edit.
    fn edit(&mut self, key: KeyEvent) -> bool {
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.text.clear();
                self.cursor = 0;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }
}

/// What a picker picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    Status,
    Priority,
    Macro,
}

impl Pick {
    pub fn title(self) -> &'static str {
        match self {
            Pick::Status => "Status",
            Pick::Priority => "Priority",
            Pick::Macro => "Apply macro",
        }
    }
}

/// A list to pick one value from: values and what is shown beside them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub pick: Pick,
    pub choices: Vec<(String, String)>,
    pub at: usize,
}

/// What is typed at the bottom of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// The query bar (`/`).
    Query,
    /// Labels to add and remove (`l`).
    Label,
    /// Whom to assign (`A`).
    Assignee,
}

/// Input in progress: a line being typed, or a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Line(Prompt, Field),
    Pick(Picker),
}

/// A line of the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// The ticket view.
#[derive(Clone, Debug)]
pub struct Page {
    pub ticket: TicketPage,
    /// Its text as styled lines.
    pub lines: Vec<Line<'static>>,
    /// The first line shown.
    pub scroll: usize,
    /// Lines shown at once, and lines in all once wrapped (known after drawing).
    pub height: usize,
    pub total: usize,
}

impl Page {
    pub fn new(ticket: TicketPage) -> Page {
        let lines = super::ansi::lines(&ticket.text);
        Page { ticket, lines, scroll: 0, height: 0, total: 0 }
    }

    fn scroll_by(&mut self, delta: isize) {
        let max = self.total.saturating_sub(self.height);
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }
}

/// The whole state of the terminal UI.
#[derive(Debug, Default)]
pub struct App {
    pub scope: Scope,
    /// The query the queue was loaded with.
    pub query: String,
    pub loaded: Loaded,
    /// Index of the selected row, and of the first row shown.
    pub selected: usize,
    pub offset: usize,
    /// Rows shown at once (known after drawing).
    pub height: usize,
    pub page: Option<Page>,
    pub input: Option<Input>,
    pub help: bool,
    pub message: Option<Message>,
    /// Unix seconds: the moment ages are counted to.
    pub now: i64,
    /// Whether to draw in colour (off with `NO_COLOR`, `--color never`, git's
    /// `color.desk`/`color.ui`); bold, dim and reversed stay.
    pub color: bool,
}

impl App {
    pub fn new(scope: Scope, query: &str) -> App {
        App { scope, query: query.to_owned(), color: true, ..App::default() }
    }

    /// Takes a freshly loaded queue, keeping the selected ticket selected
    /// when it is still there (else the same position).
    pub fn set_queue(&mut self, loaded: Loaded) {
        let kept = self.selected_id().map(str::to_owned);
        self.loaded = loaded;
        let rows = &self.loaded.rows;
        if let Some(at) = kept.and_then(|id| rows.iter().position(|r| r.ticket.id == id)) {
            self.selected = at;
        }
        self.selected = self.selected.min(rows.len().saturating_sub(1));
    }

    /// Opens (or, for the same ticket, refreshes keeping the scroll) the ticket view.
    pub fn set_page(&mut self, ticket: TicketPage) {
        let mut page = Page::new(ticket);
        if let Some(old) = &self.page
            && old.ticket.id == page.ticket.id
        {
            page.scroll = old.scroll;
            (page.height, page.total) = (old.height, old.total);
        }
        self.page = Some(page);
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.loaded.rows.get(self.selected).map(|r| r.ticket.id.as_str())
    }

    /// The ticket the action keys act on: the open one, else the selected one (id, short id).
    pub fn target(&self) -> Option<(String, String)> {
        match &self.page {
            Some(p) => Some((p.ticket.id.clone(), p.ticket.short.clone())),
            None => {
                self.loaded.rows.get(self.selected).map(|r| (r.ticket.id.clone(), r.ticket.short.clone()))
            }
        }
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: false });
    }

    pub fn fail(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: true });
    }

    /// What `key` does.
    pub fn key(&mut self, key: KeyEvent) -> Action {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Action::Quit;
        }
        if self.help {
            self.help = false;
            return Action::None;
        }
        if let Some(input) = self.input.take() {
            return self.input_key(input, key);
        }
        self.message = None;
        if let Some(action) = self.common_key(key) {
            return action;
        }
        if self.page.is_some() { self.page_key(key) } else { self.queue_key(key) }
    }

    /// The keys of both views.
    fn common_key(&mut self, key: KeyEvent) -> Option<Action> {
        let target = self.target();
        let id = || target.as_ref().map(|(id, _)| id.clone());
        let action = match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') => {
                self.help = true;
                Action::None
            }
            KeyCode::Char('/') => {
                self.input = Some(Input::Line(Prompt::Query, Field::new(&self.query)));
                Action::None
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.scope = self.scope.next(key.code == KeyCode::Tab);
                // Another queue starts at its top.
                self.page = None;
                self.loaded.rows.clear();
                (self.selected, self.offset) = (0, 0);
                Action::Reload
            }
            KeyCode::Char('l') if key.modifiers.contains(KeyModifiers::CONTROL) => Action::Reload,
            KeyCode::Char('R') => Action::Reload,
            KeyCode::Char('t') => Action::Take,
            KeyCode::Char(c @ ('r' | 'n')) => match target {
                Some((id, short)) => {
                    let visibility = if c == 'r' { Visibility::Public } else { Visibility::Internal };
                    Action::Write { visibility, id, short }
                }
                None => self.nothing_selected(),
            },
            KeyCode::Char('a') => match id() {
                Some(id) => Action::Desk(vec!["assign".into(), id, "--me".into()]),
                None => self.nothing_selected(),
            },
            KeyCode::Char(c @ ('A' | 'l')) if target.is_some() => {
                let prompt = if c == 'A' { Prompt::Assignee } else { Prompt::Label };
                self.input = Some(Input::Line(prompt, Field::default()));
                Action::None
            }
            KeyCode::Char(c @ ('s' | 'p' | 'm')) if target.is_some() => {
                let pick = match c {
                    's' => Pick::Status,
                    'p' => Pick::Priority,
                    _ => Pick::Macro,
                };
                self.open_picker(pick);
                Action::None
            }
            KeyCode::Char('A' | 'l' | 's' | 'p' | 'm') => self.nothing_selected(),
            _ => return None,
        };
        Some(action)
    }

    fn nothing_selected(&mut self) -> Action {
        self.fail("no ticket selected");
        Action::None
    }

    fn open_picker(&mut self, pick: Pick) {
        let desk = &self.loaded.desk;
        let plain = |values: &[String]| values.iter().map(|v| (v.clone(), String::new())).collect();
        // The ticket's own status and priority.
        let current = match &self.page {
            Some(p) => Some((p.ticket.status.clone(), p.ticket.priority.clone())),
            None => self
                .loaded
                .rows
                .get(self.selected)
                .map(|r| (r.ticket.status.clone(), r.ticket.priority.clone())),
        };
        let choices: Vec<(String, String)> = match pick {
            // The statuses the workflow allows from the ticket's own.
            Pick::Status => match current.as_ref().and_then(|(s, _)| desk.moves.get(s)) {
                Some(allowed) => plain(allowed),
                None => plain(&desk.statuses),
            },
            Pick::Priority => plain(&desk.priorities),
            Pick::Macro => desk.macros.clone(),
        };
        if choices.is_empty() {
            self.fail(match pick {
                Pick::Macro => "no macros on the desk branch (macros/NAME.md)",
                _ => "nothing to choose from",
            });
            return;
        }
        let at = match (pick, current) {
            (Pick::Status, Some((s, _))) => choices.iter().position(|c| c.0 == s),
            (Pick::Priority, Some((_, p))) => choices.iter().position(|c| c.0 == p),
            _ => None,
        };
        self.input = Some(Input::Pick(Picker { pick, choices, at: at.unwrap_or(0) }));
    }

    fn queue_key(&mut self, key: KeyEvent) -> Action {
        let len = self.loaded.rows.len();
        let page = self.height.max(1);
        let last = len.saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.selected = (self.selected + page).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = last,
            KeyCode::Enter => {
                if let Some(id) = self.selected_id() {
                    return Action::Open(id.to_owned());
                }
            }
            _ => {}
        }
        Action::None
    }

    fn page_key(&mut self, key: KeyEvent) -> Action {
        let Some(page) = self.page.as_mut() else { return Action::None };
        let step = isize::try_from(page.height.max(2) - 1).unwrap_or(1);
        match key.code {
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h') => {
                self.page = None;
            }
            KeyCode::Down | KeyCode::Char('j') => page.scroll_by(1),
            KeyCode::Up | KeyCode::Char('k') => page.scroll_by(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => page.scroll_by(step),
            KeyCode::PageUp => page.scroll_by(-step),
            KeyCode::Home | KeyCode::Char('g') => page.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => page.scroll_by(isize::MAX),
            _ => {}
        }
        Action::None
    }

    fn input_key(&mut self, input: Input, key: KeyEvent) -> Action {
        match input {
            Input::Pick(picker) => self.picker_key(picker, key),
            Input::Line(prompt, mut field) => match key.code {
                KeyCode::Esc => Action::None,
                KeyCode::Enter => self.submit(prompt, field.text.trim()),
                _ => {
                    field.edit(key);
                    self.input = Some(Input::Line(prompt, field));
                    Action::None
                }
            },
        }
    }

    fn picker_key(&mut self, mut picker: Picker, key: KeyEvent) -> Action {
        let last = picker.choices.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Action::None,
            KeyCode::Down | KeyCode::Char('j') => picker.at = (picker.at + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => picker.at = picker.at.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => picker.at = 0,
            KeyCode::End | KeyCode::Char('G') => picker.at = last,
            KeyCode::Enter => {
                let Some((id, _)) = self.target() else { return Action::None };
                let value = picker.choices[picker.at].0.clone();
                return Action::Desk(match picker.pick {
                    Pick::Status => vec!["status".into(), id, value],
                    Pick::Priority => vec!["set".into(), id, format!("priority={value}")],
                    Pick::Macro => vec!["apply".into(), id, value],
                });
            }
            _ => {}
        }
        self.input = Some(Input::Pick(picker));
        Action::None
    }

    fn submit(&mut self, prompt: Prompt, text: &str) -> Action {
        if prompt == Prompt::Query {
            return Action::Query(text.to_owned());
        }
        let Some((id, _)) = self.target() else { return Action::None };
        if text.is_empty() {
            return Action::None;
        }
        // What was typed follows `--`: a word like `-spam` is a value, never an option.
        let mut args = match prompt {
            Prompt::Label => vec!["label".into(), id, "--".into()],
            _ => vec!["assign".into(), id, "--".into()],
        };
        match prompt {
            Prompt::Label => args.extend(text.split_whitespace().map(str::to_owned)),
            _ => args.push(text.to_owned()),
        }
        Action::Desk(args)
    }
}
