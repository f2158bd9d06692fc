//! SLA compliance over a time window, for `desk report`: how many periods of
//! each clock were decided in the window, and how many of them met their
//! target. A period is decided when it is met (at its response or solve) or
//! breached (at the instant its counted time passed the target, its due time).

use super::clock::{ClockKind, ClockStatus, Cycle};

/// The compliance of one clock.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Compliance {
    /// Periods decided in the window: met plus breached.
    pub measured: usize,
    pub met: usize,
    pub breached: usize,
}

impl Compliance {
    /// `met / measured`; `None` when nothing was measured.
    pub fn rate(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)] // counts of periods
        (self.measured > 0).then(|| self.met as f64 / self.measured as f64)
    }

    /// Counts the periods of `cycles` decided in `[from, until)`.
    pub fn add(&mut self, cycles: &[Cycle], kind: ClockKind, (from, until): (i64, i64)) {
        let within = |t: Option<i64>| t.is_some_and(|t| from <= t && t < until);
        for c in cycles.iter().filter(|c| c.kind == kind) {
            match c.status {
                ClockStatus::Met if within(c.met_at) => self.met += 1,
                ClockStatus::Breached if within(c.due) => self.breached += 1,
                _ => continue,
            }
            self.measured += 1;
        }
    }
}

/// The compliance of the three clocks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SlaCompliance {
    pub first_response: Compliance,
    pub next_response: Compliance,
    pub resolution: Compliance,
}

impl SlaCompliance {
    /// Counts a ticket's periods decided in the window.
    pub fn add(&mut self, cycles: &[Cycle], window: (i64, i64)) {
        self.first_response.add(cycles, ClockKind::FirstResponse, window);
        self.next_response.add(cycles, ClockKind::NextResponse, window);
        self.resolution.add(cycles, ClockKind::Resolution, window);
    }

    pub fn of(&self, kind: ClockKind) -> &Compliance {
        match kind {
            ClockKind::FirstResponse => &self.first_response,
            ClockKind::NextResponse => &self.next_response,
            ClockKind::Resolution => &self.resolution,
        }
    }
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
        let mut c = SlaCompliance::default();
        c.add(&cycles, (30, 60));
        assert_eq!(c.first_response, Compliance { measured: 2, met: 1, breached: 1 });
        assert_eq!(c.first_response.rate(), Some(0.5));
        assert_eq!(c.resolution, Compliance::default());
        assert_eq!(c.resolution.rate(), None);
    }
}
