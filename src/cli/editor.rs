//! Opening the user's editor: `VISUAL`, `EDITOR`, git's `core.editor`, then `vi`,
//! run through the shell as git runs it. An editor the user chose runs with or
//! without a terminal, as git runs it; the `vi` fallback needs one.
//!
//! The file opens with a short comment at the top saying what to do and how
//! to give up, which is removed before the file is read back. It is an HTML
//! comment that starts with `<!-- desk:` (invisible where Markdown is shown),
//! and it is removed only when the file still starts with exactly the comment
//! desk wrote: a ticket file starts with `---`, so no ticket can start with it,
//! and a text can only if someone typed desk's own comment word for word.

use std::path::Path;
use std::process::Command;

use super::{CliError, Ctx, Result};
use crate::model::Visibility;
use crate::store::Store;

/// The editor command line the user chose, if any: `VISUAL`, `EDITOR`, git's `core.editor`.
pub fn chosen_editor(store: Option<&Store>) -> Option<String> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    from_env("VISUAL")
        .or_else(|| from_env("EDITOR"))
        .or_else(|| match store {
            Some(s) => s.config_string("core.editor"),
            None => crate::store::GitConfig::open(None).string("core.editor"),
        })
        .filter(|v| !v.trim().is_empty())
}

/// The editor command line to run: the one the user chose, else `vi`.
pub fn editor_command(store: Option<&Store>) -> String {
    chosen_editor(store).unwrap_or_else(|| "vi".to_owned())
}

/// Whether desk may open the editor: the user chose one (git runs it without a
/// terminal too), or desk is on a terminal, where `vi` can run.
pub fn can_edit(ctx: &Ctx, store: Option<&Store>) -> bool {
    ctx.interactive() || chosen_editor(store).is_some()
}

/// Runs the editor on `path` and waits for it.
pub fn run_editor(store: Option<&Store>, path: &Path) -> Result<()> {
    let editor = editor_command(store);
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(path)
        .status()
        .map_err(|e| CliError::config(format!("could not start the editor '{editor}': {e}")))?;
    if !status.success() {
        return Err(CliError::input(format!(
            "the editor '{editor}' exited with {status}; nothing was changed"
        )));
    }
    Ok(())
}

/// desk's comment at the top of a file opened in the editor: `what` says what
/// the file is and what saving it does, wrapped to fit 80 columns.
pub fn header(what: &str) -> String {
    let words = format!("{what} This comment is removed before desk reads the file.");
    let mut out = String::from("<!-- desk:");
    let mut line_len = out.len();
    for word in words.split_whitespace() {
        if line_len + 1 + word.len() > 76 {
            out.push_str("\n    ");
            line_len = 4;
        } else {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out.push_str(" -->\n");
    out
}

/// What the header says to whoever writes a reply or an internal note on
/// ticket `short` in the editor (`desk reply`, `desk note`, `desk tui`).
pub fn purpose(visibility: Visibility, short: &str) -> String {
    match visibility {
        Visibility::Public => format!(
            "Write the reply to {short} below, in Markdown: the requester reads it. Save and quit to send \
             it; an empty text sends nothing."
        ),
        Visibility::Internal => format!(
            "Write the internal note on {short} below, in Markdown: agents only. Save and quit to add \
             it; an empty text adds nothing."
        ),
    }
}

/// `text` without desk's `header` in front, if it still starts with exactly that.
pub fn strip_header<'a>(text: &'a str, header: &str) -> &'a str {
    text.strip_prefix(header).unwrap_or(text)
}

/// Lets the user edit `initial` below `header` (see [`header`]) in a temporary
/// file named like `name`; returns the saved text without the header.
pub fn edit_text(store: Option<&Store>, header: &str, initial: &str, name: &str) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(name);
    std::fs::write(&path, format!("{header}{initial}"))?;
    run_editor(store, &path)?;
    let saved = std::fs::read_to_string(&path)?;
    Ok(strip_header(&saved, header).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_a_comment_that_fits_and_is_removed_only_when_unchanged() {
        let h = header(
            "Write the reply to k3x9q2 below, in Markdown. Save and quit to send it; an empty text sends nothing.",
        );
        assert!(h.starts_with("<!-- desk: Write the reply") && h.ends_with(" -->\n"), "{h}");
        assert!(h.lines().all(|l| l.len() <= 80), "{h}");
        assert_eq!(strip_header(&format!("{h}Hello\n"), &h), "Hello\n");
        // Changed or gone: the text is kept as it is.
        let changed = h.replacen("desk:", "desk :", 1);
        assert_eq!(strip_header(&format!("{changed}Hello\n"), &h), format!("{changed}Hello\n"));
        assert_eq!(strip_header("---\nid: x\n", &h), "---\nid: x\n");
    }
}
