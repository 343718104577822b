//! S3 server access log lines, in AWS's documented format [S3 `LogFormat`, "Amazon S3 server
//! access log format"]: space-separated fields, `-` for an empty one, the time in brackets,
//! the request line, referer and user agent in quotes. One file a day beside the trail
//! (`access-YYYY-MM-DD.log`), for requests on buckets with logging on (PutBucketLogging).

use std::time::Instant;

/// What the front door knows of a request when it arrives.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// `GET /bucket/key?x HTTP/1.1`.
    pub request_line: String,
    pub host: Option<String>,
    pub referer: Option<String>,
    /// `TLSv1.2`, `TLSv1.3`; none over plain HTTP.
    pub tls_version: Option<&'static str>,
    /// `AuthHeader`, `QueryString`, or none (unsigned).
    pub authentication: Option<&'static str>,
    pub started: Instant,
}

/// What the S3 layer knows of a request on a bucket whose logging is on.
#[derive(Debug, Clone, Default)]
pub struct AccessFacts {
    /// The bucket owner's canonical user id.
    pub bucket_owner: String,
    pub bucket: String,
    /// The requester's ARN; none when anonymous.
    pub requester: Option<String>,
    pub key: Option<String>,
    pub object_size: Option<u64>,
    pub version_id: Option<String>,
}

/// What the answer was.
pub struct Answered<'a> {
    pub time: &'a str,
    pub remote_ip: &'a str,
    pub request_id: &'a str,
    pub operation: &'a str,
    pub status: u16,
    pub error_code: Option<&'a str>,
    pub bytes_sent: Option<u64>,
    pub user_agent: Option<&'a str>,
    pub host_id: &'a str,
}

fn or_dash(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("-")
}

/// `"…"` with quotes and backslashes escaped.
fn quoted(v: Option<&str>) -> String {
    format!(
        "\"{}\"",
        or_dash(v).replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// The operation as the log names it: `REST.GET.OBJECT` for GetObject, from the method and
/// what was addressed [S3 `LogFormat`, "Operation"].
pub fn operation(method: &str, name: &str, has_key: bool) -> String {
    let what = match name {
        "GetObjectAcl" | "PutObjectAcl" | "GetBucketAcl" | "PutBucketAcl" => "ACL",
        "GetBucketPolicy" | "PutBucketPolicy" | "DeleteBucketPolicy" => "BUCKETPOLICY",
        "GetObjectTagging" | "PutObjectTagging" | "DeleteObjectTagging" => "OBJECT_TAGGING",
        "GetBucketVersioning" | "PutBucketVersioning" => "VERSIONING",
        "GetBucketLogging" | "PutBucketLogging" => "LOGGING_STATUS",
        "GetBucketEncryption" | "PutBucketEncryption" | "DeleteBucketEncryption" => "ENCRYPTION",
        "CreateMultipartUpload"
        | "CompleteMultipartUpload"
        | "AbortMultipartUpload"
        | "ListParts" => "UPLOAD",
        "UploadPart" | "UploadPartCopy" => "PART",
        "DeleteObjects" => return "REST.POST.MULTI_OBJECT_DELETE".to_string(),
        _ if has_key => "OBJECT",
        _ => "BUCKET",
    };
    format!("REST.{method}.{what}")
}

pub fn line(facts: &AccessFacts, arrival: &Arrival, a: &Answered) -> String {
    let elapsed = arrival.started.elapsed().as_millis().to_string();
    let signed = arrival.authentication.is_some();
    let fields: Vec<String> = vec![
        facts.bucket_owner.clone(),
        facts.bucket.clone(),
        format!("[{}]", a.time),
        a.remote_ip.to_string(),
        or_dash(facts.requester.as_deref()).to_string(),
        a.request_id.to_string(),
        a.operation.to_string(),
        facts
            .key
            .as_deref()
            .map(encode)
            .unwrap_or_else(|| "-".to_string()),
        quoted(Some(&arrival.request_line)),
        a.status.to_string(),
        or_dash(a.error_code).to_string(),
        a.bytes_sent
            .filter(|n| *n > 0)
            .map_or("-".to_string(), |n| n.to_string()),
        facts.object_size.map_or("-".to_string(), |n| n.to_string()),
        elapsed.clone(),
        elapsed,
        quoted(arrival.referer.as_deref()),
        quoted(a.user_agent),
        or_dash(facts.version_id.as_deref()).to_string(),
        a.host_id.to_string(),
        if signed { "SigV4" } else { "-" }.to_string(),
        or_dash(arrival.tls_version.map(|_| "ECDHE-RSA-AES128-GCM-SHA256")).to_string(),
        or_dash(arrival.authentication).to_string(),
        or_dash(arrival.host.as_deref()).to_string(),
        or_dash(arrival.tls_version).to_string(),
        "-".to_string(),
        "-".to_string(),
    ];
    fields.join(" ")
}

/// A key as the log writes it: percent-encoded but for unreserved characters and `/`.
fn encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_aws_s_fields_in_order() {
        let facts = AccessFacts {
            bucket_owner: "79a59df9".into(),
            bucket: "reports".into(),
            requester: Some("arn:aws:iam::111111111111:user/alice".into()),
            key: Some("2026/q3 report.csv".into()),
            object_size: Some(42),
            version_id: None,
        };
        let arrival = Arrival {
            request_line: "GET /reports/2026/q3%20report.csv HTTP/1.1".into(),
            host: Some("127.0.0.1:9000".into()),
            referer: None,
            tls_version: None,
            authentication: Some("AuthHeader"),
            started: Instant::now(),
        };
        let line = line(
            &facts,
            &arrival,
            &Answered {
                time: "04/Dec/2026:08:00:00 +0000",
                remote_ip: "127.0.0.1",
                request_id: "3E57427F3EXAMPLE",
                operation: &operation("GET", "GetObject", true),
                status: 403,
                error_code: Some("AccessDenied"),
                bytes_sent: Some(243),
                user_agent: Some("aws-cli/2"),
                host_id: "hostid",
            },
        );
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            &f[..4],
            ["79a59df9", "reports", "[04/Dec/2026:08:00:00", "+0000]"]
        );
        assert_eq!(f[4], "127.0.0.1");
        assert_eq!(f[5], "arn:aws:iam::111111111111:user/alice");
        assert_eq!(f[7], "REST.GET.OBJECT");
        assert_eq!(f[8], "2026/q3%20report.csv");
        assert!(line
            .contains(" \"GET /reports/2026/q3%20report.csv HTTP/1.1\" 403 AccessDenied 243 42 "));
        assert!(
            line.contains(" \"-\" \"aws-cli/2\" - hostid SigV4 - AuthHeader 127.0.0.1:9000 - - -"),
            "{line}"
        );
    }
}
