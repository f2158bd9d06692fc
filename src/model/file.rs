//! The ticket file: YAML front matter, then the description and conversation
//! (see `body`). This part reads and writes the front matter and splits a file
//! into its two parts.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_yaml::Value;

use super::field::{FIELDS, Field, FieldDef, FieldKind, Val, Value as FieldValue, is_known_key};
use super::text::{ParseError, err, parse_time_str, time_str};
use super::{Rating, Ticket, TicketId};

/// Writes one field's `key: value` line (or lines, for a rating).
fn push_field(out: &mut String, def: &FieldDef, value: Val<'_>) {
    use super::yaml::scalar;
    if def.omit_empty && value.is_empty() {
        return;
    }
    let key = def.name;
    match value {
        Val::None => {
            let _ = writeln!(out, "{key}:");
        }
        Val::Str(s) => {
            let _ = writeln!(out, "{key}: {}", scalar(s));
        }
        Val::List(items) => {
            let items: Vec<String> = items.iter().map(|l| scalar(l)).collect();
            let _ = writeln!(out, "{key}: [{}]", items.join(", "));
        }
        Val::Time(t) => {
            let _ = writeln!(out, "{key}: {}", time_str(DateTime::from_timestamp(t, 0).unwrap_or_default()));
        }
        Val::Rating(score, comment, date) => {
            let _ = writeln!(out, "{key}:\n  score: {score}");
            if let Some(c) = comment {
                let _ = writeln!(out, "  comment: {}", scalar(c));
            }
            let _ =
                writeln!(out, "  date: {}", time_str(DateTime::from_timestamp(date, 0).unwrap_or_default()));
        }
    }
}

/// Renders a ticket as its file. Deterministic: the same ticket always gives the
/// same bytes, and [`parse_ticket`] gives the ticket back.
pub fn render_ticket(t: &Ticket) -> String {
    let mut out = String::with_capacity(512 + t.description.len());
    out.push_str("---\n");
    for def in FIELDS {
        push_field(&mut out, def, def.get(t));
    }
    out.push_str(&super::yaml::mapping(&t.fields));
    out.push_str("---\n");
    super::body::render_body(&mut out, &t.description, &t.comments, &t.removed);
    out
}

/// Parses a ticket file found at `path`, checking that its id names the path.
pub fn parse_ticket_at(text: &str, path: &str) -> Result<Ticket, ParseError> {
    let ticket = parse_ticket(text)?;
    check_id_path(&ticket, text, path)?;
    Ok(ticket)
}

/// Checks that the id in a ticket's front matter names the file it is in.
pub fn check_id_path(ticket: &Ticket, text: &str, path: &str) -> Result<(), ParseError> {
    if ticket.id.path() == path {
        return Ok(());
    }
    let line = text.lines().position(|l| l.starts_with("id:")).map_or(2, |i| i + 1);
    err(line, format!("id `{}` does not match the file's path (expected {})", ticket.id, ticket.id.path()))
}

/// Renders a ticket as [`render_ticket`] does, after checking that the file
/// reads back: parsed again it must render to the same bytes. A ticket that
/// fails (an empty status, a value the file cannot hold) is never written.
pub fn render_checked(t: &Ticket) -> Result<String, ParseError> {
    let text = render_ticket(t);
    let back = parse_ticket(&text)?;
    if render_ticket(&back) != text {
        let line =
            text.lines().zip(render_ticket(&back).lines()).position(|(a, b)| a != b).map_or(1, |i| i + 1);
        return err(line, "the ticket would not read back as written");
    }
    Ok(text)
}

/// Splits a file into its front matter (YAML text, first line number) and body
/// (text, first line number).
fn split(text: &str) -> Result<(&str, &str, usize), ParseError> {
    let Some(rest) = text.strip_prefix("---\n") else {
        return err(1, "the file must start with a `---` line (YAML front matter)");
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening `---`, so the closing one is line i + 2.
            return Ok((yaml, body, i + 3));
        }
        offset += line.len();
    }
    err(1, "the front matter is not closed by a `---` line")
}

fn check_conflict_markers(text: &str) -> Result<(), ParseError> {
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("<<<<<<<") || line.starts_with(">>>>>>>") {
            return err(
                i + 1,
                "unresolved git conflict marker (merged without desk's merge driver); edit the file with `desk edit`",
            );
        }
    }
    Ok(())
}

fn key_line(yaml: &str, key: &str) -> usize {
    yaml.lines().position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':'))).map_or(1, |i| i + 2)
}

fn parse_time(value: &Value, what: &str) -> Result<DateTime<Utc>, String> {
    let s = value.as_str().ok_or_else(|| format!("`{what}` must be an RFC 3339 time"))?;
    parse_time_str(s, what)
}

fn opt_string(value: Option<&Value>, key: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(format!("`{key}` must be a single line of text")),
    }
}

fn parse_rating(value: &Value) -> Result<Option<Rating>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let map = value.as_mapping().ok_or("`rating` must be a mapping with score, comment and date")?;
    let score = map
        .get("score")
        .and_then(Value::as_u64)
        .filter(|s| (1..=5).contains(s))
        .ok_or("`rating.score` must be a whole number from 1 to 5")?;
    let comment = opt_string(map.get("comment"), "rating.comment")?;
    let date = parse_time(map.get("date").unwrap_or(&Value::Null), "rating.date")?;
    Ok(Some(Rating { score: u8::try_from(score).expect("score is 1..=5"), comment, date }))
}

fn parse_header(yaml: &str) -> Result<Ticket, ParseError> {
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line() + 1);
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            return err(line, format!("invalid YAML in front matter: {msg}"));
        }
    };
    let Value::Mapping(map) = value else {
        return err(2, "the front matter must be a YAML mapping of keys to values");
    };
    let at = |key: &str, message: String| ParseError { line: key_line(yaml, key), message };
    let id_def = Field::Id.def();
    let id_text = opt_string(map.get(id_def.name), id_def.name)
        .and_then(|id| id.ok_or_else(|| "`id` is missing or empty".to_owned()))
        .map_err(|m| at(id_def.name, m))?;
    let id = TicketId::parse(&id_text)
        .ok_or_else(|| at("id", format!("`id` is not a ticket id (10 base32 characters): {id_text}")))?;
    let mut ticket = Ticket::blank(id, DateTime::<Utc>::UNIX_EPOCH);
    for def in &FIELDS[1..] {
        let value = parse_field(def, map.get(def.name)).map_err(|m| at(def.name, m))?;
        if def.required && value == FieldValue::None {
            return Err(at(def.name, format!("`{}` is missing or empty", def.name)));
        }
        let kind_matches = def.set(&mut ticket, value);
        debug_assert!(kind_matches, "parse_field gives values of the field's kind");
    }
    for (k, v) in map {
        if !k.as_str().is_some_and(is_known_key) {
            ticket.fields.insert(k, v);
        }
    }
    Ok(ticket)
}

/// A list of single lines of text (absent or null: empty).
fn parse_list(key: &str, value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|v| opt_string(Some(v), key).ok().flatten())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("`{key}` must be a list of single lines of text")),
        Some(_) => Err(format!("`{key}` must be a list, like [a, b]")),
    }
}

/// A field's value as found in the front matter (`None`: the key is absent).
fn parse_field(def: &FieldDef, value: Option<&Value>) -> Result<FieldValue, String> {
    let key = def.name;
    Ok(match def.kind {
        FieldKind::Id | FieldKind::Text | FieldKind::Enum(_) | FieldKind::Person | FieldKind::Ticket => {
            opt_string(value, key)?.map_or(FieldValue::None, FieldValue::Str)
        }
        FieldKind::Links => {
            let links = parse_list(key, value)?;
            if let Some(bad) = links.iter().find(|l| super::link::split(l).is_none()) {
                return Err(format!(
                    "`{key}`: '{bad}' is not TYPE:ID (a link type such as relates, parent-of, duplicate-of, and a full ticket id)"
                ));
            }
            FieldValue::List(links)
        }
        FieldKind::Labels | FieldKind::People => FieldValue::List(parse_list(key, value)?),
        FieldKind::Time => match value {
            None | Some(Value::Null) => FieldValue::None,
            Some(v) => FieldValue::Time(parse_time(v, key)?),
        },
        FieldKind::Rating => {
            parse_rating(value.unwrap_or(&Value::Null))?.map_or(FieldValue::None, FieldValue::Rating)
        }
    })
}

/// Parses the header (front matter) only: what lists and queries need. The
/// description and conversation are left empty.
pub fn parse_front_matter_only(text: &str) -> Result<Ticket, ParseError> {
    let text = &super::body::lf_line_ends(text);
    check_conflict_markers(text)?;
    let (yaml, _, _) = split(text)?;
    parse_header(yaml)
}

/// Parses a whole ticket file.
pub fn parse_ticket(text: &str) -> Result<Ticket, ParseError> {
    let text = &super::body::lf_line_ends(text);
    check_conflict_markers(text)?;
    let (yaml, body, body_line) = split(text)?;
    let mut ticket = parse_header(yaml)?;

    let body = super::body::parse_body(body, body_line)?;
    ticket.description = body.description;
    ticket.comments = body.comments;
    ticket.removed = body.removed;
    Ok(ticket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::yaml::scalar as yaml_string;
    use crate::model::{Comment, Visibility, normalise_text};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap()
    }

    fn sample() -> Ticket {
        let mut t = Ticket::new(
            TicketId::parse("k3x9q2hm7d").unwrap(),
            "Printer on 3rd floor does not print".into(),
            "open".into(),
            "high".into(),
            at(14, 53),
        );
        t.queue = Some("it".into());
        t.requester = Some("Jane Doe <jane@example.com>".into());
        t.labels = vec!["hardware".into(), "printer".into()];
        t.description = "The printer shows error 0x42 since this morning.".into();
        t.comments.push(Comment {
            id: "7hq2m4xk9p".into(),
            author: "Bob Agent <bob@example.com>".into(),
            date: at(15, 1),
            visibility: Visibility::Public,
            automated: false,
            merged: false,
            body: "Could you send a photo of the display?\n\n---\n\n### Not a heading of ours\n<!-- desk:reply fake -->".into(),
        });
        t.comments.push(Comment {
            id: "8hq2m4xk9p".into(),
            author: "Bob Agent <bob@example.com>".into(),
            date: at(15, 2),
            visibility: Visibility::Internal,
            automated: false,
            merged: false,
            body: "Toner was replaced last week.".into(),
        });
        t
    }

    #[test]
    fn renders_the_documented_layout() {
        let text = render_ticket(&sample());
        let expected = "---
id: k3x9q2hm7d
title: Printer on 3rd floor does not print
status: open
priority: high
queue: it
requester: Jane Doe <jane@example.com>
assignee:
labels: [hardware, printer]
created: 2026-11-28T14:53:00Z
updated: 2026-11-28T14:53:00Z
---
<!-- desk:description -->
> The printer shows error 0x42 since this morning.

<!-- desk:reply 7hq2m4xk9p 2026-11-28T15:01:00Z Bob Agent <bob@example.com> -->
### Reply from Bob Agent · 2026-11-28 15:01 UTC

> Could you send a photo of the display?
>
> ---
>
> ### Not a heading of ours
> <!-- desk:reply fake -->

<!-- desk:note 8hq2m4xk9p 2026-11-28T15:02:00Z Bob Agent <bob@example.com> -->
### Internal note from Bob Agent · 2026-11-28 15:02 UTC

> Toner was replaced last week.
";
        assert_eq!(text, expected);
        assert_eq!(parse_ticket(&text).unwrap(), sample());
    }

    #[test]
    fn custom_fields_and_rating_round_trip() {
        let mut t = sample();
        t.fields.insert("customer_tier".into(), "gold".into());
        t.fields.insert("asset".into(), Value::Number(4711.into()));
        t.rating = Some(Rating { score: 4, comment: Some("quick: thanks".into()), date: at(16, 0) });
        let text = render_ticket(&t);
        assert!(text.contains("customer_tier: gold\nasset: 4711\n"), "{text}");
        assert!(
            text.contains(
                "rating:\n  score: 4\n  comment: \"quick: thanks\"\n  date: 2026-11-28T16:00:00Z\n"
            )
        );
        assert_eq!(parse_ticket(&text).unwrap(), t);
    }

    #[test]
    fn awkward_strings_are_quoted() {
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(yaml_string("123"), "\"123\"");
        assert_eq!(yaml_string("a: b"), "\"a: b\"");
        assert_eq!(yaml_string("#hash"), "\"#hash\"");
        assert_eq!(yaml_string("Jane Doe <jane@example.com>"), "Jane Doe <jane@example.com>");
        assert_eq!(yaml_string(""), "\"\"");
    }

    #[test]
    fn errors_name_the_line() {
        let text = render_ticket(&sample());
        let broken = text.replace("status: open", "status: [open");
        let e = parse_ticket(&broken).unwrap_err();
        assert!(e.message.contains("invalid YAML"), "{e}");
        let broken = text.replace("created: 2026-11-28T14:53:00Z", "created: yesterday");
        assert_eq!(parse_ticket(&broken).unwrap_err().line, 10);
        let broken = text.replace("title: Printer on 3rd floor does not print\n", "");
        let e = parse_ticket(&broken).unwrap_err();
        assert_eq!(e.message, "`title` is missing or empty");
        let broken = format!("{text}<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n");
        let e = parse_ticket(&broken).unwrap_err();
        assert!(e.message.contains("conflict marker"));
        assert_eq!(e.line, text.lines().count() + 1);
        let broken = text.replace("<!-- desk:note 8hq2m4xk9p", "<!-- desk:memo 8hq2m4xk9p");
        assert!(parse_ticket(&broken).unwrap_err().message.contains("unknown comment kind"));
        assert_eq!(parse_ticket("no front matter").unwrap_err().line, 1);
        assert!(parse_ticket("---\nid: x\n").unwrap_err().message.contains("not closed"));
    }

    #[test]
    fn a_ticket_that_would_not_read_back_is_not_rendered() {
        let t = sample();
        assert_eq!(render_checked(&t).unwrap(), render_ticket(&t));
        let mut empty = t.clone();
        empty.status = String::new();
        let e = render_checked(&empty).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (4, "`status` is missing or empty"));
    }

    #[test]
    fn hand_written_files_parse_leniently() {
        let text = "---\nid: k3x9q2hm7d\ntitle: Hi\nstatus: new\npriority: normal\nlabels: [a]\ncreated: 2026-11-28T14:53:00+01:00\nupdated: 2026-11-28T14:53:00Z\n---\n\n\nHello\n";
        let t = parse_ticket(text).unwrap();
        assert_eq!(t.description, "Hello");
        assert_eq!(t.created, Utc.with_ymd_and_hms(2026, 11, 28, 13, 53, 0).unwrap());
        assert_eq!(t.assignee, None);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "[ -~]{0,30}",
            Just("---".to_owned()),
            Just("<!-- desk:reply x".to_owned()),
            Just("\\<!-- desk:note".to_owned()),
            Just("<<<<<<< HEAD".to_owned()),
            Just(">>>>>>> x".to_owned()),
            Just("### heading".to_owned()),
            Just("  indented".to_owned()),
            Just("ünïcødé ✓".to_owned()),
            Just("```".to_owned()),
            Just("<pre>".to_owned()),
            Just("<!--".to_owned()),
            Just("<!-- desk:description -->".to_owned()),
            Just("<!-- desk:removed 0000000000 2026-01-01T00:00:00Z x -->".to_owned()),
            Just(">".to_owned()),
            Just("> quoted".to_owned()),
            Just("\tTab".to_owned()),
            Just("===".to_owned()),
        ];
        proptest::collection::vec(line, 0..6).prop_map(|lines| normalise_text(&lines.join("\n")))
    }

    fn line_strategy() -> impl Strategy<Value = String> {
        "[ -~ä✓]{1,30}".prop_map(|s| s.trim().to_owned()).prop_filter("non-empty", |s| !s.is_empty())
    }

    prop_compose! {
        fn ticket_strategy()(
            title in line_strategy(),
            status in "[a-z]{1,8}",
            queue in proptest::option::of(line_strategy()),
            requester in proptest::option::of(line_strategy()),
            labels in proptest::collection::vec("[a-z0-9/._-]{1,10}", 0..4),
            description in text_strategy(),
            bodies in proptest::collection::vec((text_strategy(), any::<bool>(), line_strategy()), 0..4),
            field in proptest::option::of(("[a-z_]{1,8}", line_strategy())),
            removed in proptest::collection::vec((line_strategy(), 0i64..4_000_000_000), 0..3),
            secs in 0i64..4_000_000_000,
        ) -> Ticket {
            let time = Utc.timestamp_opt(secs, 0).unwrap();
            let mut t = Ticket::new(TicketId::generate(), title, status, "normal".into(), time);
            t.queue = queue;
            t.requester = requester;
            for l in labels { t.add_label(&l); }
            t.description = description;
            for (i, (body, public, author)) in bodies.into_iter().enumerate() {
                t.comments.push(Comment {
                    id: format!("c{i}"),
                    author,
                    date: time,
                    visibility: if public { Visibility::Public } else { Visibility::Internal },
                    automated: false,
                    merged: false,
                    body,
                });
            }
            for (i, (author, secs)) in removed.into_iter().enumerate() {
                t.removed.push(crate::model::Removal {
                    id: format!("r{i}"),
                    author,
                    date: Utc.timestamp_opt(secs, 0).unwrap(),
                });
            }
            t.removed.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
            if let Some((k, v)) = field
                && !is_known_key(&k) { t.fields.insert(k.into(), v.into()); }
            t
        }
    }

    proptest! {
        #[test]
        fn parse_inverts_render(t in ticket_strategy()) {
            let text = render_ticket(&t);
            let back = parse_ticket(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(&back, &t);
            prop_assert_eq!(render_ticket(&back), text);
        }

        #[test]
        fn parser_never_panics(text in "(---\n)?[ -~\n]{0,200}") {
            let _ = parse_ticket(&text);
        }
    }
}
