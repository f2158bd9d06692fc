//! man/ and completions/ are generated from the clap definitions; this fails
//! when the committed copies are stale. Rewrite them with
//! `cargo run -- generate` (or `DESK_UPDATE_GENERATED=1 cargo test`).

use std::path::Path;

#[test]
fn man_pages_and_completions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("DESK_UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, bytes) in desk::cli::commands::generate::generated_files() {
        let file = root.join(&path);
        if std::fs::read(&file).ok().as_deref() != Some(bytes.as_slice()) {
            if update {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &bytes).unwrap();
            } else {
                stale.push(path);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run `cargo run -- generate` and commit them"
    );
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            let known = desk::cli::commands::generate::generated_files().iter().any(|(p, _)| *p == name);
            assert!(known, "{name} is not generated any more; delete it");
        }
    }
}
