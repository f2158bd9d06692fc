//! Every KPI definition with exact values, on hand-made event logs.

use std::collections::HashSet;

use chrono::DateTime;

use super::*;
use crate::history::{History, Kind};

const JANE: &str = "Jane Doe <jane@example.com>";
const KIM: &str = "Kim Requester <kim@example.com>";
const BOB: &str = "Bob Agent <bob@example.com>";
const CAROL: &str = "Carol Agent <carol@example.com>";

fn t(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).expect("test times are RFC 3339").timestamp()
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn created(requester: &str, assignee: Option<&str>) -> Kind<String> {
    let mut values =
        vec![(s("status"), s("new")), (s("priority"), s("normal")), (s("requester"), s(requester))];
    values.extend(assignee.map(|a| (s("assignee"), s(a))));
    Kind::Created { values: values.into() }
}

fn status(from: &str, to: &str) -> Kind<String> {
    Kind::Changed { field: s("status"), from: Some(s(from)), to: Some(s(to)) }
}

fn reply(author: &str) -> Kind<String> {
    Kind::Reply { comment: s("c"), author: s(author) }
}

fn note(author: &str) -> Kind<String> {
    Kind::Note { comment: s("n"), author: s(author) }
}

fn rating(to: u8) -> Kind<String> {
    Kind::Rating { from: None, to: Some(to), comment: None }
}

fn history(events: &[(&str, &str, &str, Kind<String>)]) -> History {
    History::from_events(events.iter().map(|(id, time, actor, k)| (s(id), t(time), s(actor), k.clone())))
}

fn done() -> Vec<String> {
    vec![s("resolved"), s("closed")]
}

fn november() -> Window {
    Window { from: t("2026-11-01T00:00:00Z"), until: t("2026-11-30T00:00:00Z") }
}

fn run(h: &History, window: Window, by: Option<GroupBy>) -> Report {
    run_with(h, window, by, &People::default())
}

fn run_with(h: &History, window: Window, by: Option<GroupBy>, people: &People) -> Report {
    report(
        h,
        &events_by_ticket(h),
        window,
        Zone::Utc,
        Definitions { done: &done(), merged: &[], people, sla: None },
        by,
        None,
    )
}

/// People with Bob and Carol as agents; Bob also writes from an old address.
fn agents() -> People {
    let text = format!(
        "{}agents:\n  - {{name: Bob Agent, email: bob@example.com, emails: [bob@old.example.com]}}\n  \
         - {{name: Carol Agent, email: carol@example.com}}\n",
        crate::workflow::Config::default_text().replace("agents: []\n", "")
    );
    crate::workflow::Config::parse(&text).unwrap().people().unwrap().clone()
}

/// Six tickets covering every definition; the expected numbers are worked out
/// by hand in the comments.
fn helpdesk() -> History {
    history(&[
        // T1: answered in 1h, resolved after 3h with one reply: first contact. Rated 5, then 3.
        ("t1", "2026-11-02T09:00:00Z", JANE, created(JANE, Some(BOB))),
        ("t1", "2026-11-02T10:00:00Z", BOB, reply(BOB)),
        ("t1", "2026-11-02T10:00:00Z", BOB, status("new", "open")),
        ("t1", "2026-11-02T12:00:00Z", BOB, status("open", "resolved")),
        ("t1", "2026-11-03T09:00:00Z", JANE, rating(5)),
        ("t1", "2026-11-04T09:00:00Z", JANE, rating(3)),
        // T2: the requester's own reply (other case in the email) and an internal note
        // are no response; the first response comes after 4h; two replies: no first contact.
        ("t2", "2026-11-05T09:00:00Z", JANE, created(JANE, Some(CAROL))),
        ("t2", "2026-11-05T10:00:00Z", JANE, reply("Jane D. <JANE@example.com>")),
        ("t2", "2026-11-05T11:00:00Z", BOB, note(BOB)),
        ("t2", "2026-11-05T13:00:00Z", CAROL, reply(CAROL)),
        ("t2", "2026-11-05T14:00:00Z", CAROL, reply(CAROL)),
        ("t2", "2026-11-05T15:00:00Z", CAROL, status("open", "resolved")),
        ("t2", "2026-11-06T09:00:00Z", JANE, rating(4)),
        // T3: answered in 30m, resolved, reopened, closed two days after creation.
        ("t3", "2026-11-10T09:00:00Z", KIM, created(KIM, Some(BOB))),
        ("t3", "2026-11-10T09:30:00Z", BOB, reply(BOB)),
        ("t3", "2026-11-10T10:00:00Z", BOB, status("open", "resolved")),
        ("t3", "2026-11-11T10:00:00Z", KIM, status("resolved", "open")),
        ("t3", "2026-11-12T09:00:00Z", BOB, status("open", "closed")),
        // T4: never answered: in the backlog, no first response.
        ("t4", "2026-11-20T09:00:00Z", KIM, created(KIM, None)),
        // T5: created and rated before the window, resolved in it after 12 days with one reply.
        ("t5", "2026-10-20T09:00:00Z", JANE, created(JANE, Some(BOB))),
        ("t5", "2026-10-20T10:00:00Z", BOB, reply(BOB)),
        ("t5", "2026-10-21T09:00:00Z", JANE, rating(2)),
        ("t5", "2026-11-01T09:00:00Z", BOB, status("open", "resolved")),
        // T6: created in the window; answered, resolved and rated only after it.
        ("t6", "2026-11-25T09:00:00Z", KIM, created(KIM, None)),
        ("t6", "2026-12-01T09:00:00Z", BOB, reply(BOB)),
        ("t6", "2026-12-01T10:00:00Z", BOB, status("new", "resolved")),
        ("t6", "2026-12-01T11:00:00Z", KIM, rating(5)),
    ])
}

#[test]
fn percentiles_are_nearest_rank() {
    assert_eq!(percentile(&[], 90), None);
    assert_eq!(percentile(&[42], 90), Some(42));
    assert_eq!(percentile(&[42], 50), Some(42));
    assert_eq!(percentile(&[10, 20], 50), Some(10));
    let ten: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&ten, 90), Some(9));
    assert_eq!(percentile(&ten, 50), Some(5));
    assert_eq!(percentile(&ten, 100), Some(10));
    let d = Durations::of(&[30, 10, 20]);
    assert_eq!(
        d,
        Durations { count: 3, mean_seconds: Some(20), median_seconds: Some(20), p90_seconds: Some(30) }
    );
}

#[test]
fn means_are_whole_seconds_rounded_half_to_even() {
    assert_eq!(mean_seconds(&[]), None);
    assert_eq!(mean_seconds(&[7]), Some(7));
    // 1.5 → 2 and 2.5 → 2: halves go to the even second.
    assert_eq!(mean_seconds(&[1, 2]), Some(2));
    assert_eq!(mean_seconds(&[2, 3]), Some(2));
    assert_eq!(mean_seconds(&[3, 4]), Some(4));
    // Not a half: to the nearest.
    assert_eq!(mean_seconds(&[1, 1, 2]), Some(1));
    assert_eq!(mean_seconds(&[1, 2, 2]), Some(2));
    // Negative durations (a clock set wrong) round the same way.
    assert_eq!(mean_seconds(&[-1, -2]), Some(-2));
    assert_eq!(mean_seconds(&[-2, -3]), Some(-2));
    assert_eq!(mean_seconds(&[-1, -1, -2]), Some(-1));
    // Exact beyond floating point: (2^53 + 1) / 1 and sums past i64.
    assert_eq!(mean_seconds(&[9_007_199_254_740_993]), Some(9_007_199_254_740_993));
    assert_eq!(mean_seconds(&[i64::MAX, i64::MAX]), Some(i64::MAX));
    assert_eq!(Durations::of(&[600, 3600, 1801]).mean_seconds, Some(2000));
    assert_eq!(Durations::of(&[600, 3601]).mean_seconds, Some(2100));
}

#[test]
fn no_data_is_none_never_zero() {
    let r = run(&History::default(), november(), None);
    let m = &r.overall;
    assert_eq!((m.created, m.resolved, m.reopened, m.backlog), (0, 0, 0, 0));
    assert_eq!(
        m.first_response,
        Durations { count: 0, mean_seconds: None, median_seconds: None, p90_seconds: None }
    );
    assert_eq!(m.resolution.median_seconds, None);
    assert_eq!(m.fcr, Fcr { resolved: 0, first_contact: 0, rate: None });
    assert_eq!(m.csat, Csat { responses: 0, satisfied: 0, rate: None, mean_score: None });
}

#[test]
fn every_kpi_has_its_exact_value() {
    let r = run(&helpdesk(), november(), None);
    let m = &r.overall;
    assert_eq!(m.created, 5, "t1 t2 t3 t4 t6");
    assert_eq!(m.resolved, 4, "t1 t2 t3 t5");
    assert_eq!(m.reopened, 1, "t3");
    assert_eq!(m.backlog, 2, "t4 t6");
    // First responses: t1 3600, t2 14400, t3 1800.
    assert_eq!(
        m.first_response,
        Durations {
            count: 3,
            mean_seconds: Some(6600),
            median_seconds: Some(3600),
            p90_seconds: Some(14_400)
        }
    );
    // Resolutions: t1 10800, t2 21600, t3 172800 (to the last entry into done), t5 1036800.
    assert_eq!(
        m.resolution,
        Durations {
            count: 4,
            mean_seconds: Some(310_500),
            median_seconds: Some(21_600),
            p90_seconds: Some(1_036_800)
        }
    );
    assert_eq!(m.fcr, Fcr { resolved: 4, first_contact: 2, rate: Some(0.5) }, "t1 and t5");
    // Latest ratings in the window: t1 3 (its 5 was replaced), t2 4; t5's is older, t6's later.
    assert_eq!(m.csat, Csat { responses: 2, satisfied: 1, rate: Some(0.5), mean_score: Some(3.5) });
    assert_eq!(r.first_responses, vec![1800, 3600, 14_400]);
}

#[test]
fn a_later_window_sees_later_history_and_a_past_one_does_not_change() {
    let h = helpdesk();
    let december = Window { from: t("2026-12-01T00:00:00Z"), until: t("2026-12-02T00:00:00Z") };
    let m = run(&h, december, None).overall;
    assert_eq!((m.created, m.resolved, m.backlog), (0, 1, 1), "t6 resolved; t4 still open");
    assert_eq!(m.resolution.median_seconds, Some(6 * 86_400 + 3600));
    assert_eq!(m.first_response.count, 0, "t6 was created before this window");
    assert_eq!(m.fcr, Fcr { resolved: 1, first_contact: 1, rate: Some(1.0) });
    assert_eq!(m.csat.responses, 1);
    // The November report ignores everything after November.
    let cut: Vec<_> = h.events.iter().filter(|e| e.time < november().until).cloned().collect();
    let mut shorter = h.clone();
    shorter.commits.truncate(cut.len());
    shorter.events = cut;
    assert_eq!(run(&h, november(), None).overall, run(&shorter, november(), None).overall);
}

#[test]
fn groups_use_the_value_at_the_end_of_the_window() {
    let r = run(&helpdesk(), november(), Some(GroupBy(Field::Assignee)));
    let keys: Vec<Option<&str>> = r.groups.iter().map(|(k, _)| k.as_deref()).collect();
    assert_eq!(keys, vec![Some(BOB), Some(CAROL), None]);
    let bob = &r.groups[0].1;
    assert_eq!((bob.created, bob.resolved, bob.reopened, bob.backlog), (2, 3, 1, 0));
    assert_eq!(bob.first_response.count, 2);
    assert_eq!(bob.first_response.median_seconds, Some(1800));
    assert_eq!(bob.fcr, Fcr { resolved: 3, first_contact: 2, rate: Some(2.0 / 3.0) });
    assert_eq!(bob.csat, Csat { responses: 1, satisfied: 0, rate: Some(0.0), mean_score: Some(3.0) });
    let carol = &r.groups[1].1;
    assert_eq!((carol.created, carol.resolved), (1, 1));
    assert_eq!(carol.csat.rate, Some(1.0));
    let nobody = &r.groups[2].1;
    assert_eq!((nobody.created, nobody.backlog), (2, 2));
    assert_eq!(nobody.first_response.mean_seconds, None);
}

#[test]
fn label_groups_count_a_ticket_once_per_label_and_follow_changes() {
    let h = history(&[
        ("a", "2026-11-02T09:00:00Z", JANE, created(JANE, None)),
        (
            "a",
            "2026-11-02T10:00:00Z",
            BOB,
            Kind::Members {
                field: s("labels"),
                added: vec![s("printer"), s("vip")].into(),
                removed: vec![].into(),
            },
        ),
        ("b", "2026-11-03T09:00:00Z", JANE, created(JANE, None)),
        (
            "b",
            "2026-11-03T10:00:00Z",
            BOB,
            Kind::Members { field: s("labels"), added: vec![s("printer")].into(), removed: vec![].into() },
        ),
        (
            "b",
            "2026-11-04T10:00:00Z",
            BOB,
            Kind::Members { field: s("labels"), added: vec![].into(), removed: vec![s("printer")].into() },
        ),
    ]);
    let r = run(&h, november(), Some(GroupBy(Field::Labels)));
    let got: Vec<(Option<&str>, usize)> = r.groups.iter().map(|(k, m)| (k.as_deref(), m.created)).collect();
    assert_eq!(got, vec![(Some("printer"), 1), (Some("vip"), 1), (None, 1)]);
    assert_eq!(r.overall.created, 2);
}

#[test]
fn a_reply_by_a_new_requester_is_no_response() {
    let h = history(&[
        ("a", "2026-11-02T09:00:00Z", BOB, created(BOB, Some(BOB))),
        (
            "a",
            "2026-11-02T09:30:00Z",
            BOB,
            Kind::Changed { field: s("requester"), from: Some(s(BOB)), to: Some(s(JANE)) },
        ),
        ("a", "2026-11-02T10:00:00Z", JANE, reply(JANE)),
        ("a", "2026-11-02T11:00:00Z", BOB, reply(BOB)),
    ]);
    let m = run(&h, november(), None).overall;
    assert_eq!(m.first_response.median_seconds, Some(7200));
}

#[test]
fn resolved_to_closed_is_not_a_second_resolution_and_deleted_tickets_leave_the_backlog() {
    let h = history(&[
        ("a", "2026-11-02T09:00:00Z", BOB, created(JANE, None)),
        ("a", "2026-11-02T10:00:00Z", BOB, status("new", "resolved")),
        ("a", "2026-11-03T10:00:00Z", BOB, status("resolved", "closed")),
        ("b", "2026-11-02T09:00:00Z", BOB, created(JANE, None)),
        ("b", "2026-11-05T09:00:00Z", BOB, Kind::Deleted),
    ]);
    let m = run(&h, november(), None).overall;
    assert_eq!(m.resolution.median_seconds, Some(3600));
    assert_eq!(m.fcr.first_contact, 0, "no reply at all is not a first-contact resolution");
    assert_eq!((m.created, m.backlog), (2, 0));
}

#[test]
fn a_limited_report_counts_only_the_chosen_tickets() {
    let h = helpdesk();
    let only: HashSet<Sym> = ["t4", "t6"].iter().filter_map(|id| h.sym(id)).collect();
    let defs = Definitions { done: &done(), merged: &[], people: &People::default(), sla: None };
    let r = report(&h, &events_by_ticket(&h), november(), Zone::Utc, defs, None, Some(&only));
    assert_eq!((r.overall.created, r.overall.resolved, r.overall.backlog), (2, 0, 2));
}

#[test]
fn groups_follow_a_given_order_with_the_unranked_after_and_none_last() {
    let m = run(&helpdesk(), november(), None).overall;
    let mut groups: Vec<(Option<String>, Metrics)> =
        [None, Some("b"), Some("high"), Some("a"), Some("urgent"), Some("low")]
            .into_iter()
            .map(|k| (k.map(str::to_owned), m.clone()))
            .collect();
    let levels = ["low", "normal", "high", "urgent"];
    // Most urgent first.
    order_groups(&mut groups, |k| levels.iter().position(|l| *l == k).map(|p| levels.len() - p));
    let keys: Vec<Option<&str>> = groups.iter().map(|(k, _)| k.as_deref()).collect();
    assert_eq!(keys, [Some("urgent"), Some("high"), Some("low"), Some("a"), Some("b"), None]);
}

#[test]
fn daily_series_count_per_calendar_day() {
    let h = helpdesk();
    let window = Window { from: t("2026-11-02T06:00:00Z"), until: t("2026-11-06T00:00:00Z") };
    let d = run(&h, window, None).daily;
    assert_eq!(d.buckets.bounds[0], t("2026-11-02T00:00:00Z"));
    assert_eq!(d.buckets.days, 1);
    assert_eq!(d.created, vec![1, 0, 0, 1], "t1 on the 2nd, t2 on the 5th");
    assert_eq!(d.resolved, vec![1, 0, 0, 1]);
    // At the end of each day: t3? not yet; t5 was resolved on the 1st; t2 open only during the 5th.
    assert_eq!(d.backlog, vec![0, 0, 0, 0]);
    let window = Window { from: t("2026-11-20T00:00:00Z"), until: t("2026-11-23T00:00:00Z") };
    assert_eq!(run(&h, window, None).daily.backlog, vec![1, 1, 1], "t4");
}

/// Two tickets where a colleague who is not an agent replies first.
fn with_a_colleague() -> History {
    const DAN: &str = "Dan Developer <dan@example.com>";
    history(&[
        // T1: Dan replies at 09:30, Bob at 10:00, resolved at 11:00.
        ("t1", "2026-11-02T09:00:00Z", JANE, created(JANE, None)),
        ("t1", "2026-11-02T09:30:00Z", DAN, reply(DAN)),
        ("t1", "2026-11-02T10:00:00Z", BOB, reply(BOB)),
        ("t1", "2026-11-02T11:00:00Z", BOB, status("open", "resolved")),
        // T2: Bob, writing from his old address, at 09:15, then Jane, then Carol; resolved.
        ("t2", "2026-11-02T09:00:00Z", KIM, created(KIM, None)),
        ("t2", "2026-11-02T09:15:00Z", BOB, reply("Bob <bob@old.example.com>")),
        ("t2", "2026-11-02T09:20:00Z", BOB, reply("kim <KIM@example.com>")),
        ("t2", "2026-11-02T09:40:00Z", CAROL, reply(CAROL)),
        ("t2", "2026-11-02T10:00:00Z", CAROL, status("open", "resolved")),
    ])
}

#[test]
fn with_agents_a_response_is_a_reply_by_an_agent() {
    let h = with_a_colleague();
    // Without agents, anyone but the requester responds: Dan at 09:30 (30m), Bob at 09:15 (15m).
    let m = run(&h, november(), None).overall;
    assert_eq!(m.first_response.count, 2);
    assert_eq!((m.first_response.mean_seconds, m.first_response.median_seconds), (Some(1350), Some(900)));
    // Two responses each (Kim's own message, in another spelling, is hers): no first contact.
    assert_eq!(m.fcr.first_contact, 0);
    // With agents: Dan is not one, so t1's first response is Bob's at 10:00 (1h), and t1
    // was resolved after exactly one response; t2 still had two (Bob, by his other address, and Carol).
    let m = run_with(&h, november(), None, &agents()).overall;
    assert_eq!(m.first_response.count, 2);
    assert_eq!((m.first_response.mean_seconds, m.first_response.median_seconds), (Some(2250), Some(900)));
    assert_eq!((m.fcr.resolved, m.fcr.first_contact), (2, 1));
}

#[test]
fn people_are_grouped_by_email_and_an_agent_by_any_address() {
    let by = GroupBy(Field::Assignee);
    let assigned = |who: &str| Kind::Changed { field: s("assignee"), from: None, to: Some(s(who)) };
    let h = history(&[
        ("t1", "2026-11-02T09:00:00Z", JANE, created(JANE, Some(BOB))),
        ("t2", "2026-11-03T09:00:00Z", JANE, created(JANE, Some("bob <BOB@example.com>"))),
        ("t3", "2026-11-04T09:00:00Z", JANE, created(JANE, None)),
        ("t3", "2026-11-04T10:00:00Z", JANE, assigned("Bobby <bob@old.example.com>")),
        ("t4", "2026-11-04T09:00:00Z", JANE, created(JANE, Some("Dan <dan@example.com>"))),
        ("t5", "2026-11-05T09:00:00Z", JANE, created(JANE, Some("Daniel <DAN@example.com>"))),
        ("t6", "2026-11-05T09:00:00Z", JANE, created(JANE, None)),
    ]);
    let groups = |people: &People| -> Vec<(Option<String>, usize)> {
        run_with(&h, november(), Some(by), people).groups.into_iter().map(|(k, m)| (k, m.created)).collect()
    };
    // Without agents: one group per email, shown as written on its latest ticket.
    assert_eq!(
        groups(&People::default()),
        [
            (Some(s("Bobby <bob@old.example.com>")), 1),
            (Some(s("Daniel <DAN@example.com>")), 2),
            (Some(s("bob <BOB@example.com>")), 2),
            (None, 1),
        ]
    );
    // With agents: Bob's old address is Bob, shown as desk.yaml names him.
    assert_eq!(groups(&agents()), [(Some(s(BOB)), 3), (Some(s("Daniel <DAN@example.com>")), 2), (None, 1)]);
}
