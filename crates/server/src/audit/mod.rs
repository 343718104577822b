//! Step 7 of the request path: every request, allowed or denied, one JSON line in CloudTrail's
//! record shape in `DATA_DIR/audit/audit-YYYY-MM-DD-N.jsonl` (UTC; a new N past 64 MiB).
//!
//! Requests never wait on the disk: events go through a bounded channel to a writer thread.
//! While a request runs, its operation and its authorization decisions are collected under its
//! request id; the front door completes the event when the response is known.

mod event;
mod writer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Mutex;

pub use event::{Event, Identity};

/// What is known of a request before its response: filled by the S3 layer.
#[derive(Debug, Default, Clone)]
pub struct Pending {
    pub operation: Option<String>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub identity: Option<Identity>,
    pub region: Option<String>,
    pub resource_account: Option<String>,
    /// Each decision as JSON: for a denial the full trace, for an allow the decision, its
    /// statement and the ids and versions of the policies consulted.
    pub decisions: Vec<String>,
}

pub struct AuditLog {
    sender: SyncSender<String>,
    pending: Mutex<HashMap<String, Pending>>,
    dropped: AtomicU64,
}

/// Events waiting for the writer; past this a burst loses events (counted) rather than
/// making requests wait.
const QUEUE: usize = 65_536;

impl AuditLog {
    /// Starts the writer thread on `DATA_DIR/audit`.
    pub fn start(dir: PathBuf) -> std::io::Result<AuditLog> {
        std::fs::create_dir_all(&dir)?;
        let (sender, receiver) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("gatehouse-audit".into())
            .spawn(move || writer::run(dir, receiver, writer::MAX_FILE))?;
        Ok(AuditLog {
            sender,
            pending: Mutex::new(HashMap::new()),
            dropped: AtomicU64::new(0),
        })
    }

    /// Updates what is known of request `id`.
    pub fn note(&self, id: &str, f: impl FnOnce(&mut Pending)) {
        if id.is_empty() {
            return;
        }
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        f(pending.entry(id.to_string()).or_default());
    }

    /// Takes what was collected for request `id`.
    pub fn take(&self, id: &str) -> Pending {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
            .unwrap_or_default()
    }

    pub fn write(&self, event: &Event) {
        match self.sender.try_send(event.to_json()) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Events lost to a full queue since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
