//! Who acts and when: the author and committer of desk's commits, read from
//! `GIT_AUTHOR_*`/`GIT_COMMITTER_*` and git config in git's order, and cleaned
//! the way git cleans them — no value from outside may split a commit header
//! or a ticket's one-line marker.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use git2::{Signature, Time};

use super::StoreError;

/// The latest time desk keeps, 9999-12-31T23:59:59Z: its files and JSON carry
/// RFC 3339 times, which have four-digit years.
const LATEST: i64 = 253_402_300_799;

/// The smallest bare number git reads as seconds since the epoch (a smaller one
/// could be part of a date).
const SMALLEST_BARE_SECONDS: u64 = 100_000_000;

/// Which identity of a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Author,
    Committer,
}

impl Role {
    fn key(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Committer => "committer",
        }
    }

    fn var(self, what: &str) -> String {
        format!("GIT_{}_{what}", self.key().to_ascii_uppercase())
    }
}

/// Where desk looks up an identity: the environment and git config.
pub(crate) trait Sources {
    /// An environment variable (`Err` holds its name when it is not UTF-8).
    fn env(&self, name: &str) -> Result<Option<String>, String>;
    /// A git config value.
    fn config(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// The zone for times given without one, and for "now".
    fn zone(&self) -> &dyn LocalZone;
    /// The current time, in seconds since the epoch.
    fn now(&self) -> i64;
}

/// The process environment and a repository's git config.
pub(crate) struct System<'a>(pub &'a git2::Config);

impl Sources for System<'_> {
    fn env(&self, name: &str) -> Result<Option<String>, String> {
        match std::env::var(name) {
            Ok(v) => Ok(Some(v)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(name.to_owned()),
        }
    }

    fn config(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self.0.get_string(key) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn zone(&self) -> &dyn LocalZone {
        &SystemZone
    }

    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

/// The signature of `role`, as git would make it.
pub(crate) fn signature(role: Role, sources: &dyn Sources) -> Result<Identity, StoreError> {
    let env = |name: &str| {
        sources
            .env(name)
            .map_err(|var| StoreError::BadIdentity { origin: var, problem: "it is not valid UTF-8".into() })
    };
    // git: the variable, else `author.name`/`committer.name`, else `user.name`;
    // the email also falls back to $EMAIL. A set but empty role key counts as unset.
    let from_config = |what: &str| -> Result<Option<(String, String)>, StoreError> {
        let key = format!("{}.{what}", role.key());
        if let Some(v) = sources.config(&key)?.filter(|v| !v.is_empty()) {
            return Ok(Some((v, format!("git config {key}"))));
        }
        let key = format!("user.{what}");
        Ok(sources.config(&key)?.map(|v| (v, format!("git config {key}"))))
    };
    let name = match env(&role.var("NAME"))? {
        Some(v) => Some((v, role.var("NAME"))),
        None => from_config("name")?.filter(|(v, _)| !v.is_empty()),
    };
    let email = match env(&role.var("EMAIL"))? {
        Some(v) => Some((v, role.var("EMAIL"))),
        None => match from_config("email")? {
            Some(found) => Some(found),
            None => env("EMAIL")?.map(|v| (v, "EMAIL".to_owned())),
        },
    };
    let (Some((raw_name, name_source)), Some((raw_email, email_source))) = (name, email) else {
        return Err(StoreError::Identity);
    };
    let name = clean(&raw_name);
    let email = clean(&raw_email);
    let refuse = |origin: String, problem: String| Err(StoreError::BadIdentity { origin, problem });
    if name.is_empty() {
        let problem = if raw_name.is_empty() {
            format!("the {} name is empty", role.key())
        } else {
            format!("the name consists only of characters git leaves out: '{}'", raw_name.escape_debug())
        };
        return refuse(name_source, problem);
    }
    if email.is_empty() {
        // git would write `Name <>`; desk knows people by their email.
        return refuse(email_source, format!("the {} email is empty", role.key()));
    }
    for (value, source) in [(&name, name_source), (&email, email_source)] {
        if value.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) {
            // git keeps these, but desk writes people on one line of a ticket file.
            return refuse(source, format!("'{}' contains a control character", value.escape_debug()));
        }
    }
    let var = role.var("DATE");
    let when = match env(&var)? {
        Some(text) if !text.is_empty() => parse_date(&text, sources.zone()).map_err(|problem| {
            StoreError::BadDate { origin: var.clone(), value: text.clone(), problem: problem.as_str() }
        })?,
        _ => {
            let now = sources.now();
            When { seconds: now, offset: sources.zone().offset_at(now) / 60 }
        }
    };
    Ok(Identity(Signature::new(&name, &email, &Time::new(when.seconds, when.offset))?))
}

/// git's clean-up of a name or email: "crud" (controls, space and `,:;<>"\'`)
/// trimmed from both ends, then every newline, `<` and `>` left out.
/// Who acted, and when: the author or committer of a commit, cleaned as git
/// cleans identities.
#[derive(Clone)]
pub struct Identity(pub(crate) Signature<'static>);

impl Identity {
    /// An identity at `time` (UTC); the name and email are cleaned as git does.
    pub fn new(name: &str, email: &str, time: DateTime<Utc>) -> Result<Identity, StoreError> {
        Ok(Identity(Signature::new(&clean(name), &clean(email), &Time::new(time.timestamp(), 0))?))
    }

    pub fn name(&self) -> &str {
        self.0.name().unwrap_or("unknown")
    }

    pub fn email(&self) -> &str {
        self.0.email().unwrap_or("")
    }

    /// `Name <email>`.
    pub fn person(&self) -> String {
        format!("{} <{}>", self.name(), self.email())
    }

    /// When, to the second.
    pub fn time(&self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.0.when().seconds(), 0).single().unwrap_or_else(Utc::now)
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.person(), self.0.when().seconds())
    }
}

pub(crate) fn clean(raw: &str) -> String {
    let crud = |c: char| c <= ' ' || matches!(c, ',' | ':' | ';' | '<' | '>' | '"' | '\\' | '\'');
    raw.trim_matches(crud).chars().filter(|c| !matches!(c, '\n' | '<' | '>')).collect()
}

/// A time as git writes it in a commit: seconds since the epoch and the zone's
/// offset in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct When {
    pub seconds: i64,
    pub offset: i32,
}

/// Why a date was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateProblem {
    /// Not a form git reads (or a form git reads only by guessing).
    Format,
    /// A form git reads, but after the year 9999.
    Range,
}

impl DateProblem {
    fn as_str(self) -> &'static str {
        match self {
            DateProblem::Format => "invalid date format",
            DateProblem::Range => "date after the year 9999",
        }
    }
}

/// The local time zone, for times written without one.
pub(crate) trait LocalZone {
    /// The offset (seconds east of UTC) of local wall-clock time `t`; `None`
    /// when that time is skipped or repeated by a clock change.
    fn offset_of_local(&self, t: NaiveDateTime) -> Option<i32>;
    /// The offset in force at `seconds` since the epoch.
    fn offset_at(&self, seconds: i64) -> i32;
}

/// The zone of the system (`TZ`, else the machine's), as git uses it.
pub(crate) struct SystemZone;

impl LocalZone for SystemZone {
    fn offset_of_local(&self, t: NaiveDateTime) -> Option<i32> {
        Local.from_local_datetime(&t).single().map(|d| d.offset().fix().local_minus_utc())
    }

    fn offset_at(&self, seconds: i64) -> i32 {
        Local.timestamp_opt(seconds, 0).single().map_or(0, |d| d.offset().fix().local_minus_utc())
    }
}

/// Parses `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE` in the forms git documents:
/// its own `[@]SECONDS [ZONE]`, RFC 2822 and ISO 8601 (also with the dates
/// `YYYY.MM.DD`, `MM/DD/YYYY`, `DD.MM.YYYY`), each with a time of day. Whatever
/// desk accepts, git reads as the same instant and zone; what git reads only by
/// guessing (trailing words, day 31 of a 30-day month, `25:00`) is refused.
pub(crate) fn parse_date(text: &str, zone: &dyn LocalZone) -> Result<When, DateProblem> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if let Some(raw) = raw_date(text, zone) {
        return raw;
    }
    let mut c = Cursor::new(text);
    if let Some(parts) = iso_date(&mut c).or_else(|| rfc2822_date(&mut Cursor::new(text))) {
        return parts.resolve(zone);
    }
    Err(DateProblem::Format)
}

/// git's own form: `@1700000000 +0100`, `1700000000`. `None`: not this form.
fn raw_date(text: &str, zone: &dyn LocalZone) -> Option<Result<When, DateProblem>> {
    let mut c = Cursor::new(text);
    let at = c.eat(b'@');
    let digits = c.digits(1, 20)?;
    let seconds: u64 = digits.parse().ok()?;
    let spaces = c.spaces();
    let offset = if c.done() {
        None
    } else {
        if spaces == 0 {
            return None;
        }
        let start = c.pos;
        let offset = c.zone()?;
        if !c.done() {
            return None;
        }
        // Exactly git's commit-header form: any number of seconds.
        let header = at && spaces == 1 && c.pos - start == 5 && !text[start..].contains(':');
        Some((offset, header))
    };
    if offset.is_none_or(|(_, header)| !header) && seconds < SMALLEST_BARE_SECONDS {
        return Some(Err(DateProblem::Format));
    }
    let Ok(seconds) = i64::try_from(seconds) else { return Some(Err(DateProblem::Range)) };
    if seconds > LATEST {
        return Some(Err(DateProblem::Range));
    }
    let offset = offset.map_or_else(|| zone.offset_at(seconds), |(o, _)| o);
    Some(Ok(When { seconds, offset: offset / 60 }))
}

/// A date and time of day as written, before its zone is known.
struct Parts {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// Seconds east of UTC, when the text gave a zone.
    offset: Option<i32>,
}

impl Parts {
    fn resolve(&self, zone: &dyn LocalZone) -> Result<When, DateProblem> {
        // git reads broken-down times from 1970 to 2099 only.
        if !(1970..=2099).contains(&self.year) || self.hour > 23 || self.minute > 59 || self.second > 59 {
            return Err(DateProblem::Format);
        }
        let date = NaiveDate::from_ymd_opt(self.year, self.month, self.day).ok_or(DateProblem::Format)?;
        let time = date.and_hms_opt(self.hour, self.minute, self.second).ok_or(DateProblem::Format)?;
        let offset = match self.offset {
            Some(o) => o,
            None => zone.offset_of_local(time).ok_or(DateProblem::Format)?,
        };
        let seconds = time.and_utc().timestamp() - i64::from(offset);
        if seconds < 0 {
            return Err(DateProblem::Format);
        }
        Ok(When { seconds, offset: offset / 60 })
    }
}

/// `2023-11-14T22:13:20Z`, `2023-11-14 22:13 +0100`, `20231114T221320`,
/// `2023.11.14 …`, `11/14/2023 …`, `14.11.2023 …`.
fn iso_date(c: &mut Cursor<'_>) -> Option<Parts> {
    let (year, month, day, compact) = if let Some(all) = c.digits(8, 8) {
        let n = |r: std::ops::Range<usize>| all[r].parse::<u32>().ok();
        (i32::try_from(n(0..4)?).ok()?, n(4..6)?, n(6..8)?, true)
    } else {
        let first = c.digits(1, 4)?;
        let sep = c.one_of(b"-./")?;
        let second = c.number(1, 2)?;
        if !c.eat(sep) {
            return None;
        }
        let third = c.digits(1, 4)?;
        let (y, m, d) = match (first.len(), third.len(), sep) {
            (4, 1..=2, _) => (first, second, third.parse().ok()?),
            (1..=2, 4, b'/') => (third, first.parse().ok()?, second),
            (1..=2, 4, b'.') => (third, second, first.parse().ok()?),
            _ => return None,
        };
        (y.parse().ok()?, m, d, false)
    };
    if !(c.eat(b'T') || c.eat(b't') || c.spaces() > 0) {
        return None;
    }
    let (hour, minute, second) = if compact {
        let all = c.digits(6, 6)?;
        let n = |r: std::ops::Range<usize>| all[r].parse::<u32>().ok();
        (n(0..2)?, n(2..4)?, n(4..6)?)
    } else {
        let hour = c.number(1, 2)?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.number(1, 2)?;
        let second = if c.eat(b':') { c.number(1, 2)? } else { 0 };
        (hour, minute, second)
    };
    // Fractions of a second are dropped, as git drops them.
    if c.one_of(b".,").is_some() {
        c.digits(1, 20)?;
    }
    c.spaces();
    let offset = if c.done() { None } else { Some(c.zone()?) };
    c.done().then_some(Parts { year, month, day, hour, minute, second, offset })
}

/// `Tue, 14 Nov 2023 22:13:20 +0100 (CET)`, with the day name optional.
fn rfc2822_date(c: &mut Cursor<'_>) -> Option<Parts> {
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // A day or month name: its first three letters or the whole name.
    let named = |word: &str, names: &[&str]| {
        let word = word.to_ascii_lowercase();
        names.iter().position(|n| word.len() >= 3 && (word == n[..3] || word == *n))
    };
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        named(c.word(), &DAYS)?;
        let comma = c.eat(b',');
        if c.spaces() == 0 && !comma {
            return None;
        }
    }
    let day = c.number(1, 2)?;
    (c.spaces() > 0).then_some(())?;
    let month = u32::try_from(named(c.word(), &MONTHS)? + 1).ok()?;
    (c.spaces() > 0).then_some(())?;
    let year = c.digits(4, 4)?.parse().ok()?;
    (c.spaces() > 0).then_some(())?;
    let hour = c.number(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.number(2, 2)?;
    let second = if c.eat(b':') { c.number(2, 2)? } else { 0 };
    c.spaces();
    let offset = if c.done() || c.peek() == Some(b'(') { None } else { Some(c.zone()?) };
    c.spaces();
    // A trailing comment, as in `+0100 (CET)`.
    if c.eat(b'(') {
        let rest = c.rest();
        let close = rest.find(')')?;
        c.pos += close + 1;
        c.spaces();
    }
    c.done().then_some(Parts { year, month, day, hour, minute, second, offset })
}

/// A position in the text being parsed (ASCII syntax; other bytes never match).
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos == self.text.len()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| set.contains(b))?;
        self.pos += 1;
        Some(b)
    }

    fn spaces(&mut self) -> usize {
        let n = self.rest().bytes().take_while(u8::is_ascii_whitespace).count();
        self.pos += n;
        n
    }

    /// A run of `min..=max` ASCII digits, not followed by another digit.
    fn digits(&mut self, min: usize, max: usize) -> Option<&'a str> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if n < min || n > max {
            return None;
        }
        let run = &self.rest()[..n];
        self.pos += n;
        Some(run)
    }

    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.pos;
        let n = self.digits(min, max).and_then(|d| d.parse().ok());
        if n.is_none() {
            self.pos = start;
        }
        n
    }

    /// The next two characters as a number, when both are digits.
    fn two_digits(&mut self) -> Option<i32> {
        let pair = self.rest().get(..2).filter(|p| p.bytes().all(|b| b.is_ascii_digit()))?;
        self.pos += 2;
        pair.parse().ok()
    }

    /// A run of ASCII letters.
    fn word(&mut self) -> &'a str {
        let n = self.rest().bytes().take_while(u8::is_ascii_alphabetic).count();
        let word = &self.rest()[..n];
        self.pos += n;
        word
    }

    /// A zone: `Z`, `UTC`, `GMT`, `UT`, RFC 2822's US zones, `+HH`, `+HHMM` or
    /// `+HH:MM`; the offset in seconds east of UTC.
    fn zone(&mut self) -> Option<i32> {
        let start = self.pos;
        let offset = self.zone_inner();
        if offset.is_none() {
            self.pos = start;
        }
        offset
    }

    fn zone_inner(&mut self) -> Option<i32> {
        if let Some(sign) = self.one_of(b"+-") {
            let hours = self.two_digits()?;
            let colon = self.eat(b':');
            let minutes = match self.two_digits() {
                Some(m) => m,
                None if colon => return None,
                None => 0,
            };
            if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return None;
            }
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = (hours * 60 + minutes) * 60;
            return Some(if sign == b'-' { -offset } else { offset });
        }
        let hours = match self.word().to_ascii_uppercase().as_str() {
            "Z" | "UT" | "UTC" | "GMT" => 0,
            "EDT" => -4,
            "EST" | "CDT" => -5,
            "CST" | "MDT" => -6,
            "MST" | "PDT" => -7,
            "PST" => -8,
            _ => return None,
        };
        Some(hours * 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zone with a fixed offset, in hours.
    struct Fixed(i32);

    impl LocalZone for Fixed {
        fn offset_of_local(&self, _: NaiveDateTime) -> Option<i32> {
            Some(self.0 * 3600)
        }

        fn offset_at(&self, _: i64) -> i32 {
            self.0 * 3600
        }
    }

    fn date(text: &str) -> Result<(i64, i32), DateProblem> {
        parse_date(text, &Fixed(1)).map(|w| (w.seconds, w.offset))
    }

    #[test]
    fn names_and_emails_are_cleaned_as_git_cleans_them() {
        assert_eq!(clean("Evil\nName"), "EvilName");
        assert_eq!(clean(" <Evil> "), "Evil");
        assert_eq!(clean("a<b>c"), "abc");
        assert_eq!(clean("\tTab\t"), "Tab");
        assert_eq!(clean("\u{1}Ctl"), "Ctl");
        assert_eq!(clean("Zoë "), "Zoë");
        assert_eq!(clean("Jo\"hn"), "Jo\"hn");
        assert_eq!(clean(",;:"), "");
        assert_eq!(clean("\"O'Brien\""), "O'Brien");
    }

    #[test]
    fn git_s_own_form_and_bare_seconds() {
        assert_eq!(date("@1700000000 +0000"), Ok((1_700_000_000, 0)));
        assert_eq!(date("@1700000000 -0530"), Ok((1_700_000_000, -330)));
        assert_eq!(date("@5 +0000"), Ok((5, 0)));
        assert_eq!(date("1700000000 +01:30"), Ok((1_700_000_000, 90)));
        assert_eq!(date("1700000000 Z"), Ok((1_700_000_000, 0)));
        // Without a zone: the local zone's offset at that moment.
        assert_eq!(date("@1700000000"), Ok((1_700_000_000, 60)));
        assert_eq!(date("1700000000"), Ok((1_700_000_000, 60)));
        // Small bare numbers are not seconds to git.
        assert_eq!(date("@5"), Err(DateProblem::Format));
        assert_eq!(date("99999999"), Err(DateProblem::Format));
        assert_eq!(date("5 +0000"), Err(DateProblem::Format));
        assert_eq!(date("@-5 +0000"), Err(DateProblem::Format));
        // Zones git would drop or misread are refused.
        assert_eq!(date("@1700000000 +2400"), Err(DateProblem::Format));
        assert_eq!(date("@1700000000 +0000 extra"), Err(DateProblem::Format));
        // After 9999-12-31T23:59:59Z.
        assert_eq!(date("@253402300799 +0000"), Ok((253_402_300_799, 0)));
        assert_eq!(date("@253402300800 +0000"), Err(DateProblem::Range));
        assert_eq!(date("@99999999999999999999999 +0000"), Err(DateProblem::Format));
    }

    #[test]
    fn iso_8601_with_a_time() {
        assert_eq!(date("2023-11-14T22:13:20Z"), Ok((1_700_000_000, 0)));
        assert_eq!(date("2023-11-14t22:13:20z"), Ok((1_700_000_000, 0)));
        assert_eq!(date("2023-11-14T22:13:20+01:00"), Ok((1_699_996_400, 60)));
        assert_eq!(date("2023-11-14T22:13:20 +0100"), Ok((1_699_996_400, 60)));
        assert_eq!(date("2023-11-14T22:13:20+01"), Ok((1_699_996_400, 60)));
        assert_eq!(date("2023-11-14T22:13:20-05:30"), Ok((1_700_019_800, -330)));
        assert_eq!(date("2023-11-14T22:13:20.123Z"), Ok((1_700_000_000, 0)));
        assert_eq!(date("2023-11-14 22:13 UTC"), Ok((1_699_999_980, 0)));
        assert_eq!(date("20231114T221320Z"), Ok((1_700_000_000, 0)));
        // No zone: local time (here UTC+1).
        assert_eq!(date("2023-11-14 22:13:20"), Ok((1_699_996_400, 60)));
        // The other date orders git documents.
        assert_eq!(date("2023.11.14 22:13:20Z"), Ok((1_700_000_000, 0)));
        assert_eq!(date("11/14/2023 22:13:20Z"), Ok((1_700_000_000, 0)));
        assert_eq!(date("14.11.2023 22:13:20Z"), Ok((1_700_000_000, 0)));
        assert_eq!(date(" 2023-11-14T22:13:20Z "), Ok((1_700_000_000, 0)));
        for refused in [
            "2023-11-14",
            "10000-01-01",
            "10000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2100-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+01:00",
            "2023-02-30T10:00:00Z",
            "2023-13-01T10:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T23:59:60Z",
            "2023-11-14T22:13:20Z garbage",
            "2023-11-14T22:13:20+1",
            "2023-11-14T22:13:20+01:60",
            "13/11/2023 10:00:00",
        ] {
            assert_eq!(date(refused), Err(DateProblem::Format), "{refused}");
        }
    }

    #[test]
    fn rfc_2822() {
        assert_eq!(date("Tue, 14 Nov 2023 22:13:20 +0100"), Ok((1_699_996_400, 60)));
        assert_eq!(date("14 Nov 2023 22:13:20 +0100"), Ok((1_699_996_400, 60)));
        assert_eq!(date("tue, 14 november 2023 22:13:20 GMT"), Ok((1_700_000_000, 0)));
        assert_eq!(date("Tue, 14 Nov 2023 22:13:20 EST"), Ok((1_700_018_000, -300)));
        assert_eq!(date("Tue, 14 Nov 2023 22:13:20 +0100 (CET)"), Ok((1_699_996_400, 60)));
        assert_eq!(date("Tue, 4 Nov 2023 22:13 -0000"), Ok((1_699_135_980, 0)));
        assert_eq!(date("Tue, 14 Nov 2023 22:13:20"), Ok((1_699_996_400, 60)));
        for refused in [
            "Tue, 14 Nov 23 22:13:20 +0100",
            "Tue, 14 Nov 2100 22:13:20 +0100",
            "Tue, 31 Feb 2023 22:13:20 +0100",
            "Tue, 14 Nov 2023 22:13:20 CEST",
            "Nov 14 2023",
            "garbage",
            "yesterday",
            "",
            "   ",
        ] {
            assert_eq!(date(refused), Err(DateProblem::Format), "{refused:?}");
        }
    }

    /// Identities from a fixed environment and config.
    struct Fake {
        env: Vec<(&'static str, &'static str)>,
        config: Vec<(&'static str, &'static str)>,
    }

    impl Sources for Fake {
        fn env(&self, name: &str) -> Result<Option<String>, String> {
            Ok(self.env.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
        }

        fn config(&self, key: &str) -> Result<Option<String>, StoreError> {
            Ok(self.config.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned()))
        }

        fn zone(&self) -> &dyn LocalZone {
            &Fixed(0)
        }

        fn now(&self) -> i64 {
            1_800_000_000
        }
    }

    fn ident(env: &[(&'static str, &'static str)], config: &[(&'static str, &'static str)]) -> String {
        let fake = Fake { env: env.to_vec(), config: config.to_vec() };
        match signature(Role::Author, &fake) {
            Ok(s) => format!("{} <{}> {}", s.name(), s.email(), s.0.when().seconds()),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn identities_come_from_the_environment_then_git_config() {
        let user = [("user.name", "Ann"), ("user.email", "ann@example.com")];
        assert_eq!(ident(&[], &user), "Ann <ann@example.com> 1800000000");
        assert_eq!(
            ident(&[], &[("author.name", "Bob"), ("user.name", "Ann"), ("user.email", "ann@example.com")]),
            "Bob <ann@example.com> 1800000000"
        );
        assert_eq!(
            ident(&[("EMAIL", "env@example.com")], &[("user.name", "Ann")]),
            "Ann <env@example.com> 1800000000"
        );
        assert_eq!(
            ident(&[("GIT_AUTHOR_NAME", "Evil\nName"), ("GIT_AUTHOR_DATE", "@1700000000 +0000")], &user),
            "EvilName <ann@example.com> 1700000000"
        );
        assert_eq!(ident(&[("GIT_AUTHOR_DATE", "")], &user), "Ann <ann@example.com> 1800000000");
        assert!(ident(&[], &[("user.name", "Ann")]).contains("does not know who you are"));
        assert!(
            ident(&[], &[("user.name", ""), ("user.email", "a@b")]).contains("does not know who you are")
        );
        let empty = ident(&[("GIT_AUTHOR_NAME", "")], &user);
        assert_eq!(empty, "error: invalid identity from GIT_AUTHOR_NAME: the author name is empty");
        let crud = ident(&[("GIT_AUTHOR_NAME", "<>")], &user);
        assert!(crud.contains("consists only of characters git leaves out: '<>'"), "{crud}");
        let no_email = ident(&[("GIT_AUTHOR_EMAIL", "<>")], &user);
        assert!(no_email.contains("GIT_AUTHOR_EMAIL: the author email is empty"), "{no_email}");
        let control = ident(&[("GIT_AUTHOR_NAME", "Evil\rName")], &user);
        assert!(control.contains("contains a control character"), "{control}");
        let garbage = ident(&[("GIT_AUTHOR_DATE", "garbage")], &user);
        assert_eq!(garbage, "error: invalid date format in GIT_AUTHOR_DATE: 'garbage'");
    }
}
