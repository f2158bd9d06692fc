use chrono::TimeZone;

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
    let q = Query::parse(&[query]).unwrap();
    q.validate(&config).unwrap();
    let full = q.matches(t, &ctx);
    if let Some(fast) = q.matches_fields(&Fields::from(t), &ctx) {
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
    let q = Query::parse(&["status:open toner"]).unwrap();
    assert_eq!(q.matches_fields(&Fields::from(&t), &ctx), None);
    let q = Query::parse(&["status:closed toner"]).unwrap();
    assert_eq!(q.matches_fields(&Fields::from(&t), &ctx), Some(false));
    let q = Query::parse(&["printer"]).unwrap();
    assert_eq!(q.matches_fields(&Fields::from(&t), &ctx), Some(true));
}

#[test]
fn bad_queries_name_the_problem() {
    let e = Query::parse(&["colour:red"]).unwrap_err();
    assert!(e.0.starts_with("unknown query key 'colour'"), "{e}");
    assert_eq!(Query::parse(&["status:"]).unwrap_err().0, "'status:' needs a value");
    assert!(Query::parse(&["created:>yesterday"]).unwrap_err().0.starts_with("invalid date 'yesterday'"));
    assert!(Query::parse(&["is:weird"]).is_err());
    let q = Query::parse(&["status:wip"]).unwrap();
    assert_eq!(
        q.validate(&Config::default()).unwrap_err().0,
        "invalid status 'wip'; allowed: new, open, pending, resolved, closed"
    );
    // Quoted text is never a key.
    let q = Query::parse(&["\"http://x\""]).unwrap();
    assert_eq!(q.terms[0].condition, Condition::Text("http://x".into()));
}

#[test]
fn state_terms_are_detected() {
    assert!(Query::parse(&["status:open"]).unwrap().names_state());
    assert!(Query::parse(&["-is:done"]).unwrap().names_state());
    assert!(!Query::parse(&["label:x printer"]).unwrap().names_state());
}

#[test]
fn ages_parse() {
    assert_eq!(parse_age("7d"), Some(7 * 86_400));
    assert_eq!(parse_age("4w"), Some(28 * 86_400));
    assert_eq!(parse_age("12h"), Some(12 * 3600));
    assert_eq!(parse_age("d"), None);
    assert_eq!(parse_age("7y"), None);
}
