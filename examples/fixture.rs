//! Writes a `git fast-import` stream for a desk branch with N tickets rendered
//! by desk's own `render_ticket`: the benchmark set-up (`bench/sync.sh`).
//!
//! Usage: `cargo run --release --example fixture -- 10000 | git fast-import`

use std::io::{BufWriter, Write};

use chrono::{Duration, TimeZone, Utc};
use desk::model::{Ticket, TicketId, Visibility, render_ticket};
use desk::workflow::Config;

fn blob(out: &mut impl Write, path: &str, data: &[u8]) -> std::io::Result<()> {
    writeln!(out, "M 100644 inline {path}")?;
    writeln!(out, "data {}", data.len())?;
    out.write_all(data)?;
    writeln!(out)
}

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let branch = std::env::args().nth(2).unwrap_or_else(|| "desk".to_owned());
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().expect("a valid date");
    let mut out = BufWriter::new(std::io::stdout().lock());
    let when = start.timestamp();
    writeln!(out, "commit refs/heads/{branch}")?;
    writeln!(out, "author Bench <bench@example.com> {when} +0000")?;
    writeln!(out, "committer Bench <bench@example.com> {when} +0000")?;
    let message = format!("import {n} tickets\n");
    writeln!(out, "data {}\n{message}", message.len())?;
    blob(&mut out, "desk.yaml", Config::default_text().as_bytes())?;
    blob(&mut out, ".gitattributes", b"tickets/** merge=desk\n")?;
    for i in 0..n {
        let created = start + Duration::minutes(i64::try_from(i).unwrap_or(0));
        let mut t = Ticket::new(
            TicketId::generate(),
            format!("Request number {i}: something does not work"),
            "open".into(),
            "normal".into(),
            created,
        );
        t.requester = Some(format!("User {i} <user{i}@example.com>"));
        t.labels = vec!["bench".into()];
        t.description = format!("Ticket {i} describes a problem.\n\nIt has two paragraphs.");
        t.add_comment(
            "Agent <agent@example.com>".into(),
            created,
            Visibility::Public,
            "We are looking into it.",
        );
        blob(&mut out, &t.id.path(), render_ticket(&t).as_bytes())?;
    }
    writeln!(out)?;
    out.flush()
}
