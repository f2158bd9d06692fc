//! Shell completion, computed by desk itself when the shell asks
//! (`clap_complete`'s `CompleteEnv`: the script `desk completions SHELL` prints
//! runs `COMPLETE=SHELL desk -- WORDS…`). Commands, options and values come
//! from the clap definitions; ticket ids, statuses, priorities, queues, labels
//! and people come from the helpdesk: desk.yaml and the list index, never the
//! ticket files themselves, so completing stays fast on 100 000 tickets.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::CommandFactory as _;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use super::Cli;
use super::output::terminal_line;
use crate::model::field::{self, Domain, Field, FieldKind, FieldSource, Val};
use crate::store::{Store, Summary, Tip};

/// The repository named by `-C PATH`/`--repo PATH` on the line being completed.
static REPO: OnceLock<Option<PathBuf>> = OnceLock::new();

/// The helpdesk being completed in, if there is one: the store and its tip.
fn helpdesk() -> Option<(Store, Tip)> {
    let store = Store::discover(REPO.get().and_then(Option::as_deref)).ok()?;
    let tip = store.require_tip().ok()?;
    Some((store, tip))
}

/// desk.yaml's statuses, priorities (most urgent first, as `desk list` sorts)
/// and queues; empty outside a helpdesk.
fn config_values() -> (Vec<String>, Vec<String>, Vec<String>) {
    let Some((store, tip)) = helpdesk() else { return Default::default() };
    let Ok(config) = crate::workflow::Config::load(&store, &tip) else { return Default::default() };
    (config.workflow.names(), config.priorities.levels.into_iter().rev().collect(), config.queues)
}

/// Calls `f` with the summary of every ticket desk can read, from the list
/// index: completion never parses ticket files. Nothing outside a helpdesk.
fn each_ticket(mut f: impl FnMut(&Summary<'_>)) {
    let Some((store, tip)) = helpdesk() else { return };
    let _ = store.with_index(&tip, |entries| {
        for entry in entries {
            if let Ok(summary) = &entry.summary {
                f(summary);
            }
        }
    });
}

/// The values of every field of `kinds` in use, and of the queue.
fn in_use(kinds: &[FieldKind]) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    each_ticket(|s| {
        for def in field::FIELDS.iter().filter(|d| kinds.contains(&d.kind)) {
            match s.val(def.field) {
                Val::Str(v) => {
                    values.insert(v.to_owned());
                }
                Val::List(items) => values.extend(items.iter().cloned()),
                _ => {}
            }
        }
    });
    values
}

/// A person as completion offers them: the email, a word the shell needs no
/// quotes for (a whole `Name <email>` would need them in bash), and the whole value.
fn person_key(p: &str) -> (String, String) {
    (crate::model::email_of(p).unwrap_or(p).to_owned(), p.to_owned())
}

fn candidate(value: impl Into<String>, help: Option<&str>) -> CompletionCandidate {
    let c = CompletionCandidate::new(value.into());
    match help {
        // Titles and names come from tickets: made safe before the shell shows them.
        Some(h) => c.help(Some(terminal_line(h).into_owned().into())),
        None => c,
    }
}

fn starting_with<'a>(values: impl IntoIterator<Item = &'a String>, prefix: &str) -> Vec<CompletionCandidate> {
    values.into_iter().filter(|v| v.starts_with(prefix)).map(|v| candidate(v.as_str(), None)).collect()
}

fn ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy().to_ascii_lowercase();
    let mut tickets: Vec<(String, String)> = Vec::new();
    each_ticket(|s| {
        if s.id().starts_with(&prefix) {
            tickets.push((s.id().to_owned(), s.str(Field::Title).unwrap_or_default().to_owned()));
        }
    });
    tickets.sort_unstable();
    tickets.iter().map(|(id, title)| candidate(id.as_str(), Some(title))).collect()
}

fn statuses(current: &OsStr) -> Vec<CompletionCandidate> {
    starting_with(&config_values().0, &current.to_string_lossy())
}

fn priorities(current: &OsStr) -> Vec<CompletionCandidate> {
    starting_with(&config_values().1, &current.to_string_lossy())
}

fn queues(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut queues = in_use(&[FieldKind::Enum(Domain::Queue)]);
    queues.extend(config_values().2);
    starting_with(&queues, &current.to_string_lossy())
}

fn labels(current: &OsStr) -> Vec<CompletionCandidate> {
    starting_with(&in_use(&[FieldKind::Labels]), &current.to_string_lossy())
}

/// `+label` or `-label` for `desk label`: the sign is kept.
fn label_changes(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (sign, rest) = match current.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &current[1..]),
        _ => (String::new(), &current[..]),
    };
    let labels = in_use(&[FieldKind::Labels]);
    labels.iter().filter(|l| l.starts_with(rest)).map(|l| candidate(format!("{sign}{l}"), None)).collect()
}

fn people_matching(prefix: &str) -> Vec<CompletionCandidate> {
    let mut out: Vec<CompletionCandidate> = ["me"]
        .iter()
        .filter(|m| m.starts_with(prefix))
        .map(|m| candidate(*m, Some("you (git user)")))
        .collect();
    let lower = prefix.to_lowercase();
    let people: BTreeSet<(String, String)> =
        in_use(&[FieldKind::Person, FieldKind::People]).iter().map(|p| person_key(p)).collect();
    out.extend(
        people
            .iter()
            .filter(|(email, _)| email.to_lowercase().starts_with(&lower))
            .map(|(email, whole)| candidate(email.as_str(), Some(whole))),
    );
    out
}

fn people(current: &OsStr) -> Vec<CompletionCandidate> {
    people_matching(&current.to_string_lossy())
}

/// A query term: a key (`status:`), or a value after one (`status:op` →
/// `status:open`), keeping a leading `-`, a comparison and earlier values of a
/// comma list.
fn query_terms(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (negation, term) = match current.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", &current[..]),
    };
    let Some((key, value)) = term.split_once(':') else {
        return crate::query::keys()
            .into_iter()
            .filter(|k| k.starts_with(term))
            .map(|k| candidate(format!("{negation}{k}:"), None))
            .collect();
    };
    let (cmp, value) =
        value.find(|c: char| !matches!(c, '<' | '>' | '=')).map_or((value, ""), |at| value.split_at(at));
    let (earlier, last) = value.rsplit_once(',').map_or(("", value), |(e, l)| (e, l));
    let earlier = if earlier.is_empty() { String::new() } else { format!("{earlier},") };
    let values: Vec<CompletionCandidate> = if key == "is" {
        let words = ["open", "done", "assigned", "unassigned"].map(str::to_owned);
        starting_with(&words, last)
    } else {
        match field::by_query_key(key).map(|d| d.kind) {
            Some(FieldKind::Enum(Domain::Status)) => statuses(OsStr::new(last)),
            Some(FieldKind::Enum(Domain::Priority)) => priorities(OsStr::new(last)),
            Some(FieldKind::Enum(Domain::Queue)) => queues(OsStr::new(last)),
            Some(FieldKind::Labels) => labels(OsStr::new(last)),
            Some(FieldKind::Person | FieldKind::People) => {
                let mut v = people_matching(last);
                if "none".starts_with(last) {
                    v.push(candidate("none", Some("nobody")));
                }
                v
            }
            _ => Vec::new(),
        }
    };
    values
        .into_iter()
        .map(|c| {
            let value = format!("{negation}{key}:{cmp}{earlier}{}", c.get_value().to_string_lossy());
            let help = c.get_help().cloned();
            CompletionCandidate::new(value).help(help)
        })
        .collect()
}

/// What completes one argument's values, from what has been typed of it.
type Completer = fn(&OsStr) -> Vec<CompletionCandidate>;

/// desk's command line for completion: the commands people use (never the
/// hidden ones, which are for git and the build), with completers on the
/// arguments that take helpdesk values.
pub fn command() -> clap::Command {
    let full = Cli::command();
    let mut cmd = clap::Command::new(full.get_name().to_owned())
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    let completers: [(&str, Completer); 12] = [
        ("id", ids),
        ("follow_up", ids),
        ("from", people),
        ("status", statuses),
        ("priority", priorities),
        ("queue", queues),
        ("labels", labels),
        ("changes", label_changes),
        ("requester", people),
        ("assignee", people),
        ("person", people),
        ("query", query_terms),
    ];
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    let dashed = dashed_value_of();
    for name in names {
        let drop_shorts = dashed.as_deref() == Some(name.as_str());
        cmd = cmd.mut_subcommand(&name, |mut sub| {
            for (id, complete) in completers {
                if sub.get_arguments().any(|a| a.get_id() == id) {
                    sub = sub.mut_arg(id, |a| a.add(ArgValueCompleter::new(complete)));
                }
            }
            if drop_shorts {
                sub = without_shorts(sub);
            }
            sub
        });
    }
    if dashed.is_some() { without_shorts(cmd) } else { cmd }
}

/// The command whose word being completed is a value that starts with `-`
/// (`desk label ID -pri`, `desk list -label:v`), if it is one: clap would offer
/// short-option clusters (`-priC`) beside the values, so its short options are
/// left out of that completion.
fn dashed_value_of() -> Option<String> {
    let words: Vec<String> = words().skip_while(|a| a != "--").skip(1).collect();
    let at = std::env::var("_CLAP_COMPLETE_INDEX").ok().and_then(|i| i.parse::<usize>().ok());
    let current = at.map_or_else(|| words.last(), |i| words.get(i))?;
    if !current.starts_with('-') || current.starts_with("--") || current.len() < 2 {
        return None;
    }
    let full = Cli::command();
    let sub = words.iter().skip(1).find_map(|w| full.find_subcommand(w))?;
    let takes_dashes = sub.get_positionals().any(|a| a.is_allow_hyphen_values_set() || a.get_id() == "query");
    takes_dashes.then(|| sub.get_name().to_owned())
}

/// The process's arguments, as text even where they are not UTF-8.
fn words() -> impl Iterator<Item = String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned())
}

fn without_shorts(cmd: clap::Command) -> clap::Command {
    let ids: Vec<clap::Id> =
        cmd.get_arguments().filter(|a| a.get_short().is_some()).map(|a| a.get_id().clone()).collect();
    // `-h` is clap's own: it goes with the help option, which is no value either.
    ids.into_iter().fold(cmd.disable_help_flag(true), |cmd, id| cmd.mut_arg(id, |a| a.short(None)))
}

/// Answers the shell and exits when desk was started for completion
/// (`COMPLETE` set); otherwise returns at once.
pub fn complete_if_asked() {
    if std::env::var_os("COMPLETE").is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    let args: Vec<String> = words().collect();
    let repo = args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "-C" | "--repo" => args.get(i + 1).map(PathBuf::from),
        _ => a
            .strip_prefix("--repo=")
            .or_else(|| a.strip_prefix("-C"))
            .filter(|p| !p.is_empty())
            .map(PathBuf::from),
    });
    let _ = REPO.set(repo);
    clap_complete::CompleteEnv::with_factory(command).complete();
}

/// The script that registers desk's completion in `shell` (`bash`, `zsh`,
/// `fish`, `elvish`, `powershell`): it runs `desk` on PATH for every completion.
pub fn registration(shell: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells.completer(shell).expect("the shells desk offers are clap_complete's");
    completer
        .write_registration("COMPLETE", "desk", "desk", "desk", &mut buf)
        .expect("writing to memory cannot fail");
    buf
}
