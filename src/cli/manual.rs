//! The man pages, rendered from the clap definitions: `desk(1)` and one page
//! per command people use (`desk-list(1)`, …). Hidden commands and clap's
//! `help` command get none.

use clap::CommandFactory as _;

use super::Cli;

fn render(cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).expect("rendering to memory cannot fail");
    buf
}

/// Every man page: its file name (`desk.1`, `desk-list.1`, …) and its bytes.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    // Without clap's `help` command, which has no page (`desk help CMD` still works).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![("desk.1".to_owned(), render(cmd.clone()))];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("desk-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).bin_name(format!("desk {}", sub.get_name()));
        pages.push((format!("{name}.1"), render(page)));
    }
    pages
}
