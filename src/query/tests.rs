use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Comment, TicketId, Visibility};

fn ticket(status: &str, priority: &str) -> Ticket {
    let mut t = Ticket::new(
        TicketId::parse("k3x9q2hm7d").unwrap(),
        "Printer on 3rd floor".into(),
        status.into(),
        priority.into(),
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
    );
    t.updated = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    t.requester = Some("Jane Doe <jane@example.com>".into());
    t.assignee = Some("Bob Agent <bob@example.com>".into());
    t.queue = Some("it".into());
    t.labels = vec!["hardware".into(), "printer".into()];
    t.description = "Error 0x42 on the display".into();
    t.comments.push(Comment {
        id: "c1".into(),
        author: "Bob Agent <bob@example.com>".into(),
        date: t.updated,
        visibility: Visibility::Internal,
        automated: false,
        merged: false,
        body: "Toner is empty, paper jam too".into(),
    });
    t
}

fn check(query: &str, t: &Ticket) -> bool {
    let config = Config::default();
    let ctx = Context {
        config: &config,
        now: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap().timestamp(),
        me: Some("Bob A. <BOB@example.com>"),
    };
    let q = Query::parse(&[query], Zone::Utc).unwrap();
    q.validate(&config).unwrap();
    let full = q.matches(t, &ctx);
    if let Some(fast) = q.matches_fields(t, &ctx) {
        assert_eq!(fast, full, "field-only match disagrees for {query}");
    }
    full
}

#[test]
fn fields_match() {
    let t = ticket("open", "high");
    for yes in [
        "status:open",
        "status:new,open",
        "is:open",
        "priority:high",
        "priority:>=high",
        "priority:>normal",
        "priority:<urgent",
        "assignee:me",
        "assignee:bob",
        "assignee:example.com",
        "requester:jane",
        "queue:IT",
        "label:printer",
        "label:x,hardware",
        "-label:spam",
        "is:assigned",
        "created:>2026-11-19",
        "created:2026-11-20",
        "created:>=2026-11-20",
        "created:<=2026-11-20",
        "created:<2026-11-21",
        "created:>7d",
        "updated:<7d",
        "updated:<=1d",
        "created:>2026-11-20T08:59:59Z",
    ] {
        assert!(check(yes, &t), "{yes} should match");
    }
    for no in [
        "status:pending",
        "is:done",
        "priority:urgent",
        "priority:>high",
        "priority:<=normal",
        "assignee:none",
        "requester:me",
        "queue:hr",
        "-label:printer",
        "label:spam",
        "is:unassigned",
        "created:>2026-11-20",
        "created:<2026-11-20",
        "created:<7d",
        "updated:>7d",
        "updated:<12h",
    ] {
        assert!(!check(no, &t), "{no} should not match");
    }
}

#[test]
fn text_searches_title_description_and_conversation() {
    let t = ticket("open", "normal");
    assert!(check("printer", &t));
    assert!(check("0X42", &t));
    assert!(check("\"paper jam\"", &t));
    assert!(check("toner jam", &t));
    assert!(!check("\"jam paper\"", &t));
    assert!(!check("-toner", &t));
    assert!(check("-scanner", &t));
    assert!(!check("toner scanner", &t));
}

#[test]
fn field_only_matching_defers_text_terms() {
    let t = ticket("open", "normal");
    let config = Config::default();
    let ctx = Context { config: &config, now: 0, me: None };
    let q = Query::parse(&["status:open toner"], Zone::Utc).unwrap();
    assert_eq!(q.matches_fields(&t, &ctx), None);
    let q = Query::parse(&["status:closed toner"], Zone::Utc).unwrap();
    assert_eq!(q.matches_fields(&t, &ctx), Some(false));
    let q = Query::parse(&["printer"], Zone::Utc).unwrap();
    assert_eq!(q.matches_fields(&t, &ctx), Some(true));
}

#[test]
fn bad_queries_name_the_problem() {
    let e = Query::parse(&["colour:red"], Zone::Utc).unwrap_err();
    assert!(e.0.starts_with("unknown query key 'colour'"), "{e}");
    assert_eq!(Query::parse(&["status:"], Zone::Utc).unwrap_err().0, "'status:' needs a value");
    assert!(
        Query::parse(&["created:>yesterday"], Zone::Utc)
            .unwrap_err()
            .0
            .starts_with("invalid date 'yesterday'")
    );
    assert!(Query::parse(&["is:weird"], Zone::Utc).is_err());
    let q = Query::parse(&["status:wip"], Zone::Utc).unwrap();
    assert_eq!(
        q.validate(&Config::default()).unwrap_err().0,
        "invalid status 'wip'; allowed: new, open, pending, resolved, closed, merged"
    );
    // Quoted text is never a key.
    let q = Query::parse(&["\"http://x\""], Zone::Utc).unwrap();
    assert_eq!(q.terms[0].condition, Condition::Text("http://x".into()));
}

#[test]
fn state_terms_are_detected() {
    assert!(Query::parse(&["status:open"], Zone::Utc).unwrap().names_state());
    assert!(Query::parse(&["-is:done"], Zone::Utc).unwrap().names_state());
    assert!(!Query::parse(&["label:x printer"], Zone::Utc).unwrap().names_state());
}

#[test]
fn ages_parse() {
    assert_eq!(parse_age("7d"), Ok(Some(7 * 86_400)));
    assert_eq!(parse_age("4w"), Ok(Some(28 * 86_400)));
    assert_eq!(parse_age("12h"), Ok(Some(12 * 3600)));
    assert_eq!(parse_age("d"), Ok(None));
    assert_eq!(parse_age("7y"), Ok(None));
    assert_eq!(parse_age("521722w"), Ok(Some(521_722 * 7 * 86_400)));
}

#[test]
fn out_of_range_ages_and_dates_are_errors() {
    for v in ["521723w", "15250284452471w", "99999999999999w", "99999999999999999999999d", "9999999999999m"] {
        let e = parse_age(v).unwrap_err();
        assert!(e.0.contains("out of range") && e.0.contains("521722 weeks"), "{v}: {e}");
        let e = Query::parse(&[format!("updated:<{v}")], Zone::Utc).unwrap_err();
        assert!(e.0.contains("out of range"), "{v}: {e}");
    }
    for v in
        ["+10000-01-01", "-0001-01-01", "0000-12-31", "0000-06-01T00:00:00Z", "9999-12-31T23:00:00-05:00"]
    {
        let e = parse_when(v, Zone::Utc).unwrap_err();
        assert!(e.0.contains(&format!("date '{v}' is out of range")), "{v}: {e}");
    }
    assert_eq!(parse_when("0001-01-01", Zone::Utc), Ok(When::Day(EARLIEST, EARLIEST + 86_400)));
    assert_eq!(parse_when("9999-12-31", Zone::Utc), Ok(When::Day(LATEST - 86_400, LATEST)));
}

#[test]
fn empty_value_lists_are_refused() {
    for q in ["priority:>=", "status:,", "label:, ,", "queue:,", "assignee:,"] {
        let e = Query::parse(&[q], Zone::Utc).unwrap_err();
        assert!(e.0.ends_with("needs a value"), "{q}: {e}");
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Query-like text: keys, comparisons, values, quotes, commas and dashes in
    /// any order, so the parser sees near-misses as well as valid terms.
    fn query_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("status:".to_owned()),
            Just("is:".to_owned()),
            Just("priority:".to_owned()),
            Just("assignee:".to_owned()),
            Just("requester:".to_owned()),
            Just("queue:".to_owned()),
            Just("label:".to_owned()),
            Just("created:".to_owned()),
            Just("updated:".to_owned()),
            Just("-".to_owned()),
            Just("\"".to_owned()),
            Just(",".to_owned()),
            Just(" ".to_owned()),
            Just(">=".to_owned()),
            Just("<".to_owned()),
            Just("open".to_owned()),
            Just("high".to_owned()),
            Just("me".to_owned()),
            Just("none".to_owned()),
            Just("2026-11-01".to_owned()),
            Just("7d".to_owned()),
            "[0-9]{1,20}[mhdw]?".prop_map(|s| s),
            "\\PC{0,6}".prop_map(|s| s),
        ];
        proptest::collection::vec(piece, 0..10).prop_map(|v| v.concat())
    }

    fn ctx(config: &Config) -> Context<'_> {
        Context {
            config,
            now: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap().timestamp(),
            me: Some("Bob Agent <bob@example.com>"),
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_on_any_text(text in "\\PC{0,40}") {
            let _ = Query::parse(&[text], Zone::Utc);
        }

        #[test]
        fn valid_queries_match_the_same_with_and_without_the_full_ticket(text in query_text()) {
            let config = Config::default();
            let ctx = ctx(&config);
            if let Ok(q) = Query::parse(&[&text], Zone::Utc)
                && q.validate(&config).is_ok()
            {
                for t in [ticket("open", "high"), ticket("resolved", "low")] {
                    let full = q.matches(&t, &ctx);
                    if let Some(fast) = q.matches_fields(&t, &ctx) {
                        prop_assert_eq!(fast, full, "{}", text);
                    }
                }
            }
        }

        #[test]
        fn a_negated_term_matches_exactly_the_other_tickets(text in query_text()) {
            let config = Config::default();
            let ctx = ctx(&config);
            let plain = Query::parse(&[&text], Zone::Utc);
            let negated = Query::parse(&[format!("-{text}")], Zone::Utc);
            if let (Ok(p), Ok(n)) = (plain, negated)
                && p.terms.len() == 1
                && n.terms.len() == 1
                && !p.terms[0].negated
                && n.terms[0].negated
            {
                for t in [ticket("open", "high"), ticket("pending", "normal")] {
                    prop_assert_ne!(p.matches(&t, &ctx), n.matches(&t, &ctx), "{}", text);
                }
            }
        }
    }
}
