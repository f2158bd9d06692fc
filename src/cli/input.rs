//! Where the text of a ticket, reply or note comes from: `-m`/`-b` on the command
//! line, `-F FILE` (or `-` for stdin), or the editor when on a terminal.

use std::io::Read as _;
use std::path::PathBuf;

use super::{CliError, Ctx, Result, editor};
use crate::model::normalise_text;
use crate::store::Store;
use crate::workflow::Limits;

/// `-m TEXT` / `-F FILE` for replies and notes.
#[derive(Debug, clap::Args)]
pub struct MessageArgs {
    /// The text, in Markdown; repeat for more paragraphs.
    #[arg(short = 'm', long = "message", value_name = "TEXT", conflicts_with = "file")]
    pub message: Vec<String>,

    /// Read the text from FILE (`-` for standard input).
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Reads text from `inline` paragraphs or `file`; `None` when neither was given.
pub fn given_text(inline: &[String], file: Option<&PathBuf>) -> Result<Option<String>> {
    if let Some(path) = file {
        let mut text = String::new();
        if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                if e.kind() == std::io::ErrorKind::InvalidData {
                    CliError::input("cannot read standard input: it is not UTF-8 text")
                        .hint("desk stores text; give it text")
                } else {
                    CliError::input(format!("cannot read standard input: {e}"))
                }
            })?;
        } else {
            text = std::fs::read_to_string(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::InvalidData {
                    CliError::input(format!("cannot read {}: it is not UTF-8 text", path.display()))
                        .hint("desk stores text; give it a text file")
                } else {
                    CliError::input(format!("cannot read {}: {e}", path.display()))
                }
            })?;
        }
        return Ok(Some(normalise_text(&text)));
    }
    if inline.is_empty() {
        return Ok(None);
    }
    Ok(Some(normalise_text(&inline.join("\n\n"))))
}

/// The text given, or asked for in the editor (see [`editor::can_edit`]).
/// `what` names it in errors ("reply text"), `flags` says how to pass it, and
/// `purpose` is the editor's header ("Write the reply to k3x9q2 …").
pub fn required_text(
    ctx: &Ctx,
    store: &Store,
    given: Option<String>,
    what: &str,
    flags: &str,
    (file_name, purpose): (&str, &str),
) -> Result<String> {
    let text = match given {
        Some(t) => t,
        None if editor::can_edit(ctx, Some(store)) => {
            let header = editor::header(purpose);
            normalise_text(&editor::edit_text(Some(store), &header, "", file_name)?)
        }
        None => {
            return Err(CliError::usage(format!("missing {what}; pass {flags}, or set VISUAL or EDITOR")));
        }
    };
    if text.is_empty() {
        return Err(CliError::usage(format!("the {what} is empty; nothing was written")));
    }
    Ok(text)
}

/// Refuses binary data: text with a NUL byte in it (`what` names the text).
pub fn check_not_binary(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(CliError::input(format!(
            "the {what} contains a NUL byte; desk stores text, not binary data"
        ))
        .hint("remove the binary data (a file of another kind belongs elsewhere, linked from the text)"));
    }
    Ok(())
}

/// Refuses a description, reply or note that is binary or larger than `limits.body_bytes`.
pub fn check_text(what: &str, text: &str, limits: &Limits) -> Result<()> {
    check_not_binary(what, text)?;
    if text.len() > limits.body_bytes {
        return Err(CliError::input(format!(
            "the {what} is {} bytes, over the limit of {} bytes",
            text.len(),
            limits.body_bytes
        ))
        .hint("shorten it, or raise `limits.body_bytes` in desk.yaml"));
    }
    Ok(())
}

/// Refuses a title that is empty, not one line, binary or longer than `limits.title_chars`.
pub fn check_title(title: &str, limits: &Limits) -> Result<()> {
    check_not_binary("title", title)?;
    check_line("title", title)?;
    let chars = title.chars().count();
    if chars > limits.title_chars {
        return Err(CliError::input(format!(
            "the title is {chars} characters, over the limit of {} characters",
            limits.title_chars
        ))
        .hint("shorten it (the details go in the description), or raise `limits.title_chars` in desk.yaml"));
    }
    Ok(())
}

/// Checks a label: one word that is safe in a file name, a URL and a query.
pub fn check_label(label: &str) -> Result<()> {
    let bad_char = label
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '"' | '\'' | '\\' | ':'));
    let problem = if label.is_empty() {
        Some("it is empty".to_owned())
    } else if let Some(c) = bad_char {
        Some(format!("it contains {c:?}"))
    } else if label.starts_with(['-', '+', '/', '.']) {
        Some("it starts with a punctuation mark".to_owned())
    } else if label.split('/').any(|part| part == ".." || part.is_empty()) {
        Some("it has an empty or `..` path segment".to_owned())
    } else {
        None
    };
    match problem {
        Some(p) => Err(CliError::usage(format!("invalid label '{label}': {p}"))
            .hint("labels are single words like `printer` or `area/network`")),
        None => Ok(()),
    }
}

/// Checks a one-line value such as a title or a person.
pub fn check_line(what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(CliError::usage(format!("the {what} is empty")));
    }
    check_not_binary(what, value)?;
    if value.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        return Err(CliError::usage(format!("the {what} must be a single line of text")));
    }
    Ok(())
}
