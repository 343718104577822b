//! The request context a policy is evaluated against: condition keys and their values.
//!
//! Key names compare case-insensitively, tag-key parts included
//! [IAM `reference_policies_elements_condition`: "Condition key names are not case-sensitive"].
//! A key the request does not carry is absent; a multi-valued key with no values is present
//! and empty. Compiled policies look keys up by a [`KeyName`] prepared once, so a lookup is a
//! scan of a short array of precomputed hashes and one string comparison.

use crate::fxhash::hash_str;

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

/// A condition key prepared for lookups: lower-cased, with its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyName {
    lower: String,
    hash: u64,
}

impl KeyName {
    pub fn new(key: &str) -> KeyName {
        let lower = key.to_ascii_lowercase();
        KeyName {
            hash: hash_str(&lower),
            lower,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.lower
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: KeyName,
    /// The spelling the request used, for traces.
    name: String,
    value: ContextValue,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// `hashes[i]` is the hash of `entries[i].key`, apart so a scan touches only hashes.
    hashes: Vec<u64>,
    entries: Vec<Entry>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` (replacing any value it had under any spelling).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let name = KeyName::new(key);
        match self.position(&name) {
            Ok(i) => {
                self.entries[i].value = value;
                self.entries[i].name = key.to_string();
            }
            Err(()) => {
                self.hashes.push(name.hash);
                self.entries.push(Entry {
                    key: name,
                    name: key.to_string(),
                    value,
                });
            }
        }
    }

    fn position(&self, key: &KeyName) -> Result<usize, ()> {
        for (i, hash) in self.hashes.iter().enumerate() {
            if *hash == key.hash && self.entries[i].key.lower == key.lower {
                return Ok(i);
            }
        }
        Err(())
    }

    pub fn get_key(&self, key: &KeyName) -> Option<&ContextValue> {
        self.position(key).ok().map(|i| &self.entries[i].value)
    }

    /// Lookup by name, in any case (prepares the key: use [`Context::get_key`] on hot paths).
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_key(&KeyName::new(key))
    }

    pub fn single(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(ContextValue::single)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|e| (e.name.as_str(), &e.value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_without_case_and_replace() {
        let mut c = Context::new();
        c.insert("aws:PrincipalTag/Team", ContextValue::Single("a".into()));
        c.insert("aws:principaltag/team", ContextValue::Single("b".into()));
        assert_eq!(c.len(), 1);
        assert_eq!(c.single("AWS:PRINCIPALTAG/TEAM"), Some("b"));
        assert_eq!(c.get("aws:SourceIp"), None);
    }
}
