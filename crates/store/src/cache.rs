//! What every request reads and almost nothing writes — access keys, buckets, current bucket
//! policies, account-level Block Public Access — kept in memory.
//!
//! # The invariant every cache here (and every cache over the store elsewhere) keeps
//!
//! A cached value is served only if it was loaded at the store's current [`Generation`]. The
//! generation is one store-wide counter that never repeats within a process (caches do not
//! outlive the process) and that every write bumps *after* its transaction commits. A loader
//! reads the generation *before* it reads the database, so a value is tagged with a generation
//! no later than the data it saw:
//! - a write that commits before the load began has bumped the counter before the tag was read,
//!   or commits between the tag and the read — then the tag is older than the counter and the
//!   entry is never served;
//! - a write that commits after the load bumps the counter past the tag.
//!
//! Either way no entry outlives the write that made it stale. Keys are names that can be
//! reused (a bucket name, an account id): that is safe because validity never depends on the
//! key, only on the generation. Nothing is keyed by a row id.
//!
//! Memory: each cache holds at most [`MAX_ENTRIES`] entries (objects: 4,096) and is emptied
//! when full; an absent key (an unknown access key id, a missing bucket) is never cached, so
//! callers cannot grow a cache with made-up names.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use crate::accounts::AccessKey;
use crate::buckets::{Bucket, StoredPolicy};
use crate::generation::Generation;

/// At most this many entries in any one cache.
pub const MAX_ENTRIES: usize = 10_000;

thread_local! {
    /// Set while [`crate::Store::bypassing_caches`] runs on this thread.
    static BYPASS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every store cache bypassed on this thread (loads go to the database and are
/// not kept): the verification mode's second, uncached decision.
/// Is [`bypassing`] running on this thread? Caches outside the store (compiled policies,
/// resolved callers) consult it too.
pub fn bypassed() -> bool {
    BYPASS.with(|b| b.get())
}

pub(crate) fn bypassing<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            BYPASS.with(|b| b.set(self.0));
        }
    }
    let _reset = Reset(BYPASS.with(|b| b.replace(true)));
    f()
}

pub(crate) struct Cached<K, V> {
    map: RwLock<HashMap<K, (u64, V)>>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Cached<K, V> {
    fn new() -> Self {
        Cached::with_capacity(MAX_ENTRIES)
    }

    fn with_capacity(capacity: usize) -> Self {
        Cached {
            map: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The cached value if it is current, else `load`'s (kept when it is `Some` and no write
    /// happened while loading).
    /// `key` is borrowed (a `&str` for a `String` key): a hit allocates nothing.
    pub(crate) fn get_or_load<Q, E>(
        &self,
        generation: &Generation,
        key: &Q,
        load: impl FnOnce() -> Result<Option<V>, E>,
    ) -> Result<Option<V>, E>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if bypassed() {
            return load();
        }
        let at = generation.current();
        if let Some((tag, v)) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            if *tag == at {
                return Ok(Some(v.clone()));
            }
        }
        let loaded = load()?;
        if let Some(v) = &loaded {
            let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
            // Checked under the lock: a write that committed during the load is not cached
            // over (it would not be served anyway; this keeps the map free of dead entries).
            if generation.current() == at {
                if map.len() >= self.capacity {
                    map.clear();
                }
                map.insert(key.to_owned(), (at, v.clone()));
            }
        }
        Ok(loaded)
    }
}

pub(crate) struct Caches {
    pub(crate) keys: Cached<String, std::sync::Arc<AccessKey>>,
    pub(crate) buckets: Cached<String, std::sync::Arc<Bucket>>,
    /// By bucket name; `None` inside: the bucket has no policy (cached too: most have none).
    pub(crate) policies: Cached<String, Option<StoredPolicy>>,
    /// Account-level Block Public Access, by account id.
    pub(crate) account_bpa: Cached<String, Option<crate::BlockPublicAccessFlags>>,
    /// The organizations document (one key); `None` inside: no organization was ever made.
    pub(crate) organizations: Cached<(), Option<std::sync::Arc<str>>>,
    /// Records by kind and id.
    pub(crate) records: Cached<(String, String), std::sync::Arc<str>>,
    /// Every account, in id order (one key).
    pub(crate) accounts: Cached<(), std::sync::Arc<Vec<crate::Account>>>,
    /// Object versions with their segments, by bucket name, key and version id (`None`: the
    /// current one). Unlike the caches above, objects change often: this one's generation is
    /// the writer connection's release count (`db::Writer`), not the store's counter.
    pub(crate) objects: Cached<ObjectKey, (crate::ObjectVersion, Vec<crate::Segment>)>,
}

pub(crate) type ObjectKey = (String, String, Option<String>);

/// Object entries carry metadata and tags (up to a few KiB each): fewer of them.
const MAX_OBJECTS: usize = 4_096;

impl Caches {
    pub(crate) fn new() -> Caches {
        Caches {
            keys: Cached::new(),
            buckets: Cached::new(),
            policies: Cached::new(),
            account_bpa: Cached::new(),
            organizations: Cached::new(),
            accounts: Cached::new(),
            records: Cached::new(),
            objects: Cached::with_capacity(MAX_OBJECTS),
        }
    }
}
