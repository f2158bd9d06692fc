//! Writing YAML scalars so that every reader reads back the same value.

use serde_yaml::Value;

/// A YAML scalar for `s`: plain when that reads back as the same string, double
/// quoted (JSON escapes are valid YAML) otherwise.
pub fn scalar(s: &str) -> String {
    let plain_chars = s.chars().all(|c| c.is_alphanumeric() || " -_.@<>/()+'".contains(c) || c == ':');
    let plain = plain_chars
        && s.chars().next().is_some_and(char::is_alphanumeric)
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.ends_with(':')
        // YAML 1.1 readers (many other tools) take these as booleans or null.
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        )
        && matches!(serde_yaml::from_str::<Value>(s), Ok(Value::String(ref v)) if v == s);
    if plain { s.to_owned() } else { serde_json::to_string(s).expect("strings serialise") }
}
