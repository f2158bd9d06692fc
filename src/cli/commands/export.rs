//! `desk export`: tickets out of desk, as JSON, NDJSON, CSV or an mbox
//! (docs/export.md).

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::cli::fields::Fields;
use crate::cli::output::{TicketJson, csv_cell};
use crate::cli::strict::Strict;
use crate::cli::{CliError, Ctx, Result, select};
use crate::mail::config::MailConfig;
use crate::model::{Ticket, TicketId, Visibility};
use crate::query::Query;
use crate::workflow::Config;

/// The columns of `--format csv` without `--fields`.
const CSV_FIELDS: &str = "id,title,status,priority,queue,requester,assignee,labels,created,updated";

/// Export tickets: every field and the conversation as JSON or NDJSON, chosen
/// fields as CSV, or conversations as an mbox a mail program opens.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
QUERY is the `desk list` language; without one every ticket is exported, done ones too.
JSON is an array of the ticket objects `desk show --json` prints (docs/json.md), NDJSON one
per line. CSV has a header and one row per ticket: lists joined by \"; \", objects as JSON, a
cell starting with = + - @ or a tab prefixed with ' so spreadsheets never run it as a formula.
The mbox holds each conversation as a thread (docs/export.md). --public-only leaves out
internal notes and custom fields. Tickets come oldest first.

Examples:
  desk export --format json -o helpdesk.json
  desk export queue:it --format csv --fields id,title,status,assignee
  desk export requester:jane@example.org --format mbox --public-only -o jane.mbox")]
pub struct Args {
    /// Only tickets matching these query terms (as in `desk list`).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// json, ndjson, csv or mbox.
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "ndjson", "csv", "mbox"])]
    pub format: String,
    /// Leave out internal notes and custom fields: what the requester may see.
    #[arg(long)]
    pub public_only: bool,
    /// The CSV columns, keys of the ticket object (default: id, title, status, priority, queue, requester, assignee, labels, created, updated).
    #[arg(long, value_name = "KEYS")]
    pub fields: Option<Fields>,
    /// Write to FILE (replaced whole when the export is done) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub strict: Strict,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.fields.is_some() && args.format != "csv" {
        return Err(CliError::usage("--fields chooses CSV columns: use it with --format csv"));
    }
    let query = Query::parse(&args.query, ctx.zone)?;
    let store = ctx.store()?;
    let tip = store.require_tip()?;
    let config = Config::load(&store, &tip)?;
    query.validate(&config)?;
    let mut selected = select::matching(ctx, &store, &tip, &query, &config, args.strict)?;
    selected.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let ids: Vec<TicketId> = selected.iter().filter_map(|s| TicketId::parse(&s.id)).collect();
    let files = select::ticket_files(&store, &tip, &ids)?;
    // One ticket at a time: memory does not grow with the export.
    let tickets = ids.iter().filter_map(|id| files.get(id.as_str())).map(|(blob, path)| {
        let mut t = store.load_blob_ticket(*blob, path)?;
        if args.public_only {
            public_only(&mut t);
        }
        Ok::<_, CliError>(t)
    });
    let Some(path) = &args.output else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write(&mut out, args, &config, tickets)?;
        out.flush()?;
        return Ok(());
    };
    let (file, tmp) = temporary_beside(path)?;
    let failed = |e: &dyn std::fmt::Display| CliError::input(format!("{}: {e}", path.display()));
    let mut out = std::io::BufWriter::new(file);
    let written = write(&mut out, args, &config, tickets)
        .and_then(|()| out.into_inner().map_err(|e| failed(&e)))
        .and_then(|f| f.sync_all().map_err(|e| failed(&e)))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| failed(&e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Writes the export of `tickets` in the chosen format.
fn write(
    out: &mut impl std::io::Write,
    args: &Args,
    config: &Config,
    tickets: impl Iterator<Item = Result<Ticket>>,
) -> Result<()> {
    let json = |e: serde_json::Error| CliError::internal(e.to_string());
    match args.format.as_str() {
        "json" => {
            out.write_all(b"[")?;
            for (i, t) in tickets.enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(&mut *out, &TicketJson(&t?)).map_err(json)?;
            }
            out.write_all(b"\n]\n")?;
        }
        "ndjson" => {
            for t in tickets {
                serde_json::to_writer(&mut *out, &TicketJson(&t?)).map_err(json)?;
                out.write_all(b"\n")?;
            }
        }
        "csv" => {
            let fields = match &args.fields {
                Some(f) => f.clone(),
                None => CSV_FIELDS.parse().map_err(CliError::internal)?,
            };
            let header: Vec<&str> = fields.keys().iter().map(|k| k.name()).collect();
            writeln!(out, "{}", header.join(","))?;
            for t in tickets {
                let t = t?;
                let object = serde_json::to_value(fields.of_ticket(&t)).map_err(json)?;
                let cells: Vec<String> = header.iter().map(|k| csv_cell(&cell_text(&object[*k]))).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        _ => {
            let domain = MailConfig::of(config)
                .ok()
                .flatten()
                .map_or_else(|| "desk.invalid".to_owned(), |m| m.domain().to_owned());
            for t in tickets {
                let t = t?;
                let thread = crate::mail::mbox::thread(&t, &domain, args.public_only)
                    .map_err(|e| CliError::malformed(format!("ticket {}: {e}", t.id.as_str())))?;
                out.write_all(&thread)?;
            }
        }
    }
    Ok(())
}

/// A new file beside `path` (made as any new file is, with the umask's
/// permissions) that becomes `path` when the export is complete.
fn temporary_beside(path: &std::path::Path) -> Result<(std::fs::File, PathBuf)> {
    let name =
        path.file_name().ok_or_else(|| CliError::usage(format!("-o {}: not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    Ok((file, tmp))
}

/// What the requester may see: no internal note, no custom field, no field
/// the field table marks internal (`origin`).
fn public_only(t: &mut Ticket) {
    t.comments.retain(|c| c.visibility == Visibility::Public);
    t.fields = serde_yaml::Mapping::new();
    for def in crate::model::FIELDS.iter().filter(|d| !d.public && !d.required) {
        def.set(t, crate::model::Value::None);
    }
}

/// A JSON value as one cell's text: a string as it is, null as nothing, a
/// list of strings joined by `; `, anything else as JSON.
fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell_text(&serde_json::json!(["a", "b"])), "a; b");
        assert_eq!(cell_text(&serde_json::json!(null)), "");
        assert_eq!(cell_text(&serde_json::json!({"score": 5})), "{\"score\":5}");
    }
}
