//! Business calendars: when the helpdesk works. A calendar has an IANA time
//! zone, weekly hours (several ranges a day; a range may run past midnight) and
//! holidays; business time is the measure of the working time between two
//! instants. docs/sla.md gives the exact definition this module implements.

use std::cell::RefCell;
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Minutes in a day.
const DAY_MINUTES: u32 = 1440;

/// One range of working time on a weekday, in local time: from `start` to
/// `end` minutes after midnight. `end` is at most 1440 (24:00); a range with
/// `end <= start` runs past midnight, to `end` on the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Range {
    pub start: u32,
    pub end: u32,
}

impl Range {
    /// Parses `HH:MM-HH:MM`; `24:00` is allowed as an end.
    pub fn parse(text: &str) -> Result<Range, String> {
        let bad = || format!("'{text}' is not a range of hours like 09:00-17:00");
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let minutes = |t: &str, end: bool| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            if h.is_empty() || h.len() > 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            let valid = m < 60 && (h < 24 || (end && h == 24 && m == 0));
            valid.then_some(h * 60 + m)
        };
        let start = minutes(a, false).ok_or_else(bad)?;
        let end = minutes(b, true).ok_or_else(bad)?;
        if start == end {
            return Err(format!("'{text}' is empty: it starts where it ends"));
        }
        Ok(Range { start, end })
    }

    /// Whether the range runs past midnight into the next day.
    pub fn overnight(self) -> bool {
        self.end <= self.start
    }

    /// Its length in minutes.
    pub fn minutes(self) -> u32 {
        if self.overnight() { DAY_MINUTES - self.start + self.end } else { self.end - self.start }
    }
}

/// When a helpdesk works.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    /// `None`: every instant is working time (the 24/7 calendar).
    hours: Option<Hours>,
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        match (&self.hours, &other.hours) {
            (None, None) => true,
            (Some(a), Some(b)) => a.zone == b.zone && a.week == b.week && a.holidays == b.holidays,
            _ => false,
        }
    }
}

#[derive(Clone, Debug)]
struct Hours {
    zone: Tz,
    /// Ranges per weekday, Monday first.
    week: [Vec<Range>; 7],
    holidays: BTreeSet<NaiveDate>,
    /// The working intervals of the days looked at so far, with running
    /// totals: most clocks of a helpdesk fall within a year or two.
    table: RefCell<Table>,
}

/// The working intervals of the ranges that start on the days `[first, end)`,
/// in time order, with the business seconds before each: business time
/// between two instants is then a difference of two binary searches.
#[derive(Clone, Debug, Default)]
struct Table {
    first: Option<NaiveDate>,
    end: Option<NaiveDate>,
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Business seconds in the intervals before each one.
    before: Vec<i64>,
    /// Business seconds up to the end of each one.
    after: Vec<i64>,
    /// Instants whose days the table surely covers (a day's margin each side
    /// of every zone's offset): asked about them, no date need be worked out.
    safe: (i64, i64),
}

impl Table {
    /// Business seconds from the table's start up to `t`.
    fn upto(&self, t: i64) -> i64 {
        match self.starts.partition_point(|&a| a <= t) {
            0 => 0,
            i => self.before[i - 1] + t.min(self.ends[i - 1]) - self.starts[i - 1],
        }
    }

    /// The instant at which the running total reaches `total`, if within the table.
    fn reaching(&self, total: i64) -> Option<i64> {
        let i = self.after.partition_point(|&a| a < total);
        (i < self.starts.len()).then(|| self.starts[i] + (total - self.before[i]))
    }

    /// The table of the working `intervals` of the days `[first, end)`:
    /// sorted, and overlapping ones joined.
    fn of(first: NaiveDate, end: NaiveDate, mut intervals: Vec<(i64, i64)>) -> Table {
        intervals.sort_unstable();
        let start = first.and_time(NaiveTime::MIN).and_utc().timestamp();
        let stop = end.and_time(NaiveTime::MIN).and_utc().timestamp();
        // Days differ from UTC days by less than a day in every zone.
        let safe = (start + 3 * 86_400, stop - 3 * 86_400);
        let mut t = Table { first: Some(first), end: Some(end), safe, ..Table::default() };
        let mut total = 0;
        for (a, b) in intervals {
            match t.ends.last_mut() {
                Some(last) if a <= *last => {
                    if b > *last {
                        total += b - *last;
                        *last = b;
                        *t.after.last_mut().expect("as many totals as intervals") = total;
                    }
                }
                _ => {
                    t.starts.push(a);
                    t.ends.push(b);
                    t.before.push(total);
                    total += b - a;
                    t.after.push(total);
                }
            }
        }
        t
    }

    /// Whether the days `[lo, hi]` are covered.
    fn covers(&self, lo: NaiveDate, hi: NaiveDate) -> bool {
        self.first.is_some_and(|f| f <= lo) && self.end.is_some_and(|e| hi < e)
    }
}

/// How many days without any working time a search goes through before it
/// decides the calendar has none left.
const SEARCH_DAYS: u32 = 400;

impl Calendar {
    /// The 24/7 calendar: business time is wall time.
    pub fn always() -> Calendar {
        Calendar { hours: None }
    }

    /// A calendar of weekly `hours` (Monday first) in `zone`, with `holidays`.
    pub fn new(zone: Tz, week: [Vec<Range>; 7], holidays: BTreeSet<NaiveDate>) -> Calendar {
        Calendar { hours: Some(Hours { zone, week, holidays, table: RefCell::default() }) }
    }

    /// Whether this is the 24/7 calendar.
    pub fn is_always(&self) -> bool {
        self.hours.is_none()
    }

    /// Business seconds in `[from, to)`; 0 when `to <= from`.
    pub fn business_seconds(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let Some(h) = &self.hours else { return to - from };
        {
            let table = h.table.borrow();
            if table.safe.0 <= from && to <= table.safe.1 {
                return table.upto(to) - table.upto(from);
            }
        }
        let (lo, hi) = (h.date_of(from) - Duration::days(1), h.date_of(to) + Duration::days(1));
        h.with_table(lo, hi, |t| t.upto(to) - t.upto(from))
    }

    /// The instant at which `seconds` of business time have passed since
    /// `from`: the smallest `t >= from` with `business_seconds(from, t) ==
    /// seconds`. `None` when the calendar runs out of working time (none in
    /// 400 days in a row).
    pub fn add(&self, from: i64, seconds: i64) -> Option<i64> {
        if seconds <= 0 {
            return Some(from);
        }
        let Some(h) = &self.hours else { return from.checked_add(seconds) };
        let lo = h.date_of(from) - Duration::days(1);
        let mut hi = h.date_of(from) + Duration::days(31);
        loop {
            let found = h.with_table(lo, hi, |t| {
                if let Some(at) = t.reaching(t.upto(from) + seconds) {
                    return Ok(at);
                }
                // Not within the table: give up after 400 days without working time.
                let last = t.ends.last().map_or(from, |&e| e.max(from));
                let idle = t.end.map_or(0, |end| (end - h.date_of(last)).num_days());
                Err(idle > i64::from(SEARCH_DAYS))
            });
            match found {
                Ok(at) => return Some(at),
                Err(true) => return None,
                Err(false) => hi += Duration::days(366),
            }
        }
    }

    /// [`Calendar::business_seconds`] counted day by day (the definition).
    #[cfg(test)]
    fn business_seconds_by_day(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let Some(h) = &self.hours else { return to - from };
        let mut total = 0;
        h.each_interval(from, to, |a, b| {
            total += b.min(to) - a.max(from);
            true
        });
        total
    }

    /// [`Calendar::add`] counted day by day (the definition).
    #[cfg(test)]
    fn add_by_day(&self, from: i64, seconds: i64) -> Option<i64> {
        if seconds <= 0 {
            return Some(from);
        }
        let Some(h) = &self.hours else { return from.checked_add(seconds) };
        let mut left = seconds;
        let mut found = None;
        h.each_interval(from, i64::MAX, |a, b| {
            let a = a.max(from);
            if b - a >= left {
                found = Some(a + left);
                return false;
            }
            left -= b - a;
            true
        });
        found
    }
}

impl Hours {
    /// The instant a local date and time names: a time in a gap (the clock
    /// jumped forward) is the first instant after the gap; an ambiguous time
    /// (the clock went back) is its earlier instant.
    fn instant(&self, date: NaiveDate, minutes: u32) -> i64 {
        let (date, minutes) = if minutes >= DAY_MINUTES {
            (date + Duration::days(1), minutes - DAY_MINUTES)
        } else {
            (date, minutes)
        };
        let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("minutes within a day");
        let mut local: NaiveDateTime = date.and_time(time);
        // Gaps are whole minutes and at most a day long in every real zone.
        for _ in 0..=DAY_MINUTES {
            match self.zone.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.timestamp(),
                LocalResult::None => local += Duration::minutes(1),
            }
        }
        self.zone.from_utc_datetime(&local).timestamp()
    }

    /// The local date of an instant.
    fn date_of(&self, t: i64) -> NaiveDate {
        let utc = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default().naive_utc();
        self.zone.from_utc_datetime(&utc).date_naive()
    }

    /// Runs `f` on a table that covers the days `[lo, hi]`, built (or widened)
    /// first when it does not.
    fn with_table<R>(&self, lo: NaiveDate, hi: NaiveDate, f: impl FnOnce(&Table) -> R) -> R {
        let mut table = self.table.borrow_mut();
        if !table.covers(lo, hi) {
            // Widen generously: clocks of one helpdesk stay within a few years.
            let first = table.first.map_or(lo, |f| f.min(lo)) - Duration::days(31);
            let end = table.end.map_or(hi, |e| e.max(hi)) + Duration::days(92);
            let mut intervals = Vec::new();
            let mut day = first;
            while day < end {
                intervals.extend(self.day_intervals(day));
                day += Duration::days(1);
            }
            *table = Table::of(first, end, intervals);
        }
        f(&table)
    }

    /// The working intervals `[a, b)` of the ranges that start on `date`, with
    /// holidays taken out, in time order.
    fn day_intervals(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let weekday = date.weekday().num_days_from_monday() as usize;
        for r in &self.week[weekday] {
            let (a, b) = (self.instant(date, r.start), self.instant(date, r.start + r.minutes()));
            // A range past midnight may run into a holiday (or out of one): keep
            // the parts that fall on working days.
            let mut day = date;
            let mut cursor = a;
            while cursor < b {
                let midnight = self.instant(day + Duration::days(1), 0);
                let piece_end = b.min(midnight.max(cursor + 1));
                if !self.holidays.contains(&day) {
                    out.push((cursor, piece_end));
                }
                cursor = piece_end;
                day += Duration::days(1);
            }
        }
        out.sort_unstable();
        out
    }

    /// Calls `f` with the working intervals that overlap `[from, to)`, in time
    /// order, until `f` returns false, `to` is passed, or 400 days in a row
    /// have no working time.
    #[cfg(test)]
    fn each_interval(&self, from: i64, to: i64, mut f: impl FnMut(i64, i64) -> bool) {
        // A range that started the day before may still be running.
        let mut day = self.date_of(from) - Duration::days(1);
        let mut empty_days = 0;
        loop {
            if self.instant(day, 0) >= to {
                return;
            }
            let intervals = self.day_intervals(day);
            if intervals.is_empty() {
                empty_days += 1;
                if empty_days > SEARCH_DAYS {
                    return;
                }
            } else {
                empty_days = 0;
            }
            for (a, b) in intervals {
                if b <= from {
                    continue;
                }
                if a >= to || !f(a, b) {
                    return;
                }
            }
            day += Duration::days(1);
        }
    }
}

#[cfg(test)]
mod tests;
