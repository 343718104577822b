//! What every request reads and almost nothing writes — access keys, buckets, current bucket
//! policies — kept in memory. Every write through the store drops the entry it changes, so a
//! change is seen by the next request. (One server process owns a data directory.)

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use crate::accounts::AccessKey;
use crate::buckets::{Bucket, StoredPolicy};

pub(crate) struct Cached<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Hash + Eq + Clone, V: Clone> Cached<K, V> {
    fn new() -> Self {
        Cached {
            map: RwLock::new(HashMap::new()),
        }
    }

    /// The cached value, or `load`'s (kept when it is `Some`).
    pub(crate) fn get_or_load<E>(
        &self,
        key: &K,
        load: impl FnOnce() -> Result<Option<V>, E>,
    ) -> Result<Option<V>, E> {
        if let Some(v) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Ok(Some(v.clone()));
        }
        let loaded = load()?;
        if let Some(v) = &loaded {
            self.map
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.clone(), v.clone());
        }
        Ok(loaded)
    }

    pub(crate) fn clear(&self) {
        self.map.write().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub(crate) fn forget(&self, key: &K) {
        self.map
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

pub(crate) struct Caches {
    pub(crate) keys: Cached<String, AccessKey>,
    pub(crate) buckets: Cached<String, Bucket>,
    /// By bucket name; `None` inside: the bucket has no policy (cached too: most have none).
    pub(crate) policies: Cached<String, Option<StoredPolicy>>,
    /// Account-level Block Public Access, by account id.
    pub(crate) account_bpa: Cached<String, Option<crate::BlockPublicAccessFlags>>,
}

impl Caches {
    pub(crate) fn new() -> Caches {
        Caches {
            keys: Cached::new(),
            buckets: Cached::new(),
            policies: Cached::new(),
            account_bpa: Cached::new(),
        }
    }

    /// A bucket changed or went: its entry and its policy's.
    pub(crate) fn forget_bucket(&self, name: &str) {
        self.buckets.forget(&name.to_string());
        self.policies.forget(&name.to_string());
    }
}
