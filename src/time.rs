//! Times as people write and read them: the one parser of dates and ages (used
//! by the query language and by report windows), and calendar days in a time
//! zone — local time (`TZ`), or UTC with `--utc`. Pure: it never reads the
//! clock; "now" is given.

use chrono::{DateTime, Days, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The earliest time a date or an age can name: 0001-01-01T00:00:00Z.
pub const EARLIEST: i64 = -62_135_596_800;
/// The end of the latest day a date can name, 9999-12-31 (UTC): git refuses
/// later dates, and RFC 3339 writes four-digit years.
pub const LATEST: i64 = 253_402_300_800;
/// The longest age: from the end of the latest day back to the earliest time,
/// so that now minus an age never overflows.
pub const MAX_AGE: i64 = LATEST - EARLIEST;

const WEEK: i64 = 7 * 86_400;

/// Why a date or an age could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeError(pub String);

/// The time zone days and times of day are read and shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zone {
    /// The local time zone, as the C library reads it: `TZ` (a zone name such as
    /// `Europe/Paris` or a POSIX rule such as `CET-1CEST,M3.5.0,M10.5.0/3`), else
    /// `/etc/localtime`.
    #[default]
    Local,
    Utc,
}

/// The time a date value names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// A calendar day `[start, end)` in Unix seconds (23, 24 or 25 hours long).
    Day(i64, i64),
    /// One instant: an RFC 3339 time, or a date and time of day in the zone.
    Instant(i64),
    /// An age: this many seconds before now.
    Age(i64),
}

/// Checks that a time named by the date `v` lies in the years 1 to 9999.
pub fn check_date(t: i64, v: &str) -> Result<i64, TimeError> {
    if (EARLIEST..LATEST).contains(&t) {
        Ok(t)
    } else {
        Err(TimeError(format!("date '{v}' is out of range: dates lie in the years 1 to 9999")))
    }
}

/// Reads a date value: an age (`90m`, `12h`, `7d`, `4w`), a day `2026-11-01`
/// (a calendar day in `zone`), a date and time of day without a zone
/// (`2026-11-01T09:30`, `2026-11-01 09:30:15`: a time in `zone`), or an
/// RFC 3339 time with its own zone (`2026-11-01T09:30:00+01:00`, `…Z`).
pub fn parse_when(v: &str, zone: Zone) -> Result<When, TimeError> {
    if let Some(secs) = parse_age(v)? {
        return Ok(When::Age(secs));
    }
    if let Some(d) = parse_day(v) {
        let start = check_date(zone.day_start(d), v)?;
        let end = d.checked_add_days(Days::new(1)).map_or(LATEST, |next| zone.day_start(next));
        return Ok(When::Day(start, end));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(When::Instant(check_date(t.timestamp(), v)?));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, format) {
            return Ok(When::Instant(check_date(zone.instant(t), v)?));
        }
    }
    Err(TimeError(format!(
        "invalid date '{v}'; use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (local time), an RFC 3339 time, \
         or an age like 12h, 7d, 4w"
    )))
}

/// Reads a day written `YYYY-MM-DD`, as every date in desk is written.
pub fn parse_day(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

/// Reads an age such as `90m`, `12h`, `7d`, `4w` into seconds: `None` when `v`
/// is not written as an age, an error when it is one that reaches back further
/// than [`MAX_AGE`].
pub fn parse_age(v: &str) -> Result<Option<i64>, TimeError> {
    let Some(unit_at) = v.find(|c: char| !c.is_ascii_digit()).filter(|&at| at > 0) else { return Ok(None) };
    let unit = match &v[unit_at..] {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => WEEK,
        _ => return Ok(None),
    };
    // Digits and a unit are an age, however many digits: too long is out of range, not "not a date".
    let secs = v[..unit_at].parse::<i64>().ok().and_then(|n| n.checked_mul(unit)).filter(|&s| s <= MAX_AGE);
    secs.map(Some).ok_or_else(|| {
        TimeError(format!(
            "age '{v}' is out of range: an age reaches back at most {} weeks (10,000 years)",
            MAX_AGE / WEEK
        ))
    })
}

impl Zone {
    /// The first second of the day `d` in this zone (see [`instant_in`]).
    pub fn day_start(self, d: NaiveDate) -> i64 {
        self.instant(d.and_time(NaiveTime::MIN))
    }

    /// The instant the wall-clock time `t` names in this zone (see [`instant_in`]).
    pub fn instant(self, t: NaiveDateTime) -> i64 {
        match self {
            Zone::Local => instant_in(&Local, t),
            Zone::Utc => instant_in(&Utc, t),
        }
    }

    /// The calendar day the instant `t` falls in, in this zone.
    pub fn date_of(self, t: i64) -> NaiveDate {
        let utc = DateTime::from_timestamp(t, 0).unwrap_or_default();
        match self {
            Zone::Local => utc.with_timezone(&Local).date_naive(),
            Zone::Utc => utc.date_naive(),
        }
    }
}

/// The instant a wall-clock time names in `tz`, in Unix seconds: the earlier one
/// when the clock shows that time twice (set back), and the first instant after
/// the jump when the clock skips it (set forward) — the first instant whose
/// wall-clock time is not before `t`. So the start of a day is the first
/// instant whose date is that day, even where a daylight-saving change skips
/// midnight.
pub fn instant_in<Tz: TimeZone>(tz: &Tz, t: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(i) => i.timestamp(),
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        LocalResult::None => {
            // No offset is more than a day; the wall clock only moves forward
            // across a gap, so a search between two days either side finds its end.
            let wall = |s: i64| DateTime::from_timestamp(s, 0).map(|u| u.with_timezone(tz).naive_local());
            let guess = t.and_utc().timestamp();
            let (mut before, mut after) = (guess - 2 * 86_400, guess + 2 * 86_400);
            while after - before > 1 {
                let mid = before + (after - before) / 2;
                if wall(mid).is_some_and(|w| w < t) {
                    before = mid;
                } else {
                    after = mid;
                }
            }
            after
        }
    }
}

/// Calendar-day buckets covering a window: bucket `i` is
/// `[bounds[i], bounds[i + 1])`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayBuckets {
    /// The first day of the first bucket: the day the window starts in.
    pub first: NaiveDate,
    /// Days per bucket: 1, or the smallest power of two that keeps the
    /// number of buckets at most the maximum asked for.
    pub days: u64,
    /// The first second of each bucket's first day, then of the day after the last bucket.
    pub bounds: Vec<i64>,
}

/// Buckets of `days` consecutive calendar days in `zone` covering `[from,
/// until)`: the first starts on the day `from` falls in, the last holds the
/// day `until - 1` falls in, and there are at most `max` of them.
pub fn day_buckets(zone: Zone, from: i64, until: i64, max: u64) -> DayBuckets {
    let first = zone.date_of(from);
    let last = zone.date_of(until.max(from + 1) - 1);
    let count = u64::try_from((last - first).num_days() + 1).unwrap_or(1).max(1);
    let mut days = 1;
    while count.div_ceil(days) > max.max(1) {
        days *= 2;
    }
    let buckets = count.div_ceil(days);
    let bounds = (0..=buckets)
        .map(|i| first.checked_add_days(Days::new(i * days)).map_or(LATEST, |d| zone.day_start(d)))
        .collect();
    DayBuckets { first, days, bounds }
}

/// A duration for people: `45s`, `12m`, `3h 5m`, `2d 4h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// Parses a duration (SLA targets and warnings, `due:` terms): one or more of a number and a unit, `s`, `m`,
/// `h`, `d` (24 hours) or `w` (7 days): `90m`, `4h`, `1h30m`, `2d`.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("'{text}' is not a duration like 30m, 4h, 1h30m, 2d or 1w");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        let unit = match rest[digits..].chars().next() {
            Some('s') => 1,
            Some('m') => 60,
            Some('h') => 3600,
            Some('d') => 86_400,
            Some('w') => 604_800,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|&t| t <= 100 * 365 * 86_400)
            .ok_or_else(|| format!("'{text}' is too long a duration"))?;
        rest = &rest[digits + 1..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, MappedLocalTime, NaiveDate, Offset};

    use super::*;

    fn t(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).expect("test times are RFC 3339").timestamp()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A zone with daylight saving like Central Europe in 2026 (UTC+1, UTC+2 from
    /// 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC), and one whose clock skips
    /// midnight (UTC-3, UTC-2 from 2026-11-01 03:00 UTC: 00:00 becomes 01:00).
    #[derive(Clone, Copy, Debug)]
    enum TestZone {
        Europe,
        MidnightJump,
    }

    impl TestZone {
        fn offset_at(self, utc: i64) -> FixedOffset {
            let hours = match self {
                TestZone::Europe if (t("2026-03-29T01:00:00Z")..t("2026-10-25T01:00:00Z")).contains(&utc) => {
                    2
                }
                TestZone::Europe => 1,
                TestZone::MidnightJump if utc >= t("2026-11-01T03:00:00Z") => -2,
                TestZone::MidnightJump => -3,
            };
            FixedOffset::east_opt(hours * 3600).unwrap()
        }
    }

    impl TimeZone for TestZone {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> Self {
            TestZone::Europe
        }

        fn offset_from_local_date(&self, _: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            unimplemented!("not used")
        }

        fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
            // Each offset the zone uses that maps `local` back to itself.
            let mut fits: Vec<FixedOffset> = Vec::new();
            for hours in -3..=2 {
                let offset = FixedOffset::east_opt(hours * 3600).unwrap();
                let utc = local.and_utc().timestamp() - i64::from(offset.local_minus_utc());
                if self.offset_at(utc) == offset {
                    fits.push(offset);
                }
            }
            match fits.as_slice() {
                [] => MappedLocalTime::None,
                [one] => MappedLocalTime::Single(*one),
                [a, b, ..] => MappedLocalTime::Ambiguous(*a, *b),
            }
        }

        fn offset_from_utc_date(&self, _: &NaiveDate) -> FixedOffset {
            unimplemented!("not used")
        }

        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            self.offset_at(utc.and_utc().timestamp()).fix()
        }
    }

    fn day_start(zone: TestZone, d: &str) -> i64 {
        instant_in(&zone, day(d).and_time(NaiveTime::MIN))
    }

    #[test]
    fn days_start_at_local_midnight_and_last_23_24_or_25_hours() {
        let z = TestZone::Europe;
        assert_eq!(day_start(z, "2026-11-01"), t("2026-11-01T00:00:00+01:00"));
        assert_eq!(day_start(z, "2026-07-01"), t("2026-07-01T00:00:00+02:00"));
        // The day the clocks go forward has 23 hours, the day they go back 25.
        assert_eq!(day_start(z, "2026-03-30") - day_start(z, "2026-03-29"), 23 * 3600);
        assert_eq!(day_start(z, "2026-10-26") - day_start(z, "2026-10-25"), 25 * 3600);
    }

    #[test]
    fn skipped_and_repeated_wall_clock_times() {
        let z = TestZone::Europe;
        let at = |s: &str| instant_in(&z, NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap());
        // 02:30 on 2026-03-29 does not exist: the first instant after the jump.
        assert_eq!(at("2026-03-29 02:30"), t("2026-03-29T03:00:00+02:00"));
        // 02:30 on 2026-10-25 happens twice: the earlier.
        assert_eq!(at("2026-10-25 02:30"), t("2026-10-25T02:30:00+02:00"));
        // A day whose midnight is skipped starts when the clock jumps.
        let z = TestZone::MidnightJump;
        assert_eq!(day_start(z, "2026-11-01"), t("2026-11-01T01:00:00-02:00"));
        assert_eq!(day_start(z, "2026-11-02") - day_start(z, "2026-11-01"), 23 * 3600);
    }

    #[test]
    fn dates_ages_and_times_in_a_zone() {
        let utc = Zone::Utc;
        assert_eq!(parse_when("7d", utc), Ok(When::Age(7 * 86_400)));
        assert_eq!(
            parse_when("2026-11-01", utc),
            Ok(When::Day(t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")))
        );
        assert_eq!(
            parse_when("2026-11-01T09:30:00+01:00", utc),
            Ok(When::Instant(t("2026-11-01T08:30:00Z")))
        );
        assert_eq!(parse_when("2026-11-01T09:30", utc), Ok(When::Instant(t("2026-11-01T09:30:00Z"))));
        assert_eq!(parse_when("2026-11-01 09:30:15", utc), Ok(When::Instant(t("2026-11-01T09:30:15Z"))));
        assert_eq!(parse_when("0001-01-01", utc), Ok(When::Day(EARLIEST, EARLIEST + 86_400)));
        assert_eq!(parse_when("9999-12-31", utc), Ok(When::Day(LATEST - 86_400, LATEST)));
        for bad in ["yesterday", "2026-13-01", "2026-11-01T25:00"] {
            assert!(parse_when(bad, utc).unwrap_err().0.starts_with("invalid date"), "{bad}");
        }
        for far in ["0000-12-31", "-0001-01-01T00:00:00Z", "+10000-01-01"] {
            let e = parse_when(far, utc);
            assert!(e.is_err(), "{far}: {e:?}");
        }
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("7d"), Ok(Some(7 * 86_400)));
        assert_eq!(parse_age("4w"), Ok(Some(28 * 86_400)));
        assert_eq!(parse_age("90m"), Ok(Some(90 * 60)));
        assert_eq!(parse_age("d"), Ok(None));
        assert_eq!(parse_age("7y"), Ok(None));
        assert!(parse_age("15250284452471w").unwrap_err().0.contains("out of range"));
    }

    #[test]
    fn buckets_are_calendar_days_doubled_to_fit() {
        let b = day_buckets(Zone::Utc, t("2026-11-02T06:00:00Z"), t("2026-11-06T00:00:00Z"), 400);
        assert_eq!((b.first, b.days), (day("2026-11-02"), 1));
        let starts: Vec<i64> =
            ["02", "03", "04", "05", "06"].iter().map(|d| t(&format!("2026-11-{d}T00:00:00Z"))).collect();
        assert_eq!(b.bounds, starts);
        // Ten years: 3653 days in buckets of 16 days, at most 400 of them.
        let b = day_buckets(Zone::Utc, t("2020-01-01T00:00:00Z"), t("2030-01-01T00:00:00Z"), 400);
        assert_eq!(b.days, 16);
        assert_eq!(b.bounds.len() - 1, 3653_usize.div_ceil(16));
        assert_eq!(b.bounds[1] - b.bounds[0], 16 * 86_400);
    }
}
