//! Query words among options. `desk list` and `desk report` take a query whose
//! negated terms (`-label:spam`) start with `-` as options do. Before clap reads
//! the command line those terms are moved behind a `--`, so clap itself parses
//! every option wherever it stands (values, `--opt=value`, short clusters) and
//! rejects unknown ones, while the query keeps all of its terms.

use std::ffi::OsString;

use clap::Command;
use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::query::is_negated_term;

/// The id of the positional argument that holds query words. A subcommand
/// with a positional argument of this id gets its negated terms protected.
pub const QUERY: &str = "query";

/// Rewrites `args` (program name first) so that each negated query term of a
/// query-taking subcommand stands after `--`. Words after an existing `--`,
/// option values and every other command line are left as they are.
pub fn protect_negated_terms(mut cmd: Command, args: Vec<OsString>) -> Vec<OsString> {
    cmd.build();
    let Some((at, sub)) = find_subcommand(&cmd, &args) else { return args };
    if !sub.get_positionals().any(|a| a.get_id() == QUERY) {
        return args;
    }
    let mut kept: Vec<OsString> = args[..=at].to_vec();
    let mut moved = Vec::new();
    let mut words = args[at + 1..].iter();
    while let Some(word) = words.next() {
        let Some(text) = word.to_str() else {
            kept.push(word.clone());
            continue;
        };
        if text == "--" {
            kept.push(word.clone());
            kept.extend(words.by_ref().cloned());
            break;
        }
        if is_negated_term(text) {
            moved.push(word.clone());
            continue;
        }
        kept.push(word.clone());
        if takes_next_word(sub, text)
            && let Some(value) = words.next()
        {
            kept.push(value.clone());
        }
    }
    if !moved.is_empty() {
        if !kept[at + 1..].iter().any(|w| w == "--") {
            kept.push("--".into());
        }
        kept.extend(moved);
    }
    kept
}

/// Gives clap's error about an unknown option of a query-taking command desk's
/// tips: `-printer` is read as options, and `-- -printer` is the negated word.
pub fn explain_unknown_option(mut err: clap::Error, mut cmd: Command, args: &[OsString]) -> clap::Error {
    if err.kind() != ErrorKind::UnknownArgument {
        return err;
    }
    cmd.build();
    let Some((at, sub)) = find_subcommand(&cmd, args) else { return err };
    if !sub.get_positionals().any(|a| a.get_id() == QUERY) {
        return err;
    }
    let Some(ContextValue::String(invalid)) = err.get(ContextKind::InvalidArg) else { return err };
    let Some(short) = invalid.strip_prefix('-').filter(|s| !s.starts_with('-')) else { return err };
    let word = args[at + 1..]
        .iter()
        .map_while(|w| w.to_str().filter(|w| *w != "--"))
        .find(|w| w.starts_with('-') && !w.starts_with("--") && w.contains(short) && !is_negated_term(w));
    let Some(word) = word else { return err };
    let tips = vec![
        StyledStr::from(format!("to leave out tickets that mention '{}', write '-- {word}'", &word[1..])),
        StyledStr::from("a term is negated as -key:value, e.g. -label:spam".to_owned()),
    ];
    err.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    err
}

/// The position and definition of the innermost subcommand in `args`
/// (`desk sla check …`): the first word that is neither an option of the
/// command around it nor the value of one, as long as it names a subcommand.
fn find_subcommand<'a>(cmd: &'a Command, args: &[OsString]) -> Option<(usize, &'a Command)> {
    let (mut at, mut found) = (0, None::<&'a Command>);
    let mut current = cmd;
    let mut i = 1;
    while let Some(word) = args.get(i) {
        let text = word.to_str()?;
        if text == "--" || !text.starts_with('-') || text == "-" {
            match current.find_subcommand(text) {
                Some(sub) => {
                    (at, found, current) = (i, Some(sub), sub);
                    i += 1;
                    continue;
                }
                None => break,
            }
        }
        i += if takes_next_word(current, text) { 2 } else { 1 };
    }
    found.map(|sub| (at, sub))
}

/// Whether the option word `word` of `cmd` takes its value from the next word:
/// `--since 4w`, `-L 3`, `-aL 3` — but not `--since=4w`, `-L3` or a flag.
fn takes_next_word(cmd: &Command, word: &str) -> bool {
    if let Some(long) = word.strip_prefix("--") {
        return !long.contains('=')
            && cmd.get_arguments().any(|a| a.get_long() == Some(long) && a.get_action().takes_values());
    }
    let Some(shorts) = word.strip_prefix('-') else { return false };
    let mut chars = shorts.chars();
    while let Some(c) = chars.next() {
        let Some(arg) = cmd.get_arguments().find(|a| a.get_short() == Some(c)) else { return false };
        if arg.get_action().takes_values() {
            // The rest of the cluster is the value, if there is a rest.
            return chars.as_str().is_empty();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};

    use super::*;
    use crate::cli::Cli;

    fn protect(line: &str) -> Vec<String> {
        protect_words(&line.split(' ').collect::<Vec<_>>())
    }

    fn protect_words(words: &[&str]) -> Vec<String> {
        let args = std::iter::once("desk").chain(words.iter().copied()).map(OsString::from).collect();
        protect_negated_terms(Cli::command(), args)
            .into_iter()
            .skip(1)
            .map(|w| w.into_string().expect("UTF-8"))
            .collect()
    }

    #[test]
    fn negated_terms_of_list_and_report_move_behind_a_double_dash() {
        assert_eq!(
            protect("list -label:spam --all printer"),
            ["list", "--all", "printer", "--", "-label:spam"]
        );
        assert_eq!(
            protect("report queue:it -Queue:x --since 4w --json"),
            ["report", "queue:it", "--since", "4w", "--json", "--", "-Queue:x"]
        );
        assert_eq!(protect_words(&["list", "-\"paper jam\""]), ["list", "--", "-\"paper jam\""]);
        // An existing `--` is reused; what follows it stays as it is.
        assert_eq!(
            protect("list -label:a x -- -b -label:c"),
            ["list", "x", "--", "-b", "-label:c", "-label:a"]
        );
        // Global options before the subcommand, with their values.
        assert_eq!(
            protect("-C -label:x --color=never list -label:y"),
            ["-C", "-label:x", "--color=never", "list", "--", "-label:y"]
        );
    }

    #[test]
    fn option_values_and_unknown_options_stay_for_clap() {
        // The value of --sort may start with `-`; -L takes the next word.
        assert_eq!(
            protect("list --sort -created -L 3 -aL 2 -L4"),
            ["list", "--sort", "-created", "-L", "3", "-aL", "2", "-L4"]
        );
        assert_eq!(protect("report --since -label:x"), ["report", "--since", "-label:x"]);
        assert_eq!(protect("list -j -l printer --jsno"), ["list", "-j", "-l", "printer", "--jsno"]);
        assert_eq!(protect("list -printer"), ["list", "-printer"]);
    }

    fn explained(line: &str) -> String {
        let args: Vec<OsString> =
            std::iter::once("desk").chain(line.split(' ')).map(OsString::from).collect();
        let args = protect_negated_terms(Cli::command(), args);
        let err = Cli::try_parse_from(&args).expect_err("an unknown option");
        explain_unknown_option(err, Cli::command(), &args).render().to_string()
    }

    #[test]
    fn an_unknown_short_option_of_a_query_command_gets_desk_tips() {
        let text = explained("list x -printer");
        assert!(text.contains("unexpected argument '-p'"), "{text}");
        assert!(
            text.contains("tip: to leave out tickets that mention 'printer', write '-- -printer'"),
            "{text}"
        );
        assert!(text.contains("tip: a term is negated as -key:value"), "{text}");
        assert!(!text.contains("use '-- -p'"), "{text}");
        let text = explained("report -aj");
        assert!(text.contains("'-- -aj'"), "{text}");
        // Long options keep clap's own tip, and other commands are left alone.
        assert!(explained("list --jsno").contains("'--json'"));
        assert!(!explained("show abcd -x").contains("leave out"));
    }

    #[test]
    fn other_commands_are_left_alone() {
        assert_eq!(protect("label abcd -label:x"), ["label", "abcd", "-label:x"]);
        assert_eq!(protect("new -b -label:x t"), ["new", "-b", "-label:x", "t"]);
        assert_eq!(protect("-label:x"), ["-label:x"]);
        assert_eq!(protect("help list"), ["help", "list"]);
    }
}
