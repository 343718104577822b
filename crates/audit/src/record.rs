//! One request's audit event from arrival to answer: opened when the request arrives, finished
//! with its status; dropped unfinished (the connection closed, the task was cancelled) it still
//! writes its event, as `RequestAborted`.

use std::sync::Arc;

use crate::access::{self, AccessFacts, Arrival};
use crate::{AuditLog, Event, Identity};

pub struct Record {
    log: Arc<AuditLog>,
    request_id: String,
    source_ip: String,
    user_agent: Option<String>,
    read_only: bool,
    /// The region an event names when the request never said (unsigned, refused early).
    default_region: String,
    /// For an access log line, when the request's bucket logs.
    arrival: Arrival,
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
        arrival: Arrival,
    ) -> Record {
        Record {
            log,
            request_id: request_id.to_string(),
            source_ip,
            user_agent,
            read_only,
            default_region,
            arrival,
            finished: false,
        }
    }

    /// Writes the event for a response with `status` and, for an error, its code and message
    /// (`None` for an error without a body: named by its status' reason, as a HEAD's is).
    /// An acknowledged write (a mutating request answered 2xx) returns once its event is on
    /// disk.
    pub async fn finish(mut self, answer: Answer<'_>) {
        self.finished = true;
        let status = answer.status;
        let (code, message) = match answer.error {
            Some((code, message)) => (Some(code), Some(message)),
            None if status >= 300 => (Some(answer.reason.replace(' ', "")), None),
            None => (None, None),
        };
        let (event, access) = self.event(status, code, message);
        if let Some(facts) = access {
            self.log_access(&facts, &event, answer.bytes_sent, answer.host_id);
        }
        if !self.read_only && status < 300 {
            self.log.write_durable(event).await;
        } else {
            self.log.write(event);
        }
    }

    /// The S3 server access log line of a request on a logging bucket.
    fn log_access(
        &self,
        facts: &AccessFacts,
        event: &Event,
        bytes_sent: Option<u64>,
        host_id: &str,
    ) {
        let method = self.arrival.request_line.split(' ').next().unwrap_or("GET");
        let answered = access::Answered {
            time: &crate::clock::access_log_time(crate::clock::now_secs()),
            remote_ip: &self.source_ip,
            request_id: &self.request_id,
            operation: &access::operation(method, &event.name, facts.key.is_some()),
            status: event.status,
            error_code: event.error_code.as_deref(),
            bytes_sent,
            user_agent: self.user_agent.as_deref(),
            host_id,
        };
        self.log
            .write_access(access::line(facts, &self.arrival, &answered));
    }

    fn event(
        &self,
        status: u16,
        error_code: Option<String>,
        error_message: Option<String>,
    ) -> (Event, Option<AccessFacts>) {
        let pending = self.log.take(&self.request_id);
        let access = pending.access.map(|facts| AccessFacts {
            key: facts.key.or_else(|| pending.key.clone()),
            ..facts
        });
        let event = Event {
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
            event_id: crate::ids::unique_hex(16, false),
            read_only: self.read_only,
            recipient_account: pending.resource_account,
            decisions: pending.decisions,
            source: pending.source,
        };
        (event, access)
    }
}

/// How a request was answered.
pub struct Answer<'a> {
    pub status: u16,
    pub reason: &'a str,
    /// For an error: its code and message (`None` for one without a body, a HEAD's).
    pub error: Option<(String, String)>,
    /// The response body's length, when known.
    pub bytes_sent: Option<u64>,
    /// `x-amz-id-2`.
    pub host_id: &'a str,
}

impl Drop for Record {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let (event, _) = self.event(
            ABORTED,
            Some("RequestAborted".into()),
            Some("The connection closed before the response was sent".into()),
        );
        self.log.write(event);
    }
}
