//! One request's audit event from arrival to answer: opened by the front door when the
//! request arrives, finished with its status; dropped unfinished (the connection closed, the
//! task was cancelled) it still writes its event, as `RequestAborted`.

use std::net::SocketAddr;
use std::sync::Arc;

use http::StatusCode;

use crate::audit::Event;
use crate::state::Gatehouse;

pub struct Record {
    gatehouse: Arc<Gatehouse>,
    request_id: String,
    peer: SocketAddr,
    user_agent: Option<String>,
    read_only: bool,
    finished: bool,
}

/// The status an aborted request's event carries: no response was sent. Decision: 499, the
/// status proxies log for "client closed request", since CloudTrail has none for it.
const ABORTED: u16 = 499;

impl Record {
    pub fn open(
        gatehouse: Arc<Gatehouse>,
        request_id: &str,
        peer: SocketAddr,
        user_agent: Option<String>,
        read_only: bool,
    ) -> Record {
        Record {
            gatehouse,
            request_id: request_id.to_string(),
            peer,
            user_agent,
            read_only,
            finished: false,
        }
    }

    /// Writes the event for a response with `status` and, for an error, its code and message.
    /// An acknowledged write (a mutating request answered 2xx) returns once its event is on
    /// disk.
    pub async fn finish(mut self, status: u16, error: Option<(String, String)>) {
        self.finished = true;
        let event = self.event(status, error);
        let audit = &self.gatehouse.audit;
        if !self.read_only && status < 300 {
            audit.write_durable(&event).await;
        } else {
            audit.write(&event);
        }
    }

    fn event(&self, status: u16, error: Option<(String, String)>) -> Event {
        let audit = &self.gatehouse.audit;
        let pending = audit.take(&self.request_id);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let (error_code, error_message) = match error {
            Some((code, message)) => (Some(code), Some(message)),
            // HEAD has no body: name the error by its status.
            None if status >= 300 => (
                Some(
                    StatusCode::from_u16(status)
                        .map_or("Error", |s| s.canonical_reason().unwrap_or("Error"))
                        .replace(' ', ""),
                ),
                None,
            ),
            None => (None, None),
        };
        let identity = pending
            .identity
            .unwrap_or_else(|| crate::caller::identity(&self.gatehouse, None));
        Event {
            time: crate::authorize::iso8601(now.as_secs()),
            name: pending.operation.unwrap_or_else(|| "Unknown".to_string()),
            region: pending
                .region
                .unwrap_or_else(|| self.gatehouse.config.default_region.clone()),
            source_ip: self.peer.ip().to_string(),
            user_agent: self.user_agent.clone(),
            identity,
            bucket: pending.bucket,
            key: pending.key,
            status,
            error_code,
            error_message,
            request_id: self.request_id.clone(),
            event_id: crate::front_door::random_id(16, false),
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
            Some((
                "RequestAborted".into(),
                "The connection closed before the response was sent".into(),
            )),
        );
        self.gatehouse.audit.write(&event);
    }
}
