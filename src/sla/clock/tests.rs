//! Clocks of scripted histories, every number worked out by hand in the comments.

use std::collections::BTreeSet;
use std::rc::Rc;

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::sla::Range;

const H: i64 = 3600;
const M: i64 = 60;

fn at(s: &str) -> i64 {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::Berlin.from_local_datetime(&local).earliest().unwrap().timestamp()
}

fn applied(policy: &str, targets: Targets, calendar: &Rc<Calendar>) -> Applied {
    Applied { policy: policy.into(), targets, calendar: calendar.clone() }
}

fn step(time: &str, happening: Happening, phase: Phase, applied: Option<&Applied>) -> Step {
    Step { time: at(time), happening, phase, applied: applied.cloned() }
}

/// Monday to Friday 09:00-12:00 and 13:00-17:00 in Berlin; Christmas Eve off.
fn office() -> Rc<Calendar> {
    let day: Vec<Range> = ["09:00-12:00", "13:00-17:00"].iter().map(|r| Range::parse(r).unwrap()).collect();
    let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
    let holidays: BTreeSet<NaiveDate> =
        [NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()].into_iter().collect();
    Rc::new(Calendar::new(chrono_tz::Europe::Berlin, week, holidays))
}

fn find(cycles: &[Cycle], kind: ClockKind) -> Vec<&Cycle> {
    cycles.iter().filter(|c| c.kind == kind).collect()
}

#[test]
fn pauses_messages_responses_and_a_reopen_around_the_clock() {
    use Happening::{Created, Other, RequesterMessage, Response};
    use Phase::{Active, Paused, Solved};
    let always = Rc::new(Calendar::always());
    let sla = applied(
        "standard",
        Targets { first_response: Some(H), next_response: Some(2 * H), resolution: Some(8 * H) },
        &always,
    );
    let steps = vec![
        step("2026-11-30 09:00", Created, Active, Some(&sla)),
        step("2026-11-30 09:30", Other, Paused, Some(&sla)), // pending
        // The requester writes back; in the same commit the ticket reopens.
        step("2026-11-30 10:30", RequesterMessage, Paused, Some(&sla)),
        step("2026-11-30 10:30", Other, Active, Some(&sla)),
        step("2026-11-30 11:00", Response, Active, Some(&sla)),
        step("2026-11-30 11:30", RequesterMessage, Active, Some(&sla)),
        step("2026-11-30 12:00", Other, Solved, Some(&sla)),
        step("2026-11-30 13:00", Other, Active, Some(&sla)), // reopened
        step("2026-11-30 14:00", Response, Active, Some(&sla)),
        step("2026-11-30 15:00", Other, Solved, Some(&sla)),
    ];
    let cycles = cycles(&steps, at("2026-11-30 16:00"));
    // First response: 09:00-09:30 runs (30m), 09:30-10:30 pending, 10:30-11:00 runs
    // (30m): 1h of the 1h target, met at 11:00, which is also when it was due.
    let fr = find(&cycles, ClockKind::FirstResponse);
    assert_eq!(fr.len(), 1);
    assert_eq!((fr[0].status, fr[0].elapsed, fr[0].remaining), (ClockStatus::Met, H, Some(0)));
    assert_eq!((fr[0].met_at, fr[0].due), (Some(at("2026-11-30 11:00")), Some(at("2026-11-30 11:00"))));
    // Next response: the message at 10:30 came before the first response and starts
    // none; the one at 11:30 does: 11:30-12:00 runs (30m), 12:00-13:00 solved, 13:00-14:00
    // runs (1h): 1h30m of 2h, met at 14:00.
    let nr = find(&cycles, ClockKind::NextResponse);
    assert_eq!(nr.len(), 1);
    assert_eq!(
        (nr[0].start, nr[0].status, nr[0].elapsed),
        (at("2026-11-30 11:30"), ClockStatus::Met, 90 * M)
    );
    // Resolution: runs 09:00-09:30, 10:30-12:00 and 13:00-15:00 (4h), met at the
    // last entry into solved, 15:00; the solve at 12:00 was undone by the reopen.
    let res = find(&cycles, ClockKind::Resolution);
    assert_eq!(
        (res[0].status, res[0].elapsed, res[0].met_at),
        (ClockStatus::Met, 4 * H, Some(at("2026-11-30 15:00")))
    );
}

#[test]
fn business_hours_a_holiday_and_a_policy_change_decide_breaches() {
    use Happening::{Created, Other, Response};
    use Phase::{Active, Solved};
    let cal = office();
    let a = applied(
        "standard",
        Targets { first_response: Some(2 * H), next_response: None, resolution: Some(8 * H) },
        &cal,
    );
    let b = applied(
        "vip",
        Targets { first_response: Some(2 * H), next_response: None, resolution: Some(40 * H) },
        &cal,
    );
    let steps = vec![
        // Wednesday 16:00; Thursday 24 December is a holiday.
        step("2026-12-23 16:00", Created, Active, Some(&a)),
        // Friday 11:00 the first response; the ticket is moved to the VIP policy.
        step("2026-12-25 11:00", Response, Active, Some(&b)),
        step("2026-12-28 10:00", Other, Solved, Some(&b)),
    ];
    // Thursday noon: 1h counted (Wednesday 16-17), 1h left, due Friday 10:00.
    let before = cycles(&steps, at("2026-12-24 12:00"));
    let fr = find(&before, ClockKind::FirstResponse)[0];
    assert_eq!((fr.status, fr.elapsed, fr.remaining), (ClockStatus::Running, H, Some(H)));
    assert_eq!(fr.due, Some(at("2026-12-25 10:00")));
    // The response came at 11:00: 1h + 2h (Friday 09-11) = 3h of 2h: breached at 10:00.
    let after = cycles(&steps, at("2026-12-28 12:00"));
    let fr = find(&after, ClockKind::FirstResponse)[0];
    assert_eq!((fr.status, fr.elapsed, fr.remaining), (ClockStatus::Breached, 3 * H, Some(-H)));
    assert_eq!((fr.due, fr.met_at), (Some(at("2026-12-25 10:00")), Some(at("2026-12-25 11:00"))));
    // Resolution: Wednesday 1h, Friday 7h, Monday 1h = 9h. The target is the one in
    // force after the last step of the period (vip, 40h): met. Under the standard
    // policy's 8h it would have been breached.
    let res = find(&after, ClockKind::Resolution)[0];
    assert_eq!((res.status, res.elapsed, res.target), (ClockStatus::Met, 9 * H, Some(40 * H)));
    assert_eq!(res.policy.as_deref(), Some("vip"));
}

#[test]
fn a_closed_ticket_stops_its_clocks_and_a_paused_one_has_no_due_time() {
    use Happening::{Created, Other, RequesterMessage, Response};
    use Phase::{Active, Closed, Paused};
    let always = Rc::new(Calendar::always());
    let sla = applied(
        "standard",
        Targets { first_response: Some(H), next_response: Some(H), resolution: Some(10 * H) },
        &always,
    );
    // Closed without a response, within the first-response target: nothing is due.
    let closed = vec![
        step("2026-11-30 09:00", Created, Active, Some(&sla)),
        step("2026-11-30 09:20", Other, Closed, Some(&sla)),
    ];
    let c = cycles(&closed, at("2026-11-30 18:00"));
    assert_eq!(find(&c, ClockKind::FirstResponse)[0].status, ClockStatus::NotApplicable);
    let res = find(&c, ClockKind::Resolution)[0];
    assert_eq!(
        (res.status, res.elapsed, res.met_at),
        (ClockStatus::Met, 20 * M, Some(at("2026-11-30 09:20")))
    );
    // Waiting on the requester: the next-response clock is not running.
    let waiting = vec![
        step("2026-11-30 09:00", Created, Active, Some(&sla)),
        step("2026-11-30 09:10", Response, Active, Some(&sla)),
        step("2026-11-30 09:40", RequesterMessage, Active, Some(&sla)),
        step("2026-11-30 09:50", Other, Paused, Some(&sla)),
    ];
    let c = cycles(&waiting, at("2026-11-30 18:00"));
    let nr = find(&c, ClockKind::NextResponse)[0];
    assert_eq!((nr.status, nr.elapsed, nr.due), (ClockStatus::Paused, 10 * M, None));
    // Without a policy there is no target: not applicable.
    let none = vec![step("2026-11-30 09:00", Created, Active, None)];
    assert!(cycles(&none, at("2026-11-30 18:00")).iter().all(|c| c.status == ClockStatus::NotApplicable));
    // Steps after `now` do not count: at 09:05 the first response is running with 55m left.
    let early = cycles(&waiting, at("2026-11-30 09:05"));
    let fr = find(&early, ClockKind::FirstResponse)[0];
    assert_eq!(
        (fr.status, fr.remaining, fr.due),
        (ClockStatus::Running, Some(55 * M), Some(at("2026-11-30 10:00")))
    );
}
