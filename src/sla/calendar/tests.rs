//! Business time: exact values worked out by hand, and the laws any calendar keeps.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

fn t(zone: Tz, s: &str) -> i64 {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    zone.from_local_datetime(&local).earliest().unwrap().timestamp()
}

fn utc(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

fn ranges(texts: &[&str]) -> Vec<Range> {
    texts.iter().map(|r| Range::parse(r).unwrap()).collect()
}

/// Monday to Friday 09:00–12:00 and 13:00–17:00 in `zone`, with `holidays`.
fn office(zone: Tz, holidays: &[&str]) -> Calendar {
    let day = ranges(&["09:00-12:00", "13:00-17:00"]);
    let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
    let holidays = holidays.iter().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()).collect();
    Calendar::new(zone, week, holidays)
}

/// Every night 22:00–06:00 (a range past midnight), every day of the week.
fn nights(zone: Tz, holidays: &[&str]) -> Calendar {
    let week = std::array::from_fn(|_| ranges(&["22:00-06:00"]));
    let holidays = holidays.iter().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()).collect();
    Calendar::new(zone, week, holidays)
}

const BERLIN: Tz = chrono_tz::Europe::Berlin;
const NEW_YORK: Tz = chrono_tz::America::New_York;
const H: i64 = 3600;

#[test]
fn ranges_parse_and_refuse_what_is_not_a_range() {
    assert_eq!(Range::parse("09:00-17:30").unwrap(), Range { start: 540, end: 1050 });
    assert_eq!(Range::parse("22:00-06:00").unwrap().minutes(), 8 * 60);
    assert_eq!(Range::parse("00:00-24:00").unwrap().minutes(), 24 * 60);
    assert!(Range::parse("9:00-17:00").is_ok());
    for bad in ["09:00", "09:00-09:00", "24:00-25:00", "09:60-10:00", "x-y", "09:00-24:01", "009:00-10:00"] {
        assert!(Range::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn office_hours_skip_lunch_nights_weekends_and_holidays() {
    let cal = office(BERLIN, &["2026-12-24"]);
    // Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
    assert_eq!(cal.business_seconds(t(BERLIN, "2026-11-27 16:00"), t(BERLIN, "2026-11-30 10:00")), 2 * H);
    // Lunch does not count.
    assert_eq!(cal.business_seconds(t(BERLIN, "2026-11-30 11:30"), t(BERLIN, "2026-11-30 13:30")), H);
    // A whole working week is 35 hours.
    assert_eq!(cal.business_seconds(t(BERLIN, "2026-11-30 00:00"), t(BERLIN, "2026-12-07 00:00")), 35 * H);
    // Christmas Eve (a Thursday) is a holiday: Wednesday 16:00 + 2h is Friday 10:00.
    let due = cal.add(t(BERLIN, "2026-12-23 16:00"), 2 * H).unwrap();
    assert_eq!(due, t(BERLIN, "2026-12-25 10:00"));
    // Adding from outside working time starts at the next opening.
    assert_eq!(cal.add(t(BERLIN, "2026-11-28 12:00"), 30 * 60).unwrap(), t(BERLIN, "2026-11-30 09:30"));
    // Adding exactly to the end of a range stops there, not at the next opening.
    assert_eq!(cal.add(t(BERLIN, "2026-11-30 09:00"), 3 * H).unwrap(), t(BERLIN, "2026-11-30 12:00"));
}

#[test]
fn a_range_past_midnight_belongs_to_the_day_it_starts_and_holidays_cut_it() {
    let cal = nights(BERLIN, &["2026-12-25"]);
    // One night: 22:00 to 06:00 is eight hours.
    assert_eq!(cal.business_seconds(t(BERLIN, "2026-11-30 12:00"), t(BERLIN, "2026-12-01 12:00")), 8 * H);
    // The night of the 24th runs into the holiday on the 25th: only 22:00-24:00 counts,
    // and the night that starts on the 25th counts nothing until midnight.
    let eve = cal.business_seconds(t(BERLIN, "2026-12-24 12:00"), t(BERLIN, "2026-12-26 12:00"));
    assert_eq!(eve, 2 * H + 6 * H);
}

#[test]
fn daylight_saving_changes_are_real_hours() {
    // Berlin: the clock jumps from 02:00 to 03:00 on 2026-03-29 and goes back from
    // 03:00 to 02:00 on 2026-10-25. A night 22:00-06:00 then has 7 and 9 real hours.
    let cal = nights(BERLIN, &[]);
    let spring = cal.business_seconds(t(BERLIN, "2026-03-28 12:00"), t(BERLIN, "2026-03-29 12:00"));
    assert_eq!(spring, 7 * H);
    let autumn = cal.business_seconds(t(BERLIN, "2026-10-24 12:00"), t(BERLIN, "2026-10-25 12:00"));
    assert_eq!(autumn, 9 * H);
    // New York: 2026-03-08 (02:00 -> 03:00) and 2026-11-01 (02:00 -> 01:00).
    let a_range_in_the_gap = Calendar::new(
        NEW_YORK,
        std::array::from_fn(|_| ranges(&["01:30-03:30"])),
        std::collections::BTreeSet::new(),
    );
    // On the spring day 02:00-03:00 does not exist: 01:30-03:30 is one real hour.
    let day = |d: &str| (utc(&format!("{d}T00:00:00-05:00")), utc(&format!("{d}T23:00:00-04:00")));
    let (a, b) = day("2026-03-08");
    assert_eq!(a_range_in_the_gap.business_seconds(a, b), H);
    // On the autumn day 01:00-02:00 happens twice: 01:30 (the first) to 03:30 is three real hours.
    let (a, b) = (utc("2026-11-01T00:00:00-04:00"), utc("2026-11-01T23:00:00-05:00"));
    assert_eq!(a_range_in_the_gap.business_seconds(a, b), 3 * H);
    // An office day in New York is seven hours on both change days' weeks.
    let cal = office(NEW_YORK, &[]);
    assert_eq!(
        cal.business_seconds(t(NEW_YORK, "2026-03-06 09:00"), t(NEW_YORK, "2026-03-09 17:00")),
        14 * H
    );
}

#[test]
fn a_calendar_without_working_time_has_no_due_time() {
    let none = Calendar::new(BERLIN, std::array::from_fn(|_| Vec::new()), std::collections::BTreeSet::new());
    assert_eq!(none.add(0, 60), None);
    assert_eq!(none.business_seconds(0, 365 * 86_400), 0);
    assert_eq!(none.add(0, 0), Some(0));
}

fn calendars() -> impl Strategy<Value = Calendar> {
    let zones = prop::sample::select(vec![BERLIN, NEW_YORK, chrono_tz::UTC, chrono_tz::Asia::Kolkata]);
    let holidays = prop::collection::btree_set(0u32..120, 0..6).prop_map(|days| {
        days.into_iter()
            .map(|d| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i64::from(d)))
            .collect::<std::collections::BTreeSet<_>>()
    });
    let kinds = prop::sample::select(vec![0u8, 1, 2, 3]);
    (prop::option::of((zones, holidays, kinds))).prop_map(|c| match c {
        None => Calendar::always(),
        Some((zone, holidays, kind)) => {
            let day = match kind {
                0 => ranges(&["09:00-12:00", "13:00-17:00"]),
                1 => ranges(&["22:00-06:00"]),
                2 => ranges(&["00:00-24:00"]),
                _ => ranges(&["01:30-03:30", "08:00-08:01"]),
            };
            let week = std::array::from_fn(|i| if i < 5 || kind == 1 { day.clone() } else { Vec::new() });
            Calendar::new(zone, week, holidays)
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_a_duration_and_measuring_it_back_gives_it(
        cal in calendars(), start in 1_767_225_600i64..1_777_000_000, d in 0i64..(40 * 86_400),
    ) {
        let end = cal.add(start, d).expect("these calendars have working time");
        prop_assert!(end >= start);
        prop_assert_eq!(cal.business_seconds(start, end), d);
        // The smallest such instant: one second less has not reached it.
        if d > 0 {
            prop_assert_eq!(cal.business_seconds(start, end - 1), d - 1);
        }
    }

    #[test]
    fn business_time_adds_up_and_moves_forward(
        cal in calendars(), a in 1_767_225_600i64..1_777_000_000, x in 0i64..(20 * 86_400), y in 0i64..(20 * 86_400),
    ) {
        let (b, c) = (a + x, a + x + y);
        prop_assert_eq!(cal.business_seconds(a, b) + cal.business_seconds(b, c), cal.business_seconds(a, c));
        prop_assert!(cal.business_seconds(a, b) <= b - a);
        let (d1, d2) = (x.min(y), x.max(y));
        prop_assert!(cal.add(a, d1).unwrap() <= cal.add(a, d2).unwrap());
    }

    #[test]
    fn the_table_gives_what_counting_day_by_day_gives(
        cal in calendars(),
        points in prop::collection::vec((1_700_000_000i64..1_840_000_000, 0i64..(60 * 86_400)), 1..12),
    ) {
        // Instants spread over years, in any order: the table widens as it goes.
        for (a, d) in points {
            prop_assert_eq!(cal.business_seconds(a, a + d), cal.business_seconds_by_day(a, a + d));
            prop_assert_eq!(cal.add(a, d), cal.add_by_day(a, d));
        }
    }

    #[test]
    fn the_24_7_calendar_is_wall_time(a in -1_000_000_000i64..4_000_000_000, d in 0i64..10_000_000) {
        let cal = Calendar::always();
        prop_assert_eq!(cal.business_seconds(a, a + d), d);
        prop_assert_eq!(cal.add(a, d), Some(a + d));
    }
}
