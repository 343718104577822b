//! A change counter that never repeats within a process: the tag of every cache entry
//! (`cache.rs` states the rule).

use std::sync::atomic::{AtomicU64, Ordering};

/// A change counter: the store-wide one, or the writer connection's (`db::Writer`).
#[derive(Default)]
pub struct Generation(AtomicU64);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Called after a write's transaction committed.
    pub(crate) fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}
