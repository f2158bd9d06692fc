//! SLA compliance over a time window, for `desk report`: how many periods of
//! each clock were decided in the window, and how many of them met their
//! target. A period is decided when it is met (at its response or solve) or
//! breached (at the instant its counted time passed the target, its due time).

use super::clock::{ClockKind, ClockStatus, Cycle};
use crate::report::{Compliance, SlaCompliance};

/// Counts the periods of `cycles` of clock `kind` decided in `[from, until)`.
fn add(c: &mut Compliance, cycles: &[Cycle], kind: ClockKind, (from, until): (i64, i64)) {
    let within = |t: Option<i64>| t.is_some_and(|t| from <= t && t < until);
    for cycle in cycles.iter().filter(|c| c.kind == kind) {
        match cycle.status {
            ClockStatus::Met if within(cycle.met_at) => c.met += 1,
            ClockStatus::Breached if within(cycle.due) => c.breached += 1,
            _ => continue,
        }
        c.measured += 1;
    }
}

/// A ticket's periods (all of its cycles) decided in the window.
pub fn decided(cycles: &[Cycle], window: (i64, i64)) -> SlaCompliance {
    let mut c = SlaCompliance::default();
    add(&mut c.first_response, cycles, ClockKind::FirstResponse, window);
    add(&mut c.next_response, cycles, ClockKind::NextResponse, window);
    add(&mut c.resolution, cycles, ClockKind::Resolution, window);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(kind: ClockKind, status: ClockStatus, due: Option<i64>, met_at: Option<i64>) -> Cycle {
        Cycle {
            kind,
            status,
            start: 0,
            policy: None,
            target: Some(100),
            elapsed: 0,
            remaining: None,
            due,
            met_at,
        }
    }

    #[test]
    fn periods_count_in_the_window_they_were_decided() {
        use ClockKind::{FirstResponse, Resolution};
        use ClockStatus::{Breached, Met, Running};
        let cycles = [
            cycle(FirstResponse, Met, Some(50), Some(40)), // met at 40: in [30, 60)
            cycle(Resolution, Breached, Some(70), Some(90)), // breached at its due, 70: outside
            cycle(Resolution, Running, Some(55), None),    // not decided
            cycle(FirstResponse, Breached, Some(30), None), // breached at 30, still open: in
        ];
        let c = decided(&cycles, (30, 60));
        assert_eq!(c.first_response, Compliance { measured: 2, met: 1, breached: 1 });
        assert_eq!(c.first_response.rate(), Some(0.5));
        assert_eq!(c.resolution, Compliance::default());
        assert_eq!(c.resolution.rate(), None);
    }
}
