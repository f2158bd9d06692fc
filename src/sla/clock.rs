//! The SLA clocks of one ticket, computed from its timeline: the steps of its
//! history, each with the ticket's state after it and the SLA in force then.
//! Pure and exact; docs/sla.md states the definitions this code implements,
//! and the tests work examples out by hand.

use std::rc::Rc;

use super::Calendar;

/// Where a ticket stands, as far as the clocks care: its status category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `new` or `open`: clocks run.
    Active,
    /// `pending` or `on_hold`: clocks pause.
    Paused,
    /// `solved`: clocks pause, and resolution is met (until a reopen).
    Solved,
    /// `closed` (or `merged`): every clock stops for good.
    Closed,
}

/// What a step of the history did, for the clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    /// The ticket was created.
    Created,
    /// A public message from the requester.
    RequesterMessage,
    /// A response: a public reply that counts as one (docs/reports.md).
    Response,
    /// Anything else (a status change, a field, a note).
    Other,
}

/// The three clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClockKind {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 3] =
        [ClockKind::FirstResponse, ClockKind::NextResponse, ClockKind::Resolution];

    /// The name in desk.yaml and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "first_response",
            ClockKind::NextResponse => "next_response",
            ClockKind::Resolution => "resolution",
        }
    }
}

/// Business-time targets of the three clocks, in seconds; `None`: no target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    pub first_response: Option<i64>,
    pub next_response: Option<i64>,
    pub resolution: Option<i64>,
}

impl Targets {
    pub fn of(&self, kind: ClockKind) -> Option<i64> {
        match kind {
            ClockKind::FirstResponse => self.first_response,
            ClockKind::NextResponse => self.next_response,
            ClockKind::Resolution => self.resolution,
        }
    }
}

/// The SLA in force after a step: the policy that applies, its targets for
/// the ticket's priority, and its calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub policy: Rc<str>,
    pub targets: Targets,
    pub calendar: Rc<Calendar>,
}

/// One step of a ticket's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Unix seconds (the commit's author time).
    pub time: i64,
    pub happening: Happening,
    /// The ticket's phase after the step.
    pub phase: Phase,
    /// The SLA in force after the step; `None`: no policy applies.
    pub applied: Option<Applied>,
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockStatus {
    Running,
    Paused,
    Met,
    Breached,
    NotApplicable,
}

impl ClockStatus {
    pub fn name(self) -> &'static str {
        match self {
            ClockStatus::Running => "running",
            ClockStatus::Paused => "paused",
            ClockStatus::Met => "met",
            ClockStatus::Breached => "breached",
            ClockStatus::NotApplicable => "not_applicable",
        }
    }
}

/// One measured period of a clock (a ticket has one first-response and one
/// resolution period, and a next-response period per unanswered requester
/// message), evaluated at some moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Cycle {
    pub kind: ClockKind,
    pub status: ClockStatus,
    /// When the period started.
    pub start: i64,
    /// The policy whose target applies (`None`: not applicable).
    pub policy: Option<Rc<str>>,
    /// Target, in business seconds.
    pub target: Option<i64>,
    /// Business seconds counted so far (up to the end of the period).
    pub elapsed: i64,
    /// `target - elapsed`: negative when overdue.
    pub remaining: Option<i64>,
    /// The instant the counted time reaches (or reached) the target; `None`
    /// when it has not and the clock is not running.
    pub due: Option<i64>,
    /// When the period was met (a response, a solve).
    pub met_at: Option<i64>,
}

/// The clocks of a ticket at `now`, from its steps (in time order; steps after
/// `now` are ignored): every period of every clock, oldest first per clock.
pub fn cycles(steps: &[Step], now: i64) -> Vec<Cycle> {
    let steps: Vec<&Step> = steps.iter().take_while(|s| s.time <= now).collect();
    let mut out = Vec::new();
    let Some(created) = steps.iter().position(|s| s.happening == Happening::Created) else { return out };
    let steps = &steps[created..];
    // First response: from creation to the first response.
    let first = steps.iter().position(|s| s.happening == Happening::Response);
    out.push(measure(steps, ClockKind::FirstResponse, 0, first, now));
    // Next response: from a requester message after the first response (and
    // with no period open) to the next response.
    if let Some(first) = first {
        let mut i = first + 1;
        while i < steps.len() {
            if steps[i].happening == Happening::RequesterMessage {
                let answer =
                    steps[i + 1..].iter().position(|s| s.happening == Happening::Response).map(|p| p + i + 1);
                out.push(measure(steps, ClockKind::NextResponse, i, answer, now));
                match answer {
                    Some(a) => i = a + 1,
                    None => break,
                }
            } else {
                i += 1;
            }
        }
    }
    out.push(resolution(steps, now));
    out
}

/// Whether the clock counts time after `step` (the interval to the next step).
fn counts(step: &Step) -> bool {
    step.phase == Phase::Active
}

/// A response clock from `steps[start]` to `steps[stop]` (`None`: not met yet).
fn measure(steps: &[&Step], kind: ClockKind, start: usize, stop: Option<usize>, now: i64) -> Cycle {
    // A closed ticket stops the clock where it closed.
    let closed = steps[start..].iter().position(|s| s.phase == Phase::Closed).map(|p| p + start);
    let (end, met) = match (stop, closed) {
        (Some(s), Some(c)) if c < s => (c, false),
        (Some(s), _) => (s, true),
        (None, Some(c)) => (c, false),
        (None, None) => (steps.len(), false),
    };
    let end_time = steps.get(end).map_or(now, |s| s.time);
    evaluate(steps, kind, (start, end, end_time), met.then_some(end_time))
}

/// The resolution clock: from creation until the ticket is solved or closed;
/// a reopen lets it count again, from where it stood, until the next solve.
fn resolution(steps: &[&Step], now: i64) -> Cycle {
    let done = |s: &Step| matches!(s.phase, Phase::Solved | Phase::Closed);
    let closed = steps.iter().position(|s| s.phase == Phase::Closed);
    let last = closed.unwrap_or(steps.len() - 1);
    // Solved (or closed) now: met at the last entry into that phase.
    let met_at = if done(steps[last]) {
        let mut entry = last;
        while entry > 0 && done(steps[entry - 1]) {
            entry -= 1;
        }
        Some(entry)
    } else {
        None
    };
    match met_at {
        Some(entry) => {
            let t = steps[entry].time;
            evaluate(steps, ClockKind::Resolution, (0, entry, t), Some(t))
        }
        None => evaluate(steps, ClockKind::Resolution, (0, steps.len(), now), None),
    }
}

/// Counts business time over the period `steps[start..end]` (its last
/// interval ends at `end_time`) and decides the clock's status.
fn evaluate(
    steps: &[&Step],
    kind: ClockKind,
    (start, end, end_time): (usize, usize, i64),
    met_at: Option<i64>,
) -> Cycle {
    // The target is the one in force after the last step of the period.
    let last = steps[end.saturating_sub(1).max(start)];
    let applied = last.applied.as_ref();
    let target = applied.and_then(|a| a.targets.of(kind));
    // One pass counts the business time and finds when it reached the target.
    let mut elapsed = 0;
    // Set once the count reaches the target (to `None` if the calendar cannot say when).
    let mut reached: Option<Option<i64>> = None;
    for i in start..end {
        let (s, until) = (steps[i], steps.get(i + 1).map_or(end_time, |n| n.time).min(end_time));
        if counts(s)
            && let Some(a) = &s.applied
        {
            let here = a.calendar.business_seconds(s.time, until);
            if let Some(t) = target {
                let left = t - elapsed;
                if reached.is_none() && here >= left && left > 0 {
                    reached = Some(a.calendar.add(s.time, left));
                }
            }
            elapsed += here;
        }
    }
    let mut cycle = Cycle {
        kind,
        status: ClockStatus::NotApplicable,
        start: steps[start].time,
        policy: target.and(applied.map(|a| a.policy.clone())),
        target,
        elapsed,
        remaining: target.map(|t| t - elapsed),
        due: None,
        met_at,
    };
    let Some(target) = target else { return cycle };
    // Not reached within the period: projected past it (when the period is
    // still running at its end) with the calendar in force at its last step.
    let left = target - elapsed;
    let open = met_at.is_none() && end == steps.len();
    cycle.due = match reached {
        Some(d) => d,
        None if open && counts(last) && left > 0 => applied.and_then(|a| a.calendar.add(end_time, left)),
        None if left == 0 => Some(end_time),
        None => None,
    };
    cycle.status = if elapsed > target {
        ClockStatus::Breached
    } else if met_at.is_some() {
        ClockStatus::Met
    } else if end < steps.len() {
        // Stopped by a closed ticket before it was met: nothing is due any more.
        cycle.due = None;
        ClockStatus::NotApplicable
    } else if counts(last) && last.applied.is_some() {
        ClockStatus::Running
    } else {
        ClockStatus::Paused
    };
    cycle
}

#[cfg(test)]
mod tests;
