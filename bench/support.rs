//! Synthetic helpdesks for benchmarks and tests: a git repository whose desk
//! branch holds N realistic tickets, rendered by desk's own [`render_ticket`]
//! and written through `git fast-import`, so 100 000 tickets take seconds.
//!
//! Everything is derived from a seed: the same options give the same commits,
//! byte for byte (commit ids included).
//!
//! Two shapes of history:
//! - default: one `new` commit per ticket, holding the ticket as it stands at
//!   the end (with its conversation), in order of creation and dated at its
//!   creation. The tip tree is what a desk of N tickets looks like; the history
//!   has one commit per ticket, as if each had been imported.
//! - `history`: about five commits per ticket (created, assigned, replies and
//!   notes, status changes, sometimes a reopen and a rating), each touching one
//!   ticket file, authored by whoever acted, all in chronological order.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};

use desk::model::{Comment, Rating, Ticket, TicketId, Visibility, render_ticket};
use desk::store::{DEFAULT_BRANCH, commit_summary};
use desk::workflow::{CONFIG_PATH, Config};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Number of tickets.
    pub tickets: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// About five commits per ticket instead of one.
    pub history: bool,
    /// Repack after the import (`git repack -a -d -f`), as `git gc` or a clone
    /// would leave the objects. `git fast-import` stores each blob as a delta of
    /// the one before it in the stream, an unrelated ticket, in chains up to 50
    /// long: reading every ticket of such a pack is many times slower than of
    /// a packed repository.
    pub repack: bool,
    /// The end of the generated year: no ticket or event is later.
    pub end: DateTime<Utc>,
}

impl Options {
    /// `tickets` tickets with seed 1, one commit each, ending at [`DEFAULT_END`], repacked.
    pub fn new(tickets: usize) -> Options {
        Options { tickets, seed: 1, history: false, repack: true, end: default_end() }
    }
}

/// The default end of the generated year (desk's test clock).
pub const DEFAULT_END: &str = "2026-11-28T12:00:00Z";

/// [`DEFAULT_END`] as a time.
pub fn default_end() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(DEFAULT_END).expect("DEFAULT_END is RFC 3339").with_timezone(&Utc)
}

/// What was generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generated {
    pub tickets: usize,
    /// Commits on the desk branch, the initial `desk init` included.
    pub commits: usize,
}

/// Why a helpdesk could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{0}: the repository already has a desk branch; choose an empty directory")]
    Exists(PathBuf),
    #[error("running git: {0}")]
    Io(#[from] io::Error),
    #[error("git {command} failed: {stderr}")]
    Git { command: String, stderr: String },
}

/// Creates (or reuses) the git repository at `out` and fills its desk branch.
/// The branch must not exist yet.
pub fn generate(out: &Path, opts: &Options) -> Result<Generated, GenError> {
    std::fs::create_dir_all(out)?;
    let is_repo = git(out, &["rev-parse", "--git-dir"]).is_ok();
    if !is_repo {
        git(out, &["init", "-q"])?;
    }
    let branch_ref = format!("refs/heads/{DEFAULT_BRANCH}");
    if git(out, &["rev-parse", "--verify", "-q", &branch_ref]).is_ok() {
        return Err(GenError::Exists(out.to_path_buf()));
    }
    let mut child = Command::new("git")
        .current_dir(out)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let written = write_stream(&mut BufWriter::with_capacity(1 << 20, stdin), opts);
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(GenError::Git {
            command: "fast-import".into(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    let written = written?;
    if opts.repack {
        git(out, &["repack", "-a", "-d", "-f", "-q"])?;
    }
    Ok(written)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, GenError> {
    let output = Command::new("git").current_dir(dir).args(args).stdin(Stdio::null()).output()?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(GenError::Git {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

/// Writes the `git fast-import` stream of a helpdesk to `w` (and flushes it).
pub fn write_stream(w: &mut impl Write, opts: &Options) -> io::Result<Generated> {
    let mut rng = Rng::new(opts.seed);
    let people = People::new(&mut rng, opts.tickets);
    let end = opts.end.timestamp();
    let start = end - YEAR;
    let mut ids = HashSet::with_capacity(opts.tickets);
    let mut plans: Vec<Plan> = (0..opts.tickets)
        .map(|_| {
            let id = loop {
                let id = rng.ticket_id();
                if ids.insert(id.clone()) {
                    break id;
                }
            };
            plan_ticket(&mut rng, &people, id, start, end)
        })
        .collect();
    drop(ids);

    writeln!(w, "feature done")?;
    let init_time = start - DAY;
    let config = if opts.history { service_config(&people) } else { Config::default_text() };
    let mut commits = 1;
    write_commit(w, &people.agents[0], init_time, "desk init\n", CONFIG_PATH, config.as_bytes())?;

    if opts.history {
        let mut order: Vec<(i64, u32, u16)> = Vec::with_capacity(plans.iter().map(|p| p.events.len()).sum());
        for (t, plan) in plans.iter().enumerate() {
            let t = u32::try_from(t).expect("fewer than 4 billion tickets");
            for (e, event) in plan.events.iter().enumerate() {
                order.push((event.time, t, u16::try_from(e).expect("a ticket has few events")));
            }
        }
        order.sort_unstable();
        for (_, t, e) in order {
            let plan = &mut plans[t as usize];
            let (time, author) = (plan.events[e as usize].time, plan.events[e as usize].author);
            let verb = plan.apply(usize::from(e));
            let ticket = plan.ticket.as_ref().expect("the first event creates the ticket");
            let message = message(verb, ticket);
            let text = render_ticket(ticket);
            write_commit(w, people.person(author), time, &message, &ticket.id.path(), text.as_bytes())?;
            commits += 1;
        }
    } else {
        let mut finished: Vec<(i64, usize, Ticket)> = plans
            .into_iter()
            .map(|mut plan| {
                let created = plan.events[0].time;
                let author = plan.events[0].author;
                for e in 0..plan.events.len() {
                    plan.apply(e);
                }
                (created, author, plan.ticket.expect("the first event creates the ticket"))
            })
            .collect();
        finished.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.id.cmp(&b.2.id)));
        for (time, author, ticket) in &finished {
            let text = render_ticket(ticket);
            write_commit(
                w,
                people.person(*author),
                *time,
                &message("new", ticket),
                &ticket.id.path(),
                text.as_bytes(),
            )?;
            commits += 1;
        }
    }
    writeln!(w, "done")?;
    w.flush()?;
    Ok(Generated { tickets: opts.tickets, commits })
}

/// The commit message desk writes for one ticket change.
fn message(verb: &str, ticket: &Ticket) -> String {
    format!("{}\n\nDesk-Ticket: {}\n", commit_summary(verb, ticket), ticket.id)
}

fn write_commit(
    w: &mut impl Write,
    person: &Person,
    time: i64,
    message: &str,
    path: &str,
    content: &[u8],
) -> io::Result<()> {
    let ident = format!("{} <{}> {time} +0000", person.name, person.email);
    writeln!(w, "commit refs/heads/{DEFAULT_BRANCH}")?;
    writeln!(w, "author {ident}")?;
    writeln!(w, "committer {ident}")?;
    writeln!(w, "data {}", message.len())?;
    w.write_all(message.as_bytes())?;
    writeln!(w, "M 100644 inline {path}")?;
    writeln!(w, "data {}", content.len())?;
    w.write_all(content)?;
    writeln!(w)
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const YEAR: i64 = 365 * DAY;

/// `SplitMix64`: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n fits usize")
    }

    /// A number of seconds in `lo..hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).expect("hi > lo").max(1);
        lo + i64::try_from(self.next() % span).expect("span fits i64")
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// An index into `weights`, chosen in proportion to them.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut n = self.below(weights.iter().sum());
        for (i, w) in weights.iter().enumerate() {
            if n < *w {
                return i;
            }
            n -= w;
        }
        weights.len() - 1
    }

    /// Ten Crockford base32 characters, as desk's ids.
    fn id_text(&mut self) -> String {
        const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
        let mut n = self.next();
        (0..desk::model::ID_LEN)
            .map(|_| {
                let c = ALPHABET[usize::try_from(n & 31).expect("5 bits fit")] as char;
                n >>= 5;
                c
            })
            .collect()
    }

    fn ticket_id(&mut self) -> TicketId {
        TicketId::parse(&self.id_text()).expect("generated ids use the id alphabet")
    }
}

struct Person {
    name: String,
    email: String,
}

impl Person {
    fn full(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

/// The desk.yaml of a helpdesk generated with history: the default workflow,
/// the generator's agents in two teams, an office calendar and two SLA policies,
/// so that service-level commands have clocks to compute.
fn service_config(people: &People) -> String {
    use std::fmt::Write as _;
    let mut text = Config::default_text().replace("agents: []\n", "").replace("teams: []\n", "");
    text.push_str("agents:\n");
    for agent in &people.agents {
        writeln!(text, "  - {{name: {}, email: {}}}", agent.name, agent.email)
            .expect("a String takes any text");
    }
    let (first, second) = people.agents.split_at(people.agents.len() / 2);
    let members = |agents: &[Person]| agents.iter().map(|a| a.email.as_str()).collect::<Vec<_>>().join(", ");
    writeln!(
        text,
        "teams:\n  - {{name: it, members: [{}], queues: [it, security, facilities]}}\n  \
         - {{name: support, members: [{}], queues: [support, billing]}}",
        members(first),
        members(second)
    )
    .expect("a String takes any text");
    text.push_str(SERVICE_LEVELS);
    text
}

const SERVICE_LEVELS: &str = "\
calendars:
  office:
    timezone: Europe/Berlin
    hours:
      mon: [\"08:00-18:00\"]
      tue: [\"08:00-18:00\"]
      wed: [\"08:00-18:00\"]
      thu: [\"08:00-18:00\"]
      fri: [\"08:00-18:00\"]
    holidays: [2025-12-24, 2025-12-25, 2025-12-26, 2026-01-01, 2026-04-03, 2026-04-06, 2026-05-01]
sla:
  - name: security
    match: \"queue:security\"
    targets:
      urgent: {first_response: 30m, next_response: 1h, resolution: 4h}
      high: {first_response: 1h, next_response: 2h, resolution: 1d}
      normal: {first_response: 4h, resolution: 2d}
    warning: 25%
  - name: standard
    calendar: office
    targets:
      urgent: {first_response: 1h, next_response: 2h, resolution: 8h}
      high: {first_response: 2h, next_response: 4h, resolution: 16h}
      normal: {first_response: 4h, next_response: 8h, resolution: 1d}
      low: {first_response: 8h, resolution: 2d}
    warning: 1h
";

/// Agents first, then requesters; events name people by index.
struct People {
    agents: Vec<Person>,
    requesters: Vec<Person>,
}

impl People {
    fn new(rng: &mut Rng, tickets: usize) -> People {
        let agents = AGENTS
            .iter()
            .map(|name| {
                let email = format!("{}@helpdesk.example.com", name.to_lowercase().replace(' ', "."));
                Person { name: (*name).to_owned(), email }
            })
            .collect();
        let count = (tickets / 4).clamp(20, 5000);
        let requesters = (0..count)
            .map(|i| {
                let first = rng.pick(FIRST_NAMES);
                let last = rng.pick(LAST_NAMES);
                let domain = rng.pick(DOMAINS);
                let email = format!("{}.{}{i}@{domain}", first.to_lowercase(), last.to_lowercase());
                Person { name: format!("{first} {last}"), email }
            })
            .collect();
        People { agents, requesters }
    }

    fn person(&self, index: usize) -> &Person {
        if index < self.agents.len() {
            &self.agents[index]
        } else {
            &self.requesters[index - self.agents.len()]
        }
    }

    fn agent(&self, rng: &mut Rng) -> usize {
        rng.below(self.agents.len())
    }

    fn requester(&self, rng: &mut Rng) -> usize {
        self.agents.len() + rng.below(self.requesters.len())
    }
}

/// What one commit does to its ticket.
enum Action {
    Create(Box<Ticket>),
    Assign(String),
    /// A reply or note; a reply to a new ticket opens it, as `desk reply` does.
    Comment(Comment),
    /// A status change, with the verb of the command that makes it.
    Status(&'static str, &'static str),
    Rate(Rating),
}

struct Event {
    time: i64,
    /// Index into [`People`].
    author: usize,
    /// Taken when applied.
    action: Option<Action>,
}

/// One ticket's life: its events, and its state after those applied so far.
struct Plan {
    events: Vec<Event>,
    ticket: Option<Ticket>,
}

impl Plan {
    /// Applies event `e` and returns the verb of its commit.
    fn apply(&mut self, e: usize) -> &'static str {
        let event = &mut self.events[e];
        let action = event.action.take().expect("each event is applied once");
        let at = DateTime::from_timestamp(event.time, 0).expect("generated times are in range");
        let verb = match action {
            Action::Create(ticket) => {
                self.ticket = Some(*ticket);
                return "new";
            }
            Action::Assign(agent) => {
                self.ticket_mut().assignee = Some(agent);
                "assign"
            }
            Action::Comment(comment) => {
                let t = self.ticket_mut();
                let verb = if comment.visibility == Visibility::Public { "reply" } else { "note" };
                if comment.visibility == Visibility::Public && t.status == "new" {
                    "open".clone_into(&mut t.status);
                }
                t.comments.push(comment);
                verb
            }
            Action::Status(status, verb) => {
                status.clone_into(&mut self.ticket_mut().status);
                verb
            }
            Action::Rate(rating) => {
                self.ticket_mut().rating = Some(rating);
                "rate"
            }
        };
        self.ticket_mut().updated = at;
        verb
    }

    fn ticket_mut(&mut self) -> &mut Ticket {
        self.ticket.as_mut().expect("the first event creates the ticket")
    }
}

/// Builds one ticket's events, all between its creation and `end`.
fn plan_ticket(rng: &mut Rng, people: &People, id: TicketId, start: i64, end: i64) -> Plan {
    // Final state: about 60% not done.
    let statuses = ["new", "open", "pending", "resolved", "closed"];
    let fate = statuses[rng.weighted(&[10, 30, 20, 25, 15])];
    let created = rng.between(start, end - HOUR);
    let requester = people.requester(rng);
    let agent = people.agent(rng);
    let ticket = new_ticket(rng, people, id, created, requester);
    let mut p = Planner {
        people,
        end,
        now: created,
        requester,
        agent,
        events: vec![Event {
            time: created,
            author: requester,
            action: Some(Action::Create(Box::new(ticket))),
        }],
    };
    if fate == "new" {
        if rng.chance(40) {
            let t = p.step(rng, 5 * MINUTE, 4 * HOUR);
            p.push(t, agent, Action::Assign(people.person(agent).full()));
        }
        if rng.chance(20) {
            p.comment(rng, agent, 10 * MINUTE, DAY, Visibility::Internal);
        }
        return Plan { events: p.events, ticket: None };
    }
    let t = p.step(rng, 5 * MINUTE, 4 * HOUR);
    p.push(t, agent, Action::Assign(people.person(agent).full()));
    p.comment(rng, agent, 10 * MINUTE, DAY, Visibility::Public);
    let mut comments = 1;
    if rng.chance(50) {
        p.comment(rng, agent, 5 * MINUTE, 6 * HOUR, Visibility::Internal);
        comments += 1;
    }
    if rng.chance(35) {
        p.comment(rng, requester, HOUR, 2 * DAY, Visibility::Public);
        comments += 1;
    }
    match fate {
        "open" => {
            if rng.chance(40) && comments < 4 {
                p.comment(rng, agent, 30 * MINUTE, DAY, Visibility::Public);
            }
        }
        "pending" => {
            let t = p.step(rng, 10 * MINUTE, DAY);
            p.push(t, agent, Action::Status("pending", "status"));
        }
        _ => p.resolve(rng, comments, fate == "closed"),
    }
    Plan { events: p.events, ticket: None }
}

/// A new ticket as its requester opens it.
fn new_ticket(rng: &mut Rng, people: &People, id: TicketId, created: i64, requester: usize) -> Ticket {
    let at = DateTime::from_timestamp(created, 0).expect("generated times are in range");
    let priority = ["low", "normal", "high", "urgent"][rng.weighted(&[20, 50, 22, 8])];
    let mut ticket = Ticket::new(id, title(rng), "new".into(), priority.into(), at);
    ticket.queue = Some(rng.pick(QUEUES).to_owned());
    ticket.requester = Some(people.person(requester).full());
    for _ in 0..rng.weighted(&[35, 40, 20, 5]) {
        ticket.add_label(rng.pick(LABELS));
    }
    ticket.description = paragraphs(rng, DESCRIPTION_SENTENCES, 2, 6);
    ticket
}

/// The events of one ticket as they are planned, in time order.
struct Planner<'a> {
    people: &'a People,
    end: i64,
    /// The time of the last event.
    now: i64,
    requester: usize,
    agent: usize,
    events: Vec<Event>,
}

impl Planner<'_> {
    /// The time of the next event: between `lo` and `hi` after the last one.
    fn step(&mut self, rng: &mut Rng, lo: i64, hi: i64) -> i64 {
        self.now = rng.between(self.now + lo, self.now + hi);
        self.now
    }

    /// Adds an event, unless it falls after the end of the history.
    fn push(&mut self, time: i64, author: usize, action: Action) {
        if time < self.end {
            self.events.push(Event { time, author, action: Some(action) });
        }
    }

    /// Adds a reply or note by `author`, between `lo` and `hi` after the last event.
    fn comment(&mut self, rng: &mut Rng, author: usize, lo: i64, hi: i64, visibility: Visibility) {
        let time = self.step(rng, lo, hi);
        let sentences = match (visibility, author < self.people.agents.len()) {
            (Visibility::Internal, _) => NOTE_SENTENCES,
            (Visibility::Public, true) => AGENT_SENTENCES,
            (Visibility::Public, false) => REQUESTER_SENTENCES,
        };
        let c = Comment {
            id: rng.id_text(),
            author: self.people.person(author).full(),
            date: DateTime::from_timestamp(time, 0).expect("generated times are in range"),
            visibility,
            automated: false,
            merged: false,
            body: paragraphs(rng, sentences, 1, 4),
        };
        self.push(time, author, Action::Comment(c));
    }

    /// Resolves the ticket, sometimes reopened and resolved again, sometimes
    /// rated, and closed when `close`.
    fn resolve(&mut self, rng: &mut Rng, comments: usize, close: bool) {
        let (agent, requester) = (self.agent, self.requester);
        let t = self.step(rng, HOUR, 3 * DAY);
        self.push(t, agent, Action::Status("resolved", "resolve"));
        if rng.chance(15) {
            let t = self.step(rng, HOUR, 4 * DAY);
            self.push(t, requester, Action::Status("open", "reopen"));
            if comments < 4 {
                self.comment(rng, agent, 30 * MINUTE, DAY, Visibility::Public);
            }
            let t = self.step(rng, HOUR, 2 * DAY);
            self.push(t, agent, Action::Status("resolved", "resolve"));
        }
        if rng.chance(40) {
            let t = self.step(rng, HOUR, 3 * DAY);
            let score = [1u8, 2, 3, 4, 5][rng.weighted(&[5, 7, 13, 30, 45])];
            let remark = rng.chance(50).then(|| rng.pick(RATING_COMMENTS).to_owned());
            let date = DateTime::from_timestamp(t, 0).expect("generated times are in range");
            self.push(t, requester, Action::Rate(Rating { score, comment: remark, date }));
        }
        if close {
            let t = self.step(rng, DAY, 7 * DAY);
            self.push(t, agent, Action::Status("closed", "close"));
        }
    }
}

fn title(rng: &mut Rng) -> String {
    let subject = rng.pick(SUBJECTS);
    let problem = rng.pick(PROBLEMS);
    match rng.below(4) {
        0 => format!("{subject} {problem} since {}", rng.pick(WHEN)),
        _ => format!("{subject} {problem}"),
    }
}

/// Between `lo` and `hi` sentences, in paragraphs of one to three.
fn paragraphs(rng: &mut Rng, sentences: &[&str], lo: usize, hi: usize) -> String {
    let count = lo + rng.below(hi - lo + 1);
    let mut out = String::new();
    let mut in_paragraph = 0;
    for i in 0..count {
        if i > 0 {
            if in_paragraph > rng.below(3) {
                out.push_str("\n\n");
                in_paragraph = 0;
            } else {
                out.push(' ');
            }
        }
        out.push_str(rng.pick(sentences));
        in_paragraph += 1;
    }
    out
}

const AGENTS: &[&str] = &[
    "Bob Agent",
    "Alice Support",
    "Carlos Mendes",
    "Dana Whitfield",
    "Emeka Obi",
    "Fatima Rahman",
    "Gustav Lind",
    "Hana Sato",
    "Ivan Petrov",
    "Julia Costa",
    "Kofi Mensah",
    "Lena Vogel",
];

const FIRST_NAMES: &[&str] = &[
    "Jane", "John", "Maria", "Ahmed", "Li", "Sofia", "Lucas", "Emma", "Noah", "Olivia", "Liam", "Ava",
    "Mateo", "Mia", "Arjun", "Chloe", "Yuki", "Ines", "Tomas", "Nora", "Omar", "Priya", "Samuel", "Zoe",
    "Felix", "Amara", "Hugo", "Leila", "Oscar", "Rosa", "Victor", "Wen", "Aisha", "Daniel", "Elena", "Jonas",
    "Kenji", "Lucia", "Marek", "Nadia",
];

const LAST_NAMES: &[&str] = &[
    "Doe",
    "Smith",
    "Garcia",
    "Khan",
    "Wei",
    "Rossi",
    "Martin",
    "Novak",
    "Jensen",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Moreau",
    "Fischer",
    "Patel",
    "Costa",
    "Ivanova",
    "Brown",
    "Lopez",
    "Schmidt",
    "Murphy",
    "Andersson",
    "Dubois",
    "Yilmaz",
    "Kim",
    "Santos",
    "Berg",
    "Walsh",
    "Cohen",
    "Rahman",
    "Ortiz",
    "Meyer",
    "Popescu",
    "Horvat",
    "Lindqvist",
    "Mwangi",
];

const DOMAINS: &[&str] = &["example.com", "example.org", "corp.example.net", "customer.example"];

const QUEUES: &[&str] = &["it", "it", "it", "support", "support", "billing", "facilities", "security"];

const LABELS: &[&str] = &[
    "hardware",
    "printer",
    "network",
    "vpn",
    "email",
    "access",
    "billing",
    "bug",
    "feature-request",
    "password",
    "laptop",
    "software",
    "onboarding",
    "area/network",
    "area/accounts",
    "vip",
    "follow-up",
    "known-issue",
];

const SUBJECTS: &[&str] = &[
    "Printer on 3rd floor",
    "VPN connection",
    "My laptop",
    "Outlook",
    "The shared drive",
    "Wi-Fi in meeting room B",
    "Invoice 2026-0412",
    "Password reset page",
    "Second monitor",
    "Badge reader at the main entrance",
    "Calendar invites",
    "The payroll portal",
    "Docking station",
    "Desk phone",
    "Build server",
    "The CRM export",
    "Video calls",
    "Expense report upload",
    "Two-factor login",
    "The coffee machine on 2nd floor",
    "Customer portal",
    "Mobile app",
    "License for the design tool",
    "New starter account",
];

const PROBLEMS: &[&str] = &[
    "does not work",
    "keeps disconnecting",
    "is very slow",
    "shows error 0x42",
    "cannot be reached",
    "asks for my password again and again",
    "stopped working after the update",
    "needs access for a new colleague",
    "is missing",
    "crashes on start",
    "shows the wrong amount",
    "is blocked",
    "sends duplicate emails",
    "times out",
    "was charged twice",
    "does not sync",
];

const WHEN: &[&str] =
    &["Monday", "this morning", "yesterday", "the last update", "last week", "the office move"];

const DESCRIPTION_SENTENCES: &[&str] = &[
    "It started this morning and nothing I tried helped.",
    "I restarted the machine twice, the problem is still there.",
    "Colleagues in the same room have the same issue.",
    "The error message says: `connection refused (code 0x42)`.",
    "This blocks me from finishing the monthly report.",
    "It worked fine until last Friday.",
    "I attached a screenshot of the error to my email.",
    "Could someone have a look today? We have a customer demo tomorrow.",
    "I am working from home this week, so remote help would be best.",
    "Steps to reproduce: open the app, log in, click **Export**.",
    "The light on the device blinks orange.",
    "I already cleared the cache and cookies.",
    "My manager approved the request last week.",
    "We are a team of five and all of us need access.",
    "The invoice number is on the first page of the PDF.",
    "Nothing has changed on my side as far as I know.",
    "The problem only happens on the office network, not at home.",
    "It is not urgent, but it is annoying.",
];

const AGENT_SENTENCES: &[&str] = &[
    "Thanks for reporting this, I am looking into it now.",
    "Could you send me the exact error message and the time it happened?",
    "I reset your account; please log out and in again.",
    "We pushed a fix to the affected machines this afternoon.",
    "This is a known issue and our vendor is working on it.",
    "Please try again now and let me know if the problem persists.",
    "I have ordered a replacement; it should arrive within two days.",
    "Your access has been granted, it can take up to an hour to apply.",
    "I refunded the duplicate charge; you will see it on your next statement.",
    "Can you restart the device and check whether the light turns green?",
    "I will pass by your desk after lunch to take a look.",
];

const REQUESTER_SENTENCES: &[&str] = &[
    "Thanks, that fixed it!",
    "Unfortunately it still does not work.",
    "The error is `timeout after 30s`, it happened at 9:14.",
    "I tried that, same result.",
    "It works again, thank you for the quick help.",
    "Any news on this? It is getting urgent.",
    "Yes, I restarted it, the light is still orange.",
];

const NOTE_SENTENCES: &[&str] = &[
    "Checked the logs: the switch port flapped at 08:55.",
    "Vendor ticket opened, reference VX-20931.",
    "Same root cause as last month's outage, see the post-mortem.",
    "User is on the VIP list; keep the manager informed.",
    "Needs approval from finance before we proceed.",
    "Escalated to second line.",
    "Workaround applied, permanent fix planned for the next maintenance window.",
];

const RATING_COMMENTS: &[&str] = &[
    "Fast and friendly, thanks!",
    "Took a while but it is fixed.",
    "Great help.",
    "The problem came back twice.",
    "Very professional.",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(opts: &Options) -> (String, Generated) {
        let mut out = Vec::new();
        let generated = write_stream(&mut out, opts).unwrap();
        (String::from_utf8(out).unwrap(), generated)
    }

    #[test]
    fn the_same_seed_gives_the_same_stream_and_another_seed_does_not() {
        let opts = Options::new(30);
        assert_eq!(stream(&opts).0, stream(&opts).0);
        let other = Options { seed: 2, ..opts };
        assert_ne!(stream(&Options::new(30)).0, stream(&other).0);
    }

    #[test]
    fn default_mode_makes_one_commit_per_ticket_in_time_order() {
        let (text, generated) = stream(&Options::new(40));
        assert_eq!(generated, Generated { tickets: 40, commits: 41 });
        assert_eq!(text.lines().filter(|l| *l == "commit refs/heads/desk").count(), 41);
        let times: Vec<i64> = text
            .lines()
            .filter_map(|l| l.strip_prefix("author "))
            .map(|l| l.rsplit(' ').nth(1).unwrap().parse().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "author times are in order");
        assert!(text.contains("\nDesk-Ticket: "));
    }

    #[test]
    fn history_mode_makes_about_five_commits_per_ticket_and_a_realistic_mix() {
        let opts = Options { history: true, ..Options::new(400) };
        let (text, generated) = stream(&opts);
        let commits = generated.commits - 1;
        assert!((4 * 400..6 * 400).contains(&commits), "{commits} commits for 400 tickets");
        for verb in
            [" new: ", " assign: ", " reply: ", " note: ", " resolve: ", " close: ", " reopen: ", " rate: "]
        {
            assert!(text.contains(verb), "some commit says{verb}");
        }
        let mut plans_rng = Rng::new(1);
        let people = People::new(&mut plans_rng, 400);
        let end = opts.end.timestamp();
        let mut not_done = 0;
        for _ in 0..400 {
            let id = plans_rng.ticket_id();
            let mut plan = plan_ticket(&mut plans_rng, &people, id, end - YEAR, end);
            for e in 0..plan.events.len() {
                plan.apply(e);
            }
            let t = plan.ticket.unwrap();
            assert!(t.comments.len() <= 4);
            assert!(t.updated.timestamp() < end && t.created <= t.updated);
            if !matches!(t.status.as_str(), "resolved" | "closed") {
                not_done += 1;
            }
        }
        assert!((200..280).contains(&not_done), "{not_done} of 400 not done");
    }

    #[test]
    fn every_rendered_ticket_parses_back() {
        let mut rng = Rng::new(7);
        let people = People::new(&mut rng, 100);
        let end = default_end().timestamp();
        for _ in 0..100 {
            let id = rng.ticket_id();
            let mut plan = plan_ticket(&mut rng, &people, id, end - YEAR, end);
            for e in 0..plan.events.len() {
                plan.apply(e);
                let t = plan.ticket.as_ref().unwrap();
                assert_eq!(&desk::model::parse_ticket(&render_ticket(t)).unwrap(), t);
            }
        }
    }
}
