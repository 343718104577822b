//! Step 7 of the request path: every request, allowed or denied, one JSON line in CloudTrail's
//! record shape in `DATA_DIR/audit/audit-YYYY-MM-DD-N.jsonl` (UTC; a new N past 64 MiB).
//!
//! Every request that reaches the front door gets exactly one event: a [`Record`] is opened
//! when it arrives and written when its response is known — or, when the connection closed
//! first, on drop, as "aborted". While a request runs, its operation and its authorization
//! decisions are collected under its request id.
//!
//! Durability: events go through a bounded channel to a writer thread, which serializes them.
//! An acknowledged write (a mutating request answered 2xx) waits until its event is on disk
//! (`fdatasync`, group commit), so it is as durable as the write. Any other event is handed to
//! the OS within 200 ms of the writer going idle: a `kill -9` loses at most the events of the
//! last 200 ms of reads and refusals, never an acknowledged write's. A burst that fills the
//! queue drops non-durable events; the count is logged and written into the trail as an
//! `AuditRecordsDropped` event.

pub mod access;
pub mod clock;
mod event;
pub mod ids;
mod record;
pub mod trail;
mod writer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

pub use access::{AccessFacts, Arrival};
pub use event::{Event, Identity};
pub use record::{Answer, Record};

use writer::Line;

/// What is known of a request before its response: filled by the S3 layer.
#[derive(Debug, Default, Clone)]
pub struct Pending {
    pub operation: Option<String>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub identity: Option<Identity>,
    pub region: Option<String>,
    pub resource_account: Option<String>,
    /// CloudTrail's `eventSource` (`iam.amazonaws.com`, `sts.amazonaws.com`); S3 when unset.
    pub source: Option<&'static str>,
    /// Each decision as JSON: for a denial the full trace, for an allow the decision, its
    /// statement and the ids and versions of the policies consulted. Serialized once, by the
    /// server, and written into the event as it is (never parsed again).
    pub decisions: Vec<Box<serde_json::value::RawValue>>,
    /// Set when the request's bucket has server access logging on: the request also gets an
    /// access log line.
    pub access: Option<AccessFacts>,
}

pub struct AuditLog {
    sender: SyncSender<Line>,
    pending: Mutex<HashMap<String, Pending>>,
    /// Events lost to a full queue since start, and how many of them the trail has been told.
    dropped: AtomicU64,
    reported: AtomicU64,
}

/// Events waiting for the writer; past this a burst loses events (counted) rather than
/// making requests wait.
const QUEUE: usize = 65_536;

impl AuditLog {
    /// A log that keeps nothing, for tools that decide without serving (`gatehouse doctor`):
    /// no thread, no file; whatever is sent is dropped.
    pub fn discarding() -> Arc<AuditLog> {
        let (sender, _) = sync_channel(1);
        Arc::new(AuditLog {
            sender,
            pending: Mutex::new(HashMap::new()),
            dropped: AtomicU64::new(0),
            reported: AtomicU64::new(0),
        })
    }

    /// Queues an S3 server access log line (a day's file beside the trail).
    pub fn write_access(&self, line: String) {
        let _ = self.sender.try_send(Line::Access(line));
    }

    /// Starts the writer thread on `DATA_DIR/audit`.
    pub fn start(dir: PathBuf) -> std::io::Result<Arc<AuditLog>> {
        std::fs::create_dir_all(&dir)?;
        let (sender, receiver) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("gatehouse-audit".into())
            .spawn(move || writer::run(dir, receiver, writer::MAX_FILE))?;
        Ok(Arc::new(AuditLog {
            sender,
            pending: Mutex::new(HashMap::new()),
            dropped: AtomicU64::new(0),
            reported: AtomicU64::new(0),
        }))
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

    /// Queues `event`; never waits. A full queue drops it (counted, and reported in the trail
    /// by the next event that fits). The writer thread serializes it: the request's thread
    /// only moves it.
    pub fn write(&self, event: Event) {
        match self.sender.try_send(Line::Event(Box::new(event))) {
            Ok(()) => self.report_drops(),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                if self.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!("audit: the queue is full; events are being dropped (counted)");
                }
            }
        }
    }

    /// Queues `event` and returns when it is on disk (or the writer is gone). Waits for room in
    /// the queue rather than dropping: this is an acknowledged write's record.
    pub async fn write_durable(&self, event: Event) {
        let event = Box::new(event);
        self.until_on_disk(|done| Line::Durable(event, done)).await;
    }

    /// Returns once every event queued before the call is on disk (a clean shutdown's last
    /// step).
    pub async fn sync(&self) {
        self.until_on_disk(Line::Sync).await;
    }

    /// Queues the line `line` makes of its acknowledgement, waiting for room, and returns when
    /// the writer acknowledges it (or is gone).
    async fn until_on_disk(&self, line: impl FnOnce(oneshot::Sender<()>) -> Line) {
        let (done, written) = oneshot::channel();
        let queued = match self.sender.try_send(line(done)) {
            Ok(()) => true,
            Err(TrySendError::Full(line)) => {
                tokio::task::block_in_place(|| self.sender.send(line)).is_ok()
            }
            Err(TrySendError::Disconnected(_)) => false,
        };
        if queued {
            let _ = written.await;
        }
    }

    /// Events lost to a full queue since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes one `AuditRecordsDropped` event for drops not yet reported.
    fn report_drops(&self) {
        let dropped = self.dropped.load(Ordering::Relaxed);
        let reported = self.reported.load(Ordering::Relaxed);
        if dropped == reported
            || self
                .reported
                .compare_exchange(reported, dropped, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let gap = Event::dropped_records(dropped - reported);
        eprintln!("audit: {} events dropped so far", dropped);
        if self.sender.try_send(Line::Event(Box::new(gap))).is_err() {
            // Not reported after all: the next event tries again.
            self.reported
                .fetch_sub(dropped - reported, Ordering::Relaxed);
        }
    }
}
