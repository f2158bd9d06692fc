//! desk's terminal styles as ratatui styles: the `anstyle` styles of
//! `cli::output` for cells, and the ANSI text of `cli::ticket_text` (the same
//! text `desk show` prints) as lines. That text is made safe before it is
//! styled (`output::terminal_text`): every escape in it is one of desk's own.

use anstyle::{AnsiColor, Color as AnsiStyleColor, Effects};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The ratatui style of an `anstyle` style.
pub fn style(s: anstyle::Style) -> Style {
    let mut out = Style::new();
    if let Some(fg) = s.get_fg_color() {
        out = out.fg(color(fg));
    }
    if let Some(bg) = s.get_bg_color() {
        out = out.bg(color(bg));
    }
    let effects = s.get_effects();
    for (effect, modifier) in [
        (Effects::BOLD, Modifier::BOLD),
        (Effects::DIMMED, Modifier::DIM),
        (Effects::ITALIC, Modifier::ITALIC),
        (Effects::UNDERLINE, Modifier::UNDERLINED),
        (Effects::STRIKETHROUGH, Modifier::CROSSED_OUT),
        (Effects::INVERT, Modifier::REVERSED),
    ] {
        if effects.contains(effect) {
            out = out.add_modifier(modifier);
        }
    }
    out
}

fn color(c: AnsiStyleColor) -> Color {
    match c {
        AnsiStyleColor::Ansi(a) => ansi_color(a),
        AnsiStyleColor::Ansi256(i) => Color::Indexed(i.0),
        AnsiStyleColor::Rgb(rgb) => Color::Rgb(rgb.0, rgb.1, rgb.2),
    }
}

fn ansi_color(a: AnsiColor) -> Color {
    match a {
        AnsiColor::Black => Color::Black,
        AnsiColor::Red => Color::Red,
        AnsiColor::Green => Color::Green,
        AnsiColor::Yellow => Color::Yellow,
        AnsiColor::Blue => Color::Blue,
        AnsiColor::Magenta => Color::Magenta,
        AnsiColor::Cyan => Color::Cyan,
        AnsiColor::White => Color::Gray,
        AnsiColor::BrightBlack => Color::DarkGray,
        AnsiColor::BrightRed => Color::LightRed,
        AnsiColor::BrightGreen => Color::LightGreen,
        AnsiColor::BrightYellow => Color::LightYellow,
        AnsiColor::BrightBlue => Color::LightBlue,
        AnsiColor::BrightMagenta => Color::LightMagenta,
        AnsiColor::BrightCyan => Color::LightCyan,
        AnsiColor::BrightWhite => Color::White,
    }
}

/// The 16 colours in SGR order (30–37, then 90–97).
const SGR_COLORS: [AnsiColor; 16] = [
    AnsiColor::Black,
    AnsiColor::Red,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Blue,
    AnsiColor::Magenta,
    AnsiColor::Cyan,
    AnsiColor::White,
    AnsiColor::BrightBlack,
    AnsiColor::BrightRed,
    AnsiColor::BrightGreen,
    AnsiColor::BrightYellow,
    AnsiColor::BrightBlue,
    AnsiColor::BrightMagenta,
    AnsiColor::BrightCyan,
    AnsiColor::BrightWhite,
];

/// Text with SGR escapes (`ESC [ … m`) as lines of styled spans. Any other
/// escape is dropped; a tab becomes four spaces (a cell holds no tab).
pub fn lines(text: &str) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut current = Style::new();
    for raw in text.split('\n') {
        let mut spans = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            let plain_end = rest.find('\x1b').unwrap_or(rest.len());
            if plain_end > 0 {
                spans.push(Span::styled(rest[..plain_end].replace('\t', "    "), current));
            }
            rest = &rest[plain_end..];
            if rest.is_empty() {
                break;
            }
            // An escape: `ESC [ params final`; only SGR (final `m`) changes anything.
            let body = rest.strip_prefix("\x1b[").unwrap_or("");
            let end = body.find(|c: char| ('\u{40}'..='\u{7e}').contains(&c));
            match end {
                Some(end) => {
                    if body.as_bytes()[end] == b'm' {
                        current = sgr(current, &body[..end]);
                    }
                    rest = &body[end + 1..];
                }
                None => rest = rest.get(1..).unwrap_or(""),
            }
        }
        out.push(Line::from(spans));
    }
    // The text's final newline ends the last line; it starts no new one.
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

/// `style` after the SGR parameters `params` (`1`, `33`, `38;5;208`, `0`).
fn sgr(mut style: Style, params: &str) -> Style {
    let codes: Vec<u16> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
    let mut i = 0;
    while i < codes.len() {
        let code = codes[i];
        match code {
            0 => style = Style::new(),
            1 => style = style.add_modifier(Modifier::BOLD),
            2 => style = style.add_modifier(Modifier::DIM),
            3 => style = style.add_modifier(Modifier::ITALIC),
            4 => style = style.add_modifier(Modifier::UNDERLINED),
            7 => style = style.add_modifier(Modifier::REVERSED),
            9 => style = style.add_modifier(Modifier::CROSSED_OUT),
            22 => style = style.remove_modifier(Modifier::BOLD | Modifier::DIM),
            23 => style = style.remove_modifier(Modifier::ITALIC),
            24 => style = style.remove_modifier(Modifier::UNDERLINED),
            30..=37 => style = style.fg(ansi_color(SGR_COLORS[usize::from(code - 30)])),
            90..=97 => style = style.fg(ansi_color(SGR_COLORS[usize::from(code - 90 + 8)])),
            40..=47 => style = style.bg(ansi_color(SGR_COLORS[usize::from(code - 40)])),
            100..=107 => style = style.bg(ansi_color(SGR_COLORS[usize::from(code - 100 + 8)])),
            39 => style.fg = None,
            49 => style.bg = None,
            38 | 48 | 58 => {
                let (color, used) = extended(&codes[i + 1..]);
                if let Some(color) = color {
                    style = match code {
                        38 => style.fg(color),
                        48 => style.bg(color),
                        _ => style,
                    };
                }
                i += used;
            }
            _ => {}
        }
        i += 1;
    }
    style
}

/// The colour of `5;N` or `2;R;G;B` after 38, 48 or 58, and how many codes it took.
fn extended(codes: &[u16]) -> (Option<Color>, usize) {
    let byte = |i: usize| codes.get(i).and_then(|c| u8::try_from(*c).ok());
    match codes.first() {
        Some(5) => (byte(1).map(Color::Indexed), 2),
        Some(2) => match (byte(1), byte(2), byte(3)) {
            (Some(r), Some(g), Some(b)) => (Some(Color::Rgb(r, g, b)), 4),
            _ => (None, 4),
        },
        _ => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_styles_become_spans() {
        let bold = anstyle::Style::new().bold();
        let id = crate::cli::output::ID;
        let text = format!("{bold}Title{bold:#}\n{id}k3x9q2{id:#} · open\n");
        let lines = lines(&text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].spans, vec![Span::styled("Title", Style::new().add_modifier(Modifier::BOLD))]);
        assert_eq!(lines[1].spans[0], Span::styled("k3x9q2", Style::new().fg(Color::Yellow)));
        assert_eq!(lines[1].spans[1], Span::raw(" · open"));
    }

    #[test]
    fn other_escapes_are_dropped_and_tabs_expanded() {
        let lines = lines("a\x1b[2Jb\x1b]0;x\tc");
        let text: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "ab]0;x    c");
    }

    #[test]
    fn styles_map_colours_and_effects() {
        let s = anstyle::Style::new().fg_color(Some(AnsiColor::Red.into())).dimmed();
        assert_eq!(style(s), Style::new().fg(Color::Red).add_modifier(Modifier::DIM));
        assert_eq!(sgr(Style::new(), "38;5;208"), Style::new().fg(Color::Indexed(208)));
        assert_eq!(
            sgr(Style::new(), "1;38;2;1;2;3;4"),
            Style::new().bold().fg(Color::Rgb(1, 2, 3)).underlined()
        );
    }
}
