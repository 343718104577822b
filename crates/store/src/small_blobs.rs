//! The bytes of small blobs read recently, in memory: a small GET otherwise opens, reads and
//! closes a file (a tenth of its time, docs/performance.md).
//!
//! Keyed by blob id, which is safe where a name or row id would not be: a blob's bytes never
//! change once written, and its id (128 random bits) is never given to another blob. A blob
//! that is removed stays here unread — nothing names it any more — until the next clear.
//! Bounded by bytes: at most [`MAX_BYTES`], emptied when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Blobs up to this size are kept.
pub const MAX_BLOB: u64 = 64 * 1024;
const MAX_BYTES: usize = 8 * 1024 * 1024;

#[derive(Default)]
pub(crate) struct SmallBlobs {
    kept: Mutex<Kept>,
}

/// The blobs by id, and their total size.
#[derive(Default)]
struct Kept {
    bytes: HashMap<String, Arc<[u8]>>,
    total: usize,
}

impl SmallBlobs {
    pub(crate) fn get(&self, id: &str) -> Option<Arc<[u8]>> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .bytes
            .get(id)
            .cloned()
    }

    pub(crate) fn keep(&self, id: &str, bytes: Arc<[u8]>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.total + bytes.len() > MAX_BYTES {
            kept.bytes.clear();
            kept.total = 0;
        }
        kept.total += bytes.len();
        kept.bytes.insert(id.to_string(), bytes);
    }
}
