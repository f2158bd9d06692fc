//! YAML scalars and values written so that every reader reads back the same
//! value: desk's own parser, YAML 1.1 readers (`PyYAML`, python-frontmatter) and
//! YAML 1.2 readers (ruamel.yaml, js-yaml, gray-matter). Every key and value of
//! the front matter, known fields and custom ones, goes through this module.
//!
//! A string is written **plain** (unquoted) only when all of these hold:
//! 1. every character is a letter or digit (Unicode alphanumeric), a space, or
//!    one of `- _ . / @ ( ) + ' < > ! ? & = ; %`;
//! 2. the first character is a letter or digit, and the last is not a space;
//! 3. it is not, in any letter case, one of the words that some reader takes for
//!    a boolean, null or special number: `y n yes no on off true false null
//!    nan inf infinity`;
//! 4. if it starts with a digit, it contains a character that no YAML number,
//!    date or time can contain: anything but digits, space, `- _ . : +` and the
//!    letters `a`–`f`, `o`, `t`, `x`, `z` in either case. So `3rd floor` and
//!    `10 items` are plain; `017`, `1.10`, `1e5`, `0x1F`, `1_000`, `12:30` and
//!    `2026-01-01` are not.
//!
//! Every other string is **double-quoted**, escaping only what YAML 1.1 and 1.2
//! escape alike: `\"`, `\\`, `\t`, `\n`, `\r`, and `\uXXXX` for the other control
//! characters, DEL, U+0080–U+009F, U+2028, U+2029, U+FEFF, U+FFFE and U+FFFF.
//! The rule never looks at the context: a plain scalar is safe in a block
//! mapping and inside a flow list (`[a, b]`) alike.
//!
//! Other values: `null`; `true`/`false`; integers in decimal; floats always with
//! a dot and a signed exponent when they need one (`1.5`, `3.0`, `1.0e+20`), and
//! `.inf`, `-.inf`, `.nan`; lists of scalars in flow style (`[a, b]`), mappings
//! and lists holding collections in block style indented by two spaces; tagged
//! values as `!tag value`. A key longer than 1,000 characters is written as an
//! explicit key (`? key`), since YAML readers refuse longer implicit keys.

use std::fmt::Write as _;

use serde_yaml::{Mapping, Number, Value};

/// Characters besides letters, digits and space that a plain scalar may hold.
const PLAIN_PUNCTUATION: &str = "-_./@()+'<>!?&=;%";

/// Words some reader takes for a boolean, null or number (compared in lowercase).
const KEYWORDS: &[&str] =
    &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity"];

/// Implicit keys longer than this are written as explicit keys (`? key`):
/// libyaml and `PyYAML` refuse implicit keys of more than 1,024 characters.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Whether `c` can appear in some YAML number, date or time (see rule 4).
fn numeric_char(c: char) -> bool {
    c.is_ascii_digit() || " -_.:+".contains(c) || "abcdefotxz".contains(c.to_ascii_lowercase())
}

/// Whether `s` is written plain: every YAML 1.1 and 1.2 reader reads it back
/// as the same string (the rule in the module documentation).
pub fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    first.is_alphanumeric()
        && !s.ends_with(' ')
        && s.chars().all(|c| c.is_alphanumeric() || c == ' ' || PLAIN_PUNCTUATION.contains(c))
        && !KEYWORDS.iter().any(|k| s.eq_ignore_ascii_case(k))
        && (!first.is_ascii_digit() || !s.chars().all(numeric_char))
}

/// Whether `c` is written as an escape inside double quotes.
fn escaped(c: char) -> bool {
    c < ' '
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// `s` double-quoted with the escapes of the module documentation.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if escaped(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string scalar: plain when [`is_plain`], double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    if is_plain(s) { s.to_owned() } else { quoted(s) }
}

/// Reads back a double-quoted scalar as [`quoted`] writes it (also accepting
/// the JSON escapes `\/`, `\b`, `\f` that older files hold). `None` for
/// anything else: other escapes, unescaped characters that must be escaped, or
/// text after the closing quote. A fast path for scanners; the YAML parser
/// remains the authority.
pub fn read_quoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    loop {
        match chars.next()? {
            '"' => return chars.as_str().is_empty().then_some(out),
            '\\' => match chars.next()? {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                't' => out.push('\t'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                _ => return None,
            },
            c if escaped(c) => return None,
            c => out.push(c),
        }
    }
}

/// A float in a form YAML 1.1 and 1.2 both read as that float.
fn float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let a = f.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        let s = f.to_string();
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    // YAML 1.1 wants a dot in the mantissa and a sign in the exponent.
    let s = format!("{f:e}");
    let (mantissa, exponent) = s.split_once('e').expect("`{:e}` writes an exponent");
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if exponent.starts_with('-') { "" } else { "+" };
    format!("{mantissa}{dot}e{sign}{exponent}")
}

fn number(n: &Number) -> String {
    if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.to_string()
    } else {
        float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// A value on one line, in flow style.
pub fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => scalar(s),
        Value::Sequence(items) => {
            format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", "))
        }
        Value::Mapping(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", flow(k), flow(v))).collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Tagged(t) => format!("{} {}", t.tag, flow(&t.value)),
    }
}

/// Whether a value is written in block style, over several lines.
fn is_block(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => !map.is_empty(),
        Value::Sequence(items) => {
            items.iter().any(|i| matches!(i, Value::Mapping(m) if !m.is_empty()) || is_block(i))
        }
        _ => false,
    }
}

/// The lines of a block value, indented relative to its parent.
fn block_lines(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                entry_lines(k, v, out);
            }
        }
        Value::Sequence(items) => {
            for item in items {
                if is_block(item) {
                    let mut inner = Vec::new();
                    block_lines(item, &mut inner);
                    for (i, line) in inner.into_iter().enumerate() {
                        out.push(if i == 0 { format!("- {line}") } else { format!("  {line}") });
                    }
                } else {
                    out.push(format!("- {}", flow(item)));
                }
            }
        }
        other => out.push(flow(other)),
    }
}

/// The lines of one `key: value` entry.
fn entry_lines(key: &Value, value: &Value, out: &mut Vec<String>) {
    let key = flow(key);
    let explicit = key.chars().count() > MAX_IMPLICIT_KEY;
    let colon = if explicit {
        out.push(format!("? {key}"));
        String::from(":")
    } else {
        format!("{key}:")
    };
    if is_block(value) {
        out.push(colon);
        let mut inner = Vec::new();
        block_lines(value, &mut inner);
        out.extend(inner.into_iter().map(|l| format!("  {l}")));
    } else {
        out.push(format!("{colon} {}", flow(value)));
    }
}

/// Appends `key: value` (one front-matter entry, over as many lines as the
/// value needs) to `out`.
pub fn push_entry(out: &mut String, key: &Value, value: &Value) {
    let mut lines = Vec::new();
    entry_lines(key, value, &mut lines);
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
}

/// The entries of `map` as front-matter lines.
pub fn mapping(map: &Mapping) -> String {
    let mut out = String::new();
    for (k, v) in map {
        push_entry(&mut out, k, v);
    }
    out
}

#[cfg(test)]
mod tests;
