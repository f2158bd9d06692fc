//! The `calendars:` and `sla:` sections of desk.yaml, read into calendars and
//! an ordered list of policies. Reading is lenient: every problem is collected
//! (with where it is in the YAML) for `desk config check`, and a broken policy
//! or calendar is left out rather than stopping anything else.

use std::collections::BTreeMap;
use std::rc::Rc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_yaml::Value;

use super::{Calendar, Range, Targets};
use crate::query::{Condition, Query};
use crate::time::{Zone, parse_duration};

/// The name of the calendar that counts every second.
pub const ALWAYS: &str = "24/7";

/// When a clock that still runs counts as due soon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warning {
    /// This many business seconds or fewer remain.
    Seconds(i64),
    /// This percentage of the target or less remains.
    Percent(u32),
}

impl Warning {
    /// The remaining business seconds at which a clock with `target` is due soon.
    pub fn threshold(self, target: i64) -> i64 {
        match self {
            Warning::Seconds(s) => s,
            Warning::Percent(p) => target * i64::from(p) / 100,
        }
    }
}

/// One SLA policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: Rc<str>,
    /// Which tickets it applies to; an empty query matches every ticket.
    pub query: Query,
    pub calendar: Rc<Calendar>,
    /// Targets by priority.
    pub targets: BTreeMap<String, Targets>,
    pub warning: Option<Warning>,
}

/// The calendars and policies of a desk.yaml.
#[derive(Clone, Debug, Default)]
pub struct SlaConfig {
    pub calendars: BTreeMap<String, Rc<Calendar>>,
    /// In order: the first that matches a ticket applies.
    pub policies: Vec<Policy>,
}

impl SlaConfig {
    /// Whether any policy is configured.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }
}

/// A problem in the `calendars:` or `sla:` section, with where it is
/// (`sla[0].targets.urgent.first_response`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the sections; `priorities` are desk.yaml's priority levels.
pub fn parse(
    calendars: Option<&Value>,
    sla: Option<&Value>,
    priorities: &[String],
) -> (SlaConfig, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut config = SlaConfig::default();
    config.calendars.insert(ALWAYS.to_owned(), Rc::new(Calendar::always()));
    match calendars {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(map)) => {
            for (name, value) in map {
                let Some(name) = text_of(name) else {
                    problems.push(Problem {
                        path: "calendars".into(),
                        message: "a calendar name must be text".into(),
                    });
                    continue;
                };
                let path = format!("calendars.{name}");
                if name == ALWAYS {
                    problems.push(Problem {
                        path,
                        message: format!("'{ALWAYS}' is the built-in calendar of every second"),
                    });
                    continue;
                }
                if let Some(cal) = calendar(value, &path, &mut problems) {
                    config.calendars.insert(name, Rc::new(cal));
                }
            }
        }
        Some(_) => {
            problems
                .push(Problem { path: "calendars".into(), message: "must map names to calendars".into() });
        }
    }
    match sla {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(list)) => {
            for (i, value) in list.iter().enumerate() {
                if let Some(p) =
                    policy(value, &format!("sla[{i}]"), &config.calendars, priorities, &mut problems)
                {
                    if config.policies.iter().any(|q| q.name == p.name) {
                        problems.push(Problem {
                            path: format!("sla[{i}].name"),
                            message: format!("'{}' names two policies", p.name),
                        });
                    }
                    config.policies.push(p);
                }
            }
        }
        Some(_) => {
            problems.push(Problem { path: "sla".into(), message: "must be a list of policies".into() });
        }
    }
    (config, problems)
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn calendar(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Option<Calendar> {
    let mut bad = |at: String, message: String| problems.push(Problem { path: at, message });
    let Some(map) = value.as_mapping() else {
        bad(path.to_owned(), "must be a mapping with timezone, hours and holidays".into());
        return None;
    };
    for key in map.keys() {
        if !matches!(key.as_str(), Some("timezone" | "hours" | "holidays")) {
            bad(
                format!("{path}.{}", text_of(key).unwrap_or_default()),
                "unknown key; a calendar has timezone, hours, holidays".into(),
            );
        }
    }
    let zone_text = map.get("timezone").and_then(text_of).unwrap_or_default();
    let zone: Option<Tz> = zone_text.parse().ok();
    if zone.is_none() {
        bad(
            format!("{path}.timezone"),
            format!("unknown time zone '{zone_text}'; use an IANA name like Europe/Berlin"),
        );
    }
    let mut week: [Vec<Range>; 7] = std::array::from_fn(|_| Vec::new());
    match map.get("hours") {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(hours)) => {
            for (day, ranges) in hours {
                let day_name = text_of(day).unwrap_or_default();
                let at = format!("{path}.hours.{day_name}");
                let Some(i) = WEEKDAYS.iter().position(|d| *d == day_name) else {
                    bad(at, "not a weekday; use mon, tue, wed, thu, fri, sat, sun".into());
                    continue;
                };
                let list: Vec<&Value> = match ranges {
                    Value::Sequence(l) => l.iter().collect(),
                    Value::Null => Vec::new(),
                    other => vec![other],
                };
                for r in list {
                    match text_of(r).map(|t| Range::parse(&t)) {
                        Some(Ok(range)) => week[i].push(range),
                        Some(Err(e)) => bad(at.clone(), e),
                        None => bad(at.clone(), "a range must be text like \"09:00-17:00\"".into()),
                    }
                }
            }
        }
        Some(_) => bad(format!("{path}.hours"), "must map weekdays to lists of ranges".into()),
    }
    check_overlaps(&week, path, problems);
    let mut holidays = std::collections::BTreeSet::new();
    if let Some(list) = map.get("holidays") {
        for h in list.as_sequence().map_or_else(|| vec![list], |l| l.iter().collect()) {
            match text_of(h).and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()) {
                Some(d) => {
                    holidays.insert(d);
                }
                None if h.is_null() => {}
                None => problems.push(Problem {
                    path: format!("{path}.holidays"),
                    message: format!("'{}' is not a date YYYY-MM-DD", text_of(h).unwrap_or_default()),
                }),
            }
        }
    }
    Some(Calendar::new(zone?, week, holidays))
}

/// Ranges of a week that overlap (also a range past midnight with the next
/// day's first range) are a problem: they would count time twice.
fn check_overlaps(week: &[Vec<Range>; 7], path: &str, problems: &mut Vec<Problem>) {
    for (i, day) in week.iter().enumerate() {
        // Minutes of the week, from Monday 00:00, of each range of this day.
        let span = |r: &Range, d: usize| {
            let start = u32::try_from(d).expect("a weekday index") * 1440 + r.start;
            (start, start + r.minutes())
        };
        for (j, a) in day.iter().enumerate() {
            let (a0, a1) = span(a, i);
            for (k, other) in week.iter().enumerate() {
                for (l, b) in other.iter().enumerate() {
                    if (k, l) <= (i, j) {
                        continue;
                    }
                    let (b0, b1) = span(b, k);
                    // Compare on the circle of the week (Sunday night runs into Monday).
                    let overlaps = |x0: u32, x1: u32, y0: u32, y1: u32| x0 < y1 && y0 < x1;
                    let week_minutes = 7 * 1440;
                    if overlaps(a0, a1, b0, b1)
                        || overlaps(a0 + week_minutes, a1 + week_minutes, b0, b1)
                        || overlaps(a0, a1, b0 + week_minutes, b1 + week_minutes)
                    {
                        problems.push(Problem {
                            path: format!("{path}.hours.{}", WEEKDAYS[k]),
                            message: format!("a range overlaps another one (on {})", WEEKDAYS[i]),
                        });
                    }
                }
            }
        }
    }
}

fn policy(
    value: &Value,
    path: &str,
    calendars: &BTreeMap<String, Rc<Calendar>>,
    priorities: &[String],
    problems: &mut Vec<Problem>,
) -> Option<Policy> {
    let Some(map) = value.as_mapping() else {
        problems.push(Problem {
            path: path.into(),
            message: "must be a mapping with name, match, calendar, targets, warning".into(),
        });
        return None;
    };
    let before = problems.len();
    let mut bad = |at: String, message: String| problems.push(Problem { path: at, message });
    for key in map.keys() {
        if !matches!(key.as_str(), Some("name" | "match" | "calendar" | "targets" | "warning")) {
            bad(
                format!("{path}.{}", text_of(key).unwrap_or_default()),
                "unknown key; a policy has name, match, calendar, targets, warning".into(),
            );
        }
    }
    let name = map.get("name").and_then(text_of).filter(|n| !n.trim().is_empty());
    if name.is_none() {
        bad(format!("{path}.name"), "a policy needs a name".into());
    }
    let text = map.get("match").and_then(text_of).unwrap_or_default();
    // Policies are evaluated the same way on every machine: days in UTC.
    let query = match Query::parse(&[text.as_str()], Zone::Utc) {
        Ok(q) if q.terms.iter().any(|t| matches!(t.condition, Condition::Text(_))) => {
            bad(
                format!("{path}.match"),
                "a policy matches fields, not text; put words in quotes only as field values".into(),
            );
            Query::default()
        }
        Ok(q) if q.has_clock_terms() => {
            bad(format!("{path}.match"), "a policy cannot match on clocks (sla:, due:)".into());
            Query::default()
        }
        Ok(q) => q,
        Err(e) => {
            bad(format!("{path}.match"), format!("the query does not parse: {}", e.0));
            Query::default()
        }
    };
    let calendar = map.get("calendar").and_then(text_of).map_or_else(
        || Some(calendars[ALWAYS].clone()),
        |c| {
            let found = calendars.get(&c).cloned();
            if found.is_none() {
                bad(format!("{path}.calendar"), format!("no calendar named '{c}' in calendars"));
            }
            found
        },
    );
    let mut targets = BTreeMap::new();
    match map.get("targets") {
        Some(Value::Mapping(by_priority)) => {
            for (priority, clocks) in by_priority {
                let p = text_of(priority).unwrap_or_default();
                let at = format!("{path}.targets.{p}");
                if !priorities.contains(&p) {
                    bad(
                        at.clone(),
                        format!("'{p}' is not a priority of desk.yaml ({})", priorities.join(", ")),
                    );
                }
                targets.insert(p, clock_targets(clocks, &at, &mut bad));
            }
        }
        _ => bad(
            format!("{path}.targets"),
            "must map priorities to targets, like urgent: {first_response: 1h}".into(),
        ),
    }
    let warning = map.get("warning").and_then(|w| warning(w, path, &mut bad));
    if problems.len() > before {
        return None;
    }
    Some(Policy { name: name?.into(), query, calendar: calendar?, targets, warning })
}

fn warning(value: &Value, path: &str, bad: &mut impl FnMut(String, String)) -> Option<Warning> {
    let t = text_of(value).unwrap_or_default();
    let parsed = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<u32>().ok().filter(|p| *p <= 100).map(Warning::Percent),
        None => parse_duration(&t).ok().map(Warning::Seconds),
    };
    if parsed.is_none() {
        bad(format!("{path}.warning"), format!("'{t}' is neither a duration (30m) nor a percentage (25%)"));
    }
    parsed
}

fn clock_targets(value: &Value, path: &str, bad: &mut impl FnMut(String, String)) -> Targets {
    let mut t = Targets::default();
    let Some(map) = value.as_mapping() else {
        bad(
            path.to_owned(),
            "must map clocks (first_response, next_response, resolution) to durations".into(),
        );
        return t;
    };
    for (clock, duration) in map {
        let clock = text_of(clock).unwrap_or_default();
        let at = format!("{path}.{clock}");
        let seconds = match text_of(duration).map(|d| parse_duration(&d)) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                bad(at.clone(), e);
                None
            }
            None => {
                bad(at.clone(), "must be a duration like 4h".into());
                None
            }
        };
        match clock.as_str() {
            "first_response" => t.first_response = seconds,
            "next_response" => t.next_response = seconds,
            "resolution" => t.resolution = seconds,
            _ => bad(at, "unknown clock; use first_response, next_response, resolution".into()),
        }
    }
    t
}

/// Adds the problems of the `calendars:` and `sla:` sections to a check of
/// desk.yaml (`desk config check`, `desk doctor`), each at its place in the file.
pub fn check(checker: &mut crate::workflow::Checker<'_>, config: Option<&crate::workflow::Config>) {
    let calendars = checker.section::<Value>("calendars").flatten();
    let sla = checker.section::<Value>("sla").flatten();
    let priorities = config.map(|c| c.priorities.levels.clone());
    let (_, problems) = parse(calendars.as_ref(), sla.as_ref(), priorities.as_deref().unwrap_or_default());
    for p in problems {
        // Without sound priorities every target would be reported: the workflow's problem says enough.
        if priorities.is_none() && p.message.contains("is not a priority") {
            continue;
        }
        checker.problem(yaml_path(&p.path), p.message);
    }
}

/// `sla[0].targets.urgent` as a path into the YAML document.
pub fn yaml_path(path: &str) -> crate::workflow::YamlPath {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let (section, index) = match first.split_once('[') {
        Some((s, i)) => (s, i.trim_end_matches(']').parse::<usize>().ok()),
        None => (first, None),
    };
    let mut p = crate::workflow::YamlPath::section(section);
    if let Some(i) = index {
        p = p.index(i);
    }
    for part in parts {
        p = p.key(part);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap()
    }

    fn levels() -> Vec<String> {
        ["low", "normal", "high", "urgent"].iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn durations_are_fixed_lengths_of_business_time() {
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(2 * 86_400));
        assert_eq!(parse_duration("1w"), Ok(604_800));
        for bad in ["", "h", "4", "4x", "-1h", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn calendars_and_policies_are_read_in_order() {
        let calendars = yaml(
            "office:\n  timezone: Europe/Berlin\n  hours:\n    mon: [\"09:00-17:00\"]\n  holidays: [2026-12-24]\n",
        );
        let sla = yaml(
            "- name: vip\n  match: label:vip\n  calendar: office\n  targets:\n    urgent: {first_response: 30m, resolution: 4h}\n  warning: 25%\n- name: standard\n  targets:\n    normal: {first_response: 4h}\n",
        );
        let (config, problems) = parse(Some(&calendars), Some(&sla), &levels());
        assert_eq!(problems, []);
        assert_eq!(config.policies.len(), 2);
        let vip = &config.policies[0];
        assert_eq!(&*vip.name, "vip");
        assert_eq!(vip.targets["urgent"].first_response, Some(1800));
        assert_eq!(vip.warning, Some(Warning::Percent(25)));
        assert!(!vip.calendar.is_always());
        assert!(config.policies[1].calendar.is_always());
        assert!(config.policies[1].query.terms.is_empty());
    }

    #[test]
    fn every_problem_is_named_with_its_place() {
        let calendars = yaml(
            "office:\n  timezone: Mars/Olympus\n  hours:\n    mon: [\"09:00-13:00\", \"12:00-17:00\"]\n    sun: [\"22:00-06:00\"]\n    funday: [\"09:00-10:00\"]\n  holidays: [tomorrow]\n",
        );
        let sla = yaml(
            "- name: a\n  match: \"printer\"\n  calendar: nowhere\n  targets:\n    p1: {first_response: 1h}\n    high: {first_reply: 1h, resolution: soon}\n  warning: lots\n",
        );
        let (config, problems) = parse(Some(&calendars), Some(&sla), &levels());
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        for expected in [
            "calendars.office.timezone",
            "calendars.office.hours.mon",
            "calendars.office.hours.funday",
            "calendars.office.holidays",
            "sla[0].match",
            "sla[0].calendar",
            "sla[0].targets.p1",
            "sla[0].targets.high.first_reply",
            "sla[0].targets.high.resolution",
            "sla[0].warning",
        ] {
            assert!(paths.contains(&expected), "{expected} not in {paths:?}");
        }
        assert!(config.policies.is_empty(), "a broken policy is left out");
        // Sunday night running into Monday 00:00-06:00 does not overlap Monday 09:00.
        assert!(!problems.iter().any(|p| p.path == "calendars.office.hours.sun"));
    }
}
