//! The text format of the catalogue's data files (`s3.txt`, `sts.txt`, `global.txt`, …).
//!
//! ```text
//! # A comment: `#` at the start of a line or after whitespace, to the end of the line.
//! [service]
//! prefix  s3
//! name    Amazon S3
//! source  https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
//!
//! [key_groups]                      # optional shorthand, local to the file
//! @sig  s3:authType s3:signatureAge
//!
//! [resource_types]                  # name  ARN-pattern  resource-level keys…
//! bucket  arn:${Partition}:s3:::${BucketName}  aws:ResourceTag/${TagKey} s3:BucketTag/${TagKey}
//!
//! [condition_keys]                  # name  type (the SAR's: String, ArrayOfString, Numeric,
//! s3:prefix  String                 #   Date, Bool, ArrayOfBool, ARN, ArrayOfARN, IPAddress, …)
//!
//! [actions]                         # name  level[+level]  resource types  keys…  [depends=a,b]
//! ListBucket  List  accesspoint,bucket  @sig s3:prefix
//!     s3:delimiter                  # an indented line continues the entry above
//! ListAllMyBuckets  List  -  @sig   # `-`: no resource type
//! CreateBucket  Write  bucket*  @sig # `*`: required resource type
//! X  Write  thing*(k:a;k:b)  k:c     # keys on one resource type's row of the action
//! ```
//!
//! Columns are separated by any whitespace. Access levels are `List`, `Read`, `Write`,
//! `PermissionsManagement`, `Tagging`, joined by `+` when the SAR gives two. Every key an action
//! or resource type names must be declared in the file's `[condition_keys]`, and every resource
//! type an action names in its `[resource_types]`, as the SAR's tables are. A file without
//! `[service]` (the global keys) holds only `[condition_keys]`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::key_type::KeyType;
use super::keys::KeySet;
use super::types::{AccessLevel, Action, ActionResource, ConditionKey, ResourceType};

/// A mistake in a data file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The `[service]` section.
#[derive(Debug, Clone, Default)]
pub(super) struct Header {
    pub prefix: String,
    pub name: String,
    pub source: String,
}

/// One data file, parsed and checked for internal consistency.
#[derive(Debug, Clone, Default)]
pub(super) struct Parsed {
    pub header: Option<Header>,
    pub resource_types: Vec<ResourceType>,
    pub condition_keys: Vec<ConditionKey>,
    pub actions: Vec<Action>,
}

/// A logical entry: its first line's number and its tokens (continuation lines included).
struct Record {
    line: usize,
    tokens: Vec<String>,
}

enum Item {
    Section(usize, String),
    Entry(Record),
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Service,
    KeyGroups,
    ResourceTypes,
    ConditionKeys,
    Actions,
}

/// Parses one data file. `file` names it in errors.
pub(super) fn parse(file: &str, text: &str) -> Result<Parsed, ParseError> {
    Parser {
        file,
        out: Parsed::default(),
        groups: HashMap::new(),
        header_lines: HashMap::new(),
        declared: HashSet::new(),
        used_keys: Vec::new(),
        used_types: Vec::new(),
    }
    .run(text)
}

struct Parser<'a> {
    file: &'a str,
    out: Parsed,
    groups: HashMap<String, Vec<String>>,
    header_lines: HashMap<&'static str, usize>,
    /// Lower-cased declared key names.
    declared: HashSet<String>,
    /// (line, key) of every key named by an action or a resource type.
    used_keys: Vec<(usize, String)>,
    /// (line, resource type) of every resource type named by an action.
    used_types: Vec<(usize, String)>,
}

impl Parser<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn run(mut self, text: &str) -> Result<Parsed, ParseError> {
        let mut section = Section::None;
        for item in self.items(text)? {
            match item {
                Item::Section(line, name) => {
                    section = match name.as_str() {
                        "service" => Section::Service,
                        "key_groups" => Section::KeyGroups,
                        "resource_types" => Section::ResourceTypes,
                        "condition_keys" => Section::ConditionKeys,
                        "actions" => Section::Actions,
                        other => return Err(self.err(line, format!("unknown section [{other}]"))),
                    }
                }
                Item::Entry(record) => match section {
                    Section::None => {
                        return Err(self.err(record.line, "entry before the first [section]"))
                    }
                    Section::Service => self.service_entry(record)?,
                    Section::KeyGroups => self.group_entry(record)?,
                    Section::ResourceTypes => self.resource_type_entry(record)?,
                    Section::ConditionKeys => self.condition_key_entry(record)?,
                    Section::Actions => self.action_entry(record)?,
                },
            }
        }
        self.finish()
    }

    /// Splits the text into sections and entries, joining continuation lines.
    fn items(&self, text: &str) -> Result<Vec<Item>, ParseError> {
        let mut items: Vec<Item> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = strip_comment(raw);
            if content.trim().is_empty() {
                continue;
            }
            let indented = content.starts_with([' ', '\t']);
            let tokens = content.split_whitespace().map(str::to_string);
            if indented {
                match items.last_mut() {
                    Some(Item::Entry(record)) => record.tokens.extend(tokens),
                    _ => return Err(self.err(line, "indented line continues nothing")),
                }
            } else if let Some(name) = content.trim_end().strip_prefix('[') {
                let Some(name) = name.strip_suffix(']') else {
                    return Err(self.err(line, "section header lacks its closing `]`"));
                };
                items.push(Item::Section(line, name.to_string()));
            } else {
                items.push(Item::Entry(Record {
                    line,
                    tokens: tokens.collect(),
                }));
            }
        }
        Ok(items)
    }

    fn service_entry(&mut self, record: Record) -> Result<(), ParseError> {
        let field = record.tokens[0].as_str();
        let value = record.tokens[1..].join(" ");
        if value.is_empty() {
            return Err(self.err(record.line, format!("`{field}` has no value")));
        }
        let header = self.out.header.get_or_insert_with(Header::default);
        let (slot, name) = match field {
            "prefix" => (&mut header.prefix, "prefix"),
            "name" => (&mut header.name, "name"),
            "source" => (&mut header.source, "source"),
            other => {
                return Err(self.err(record.line, format!("unknown [service] field `{other}`")))
            }
        };
        *slot = value;
        if self.header_lines.insert(name, record.line).is_some() {
            return Err(self.err(record.line, format!("`{name}` given twice")));
        }
        Ok(())
    }

    fn group_entry(&mut self, record: Record) -> Result<(), ParseError> {
        let name = &record.tokens[0];
        if !name.starts_with('@') || name.len() < 2 {
            return Err(self.err(
                record.line,
                format!("a key group's name starts with `@`: `{name}`"),
            ));
        }
        let keys = self.keys(record.line, &record.tokens[1..])?;
        if keys.is_empty() {
            return Err(self.err(record.line, format!("key group `{name}` is empty")));
        }
        if self.groups.insert(name.clone(), keys).is_some() {
            return Err(self.err(record.line, format!("key group `{name}` defined twice")));
        }
        Ok(())
    }

    fn resource_type_entry(&mut self, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let [name, arn, rest @ ..] = record.tokens.as_slice() else {
            return Err(self.err(line, "a resource type needs a name and an ARN pattern"));
        };
        if !arn.starts_with("arn:") || arn.splitn(6, ':').count() != 6 {
            return Err(self.err(line, format!("`{arn}` is not an ARN pattern")));
        }
        if arn.contains(['*', '?']) {
            return Err(self.err(line, format!("ARN pattern `{arn}` contains a wildcard")));
        }
        if self.out.resource_types.iter().any(|r| r.name == *name) {
            return Err(self.err(line, format!("resource type `{name}` defined twice")));
        }
        let keys = self.keys(line, rest)?;
        self.use_keys(line, &keys);
        self.out.resource_types.push(ResourceType {
            name: name.clone(),
            arn: arn.clone(),
            key_set: KeySet::new(keys.iter().map(String::as_str)),
            condition_keys: keys,
        });
        Ok(())
    }

    fn condition_key_entry(&mut self, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let [name, key_type] = record.tokens.as_slice() else {
            return Err(self.err(line, "a condition key is `name  type`"));
        };
        check_key_name(name).map_err(|m| self.err(line, m))?;
        let Some(key_type) = KeyType::parse(key_type) else {
            return Err(self.err(line, format!("unknown key type `{key_type}`")));
        };
        if !self.declared.insert(name.to_ascii_lowercase()) {
            return Err(self.err(line, format!("condition key `{name}` declared twice")));
        }
        self.out.condition_keys.push(ConditionKey {
            name: name.clone(),
            key_type,
        });
        Ok(())
    }

    fn action_entry(&mut self, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let [name, levels, resources, rest @ ..] = record.tokens.as_slice() else {
            return Err(self.err(
                line,
                "an action needs a name, an access level and resource types (`-` for none)",
            ));
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(self.err(line, format!("`{name}` is not an action name")));
        }
        if self
            .out
            .actions
            .iter()
            .any(|a| a.name.eq_ignore_ascii_case(name))
        {
            return Err(self.err(line, format!("action `{name}` defined twice")));
        }
        let access_levels = levels
            .split('+')
            .map(|l| {
                AccessLevel::parse(l)
                    .ok_or_else(|| self.err(line, format!("unknown access level `{l}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let resource_types = if resources == "-" {
            Vec::new()
        } else {
            resources
                .split(',')
                .map(|spec| self.action_resource(line, spec))
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut key_tokens = Vec::new();
        let mut dependent_actions = Vec::new();
        for token in rest {
            match token.strip_prefix("depends=") {
                Some(list) => dependent_actions.extend(list.split(',').map(str::to_string)),
                None => key_tokens.push(token.clone()),
            }
        }
        let condition_keys = self.keys(line, &key_tokens)?;
        self.use_keys(line, &condition_keys);
        self.out.actions.push(Action {
            name: name.clone(),
            access_level: access_levels[0],
            access_levels,
            resource_types,
            key_set: KeySet::new(condition_keys.iter().map(String::as_str)),
            condition_keys,
            dependent_actions,
        });
        Ok(())
    }

    /// `object`, `object*`, `object*(k:a;k:b)`.
    fn action_resource(&mut self, line: usize, spec: &str) -> Result<ActionResource, ParseError> {
        let (head, keys) = match spec.split_once('(') {
            Some((head, tail)) => {
                let Some(inner) = tail.strip_suffix(')') else {
                    return Err(self.err(line, format!("`{spec}` lacks its closing `)`")));
                };
                let tokens: Vec<String> = inner.split(';').map(str::to_string).collect();
                (head, self.keys(line, &tokens)?)
            }
            None => (spec, Vec::new()),
        };
        let (name, required) = match head.strip_suffix('*') {
            Some(name) => (name, true),
            None => (head, false),
        };
        if name.is_empty() {
            return Err(self.err(line, format!("empty resource type in `{spec}`")));
        }
        self.used_types.push((line, name.to_string()));
        self.use_keys(line, &keys);
        Ok(ActionResource {
            name: name.to_string(),
            required,
            key_set: KeySet::new(keys.iter().map(String::as_str)),
            condition_keys: keys,
        })
    }

    /// Key names, with `@group` references expanded.
    fn keys(&self, line: usize, tokens: &[String]) -> Result<Vec<String>, ParseError> {
        let mut keys = Vec::new();
        for token in tokens {
            if token.starts_with('@') {
                let Some(group) = self.groups.get(token) else {
                    return Err(self.err(line, format!("unknown key group `{token}`")));
                };
                keys.extend(group.iter().cloned());
            } else {
                check_key_name(token).map_err(|m| self.err(line, m))?;
                keys.push(token.clone());
            }
        }
        Ok(keys)
    }

    fn use_keys(&mut self, line: usize, keys: &[String]) {
        self.used_keys
            .extend(keys.iter().map(|k| (line, k.clone())));
    }

    fn finish(self) -> Result<Parsed, ParseError> {
        for (line, key) in &self.used_keys {
            if !self.declared.contains(&key.to_ascii_lowercase()) {
                return Err(self.err(
                    *line,
                    format!("condition key `{key}` is not in [condition_keys]"),
                ));
            }
        }
        for (line, name) in &self.used_types {
            if !self.out.resource_types.iter().any(|r| r.name == *name) {
                return Err(self.err(
                    *line,
                    format!("resource type `{name}` is not in [resource_types]"),
                ));
            }
        }
        if let Some(header) = &self.out.header {
            for field in ["prefix", "name", "source"] {
                if !self.header_lines.contains_key(field) {
                    return Err(self.err(1, format!("[service] lacks `{field}`")));
                }
            }
            if header.prefix.contains([':', ' ']) || header.prefix.is_empty() {
                return Err(self.err(self.header_lines["prefix"], "a prefix has no `:` or spaces"));
            }
        } else if !self.out.actions.is_empty() || !self.out.resource_types.is_empty() {
            return Err(self.err(
                1,
                "a file with actions or resource types needs a [service] section",
            ));
        }
        Ok(self.out)
    }
}

/// The line without its comment. `#` starts a comment at the start of a line or after
/// whitespace, so URLs' fragments (`…html#keys`) survive.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// A condition key is `prefix:name`, without wildcards or the format's own punctuation.
fn check_key_name(name: &str) -> Result<(), String> {
    if !name.contains(':') || name.starts_with(':') {
        return Err(format!("`{name}` is not a condition key (`prefix:name`)"));
    }
    if name.contains(['*', '?', '(', ')', ';', ',', '@']) {
        return Err(format!("condition key `{name}` contains `*?();,@`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
# comment
[service]
prefix  ex
name    Example Service   # trailing comment
source  https://example.com/page.html#keys

[key_groups]
@g  ex:a ex:b

[resource_types]
thing  arn:${Partition}:ex:${Region}:${Account}:thing/${Id}  ex:tag/${TagKey}

[condition_keys]
ex:a            String
ex:b            Numeric
ex:tag/${TagKey}  String
ex:c            ArrayOfARN

[actions]
DoThing  PermissionsManagement+Write  thing*(ex:c)  @g
    ex:c  depends=other:Action
ListThings  List  -
";

    #[test]
    fn parses_every_column() {
        let parsed = parse("good.txt", GOOD).unwrap();
        let header = parsed.header.unwrap();
        assert_eq!(header.name, "Example Service");
        assert_eq!(header.source, "https://example.com/page.html#keys");
        let action = &parsed.actions[0];
        assert_eq!(action.access_level, AccessLevel::PermissionsManagement);
        assert_eq!(
            action.access_levels,
            [AccessLevel::PermissionsManagement, AccessLevel::Write]
        );
        assert_eq!(action.condition_keys, ["ex:a", "ex:b", "ex:c"]);
        assert_eq!(action.dependent_actions, ["other:Action"]);
        assert!(action.resource_types[0].required);
        assert_eq!(action.resource_types[0].condition_keys, ["ex:c"]);
        assert!(parsed.actions[1].resource_types.is_empty());
        assert_eq!(parsed.condition_keys[3].key_type, KeyType::ArrayOfArn);
    }

    fn error_of(text: &str) -> ParseError {
        parse("bad.txt", text).unwrap_err()
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = error_of(&GOOD.replace("ListThings  List  -", "ListThings  Lst  -"));
        assert_eq!((e.file.as_str(), e.line), ("bad.txt", 22));
        assert!(e
            .to_string()
            .starts_with("bad.txt:22: unknown access level"));
        let e = error_of(&GOOD.replace("  @g\n", "  @h\n"));
        assert_eq!(e.line, 20);
        let e = error_of(&GOOD.replace("ex:c  depends", "ex:d  depends"));
        assert!(
            e.message.contains("`ex:d` is not in [condition_keys]"),
            "{e}"
        );
        let e = error_of(&GOOD.replace("thing*(ex:c)", "thang*"));
        assert!(
            e.message.contains("`thang` is not in [resource_types]"),
            "{e}"
        );
        let e = error_of(&GOOD.replace("ex:c            ArrayOfARN", "ex:c  Long"));
        assert_eq!(e.line, 17);
        assert!(error_of("[oops]\n").message.contains("unknown section"));
        assert!(error_of("  indented\n")
            .message
            .contains("continues nothing"));
        assert!(error_of("[condition_keys]\nex:a String\nex:A String\n")
            .message
            .contains("twice"));
    }
}
