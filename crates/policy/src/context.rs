//! The request context a policy is evaluated against: condition keys and their values.
//!
//! Key names compare case-insensitively, tag-key parts included
//! [IAM `reference_policies_elements_condition`: "Condition key names are not case-sensitive"],
//! so keys are stored lower-cased. A key the request does not carry is absent; a multi-valued
//! key with no values is present and empty.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl ContextValue {
    pub fn single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(_) => None,
        }
    }

    /// The values as a set: a single value is a one-element set (ForAllValues/ForAnyValue).
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: HashMap<String, ContextValue>,
    /// Original spellings, for traces.
    names: HashMap<String, String>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let lower = key.to_ascii_lowercase();
        self.names.insert(lower.clone(), key.to_string());
        self.entries.insert(lower, value);
    }

    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.entries.get(&key.to_ascii_lowercase())
        } else {
            self.entries.get(key)
        }
    }

    /// Lookup by a key already lower-cased (compiled policies store keys that way).
    pub fn get_lower(&self, key: &str) -> Option<&ContextValue> {
        self.entries.get(key)
    }

    pub fn single(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(ContextValue::single)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries
            .iter()
            .map(|(k, v)| (self.names.get(k).map_or(k.as_str(), String::as_str), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
