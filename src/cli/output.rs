//! Shared output pieces: styles, times and ages, the JSON views CI scripts
//! read, and the terminal width.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::Result;
use crate::model::{Comment, Rating, Ticket, display_name};
use crate::workflow::Config;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const ID: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
pub const NOTE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta))).bold();
pub const REPLY: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan))).bold();

/// The colour of a status in tables.
pub fn status_color(config: &Config, status: &str) -> Option<comfy_table::Color> {
    if config.is_done(status) {
        Some(comfy_table::Color::DarkGrey)
    } else if status == config.workflow.initial {
        Some(comfy_table::Color::Cyan)
    } else if status == "pending" {
        Some(comfy_table::Color::Yellow)
    } else {
        Some(comfy_table::Color::Green)
    }
}

/// The colour of a priority in tables: the top two levels stand out.
pub fn priority_color(config: &Config, priority: &str) -> Option<comfy_table::Color> {
    let levels = config.priorities.levels.len();
    match config.priority_rank(priority) {
        Some(r) if r + 1 == levels => Some(comfy_table::Color::Red),
        Some(r) if r + 2 == levels => Some(comfy_table::Color::Yellow),
        _ => None,
    }
}

/// RFC 3339 UTC with whole seconds, as in JSON.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A time for people: `2026-11-28 15:01 UTC`.
pub fn human_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A compact age: `45s`, `12m`, `5h`, `3d`, `6w`, `4mo`, `2y`.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        86_400..1_209_600 => format!("{}d", s / 86_400),
        1_209_600..5_184_000 => format!("{}w", s / 604_800),
        5_184_000..31_536_000 => format!("{}mo", s / 2_592_000),
        _ => format!("{}y", s / 31_536_000),
    }
}

/// A duration for people: `45s`, `12m`, `3h 5m`, `2d 4h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A person for tables: the name only, `-` for nobody.
pub fn person_short(p: Option<&str>) -> String {
    p.map_or_else(|| "-".to_owned(), |p| display_name(p).to_owned())
}

/// Width to fit tables to: the terminal's, else `COLUMNS`, else unlimited.
pub fn table_width() -> Option<u16> {
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return Some(w);
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &u16| w > 0)
}

/// A table in desk's plain style: no borders, two spaces between columns.
pub fn table(color: bool) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    if let Some(w) = table_width() {
        table.set_width(w);
        table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    } else {
        table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    }
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// Prints a table, with trailing spaces trimmed from each line.
pub fn print_table(out: &mut impl Write, table: &mut comfy_table::Table) -> Result<()> {
    let count = table.column_count();
    for i in 0..count {
        if let Some(col) = table.column_mut(i) {
            col.set_padding((0, if i + 1 == count { 0 } else { 2 }));
        }
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A ticket as `--json` shows it. Field names are part of desk's interface.
#[derive(Debug, Serialize)]
pub struct TicketJson {
    pub id: String,
    pub title: String,
    pub status: String,
    pub priority: String,
    pub queue: Option<String>,
    pub requester: Option<String>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    pub created: String,
    pub updated: String,
    pub rating: Option<RatingJson>,
    pub body: String,
    pub comments: Vec<CommentJson>,
    pub fields: serde_json::Value,
}

/// A rating in `--json`.
#[derive(Debug, Serialize)]
pub struct RatingJson {
    pub score: u8,
    pub comment: Option<String>,
    pub date: String,
}

/// A reply or note in `--json`.
#[derive(Debug, Serialize)]
pub struct CommentJson {
    pub id: String,
    pub author: String,
    pub date: String,
    pub visibility: &'static str,
    pub body: String,
}

impl From<&Comment> for CommentJson {
    fn from(c: &Comment) -> Self {
        CommentJson {
            id: c.id.clone(),
            author: c.author.clone(),
            date: rfc3339(c.date),
            visibility: c.visibility.as_str(),
            body: c.body.clone(),
        }
    }
}

impl From<&Rating> for RatingJson {
    fn from(r: &Rating) -> Self {
        RatingJson { score: r.score, comment: r.comment.clone(), date: rfc3339(r.date) }
    }
}

impl From<&Ticket> for TicketJson {
    fn from(t: &Ticket) -> Self {
        TicketJson {
            id: t.id.to_string(),
            title: t.title.clone(),
            status: t.status.clone(),
            priority: t.priority.clone(),
            queue: t.queue.clone(),
            requester: t.requester.clone(),
            assignee: t.assignee.clone(),
            labels: t.labels.clone(),
            created: rfc3339(t.created),
            updated: rfc3339(t.updated),
            rating: t.rating.as_ref().map(RatingJson::from),
            body: t.description.clone(),
            comments: t.comments.iter().map(CommentJson::from).collect(),
            fields: serde_json::to_value(&t.fields).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Prints one JSON document and a newline.
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_durations_read_compactly() {
        assert_eq!(age(-5), "0s");
        assert_eq!(age(59), "59s");
        assert_eq!(age(3599), "59m");
        assert_eq!(age(7200), "2h");
        assert_eq!(age(3 * 86_400), "3d");
        assert_eq!(age(20 * 86_400), "2w");
        assert_eq!(age(100 * 86_400), "3mo");
        assert_eq!(age(800 * 86_400), "2y");
        assert_eq!(duration(3 * 3600 + 5 * 60 + 7), "3h 5m");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d 4h");
    }
}
