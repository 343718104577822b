//! One request's audit event from arrival to answer: opened when the request arrives, finished
//! with its status; dropped unfinished (the connection closed, the task was cancelled) it still
//! writes its event, as `RequestAborted`.

use std::sync::Arc;

use crate::{AuditLog, Event, Identity};

pub struct Record {
    log: Arc<AuditLog>,
    request_id: String,
    source_ip: String,
    user_agent: Option<String>,
    read_only: bool,
    /// The region an event names when the request never said (unsigned, refused early).
    default_region: String,
    finished: bool,
}

/// The status an aborted request's event carries: no response was sent. Decision: 499, the
/// status proxies log for "client closed request", since CloudTrail has none for it.
const ABORTED: u16 = 499;

impl Record {
    pub fn open(
        log: Arc<AuditLog>,
        request_id: &str,
        source_ip: String,
        user_agent: Option<String>,
        read_only: bool,
        default_region: String,
    ) -> Record {
        Record {
            log,
            request_id: request_id.to_string(),
            source_ip,
            user_agent,
            read_only,
            default_region,
            finished: false,
        }
    }

    /// Writes the event for a response with `status` and, for an error, its code and message
    /// (`None` for an error without a body: named by its status' reason, as a HEAD's is).
    /// An acknowledged write (a mutating request answered 2xx) returns once its event is on
    /// disk.
    pub async fn finish(mut self, status: u16, reason: &str, error: Option<(String, String)>) {
        self.finished = true;
        let (code, message) = match error {
            Some((code, message)) => (Some(code), Some(message)),
            None if status >= 300 => (Some(reason.replace(' ', "")), None),
            None => (None, None),
        };
        let event = self.event(status, code, message);
        if !self.read_only && status < 300 {
            self.log.write_durable(&event).await;
        } else {
            self.log.write(&event);
        }
    }

    fn event(
        &self,
        status: u16,
        error_code: Option<String>,
        error_message: Option<String>,
    ) -> Event {
        let pending = self.log.take(&self.request_id);
        Event {
            time: crate::clock::now_iso8601(),
            name: pending.operation.unwrap_or_else(|| "Unknown".to_string()),
            region: pending
                .region
                .unwrap_or_else(|| self.default_region.clone()),
            source_ip: self.source_ip.clone(),
            user_agent: self.user_agent.clone(),
            identity: pending.identity.unwrap_or_else(Identity::anonymous),
            bucket: pending.bucket,
            key: pending.key,
            status,
            error_code,
            error_message,
            request_id: self.request_id.clone(),
            event_id: event_id(),
            read_only: self.read_only,
            recipient_account: pending.resource_account,
            decisions: pending.decisions,
            source: pending.source,
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let event = self.event(
            ABORTED,
            Some("RequestAborted".into()),
            Some("The connection closed before the response was sent".into()),
        );
        self.log.write(&event);
    }
}

/// 32 lower-case hex digits.
fn event_id() -> String {
    let mut buf = [0u8; 16];
    let _ = getrandom::fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
