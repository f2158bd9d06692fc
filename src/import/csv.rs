//! Spreadsheet and CSV exports (Jira, Zendesk, any tool): one ticket per row,
//! its columns named by `--map FIELD=COLUMN`, status and priority values
//! mapped by `--status`/`--priority`, times read in the formats given.
//! docs/import.md has the mapping.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::{Event, Record, Skipped, What, clean_person, label_of};
use crate::model::{Ticket, TicketId, derived_comment_id};
use crate::time::Zone;
use crate::workflow::Config;

/// What a column is read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Key,
    Title,
    Description,
    Requester,
    Assignee,
    Status,
    Priority,
    Queue,
    Labels,
    Cc,
    Created,
    Updated,
    Resolved,
    /// A public reply: `TIME;AUTHOR;TEXT` (Jira's form), or the text alone.
    Comment,
    /// An internal note, as a comment.
    Note,
    /// A custom field.
    Field(String),
}

impl Target {
    pub const NAMES: &'static str = "key, title, description, requester, assignee, status, priority, queue, labels, cc, created, updated, resolved, comment, note, field.NAME";

    pub fn parse(name: &str) -> Option<Target> {
        Some(match name {
            "key" | "id" => Target::Key,
            "title" | "subject" | "summary" => Target::Title,
            "description" | "body" => Target::Description,
            "requester" | "reporter" => Target::Requester,
            "assignee" => Target::Assignee,
            "status" => Target::Status,
            "priority" => Target::Priority,
            "queue" => Target::Queue,
            "labels" | "label" | "tags" => Target::Labels,
            "cc" => Target::Cc,
            "created" => Target::Created,
            "updated" => Target::Updated,
            "resolved" | "closed" => Target::Resolved,
            "comment" | "comments" => Target::Comment,
            "note" | "notes" => Target::Note,
            other => {
                let name = other.strip_prefix("field.")?;
                if name.is_empty() {
                    return None;
                }
                Target::Field(name.to_owned())
            }
        })
    }
}

/// How rows become tickets.
pub struct Mapping<'c> {
    pub config: &'c Config,
    /// The source's name in origins (`csv:NAME#KEY`).
    pub source: String,
    /// Field to column header (a header may name several columns: Jira repeats `Comment`).
    pub columns: Vec<(Target, String)>,
    /// Source status to desk status.
    pub statuses: HashMap<String, String>,
    /// Source priority to desk priority.
    pub priorities: HashMap<String, String>,
    /// `strftime` formats tried first, in order.
    pub date_formats: Vec<String>,
    pub zone: Zone,
}

/// The columns of each target, as positions in the header row.
pub struct Columns {
    by_target: Vec<(Target, Vec<usize>)>,
}

impl Mapping<'_> {
    /// Finds the mapped columns in the header row; an unknown column is an error.
    pub fn columns(&self, headers: &csv::StringRecord) -> Result<Columns, String> {
        let mut by_target = Vec::new();
        for (target, name) in &self.columns {
            let at: Vec<usize> = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name.trim()))
                .map(|(i, _)| i)
                .collect();
            if at.is_empty() {
                let known: Vec<&str> = headers.iter().collect();
                return Err(format!("no column '{name}' in the header row (columns: {})", known.join(", ")));
            }
            by_target.push((target.clone(), at));
        }
        if !by_target.iter().any(|(t, _)| *t == Target::Title) {
            return Err("--map names no title column (title=COLUMN)".into());
        }
        Ok(Columns { by_target })
    }

    /// A time as the formats given, RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]`
    /// (times without a zone are in `zone`).
    pub fn time(&self, text: &str) -> Option<DateTime<Utc>> {
        let text = text.trim();
        let from_naive = |t: NaiveDateTime| DateTime::from_timestamp(self.zone.instant(t), 0);
        for f in &self.date_formats {
            if let Ok(t) = DateTime::parse_from_str(text, f) {
                return Some(t.with_timezone(&Utc));
            }
            if let Ok(t) = NaiveDateTime::parse_from_str(text, f) {
                return from_naive(t);
            }
            if let Ok(d) = NaiveDate::parse_from_str(text, f) {
                return from_naive(d.and_time(chrono::NaiveTime::MIN));
            }
        }
        if let Some(t) = super::rfc3339(text) {
            return Some(t);
        }
        for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, f) {
                return from_naive(t);
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| from_naive(d.and_time(chrono::NaiveTime::MIN)))
    }
}

/// `value` through `map` (exactly, then ignoring case); an unmapped value that
/// `known` accepts is used as it is.
fn mapped(
    map: &HashMap<String, String>,
    value: &str,
    known: impl Fn(&str) -> bool,
    what: &str,
) -> Result<String, String> {
    let value = value.trim();
    let found =
        map.get(value).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(value)).map(|(_, v)| v));
    match found {
        Some(v) => Ok(v.clone()),
        None if known(value) => Ok(value.to_owned()),
        None => Err(format!("{what} '{value}' is not one of desk.yaml's; map it with --{what} '{value}=…'")),
    }
}

impl Columns {
    fn cells<'r>(&self, row: &'r csv::StringRecord, target: &Target) -> Vec<&'r str> {
        self.by_target
            .iter()
            .filter(|(t, _)| t == target)
            .flat_map(|(_, at)| at.iter().filter_map(|&i| row.get(i)))
            .filter(|c| !c.trim().is_empty())
            .collect()
    }

    fn first<'r>(&self, row: &'r csv::StringRecord, target: &Target) -> Option<&'r str> {
        self.cells(row, target).into_iter().next()
    }

    /// The ticket of one row (`line`: its line in the file, for the position
    /// and as the key when no key column is mapped).
    pub fn record(
        &self,
        map: &Mapping<'_>,
        position: String,
        line: u64,
        row: &csv::StringRecord,
    ) -> Result<Record, Skipped> {
        self.read(map, line, row).map_err(|reason| Skipped { position: position.clone(), reason }).map(
            |mut r| {
                r.position = position;
                r
            },
        )
    }

    fn read(&self, map: &Mapping<'_>, line: u64, row: &csv::StringRecord) -> Result<Record, String> {
        let config = map.config;
        let key =
            self.first(row, &Target::Key).map_or_else(|| format!("line-{line}"), |k| k.trim().to_owned());
        let origin = format!("csv:{}#{key}", map.source);
        let title = self.first(row, &Target::Title).map(str::trim).ok_or("the title cell is empty")?;
        let time = |target: &Target, name: &str| -> Result<Option<DateTime<Utc>>, String> {
            match self.first(row, target) {
                None => Ok(None),
                Some(text) => map.time(text).map(Some).ok_or_else(|| {
                    format!(
                        "the {name} cell '{}' is not a time; give its format with --date-format",
                        text.trim()
                    )
                }),
            }
        };
        let created = time(&Target::Created, "created")?.ok_or("the created cell is empty")?;
        let updated = time(&Target::Updated, "updated")?;
        let resolved = time(&Target::Resolved, "resolved")?;
        let status = match self.first(row, &Target::Status) {
            Some(s) => Some(mapped(&map.statuses, s, |v| config.has_status(v), "status")?),
            None => None,
        };
        let priority = match self.first(row, &Target::Priority) {
            Some(p) => mapped(&map.priorities, p, |v| config.priority_rank(v).is_some(), "priority")?,
            None => config.priorities.default.clone(),
        };
        let mut t = Ticket::new(
            TicketId::derived(&origin),
            title.chars().filter(|c| !c.is_control()).collect(),
            config.workflow.initial.clone(),
            priority,
            created,
        );
        t.description = self.cells(row, &Target::Description).join("\n\n");
        t.requester = self.first(row, &Target::Requester).and_then(clean_person);
        t.assignee = self.first(row, &Target::Assignee).and_then(clean_person);
        if let Some(q) = self.first(row, &Target::Queue) {
            config.check_queue(q.trim())?;
            t.queue = Some(q.trim().to_owned());
        }
        for cell in self.cells(row, &Target::Labels) {
            for l in cell.split([',', ';']).filter_map(label_of) {
                t.add_label(&l);
            }
        }
        for cell in self.cells(row, &Target::Cc) {
            t.cc.extend(cell.split([',', ';']).filter_map(clean_person));
        }
        for (target, _) in &self.by_target {
            if let Target::Field(name) = target
                && let Some(v) = self.first(row, target)
            {
                t.fields
                    .insert(serde_yaml::Value::String(name.clone()), serde_yaml::Value::String(v.to_owned()));
            }
        }
        let mut events = self.comments(map, &origin, row, created);
        let last = resolved.or(updated).unwrap_or(created).max(created);
        if let Some(s) = status.filter(|s| *s != t.status) {
            let at = if config.is_done(&s) {
                resolved.or(updated).unwrap_or(last)
            } else {
                updated.unwrap_or(last)
            };
            events.push(Event { time: at, actor: None, what: What::Status(s) });
        }
        Ok(Record {
            position: String::new(),
            origin,
            id: None,
            creator: t.requester.clone(),
            ticket: t,
            events,
            partial: false,
        })
    }

    /// The comment and note cells: `TIME;AUTHOR;TEXT` as Jira writes them, or
    /// the text alone (at the creation time, by nobody named).
    fn comments(
        &self,
        map: &Mapping<'_>,
        origin: &str,
        row: &csv::StringRecord,
        created: DateTime<Utc>,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        for (target, public) in [(Target::Comment, true), (Target::Note, false)] {
            for (n, cell) in self.cells(row, &target).into_iter().enumerate() {
                let mut parts = cell.splitn(3, ';');
                let (time, author, body) = match (parts.next(), parts.next(), parts.next()) {
                    (Some(t), Some(a), Some(b)) if map.time(t).is_some() => (map.time(t), clean_person(a), b),
                    _ => (None, None, cell),
                };
                let kind = if public { "comment" } else { "note" };
                events.push(Event {
                    time: time.unwrap_or(created),
                    actor: author,
                    what: What::Comment {
                        id: derived_comment_id(&format!("{origin} {kind} {n}")),
                        public,
                        body: body.to_owned(),
                        automated: false,
                        merged: false,
                    },
                });
            }
        }
        events
    }
}
