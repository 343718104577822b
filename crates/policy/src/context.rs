//! The request context a policy is evaluated against: condition keys and their values.
//!
//! Key names compare case-insensitively, tag-key parts included
//! [IAM `reference_policies_elements_condition`: "Condition key names are not case-sensitive"].
//! A key the request does not carry is absent; a multi-valued key with no values is present
//! and empty. Compiled policies look keys up by a [`KeyName`] prepared once, so a lookup is a
//! probe of a small open-addressing index by the key's precomputed hash and one string
//! comparison (a decision looks up some fifty keys in a context of about twenty-five).

use std::borrow::Cow;

use crate::fxhash::{hash_bytes, hash_str};

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
    /// The spelling the request used, for traces: not copied when it is a literal, as most
    /// keys a server sets are.
    name: Cow<'static, str>,
    lower: Lowered,
    /// The hash of `lower`, as its [`KeyName`]'s.
    hash: u64,
    value: ContextValue,
}

/// Keys of up to this many bytes are lower-cased in place, not into a heap copy: every
/// request builds a context of some twenty-five keys, and nearly every key is this short.
const INLINE: usize = 46;

/// A key lower-cased, as bytes (only ever compared).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lowered {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Lowered {
    fn new(key: &str) -> Lowered {
        let key = key.as_bytes();
        if key.len() > INLINE {
            return Lowered::Heap(key.to_ascii_lowercase().into_boxed_slice());
        }
        let mut bytes = [0u8; INLINE];
        for (lower, b) in bytes.iter_mut().zip(key) {
            *lower = b.to_ascii_lowercase();
        }
        Lowered::Inline {
            len: key.len() as u8,
            bytes,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Lowered::Inline { len, bytes } => &bytes[..*len as usize],
            Lowered::Heap(bytes) => bytes,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<Entry>,
    /// Open addressing over the keys' hashes: `entry index + 1`, 0 for a free slot. Its length
    /// is a power of two at least twice the number of entries, so a probe ends soon.
    slots: Vec<u32>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// A context with room for `keys` keys before it grows.
    pub fn with_capacity(keys: usize) -> Context {
        Context {
            entries: Vec::with_capacity(keys),
            slots: Vec::new(),
        }
    }

    /// Sets `key` (replacing any value it had under any spelling).
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: ContextValue) {
        let name = key.into();
        let lower = Lowered::new(&name);
        let hash = hash_bytes(lower.as_bytes());
        match self.position(hash, lower.as_bytes()) {
            Ok(i) => {
                self.entries[i].value = value;
                self.entries[i].name = name;
            }
            Err(slot) => {
                self.entries.push(Entry {
                    name,
                    lower,
                    hash,
                    value,
                });
                if self.entries.len() * 2 > self.slots.len() {
                    self.reindex();
                } else {
                    self.slots[slot] = self.entries.len() as u32;
                }
            }
        }
    }

    /// The entry holding `key`, or the free slot where it would go.
    fn position(&self, hash: u64, lower: &[u8]) -> Result<usize, usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(hash, mask);
        loop {
            let Some(i) = (self.slots[slot] as usize).checked_sub(1) else {
                return Err(slot);
            };
            let entry = &self.entries[i];
            if entry.hash == hash && entry.lower.as_bytes() == lower {
                return Ok(i);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn reindex(&mut self) {
        let size = (self.entries.len() * 2).next_power_of_two().max(16);
        self.slots = vec![0; size];
        let mask = size - 1;
        for (i, entry) in self.entries.iter().enumerate() {
            let mut slot = home_slot(entry.hash, mask);
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = i as u32 + 1;
        }
    }

    pub fn get_key(&self, key: &KeyName) -> Option<&ContextValue> {
        self.position(key.hash, key.lower.as_bytes())
            .ok()
            .map(|i| &self.entries[i].value)
    }

    /// Lookup by name, in any case (prepares the key: use [`Context::get_key`] on hot paths).
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_key(&KeyName::new(key))
    }

    pub fn single(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(ContextValue::single)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|e| (&*e.name, &e.value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A hash's first slot: its high bits, which the multiplicative hash mixes best.
fn home_slot(hash: u64, mask: usize) -> usize {
    (hash >> 40) as usize & mask
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

    #[test]
    fn every_key_is_found_as_the_index_grows() {
        let mut c = Context::new();
        for i in 0..300 {
            c.insert(format!("k{i}"), ContextValue::Single(i.to_string()));
            for j in 0..=i {
                assert_eq!(c.single(&format!("K{j}")), Some(j.to_string().as_str()));
            }
            assert_eq!(c.get(&format!("k{}", i + 1)), None);
        }
        c.insert("K7", ContextValue::Single("seven".into()));
        assert_eq!((c.len(), c.single("k7")), (300, Some("seven")));
    }
}
