//! The `workflow:` section: the statuses, the fixed category each belongs to,
//! the changes allowed between them, and the rules every change obeys.

use std::fmt;

use serde::Deserialize;

use super::check::{Checker, YamlPath};

/// The fixed category of a status, as Zendesk has them: what desk and its
/// reports make of a status whatever the team calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Nobody has answered yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting for the requester; pauses service-level clocks.
    Pending,
    /// Waiting for someone else (a vendor, a part); pauses service-level clocks.
    OnHold,
    /// The requester has what they asked for; done, and can be reopened.
    Solved,
    /// Finished for good; done, and never changed again.
    Closed,
    /// Merged into another ticket; done.
    Merged,
}

impl Category {
    /// Every category, in workflow order.
    pub const ALL: [Category; 7] = [
        Category::New,
        Category::Open,
        Category::Pending,
        Category::OnHold,
        Category::Solved,
        Category::Closed,
        Category::Merged,
    ];

    /// The name desk.yaml and JSON use.
    pub fn name(self) -> &'static str {
        match self {
            Category::New => "new",
            Category::Open => "open",
            Category::Pending => "pending",
            Category::OnHold => "on_hold",
            Category::Solved => "solved",
            Category::Closed => "closed",
            Category::Merged => "merged",
        }
    }

    /// The category called `name`.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether a ticket in it is finished: solved, closed or merged.
    pub fn is_done(self) -> bool {
        matches!(self, Category::Solved | Category::Closed | Category::Merged)
    }

    /// Whether it pauses service-level clocks: pending and on-hold.
    pub fn pauses(self) -> bool {
        matches!(self, Category::Pending | Category::OnHold)
    }

    /// Whether a ticket in it can no longer be changed: closed.
    pub fn is_final(self) -> bool {
        self == Category::Closed
    }

    /// The categories a message from the requester reopens: pending, on-hold, solved.
    pub fn reopens_on_requester_message(self) -> bool {
        matches!(self, Category::Pending | Category::OnHold | Category::Solved)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One status of the workflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    pub category: Category,
    /// The statuses a ticket may move to from this one; `None`: any.
    pub transitions: Option<Vec<String>>,
}

impl PartialEq<str> for Status {
    /// A status is its name.
    fn eq(&self, name: &str) -> bool {
        self.name == name
    }
}

/// Ticket states, their categories and the changes allowed between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// In workflow order.
    pub statuses: Vec<Status>,
    /// The status of a new ticket.
    pub initial: String,
    /// The status `desk reopen`, an agent's first reply to a ticket in the
    /// initial status and a requester's message on a pending, on-hold or
    /// solved ticket move it to.
    pub reopen: String,
}

/// Why a status change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransitionError {
    /// The target is of category new and the ticket is not: nothing goes back to new.
    BackToNew { from: String, to: String, allowed: Vec<String> },
    /// The transitions of the current status do not name the target.
    NotAllowed { from: String, to: String, allowed: Vec<String> },
}

impl TransitionError {
    /// The statuses the ticket may move to instead.
    pub fn allowed(&self) -> &[String] {
        match self {
            TransitionError::BackToNew { allowed, .. } | TransitionError::NotAllowed { allowed, .. } => {
                allowed
            }
        }
    }
}

impl std::error::Error for TransitionError {}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (from, allowed) = match self {
            TransitionError::BackToNew { from, to, allowed } => {
                write!(f, "a ticket never goes back to '{to}' (category new)")?;
                (from, allowed)
            }
            TransitionError::NotAllowed { from, to, allowed } => {
                write!(f, "status '{to}' is not allowed from '{from}'")?;
                (from, allowed)
            }
        };
        if allowed.is_empty() {
            write!(f, "; no status change is allowed from '{from}'")
        } else {
            write!(f, "; allowed from '{from}': {}", allowed.join(", "))
        }
    }
}

impl Workflow {
    /// The status called `name`.
    pub fn status(&self, name: &str) -> Option<&Status> {
        self.statuses.iter().find(|s| s.name == name)
    }

    /// The names of the statuses, in workflow order.
    pub fn names(&self) -> Vec<String> {
        self.statuses.iter().map(|s| s.name.clone()).collect()
    }

    /// The category of the status called `name`.
    pub fn category(&self, name: &str) -> Option<Category> {
        self.status(name).map(|s| s.category)
    }

    /// The first status of a category, in workflow order.
    pub fn first_of(&self, category: Category) -> Option<&str> {
        self.statuses.iter().find(|s| s.category == category).map(|s| s.name.as_str())
    }

    /// The statuses a ticket in status `from` may be moved to by someone:
    /// its transitions (any status when it has none), without `from` itself,
    /// and without the statuses of category new unless `from` is one.
    pub fn allowed_from(&self, from: &str) -> Vec<String> {
        let from_new = self.category(from) == Some(Category::New);
        let listed = self.status(from).and_then(|s| s.transitions.as_ref());
        self.statuses
            .iter()
            .filter(|s| s.name != from)
            .filter(|s| listed.is_none_or(|l| l.contains(&s.name)))
            .filter(|s| from_new || s.category != Category::New)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Whether someone may move a ticket from `from` to `to` (both known
    /// statuses). Staying is always allowed; desk's own moves (a first reply, a
    /// requester's message) are the workflow's and are not checked.
    pub fn check_transition(&self, from: &str, to: &str) -> Result<(), TransitionError> {
        if from == to {
            return Ok(());
        }
        let allowed = self.allowed_from(from);
        if allowed.iter().any(|s| s == to) {
            return Ok(());
        }
        if self.category(to) == Some(Category::New) && self.category(from) != Some(Category::New) {
            return Err(TransitionError::BackToNew { from: from.to_owned(), to: to.to_owned(), allowed });
        }
        Err(TransitionError::NotAllowed { from: from.to_owned(), to: to.to_owned(), allowed })
    }
}

/// `workflow:` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkflow {
    statuses: Vec<RawStatus>,
    /// The first form's list of finished statuses.
    #[serde(default)]
    done: Option<Vec<String>>,
    #[serde(default)]
    initial: Option<String>,
    #[serde(default)]
    reopen: Option<String>,
}

/// A status as written: a name, or `{name, category, transitions}`.
enum RawStatus {
    Name(String),
    Full(FullStatus),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullStatus {
    name: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    transitions: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for RawStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = RawStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status name or {name, category, transitions}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawStatus, E> {
                Ok(RawStatus::Name(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawStatus, A::Error> {
                FullStatus::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawStatus::Full)
            }
        }
        d.deserialize_any(Either)
    }
}

impl RawStatus {
    fn name(&self) -> &str {
        match self {
            RawStatus::Name(n) | RawStatus::Full(FullStatus { name: n, .. }) => n,
        }
    }
}

/// The category of a status written as a plain name (or without a
/// category): with a `done` list (desk's first form), a done status is
/// solved, or closed when it is called `closed`, and no other status is
/// done; without one, `solved` and `resolved` are solved, `closed` closed and
/// `merged` merged. Then `pending` is pending, `on_hold` and `on-hold` on
/// hold, the initial status new, and every other status open.
pub fn default_category(name: &str, done: Option<&[String]>, initial: &str) -> Category {
    match done {
        Some(done) if done.iter().any(|d| d == name) => {
            return if name == "closed" { Category::Closed } else { Category::Solved };
        }
        Some(_) => {}
        None => match name {
            "solved" | "resolved" => return Category::Solved,
            "closed" => return Category::Closed,
            "merged" => return Category::Merged,
            _ => {}
        },
    }
    match name {
        "pending" => Category::Pending,
        "on_hold" | "on-hold" => Category::OnHold,
        _ if name == initial => Category::New,
        _ => Category::Open,
    }
}

/// The initial status when `initial` is not given: the first status with the
/// category new written out, else one called `new`, else the first status.
fn default_initial(raw: &[RawStatus]) -> String {
    let explicit = raw.iter().find_map(|s| match s {
        RawStatus::Full(f) if f.category.as_deref() == Some("new") => Some(f.name.clone()),
        _ => None,
    });
    explicit
        .or_else(|| raw.iter().find(|s| s.name() == "new").map(|s| s.name().to_owned()))
        .or_else(|| raw.first().map(|s| s.name().to_owned()))
        .unwrap_or_default()
}

/// Builds the workflow from what was written, recording every problem.
pub(super) fn build(raw: &RawWorkflow, c: &mut Checker<'_>) -> Option<Workflow> {
    let at = YamlPath::section("workflow");
    let before = c.count();
    if raw.statuses.is_empty() {
        c.problem(at.key("statuses"), "no statuses are listed");
        return None;
    }
    let initial = raw.initial.clone().unwrap_or_else(|| default_initial(&raw.statuses));
    let names: Vec<&str> = raw.statuses.iter().map(RawStatus::name).collect();
    let mut statuses = Vec::with_capacity(raw.statuses.len());
    for (i, s) in raw.statuses.iter().enumerate() {
        let path = at.key("statuses").index(i);
        let name_path = if matches!(s, RawStatus::Full(_)) { path.key("name") } else { path.clone() };
        if let Err(problem) = super::check_name(s.name()) {
            c.problem(name_path.clone(), problem);
        } else if names[..i].contains(&s.name()) {
            c.problem(name_path, format!("`{}` is listed twice", s.name()));
        }
        let mut category = default_category(s.name(), raw.done.as_deref(), &initial);
        let mut transitions = None;
        if let RawStatus::Full(f) = s {
            if let Some(written) = &f.category {
                match Category::parse(written) {
                    Some(cat) => category = cat,
                    None => c.problem(
                        path.key("category"),
                        format!("unknown category `{written}`; categories: {}", category_names()),
                    ),
                }
            }
            transitions.clone_from(&f.transitions);
        }
        statuses.push(Status { name: s.name().to_owned(), category, transitions });
    }
    let workflow = Workflow { statuses, initial, reopen: String::new() };
    let reopen = raw.reopen.clone().or_else(|| workflow.first_of(Category::Open).map(str::to_owned));
    let workflow = Workflow { reopen: reopen.clone().unwrap_or_default(), ..workflow };
    check_references(raw, &workflow, c);
    if reopen.is_none() {
        c.problem(
            at.key("reopen"),
            "no status of category open to reopen tickets to; name one in workflow.reopen",
        );
    }
    (c.count() == before).then_some(workflow)
}

fn category_names() -> String {
    Category::ALL.map(Category::name).join(", ")
}

/// Checks the statuses `done`, `initial`, `reopen` and the transitions name.
fn check_references(raw: &RawWorkflow, w: &Workflow, c: &mut Checker<'_>) {
    let at = YamlPath::section("workflow");
    let unknown = |s: &str| format!("unknown status `{s}`; statuses: {}", w.names().join(", "));
    for (i, d) in raw.done.iter().flatten().enumerate() {
        match w.status(d) {
            None => c.problem(at.key("done").index(i), unknown(d)),
            Some(s) if !s.category.is_done() => c.problem(
                at.key("done").index(i),
                format!("`{d}` is listed as done but its category is {}", s.category),
            ),
            Some(_) => {}
        }
    }
    if w.status(&w.initial).is_none() {
        c.problem(at.key("initial"), unknown(&w.initial));
    }
    match w.status(&w.reopen) {
        None if raw.reopen.is_some() => c.problem(at.key("reopen"), unknown(&w.reopen)),
        Some(s) if s.category != Category::Open => c.problem(
            at.key("reopen"),
            format!("the reopen status must be of category open; `{}` is {}", s.name, s.category),
        ),
        _ => {}
    }
    for (i, s) in w.statuses.iter().enumerate() {
        for (j, t) in s.transitions.iter().flatten().enumerate() {
            let path = at.key("statuses").index(i).key("transitions").index(j);
            match w.category(t) {
                None => c.problem(path, unknown(t)),
                Some(Category::New) if s.category != Category::New => {
                    c.problem(path, format!("`{t}` is of category new; a ticket never goes back to new"));
                }
                Some(_) => {}
            }
        }
    }
}
