//! Macros: `macros/<name>.md` on the desk branch — front matter with field and
//! label changes, and a Markdown body that is a template (Jinja syntax,
//! rendered by minijinja) for a reply. A variable the ticket has no value for
//! is an error naming it, never an empty hole in a customer's mail.

use serde::Deserialize;

/// The directory of the desk branch that holds the macros.
pub const MACROS_DIR: &str = "macros";

/// Functions of the template language that are not variables of the context.
const TEMPLATE_FUNCTIONS: [&str; 6] = ["range", "dict", "namespace", "debug", "cycler", "joiner"];

/// One macro.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Macro {
    pub name: String,
    /// One line for `desk macro list`.
    pub description: Option<String>,
    /// Field changes, as `desk set` takes them (`status=pending`).
    pub set: Vec<String>,
    /// Label changes, as `desk label` takes them (`+billing`, `-triage`).
    pub labels: Vec<String>,
    /// The reply's template (may be empty: a macro of field changes only).
    pub body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    description: Option<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    labels: Vec<String>,
}

/// What is wrong with a macro, or with rendering it for a ticket.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MacroError {
    #[error("macro '{name}': {message}")]
    Malformed { name: String, message: String },
    #[error("macro '{name}' uses {{{{ {variable} }}}}, which this ticket has no value for")]
    Undefined { name: String, variable: String },
}

/// Whether `name` may name a macro: lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit, at most 64 characters (a file name on
/// every system, never a path).
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.len() <= 64
}

/// The path of macro `name` on the desk branch.
pub fn path_of(name: &str) -> String {
    format!("{MACROS_DIR}/{name}.md")
}

impl Macro {
    /// Reads the text of `macros/<name>.md`: optional front matter between
    /// `---` lines (`description`, `set`, `labels`), then the template.
    pub fn parse(name: &str, text: &str) -> Result<Macro, MacroError> {
        let malformed = |message: String| MacroError::Malformed { name: name.to_owned(), message };
        let text = text.replace("\r\n", "\n");
        let (front, body) = crate::model::split_front_matter(&text).map_err(|e| malformed(e.into()))?;
        let front: Front = if front.trim().is_empty() {
            Front { description: None, set: Vec::new(), labels: Vec::new() }
        } else {
            serde_yaml::from_str(front).map_err(|e| malformed(format!("front matter: {e}")))?
        };
        let body = body.trim_matches('\n').to_owned();
        if body.contains('\0') {
            return Err(malformed("the template contains a NUL byte".into()));
        }
        Ok(Macro {
            name: name.to_owned(),
            description: front.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
            set: front.set,
            labels: front.labels,
            body,
        })
    }

    /// The reply for a ticket: the template rendered with `context` (a JSON
    /// object). Every variable it uses must have a value there (not null).
    pub fn render(&self, context: &serde_json::Value) -> Result<String, MacroError> {
        let malformed =
            |e: minijinja::Error| MacroError::Malformed { name: self.name.clone(), message: e.to_string() };
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // Markdown, not HTML: nothing is escaped.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        let template = env.template_from_str(&self.body).map_err(malformed)?;
        let mut used: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        used.sort();
        for variable in used {
            let first = variable.split('.').next().unwrap_or_default();
            if context.get(first).is_none() && TEMPLATE_FUNCTIONS.contains(&first) {
                continue;
            }
            let value = variable.split('.').try_fold(context, |v, key| v.get(key));
            if value.is_none_or(serde_json::Value::is_null) {
                return Err(MacroError::Undefined { name: self.name.clone(), variable });
            }
        }
        let text = template.render(template_value(context)).map_err(malformed)?;
        Ok(text.trim_matches('\n').to_owned())
    }
}

/// A JSON value as a value of the template language.
pub fn template_value(v: &serde_json::Value) -> minijinja::Value {
    use minijinja::Value;
    match v {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => {
            n.as_i64().map_or_else(|| Value::from(n.as_f64().unwrap_or_default()), Value::from)
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => items.iter().map(template_value).collect(),
        serde_json::Value::Object(map) => {
            Value::from_pairs(map.iter().map(|(k, v)| (k.as_str(), template_value(v))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHOTO: &str = "---\ndescription: Ask for a photo\nset: [status=pending]\nlabels: [+printer, -triage]\n---\nHello {{ requester.name }},\n\ncould you send a photo of the display of {{ ticket.title }}?\n\n{{ agent.name }}\n";

    fn context() -> serde_json::Value {
        serde_json::json!({
            "ticket": {"id": "k3x9q2hm7d", "title": "Printer jams", "queue": null, "labels": ["a", "b"]},
            "requester": {"name": "Jane Doe", "email": "jane@example.com"},
            "agent": {"name": "Bob Agent", "email": "bob@example.com"},
        })
    }

    #[test]
    fn a_macro_file_gives_its_changes_and_template() {
        let m = Macro::parse("photo", PHOTO).unwrap();
        assert_eq!(m.description.as_deref(), Some("Ask for a photo"));
        assert_eq!(
            (m.set.clone(), m.labels.clone()),
            (vec!["status=pending".to_owned()], vec!["+printer".to_owned(), "-triage".to_owned()])
        );
        assert_eq!(
            m.render(&context()).unwrap(),
            "Hello Jane Doe,\n\ncould you send a photo of the display of Printer jams?\n\nBob Agent"
        );
        let plain = Macro::parse("plain", "Thanks!\r\n").unwrap();
        assert_eq!((plain.description, plain.body.as_str()), (None, "Thanks!"));
        let only_changes = Macro::parse("close", "---\nset: [status=closed]\n---\n").unwrap();
        assert_eq!((only_changes.set.len(), only_changes.body.as_str()), (1, ""));
    }

    #[test]
    fn a_variable_without_a_value_is_an_error_naming_it() {
        let m = Macro::parse("q", "Your queue is {{ ticket.queue }}.").unwrap();
        let e = m.render(&context()).unwrap_err();
        assert_eq!(e.to_string(), "macro 'q' uses {{ ticket.queue }}, which this ticket has no value for");
        let m = Macro::parse("r", "Hi {{ reqester.name }}").unwrap();
        assert_eq!(
            m.render(&context()).unwrap_err(),
            MacroError::Undefined { name: "r".into(), variable: "reqester.name".into() }
        );
        let m = Macro::parse("loop", "{% for l in ticket.labels %}{{ l }}{% endfor %} {{ range(2)|length }}")
            .unwrap();
        assert_eq!(m.render(&context()).unwrap(), "ab 2");
    }

    #[test]
    fn html_in_values_is_left_as_text_and_bad_files_are_refused() {
        let m = Macro::parse("h", "{{ ticket.title }}").unwrap();
        let mut c = context();
        c["ticket"]["title"] = "<b>x</b> & y".into();
        assert_eq!(m.render(&c).unwrap(), "<b>x</b> & y");
        assert!(matches!(Macro::parse("x", "---\nnope: 1\n---\nbody"), Err(MacroError::Malformed { .. })));
        assert!(matches!(Macro::parse("x", "---\nset: [a=b]\nbody"), Err(MacroError::Malformed { .. })));
        assert!(matches!(
            Macro::parse("x", "{% if %}").unwrap().render(&context()),
            Err(MacroError::Malformed { .. })
        ));
        assert!(
            is_valid_name("ask-photo_2")
                && !is_valid_name("../x")
                && !is_valid_name(".hidden")
                && !is_valid_name("")
        );
    }
}
