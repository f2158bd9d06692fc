//! Shared output pieces: styles, times and ages, the JSON views CI scripts
//! read, the terminal width, and the one rule for text from outside desk that
//! is shown on a terminal ([`terminal_text`]).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::Result;
use crate::model::{Comment, Ticket, Val, display_name};
use crate::time::Zone;
use crate::workflow::{Category, Config};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const ID: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
pub const NOTE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta))).bold();
pub const REPLY: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan))).bold();

/// Text from outside desk (a ticket's title, body, author, labels, custom
/// fields; a file name; an error quoting a file) made safe to write to a
/// terminal: every control character that could start an escape sequence or
/// move the cursor is replaced by a visible stand-in, so a ticket can never
/// write to the clipboard (OSC 52), retitle the window, clear the screen or
/// hide text. Newlines and tabs are kept. What is replaced, and by what:
///
/// - C0 controls (U+0000–U+001F: ESC, BEL, CR, backspace, …) and DEL (U+007F)
///   by their Unicode control pictures (`␛`, `␇`, `␍`, `␈`, `␡`, …);
/// - C1 controls (U+0080–U+009F, among them the one-character CSI and OSC)
///   and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
///   U+2066–U+2069, which reorder the rest of a line: "Trojan Source") by `�`.
///
/// JSON output keeps the exact text (JSON escapes control characters). Tables,
/// the Markdown renderer and error messages call this themselves; any other
/// printer of outside text must too.
pub fn terminal_text(text: &str) -> std::borrow::Cow<'_, str> {
    sanitise(text, false)
}

/// [`terminal_text`] for one line (a table cell, a field): newlines and tabs
/// are replaced too (`␤`, `␉`), so a value can never start a fake row.
pub fn terminal_line(text: &str) -> std::borrow::Cow<'_, str> {
    sanitise(text, true)
}

/// Outside text in a `format!`: `format!("{}", Shown(title))` writes
/// [`terminal_text`] of it.
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&terminal_text(self.0))
    }
}

/// The stand-in for a character a terminal must not receive, if it is one.
fn stand_in(c: char, one_line: bool) -> Option<char> {
    match c {
        '\n' | '\t' if !one_line => None,
        '\n' => Some('\u{2424}'),
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

fn sanitise(text: &str, one_line: bool) -> std::borrow::Cow<'_, str> {
    // Every character replaced starts with a byte below 0x20, 0x7f, or 0xc2 / 0xe2
    // in UTF-8: most text is passed through after this one scan.
    let suspicious = |b: &u8| *b < 0x20 || *b == 0x7f || *b == 0xc2 || *b == 0xe2;
    if !text.as_bytes().iter().any(suspicious) || !text.chars().any(|c| stand_in(c, one_line).is_some()) {
        return text.into();
    }
    text.chars().map(|c| stand_in(c, one_line).unwrap_or(c)).collect::<String>().into()
}

/// The style of a status in tables.
pub fn status_style(config: &Config, status: &str) -> Style {
    let color = match config.category(status) {
        Some(c) if c.is_done() => AnsiColor::BrightBlack,
        Some(Category::New) => AnsiColor::Cyan,
        Some(c) if c.pauses() => AnsiColor::Yellow,
        _ => AnsiColor::Green,
    };
    Style::new().fg_color(Some(color.into()))
}

/// The style of a priority in tables: the top two levels stand out.
pub fn priority_style(config: &Config, priority: &str) -> Style {
    let levels = config.priorities.levels.len();
    match config.priority_rank(priority) {
        Some(r) if r + 1 == levels => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Some(r) if r + 2 == levels => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        _ => Style::new(),
    }
}

/// RFC 3339 UTC with whole seconds, as in JSON.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A time for people, to the minute: in local time with its offset from UTC
/// (`2026-11-28 16:01 +0100`, as git shows dates), or in UTC with `--utc`
/// (`2026-11-28 15:01 UTC`).
pub fn human_time(t: DateTime<Utc>, zone: Zone) -> String {
    match zone {
        Zone::Local => t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M %z").to_string(),
        Zone::Utc => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
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

pub use crate::time::duration;

/// A person for tables: the name only, `-` for nobody.
pub fn person_short(p: Option<&str>) -> String {
    p.map_or_else(|| "-".to_owned(), |p| display_name(p).to_owned())
}

/// Set once standard output goes to a pager: the terminal's width then.
static PAGED: std::sync::OnceLock<Option<u16>> = std::sync::OnceLock::new();

/// Records that standard output now goes to a pager on a terminal `width` columns wide.
pub fn set_paged(width: Option<u16>) {
    let _ = PAGED.set(width);
}

/// Whether standard output is for a terminal: one, or a pager on one.
pub fn stdout_is_terminal() -> bool {
    PAGED.get().is_some() || std::io::stdout().is_terminal()
}

/// Width to fit tables to: the terminal's (also when paging), else `COLUMNS`,
/// else unlimited.
pub fn table_width() -> Option<u16> {
    if let Some(&width) = PAGED.get() {
        return width;
    }
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return Some(w);
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &u16| w > 0)
}

/// A table in desk's plain style (no borders, two spaces between columns),
/// fitted to [`table_width`] by comfy-table. Every cell is outside text and goes
/// through [`terminal_line`]: there is no way to add one that does not.
pub struct Table {
    inner: comfy_table::Table,
}

impl Table {
    pub fn new(color: bool) -> Table {
        let mut inner = comfy_table::Table::new();
        inner.load_style(comfy_table::presets::NOTHING);
        if let Some(w) = table_width() {
            inner.set_width(w);
            inner.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
        } else {
            inner.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        }
        if color {
            inner.enforce_styling();
        } else {
            inner.force_no_tty();
        }
        Table { inner }
    }

    pub fn header(&mut self, names: &[&str]) {
        self.inner.set_header(names.iter().map(|n| terminal_line(n).into_owned()));
    }

    /// Adds a row of cells.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.inner.add_row(Self::cells(cells));
    }

    /// Adds a row whose cells wrap onto at most `lines` lines.
    pub fn row_wrapped<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>, lines: usize) {
        let mut row = comfy_table::Row::from(Self::cells(cells));
        row.max_height(lines);
        self.inner.add_row(row);
    }

    fn cells<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Vec<comfy_table::Cell> {
        cells.into_iter().map(|c| comfy_table::Cell::new(terminal_line(c.as_ref()))).collect()
    }

    /// Writes the table, with trailing spaces trimmed from each line.
    pub fn print(&mut self, out: &mut impl Write) -> Result<()> {
        let count = self.inner.column_count();
        for i in 0..count {
            if let Some(col) = self.inner.column_mut(i) {
                col.set_padding((0, if i + 1 == count { 0 } else { 2 }));
            }
        }
        for line in self.inner.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// One cell of a [`PlainTable`]: its text and style.
pub type StyledCell<'a> = (std::borrow::Cow<'a, str>, Style);

/// A cell with its text made safe for a terminal ([`terminal_line`]).
fn safe_cell((text, style): StyledCell<'_>) -> StyledCell<'_> {
    let text = match text {
        std::borrow::Cow::Borrowed(t) => terminal_line(t),
        std::borrow::Cow::Owned(t) => match terminal_line(&t) {
            std::borrow::Cow::Borrowed(_) => t.into(),
            std::borrow::Cow::Owned(safe) => safe.into(),
        },
    };
    (text, style)
}

/// A table of single-line rows in the same plain style as [`table`], built for
/// long lists: linear in the number of cells and written in one buffered pass
/// (`desk list` of 100 000 tickets). Fitted to a width (see [`table_width`]) by
/// cutting the last column, which should be the one that may be long (a title).
pub struct PlainTable<'a> {
    header: Vec<&'static str>,
    /// The rows' cells, one row after the other (one allocation for them all).
    cells: Vec<StyledCell<'a>>,
    color: bool,
    /// The last column is never cut below this many columns.
    min_last: usize,
}

impl<'a> PlainTable<'a> {
    pub fn new(header: &[&'static str], color: bool) -> PlainTable<'a> {
        PlainTable { header: header.to_vec(), cells: Vec::new(), color, min_last: MIN_LAST_COLUMN }
    }

    /// Never cuts the last column below `width` columns.
    #[must_use]
    pub fn min_last_width(mut self, width: usize) -> PlainTable<'a> {
        self.min_last = width;
        self
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows * self.header.len());
    }

    /// Adds a row: one cell per column. Each cell's text goes through
    /// [`terminal_line`].
    pub fn push(&mut self, row: impl IntoIterator<Item = StyledCell<'a>>) {
        let before = self.cells.len();
        self.cells.extend(row.into_iter().map(safe_cell));
        assert_eq!(self.cells.len() - before, self.header.len(), "a row has one cell per column");
    }

    /// Writes the header and rows, two spaces between columns, no trailing
    /// spaces, cutting the last column to fit `width` if given.
    pub fn print(&self, out: &mut impl Write, width: Option<u16>) -> Result<()> {
        self.print_rows(out, width, || {
            self.cells.chunks(self.header.len()).map(|row| {
                row.iter().map(|(text, style)| (std::borrow::Cow::Borrowed(text.as_ref()), *style)).collect()
            })
        })
    }

    /// Writes the header and the rows `rows` makes, as [`PlainTable::print`]
    /// writes pushed rows, without keeping them: `rows` is called twice, to
    /// measure the columns and to write them. For long lists whose rows can be
    /// made again from what the caller holds anyway.
    pub fn print_rows<'r, I>(
        &self,
        out: &mut impl Write,
        width: Option<u16>,
        rows: impl Fn() -> I,
    ) -> Result<()>
    where
        I: Iterator<Item = Vec<StyledCell<'r>>>,
    {
        let safe =
            |row: Vec<StyledCell<'r>>| -> Vec<StyledCell<'r>> { row.into_iter().map(safe_cell).collect() };
        let mut widths: Vec<usize> = self.header.iter().map(|h| display_width(h)).collect();
        for row in rows().map(safe) {
            for (w, (text, _)) in widths.iter_mut().zip(&row) {
                *w = (*w).max(display_width(text));
            }
        }
        if let (Some(limit), Some(last)) = (width, widths.len().checked_sub(1)) {
            let others: usize = widths[..last].iter().map(|w| w + 2).sum();
            widths[last] = widths[last].min(usize::from(limit).saturating_sub(others).max(self.min_last));
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        let header: Vec<StyledCell<'_>> = self.header.iter().map(|h| ((*h).into(), Style::new())).collect();
        let mut line = String::new();
        for row in std::iter::once(header).chain(rows().map(safe)) {
            line.clear();
            for (i, ((text, style), width)) in row.iter().zip(&widths).enumerate() {
                let last = i + 1 == widths.len();
                let mut used = display_width(text);
                let text = if used > *width {
                    let cut = fit(text, *width);
                    used = display_width(&cut);
                    cut
                } else {
                    std::borrow::Cow::Borrowed(text.as_ref())
                };
                let pad = if last { 0 } else { width - used + 2 };
                if self.color && *style != Style::new() {
                    let _ = write!(line, "{style}{text}{style:#}");
                } else {
                    line.push_str(&text);
                }
                line.extend(std::iter::repeat_n(' ', pad));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        out.flush()?;
        Ok(())
    }
}

/// The last column of a [`PlainTable`] is never cut below this many columns,
/// unless [`PlainTable::min_last_width`] says otherwise.
const MIN_LAST_COLUMN: usize = 10;

/// Columns `text` takes on a terminal.
fn display_width(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr as _;
    if text.is_ascii() { text.len() } else { text.width() }
}

/// `text` cut to `width` display columns, ending in `…` when cut: after the
/// last whole word that fits, or inside the first word if none does.
fn fit(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar as _;
    if display_width(text) <= width {
        return text.into();
    }
    let mut cut = String::new();
    let mut used = 0;
    let mut mid_word = false;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            mid_word = !c.is_whitespace();
            break;
        }
        cut.push(c);
        used += w;
    }
    if mid_word
        && !cut.ends_with(char::is_whitespace)
        && let Some(space) = cut.rfind(char::is_whitespace)
    {
        cut.truncate(space);
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut.into()
}

/// A field's value in `--json`: a string, `null`, an array of strings, an
/// RFC 3339 time, or a rating object `{score, comment, date}`.
pub fn field_json(value: Val<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    let time = |t: i64| J::String(rfc3339(DateTime::from_timestamp(t, 0).unwrap_or_default()));
    match value {
        Val::None => J::Null,
        Val::Str(s) => J::String(s.to_owned()),
        Val::List(items) => J::Array(items.iter().map(|i| J::String(i.clone())).collect()),
        Val::Time(t) => time(t),
        Val::Rating(score, comment, date) => serde_json::json!({
            "score": score,
            "comment": comment,
            "date": time(date),
        }),
    }
}

/// A ticket as `--json` shows it: every field of the field table under its JSON
/// name, in table order, then `body`, `comments` and the custom `fields` (the
/// keys of [`super::fields::Key`]). Field names are part of desk's interface
/// (docs/json.md).
#[derive(Debug)]
pub struct TicketJson<'a>(pub &'a Ticket);

impl<'a> From<&'a Ticket> for TicketJson<'a> {
    fn from(t: &'a Ticket) -> Self {
        TicketJson(t)
    }
}

impl Serialize for TicketJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        super::fields::serialize_ticket(self.0, s)
    }
}

/// A reply or note in `--json`.
#[derive(Debug, Serialize)]
pub struct CommentJson {
    pub id: String,
    pub author: String,
    pub date: String,
    pub visibility: &'static str,
    /// Written by an automation rule (never a response).
    pub automated: bool,
    /// Copied from a ticket merged into this one (`desk merge`).
    pub merged: bool,
    pub body: String,
}

impl From<&Comment> for CommentJson {
    fn from(c: &Comment) -> Self {
        CommentJson {
            id: c.id.clone(),
            author: c.author.clone(),
            date: rfc3339(c.date),
            visibility: c.visibility.as_str(),
            automated: c.automated,
            merged: c.merged,
            body: c.body.clone(),
        }
    }
}

/// A list printed one element at a time, so memory holds one: as a JSON array
/// (`--json`, the same bytes as [`print_json`] of the whole array) or as NDJSON,
/// one compact object per line (`--ndjson`).
pub struct JsonStream<W: Write> {
    out: std::io::BufWriter<W>,
    ndjson: bool,
    count: usize,
}

impl<W: Write> JsonStream<W> {
    pub fn new(out: W, ndjson: bool) -> Self {
        JsonStream { out: std::io::BufWriter::with_capacity(1 << 16, out), ndjson, count: 0 }
    }

    /// The bytes of one element, ready for [`JsonStream::push_encoded`] of a
    /// stream of this kind (`ndjson` or not).
    pub fn encode(ndjson: bool, value: &impl Serialize) -> Result<Vec<u8>> {
        if ndjson {
            return Ok(serde_json::to_vec(value)?);
        }
        // An element of a pretty array: indented one level. Strings never hold
        // a raw newline, so every newline starts a line of the element.
        let pretty = serde_json::to_vec_pretty(value)?;
        let mut bytes = Vec::with_capacity(pretty.len() + pretty.len() / 8 + 2);
        bytes.extend_from_slice(b"  ");
        for &b in &pretty {
            bytes.push(b);
            if b == b'\n' {
                bytes.extend_from_slice(b"  ");
            }
        }
        Ok(bytes)
    }

    /// Writes one element.
    pub fn push(&mut self, value: &impl Serialize) -> Result<()> {
        self.push_encoded(&Self::encode(self.ndjson, value)?)
    }

    /// Writes one element [`JsonStream::encode`]d earlier.
    pub fn push_encoded(&mut self, bytes: &[u8]) -> Result<()> {
        if self.ndjson {
            self.out.write_all(bytes)?;
            self.out.write_all(b"\n")?;
        } else {
            self.out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
            self.out.write_all(bytes)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the list.
    pub fn finish(mut self) -> Result<()> {
        if !self.ndjson {
            self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Prints one JSON document and a newline.
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints `value` as one line of compact JSON (a JSON lines stream), flushed.
pub fn print_json_line(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote or line end;
/// a text a spreadsheet would run as a formula gets a leading `'`.
pub fn csv_cell(text: &str) -> String {
    let text =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_array_is_the_array_print_json_prints() {
        let values =
            [serde_json::json!({"id": "a", "labels": ["x", "y"], "fields": {}}), serde_json::json!({"n": 1})];
        for n in 0..=values.len() {
            let mut stream = JsonStream::new(Vec::new(), false);
            for v in &values[..n] {
                stream.push(v).unwrap();
            }
            let mut out = stream.out.into_inner().unwrap();
            out.extend_from_slice(if n == 0 { b"[]\n" } else { b"\n]\n" });
            let mut whole = serde_json::to_vec_pretty(&values[..n]).unwrap();
            whole.push(b'\n');
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(whole).unwrap());
        }
        let mut lines = JsonStream::new(Vec::new(), true);
        for v in &values {
            lines.push(v).unwrap();
        }
        let out = String::from_utf8(lines.out.into_inner().unwrap()).unwrap();
        assert_eq!(out, "{\"id\":\"a\",\"labels\":[\"x\",\"y\"],\"fields\":{}}\n{\"n\":1}\n");
    }

    fn plain_table(width: Option<u16>, color: bool) -> String {
        let mut table = PlainTable::new(&["ID", "STATUS", "TITLE"], color);
        let cell = |s: &'static str| (s.into(), Style::new());
        table.push([("k3x9q2".into(), ID), cell("open"), cell("Printer on 3rd floor does not print")]);
        table.push([("ab12cd".into(), ID), cell("pending"), cell("Café menu shows 🍕 twice")]);
        let mut out = Vec::new();
        table.print(&mut out, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_tables_align_columns_and_trim_line_ends() {
        assert_eq!(
            plain_table(None, false),
            "ID      STATUS   TITLE\n\
             k3x9q2  open     Printer on 3rd floor does not print\n\
             ab12cd  pending  Café menu shows 🍕 twice\n"
        );
    }

    #[test]
    fn plain_tables_cut_the_last_column_to_the_width() {
        let text = plain_table(Some(36), false);
        assert_eq!(
            text,
            "ID      STATUS   TITLE\n\
             k3x9q2  open     Printer on 3rd…\n\
             ab12cd  pending  Café menu shows 🍕…\n"
        );
        // Never below ten columns, even on a very narrow terminal.
        assert!(plain_table(Some(5), false).contains("Printer…\n"));
    }

    #[test]
    fn plain_tables_style_cells_only_with_colour() {
        assert!(!plain_table(None, false).contains('\u{1b}'));
        let coloured = plain_table(None, true);
        assert!(coloured.contains(&format!("{ID}k3x9q2{ID:#}  open")), "{coloured:?}");
    }

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
