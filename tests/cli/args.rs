//! Arguments mean what they say: options are options wherever they stand,
//! unknown options are usage errors, and negated terms are `-key:value` or
//! follow `--`.

use crate::common::TestEnv;

/// A helpdesk with a printer ticket in queue `it` (mentioning "j" and "paper
/// jam") and a spam ticket; returns the environment and both ids.
fn helpdesk() -> (TestEnv, String, String) {
    let env = TestEnv::initialised();
    let printer = env.new_ticket(
        "Printer on 3rd floor",
        &["--queue", "it", "-l", "printer", "--requester", "Jane Doe <jane@example.com>"],
    );
    env.desk(&["reply", &printer, "-m", "A paper jam in tray j."]).ok();
    let spam = env.new_ticket("Cheap watches", &["-l", "spam"]);
    (env, printer, spam)
}

fn ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let json = env.desk(args).ok().json();
    json.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn report_options_after_the_query_are_options() {
    let (env, _, _) = helpdesk();
    // The README's CI example.
    let run = env.desk(&["report", "queue:it", "--since", "4w", "--json"]).ok();
    let report = run.json();
    assert_eq!(report["created"], 1, "{run}");
    assert_eq!(report["first_response"]["count"], 1, "{run}");
    let before = env.desk(&["report", "--since", "4w", "--json", "queue:it"]).ok().json();
    assert_eq!(report, before);
    let csv = env.desk(&["report", "queue:it", "--csv", "--since=4w", "--by", "queue"]).ok();
    assert!(csv.stdout.starts_with("by,key,created,"), "{csv}");
    let negated = env.desk(&["report", "-label:spam", "--json", "--since", "4w"]).ok().json();
    assert_eq!(negated["created"], 1);
}

#[test]
fn list_options_stand_anywhere() {
    let (env, printer, spam) = helpdesk();
    assert_eq!(ids(&env, &["list", "printer", "--json"]), [printer.as_str()]);
    assert_eq!(ids(&env, &["list", "--json", "label:spam", "--all", "--limit", "1"]), [spam.as_str()]);
    assert_eq!(ids(&env, &["list", "-label:spam", "--json"]), [printer.as_str()]);
    assert_eq!(ids(&env, &["list", "--json", "--sort=-title", "-L1", "is:open"]), [printer.as_str()]);
    assert_eq!(ids(&env, &["list", "is:open", "--sort", "title", "--json", "-aL", "1"]), [spam.as_str()]);
}

#[test]
fn an_unknown_option_is_a_usage_error_not_a_search_term() {
    let (env, _, _) = helpdesk();
    let head = env.desk_head();
    for (args, named) in [
        (&["list", "-l", "printer"][..], "'-l'"),
        (&["list", "-j"], "'-j'"),
        (&["list", "printer", "-j"], "'-j'"),
        (&["list", "--jsno"], "'--jsno'"),
        (&["report", "-x"], "'-x'"),
        (&["report", "queue:it", "--bogus", "--json"], "'--bogus'"),
    ] {
        let message = env.desk(args).error(2);
        assert!(message.contains("unexpected argument") && message.contains(named), "{args:?}: {message}");
    }
    // clap checks option values wherever the option stands.
    env.desk(&["list", "printer", "--limit", "many"]).error(2);
    env.desk(&["report", "queue:it", "--by", "colour"]).error(2);
    assert_eq!(env.desk_head(), head);
}

#[test]
fn a_bare_negated_word_follows_a_double_dash() {
    let (env, printer, spam) = helpdesk();
    let run = env.desk(&["list", "-printer"]);
    assert!(
        run.stderr.contains("tip: to leave out tickets that mention 'printer', write '-- -printer'"),
        "{run}"
    );
    assert!(run.stderr.contains("tip: a term is negated as -key:value"), "{run}");
    run.error(2);
    assert_eq!(ids(&env, &["list", "--json", "--", "-printer"]), [spam.as_str()]);
    assert_eq!(ids(&env, &["list", "--json", "--", "-j"]), [spam.as_str()]);
    assert_eq!(ids(&env, &["list", "--json", "-\"paper jam\""]), [spam.as_str()]);
    assert_eq!(ids(&env, &["list", "--json", "\"paper jam\""]), [printer.as_str()]);
    // After `--` an option-like word is a term too.
    assert_eq!(ids(&env, &["list", "--json", "printer", "--", "--all"]), [printer.as_str()]);
    let message = env.desk(&["list", "-colour:red"]).error(2);
    assert!(message.contains("unknown query key 'colour'"), "{message}");
}

#[test]
fn assign_takes_the_ticket_then_who_as_its_usage_says() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("VPN drops every hour", &[]);
    let help = env.desk(&["assign", "--help"]).ok().stdout;
    let forms = "Usage: desk assign [OPTIONS] <ID> <WHO>\n       desk assign [OPTIONS] <ID> --me\n       \
                 desk assign [OPTIONS] <ID> --none\n";
    assert!(help.contains(forms), "{help}");
    let (_, man) = desk::cli::commands::generate::generated_files()
        .into_iter()
        .find(|(path, _)| path == "man/desk-assign.1")
        .expect("a man page for desk assign");
    let man = String::from_utf8(man).unwrap();
    assert!(man.contains("<ID> <WHO>") && !man.contains("<WHO|"), "{man}");

    let run = env.desk(&["assign"]).fails(2);
    assert!(run.stderr.contains("not provided:\n  <ID>\n  <WHO>\n"), "{run}");
    let run = env.desk(&["assign", &id]).fails(2);
    assert!(run.stderr.contains("not provided:\n  <WHO>\n") && run.stderr.contains("<ID> --me"), "{run}");
    env.desk(&["assign", &id, "Bob Agent <bob@example.com>", "--me"]).error(2);
    env.desk(&["assign", &id, "--none", "--me"]).error(2);
    // The order the usage gives is the order the command takes.
    let message = env.desk(&["assign", "Bob Agent <bob@example.com>", &id]).error(2);
    assert!(message.contains("is not a ticket id"), "{message}");
    for args in [[&id, "Bob Agent <bob@example.com>"], [&id, "--me"], [&id, "--none"]] {
        env.desk(&[&["assign"][..], &args[..]].concat()).ok();
    }
}

#[test]
fn me_and_at_me_mean_the_git_user_wherever_a_person_is_given() {
    const ME: &str = "Test Agent <agent@example.com>";
    let env = TestEnv::initialised();
    let field = |id: &str, key: &str| env.desk(&["show", id, "--json"]).ok().json()[key].clone();
    let jane = "Jane Doe <jane@example.com>";
    for who in ["@me", "me", "ME", "@Me"] {
        let id = env.new_ticket("Printer jam", &["--requester", jane]);
        env.desk(&["assign", &id, who]).ok();
        assert_eq!(field(&id, "assignee"), ME, "desk assign ID {who}");
    }
    let id = env.new_ticket("Laptop fan", &["--assignee", "@me", "--requester", "@me"]);
    assert_eq!((field(&id, "assignee"), field(&id, "requester")), (ME.into(), ME.into()));
    let id = env.new_ticket("VPN", &["--assignee", "Me", "--requester", "me"]);
    assert_eq!((field(&id, "assignee"), field(&id, "requester")), (ME.into(), ME.into()));
    let id = env.new_ticket("Share", &["--requester", jane]);
    env.desk(&["set", &id, "assignee=@me", "requester=@me"]).ok();
    assert_eq!((field(&id, "assignee"), field(&id, "requester")), (ME.into(), ME.into()));
    let again = env.desk(&["set", &id, "requester=me", "assignee=ME"]).ok();
    assert!(again.stderr.contains("already set"), "{again}");
    // What `me` stored is what the query `assignee:@me` finds: every ticket.
    let mine = env.desk(&["list", "--json", "assignee:@me"]).ok().json();
    assert_eq!(mine.as_array().unwrap().len(), 7);
    assert_eq!(env.desk(&["list", "--json", "requester:me"]).ok().json().as_array().unwrap().len(), 3);
    // Other people are kept as written.
    env.desk(&["assign", &id, "Bob Agent <bob@example.com>"]).ok();
    assert_eq!(field(&id, "assignee"), "Bob Agent <bob@example.com>");
}

#[test]
fn an_id_prefix_needs_four_characters_in_every_command() {
    let env = TestEnv::initialised();
    let id = env.new_ticket("Printer jam", &[]);
    let head = env.desk_head();
    // Every one- to three-character prefix of the only ticket's id.
    for len in 1..4 {
        let short = &id[..len];
        for args in [
            vec!["resolve", short],
            vec!["close", short],
            vec!["reopen", short],
            vec!["status", short, "open"],
            vec!["reply", short, "-m", "x"],
            vec!["note", short, "-m", "x"],
            vec!["assign", short, "--me"],
            vec!["label", short, "+x"],
            vec!["set", short, "priority=high"],
            vec!["rate", short, "5"],
            vec!["edit", short, "-F", "-"],
            vec!["show", short],
            vec!["log", short],
        ] {
            let message = env.desk(&args).error(2);
            assert!(message.contains("at least 4 characters"), "{args:?}: {message}");
            assert!(message.contains(&format!("'{short}'")), "{args:?}: {message}");
        }
    }
    assert_eq!(env.desk_head(), head, "nothing was written");
    let message = env.desk(&["resolve", "z"]).error(2);
    assert!(message.contains("'z' is too short to name a ticket"), "{message}");
    env.desk(&["show", &id[..4]]).ok();
    env.desk(&["log", &id[..4]]).ok();
    env.desk(&["resolve", &id[..4]]).ok();
    assert_eq!(env.desk(&["show", &id, "--json"]).ok().json()["status"], "resolved");
}

#[test]
fn out_of_range_ages_and_dates_are_usage_errors() {
    let (env, _, _) = helpdesk();
    for (args, needle) in [
        (&["report", "--since", "15250284452471w"][..], "age '15250284452471w' is out of range"),
        (&["report", "--until", "99999999999999999999d"], "is out of range"),
        (&["report", "--since", "520000w"], "age '520000w' reaches back before the year 1"),
        (&["report", "--since", "0000-01-01"], "date '0000-01-01' is out of range"),
        (&["report", "--since", "+10000-01-01", "--json"], "date '+10000-01-01' is out of range"),
        (&["list", "updated:<99999999999999w"], "age '99999999999999w' is out of range"),
        (&["list", "updated:<15250284452471w"], "age '15250284452471w' is out of range"),
        (&["list", "created:>+10000-01-01"], "date '+10000-01-01' is out of range"),
        (&["list", "--json", "created:<-0001-01-01"], "date '-0001-01-01' is out of range"),
        (&["report", "-updated:>521723w"], "reaches back at most 521722 weeks"),
    ] {
        let message = env.desk(args).error(2);
        assert!(message.contains(needle), "{args:?}: {message}");
    }
    // The widest window there is still gives RFC 3339 times.
    let run = env.desk(&["report", "--since", "0001-01-01", "--until", "9999-12-31", "--json"]).ok();
    let report = run.json();
    assert_eq!(
        (report["from"].as_str(), report["until"].as_str()),
        (Some("0001-01-01T00:00:00Z"), Some("9999-12-31T23:59:59Z"))
    );
    assert_eq!(report["created"], 2, "{run}");
    assert_eq!(env.desk(&["list", "--json", "updated:<521722w"]).ok().json().as_array().unwrap().len(), 2);
}
