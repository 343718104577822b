//! S3 server access logs: PutBucketLogging turns them on for a bucket; each request on it then
//! gets a line in AWS's format in the day's `audit/access-YYYY-MM-DD.log` — the requester, the
//! operation, the key, the request line, the status and the error code; other buckets' requests
//! get none. GetBucketLogging answers what was set; a target in another account is refused.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLoggingStatus, LoggingEnabled};

/// The access log's lines, once the writer has flushed (it does within 200 ms).
async fn access_lines(dir: &std::path::Path) -> Vec<String> {
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir.join("audit")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("access-")
        {
            let text = std::fs::read_to_string(path).unwrap();
            lines.extend(text.lines().map(str::to_string));
        }
    }
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logging_bucket_gets_one_line_per_request_in_aws_format() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
    let (alpha, beta) = (common::alpha(&server), common::beta(&server));
    for b in ["logged", "log-target", "quiet"] {
        alpha.create_bucket().bucket(b).send().await.unwrap();
    }
    let enabled = |target: &str| {
        BucketLoggingStatus::builder()
            .logging_enabled(
                LoggingEnabled::builder()
                    .target_bucket(target)
                    .target_prefix("logs/")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    alpha
        .put_bucket_logging()
        .bucket("logged")
        .bucket_logging_status(enabled("log-target"))
        .send()
        .await
        .unwrap();
    alpha
        .put_object()
        .bucket("logged")
        .key("q3 report.csv")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    alpha
        .get_object()
        .bucket("logged")
        .key("q3 report.csv")
        .send()
        .await
        .unwrap();
    assert!(beta
        .get_object()
        .bucket("logged")
        .key("q3 report.csv")
        .send()
        .await
        .is_err());
    alpha
        .put_object()
        .bucket("quiet")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let lines = access_lines(dir.path()).await;
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let fields: Vec<Vec<&str>> = lines.iter().map(|l| l.split(' ').collect()).collect();
    for f in &fields {
        assert_eq!(f[0].len(), 64, "the bucket owner's canonical id: {f:?}");
        assert_eq!(f[1], "logged");
        assert!(f[2].starts_with('[') && f[3] == "+0000]", "{f:?}");
        assert_eq!(f[8], "q3%20report.csv");
    }
    assert_eq!((fields[0][7], fields[0][12]), ("REST.PUT.OBJECT", "200"));
    assert_eq!(fields[0][5], "arn:aws:iam::111111111111:root");
    assert!(
        lines[0].contains("\"PUT /logged/q3%20report.csv?x-id=PutObject HTTP/1.1\""),
        "{}",
        lines[0]
    );
    assert_eq!(
        (fields[1][7], fields[1][12], fields[1][14]),
        ("REST.GET.OBJECT", "200", "5")
    );
    assert_eq!(fields[2][5], "arn:aws:iam::222222222222:root");
    assert_eq!((fields[2][12], fields[2][13]), ("403", "AccessDenied"));
    let got = alpha
        .get_bucket_logging()
        .bucket("logged")
        .send()
        .await
        .unwrap();
    let enabled_now = got.logging_enabled().unwrap();
    assert_eq!(
        (enabled_now.target_bucket(), enabled_now.target_prefix()),
        ("log-target", "logs/")
    );
    // A target of another account is refused; an empty status turns logging off.
    beta.create_bucket()
        .bucket("beta-target")
        .send()
        .await
        .unwrap();
    let refused = alpha
        .put_bucket_logging()
        .bucket("logged")
        .bucket_logging_status(enabled("beta-target"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.into_service_error().meta().code(),
        Some("InvalidTargetBucketForLogging")
    );
    alpha
        .put_bucket_logging()
        .bucket("logged")
        .bucket_logging_status(BucketLoggingStatus::builder().build())
        .send()
        .await
        .unwrap();
    let off = alpha
        .get_bucket_logging()
        .bucket("logged")
        .send()
        .await
        .unwrap();
    assert!(off.logging_enabled().is_none());
}
