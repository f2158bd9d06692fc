//! The scalar rule checked two ways: desk's own YAML parser reads every written
//! value back, and so does an independent YAML 1.1 reading written here from
//! the YAML 1.1 type definitions (yaml.org/type), plus the YAML 1.2 core
//! schema's, so that a string only stays a string when no reader disagrees.

use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;
use serde_yaml::{Mapping, Value};

use super::*;

/// What a YAML 1.1 or 1.2 reader makes of a written scalar.
#[derive(Debug, PartialEq)]
enum Read {
    Str(String),
    /// Resolved to another type (named), or not one scalar at all.
    Other(String),
}

fn re(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})$")).expect("valid pattern")
}

/// Implicit types of plain scalars: YAML 1.1 (yaml.org/type/*.html) and YAML 1.2 core.
static IMPLICIT: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        (
            "bool 1.1",
            re("y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
        ),
        ("null 1.1", re("~|null|Null|NULL|")),
        ("int 1.1 base 2", re("[-+]?0b[0-1_]+")),
        ("int 1.1 base 8", re("[-+]?0[0-7_]+")),
        ("int 1.1 base 10", re("[-+]?(0|[1-9][0-9_]*)")),
        ("int 1.1 base 16", re("[-+]?0x[0-9a-fA-F_]+")),
        ("int 1.1 base 60", re("[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")),
        ("float 1.1 base 10", re(r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?")),
        ("float 1.1 base 60", re(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*")),
        ("float 1.1 inf", re(r"[-+]?\.(inf|Inf|INF)")),
        ("float 1.1 nan", re(r"\.(nan|NaN|NAN)")),
        ("timestamp 1.1 date", re("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")),
        (
            "timestamp 1.1",
            re(concat!(
                "[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?",
                "([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]",
                r"(\.[0-9]*)?",
                "(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?"
            )),
        ),
        ("merge 1.1", re("<<")),
        ("value 1.1", re("=")),
        ("bool 1.2", re("true|True|TRUE|false|False|FALSE")),
        ("null 1.2", re("null|Null|NULL|~|")),
        ("int 1.2", re("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")),
        ("float 1.2", re(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")),
        ("float 1.2 inf/nan", re(r"[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN")),
    ]
});

/// YAML 1.1 printable characters (the 1.2 set is the same but for U+0085).
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// Line breaks of YAML 1.1: a reader folds them inside a scalar.
fn line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// A double-quoted scalar with YAML 1.1's escapes (a subset of 1.2's).
fn read_double_quoted(text: &str) -> Read {
    let other = |why: &str| Read::Other(why.to_owned());
    let Some(inner) = text.strip_prefix('"') else { return other("not quoted") };
    let mut out = String::new();
    let mut chars = inner.chars();
    loop {
        let Some(c) = chars.next() else { return other("unclosed quote") };
        match c {
            '"' => {
                return if chars.as_str().is_empty() {
                    Read::Str(out)
                } else {
                    other("text after the quote")
                };
            }
            '\\' => {
                let Some(e) = chars.next() else { return other("escape at end") };
                let simple = match e {
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'e' => Some('\u{1b}'),
                    ' ' => Some(' '),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(s) = simple {
                    out.push(s);
                    continue;
                }
                let width = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => return other("escape unknown to YAML 1.1"),
                };
                let hex: String = chars.by_ref().take(width).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) if hex.len() == width => out.push(c),
                    _ => return other("bad hex escape"),
                }
            }
            c if line_break(c) => return other("raw line break folds"),
            c if !printable(c) => return other("non-printable character"),
            c => out.push(c),
        }
    }
}

/// A plain scalar as a YAML 1.1 reader scans and resolves it (`flow`: inside `[...]`).
fn read_plain(text: &str, flow: bool) -> Read {
    let other = |why: &str| Read::Other(why.to_owned());
    if text.chars().any(|c| !printable(c) || line_break(c)) {
        return other("non-printable character or line break");
    }
    if text != text.trim_matches([' ', '\t']) {
        return other("surrounding white space is dropped");
    }
    if let Some(first) = text.chars().next()
        && "-?:,[]{}#&*!|>'\"%@`".contains(first)
    {
        return other("starts with an indicator");
    }
    if text.contains(": ") || text.contains(" #") || text.contains(":\t") || text.ends_with(':') {
        return other("not one scalar");
    }
    // PyYAML before 5.1 refuses `:` inside plain scalars in flow context.
    if flow && text.contains([',', '[', ']', '{', '}', ':']) {
        return other("flow indicator");
    }
    if let Some((name, _)) = IMPLICIT.iter().find(|(_, r)| r.is_match(text)) {
        return other(name);
    }
    Read::Str(text.to_owned())
}

/// How an independent YAML 1.1/1.2 reading reads a written scalar.
fn read_11(text: &str, flow: bool) -> Read {
    if text.starts_with('"') { read_double_quoted(text) } else { read_plain(text, flow) }
}

/// How desk's parser reads `text` as a mapping value and inside a flow list.
fn desk_reads(text: &str) -> (Result<Value, String>, Result<Value, String>) {
    let one = |doc: String, list: bool| -> Result<Value, String> {
        let v: Value = serde_yaml::from_str(&doc).map_err(|e| format!("{e}: {doc}"))?;
        let v = v.get("k").cloned().ok_or("no key")?;
        if list {
            v.as_sequence().and_then(|s| s.first()).cloned().ok_or_else(|| "not a list".into())
        } else {
            Ok(v)
        }
    };
    (one(format!("k: {text}\n"), false), one(format!("k: [{text}]\n"), true))
}

#[test]
fn the_issues_examples_are_quoted() {
    for s in [
        "017",
        "2026-01-01",
        "12:30",
        "1_000",
        "1.10",
        "yes",
        "on",
        "<<",
        "=",
        "INC #4711",
        "|",
        "",
        "y",
        "No",
        "OFF",
        "~",
        "null",
        "NULL",
        ".inf",
        ".nan",
        "-.inf",
        "0o17",
        "0x1F",
        "0b101",
        "1:20",
        ".5",
        "+1",
        "1e5",
        "!tag",
        "&anchor",
        "*alias",
        "%",
        "@",
        "`",
        "#",
        ">",
        "- x",
        "? x",
        ": ",
        " lead",
        "trail ",
        "a: b",
        "a #b",
        "tab\t",
        "Inf",
        "NaN",
        "infinity",
        "3 4",
        "2026-01-01 10:00:00",
        "2001-12-14t21:59:43.10-05:00",
    ] {
        assert!(scalar(s).starts_with('"'), "{s:?} must be quoted, got {}", scalar(s));
    }
}

#[test]
fn ordinary_text_stays_plain() {
    for s in [
        "Printer on 3rd floor does not print",
        "Jane Doe <jane@example.com>",
        "3rd floor",
        "10 items",
        "k3x9q2hm7d",
        "area/network",
        "Don't panic!",
        "Zoë Ångström",
        "it",
        "high",
        "yesterday",
        "nonsense",
        "a-b_c.d",
    ] {
        assert_eq!(scalar(s), s);
    }
}

#[test]
fn quoting_escapes_only_what_every_reader_escapes() {
    assert_eq!(scalar("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(scalar("tab\there\nnext\r"), r#""tab\there\nnext\r""#);
    assert_eq!(scalar("\u{0}\u{7f}\u{85}\u{2028}\u{feff}"), r#""\u0000\u007F\u0085\u2028\uFEFF""#);
    assert_eq!(scalar("ünï ✓ 😀"), "\"ünï ✓ 😀\"");
    assert_eq!(read_quoted(&scalar("a\"b\\c\u{85}\t")), Some("a\"b\\c\u{85}\t".to_owned()));
    assert_eq!(read_quoted(r#""a" b"#), None);
    assert_eq!(read_quoted("\"a\u{7f}\""), None);
    assert_eq!(read_quoted(r#""\x41""#), None);
    assert_eq!(read_quoted(r#""unclosed"#), None);
    assert_eq!(read_quoted(r#""\/\b\f""#), Some("/\u{8}\u{c}".to_owned()));
}

#[test]
fn other_values_read_alike_in_yaml_1_1_and_1_2() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Null, "null"),
        (Value::Bool(true), "true"),
        (Value::Bool(false), "false"),
        (Value::from(4711), "4711"),
        (Value::from(-3), "-3"),
        (Value::from(u64::MAX), "18446744073709551615"),
        (Value::from(1.1), "1.1"),
        (Value::from(3.0), "3.0"),
        (Value::from(-0.0), "-0.0"),
        (Value::from(1e20), "1.0e+20"),
        (Value::from(1.5e-7), "1.5e-7"),
        (Value::from(f64::MAX), "1.7976931348623157e+308"),
        (Value::from(f64::INFINITY), ".inf"),
        (Value::from(f64::NEG_INFINITY), "-.inf"),
        (Value::from(f64::NAN), ".nan"),
    ];
    for (value, text) in cases {
        assert_eq!(flow(&value), text);
        let back: Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(back, value, "{text}");
        let kind = IMPLICIT.iter().find(|(_, r)| r.is_match(text)).map(|(n, _)| *n);
        let expected = match value {
            Value::Null => "null 1.1",
            Value::Bool(_) => "bool 1.1",
            Value::Number(ref n) if n.is_f64() => {
                assert!(
                    IMPLICIT.iter().any(|(n, r)| n.starts_with("float 1.2") && r.is_match(text)),
                    "{text}"
                );
                if text.contains("inf") {
                    "float 1.1 inf"
                } else if text.contains("nan") {
                    "float 1.1 nan"
                } else {
                    "float 1.1 base 10"
                }
            }
            _ => "int 1.1 base 10",
        };
        assert_eq!(kind, Some(expected), "{text}");
    }
}

#[test]
fn collections_are_written_in_block_or_flow_style() {
    let v: Value = serde_yaml::from_str(
        "k:\n  tags: [a, yes]\n  nested:\n    - x: 1\n      y: [2, on]\n    - [b]\n  empty: []\n  none: {}\n",
    )
    .unwrap();
    let text = mapping(v.as_mapping().unwrap());
    assert_eq!(
        text,
        "k:\n  tags: [a, \"yes\"]\n  nested:\n    - x: 1\n      \"y\": [2, \"on\"]\n    - [b]\n  empty: []\n  none: {}\n"
    );
    assert_eq!(serde_yaml::from_str::<Value>(&text).unwrap(), v);
}

#[test]
fn keys_are_written_like_values_and_long_ones_explicitly() {
    let mut map = Mapping::new();
    map.insert("yes".into(), "on".into());
    map.insert("<<".into(), "=".into());
    map.insert(Value::from(1), Value::Null);
    let long = "k".repeat(1500);
    map.insert(
        long.clone().into(),
        Value::Sequence(vec![Value::Mapping(Mapping::from_iter([("a".into(), 1.into())]))]),
    );
    let text = mapping(&map);
    assert!(text.starts_with("\"yes\": \"on\"\n\"<<\": \"=\"\n1: null\n? kkk"), "{text}");
    assert_eq!(serde_yaml::from_str::<Mapping>(&text).unwrap(), map);
}

/// Strings YAML readers are known to read as something else, in pieces.
#[allow(clippy::too_many_lines, reason = "a list of cases, one per line")]
fn awkward() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "017",
            "0o17",
            "0x1F",
            "0X1f",
            "0b101",
            "1_000",
            "1:20",
            "190:20:30.15",
            ".5",
            "5.",
            "+1",
            "-1",
            "1e5",
            "1E+5",
            "6.8523015e+5",
            "685.230_15e+03",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "~",
            "null",
            "Null",
            "NULL",
            "y",
            "Y",
            "n",
            "N",
            "yes",
            "No",
            "on",
            "OFF",
            "true",
            "False",
            "<<",
            "=",
            "!tag",
            "!!str",
            "&anchor",
            "*alias",
            "%",
            "@",
            "`",
            "#",
            "|",
            ">",
            "- x",
            "? x",
            ": ",
            ":",
            "-",
            "?",
            ",",
            "[",
            "]",
            "{",
            "}",
            "'",
            "\"",
            "\\",
            " ",
            "\t",
            "2026-01-01",
            "2026-1-1",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15T02:59:43.1Z",
            "12:30",
            "12:30:45",
            "inf",
            "nan",
            "Infinity",
            "ünï",
            "✓",
            "😀",
            "\u{0}",
            "\u{7}",
            "\u{1b}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "\u{2028}",
            "\u{2029}",
            "\u{feff}",
            "\u{fffe}",
            "\r",
            "\n",
            "---",
            "...",
            "a",
            "3rd",
            "floor",
            "x",
            "é",
        ])
        .prop_map(str::to_owned),
        "[0-9_.:eE+xob-]{1,8}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?( ?Z|[-+][0-9]{2})?)?",
        "\\PC{1,6}",
        ".{1,4}",
    ];
    let joined = prop::collection::vec((atom, prop::sample::select(vec!["", " ", "  "])), 1..5)
        .prop_map(|parts| parts.into_iter().flat_map(|(a, sep)| [a, sep.to_owned()]).collect::<String>());
    prop_oneof![
        8 => joined,
        1 => "[a-z ]{1,3}".prop_map(|s| s.repeat(700)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the string, desk's parser and a YAML 1.1 reader read it back.
    #[test]
    fn every_reader_reads_the_same_string(s in awkward()) {
        let text = scalar(&s);
        prop_assert!(!text.contains('\n'), "one line: {}", text);
        prop_assert_eq!(read_11(&text, false), Read::Str(s.clone()), "{}", text);
        prop_assert_eq!(read_11(&text, true), Read::Str(s.clone()), "in a flow list: {}", text);
        let (value, in_list) = desk_reads(&text);
        prop_assert_eq!(value, Ok(Value::String(s.clone())));
        prop_assert_eq!(in_list, Ok(Value::String(s.clone())));
        if text.starts_with('"') {
            prop_assert_eq!(read_quoted(&text), Some(s.clone()));
        }
        // The same strings as keys.
        let mut map = Mapping::new();
        map.insert(s.clone().into(), s.clone().into());
        prop_assert_eq!(serde_yaml::from_str::<Mapping>(&mapping(&map)).ok(), Some(map));
    }

    /// Whatever desk writes plain, every reader reads as a string.
    #[test]
    fn plain_means_a_string_to_every_reader(s in "[a-zA-Z0-9 ._:+-]{1,12}") {
        if is_plain(&s) {
            prop_assert_eq!(read_11(&s, true), Read::Str(s.clone()));
            prop_assert_eq!(desk_reads(&s).0, Ok(Value::String(s.clone())));
        }
    }
}
