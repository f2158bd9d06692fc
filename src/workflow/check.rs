//! Checking `desk.yaml`: every problem with its place — a path in the YAML
//! (`agents[2].email`), a line and a column. Each section of the file is read
//! and checked on its own through a [`Checker`], so a broken section never
//! hides the problems of another, and a later section (calendars, SLA
//! policies) adds its checks as one more function that takes the checker.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step from a YAML node to one inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The value of a mapping's key.
    Key(String),
    /// An item of a sequence, from 0.
    Index(usize),
}

/// Where a node is in the document: the steps from the root, as
/// `workflow.statuses[2].category`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YamlPath {
    steps: Vec<Step>,
    /// Points at the last key itself rather than at its value (an unknown key).
    at_key: bool,
}

impl YamlPath {
    /// The top-level section `key`.
    pub fn section(key: &str) -> YamlPath {
        YamlPath { steps: vec![Step::Key(key.to_owned())], at_key: false }
    }

    /// The value of `key` in the mapping at this path.
    #[must_use]
    pub fn key(&self, key: &str) -> YamlPath {
        let mut steps = self.steps.clone();
        steps.push(Step::Key(key.to_owned()));
        YamlPath { steps, at_key: false }
    }

    /// Item `i` of the sequence at this path.
    #[must_use]
    pub fn index(&self, i: usize) -> YamlPath {
        let mut steps = self.steps.clone();
        steps.push(Step::Index(i));
        YamlPath { steps, at_key: false }
    }

    /// The same path, located at its last key rather than at the key's value.
    #[must_use]
    pub fn at_key(mut self) -> YamlPath {
        self.at_key = matches!(self.steps.last(), Some(Step::Key(_)));
        self
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(k) if i == 0 => write!(f, "{k}")?,
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem in `desk.yaml`: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The node, as `agents[2].email` (empty for the whole file).
    pub path: String,
    /// 1-based line of the node in the file.
    pub line: usize,
    /// 1-based column of the node in the file.
    pub column: usize,
    /// What is wrong, a lowercase fragment.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A problem as found, before it is located in the text.
enum Found {
    /// From the YAML reader, which knows where.
    Located(Problem),
    /// From a check, which knows the path.
    At(YamlPath, String),
}

/// Collects the problems of one `desk.yaml` text.
pub struct Checker<'a> {
    text: &'a str,
    found: Vec<Found>,
    /// The whole file read once, when it is a mapping: sections are taken from
    /// it, and only a section that does not read is read again from the text,
    /// for the place of its problem.
    doc: std::rc::Rc<std::cell::OnceCell<Option<serde_yaml::Mapping>>>,
}

impl<'a> Checker<'a> {
    pub fn new(text: &'a str) -> Checker<'a> {
        Checker { text, found: Vec::new(), doc: std::rc::Rc::default() }
    }

    /// A checker of the same text with no problems yet, sharing the file as read.
    #[must_use]
    pub fn fork(&self) -> Checker<'a> {
        Checker { text: self.text, found: Vec::new(), doc: std::rc::Rc::clone(&self.doc) }
    }

    /// The file as a mapping, read once; `None` when it is not one.
    pub fn document(&self) -> Option<&serde_yaml::Mapping> {
        self.doc.get_or_init(|| serde_yaml::from_str::<serde_yaml::Mapping>(self.text).ok()).as_ref()
    }

    /// The text being checked.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Reads the top-level section `key` as a `T`: `Some(None)` when the file
    /// has no such section, `None` (and the reader's problem recorded, with its
    /// place) when the section is not a `T`.
    pub fn section<T: DeserializeOwned>(&mut self, key: &str) -> Option<Option<T>> {
        if let Some(doc) = self.document() {
            match doc.get(key) {
                None => return Some(None),
                Some(value) => {
                    if let Ok(read) = serde_yaml::from_value::<T>(value.clone()) {
                        return Some(Some(read));
                    }
                }
            }
        }
        match read_section(self.text, key) {
            Ok(value) => Some(value),
            Err(e) => {
                self.found.push(Found::Located(from_yaml_error(&e)));
                None
            }
        }
    }

    /// The top-level keys of the file, in order; empty (and the problem
    /// recorded) when the file is not a YAML mapping.
    pub fn top_level_keys(&mut self) -> Vec<String> {
        match serde_yaml::from_str::<TopLevel>(self.text) {
            Ok(TopLevel(keys)) => keys,
            Err(e) => {
                self.found.push(Found::Located(from_yaml_error(&e)));
                Vec::new()
            }
        }
    }

    /// Records a problem at `path`.
    pub fn problem(&mut self, path: YamlPath, message: impl Into<String>) {
        self.found.push(Found::At(path, message.into()));
    }

    /// How many problems were found so far.
    pub fn count(&self) -> usize {
        self.found.len()
    }

    /// The problems, each located in the text, in the order of the file.
    pub fn problems(self) -> Vec<Problem> {
        let text = self.text;
        let mut problems: Vec<Problem> = self
            .found
            .into_iter()
            .map(|f| match f {
                Found::Located(p) => p,
                Found::At(path, message) => {
                    let (line, column) = locate(text, &path);
                    Problem { path: path.to_string(), line, column, message }
                }
            })
            .collect();
        // Stable: problems at one place keep the order they were found in.
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        problems
    }
}

/// A problem the YAML reader found: its message is `PATH: WHAT at line L column C`.
fn from_yaml_error(e: &serde_yaml::Error) -> Problem {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let (path, message) = match text.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => (path.to_owned(), rest.to_owned()),
        _ => (String::new(), text.to_owned()),
    };
    Problem { path, line, column, message }
}

/// The top-level keys of a mapping.
struct TopLevel(Vec<String>);

impl<'de> de::Deserialize<'de> for TopLevel {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TopLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of sections (workflow, priorities, …)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<TopLevel, E> {
                Ok(TopLevel(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<serde_yaml::Value>()? {
                    keys.push(key.as_str().map_or_else(|| format!("{key:?}"), str::to_owned));
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(TopLevel(keys))
            }
        }
        d.deserialize_any(Keys)
    }
}

/// Reads the top-level section `key` of `text` as a `T`, leaving the other
/// sections unread (so their problems are not this section's).
fn read_section<T: DeserializeOwned>(text: &str, key: &str) -> Result<Option<T>, serde_yaml::Error> {
    struct Section<'k, T>(&'k str, std::marker::PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for Section<'_, T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping of sections (workflow, priorities, …)")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let mut found = None;
            while let Some(k) = map.next_key::<serde_yaml::Value>()? {
                if k.as_str() == Some(self.0) && found.is_none() {
                    found = Some(map.next_value::<T>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Section<'_, T> {
        type Value = Option<T>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_any(self)
        }
    }
    Section(key, std::marker::PhantomData).deserialize(serde_yaml::Deserializer::from_str(text))
}

/// The message the locator stops the reader with.
const HERE: &str = "desk-locate-here";

/// The 1-based line and column of the node at `path` in `text`, or of its
/// deepest ancestor that exists. The YAML reader attaches the place of the
/// node being read to an error raised there, so the locator walks down the
/// path and raises one at the node.
pub fn locate(text: &str, path: &YamlPath) -> (usize, usize) {
    let seek = Seek { steps: &path.steps, at_key: path.at_key };
    match seek.deserialize(serde_yaml::Deserializer::from_str(text)) {
        Err(e) => e.location().map_or((1, 1), |l| (l.line(), l.column())),
        Ok(()) => (1, 1),
    }
}

/// Walks down `steps`; raises [`HERE`] at the node they lead to.
#[derive(Clone, Copy)]
struct Seek<'p> {
    steps: &'p [Step],
    at_key: bool,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Step::Key(want), rest)) = self.steps.split_first() else {
            return Err(de::Error::custom(HERE));
        };
        let at_key = self.at_key && rest.is_empty();
        while let Some(hit) = map.next_key_seed(KeyIs { want, raise: at_key })? {
            if hit {
                return map.next_value_seed(Seek { steps: rest, at_key: self.at_key });
            }
            map.next_value::<IgnoredAny>()?;
        }
        // Not there: the mapping is the nearest place.
        Err(de::Error::custom(HERE))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Step::Index(want), rest)) = self.steps.split_first() else {
            return Err(de::Error::custom(HERE));
        };
        let mut i = 0;
        loop {
            if i == *want {
                return match seq.next_element_seed(Seek { steps: rest, at_key: self.at_key })? {
                    Some(()) => Ok(()),
                    None => Err(de::Error::custom(HERE)),
                };
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(HERE));
            }
            i += 1;
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(HERE))
    }
}

/// Reads a mapping key: whether it is `want`; raises [`HERE`] at it when asked.
struct KeyIs<'w> {
    want: &'w str,
    raise: bool,
}

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if v == self.want && self.raise { Err(E::custom(HERE)) } else { Ok(v == self.want) }
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
workflow:
  statuses:
    - new
    - {name: done, category: finished}
priorities:
  levels: [low, high]
agents:
  - name: Ada
    email: ada@example.com
";

    #[test]
    fn paths_are_located_at_their_node() {
        let at = |p: YamlPath| locate(TEXT, &p);
        let statuses = YamlPath::section("workflow").key("statuses");
        assert_eq!(at(statuses.index(0)), (3, 7));
        assert_eq!(at(statuses.index(1).key("category")), (4, 30));
        assert_eq!(at(YamlPath::section("priorities").key("levels").index(1)), (6, 17));
        assert_eq!(at(YamlPath::section("agents").index(0).key("email")), (9, 12));
        assert_eq!(at(YamlPath::section("agents").at_key()), (7, 1));
        assert_eq!(statuses.index(1).key("category").to_string(), "workflow.statuses[1].category");
    }

    #[test]
    fn a_missing_node_is_located_at_its_nearest_ancestor() {
        assert_eq!(locate(TEXT, &YamlPath::section("agents").index(0).key("teams")), (8, 5));
        assert_eq!(locate(TEXT, &YamlPath::section("priorities").key("levels").index(7)), (6, 11));
        assert_eq!(locate(TEXT, &YamlPath::section("sla")), (1, 1));
    }

    #[test]
    fn a_section_is_read_alone_with_the_place_of_its_problems() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Levels {
            #[allow(dead_code)]
            levels: Vec<String>,
            #[allow(dead_code)]
            default: String,
        }
        let mut c = Checker::new(TEXT);
        assert!(c.section::<Levels>("priorities").is_none());
        assert!(matches!(c.section::<Levels>("queues"), Some(None)));
        assert_eq!(c.top_level_keys(), ["workflow", "priorities", "agents"]);
        c.problem(YamlPath::section("workflow").key("statuses").index(1).key("category"), "unknown");
        let problems = c.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (4, 30));
        assert_eq!(problems[1].path, "priorities");
        assert_eq!(problems[1].message, "missing field `default`");
        assert_eq!(problems[1].line, 6);
    }
}
