//! Drawing the terminal UI's screens from its state: the queue (only the rows
//! that fit are made), the ticket view, the query bar, pickers, the help
//! overlay, and the status and key lines.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
    TableState, Wrap,
};
use unicode_width::UnicodeWidthStr as _;

use super::ansi;
use super::app::{App, Input, Page, Pick, Prompt};
use crate::cli::output::{self, terminal_line};
use crate::cli::worklist::Scope;
use crate::cli::{clocks, output::person_short};

/// The keys of each view, for the last line (as many as fit, then help and
/// quit; the help overlay lists them all).
const QUEUE_KEYS: &[(&str, &str)] = &[
    ("⏎", "open"),
    ("Tab", "queue"),
    ("/", "query"),
    ("r", "reply"),
    ("n", "note"),
    ("a", "assign me"),
    ("s", "status"),
    ("p", "priority"),
    ("l", "labels"),
    ("m", "macro"),
    ("t", "next"),
];
const PAGE_KEYS: &[(&str, &str)] = &[
    ("Esc", "back"),
    ("r", "reply"),
    ("n", "note"),
    ("a", "assign me"),
    ("A", "assign"),
    ("s", "status"),
    ("p", "priority"),
    ("l", "labels"),
    ("m", "macro"),
    ("t", "next"),
];
const LAST_KEYS: &[(&str, &str)] = &[("?", "help"), ("q", "quit")];

/// Every key, for the help overlay: key, what it does.
pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓ j k", "move in the queue; scroll a ticket"),
    ("PgUp PgDn Space", "a screen up or down"),
    ("g G Home End", "first, last"),
    ("Enter", "open the selected ticket"),
    ("Esc", "back to the queue; cancel typing or a picker"),
    ("Tab Shift-Tab", "next or previous queue: Mine, Unassigned in my teams, All"),
    ("/", "edit the query (desk list's language); Enter applies it"),
    ("r", "reply to the requester in $EDITOR (desk reply)"),
    ("n", "add an internal note in $EDITOR (desk note)"),
    ("a", "assign the ticket to yourself (desk assign --me)"),
    ("A", "assign to someone: an agent, Name <email>, or none"),
    ("s", "change the status (desk status)"),
    ("p", "change the priority (desk set priority=…)"),
    ("l", "labels: +add -remove (desk label)"),
    ("m", "apply a macro (desk apply)"),
    ("t", "take the next ticket and open it (desk next --take)"),
    ("R Ctrl-L", "load again (it also follows the branch by itself)"),
    ("?", "this help; any key closes it"),
    ("q Ctrl-C", "quit"),
];

const HEADER_STYLE: Style = Style::new().add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().add_modifier(Modifier::DIM);

/// Draws the whole screen; records in `app` how many rows and lines fit.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let [top, query, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_tabs(frame, top, app);
    draw_query(frame, query, app);
    if let Some(page) = app.page.as_mut() {
        draw_page(frame, body, page);
    } else {
        draw_queue(frame, body, app);
    }
    draw_status(frame, status, app);
    let hints = if app.page.is_some() { PAGE_KEYS } else { QUEUE_KEYS };
    frame.render_widget(Paragraph::new(key_line(hints, keys.width)), keys);
    if let Some(Input::Pick(picker)) = &app.input {
        let choices: Vec<Line<'_>> = picker
            .choices
            .iter()
            .enumerate()
            .map(|(i, (value, about))| {
                let style = if i == picker.at { Style::new().reversed() } else { Style::new() };
                let value = terminal_line(value).into_owned();
                let about = terminal_line(about).into_owned();
                let value_style = match picker.pick {
                    Pick::Status => app.loaded.desk.style("status", &value),
                    Pick::Priority => app.loaded.desk.style("priority", &value),
                    Pick::Macro => Style::new(),
                };
                Line::from(vec![
                    Span::styled(format!(" {value} "), value_style.patch(style)),
                    Span::styled(if about.is_empty() { String::new() } else { format!(" {about}") }, DIM),
                ])
            })
            .collect();
        popup(frame, picker.pick.title(), choices, 48);
    }
    if app.help {
        let lines: Vec<Line<'_>> = HELP
            .iter()
            .map(|(key, what)| {
                Line::from(vec![Span::styled(format!(" {key:<18}"), HEADER_STYLE), Span::raw(*what)])
            })
            .collect();
        popup(frame, "Keys", lines, 80);
    }
    if !app.color {
        for cell in &mut frame.buffer_mut().content {
            cell.fg = Color::Reset;
            cell.bg = Color::Reset;
        }
    }
}

/// `hints` that fit in `width` columns, then help and quit.
fn key_line(hints: &[(&'static str, &'static str)], width: u16) -> Line<'static> {
    let len = |(key, what): &(&str, &str)| key.width() + what.width() + 3;
    let mut room = usize::from(width).saturating_sub(LAST_KEYS.iter().map(len).sum());
    let mut spans = Vec::new();
    for hint in
        hints.iter().take_while(|h| room.checked_sub(len(h)).map(|r| room = r).is_some()).chain(LAST_KEYS)
    {
        spans.push(Span::styled(format!(" {}", hint.0), HEADER_STYLE));
        spans.push(Span::styled(format!(" {} ", hint.1), DIM));
    }
    Line::from(spans)
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut spans = vec![Span::styled(" desk ", HEADER_STYLE.reversed())];
    for scope in Scope::ALL {
        let style = if scope == app.scope { HEADER_STYLE.underlined() } else { DIM };
        spans.push(Span::raw("  "));
        spans.push(Span::styled(scope.title(), style));
    }
    if app.loaded.unreadable > 0 {
        let n = app.loaded.unreadable;
        let text =
            format!("  {n} unreadable ticket file{} left out: desk doctor", if n == 1 { "" } else { "s" });
        spans.push(Span::styled(text, Style::new().fg(Color::Red)));
    }
    let count = app.loaded.rows.len();
    let right = format!(
        "{count} ticket{}  ·  {} ",
        if count == 1 { "" } else { "s" },
        person_short(Some(&app.loaded.desk.me))
    );
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.render_widget(
        Paragraph::new(Line::styled(terminal_line(&right).into_owned(), DIM).right_aligned()),
        area,
    );
}

fn draw_query(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let label = Span::styled(" / ", HEADER_STYLE);
    let line = match &app.input {
        Some(Input::Line(Prompt::Query, field)) => {
            let x = area.x
                + 3
                + u16::try_from(field.text[..field_byte(&field.text, field.cursor)].width()).unwrap_or(0);
            frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
            frame.render_widget(
                Paragraph::new(Line::styled("⏎ apply  Esc cancel ", DIM).right_aligned()),
                area,
            );
            Line::from(vec![label, Span::raw(terminal_line(&field.text).into_owned())])
        }
        _ if app.query.is_empty() => Line::from(vec![
            label,
            Span::styled("press / to filter: status:open priority:high label:printer …", DIM),
        ]),
        _ => Line::from(vec![label, Span::raw(terminal_line(&app.query).into_owned())]),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn field_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

/// The queue's table: only the rows that fit are made, so a queue of 100 000
/// tickets draws as fast as one of 30.
fn draw_queue(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let rows = &app.loaded.rows;
    if rows.is_empty() {
        let text = Text::from(vec![
            Line::raw(""),
            Line::raw("No tickets here.").centered(),
            Line::styled("Tab switches the queue; / changes the query.", DIM).centered(),
        ]);
        frame.render_widget(Paragraph::new(text), area);
        app.height = area.height.saturating_sub(1).into();
        return;
    }
    let height = usize::from(area.height.saturating_sub(1)).max(1);
    app.height = height;
    if app.selected < app.offset {
        app.offset = app.selected;
    } else if app.selected >= app.offset + height {
        app.offset = app.selected + 1 - height;
    }
    app.offset = app.offset.min(rows.len().saturating_sub(height));
    let shown = &rows[app.offset..rows.len().min(app.offset + height)];
    let desk = &app.loaded.desk;
    let mut headers = vec!["ID", "STATUS", "PRIORITY", "ASSIGNEE", "AGE"];
    if desk.clocks {
        headers.push("DUE");
    }
    headers.push("TITLE");
    let cells: Vec<Vec<(String, Style)>> = shown
        .iter()
        .map(|row| {
            let t = &row.ticket;
            let mut cells = vec![
                (t.short.clone(), Style::new().fg(Color::Yellow)),
                (terminal_line(&t.status).into_owned(), desk.style("status", &t.status)),
                (terminal_line(&t.priority).into_owned(), desk.style("priority", &t.priority)),
                (terminal_line(&person_short(t.assignee.as_deref())).into_owned(), Style::new()),
                (output::age(app.now - t.created), Style::new()),
            ];
            if desk.clocks {
                let (due, style) = clocks::due_cell(&row.clocks.unwrap_or_default());
                cells.push((due, ansi::style(style)));
            }
            cells.push((terminal_line(&t.title).into_owned(), Style::new()));
            cells
        })
        .collect();
    let mut widths: Vec<Constraint> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let widest = cells.iter().map(|c| c[i].0.width()).max().unwrap_or(0).max(h.width());
            Constraint::Length(u16::try_from(widest.min(24)).unwrap_or(24))
        })
        .collect();
    *widths.last_mut().expect("a title column") = Constraint::Fill(1);
    let header = Row::new(headers.iter().map(|h| Cell::from(*h))).style(HEADER_STYLE);
    let table_rows = cells
        .into_iter()
        .map(|row| Row::new(row.into_iter().map(|(text, style)| Cell::from(text).style(style))));
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(2)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(app.selected - app.offset));
    let scrolls = rows.len() > height;
    let table_area = Rect { width: area.width.saturating_sub(u16::from(scrolls)), ..area };
    frame.render_stateful_widget(table, table_area, &mut state);
    if scrolls {
        let mut bar = ScrollbarState::new(rows.len().saturating_sub(height)).position(app.offset);
        let bar_area = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
        frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), bar_area, &mut bar);
    }
}

fn draw_page(frame: &mut Frame<'_>, area: Rect, page: &mut Page) {
    let paragraph = Paragraph::new(Text::from(page.lines.clone())).wrap(Wrap { trim: false });
    let width = area.width.saturating_sub(1).max(1);
    page.total = paragraph.line_count(width);
    page.height = area.height.into();
    page.scroll = page.scroll.min(page.total.saturating_sub(page.height));
    let text_area = Rect { width, ..area };
    let scroll = u16::try_from(page.scroll).unwrap_or(u16::MAX);
    frame.render_widget(paragraph.scroll((scroll, 0)), text_area);
    if page.total > page.height {
        let mut bar = ScrollbarState::new(page.total - page.height).position(page.scroll);
        frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), area, &mut bar);
    }
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let line = match (&app.input, &app.message) {
        (Some(Input::Line(prompt @ (Prompt::Label | Prompt::Assignee), field)), _) => {
            let label = match prompt {
                Prompt::Label => " labels (+add -remove): ",
                _ => " assign to (agent, Name <email>, me, none): ",
            };
            let before = field.text[..field_byte(&field.text, field.cursor)].width();
            let x = area.x + u16::try_from(label.width() + before).unwrap_or(0);
            frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
            Line::from(vec![
                Span::styled(label, HEADER_STYLE),
                Span::raw(terminal_line(&field.text).into_owned()),
            ])
        }
        (_, Some(m)) if m.error => {
            Line::styled(format!(" {}", terminal_line(&m.text)), Style::new().fg(Color::Red))
        }
        (_, Some(m)) => Line::raw(format!(" {}", terminal_line(&m.text))),
        (_, None) => match &app.page {
            Some(p) => Line::styled(format!(" {}  {}", p.ticket.short, terminal_line(&p.ticket.title)), DIM),
            None => Line::raw(""),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A bordered box in the middle of the screen, `width` columns at most.
fn popup(frame: &mut Frame<'_>, title: &str, lines: Vec<Line<'_>>, width: u16) {
    let area = frame.area();
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height);
    let width = width.min(area.width);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, rect);
    let block = Block::new().borders(Borders::ALL).title(format!(" {title} ")).title_style(HEADER_STYLE);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
