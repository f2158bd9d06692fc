//! The terminal UI without a terminal: keys drive the state, and screens are
//! drawn into ratatui's `TestBackend` and compared with snapshots. The data is
//! made here, with a fixed "now".

use std::rc::Rc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

use super::app::{Action, App, Input, Pick, Prompt};
use super::queue::{Desk, Loaded, Row, TicketPage, sla_lines};
use super::session::{draw, screen_text};
use crate::cli::select::Selected;
use crate::cli::ticket_text;
use crate::cli::worklist::Scope;
use crate::model::Visibility;
use crate::query::ClockFacts;
use crate::sla::evaluate::Ruleset;
use crate::sla::ledger::TicketClocks;
use crate::sla::{ClockKind, ClockStatus, Cycle};
use crate::time::Zone;
use crate::workflow::Config;

/// 2026-11-28T12:00:00Z, the tests' "now".
const NOW: i64 = 1_795_867_200;
const HOUR: i64 = 3600;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, keys: &str) -> Action {
    let mut last = Action::None;
    for c in keys.chars() {
        last = app.key(key(KeyCode::Char(c)));
    }
    last
}

fn row(id: &str, title: &str, status: &str, priority: &str, assignee: Option<&str>, age_hours: i64) -> Row {
    Row {
        ticket: Selected {
            id: id.to_owned(),
            short: id[..6].to_owned(),
            title: title.to_owned(),
            status: status.to_owned(),
            priority: priority.to_owned(),
            assignee: assignee.map(str::to_owned),
            created: NOW - age_hours * HOUR,
        },
        due: None,
        clocks: None,
    }
}

fn due(mut r: Row, due_in: i64, warning: bool) -> Row {
    r.due = Some(NOW + due_in);
    r.clocks = Some(ClockFacts {
        running: true,
        measured: true,
        warning,
        due_in: Some(due_in),
        ..Default::default()
    });
    r
}

fn desk() -> Desk {
    let macros = vec![("ask-photo".to_owned(), "Ask for a photo of the display".to_owned())];
    Desk::of(&Config::default(), "Ada Agent <ada@example.com>".to_owned(), macros, true)
}

/// A queue of four tickets, due first first, as `queue::load` sorts them.
fn app() -> App {
    let mut app = App::new(Scope::All, "");
    app.now = NOW;
    app.set_queue(Loaded {
        rows: vec![
            due(
                row("k3x9q2hm7d", "Printer on 3rd floor does not print", "open", "urgent", None, 30),
                -2 * HOUR,
                false,
            ),
            due(
                row(
                    "m4p8w1zz0a",
                    "VPN drops every ten minutes",
                    "new",
                    "high",
                    Some("Ada Agent <ada@example.com>"),
                    5,
                ),
                HOUR,
                true,
            ),
            due(
                row(
                    "p0q7r2st9v",
                    "New starter account for Monday",
                    "new",
                    "normal",
                    Some("Bob Builder <bob@example.com>"),
                    2,
                ),
                20 * HOUR,
                false,
            ),
            row("z9y8x7w6v5", "Outlook keeps asking for my password", "pending", "low", None, 24 * 9),
        ],
        desk: desk(),
        ..Loaded::default()
    });
    app
}

const TICKET: &str = "\
---
id: k3x9q2hm7d
title: Printer on 3rd floor does not print
status: open
priority: urgent
queue: it
requester: Jane Doe <jane@example.com>
labels: [hardware, printer]
created: 2026-11-27T06:00:00Z
updated: 2026-11-28T09:00:00Z
---
The printer shows **error 0x42** since this morning.

<!-- desk:reply 8f2kq1m3zz 2026-11-28T09:00:00Z Ada Agent <ada@example.com> -->
### Reply from Ada Agent <ada@example.com>

Could you send a photo of the display?
";

fn clocks() -> TicketClocks {
    let cycle = |kind, status, remaining: Option<i64>| Cycle {
        kind,
        status,
        start: NOW - 30 * HOUR,
        policy: Some(Rc::from("standard")),
        target: Some(4 * HOUR),
        elapsed: 0,
        remaining,
        due: remaining.map(|r| NOW + r),
        met_at: None,
    };
    TicketClocks {
        cycles: vec![
            cycle(ClockKind::FirstResponse, ClockStatus::Met, None),
            cycle(ClockKind::Resolution, ClockStatus::Breached, Some(-2 * HOUR)),
        ],
        ruleset: Rc::new(Ruleset::of(Config::default())),
    }
}

/// The ticket view of [`TICKET`], rendered as `desk show` renders it.
fn page() -> TicketPage {
    let ticket = crate::store::parse_at_path(TICKET, "tickets/k3/k3x9q2hm7d.md").expect("a ticket file");
    let (head, conversation) = ticket_text::styled_parts(&ticket, "k3x9q2", (NOW, Zone::Utc), &[], &[]);
    let text = head + &sla_lines(&clocks(), NOW) + &conversation;
    TicketPage {
        id: ticket.id.to_string(),
        short: "k3x9q2".to_owned(),
        title: ticket.title.clone(),
        status: ticket.status.clone(),
        priority: ticket.priority.clone(),
        text,
    }
}

fn screen(app: &mut App) -> String {
    screen_text(&draw(app, 100, 16))
}

#[test]
fn the_queue_shows_each_ticket_with_its_due_time() {
    insta::assert_snapshot!("queue", screen(&mut app()));
}

#[test]
fn the_ticket_view_shows_fields_clocks_and_conversation() {
    let mut app = app();
    app.set_page(page());
    insta::assert_snapshot!("ticket", screen_text(&draw(&mut app, 100, 24)));
}

#[test]
fn help_lists_every_key() {
    let mut app = app();
    assert_eq!(press(&mut app, "?"), Action::None);
    insta::assert_snapshot!("help", screen_text(&draw(&mut app, 100, 26)));
    // Any key closes it, and does nothing else.
    assert_eq!(press(&mut app, "q"), Action::None);
    assert!(!app.help);
    assert_eq!(press(&mut app, "q"), Action::Quit);
}

#[test]
fn cells_are_coloured_by_status_priority_and_due_time() {
    let mut app = app();
    let buffer = draw(&mut app, 100, 16);
    let cell_at = |line: u16, text: &str| {
        let row: String = (0..100).map(|x| buffer[(x, line)].symbol().to_owned()).collect();
        let x = row.find(text).unwrap_or_else(|| panic!("{text} on line {line}: {row}"));
        let x = u16::try_from(row[..x].chars().count()).unwrap();
        buffer[(x, line)].clone()
    };
    // Line 3 is the first ticket (tabs, query, header first), selected: reversed.
    let overdue = cell_at(3, "overdue");
    assert_eq!(overdue.fg, Color::Red);
    assert!(overdue.modifier.contains(Modifier::REVERSED));
    assert_eq!(cell_at(3, "urgent").fg, Color::Red);
    assert_eq!(cell_at(4, "high").fg, Color::Yellow);
    assert_eq!(cell_at(4, "1h 0m").fg, Color::Yellow, "due soon");
    assert_eq!(cell_at(4, "new").fg, Color::Cyan);
    assert_eq!(cell_at(6, "pending").fg, Color::Yellow);
}

#[test]
fn without_colour_only_the_effects_stay() {
    let mut app = app();
    app.color = false;
    let buffer = draw(&mut app, 100, 16);
    assert!(buffer.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(buffer[(0, 3)].modifier.contains(Modifier::REVERSED), "the selection still shows");
}

#[test]
fn ticket_text_cannot_drive_the_terminal() {
    let mut app = app();
    app.loaded.rows[0].ticket.title = "Hi\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u{202e}there".to_owned();
    let shown = screen(&mut app);
    assert!(!shown.contains('\x1b') && !shown.contains('\x07') && !shown.contains('\u{202e}'), "{shown}");
    assert!(shown.contains("Hi␛]52;c;cm0gLXJmIH4=␇␛[2J�there"), "{shown}");
}

#[test]
fn moving_and_opening() {
    let mut app = app();
    assert_eq!(app.key(key(KeyCode::Down)), Action::None);
    assert_eq!(press(&mut app, "j"), Action::None);
    assert_eq!(app.selected_id(), Some("p0q7r2st9v"));
    assert_eq!(press(&mut app, "G"), Action::None);
    assert_eq!(app.selected, 3);
    assert_eq!(press(&mut app, "j"), Action::None);
    assert_eq!(app.selected, 3, "stays on the last");
    press(&mut app, "g");
    assert_eq!(app.key(key(KeyCode::Enter)), Action::Open("k3x9q2hm7d".to_owned()));
    app.set_page(page());
    assert_eq!(app.key(key(KeyCode::Esc)), Action::None);
    assert!(app.page.is_none());
}

#[test]
fn tab_switches_the_queue() {
    let mut app = app();
    press(&mut app, "j");
    assert_eq!(app.key(key(KeyCode::Tab)), Action::Reload);
    assert_eq!(app.scope, Scope::Mine);
    assert_eq!((app.selected, app.loaded.rows.len()), (0, 0), "the new queue starts at its top");
    assert_eq!(app.key(key(KeyCode::BackTab)), Action::Reload);
    assert_eq!(app.scope, Scope::All);
    app.key(key(KeyCode::BackTab));
    assert_eq!(app.scope, Scope::Team);
}

#[test]
fn a_reload_keeps_the_selected_ticket() {
    let mut app = app();
    press(&mut app, "jj");
    assert_eq!(app.selected_id(), Some("p0q7r2st9v"));
    // Another agent's change moved a ticket above it, and one ticket went.
    let mut rows = app.loaded.rows.clone();
    rows.swap(0, 3);
    rows.remove(1);
    app.set_queue(Loaded { rows, desk: desk(), ..Loaded::default() });
    assert_eq!(app.selected_id(), Some("p0q7r2st9v"));
    // Gone: the same position, within the queue.
    let rows = app.loaded.rows[..1].to_vec();
    app.set_queue(Loaded { rows, desk: desk(), ..Loaded::default() });
    assert_eq!(app.selected, 0);
}

#[test]
fn actions_are_desk_commands() {
    let mut app = app();
    let id = "k3x9q2hm7d".to_owned();
    assert_eq!(press(&mut app, "a"), Action::Desk(vec!["assign".into(), id.clone(), "--me".into()]));
    assert_eq!(
        press(&mut app, "r"),
        Action::Write { visibility: Visibility::Public, id: id.clone(), short: "k3x9q2".into() }
    );
    assert_eq!(
        press(&mut app, "n"),
        Action::Write { visibility: Visibility::Internal, id: id.clone(), short: "k3x9q2".into() }
    );
    assert_eq!(press(&mut app, "t"), Action::Take);
    // Status: a picker of the statuses the workflow allows, starting at the ticket's own.
    press(&mut app, "s");
    let Some(Input::Pick(picker)) = &app.input else { panic!("a picker") };
    assert_eq!(picker.pick, Pick::Status);
    assert_eq!(picker.choices[picker.at].0, "open");
    assert!(!picker.choices.iter().any(|c| c.0 == "new" || c.0 == "merged"), "{:?}", picker.choices);
    assert_eq!(app.key(key(KeyCode::Down)), Action::None);
    assert_eq!(
        app.key(key(KeyCode::Enter)),
        Action::Desk(vec!["status".into(), id.clone(), "pending".into()])
    );
    assert!(app.input.is_none());
    // Priority, most urgent first.
    press(&mut app, "p");
    app.key(key(KeyCode::Down));
    assert_eq!(
        app.key(key(KeyCode::Enter)),
        Action::Desk(vec!["set".into(), id.clone(), "priority=high".into()])
    );
    // A macro.
    press(&mut app, "m");
    assert_eq!(
        app.key(key(KeyCode::Enter)),
        Action::Desk(vec!["apply".into(), id.clone(), "ask-photo".into()])
    );
    // Labels and assignee are typed; what is typed follows `--`.
    press(&mut app, "l");
    assert!(matches!(app.input, Some(Input::Line(Prompt::Label, _))));
    press(&mut app, "+vip -spam");
    assert_eq!(
        app.key(key(KeyCode::Enter)),
        Action::Desk(vec!["label".into(), id.clone(), "--".into(), "+vip".into(), "-spam".into()])
    );
    press(&mut app, "A");
    press(&mut app, "bob");
    assert_eq!(
        app.key(key(KeyCode::Enter)),
        Action::Desk(vec!["assign".into(), id.clone(), "--".into(), "bob".into()])
    );
    // Esc gives up.
    press(&mut app, "l");
    press(&mut app, "x");
    assert_eq!(app.key(key(KeyCode::Esc)), Action::None);
    assert!(app.input.is_none());
}

#[test]
fn the_query_bar_edits_the_query() {
    let mut app = app();
    press(&mut app, "/");
    press(&mut app, "label:vip");
    app.key(key(KeyCode::Left));
    app.key(key(KeyCode::Backspace));
    assert_eq!(app.key(key(KeyCode::Enter)), Action::Query("label:vp".to_owned()));
    // Keys typed into the query are not commands.
    app.query = "label:vp".into();
    press(&mut app, "/");
    assert_eq!(press(&mut app, "q"), Action::None);
    assert!(matches!(&app.input, Some(Input::Line(Prompt::Query, f)) if f.text == "label:vpq"));
    insta::assert_snapshot!("query", screen(&mut app));
}

#[test]
fn an_empty_queue_says_so_and_actions_need_a_ticket() {
    let mut app = App::new(Scope::Mine, "");
    app.now = NOW;
    app.set_queue(Loaded { desk: desk(), ..Loaded::default() });
    assert_eq!(press(&mut app, "s"), Action::None);
    assert_eq!(app.message.as_ref().map(|m| (m.text.as_str(), m.error)), Some(("no ticket selected", true)));
    assert_eq!(app.key(key(KeyCode::Enter)), Action::None);
    let shown = screen(&mut app);
    assert!(shown.contains("No tickets here."), "{shown}");
}

#[test]
fn a_long_queue_draws_the_rows_around_the_selection() {
    let mut app = app();
    let template = app.loaded.rows[3].clone();
    let rows: Vec<Row> = (0..100_000)
        .map(|i| {
            let mut r = template.clone();
            r.ticket.id = format!("t{i:09}");
            r.ticket.short = r.ticket.id.clone();
            r
        })
        .collect();
    app.set_queue(Loaded { rows, desk: desk(), ..Loaded::default() });
    app.key(key(KeyCode::End));
    let shown = screen(&mut app);
    assert!(shown.contains("t000099999") && !shown.contains("t000000000"), "{shown}");
    app.key(key(KeyCode::PageUp));
    let shown = screen(&mut app);
    assert!(shown.contains("t000099988"), "a page up from the last: {shown}");
}

#[test]
fn the_ticket_view_scrolls_within_its_text() {
    let mut app = app();
    app.set_page(page());
    draw(&mut app, 100, 12);
    press(&mut app, "G");
    let page = app.page.as_ref().unwrap();
    assert_eq!(page.scroll, page.total - page.height, "the last screen");
    assert!(screen_text(&draw(&mut app, 100, 12)).contains("photo of the display"));
    press(&mut app, "g");
    assert_eq!(app.page.as_ref().unwrap().scroll, 0);
}
