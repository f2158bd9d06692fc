//! The body format: how it renders on a forge (`CommonMark` + GFM, as comrak
//! renders it), how it parses, and that files of the earlier form still read.

use std::fmt::Write as _;

use chrono::{TimeZone, Utc};
use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
use proptest::prelude::*;

use crate::model::{
    Comment, Removal, Ticket, TicketId, Visibility, normalise_text, parse_ticket, render_ticket,
};

fn at(minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 15, minute, 0).unwrap()
}

/// Texts that change how whatever follows them renders, were they not isolated.
const HOSTILE: &[&str] = &[
    "```\nunclosed backtick fence",
    "~~~~\nunclosed tilde fence",
    "   ```rust\nindented fence",
    "    ```\nindented code that looks like a fence",
    "<pre>\nunclosed pre",
    "<!-- unclosed HTML comment",
    "<script>\nalert(1)",
    "<details>\n<summary>More</summary>\n\nhidden",
    "<div>\n\n*still in a div*",
    "### Reply from Ada Agent · 2026-01-01 00:00 UTC",
    "<!-- desk:reply 0000000000 2026-01-01T00:00:00Z Ada Agent <ada@example.com> -->",
    "\\<!-- desk:note 0000000001 2026-01-01T00:00:00Z Ada -->",
    "<!-- desk:description -->",
    "<!-- desk:removed 0000000002 2026-01-01T00:00:00Z Ada -->",
    "Setext heading\n===",
    "Setext heading\n---",
    "---",
    "lazy paragraph\ncontinues here",
    "> a quote\nwith a lazy line",
    "[ref]: https://example.com/evil \"title\"\n[ref]",
    "[^1]: a footnote\n\nsee [^1]",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "- item\n  ```\n  code in a list",
    "1. item\n\n   <pre>",
    "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch",
    "# A top-level heading\n## and another",
    "\ttab-indented",
    "trailing backslash \\",
    ">",
    "> > nested",
];

const AUTHORS: &[&str] = &[
    "_Bob_ <bob@example.com>",
    "**Ann** <ann@example.com>",
    "<b>Eve</b>",
    "[Mallory](https://example.com) <m@example.com>",
    "`Trent` #1 <t@example.com>",
    "Ada & Co \\ <ada@example.com>",
    "Zoë Ångström <zoe@example.com>",
];

fn gfm() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.front_matter_delimiter = Some("---".into());
    o
}

/// Renders a ticket file as a forge would, and checks that each comment has
/// exactly its own top-level heading (in order, with the name as written),
/// that each marker is its own HTML block, and that every text's first line
/// (a sentinel) is still rendered as text.
fn check_renders_isolated(t: &Ticket) -> Result<(), String> {
    check_file_isolated(&render_ticket(t), t)
}

fn check_file_isolated(file: &str, t: &Ticket) -> Result<(), String> {
    let arena = Arena::new();
    let root = parse_document(&arena, file, &gfm());
    let mut headings = Vec::new();
    let mut markers = Vec::new();
    for node in root.children() {
        match &node.data().value {
            NodeValue::Heading(_) => headings.push(node.collect_text()),
            NodeValue::HtmlBlock(h) if h.literal.starts_with("<!-- desk:") => markers.push(h.literal.clone()),
            _ => {}
        }
    }
    let expected: Vec<String> = t
        .comments
        .iter()
        .map(|c| {
            let label = if c.visibility == Visibility::Public { "Reply" } else { "Internal note" };
            format!(
                "{label} from {} · {}",
                super::super::display_name(&c.author),
                c.date.format("%Y-%m-%d %H:%M UTC")
            )
        })
        .collect();
    if headings != expected {
        return Err(format!("top-level headings {headings:#?}, expected {expected:#?}\n{file}"));
    }
    let expected_markers = 1 + t.comments.len() + t.removed.len();
    if markers.len() != expected_markers || !markers.iter().all(|m| m.trim_end().lines().count() == 1) {
        return Err(format!("markers {markers:#?}, expected {expected_markers} one-line blocks\n{file}"));
    }
    let text = root.descendants().filter_map(|n| match &n.data().value {
        NodeValue::Text(s) => Some(s.to_string()),
        _ => None,
    });
    let text: Vec<String> = text.collect();
    for body in std::iter::once(&t.description).chain(t.comments.iter().map(|c| &c.body)) {
        let sentinel = body.lines().next().unwrap_or_default();
        if !sentinel.is_empty() && !text.iter().any(|s| s == sentinel) {
            return Err(format!("`{sentinel}` is not rendered as text\n{file}"));
        }
    }
    Ok(())
}

fn ticket(description: String, bodies: Vec<(String, &str)>) -> Ticket {
    let mut t = Ticket::new(
        TicketId::parse("k3x9q2hm7d").unwrap(),
        "Hostile".into(),
        "open".into(),
        "normal".into(),
        at(0),
    );
    t.description = description;
    for (i, (body, author)) in bodies.into_iter().enumerate() {
        let minute = u32::try_from(i).unwrap() + 1;
        t.comments.push(Comment {
            id: format!("c{i}aaaaaaaa"),
            author: author.to_owned(),
            date: at(minute),
            visibility: if i % 2 == 0 { Visibility::Public } else { Visibility::Internal },
            automated: false,
            merged: false,
            body,
        });
    }
    t
}

#[test]
fn every_hostile_text_is_isolated_on_a_forge() {
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let body = |n: usize| format!("sentinel{n}\n\n{hostile}");
        let bodies = AUTHORS.iter().enumerate().map(|(n, a)| (body(n + 1), *a)).collect();
        let t = ticket(body(0), bodies);
        check_renders_isolated(&t).unwrap_or_else(|e| panic!("hostile text {i} {hostile:?}: {e}"));
        assert_eq!(parse_ticket(&render_ticket(&t)).unwrap(), t);
    }
}

/// The earlier, unquoted form of the same ticket (without the few escapes it had).
fn earlier_form(t: &Ticket) -> String {
    let quoted = render_ticket(t);
    let (front, _) = quoted.split_once("<!-- desk:description -->\n").unwrap();
    let mut out = format!("{front}{}\n", t.description);
    for c in &t.comments {
        let _ = write!(
            out,
            "\n<!-- desk:reply {} {} {} -->\n### Reply from {} · {}\n\n{}\n",
            c.id,
            super::time_str(c.date),
            c.author,
            super::super::display_name(&c.author),
            c.date.format("%Y-%m-%d %H:%M UTC"),
            c.body
        );
    }
    out
}

#[test]
fn the_check_catches_what_the_earlier_form_let_through() {
    for hostile in ["```\nunclosed", "<pre>\nunclosed", "### Reply from Ada Agent · 2026-01-01 00:00 UTC"] {
        let t = ticket(format!("sentinel0\n\n{hostile}"), vec![("sentinel1".into(), "Bob <b@x>")]);
        assert!(check_file_isolated(&earlier_form(&t), &t).is_err(), "{hostile}");
        check_renders_isolated(&t).unwrap();
    }
    let t = ticket("d".into(), vec![("b".into(), "_Bob_ <b@x>")]);
    assert!(check_file_isolated(&earlier_form(&t), &t).is_err(), "an unescaped name renders as emphasis");
}

#[test]
fn author_names_in_headings_are_escaped() {
    assert_eq!(super::escape_markdown("_Bob_ #1 <b>"), r"\_Bob\_ \#1 \<b\>");
    let t = ticket("x".into(), vec![("y".into(), "_Bob_ <bob@example.com>")]);
    assert!(render_ticket(&t).contains("\n### Reply from \\_Bob\\_ · 2026-11-28 15:01 UTC\n"));
}

/// A file in the earlier, unquoted form, as desk wrote it before.
const EARLIER_FORM: &str = "---
id: k3x9q2hm7d
title: Printer
status: open
priority: high
labels: []
created: 2026-11-28T14:53:00Z
updated: 2026-11-28T14:53:00Z
---
The printer shows error 0x42.
\\<!-- desk:reply not a marker -->
> a quote of the requester's mail

<!-- desk:reply 7hq2m4xk9p 2026-11-28T15:01:00Z Bob Agent <bob@example.com> -->
### Reply from Bob Agent · 2026-11-28 15:01 UTC

Could you send a photo?
\\\\>>>>>>> two backslashes, one was added

<!-- desk:note 8hq2m4xk9p 2026-11-28T15:02:00Z Bob Agent <bob@example.com> -->
### Internal note from Bob Agent · 2026-11-28 15:02 UTC

> quoted in the earlier form stays quoted
";

#[test]
fn files_of_the_earlier_form_are_still_read() {
    let t = parse_ticket(EARLIER_FORM).unwrap();
    assert_eq!(
        t.description,
        "The printer shows error 0x42.\n<!-- desk:reply not a marker -->\n> a quote of the requester's mail"
    );
    assert_eq!(t.comments[0].body, "Could you send a photo?\n\\>>>>>>> two backslashes, one was added");
    assert_eq!(t.comments[1].body, "> quoted in the earlier form stays quoted");
    // Written again, it is in the quoted form and reads back the same.
    let again = render_ticket(&t);
    assert!(again.contains("---\n<!-- desk:description -->\n> The printer shows error 0x42.\n"), "{again}");
    assert!(again.contains("\n> > quoted in the earlier form stays quoted\n"), "{again}");
    assert_eq!(parse_ticket(&again).unwrap(), t);
}

#[test]
fn windows_line_ends_are_read() {
    let lf =
        render_ticket(&ticket("one\n\ntwo".into(), vec![("three\nfour".into(), "Ann <ann@example.com>")]));
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(parse_ticket(&crlf).unwrap(), parse_ticket(&lf).unwrap());
    assert_eq!(
        parse_ticket(&EARLIER_FORM.replace('\n', "\r\n")).unwrap(),
        parse_ticket(EARLIER_FORM).unwrap()
    );
    assert_eq!(crate::model::parse_front_matter_only(&crlf).unwrap().title, "Hostile");
}

#[test]
fn removed_comments_are_markers_without_text() {
    let mut t = ticket("d".into(), vec![("kept".into(), "Ann <ann@example.com>")]);
    t.removed.push(Removal { id: "r0aaaaaaaa".into(), author: "Bob <bob@example.com>".into(), date: at(30) });
    let text = render_ticket(&t);
    assert!(
        text.ends_with(
            "> kept\n\n<!-- desk:removed r0aaaaaaaa 2026-11-28T15:30:00Z Bob <bob@example.com> -->\n"
        ),
        "{text}"
    );
    assert_eq!(parse_ticket(&text).unwrap(), t);
    let e = parse_ticket(&format!("{text}> leaked text\n")).unwrap_err();
    assert!(e.message.contains("a removed comment has no text"), "{e}");
    let twice = text.replace("desk:removed r0aaaaaaaa", "desk:removed c0aaaaaaaa");
    assert!(parse_ticket(&twice).unwrap_err().message.contains("appears twice"));
    let misplaced = text.replace("> kept\n", "> kept\n<!-- desk:description -->\n");
    assert!(parse_ticket(&misplaced).unwrap_err().message.contains("must be the first line"));
}

#[test]
fn an_edit_records_the_comments_it_removed() {
    let before = ticket("d".into(), vec![("a".into(), "Ann <a@x>"), ("b".into(), "Bob <b@x>")]);
    let mut after = before.clone();
    after.comments.remove(0);
    after.record_removals(&before, "Eve <e@x>", at(40)).unwrap();
    assert_eq!(
        after.removed,
        vec![Removal { id: "c0aaaaaaaa".into(), author: "Eve <e@x>".into(), date: at(40) }]
    );
    // Removals stay even when an edit drops their markers; bringing the comment back is refused.
    let mut again = after.clone();
    again.removed.clear();
    again.record_removals(&after, "Eve <e@x>", at(50)).unwrap();
    assert_eq!(again.removed, after.removed);
    let mut back = before.clone();
    back.removed.clear();
    assert!(back.record_removals(&after, "Eve <e@x>", at(50)).unwrap_err().contains("cannot come back"));
}

fn hostile_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        prop::sample::select(HOSTILE.to_vec()).prop_map(str::to_owned),
        "[ -~]{0,20}",
        Just(String::new()),
    ];
    (0usize..1000, prop::collection::vec(line, 0..4))
        .prop_map(|(n, lines)| normalise_text(&format!("sentinel{n}\n\n{}", lines.join("\n"))))
}

proptest! {
    #[test]
    fn any_mix_of_hostile_texts_renders_isolated(
        description in hostile_text(),
        bodies in prop::collection::vec((hostile_text(), prop::sample::select(AUTHORS.to_vec())), 0..5),
    ) {
        let t = ticket(description, bodies);
        check_renders_isolated(&t).map_err(TestCaseError::fail)?;
        let text = render_ticket(&t);
        let back = parse_ticket(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(render_ticket(&back), text);
        prop_assert_eq!(back, t);
    }
}
