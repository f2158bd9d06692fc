//! `desk export`: tickets out of desk, as JSON, NDJSON, CSV or an mbox
//! (docs/export.md).

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::cli::fields::Fields;
use crate::cli::output::TicketJson;
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
    let selected = select::matching(ctx, &store, &tip, &query, &config, args.strict)?;
    let ids: Vec<TicketId> = selected.iter().filter_map(|s| TicketId::parse(&s.id)).collect();
    let files = select::ticket_files(&store, &tip, &ids)?;
    let mut tickets = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some((blob, path)) = files.get(id.as_str()) {
            let mut t = store.load_blob_ticket(*blob, path)?;
            if args.public_only {
                public_only(&mut t);
            }
            tickets.push(t);
        }
    }
    tickets.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.as_str().cmp(b.id.as_str())));
    let mut out = Vec::new();
    match args.format.as_str() {
        "json" => {
            let all: Vec<TicketJson<'_>> = tickets.iter().map(TicketJson).collect();
            serde_json::to_writer_pretty(&mut out, &all).map_err(|e| CliError::internal(e.to_string()))?;
            out.push(b'\n');
        }
        "ndjson" => {
            for t in &tickets {
                serde_json::to_writer(&mut out, &TicketJson(t))
                    .map_err(|e| CliError::internal(e.to_string()))?;
                out.push(b'\n');
            }
        }
        "csv" => {
            let fields = match &args.fields {
                Some(f) => f.clone(),
                None => CSV_FIELDS.parse().map_err(CliError::internal)?,
            };
            write_csv(&mut out, &fields, &tickets)?;
        }
        _ => {
            let domain = MailConfig::of(&config)
                .ok()
                .flatten()
                .map_or_else(|| "desk.invalid".to_owned(), |m| m.domain().to_owned());
            for t in &tickets {
                let thread = crate::mail::mbox::thread(t, &domain, args.public_only)
                    .map_err(|e| CliError::malformed(format!("ticket {}: {e}", t.id.as_str())))?;
                out.extend_from_slice(&thread);
            }
        }
    }
    if let Some(path) = &args.output {
        return write_file(path, &out);
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// What the requester may see: no internal note, no custom field.
fn public_only(t: &mut Ticket) {
    t.comments.retain(|c| c.visibility == Visibility::Public);
    t.fields = serde_yaml::Mapping::new();
}

fn write_csv(out: &mut Vec<u8>, fields: &Fields, tickets: &[Ticket]) -> Result<()> {
    let header: Vec<&str> = fields.keys().iter().map(|k| k.name()).collect();
    writeln!(out, "{}", header.join(","))?;
    for t in tickets {
        let object =
            serde_json::to_value(fields.of_ticket(t)).map_err(|e| CliError::internal(e.to_string()))?;
        let cells: Vec<String> = header.iter().map(|k| csv_cell(&cell_text(&object[*k]))).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
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

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote or line end;
/// a text a spreadsheet would run as a formula gets a leading `'`.
pub fn csv_cell(text: &str) -> String {
    let text =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// Writes `bytes` to `path` whole: to a temporary file beside it, then renamed.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir =
        path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    tmp.write_all(bytes).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    tmp.persist(path).map_err(|e| CliError::input(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
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
