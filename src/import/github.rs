//! GitHub issues: the JSON `gh issue list --json number,title,body,state,author,
//! assignees,labels,comments,createdAt,closedAt,url` writes (an array of issues,
//! each with its comments), and the REST API's issue, issue comment and issue
//! event objects (`GET /repos/O/R/issues`, `/issues/comments`, `/issues/events`),
//! in one file or many. docs/import.md has the mapping.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Event, Record, Skipped, What, label_of, person, rfc3339};
use crate::model::{Ticket, TicketId, derived_comment_id};
use crate::workflow::Config;

/// How GitHub's people and states become desk's.
pub struct Mapping<'c> {
    pub config: &'c Config,
    /// `OWNER/REPO` for issues whose URL does not say.
    pub repo: Option<String>,
    /// Logins given as people (`--user LOGIN=PERSON`).
    pub users: HashMap<String, String>,
    /// The status of a closed issue.
    pub closed: String,
}

impl Mapping<'_> {
    /// The person of a GitHub user object (`{"login": …, "name": …}`): as given
    /// by `--user`, else `NAME <LOGIN@users.noreply.github.com>`. A deleted
    /// account (`null`) is GitHub's `ghost`.
    fn person(&self, user: Option<&Value>) -> Option<String> {
        let login = match user {
            Some(Value::Object(u)) => u.get("login").and_then(Value::as_str).unwrap_or("ghost"),
            _ => "ghost",
        };
        if let Some(p) = self.users.get(&login.to_lowercase()) {
            return super::clean_person(p);
        }
        let name = user.and_then(|u| u.get("name")).and_then(Value::as_str).filter(|n| !n.trim().is_empty());
        let login_clean: String = login
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '[' | ']'))
            .collect();
        person(name.unwrap_or(login), &format!("{login_clean}@users.noreply.github.com"))
    }
}

/// Issues waiting for the comments and events that follow them in the input.
#[derive(Default)]
pub struct Reader {
    /// REST issues, whose comments are separate objects.
    issues: Vec<Record>,
    /// Comments and events by the origin of their issue.
    events: BTreeMap<String, Vec<Event>>,
    /// Where each group of events was first seen.
    seen_at: HashMap<String, String>,
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// `OWNER/REPO` from an issue's or repository's URL: the API's
/// `…/repos/OWNER/REPO…` or the web's `https://HOST/OWNER/REPO/…`.
fn repo_of(url: &str) -> Option<String> {
    let path = match url.find("/repos/") {
        Some(i) => &url[i + "/repos/".len()..],
        None => url.split_once("://").map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p)),
    };
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let (owner, repo) = (parts.next()?, parts.next()?);
    Some(format!("{owner}/{repo}"))
}

/// The issue number at the end of an issue's URL (`…/issues/123`).
fn number_of(url: &str) -> Option<u64> {
    let (_, n) = url.trim_end_matches('/').rsplit_once("/issues/")?;
    n.parse().ok()
}

impl Reader {
    /// Reads one object of the input: an issue (kept, or returned when it has
    /// its comments with it), a comment or an event (kept for its issue).
    pub fn push(&mut self, map: &Mapping<'_>, position: &str, v: &Value) -> Result<Option<Record>, Skipped> {
        let skip = |reason: String| Skipped { position: position.to_owned(), reason };
        if !v.is_object() {
            return Err(skip("not a JSON object".into()));
        }
        if v.get("event").is_some() {
            let (origin, event) = event(map, v).map_err(skip)?;
            self.seen_at.entry(origin.clone()).or_insert_with(|| position.to_owned());
            if let Some(e) = event {
                self.events.entry(origin).or_default().push(e);
            }
            return Ok(None);
        }
        if let Some(url) = str_of(v, "issue_url") {
            let origin = match (repo_of(url), number_of(url)) {
                (Some(r), Some(n)) => format!("github:{r}#{n}"),
                _ => return Err(skip(format!("a comment whose issue_url '{url}' names no issue"))),
            };
            let e = comment(map, &origin, v).map_err(skip)?;
            self.seen_at.entry(origin.clone()).or_insert_with(|| position.to_owned());
            self.events.entry(origin).or_default().push(e);
            return Ok(None);
        }
        if v.get("pull_request").is_some() {
            return Err(skip("a pull request, not an issue".into()));
        }
        if v.get("number").is_none() || v.get("title").is_none() {
            return Err(skip(
                "neither an issue (number, title), a comment (issue_url) nor an event (event)".into(),
            ));
        }
        let record = issue(map, position.to_owned(), v).map_err(skip)?;
        if v.get("comments").is_some_and(Value::is_array) {
            Ok(Some(record))
        } else {
            self.issues.push(record);
            Ok(None)
        }
    }

    /// The issues kept for their comments, with them; then the comments and
    /// events of issues not in the input, as records of events only (for
    /// tickets imported before).
    pub fn finish(mut self) -> Vec<Record> {
        let mut out = Vec::with_capacity(self.issues.len());
        for mut r in std::mem::take(&mut self.issues) {
            if let Some(events) = self.events.remove(&r.origin) {
                r.events.extend(events);
                r.rewind();
            }
            out.push(r);
        }
        for (origin, events) in std::mem::take(&mut self.events) {
            let position = self.seen_at.remove(&origin).unwrap_or_default();
            out.push(Record::events_only(position, origin, events));
        }
        out
    }
}

impl Record {
    /// Events of a ticket imported before, without the ticket itself.
    pub fn events_only(position: String, origin: String, events: Vec<Event>) -> Record {
        Record {
            position,
            origin,
            id: None,
            creator: None,
            ticket: Ticket::blank(TicketId::derived(""), DateTime::<Utc>::UNIX_EPOCH),
            events,
            partial: true,
        }
    }
}

fn time_of(v: &Value, keys: &[&str]) -> Result<Option<DateTime<Utc>>, String> {
    for key in keys {
        match v.get(*key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                return rfc3339(s).map(Some).ok_or_else(|| format!("'{key}' is not an RFC 3339 time: '{s}'"));
            }
            Some(_) => return Err(format!("'{key}' is not a time")),
        }
    }
    Ok(None)
}

fn issue(map: &Mapping<'_>, position: String, v: &Value) -> Result<Record, String> {
    let number = v.get("number").and_then(Value::as_u64).ok_or("'number' is not a whole number")?;
    let url = str_of(v, "html_url").or_else(|| str_of(v, "url")).or_else(|| str_of(v, "repository_url"));
    let repo = url
        .and_then(repo_of)
        .or_else(|| map.repo.clone())
        .ok_or("its URL names no repository; give one with --github-repo OWNER/REPO")?;
    let origin = format!("github:{repo}#{number}");
    let title = str_of(v, "title").map(str::trim).filter(|t| !t.is_empty()).ok_or("it has no title")?;
    let created = time_of(v, &["createdAt", "created_at"])?
        .ok_or("it has no creation time (createdAt or created_at)")?;
    let author = map.person(v.get("author").or_else(|| v.get("user")));
    let config = map.config;
    let mut t = Ticket::new(
        TicketId::derived(&origin),
        title.chars().filter(|c| !c.is_control()).collect(),
        config.workflow.initial.clone(),
        config.priorities.default.clone(),
        created,
    );
    str_of(v, "body").unwrap_or_default().clone_into(&mut t.description);
    t.requester.clone_from(&author);
    if let Some(Value::Array(labels)) = v.get("labels") {
        for l in labels {
            let name = l.as_str().or_else(|| str_of(l, "name")).unwrap_or_default();
            if let Some(label) = label_of(name) {
                t.add_label(&label);
            }
        }
    }
    let assignees = match v.get("assignees") {
        Some(Value::Array(a)) if !a.is_empty() => a.first().cloned(),
        _ => v.get("assignee").filter(|a| !a.is_null()).cloned(),
    };
    t.assignee = assignees.and_then(|a| map.person(Some(&a)));
    let mut events = Vec::new();
    if let Some(Value::Array(comments)) = v.get("comments") {
        for c in comments {
            events.push(comment(map, &origin, c)?);
        }
    }
    let state = str_of(v, "state").unwrap_or("open").to_ascii_lowercase();
    if state == "closed" {
        let at = time_of(v, &["closedAt", "closed_at"])?
            .or(time_of(v, &["updatedAt", "updated_at"])?)
            .unwrap_or(created);
        let by = v.get("closed_by").filter(|b| !b.is_null()).and_then(|b| map.person(Some(b)));
        events.push(Event { time: at, actor: by, what: What::Status(map.closed.clone()) });
    }
    Ok(Record { position, origin, id: None, creator: author, ticket: t, events, partial: false })
}

fn comment(map: &Mapping<'_>, origin: &str, c: &Value) -> Result<Event, String> {
    let time = time_of(c, &["createdAt", "created_at"])?.ok_or("a comment has no creation time")?;
    let source = match c.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        // Without an id: its URL, else its time and author.
        _ => str_of(c, "url").or_else(|| str_of(c, "html_url")).map_or_else(
            || {
                format!(
                    "{} {}",
                    time.timestamp(),
                    map.person(c.get("author").or_else(|| c.get("user"))).unwrap_or_default()
                )
            },
            str::to_owned,
        ),
    };
    Ok(Event {
        time,
        actor: map.person(c.get("author").or_else(|| c.get("user"))),
        what: What::Comment {
            id: derived_comment_id(&format!("{origin} {source}")),
            public: true,
            body: str_of(c, "body").unwrap_or_default().to_owned(),
            automated: false,
            merged: false,
        },
    })
}

/// An issue event of the REST API: its issue's origin, and what desk makes of
/// it (`None`: an event desk does not record, such as `subscribed`).
fn event(map: &Mapping<'_>, v: &Value) -> Result<(String, Option<Event>), String> {
    let issue =
        v.get("issue").ok_or("an event without its issue (list events with /repos/O/R/issues/events)")?;
    let number = issue.get("number").and_then(Value::as_u64).ok_or("an event whose issue has no number")?;
    let repo = str_of(issue, "html_url")
        .or_else(|| str_of(issue, "repository_url"))
        .or_else(|| str_of(v, "url"))
        .and_then(repo_of)
        .or_else(|| map.repo.clone())
        .ok_or("an event whose URL names no repository; give one with --github-repo OWNER/REPO")?;
    let origin = format!("github:{repo}#{number}");
    let time = time_of(v, &["created_at", "createdAt"])?.ok_or("an event without a time")?;
    let actor = v.get("actor").filter(|a| !a.is_null()).and_then(|a| map.person(Some(a)));
    let what = match str_of(v, "event").unwrap_or_default() {
        "closed" => Some(What::Status(map.closed.clone())),
        "reopened" => Some(What::Status(map.config.workflow.reopen.clone())),
        kind @ ("labeled" | "unlabeled") => v
            .get("label")
            .and_then(|l| str_of(l, "name"))
            .and_then(label_of)
            .map(|name| What::Label { name, add: kind == "labeled" }),
        "assigned" => v.get("assignee").map(|a| What::Assign(map.person(Some(a)))),
        "unassigned" => Some(What::Assign(None)),
        _ => None,
    };
    Ok((origin, what.map(|what| Event { time, actor, what })))
}
