//! One audit event in CloudTrail's record shape [CloudTrail `cloudtrail-event-reference-record-contents`].

use serde::Serialize;
use serde_json::value::RawValue;

/// CloudTrail's `userIdentity`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// CloudTrail's type: Root, IAMUser, AssumedRole, AWSAccount (anonymous).
    #[serde(rename = "type")]
    pub kind: String,
    pub principal_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

impl Identity {
    /// An unsigned request's caller, as CloudTrail shows it.
    pub fn anonymous() -> Identity {
        Identity {
            kind: "AWSAccount".into(),
            principal_id: String::new(),
            arn: None,
            account_id: "anonymous".into(),
            access_key_id: None,
        }
    }
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
    /// Each decision, already JSON (the server's decision records), written as it is.
    pub decisions: Vec<Box<RawValue>>,
    /// CloudTrail's `eventSource`; `s3.amazonaws.com` when `None`.
    pub source: Option<&'static str>,
}

/// The line as written: field order and names are CloudTrail's.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    event_version: &'static str,
    event_time: &'a str,
    event_source: &'a str,
    event_name: &'a str,
    aws_region: &'a str,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: &'a str,
    user_agent: &'a Option<String>,
    user_identity: &'a Identity,
    request_parameters: RequestParameters<'a>,
    response_elements: Option<()>,
    http_status: u16,
    error_code: &'a Option<String>,
    error_message: &'a Option<String>,
    #[serde(rename = "requestID")]
    request_id: &'a str,
    #[serde(rename = "eventID")]
    event_id: &'a str,
    read_only: bool,
    resources: &'a [Resource<'a>],
    event_type: &'static str,
    recipient_account_id: &'a Option<String>,
    additional_event_data: AdditionalEventData<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_name: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: &'a Option<String>,
}

/// CloudTrail's `resources` entry for the request's bucket or object, its ARN written straight
/// into the line.
struct Resource<'a> {
    bucket: &'a str,
    key: Option<&'a str>,
}

impl Serialize for Resource<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(2))?;
        match self.key {
            Some(key) => {
                map.serialize_entry("type", "AWS::S3::Object")?;
                map.serialize_entry("ARN", &format_args!("arn:aws:s3:::{}/{key}", self.bucket))?;
            }
            None => {
                map.serialize_entry("type", "AWS::S3::Bucket")?;
                map.serialize_entry("ARN", &format_args!("arn:aws:s3:::{}", self.bucket))?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdditionalEventData<'a> {
    gatehouse_decisions: &'a [Box<RawValue>],
}

impl Event {
    /// The trail's own note that `count` events were lost to a full queue.
    pub fn dropped_records(count: u64) -> Event {
        Event {
            time: crate::clock::now_iso8601(),
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

    /// The line as a string, for tests (the writer appends with [`Event::write_json`]).
    #[cfg(test)]
    pub(crate) fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// Appends the line (without its newline) to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let resource = self.bucket.as_deref().map(|bucket| Resource {
            bucket,
            key: self.key.as_deref(),
        });
        let line = Line {
            event_version: "1.09",
            event_time: &self.time,
            event_source: self.source.unwrap_or("s3.amazonaws.com"),
            event_name: &self.name,
            aws_region: &self.region,
            source_ip_address: &self.source_ip,
            user_agent: &self.user_agent,
            user_identity: &self.identity,
            request_parameters: RequestParameters {
                bucket_name: &self.bucket,
                key: &self.key,
            },
            response_elements: None,
            http_status: self.status,
            error_code: &self.error_code,
            error_message: &self.error_message,
            request_id: &self.request_id,
            event_id: &self.event_id,
            read_only: self.read_only,
            resources: resource.as_slice(),
            event_type: "AwsApiCall",
            recipient_account_id: &self.recipient_account,
            additional_event_data: AdditionalEventData {
                gatehouse_decisions: &self.decisions,
            },
        };
        serde_json::to_writer(out, &line).expect("an audit line always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cloudtrail_shaped_and_decisions_stay_json() {
        let event = Event {
            time: "2026-12-04T05:00:00Z".into(),
            name: "GetObject".into(),
            bucket: Some("b".into()),
            key: Some("k\"q".into()),
            status: 403,
            decisions: vec![RawValue::from_string("{\"decision\":\"deny\"}".into()).unwrap()],
            identity: Identity::anonymous(),
            ..Event::default()
        };
        let line = event.to_json();
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["eventSource"], "s3.amazonaws.com");
        assert_eq!(parsed["requestParameters"]["key"], "k\"q");
        assert_eq!(parsed["resources"][0]["ARN"], "arn:aws:s3:::b/k\"q");
        assert_eq!(parsed["userIdentity"]["accountId"], "anonymous");
        assert!(parsed["userIdentity"].get("arn").is_none());
        assert_eq!(
            parsed["additionalEventData"]["gatehouseDecisions"][0]["decision"],
            "deny"
        );
        assert!(parsed["errorCode"].is_null());
        assert!(parsed["responseElements"].is_null());
    }
}
