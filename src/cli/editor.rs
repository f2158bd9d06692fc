//! Opening the user's editor: `VISUAL`, `EDITOR`, git's `core.editor`, then `vi`,
//! run through the shell as git runs it.

use std::path::Path;
use std::process::Command;

use super::{CliError, Result};
use crate::store::Store;

/// The editor command line the user chose.
pub fn editor_command(store: Option<&Store>) -> String {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    from_env("VISUAL")
        .or_else(|| from_env("EDITOR"))
        .or_else(|| match store {
            Some(s) => s.config_string("core.editor"),
            None => crate::store::global_config_string("core.editor"),
        })
        .unwrap_or_else(|| "vi".to_owned())
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

/// Lets the user edit `initial` in a temporary file named like `name`; returns the saved text.
pub fn edit_text(store: Option<&Store>, initial: &str, name: &str) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(name);
    std::fs::write(&path, initial)?;
    run_editor(store, &path)?;
    Ok(std::fs::read_to_string(&path)?)
}
