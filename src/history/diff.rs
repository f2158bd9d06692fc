//! What changed between two versions of a ticket, as events. Pure: works on
//! parsed tickets (through [`Facts`], the parts of a ticket events look at).

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::model::{Ticket, Visibility};

/// What happened to a ticket in one commit. `S` is the string type: `String`
/// for callers, an interned symbol inside the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind<S> {
    /// The ticket file appeared, with these values.
    Created {
        status: S,
        priority: S,
        queue: Option<S>,
        requester: Option<S>,
        assignee: Option<S>,
        labels: Vec<S>,
    },
    /// The ticket file was removed.
    Deleted,
    Status {
        from: S,
        to: S,
    },
    Assignee {
        from: Option<S>,
        to: Option<S>,
    },
    Priority {
        from: S,
        to: S,
    },
    Queue {
        from: Option<S>,
        to: Option<S>,
    },
    Labels {
        added: Vec<S>,
        removed: Vec<S>,
    },
    /// A public reply appeared; `author` as written in the ticket file.
    Reply {
        comment: S,
        author: S,
    },
    /// An internal note appeared.
    Note {
        comment: S,
        author: S,
    },
    /// A reply or note was removed (`desk edit`); the actor is the commit's author.
    Removed {
        comment: S,
    },
    /// The rating was given, changed or removed.
    Rating {
        from: Option<u8>,
        to: Option<u8>,
        comment: Option<S>,
    },
    /// Another field changed: `title`, `requester`, `description` (no values) or a custom field.
    Field {
        name: S,
        from: Option<S>,
        to: Option<S>,
    },
}

impl<S> Kind<S> {
    /// The name of the kind, as `desk log --json` prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Created { .. } => "created",
            Kind::Deleted => "deleted",
            Kind::Status { .. } => "status",
            Kind::Assignee { .. } => "assignee",
            Kind::Priority { .. } => "priority",
            Kind::Queue { .. } => "queue",
            Kind::Labels { .. } => "labels",
            Kind::Reply { .. } => "reply",
            Kind::Note { .. } => "note",
            Kind::Removed { .. } => "removed",
            Kind::Rating { .. } => "rating",
            Kind::Field { .. } => "field",
        }
    }

    /// The same event with every string mapped through `f`.
    pub fn map<'a, T>(&'a self, mut f: impl FnMut(&'a S) -> T) -> Kind<T> {
        let opt = |o: &'a Option<S>, f: &mut dyn FnMut(&'a S) -> T| o.as_ref().map(f);
        match self {
            Kind::Created { status, priority, queue, requester, assignee, labels } => Kind::Created {
                status: f(status),
                priority: f(priority),
                queue: opt(queue, &mut f),
                requester: opt(requester, &mut f),
                assignee: opt(assignee, &mut f),
                labels: labels.iter().map(&mut f).collect(),
            },
            Kind::Deleted => Kind::Deleted,
            Kind::Status { from, to } => Kind::Status { from: f(from), to: f(to) },
            Kind::Assignee { from, to } => Kind::Assignee { from: opt(from, &mut f), to: opt(to, &mut f) },
            Kind::Priority { from, to } => Kind::Priority { from: f(from), to: f(to) },
            Kind::Queue { from, to } => Kind::Queue { from: opt(from, &mut f), to: opt(to, &mut f) },
            Kind::Labels { added, removed } => Kind::Labels {
                added: added.iter().map(&mut f).collect(),
                removed: removed.iter().map(&mut f).collect(),
            },
            Kind::Reply { comment, author } => Kind::Reply { comment: f(comment), author: f(author) },
            Kind::Note { comment, author } => Kind::Note { comment: f(comment), author: f(author) },
            Kind::Removed { comment } => Kind::Removed { comment: f(comment) },
            Kind::Rating { from, to, comment } => {
                Kind::Rating { from: *from, to: *to, comment: opt(comment, &mut f) }
            }
            Kind::Field { name, from, to } => {
                Kind::Field { name: f(name), from: opt(from, &mut f), to: opt(to, &mut f) }
            }
        }
    }
}

/// One reply or note, as events see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentFact {
    pub id: String,
    pub author: String,
    pub public: bool,
}

/// The parts of one version of a ticket that events are derived from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub title: String,
    pub status: String,
    pub priority: String,
    pub queue: Option<String>,
    pub requester: Option<String>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    /// Score, comment, date (Unix seconds).
    pub rating: Option<(u8, Option<String>, i64)>,
    /// Custom fields: key and value (a string as it is, anything else as YAML).
    pub fields: Vec<(String, String)>,
    /// A hash of the description, to notice edits without keeping the text.
    pub description: u64,
    pub comments: Vec<CommentFact>,
    /// Ids of removed comments.
    pub removed: Vec<String>,
}

pub(super) fn text_hash(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A custom field's value as text: strings as they are, anything else as YAML.
pub fn field_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_owned(),
    }
}

impl From<&Ticket> for Facts {
    fn from(t: &Ticket) -> Self {
        Facts {
            title: t.title.clone(),
            status: t.status.clone(),
            priority: t.priority.clone(),
            queue: t.queue.clone(),
            requester: t.requester.clone(),
            assignee: t.assignee.clone(),
            labels: t.labels.clone(),
            rating: t.rating.as_ref().map(|r| (r.score, r.comment.clone(), r.date.timestamp())),
            fields: t
                .fields
                .iter()
                .map(|(k, v)| (k.as_str().map_or_else(|| field_text(k), str::to_owned), field_text(v)))
                .collect(),
            description: text_hash(&t.description),
            comments: t
                .comments
                .iter()
                .map(|c| CommentFact {
                    id: c.id.clone(),
                    author: c.author.clone(),
                    public: c.visibility == Visibility::Public,
                })
                .collect(),
            removed: t.removed.iter().map(|r| r.id.clone()).collect(),
        }
    }
}

/// The events that turn ticket version `before` into `after` (`None`: no file).
pub fn diff_tickets(before: Option<&Ticket>, after: Option<&Ticket>) -> Vec<Kind<String>> {
    diff(before.map(Facts::from).as_ref(), after.map(Facts::from).as_ref())
}

fn comment_event(c: &CommentFact) -> Kind<String> {
    if c.public {
        Kind::Reply { comment: c.id.clone(), author: c.author.clone() }
    } else {
        Kind::Note { comment: c.id.clone(), author: c.author.clone() }
    }
}

fn rating_event(
    from: Option<&(u8, Option<String>, i64)>,
    to: Option<&(u8, Option<String>, i64)>,
) -> Kind<String> {
    Kind::Rating { from: from.map(|r| r.0), to: to.map(|r| r.0), comment: to.and_then(|r| r.1.clone()) }
}

/// The events that turn `before` into `after`, in the order a reader expects
/// within one commit: fields, assignment, conversation, then status and rating
/// (so a reply that resolves a ticket comes before the resolution).
pub fn diff(before: Option<&Facts>, after: Option<&Facts>) -> Vec<Kind<String>> {
    let mut out = Vec::new();
    let (b, a) = match (before, after) {
        (None, None) => return out,
        (Some(_), None) => return vec![Kind::Deleted],
        (None, Some(a)) => {
            out.push(Kind::Created {
                status: a.status.clone(),
                priority: a.priority.clone(),
                queue: a.queue.clone(),
                requester: a.requester.clone(),
                assignee: a.assignee.clone(),
                labels: a.labels.clone(),
            });
            out.extend(a.comments.iter().map(comment_event));
            if a.rating.is_some() {
                out.push(rating_event(None, a.rating.as_ref()));
            }
            return out;
        }
        (Some(b), Some(a)) => (b, a),
    };
    let field = |name: &str, from: Option<&String>, to: Option<&String>| Kind::Field {
        name: name.to_owned(),
        from: from.cloned(),
        to: to.cloned(),
    };
    if b.title != a.title {
        out.push(field("title", Some(&b.title), Some(&a.title)));
    }
    if b.requester != a.requester {
        out.push(field("requester", b.requester.as_ref(), a.requester.as_ref()));
    }
    if b.description != a.description {
        out.push(field("description", None, None));
    }
    for (k, v) in &a.fields {
        let old = b.fields.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv);
        if old != Some(v) {
            out.push(field(k, old, Some(v)));
        }
    }
    for (k, v) in &b.fields {
        if !a.fields.iter().any(|(ak, _)| ak == k) {
            out.push(field(k, Some(v), None));
        }
    }
    if b.assignee != a.assignee {
        out.push(Kind::Assignee { from: b.assignee.clone(), to: a.assignee.clone() });
    }
    if b.priority != a.priority {
        out.push(Kind::Priority { from: b.priority.clone(), to: a.priority.clone() });
    }
    if b.queue != a.queue {
        out.push(Kind::Queue { from: b.queue.clone(), to: a.queue.clone() });
    }
    let added: Vec<String> = a.labels.iter().filter(|l| !b.labels.contains(l)).cloned().collect();
    let removed: Vec<String> = b.labels.iter().filter(|l| !a.labels.contains(l)).cloned().collect();
    if !added.is_empty() || !removed.is_empty() {
        out.push(Kind::Labels { added, removed });
    }
    for c in &a.comments {
        if !b.comments.iter().any(|old| old.id == c.id) {
            out.push(comment_event(c));
        }
    }
    for id in a.removed.iter().filter(|id| !b.removed.contains(id)) {
        out.push(Kind::Removed { comment: id.clone() });
    }
    if b.status != a.status {
        out.push(Kind::Status { from: b.status.clone(), to: a.status.clone() });
    }
    if b.rating != a.rating {
        out.push(rating_event(b.rating.as_ref(), a.rating.as_ref()));
    }
    out
}

/// The events a merge commit itself made to a ticket: the changes against its
/// first parent that also differ from every other parent. What one side of
/// the merge brought in was already counted in that side's own commits.
pub fn diff_merge(parents: &[Option<&Facts>], after: Option<&Facts>) -> Vec<Kind<String>> {
    let Some((first, others)) = parents.split_first() else { return diff(None, after) };
    let mut out = Vec::new();
    for kind in diff(*first, after) {
        let kept = match (&kind, after) {
            (Kind::Deleted, _) => others.iter().all(Option::is_some),
            (Kind::Labels { added, removed }, _) => {
                let added: Vec<String> = added
                    .iter()
                    .filter(|l| others.iter().all(|p| p.is_none_or(|p| !p.labels.contains(l))))
                    .cloned()
                    .collect();
                let removed: Vec<String> = removed
                    .iter()
                    .filter(|l| others.iter().all(|p| p.is_some_and(|p| p.labels.contains(l))))
                    .cloned()
                    .collect();
                if !added.is_empty() || !removed.is_empty() {
                    out.push(Kind::Labels { added, removed });
                }
                false
            }
            (_, Some(a)) => others.iter().all(|p| differs(&kind, *p, a)),
            (_, None) => true,
        };
        if kept {
            out.push(kind);
        }
    }
    out
}

/// Whether the aspect of the ticket that `kind` is about differs between a
/// parent `p` and the merge result `a`.
fn differs(kind: &Kind<String>, p: Option<&Facts>, a: &Facts) -> bool {
    let Some(p) = p else { return true };
    match kind {
        Kind::Created { .. } | Kind::Deleted => false,
        Kind::Status { .. } => p.status != a.status,
        Kind::Assignee { .. } => p.assignee != a.assignee,
        Kind::Priority { .. } => p.priority != a.priority,
        Kind::Queue { .. } => p.queue != a.queue,
        Kind::Labels { .. } => p.labels != a.labels,
        Kind::Reply { comment, .. } | Kind::Note { comment, .. } => {
            !p.comments.iter().any(|c| &c.id == comment)
        }
        Kind::Removed { comment } => !p.removed.contains(comment),
        Kind::Rating { .. } => p.rating != a.rating,
        Kind::Field { name, .. } => match name.as_str() {
            "title" => p.title != a.title,
            "requester" => p.requester != a.requester,
            "description" => p.description != a.description,
            key => {
                let get = |f: &Facts| f.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                get(p) != get(a)
            }
        },
    }
}
