//! Markdown for the terminal: comrak parses (with GitHub's extensions) and this
//! walks the tree, styling headings, emphasis, code and quotes. Styles are ANSI
//! codes that `anstream` strips when colour is off. Every piece of the text
//! itself (a text node, code, HTML, a URL) goes through `lit`, which makes it
//! safe for a terminal: control characters typed into a ticket, or written as
//! character references like `&#27;`, are shown, never obeyed.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use comrak::nodes::{ListType, NodeValue};
use comrak::{Arena, Node, Options, parse_document};

const HEADING: Style = Style::new().bold().underline();
const STRONG: Style = Style::new().bold();
const EMPH: Style = Style::new().italic();
const STRIKE: Style = Style::new().strikethrough();
const CODE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const DIM: Style = Style::new().dimmed();
const LINK: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue))).underline();

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o
}

/// Renders Markdown as styled terminal text, each line starting with `indent`.
pub fn render(markdown: &str, indent: &str) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    let mut out = String::new();
    blocks(root, indent, &mut out);
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

/// A literal piece of the ticket's text, safe for a terminal.
fn lit(text: &str) -> std::borrow::Cow<'_, str> {
    super::output::terminal_text(text)
}

fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn blocks(parent: Node<'_>, prefix: &str, out: &mut String) {
    let mut first = true;
    for child in parent.children() {
        if !first {
            let _ = writeln!(out, "{}", prefix.trim_end());
        }
        first = false;
        block(child, prefix, out);
    }
}

fn push_lines(out: &mut String, prefix: &str, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

fn block(node: Node<'_>, prefix: &str, out: &mut String) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Paragraph => push_lines(out, prefix, &inlines(node)),
        NodeValue::Heading(h) => {
            let marks = "#".repeat(usize::from(h.level));
            push_lines(out, prefix, &styled(HEADING, &format!("{marks} {}", inlines(node))));
        }
        NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) | NodeValue::Alert(_) => {
            blocks(node, &format!("{prefix}{} ", styled(DIM, "│")), out);
        }
        NodeValue::List(list) => {
            let mut number = list.start;
            for item in node.children() {
                let marker = match list.list_type {
                    ListType::Bullet => "• ".to_owned(),
                    ListType::Ordered => {
                        number += 1;
                        format!("{}. ", number - 1)
                    }
                };
                let mut item_text = String::new();
                let inner_prefix = " ".repeat(marker.chars().count());
                blocks(item, "", &mut item_text);
                for (i, line) in item_text.lines().enumerate() {
                    let lead = if i == 0 { marker.as_str() } else { inner_prefix.as_str() };
                    let _ = writeln!(out, "{prefix}{lead}{line}");
                }
            }
        }
        NodeValue::TaskItem(task) => {
            let mark = if task.symbol.is_some() { "[x] " } else { "[ ] " };
            let mut text = String::new();
            blocks(node, "", &mut text);
            push_lines(out, prefix, &format!("{mark}{text}"));
        }
        NodeValue::CodeBlock(code) => {
            for line in code.literal.trim_end_matches('\n').lines() {
                let _ = writeln!(out, "{prefix}    {}", styled(CODE, &lit(line)));
            }
        }
        NodeValue::HtmlBlock(html) => push_lines(out, prefix, &styled(DIM, &lit(html.literal.trim_end()))),
        NodeValue::ThematicBreak => {
            let _ = writeln!(out, "{prefix}{}", styled(DIM, "────────"));
        }
        NodeValue::Table(_) => {
            for row in node.children() {
                let cells: Vec<String> = row.children().map(inlines).collect();
                let is_header = matches!(row.data().value, NodeValue::TableRow(true));
                let line = cells.join(" │ ");
                let line = if is_header { styled(STRONG, &line) } else { line };
                let _ = writeln!(out, "{prefix}{line}");
            }
        }
        _ => {
            let text = inlines(node);
            if !text.is_empty() {
                push_lines(out, prefix, &text);
            }
        }
    }
}

fn inlines(node: Node<'_>) -> String {
    let mut out = String::new();
    for child in node.children() {
        inline(child, &mut out);
    }
    out
}

fn inline(node: Node<'_>, out: &mut String) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Text(t) => out.push_str(&lit(&t)),
        NodeValue::Code(c) => out.push_str(&styled(CODE, &lit(&c.literal))),
        NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
        NodeValue::Emph => out.push_str(&styled(EMPH, &inlines(node))),
        NodeValue::Strong => out.push_str(&styled(STRONG, &inlines(node))),
        NodeValue::Strikethrough => out.push_str(&styled(STRIKE, &inlines(node))),
        NodeValue::HtmlInline(h) => out.push_str(&styled(DIM, &lit(&h))),
        NodeValue::Link(link) => {
            let text = inlines(node);
            let url = lit(&link.url);
            let bare = url.trim_start_matches("mailto:");
            if text == *url || text == bare {
                out.push_str(&styled(LINK, &text));
            } else {
                let _ = write!(out, "{} <{url}>", styled(LINK, &text));
            }
        }
        NodeValue::Image(link) => {
            let _ = write!(out, "[image: {}] <{}>", inlines(node), lit(&link.url));
        }
        _ => out.push_str(&inlines(node)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str) -> String {
        anstream::adapter::strip_str(&render(md, "  ")).to_string()
    }

    #[test]
    fn renders_blocks_readably() {
        let md = "# Title\n\nSome *emph* and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```\nlet x = 1;\n```\n\n[docs](https://example.com) and https://example.com/raw";
        let expected = "  # Title\n\n  Some emph and code.\n\n  • one\n  • two\n\n  1. first\n  2. second\n\n  │ quoted\n\n      let x = 1;\n\n  docs <https://example.com> and https://example.com/raw\n";
        assert_eq!(plain(md), expected);
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        let hostile = "clip\u{1b}]52;c;ZXZpbA==\u{7}board `co\u{1b}[2Jde` &#27;[H &#x9b;2J \u{202e}txt.exe\n\n\
                       ```\nfence\u{1b}]0;title\u{7}\n```\n\n<b>\u{1b}[8m</b>\n\n[x](https://e.com/\u{1b}[5m)";
        let out = render(hostile, "");
        // The only escapes left are desk's own styles (SGR: ESC [ digits ; m).
        let sgr = regex_lite_sgr(&out);
        assert!(!sgr.contains('\u{1b}') && !sgr.contains('\u{7}') && !sgr.contains('\u{9b}'), "{out:?}");
        assert!(!sgr.contains('\u{202e}'), "{out:?}");
        assert!(out.contains("clip␛]52;c;ZXZpbA==␇board"), "{out:?}");
        assert!(out.contains("␛[H"), "a character reference is shown too: {out:?}");
        assert!(out.contains("\u{fffd}2J") && out.contains("\u{fffd}txt.exe"), "{out:?}");
    }

    /// `text` with desk's own SGR sequences taken out.
    fn regex_lite_sgr(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("\u{1b}[") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';')).unwrap_or(after.len());
            if after[end..].starts_with('m') {
                rest = &after[end + 1..];
            } else {
                out.push('\u{1b}');
                rest = &rest[at + 1..];
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn styles_are_ansi_codes() {
        assert!(render("**bold**", "").contains("\u{1b}[1m"));
    }
}
