//! One audit event in CloudTrail's record shape [CloudTrail `cloudtrail-event-reference-record-contents`].

use policy::json::write_str;

#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// CloudTrail's type: Root, IAMUser, AssumedRole, AWSAccount (anonymous).
    pub kind: String,
    pub principal_id: String,
    pub arn: Option<String>,
    pub account_id: String,
    pub access_key_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Event {
    pub time: String,
    pub name: String,
    pub region: String,
    pub source_ip: String,
    pub user_agent: Option<String>,
    pub identity: Identity,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub status: u16,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_id: String,
    pub event_id: String,
    pub read_only: bool,
    pub recipient_account: Option<String>,
    pub decisions: Vec<String>,
    /// CloudTrail's `eventSource`; `s3.amazonaws.com` when `None`.
    pub source: Option<&'static str>,
}

fn field(out: &mut String, name: &str, value: &str) {
    out.push(',');
    write_str(out, name);
    out.push(':');
    write_str(out, value);
}

fn opt_field(out: &mut String, name: &str, value: &Option<String>) {
    match value {
        Some(v) => field(out, name, v),
        None => {
            out.push(',');
            write_str(out, name);
            out.push_str(":null");
        }
    }
}

impl Event {
    /// The trail's own note that `count` events were lost to a full queue.
    pub fn dropped_records(count: u64) -> Event {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Event {
            time: crate::authorize::iso8601(now.as_secs()),
            name: "AuditRecordsDropped".into(),
            source: Some("gatehouse"),
            error_code: Some("AuditRecordsDropped".into()),
            error_message: Some(format!(
                "{count} audit events were dropped because the audit queue was full"
            )),
            identity: Identity {
                kind: "AWSService".into(),
                ..Identity::default()
            },
            read_only: true,
            ..Event::default()
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("{\"eventVersion\":\"1.09\"");
        field(&mut out, "eventTime", &self.time);
        field(
            &mut out,
            "eventSource",
            self.source.unwrap_or("s3.amazonaws.com"),
        );
        field(&mut out, "eventName", &self.name);
        field(&mut out, "awsRegion", &self.region);
        field(&mut out, "sourceIPAddress", &self.source_ip);
        opt_field(&mut out, "userAgent", &self.user_agent);
        out.push_str(",\"userIdentity\":{");
        out.push_str("\"type\":");
        write_str(&mut out, &self.identity.kind);
        field(&mut out, "principalId", &self.identity.principal_id);
        if let Some(arn) = &self.identity.arn {
            field(&mut out, "arn", arn);
        }
        field(&mut out, "accountId", &self.identity.account_id);
        if let Some(k) = &self.identity.access_key_id {
            field(&mut out, "accessKeyId", k);
        }
        out.push('}');
        out.push_str(",\"requestParameters\":{");
        let mut first = true;
        for (name, value) in [("bucketName", &self.bucket), ("key", &self.key)] {
            if let Some(v) = value {
                if !first {
                    out.push(',');
                }
                first = false;
                write_str(&mut out, name);
                out.push(':');
                write_str(&mut out, v);
            }
        }
        out.push('}');
        out.push_str(&format!(
            ",\"responseElements\":null,\"httpStatus\":{}",
            self.status
        ));
        opt_field(&mut out, "errorCode", &self.error_code);
        opt_field(&mut out, "errorMessage", &self.error_message);
        field(&mut out, "requestID", &self.request_id);
        field(&mut out, "eventID", &self.event_id);
        out.push_str(&format!(",\"readOnly\":{}", self.read_only));
        out.push_str(",\"resources\":[");
        if let Some(b) = &self.bucket {
            let (kind, arn) = match &self.key {
                Some(k) => ("AWS::S3::Object", format!("arn:aws:s3:::{b}/{k}")),
                None => ("AWS::S3::Bucket", format!("arn:aws:s3:::{b}")),
            };
            out.push_str("{\"type\":");
            write_str(&mut out, kind);
            field(&mut out, "ARN", &arn);
            out.push('}');
        }
        out.push(']');
        field(&mut out, "eventType", "AwsApiCall");
        opt_field(&mut out, "recipientAccountId", &self.recipient_account);
        out.push_str(",\"additionalEventData\":{\"gatehouseDecisions\":[");
        out.push_str(&self.decisions.join(","));
        out.push_str("]}}");
        out
    }
}
