//! Splits a query argument into terms: whitespace separates, double quotes group.

use super::QueryError;

/// One term as typed.
#[derive(Debug, PartialEq, Eq)]
pub struct Token {
    /// The text with quotes removed.
    pub text: String,
    /// Whether the term was written as quoted text (`"a:b"`, `-"a b"`): then it
    /// is always searched as text, never read as `key:value`.
    pub quoted_start: bool,
}

pub fn tokens(input: &str) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut raw = String::new();
        let mut in_quotes = false;
        while let Some(&c) = chars.peek() {
            if c == '"' {
                in_quotes = !in_quotes;
            } else if c.is_whitespace() && !in_quotes {
                break;
            }
            raw.push(c);
            chars.next();
        }
        if in_quotes {
            return Err(QueryError(format!("unterminated quote in query: {input}")));
        }
        let quote_at = raw.find('"');
        let colon_at = raw.find(':');
        let quoted_start = match (quote_at, colon_at) {
            (Some(q), Some(c)) => q < c,
            (Some(_), None) => true,
            _ => false,
        };
        let text: String = raw.chars().filter(|&c| c != '"').collect();
        if !text.is_empty() && text != "-" {
            out.push(Token { text, quoted_start });
        }
    }
    Ok(out)
}

/// Whether a command-line word is a negated term rather than an option:
/// `-key:value` (a key of letters, as the query reads `key:value`) or `-"a phrase"`.
/// Any other word that starts with `-` is an option; a bare `-word` negation is
/// written after `--`.
pub fn is_negated_term(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('-') else { return false };
    rest.starts_with('"')
        || rest
            .split_once(':')
            .is_some_and(|(key, _)| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokens(s).unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_whitespace_and_groups_quotes() {
        assert_eq!(texts("status:open  \"printer jam\" x"), ["status:open", "printer jam", "x"]);
        assert_eq!(texts("assignee:\"Bob Agent\""), ["assignee:Bob Agent"]);
        assert_eq!(texts("-\"paper jam\""), ["-paper jam"]);
        assert!(tokens("\"open").is_err());
        assert!(tokens("\"a:b\"").unwrap()[0].quoted_start);
        assert!(tokens("-\"a:b\"").unwrap()[0].quoted_start);
        assert!(!tokens("a:\"b c\"").unwrap()[0].quoted_start);
        assert!(!tokens("a:b").unwrap()[0].quoted_start);
    }

    #[test]
    fn negated_terms_are_told_from_options() {
        for word in ["-label:spam", "-Assignee:me", "-colour:red", "-\"paper jam\"", "-status:"] {
            assert!(is_negated_term(word), "{word}");
        }
        for word in ["-printer", "-j", "--json", "--label:x", "-:x", "-l2:x", "label:x", "-", "--"] {
            assert!(!is_negated_term(word), "{word}");
        }
    }
}
