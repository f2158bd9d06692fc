//! The one definition of a ticket's fields. [`ticket_fields!`] below declares
//! each front-matter field once — its name, kind, merge rule, query term, JSON
//! name, whether the requester may see it — and generates both the [`Ticket`]
//! struct and the [`FIELDS`] table from that list. The file format, the query
//! language, the three-way merge, the history diff, the list index and the JSON
//! views all walk the table, so a new field is one entry here.

use chrono::{DateTime, Utc};

use super::{Comment, Rating, Removal, TicketId};

/// What kind of value a field holds. The kind decides how the value is
/// written to and read from the front matter, how queries compare it, and how
/// history reports a change to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// The ticket's id.
    Id,
    /// A single line of text.
    Text,
    /// One of the values `desk.yaml` lists for the domain.
    Enum(Domain),
    /// One person, `Name <email>`.
    Person,
    /// A set of people.
    People,
    /// A set of labels (single words).
    Labels,
    /// A set of links to other tickets, `TYPE:ID` each (`duplicate-of:k3x9q2hm7d`).
    Links,
    /// A time, RFC 3339 in UTC.
    Time,
    /// Requester satisfaction: score, comment and date.
    Rating,
    /// Another ticket, by its full id.
    Ticket,
}

/// Where the values of an [`FieldKind::Enum`] field come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// `workflow.statuses`, in workflow order.
    Status,
    /// `priorities.levels`, lowest first.
    Priority,
    /// `queues` (any name when the list is empty).
    Queue,
}

/// How a three-way merge combines two sides that both changed a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeRule {
    /// The later change wins (per-field change time; ties go to the greater value).
    Later,
    /// Additions and removals of both sides apply.
    Union,
    /// The greater value (the later time) wins.
    Latest,
    /// Never differs between the sides of a merge (the id).
    Fixed,
}

/// What history records of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// Nothing (bookkeeping fields such as `updated`).
    Off,
    /// Each change, with the old and new value.
    Changes,
    /// Each change, and the value the ticket was created with.
    Full,
}

/// How `desk list --sort FIELD` orders by a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// Not a sort key.
    None,
    /// Smallest (earliest, first in the workflow, A–Z) first.
    Ascending,
    /// Largest (latest, most urgent) first.
    Descending,
}

/// One field, as [`FIELDS`] describes it.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    pub field: Field,
    /// The front-matter key; also the field's name in history and merge conflicts.
    pub name: &'static str,
    /// How people see the name (`desk show`).
    pub label: &'static str,
    pub kind: FieldKind,
    /// A file without a value for it is malformed.
    pub required: bool,
    /// Left out of the front matter when empty (instead of written as `key:` or `key: []`).
    pub omit_empty: bool,
    pub merge: MergeRule,
    /// The query key (`status:`, `label:`), if the field can be queried.
    pub query: Option<&'static str>,
    /// The key in `--json` output.
    pub json: &'static str,
    /// Whether the requester may see it (the self-service portal, `--public-only` exports).
    pub public: bool,
    pub track: Track,
    pub sort: SortOrder,
    get: for<'a> fn(&'a Ticket) -> Val<'a>,
    set: fn(&mut Ticket, Value) -> bool,
}

impl FieldDef {
    /// The field's value in `ticket`.
    pub fn get<'a>(&self, ticket: &'a Ticket) -> Val<'a> {
        (self.get)(ticket)
    }

    /// Sets the field in `ticket`; `false` (and nothing changed) when the value
    /// is not of the field's kind.
    pub fn set(&self, ticket: &mut Ticket, value: Value) -> bool {
        (self.set)(ticket, value)
    }

    /// Whether the value is a set of strings (labels, people).
    pub fn is_set(&self) -> bool {
        matches!(self.kind, FieldKind::Labels | FieldKind::People | FieldKind::Links)
    }
}

/// A field's value, borrowed from a ticket or from the list index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'a> {
    /// No value (an optional field left empty).
    None,
    Str(&'a str),
    List(&'a [String]),
    /// Unix seconds.
    Time(i64),
    /// Score, comment, date (Unix seconds).
    Rating(u8, Option<&'a str>, i64),
}

impl<'a> Val<'a> {
    /// The value as one string, if it is one.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The members of a set value; empty for anything else.
    pub fn as_list(self) -> &'a [String] {
        match self {
            Val::List(l) => l,
            _ => &[],
        }
    }

    /// The time, if the value is one.
    pub fn as_time(self) -> Option<i64> {
        match self {
            Val::Time(t) => Some(t),
            _ => None,
        }
    }

    /// Whether there is no value: none, or an empty set.
    pub fn is_empty(self) -> bool {
        match self {
            Val::None => true,
            Val::List(l) => l.is_empty(),
            _ => false,
        }
    }

    /// An owned copy.
    pub fn to_value(self) -> Value {
        match self {
            Val::None => Value::None,
            Val::Str(s) => Value::Str(s.to_owned()),
            Val::List(l) => Value::List(l.to_vec()),
            Val::Time(t) => Value::Time(DateTime::from_timestamp(t, 0).unwrap_or_default()),
            Val::Rating(score, comment, date) => Value::Rating(Rating {
                score,
                comment: comment.map(str::to_owned),
                date: DateTime::from_timestamp(date, 0).unwrap_or_default(),
            }),
        }
    }
}

/// A field's value, owned: what parsing produces and merging combines.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Str(String),
    List(Vec<String>),
    Time(DateTime<Utc>),
    Rating(Rating),
}

/// The Rust types of field values, and how they look as a [`Val`].
pub trait FieldType: Sized {
    fn view(&self) -> Val<'_>;
    fn from_value(value: Value) -> Option<Self>;
    /// The value of a new ticket created at `now`.
    fn initial(now: DateTime<Utc>) -> Self;
}

impl FieldType for String {
    fn view(&self) -> Val<'_> {
        Val::Str(self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    fn initial(_: DateTime<Utc>) -> Self {
        String::new()
    }
}

impl FieldType for Option<String> {
    fn view(&self) -> Val<'_> {
        self.as_deref().map_or(Val::None, Val::Str)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::None => Some(None),
            Value::Str(s) => Some(Some(s)),
            _ => None,
        }
    }
    fn initial(_: DateTime<Utc>) -> Self {
        None
    }
}

impl FieldType for Vec<String> {
    fn view(&self) -> Val<'_> {
        Val::List(self)
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::None => Some(Vec::new()),
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    fn initial(_: DateTime<Utc>) -> Self {
        Vec::new()
    }
}

impl FieldType for DateTime<Utc> {
    fn view(&self) -> Val<'_> {
        Val::Time(self.timestamp())
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Time(t) => Some(t),
            _ => None,
        }
    }
    fn initial(now: DateTime<Utc>) -> Self {
        now
    }
}

impl FieldType for Option<Rating> {
    fn view(&self) -> Val<'_> {
        self.as_ref().map_or(Val::None, |r| Val::Rating(r.score, r.comment.as_deref(), r.date.timestamp()))
    }
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::None => Some(None),
            Value::Rating(r) => Some(Some(r)),
            _ => None,
        }
    }
    fn initial(_: DateTime<Utc>) -> Self {
        None
    }
}

/// Declares the ticket's fields: generates [`Ticket`], [`Field`] and [`FIELDS`].
/// The id comes first and is declared by the macro itself; every other entry
/// is `Variant member: Type { FieldDef attributes, }`.
macro_rules! ticket_fields {
    ($( $(#[doc = $doc:literal])* $variant:ident $member:ident : $ty:ty { $($def:tt)* } )*) => {
        /// A request tracked by the helpdesk: one Markdown file. Its front-matter
        /// fields are declared in [`FIELDS`].
        #[derive(Clone, Debug, PartialEq)]
        pub struct Ticket {
            pub id: TicketId,
            $( $(#[doc = $doc])* pub $member: $ty, )*
            /// Custom fields: front-matter keys not in [`FIELDS`], in file order.
            pub fields: serde_yaml::Mapping,
            /// The request as first written (Markdown).
            pub description: String,
            /// Replies and internal notes, oldest first.
            pub comments: Vec<Comment>,
            /// Comments removed from the conversation, by time of removal: a
            /// removal is final, so a merge never brings a removed comment back.
            pub removed: Vec<Removal>,
        }

        /// A ticket field, by its position in [`FIELDS`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field {
            Id,
            $($variant),*
        }

        /// How many fields [`FIELDS`] has.
        pub const FIELD_COUNT: usize = 1 + [$(stringify!($variant)),*].len();

        /// Every field, in front-matter order.
        pub static FIELDS: &[FieldDef] = &[
            FieldDef {
                field: Field::Id,
                name: "id",
                label: "Id",
                kind: FieldKind::Id,
                required: true,
                omit_empty: false,
                merge: MergeRule::Fixed,
                query: None,
                json: "id",
                public: true,
                track: Track::Off,
                sort: SortOrder::Ascending,
                get: |t| Val::Str(t.id.as_str()),
                set: |t, v| match v {
                    Value::Str(s) => match TicketId::parse(&s) {
                        Some(id) => {
                            t.id = id;
                            true
                        }
                        None => false,
                    },
                    _ => false,
                },
            },
            $(FieldDef {
                field: Field::$variant,
                $($def)*
                get: |t| FieldType::view(&t.$member),
                set: |t, v| match FieldType::from_value(v) {
                    Some(x) => {
                        t.$member = x;
                        true
                    }
                    None => false,
                },
            }),*
        ];

        impl Ticket {
            /// A ticket with every field empty but the id and the times (`now`).
            pub fn blank(id: TicketId, now: DateTime<Utc>) -> Ticket {
                Ticket {
                    id,
                    $($member: FieldType::initial(now),)*
                    fields: serde_yaml::Mapping::new(),
                    description: String::new(),
                    comments: Vec::new(),
                    removed: Vec::new(),
                }
            }
        }
    };
}

ticket_fields! {
    /// One line saying what the request is about.
    Title title: String {
        name: "title", label: "Title", kind: FieldKind::Text, required: true, omit_empty: false,
        merge: MergeRule::Later, query: None, json: "title", public: true, track: Track::Changes,
        sort: SortOrder::Ascending,
    }
    /// Where the ticket stands in the workflow.
    Status status: String {
        name: "status", label: "Status", kind: FieldKind::Enum(Domain::Status), required: true,
        omit_empty: false, merge: MergeRule::Later, query: Some("status"), json: "status", public: true,
        track: Track::Full, sort: SortOrder::Ascending,
    }
    /// How urgent it is.
    Priority priority: String {
        name: "priority", label: "Priority", kind: FieldKind::Enum(Domain::Priority), required: true,
        omit_empty: false, merge: MergeRule::Later, query: Some("priority"), json: "priority",
        public: true, track: Track::Full, sort: SortOrder::Descending,
    }
    /// The team or topic it belongs to.
    Queue queue: Option<String> {
        name: "queue", label: "Queue", kind: FieldKind::Enum(Domain::Queue), required: false,
        omit_empty: false, merge: MergeRule::Later, query: Some("queue"), json: "queue", public: true,
        track: Track::Full, sort: SortOrder::Ascending,
    }
    /// Who asked, `Name <email>`.
    Requester requester: Option<String> {
        name: "requester", label: "Requester", kind: FieldKind::Person, required: false,
        omit_empty: false, merge: MergeRule::Later, query: Some("requester"), json: "requester",
        public: true, track: Track::Full, sort: SortOrder::Ascending,
    }
    /// Who works on it, `Name <email>`.
    Assignee assignee: Option<String> {
        name: "assignee", label: "Assignee", kind: FieldKind::Person, required: false,
        omit_empty: false, merge: MergeRule::Later, query: Some("assignee"), json: "assignee",
        public: true, track: Track::Full, sort: SortOrder::Ascending,
    }
    /// People copied on the conversation, `Name <email>` each.
    Cc cc: Vec<String> {
        name: "cc", label: "Cc", kind: FieldKind::People, required: false, omit_empty: true,
        merge: MergeRule::Union, query: Some("cc"), json: "cc", public: true, track: Track::Full,
        sort: SortOrder::None,
    }
    /// Words to sort and find tickets by.
    Labels labels: Vec<String> {
        name: "labels", label: "Labels", kind: FieldKind::Labels, required: false, omit_empty: false,
        merge: MergeRule::Union, query: Some("label"), json: "labels", public: true, track: Track::Full,
        sort: SortOrder::None,
    }
    /// Links to other tickets, `TYPE:ID` each, kept on both tickets (`desk link`).
    Links links: Vec<String> {
        name: "links", label: "Links", kind: FieldKind::Links, required: false, omit_empty: true,
        merge: MergeRule::Union, query: Some("linked"), json: "links", public: true, track: Track::Full,
        sort: SortOrder::None,
    }
    /// The closed ticket this one follows up (`desk new --follow-up ID`), by its full id.
    FollowUp follow_up: Option<String> {
        name: "follow_up", label: "Follows up", kind: FieldKind::Ticket, required: false, omit_empty: true,
        merge: MergeRule::Later, query: None, json: "follow_up", public: true, track: Track::Off,
        sort: SortOrder::None,
    }
    /// Where an imported ticket came from (`github:owner/repo#123`, `csv:NAME#KEY`,
    /// `desk:ID`): what `desk import` finds it by when run again.
    Origin origin: Option<String> {
        name: "origin", label: "Origin", kind: FieldKind::Text, required: false, omit_empty: true,
        merge: MergeRule::Later, query: Some("origin"), json: "origin", public: false, track: Track::Off,
        sort: SortOrder::None,
    }
    /// When the ticket was opened.
    Created created: DateTime<Utc> {
        name: "created", label: "Created", kind: FieldKind::Time, required: true, omit_empty: false,
        merge: MergeRule::Later, query: Some("created"), json: "created", public: true,
        track: Track::Off, sort: SortOrder::Ascending,
    }
    /// When the ticket last changed.
    Updated updated: DateTime<Utc> {
        name: "updated", label: "Updated", kind: FieldKind::Time, required: true, omit_empty: false,
        merge: MergeRule::Latest, query: Some("updated"), json: "updated", public: true,
        track: Track::Off, sort: SortOrder::Descending,
    }
    /// The requester's satisfaction, when given.
    Rating rating: Option<Rating> {
        name: "rating", label: "Rating", kind: FieldKind::Rating, required: false, omit_empty: true,
        merge: MergeRule::Later, query: None, json: "rating", public: true, track: Track::Full,
        sort: SortOrder::None,
    }
}

impl Field {
    /// The field's entry in [`FIELDS`].
    pub fn def(self) -> &'static FieldDef {
        &FIELDS[self as usize]
    }

    /// Its position in [`FIELDS`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The field whose front-matter key is `name`.
pub fn by_name(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|d| d.name == name)
}

/// The field whose query key is `key`.
pub fn by_query_key(key: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|d| d.query == Some(key))
}

/// Whether a front-matter key belongs to desk (not a custom field).
pub fn is_known_key(key: &str) -> bool {
    by_name(key).is_some()
}

/// Values to look up by [`Field`]: a ticket, or its entry in the list index.
pub trait FieldSource {
    fn val(&self, field: Field) -> Val<'_>;

    fn str(&self, field: Field) -> Option<&str> {
        self.val(field).as_str()
    }
}

impl FieldSource for Ticket {
    fn val(&self, field: Field) -> Val<'_> {
        field.def().get(self)
    }
}

/// How a `KEY=VALUE` pair (as `desk set`, macros and rules take it) changes its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairOp {
    /// `KEY=VALUE`
    Set,
    /// `KEY+=VALUE`
    Add,
    /// `KEY-=VALUE`
    Remove,
    /// `KEY:=JSON`
    Json,
}

/// The key of a pair, how it changes the field, and the value; `None` when
/// `pair` has no `=`.
pub fn split_pair(pair: &str) -> Option<(&str, PairOp, &str)> {
    let (key, value) = pair.split_once('=')?;
    let (key, op) = if let Some(k) = key.strip_suffix(':') {
        (k, PairOp::Json)
    } else if let Some(k) = key.strip_suffix('+') {
        (k, PairOp::Add)
    } else if let Some(k) = key.strip_suffix('-') {
        (k, PairOp::Remove)
    } else {
        (key, PairOp::Set)
    };
    Some((key.trim(), op, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_field_order_and_names_are_unique() {
        for (i, def) in FIELDS.iter().enumerate() {
            assert_eq!(def.field.index(), i, "{}", def.name);
            assert_eq!(FIELDS.iter().filter(|d| d.name == def.name).count(), 1, "{}", def.name);
            assert_eq!(FIELDS.iter().filter(|d| d.json == def.json).count(), 1, "{}", def.json);
            if let Some(q) = def.query {
                assert_eq!(FIELDS.iter().filter(|d| d.query == Some(q)).count(), 1, "{q}");
            }
        }
    }

    #[test]
    fn getters_and_setters_agree() {
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut t = Ticket::blank(TicketId::parse("k3x9q2hm7d").unwrap(), now);
        assert!(Field::Cc.def().set(&mut t, Value::List(vec!["Ann <ann@example.com>".into()])));
        assert_eq!(t.cc, ["Ann <ann@example.com>"]);
        assert!(!Field::Cc.def().set(&mut t, Value::Str("x".into())), "a string is not a set");
        assert!(Field::Assignee.def().set(&mut t, Value::Str("Bob".into())));
        assert_eq!(t.val(Field::Assignee), Val::Str("Bob"));
        assert_eq!(t.val(Field::Created), Val::Time(1_790_000_000));
        for def in FIELDS {
            let v = def.get(&t).to_value();
            let mut u = t.clone();
            assert!(def.set(&mut u, v), "{}", def.name);
            assert_eq!(u, t, "{}", def.name);
        }
    }
}
