//! The helpdesk's KPIs over a time window, computed from the event log.
//! Pure: takes a [`History`] and a [`Window`], never a repository. Only events
//! before the end of the window count, so a past window's report never changes.
//!
//! Definitions (also in `desk report --help` and docs/reports.md):
//! - created: tickets whose creation falls in the window;
//! - resolved: tickets that entered a done state other than merged (from a
//!   state that is not done, or by being created done) in the window;
//! - reopened: done (other than merged) → not done transitions in the window;
//! - backlog: tickets that exist and are not done at the end of the window;
//! - first response time: creation → the first response, over tickets created
//!   in the window that have one. A response is a public reply that is not by
//!   the requester and, when agents are configured, is by an agent;
//! - resolution time: creation → the last entry into a done state, over
//!   tickets resolved in the window;
//! - first-contact resolution: resolved tickets that had exactly one response
//!   when they were resolved and were never reopened;
//! - CSAT: tickets whose latest rating was given in the window; satisfied
//!   means a score of 4 or 5.
//!
//! Percentiles are nearest-rank: the p-th percentile of n sorted values is the
//! value at rank ⌈p/100 · n⌉, so the median of an even count is the lower middle.
//! Every duration is a whole number of seconds: the mean is the exact sum
//! divided by the count, rounded to the nearest second, halves to even.

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::history::{Event, History, Kind, Sym};
use crate::model::field::{FIELDS, Field, FieldKind, Track};
use crate::time::{DayBuckets, Zone, day_buckets};
use crate::workflow::People;

/// What the KPIs' words mean for one helpdesk: which statuses are done, and
/// who responds (with agents configured, only their replies are responses).
#[derive(Clone, Copy, Debug)]
pub struct Definitions<'a> {
    /// The statuses that count as done.
    pub done: &'a [String],
    /// The done statuses of category merged: a ticket merged into another is
    /// neither resolved nor in the backlog.
    pub merged: &'a [String],
    /// The agents and how people are identified.
    pub people: &'a People,
    /// Each ticket's SLA periods decided in the window, when desk.yaml has
    /// policies (computed from the clocks; `None`: no SLA section in the report).
    pub sla: Option<&'a HashMap<Sym, SlaCompliance>>,
}

/// SLA compliance of one clock: the periods decided in the window (met at
/// their response or solve, breached at their due time) and how many met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compliance {
    /// Periods decided in the window: met plus breached.
    pub measured: usize,
    pub met: usize,
    pub breached: usize,
}

impl Compliance {
    /// `met / measured`; `None` when nothing was measured.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.met, self.measured)
    }

    fn add(&mut self, other: &Compliance) {
        self.measured += other.measured;
        self.met += other.met;
        self.breached += other.breached;
    }
}

/// SLA compliance of the three clocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlaCompliance {
    pub first_response: Compliance,
    pub next_response: Compliance,
    pub resolution: Compliance,
}

impl SlaCompliance {
    /// The clocks with their names in desk.yaml and JSON.
    pub fn clocks(&self) -> [(&'static str, &Compliance); 3] {
        [
            ("first_response", &self.first_response),
            ("next_response", &self.next_response),
            ("resolution", &self.resolution),
        ]
    }

    fn add(&mut self, other: &SlaCompliance) {
        self.first_response.add(&other.first_response);
        self.next_response.add(&other.next_response);
        self.resolution.add(&other.resolution);
    }
}

/// A half-open time window `[from, until)` in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub until: i64,
}

/// What tickets are grouped by: a field whose history is tracked in full (so
/// its value at any moment can be replayed) and whose values name groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupBy(pub Field);

impl GroupBy {
    /// The fields a report can be grouped by, by their query key
    /// (`assignee`, `queue`, `priority`, `label`, …).
    pub fn choices() -> Vec<(&'static str, GroupBy)> {
        FIELDS
            .iter()
            .filter(|d| {
                d.track == Track::Full
                    && matches!(
                        d.kind,
                        FieldKind::Enum(_) | FieldKind::Person | FieldKind::People | FieldKind::Labels
                    )
            })
            .filter_map(|d| Some((d.query?, GroupBy(d.field))))
            .collect()
    }
}

/// Count, mean, median and 90th percentile of durations, in whole seconds;
/// the values are `None` when there is nothing to measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Durations {
    pub count: usize,
    /// The mean, rounded to the nearest second, halves to even ([`mean_seconds`]).
    pub mean_seconds: Option<i64>,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

impl Durations {
    /// The statistics of `values` (in any order).
    pub fn of(values: &[i64]) -> Durations {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        Durations {
            count: sorted.len(),
            mean_seconds: mean_seconds(&sorted),
            median_seconds: percentile(&sorted, 50),
            p90_seconds: percentile(&sorted, 90),
        }
    }
}

/// The mean of whole seconds as whole seconds: the exact quotient of the sum
/// by the count, rounded to the nearest integer, and a quotient exactly
/// halfway between two integers rounded to the even one (round half to even,
/// as Python's `round()` does). Computed in integers, so no floating-point
/// error creeps in; `None` for no values.
pub fn mean_seconds(values: &[i64]) -> Option<i64> {
    let n = i128::try_from(values.len()).ok().filter(|&n| n > 0)?;
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    let (quotient, remainder) = (sum.div_euclid(n), sum.rem_euclid(n));
    let rounded = match (2 * remainder).cmp(&n) {
        std::cmp::Ordering::Less => quotient,
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal => quotient + quotient.rem_euclid(2),
    };
    // The mean lies between the smallest and the largest value, so it fits.
    Some(i64::try_from(rounded).expect("a mean lies within its values"))
}

/// The nearest-rank `p`-th percentile of sorted values.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// First-contact resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Fcr {
    pub resolved: usize,
    pub first_contact: usize,
    pub rate: Option<f64>,
}

/// Requester satisfaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Csat {
    pub responses: usize,
    pub satisfied: usize,
    pub rate: Option<f64>,
    pub mean_score: Option<f64>,
}

/// The KPIs of a set of tickets.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    pub created: usize,
    pub resolved: usize,
    pub reopened: usize,
    pub backlog: usize,
    pub first_response: Durations,
    pub resolution: Durations,
    pub fcr: Fcr,
    pub csat: Csat,
    /// SLA compliance, when the report measures it ([`Definitions::sla`]).
    pub sla: Option<SlaCompliance>,
}

/// Tickets per calendar day (or per several days, for long windows), for charts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Daily {
    /// The buckets: calendar days in the report's time zone.
    pub buckets: DayBuckets,
    pub created: Vec<usize>,
    pub resolved: Vec<usize>,
    /// Tickets not done at the end of each bucket.
    pub backlog: Vec<usize>,
}

/// A report: overall, per group, and the series charts draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub window: Window,
    pub overall: Metrics,
    /// Group key (`None`: tickets without a value) and its KPIs, sorted by key.
    pub groups: Vec<(Option<String>, Metrics)>,
    pub daily: Daily,
    /// Every first-response time in the window, in seconds (sorted).
    pub first_responses: Vec<i64>,
    /// The tickets resolved in the window (the `resolved` KPI's), in event order.
    pub resolved_tickets: Vec<Sym>,
}

/// A ticket's values at some moment, replayed from its events: what the KPIs
/// look at, and the values of the field a report groups by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketState {
    pub exists: bool,
    pub created: Option<i64>,
    pub updated: i64,
    pub status: Option<Sym>,
    pub requester: Option<Sym>,
    /// The values of the grouping field (one for a single-valued field).
    pub group: Vec<Sym>,
}

/// The symbols of the field names a replay looks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Replay {
    status: Option<Sym>,
    requester: Option<Sym>,
    group: Option<Sym>,
}

impl Replay {
    pub fn new(history: &History, by: Option<GroupBy>) -> Replay {
        Replay {
            status: history.sym(Field::Status.def().name),
            requester: history.sym(Field::Requester.def().name),
            group: by.and_then(|b| history.sym(b.0.def().name)),
        }
    }
}

impl TicketState {
    fn apply(&mut self, e: &Event, r: Replay) {
        self.updated = e.time;
        let is = |field: Sym, want: Option<Sym>| Some(field) == want;
        match &e.kind {
            Kind::Created { values } => {
                self.exists = true;
                self.created.get_or_insert(e.time);
                self.status = None;
                self.requester = None;
                self.group.clear();
                for &(field, value) in values {
                    if is(field, r.status) {
                        self.status = Some(value);
                    }
                    if is(field, r.requester) {
                        self.requester = Some(value);
                    }
                    if is(field, r.group) {
                        self.group.push(value);
                    }
                }
            }
            Kind::Deleted => self.exists = false,
            Kind::Changed { field, to, .. } => {
                if is(*field, r.status) {
                    self.status = *to;
                }
                if is(*field, r.requester) {
                    self.requester = *to;
                }
                if is(*field, r.group) {
                    self.group = to.iter().copied().collect();
                }
            }
            Kind::Members { field, added, removed } if is(*field, r.group) => {
                self.group.retain(|l| !removed.contains(l));
                for l in added {
                    if !self.group.contains(l) {
                        self.group.push(*l);
                    }
                }
            }
            Kind::Members { .. }
            | Kind::Reply { .. }
            | Kind::Note { .. }
            | Kind::Automated { .. }
            | Kind::Copied { .. }
            | Kind::Removed { .. }
            | Kind::Rating { .. } => {}
        }
    }
}

/// Each ticket's events (indices into `history.events`), in time order (see
/// [`History::sort_events`]). Kept as one list of every event, ticket after
/// ticket, and where each ticket's part starts: four bytes an event and eight
/// a ticket, where a list per ticket cost some eighty bytes a ticket more.
#[derive(Clone, Debug, Default)]
pub struct TicketEvents {
    /// The tickets, in the order of their first event.
    tickets: Vec<Sym>,
    /// Where each ticket's events start in `events`, and the end.
    starts: Vec<u32>,
    events: Vec<u32>,
}

impl TicketEvents {
    /// Keeps only the events `keep` accepts (`--as-of`: the history up to a moment).
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let mut out = TicketEvents { starts: vec![0], ..TicketEvents::default() };
        for (t, events) in self.iter() {
            let before = out.events.len();
            out.events.extend(events.iter().copied().filter(|&e| keep(e)));
            if out.events.len() > before {
                out.tickets.push(t);
                out.starts.push(index(out.events.len()));
            }
        }
        *self = out;
    }

    /// Every ticket and its events.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &[u32])> {
        self.tickets
            .iter()
            .zip(self.starts.windows(2))
            .map(|(&t, w)| (t, &self.events[w[0] as usize..w[1] as usize]))
    }
}

fn index(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion events")
}

/// Groups the events of `history` by ticket.
pub fn events_by_ticket(history: &History) -> TicketEvents {
    // Symbols are dense: index the tickets by symbol rather than hashing.
    // First the number of events of each ticket, then each ticket's place.
    let mut slot = vec![u32::MAX; history.strings.len()];
    let mut tickets = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    for e in &history.events {
        let s = &mut slot[e.ticket as usize];
        if *s == u32::MAX {
            *s = index(tickets.len());
            tickets.push(e.ticket);
            counts.push(0);
        }
        counts[*s as usize] += 1;
    }
    let mut starts = Vec::with_capacity(tickets.len() + 1);
    let mut at = 0u32;
    starts.push(0);
    for count in &mut counts {
        // From here on, `counts` holds where the ticket's next event goes.
        let n = *count;
        *count = at;
        at += n;
        starts.push(at);
    }
    let mut events = vec![0u32; history.events.len()];
    for (i, e) in history.events.iter().enumerate() {
        let next = &mut counts[slot[e.ticket as usize] as usize];
        events[*next as usize] = index(i);
        *next += 1;
    }
    drop((slot, counts));
    let commit_of = history.commits.of_events();
    for w in starts.windows(2) {
        history.sort_events(&mut events[w[0] as usize..w[1] as usize], &commit_of);
    }
    TicketEvents { tickets, starts, events }
}

/// Symbols the replay looks for, found once.
struct Lookups<'a> {
    /// Per symbol: a done status.
    done: Vec<bool>,
    /// Per symbol: a status of category merged.
    merged: Vec<bool>,
    /// Per symbol, when agents are configured: a reply author who is an agent.
    agents: Option<Vec<bool>>,
    people: &'a People,
    replay: Replay,
}

impl<'a> Lookups<'a> {
    fn new(history: &History, defs: Definitions<'a>, by: Option<GroupBy>) -> Lookups<'a> {
        let mut l = Lookups {
            done: vec![false; history.strings.len()],
            merged: vec![false; history.strings.len()],
            agents: None,
            people: defs.people,
            replay: Replay::new(history, by),
        };
        for (i, s) in history.strings.iter().enumerate() {
            if defs.done.iter().any(|d| d == s) {
                l.done[i] = true;
            }
            if defs.merged.iter().any(|d| d == s) {
                l.merged[i] = true;
            }
        }
        if defs.people.has_agents() {
            // Only reply authors are asked about, each once.
            let mut agents = vec![false; history.strings.len()];
            let mut seen = vec![false; history.strings.len()];
            for e in &history.events {
                if let Kind::Reply { author, .. } = e.kind
                    && !std::mem::replace(&mut seen[author as usize], true)
                {
                    agents[author as usize] = defs.people.is_agent(history.str(author));
                }
            }
            l.agents = Some(agents);
        }
        l
    }

    /// Whether a status is merged (done, but neither resolved nor reopened from).
    fn is_merged(&self, status: Option<Sym>) -> bool {
        status.is_some_and(|s| self.merged[s as usize])
    }

    fn is_done(&self, status: Option<Sym>) -> bool {
        status.is_some_and(|s| self.done[s as usize])
    }

    /// Whether a public reply by `author` is a response to a ticket whose
    /// requester is `requester` (see [`People::is_response`]).
    fn is_response(&self, history: &History, author: Sym, requester: Option<Sym>) -> bool {
        let by_requester =
            requester.is_some_and(|r| self.people.same_person(history.str(author), history.str(r)));
        !by_requester && self.agents.as_ref().is_none_or(|agents| agents[author as usize])
    }
}

/// Every ticket's values after all its events.
pub fn final_states(history: &History, by_ticket: &TicketEvents) -> HashMap<Sym, TicketState> {
    let replay = Replay::new(history, None);
    by_ticket
        .iter()
        .map(|(t, idxs)| {
            let mut s = TicketState::default();
            for &i in idxs {
                s.apply(&history.events[i as usize], replay);
            }
            (t, s)
        })
        .collect()
}

/// What one ticket adds to the KPIs of a window.
#[derive(Debug, Default)]
struct Contribution {
    created: bool,
    /// Seconds from creation to the last entry into a done state, if resolved in the window.
    resolution: Option<i64>,
    first_contact: bool,
    reopened: usize,
    backlog: bool,
    first_response: Option<i64>,
    rating: Option<u8>,
    /// Its SLA periods decided in the window.
    sla: SlaCompliance,
    /// Times the ticket entered a done state within the window.
    resolved_at: Vec<i64>,
    /// When the ticket was created (whether in the window or not).
    created_at: Option<i64>,
    /// (time, +1 / -1): the ticket started or stopped counting in the backlog.
    backlog_changes: Vec<(i64, i32)>,
    state: TicketState,
}

fn contribution(history: &History, idxs: &[u32], window: Window, look: &Lookups<'_>) -> Contribution {
    let mut c = Contribution::default();
    let mut state = TicketState::default();
    let mut responses = 0usize;
    let mut first_response_at = None;
    let mut last_done_entry: Option<(i64, usize)> = None;
    let mut ever_reopened = false;
    let mut last_rating: Option<(i64, Option<u8>)> = None;
    let in_window = |t: i64| window.from <= t && t < window.until;
    let open = |s: &TicketState| s.exists && s.status.is_some() && !look.is_done(s.status);
    for &i in idxs {
        let e = &history.events[i as usize];
        if e.time >= window.until {
            break;
        }
        let was_open = open(&state);
        let was_done = state.exists && look.is_done(state.status);
        let was_merged = state.exists && look.is_merged(state.status);
        match &e.kind {
            Kind::Reply { author, .. } if look.is_response(history, *author, state.requester) => {
                responses += 1;
                first_response_at.get_or_insert(e.time);
            }
            Kind::Rating { to, .. } => last_rating = Some((e.time, *to)),
            _ => {}
        }
        state.apply(e, look.replay);
        let is_done = state.exists && look.is_done(state.status);
        let entered_done = !was_done
            && is_done
            && !look.is_merged(state.status)
            && (matches!(e.kind, Kind::Created { .. }) || is_status_change(&e.kind, look));
        if entered_done {
            last_done_entry = Some((e.time, responses));
            if in_window(e.time) {
                c.resolved_at.push(e.time);
            }
        }
        if was_done && !was_merged && is_status_change(&e.kind, look) && !is_done {
            ever_reopened = true;
            if in_window(e.time) {
                c.reopened += 1;
            }
        }
        let is_open = open(&state);
        if is_open != was_open {
            c.backlog_changes.push((e.time, if is_open { 1 } else { -1 }));
        }
    }
    let Some(created) = state.created else { return c };
    c.created_at = Some(created);
    c.created = in_window(created);
    c.backlog = open(&state);
    if c.created {
        c.first_response = first_response_at.map(|t| t - created);
    }
    if let Some((t, replies)) = last_done_entry
        && in_window(t)
    {
        c.resolution = Some(t - created);
        c.first_contact = replies == 1 && !ever_reopened;
    }
    if let Some((t, Some(score))) = last_rating
        && in_window(t)
    {
        c.rating = Some(score);
    }
    c.state = state;
    c
}

fn is_status_change(kind: &Kind<Sym>, look: &Lookups<'_>) -> bool {
    matches!(kind, Kind::Changed { field, .. } if Some(*field) == look.replay.status)
}

/// `part / whole`, `None` when `whole` is 0.
pub fn ratio(part: usize, whole: usize) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)] // ticket counts
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The KPIs of a set of tickets, added up one contribution at a time: a
/// report keeps a tally per group, never every ticket's contribution (a
/// million of them at a million tickets).
#[derive(Debug, Default)]
struct Tally {
    created: usize,
    reopened: usize,
    backlog: usize,
    first_contact: usize,
    first_responses: Vec<i64>,
    resolutions: Vec<i64>,
    ratings: Vec<u8>,
    sla: SlaCompliance,
}

impl Tally {
    fn add(&mut self, c: &Contribution) {
        self.sla.add(&c.sla);
        self.created += usize::from(c.created);
        self.reopened += c.reopened;
        self.backlog += usize::from(c.backlog);
        self.first_contact += usize::from(c.first_contact);
        self.first_responses.extend(c.first_response);
        self.resolutions.extend(c.resolution);
        self.ratings.extend(c.rating);
    }

    fn metrics(&self, with_sla: bool) -> Metrics {
        let ratings = &self.ratings;
        let satisfied = ratings.iter().filter(|&&s| s >= 4).count();
        #[allow(clippy::cast_precision_loss)] // a handful of small scores
        let mean_score = (!ratings.is_empty())
            .then(|| ratings.iter().map(|&s| f64::from(s)).sum::<f64>() / ratings.len() as f64);
        let resolved = self.resolutions.len();
        Metrics {
            created: self.created,
            resolved,
            reopened: self.reopened,
            backlog: self.backlog,
            first_response: Durations::of(&self.first_responses),
            fcr: Fcr {
                resolved,
                first_contact: self.first_contact,
                rate: ratio(self.first_contact, resolved),
            },
            resolution: Durations::of(&self.resolutions),
            csat: Csat {
                responses: ratings.len(),
                satisfied,
                rate: ratio(satisfied, ratings.len()),
                mean_score,
            },
            sla: with_sla.then_some(self.sla),
        }
    }
}

fn group_keys(history: &History, state: &TicketState) -> Vec<Option<String>> {
    if state.group.is_empty() {
        return vec![None];
    }
    state.group.iter().map(|&v| Some(history.str(v).to_owned())).collect()
}

/// The tally of each group, with the key the group is shown by. People are
/// grouped by identity ([`People::identity`]): an agent is shown as desk.yaml
/// names them, anyone else as written on the group's ticket whose last event
/// is the latest (ties: the greater spelling). Every ticket that exists is a
/// member of its groups, whether or not it adds to a figure.
struct Groups<'a> {
    history: &'a History,
    people: &'a People,
    person: bool,
    /// Identity (`None`: no value) → (shown key, when that spelling was last seen, tally).
    by_identity: BTreeMap<Option<String>, (Option<String>, i64, Tally)>,
}

impl<'a> Groups<'a> {
    fn new(history: &'a History, people: &'a People, by: GroupBy) -> Groups<'a> {
        let person = matches!(by.0.def().kind, FieldKind::Person | FieldKind::People);
        Groups { history, people, person, by_identity: BTreeMap::new() }
    }

    fn add(&mut self, c: &Contribution) {
        if c.state.created.is_none() {
            return;
        }
        for key in group_keys(self.history, &c.state) {
            let identity = match &key {
                Some(k) if self.person => Some(self.people.identity(k)),
                _ => key.clone(),
            };
            let group =
                self.by_identity.entry(identity).or_insert_with(|| (key.clone(), i64::MIN, Tally::default()));
            if (c.state.updated, &key) > (group.1, &group.0) {
                (group.0, group.1) = (key, c.state.updated);
            }
            group.2.add(c);
        }
    }

    /// The groups by shown key, the group without a value last.
    fn finish(self) -> Vec<(Option<String>, Tally)> {
        let (people, person) = (self.people, self.person);
        let mut out: Vec<(Option<String>, Tally)> = self
            .by_identity
            .into_values()
            .map(|(key, _, tally)| {
                let agent = key.as_deref().filter(|_| person).and_then(|k| people.agent(k));
                (agent.map(crate::workflow::Agent::person).or(key), tally)
            })
            .collect();
        out.sort_by(|(a, _), (b, _)| (a.is_none(), a).cmp(&(b.is_none(), b)));
        out
    }
}

/// Largest number of buckets in the daily series.
const MAX_BUCKETS: u64 = 400;

/// The daily series, added up one contribution at a time.
struct DailyTally {
    daily: Daily,
    window: Window,
    /// Backlog changes before the first bucket starts, added up.
    level: i64,
    /// Backlog changes from the first bucket's start to the window's end.
    changes: Vec<(i64, i32)>,
}

impl DailyTally {
    fn new(window: Window, zone: Zone) -> DailyTally {
        // A bucket is a calendar day in `zone` (or several): 23 to 25 hours each.
        let buckets = day_buckets(zone, window.from, window.until, MAX_BUCKETS);
        let n = buckets.bounds.len() - 1;
        DailyTally {
            daily: Daily { buckets, created: vec![0; n], resolved: vec![0; n], backlog: vec![0; n] },
            window,
            level: 0,
            changes: Vec::new(),
        }
    }

    fn bucket(&self, t: i64) -> Option<usize> {
        let bounds = &self.daily.buckets.bounds;
        let after = bounds.partition_point(|&b| b <= t);
        (1..bounds.len()).contains(&after).then(|| after - 1)
    }

    fn add(&mut self, c: &Contribution) {
        if c.created
            && let Some(b) = c.state.created.and_then(|t| self.bucket(t))
        {
            self.daily.created[b] += 1;
        }
        for &t in &c.resolved_at {
            if let Some(b) = self.bucket(t) {
                self.daily.resolved[b] += 1;
            }
        }
        // A change before the first bucket starts counts in every bucket's
        // level; one at or after the window's end in none.
        let start = self.daily.buckets.bounds[0];
        for &(t, delta) in &c.backlog_changes {
            if t < start {
                self.level += i64::from(delta);
            } else if t < self.window.until {
                self.changes.push((t, delta));
            }
        }
    }

    fn finish(mut self) -> Daily {
        self.changes.sort_unstable();
        let bounds = &self.daily.buckets.bounds;
        let mut level = self.level;
        let mut it = self.changes.iter().peekable();
        for (b, slot) in self.daily.backlog.iter_mut().enumerate() {
            let end = bounds[b + 1].min(self.window.until);
            while let Some(&&(t, delta)) = it.peek() {
                if t >= end {
                    break;
                }
                level += i64::from(delta);
                it.next();
            }
            *slot = usize::try_from(level).unwrap_or(0);
        }
        self.daily
    }
}

/// Puts groups in the order `rank` gives their keys (lower first): keys it
/// does not rank follow, by key, and the group without a value comes last.
/// (`report` returns groups sorted by key; a workflow's order is the caller's.)
pub fn order_groups(groups: &mut [(Option<String>, Metrics)], rank: impl Fn(&str) -> Option<usize>) {
    groups.sort_by_cached_key(|(key, _)| match key {
        Some(k) => (0, rank(k).unwrap_or(usize::MAX), k.clone()),
        None => (1, usize::MAX, String::new()),
    });
}

/// The figures of one week for the portal's public figures page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    /// Monday 00:00 UTC, Unix seconds.
    pub start: i64,
    /// The median first-response time of the tickets created in the week.
    pub first_response: Option<i64>,
    /// The median resolution time of the tickets resolved in the week.
    pub resolution: Option<i64>,
}

/// The `weeks` weeks (Monday 00:00 UTC to Monday) before the week holding
/// `now`, oldest first, each with the medians of the report's definitions
/// over its own window: first response over the tickets created in the week
/// (answered before the week's end), resolution over the tickets resolved in
/// it (last entered a done state in it). One pass over every ticket.
pub fn weekly(
    history: &History,
    by_ticket: &TicketEvents,
    now: i64,
    weeks: usize,
    defs: Definitions<'_>,
) -> Vec<Week> {
    const WEEK: i64 = 7 * 86_400;
    // 1970-01-05 was a Monday.
    let this_week = now - (now - 4 * 86_400).rem_euclid(WEEK);
    let first = this_week - WEEK * i64::try_from(weeks).unwrap_or(0);
    let look = Lookups::new(history, defs, None);
    let mut frt: Vec<Vec<i64>> = vec![Vec::new(); weeks];
    let mut res: Vec<Vec<i64>> = vec![Vec::new(); weeks];
    let week_of = |t: i64| usize::try_from((t - first).div_euclid(WEEK)).ok().filter(|&w| w < weeks);
    for (_, idxs) in by_ticket.iter() {
        let whole = contribution(history, idxs, Window { from: first, until: this_week }, &look);
        let Some(created) = whole.created_at else { continue };
        // A first response counts for the creation week when it came before
        // that week's end: the first response of the whole window is the
        // ticket's first, so it decides.
        if let (Some(w), Some(f)) = (week_of(created), whole.first_response)
            && week_of(created + f) == Some(w)
        {
            frt[w].push(f);
        }
        if let Some(r) = whole.resolution
            && let Some(w) = week_of(created + r)
        {
            res[w].push(r);
        }
    }
    (0..weeks)
        .map(|w| {
            let median = |v: &mut Vec<i64>| {
                v.sort_unstable();
                percentile(v, 50)
            };
            Week {
                start: first + WEEK * i64::try_from(w).unwrap_or(0),
                first_response: median(&mut frt[w]),
                resolution: median(&mut res[w]),
            }
        })
        .collect()
}

/// The report for `window`. `defs` says which statuses count as done and who
/// responds; `tickets`, when given, limits the report to those tickets; the
/// daily series counts calendar days in `zone`.
#[allow(clippy::implicit_hasher)] // a set the caller builds
pub fn report(
    history: &History,
    by_ticket: &TicketEvents,
    window: Window,
    zone: Zone,
    defs: Definitions<'_>,
    by: Option<GroupBy>,
    tickets: Option<&HashSet<Sym>>,
) -> Report {
    let look = Lookups::new(history, defs, by);
    let mut resolved_tickets = Vec::new();
    let mut overall = Tally::default();
    let mut daily = DailyTally::new(window, zone);
    let mut groups = by.map(|by| Groups::new(history, defs.people, by));
    for (t, idxs) in by_ticket.iter().filter(|(t, _)| tickets.is_none_or(|set| set.contains(t))) {
        let mut c = contribution(history, idxs, window, &look);
        c.sla = defs.sla.and_then(|m| m.get(&t)).copied().unwrap_or_default();
        if c.resolution.is_some() {
            resolved_tickets.push(t);
        }
        overall.add(&c);
        daily.add(&c);
        if let Some(groups) = groups.as_mut() {
            groups.add(&c);
        }
    }
    let with_sla = defs.sla.is_some();
    let mut out = Vec::new();
    for (key, tally) in groups.map(Groups::finish).unwrap_or_default() {
        let m = tally.metrics(with_sla);
        // A group with nothing in the window (all its tickets done long ago) says nothing.
        let measured = m.sla.map_or(0, |s| s.clocks().iter().map(|(_, c)| c.measured).sum());
        if m.created + m.resolved + m.reopened + m.backlog + m.csat.responses + measured > 0 {
            out.push((key, m));
        }
    }
    overall.first_responses.sort_unstable();
    let metrics = overall.metrics(with_sla);
    Report {
        window,
        daily: daily.finish(),
        overall: metrics,
        groups: out,
        first_responses: overall.first_responses,
        resolved_tickets,
    }
}
