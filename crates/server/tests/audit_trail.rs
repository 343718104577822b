//! The audit trail holds exactly one event per request that reached the server (issue 11):
//! answered, refused before authorization, or cut off mid-body; IAM and STS events name their
//! own `eventSource`.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::alpha;
use tokio::io::AsyncWriteExt;

fn text(event: &policy::json::Json, name: &str) -> Option<String> {
    event.get(name).and_then(|v| v.as_str()).map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_that_reaches_the_server_has_exactly_one_event() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("trail").send().await.unwrap();
    s3.put_object()
        .bucket("trail")
        .key("k")
        .body(ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
    s3.get_object()
        .bucket("trail")
        .key("k")
        .send()
        .await
        .unwrap();
    // Refused before any signature is looked at: SigV2.
    let (status, _, _) = common::raw(
        &server.addr,
        "GET /trail/k HTTP/1.1\r\nAuthorization: AWS AKIAALPHAROOTEXAMPLE:c2lnbmF0dXJl",
    )
    .await;
    assert_eq!(status, 400);
    // Cut off mid-body: an authorized (presigned) PUT sends 10 of 100,000 promised bytes,
    // then its connection closes.
    let url = s3
        .put_object()
        .bucket("trail")
        .key("cut")
        .presigned(common::one_minute())
        .await
        .unwrap();
    let target = url.uri().split_once(&server.addr).unwrap().1.to_string();
    let mut cut = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    let head = format!(
        "PUT {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 100000\r\n\r\n0123456789",
        server.addr
    );
    cut.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(cut);
    common::boto3(
        r#"
import sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example")
boto3.client("iam", **kw).list_users()
boto3.client("sts", **kw).get_caller_identity()
try:
    boto3.client("organizations", **kw).describe_organization()
    raise SystemExit("DescribeOrganization answered without an organization")
except boto3.client("organizations", **kw).exceptions.AWSOrganizationsNotInUseException:
    pass
"#,
        &server.endpoint,
    )
    .await;
    let events = common::audit_events(dir.path()).await;
    let names: Vec<String> = events
        .iter()
        .map(|e| text(e, "eventName").unwrap_or_default())
        .collect();
    // CreateBucket, PutObject, GetObject, the SigV2 refusal, the cut PUT, ListUsers,
    // GetCallerIdentity, DescribeOrganization: eight requests, eight events.
    assert_eq!(events.len(), 8, "{names:?}");
    let ids: std::collections::HashSet<String> =
        events.iter().filter_map(|e| text(e, "requestID")).collect();
    assert_eq!(ids.len(), 8, "one event per request id");
    let source = |name: &str| {
        events
            .iter()
            .find(|e| text(e, "eventName").as_deref() == Some(name))
            .and_then(|e| text(e, "eventSource"))
    };
    assert_eq!(source("ListUsers").as_deref(), Some("iam.amazonaws.com"));
    assert_eq!(
        source("GetCallerIdentity").as_deref(),
        Some("sts.amazonaws.com")
    );
    assert_eq!(source("GetObject").as_deref(), Some("s3.amazonaws.com"));
    assert_eq!(
        source("DescribeOrganization").as_deref(),
        Some("organizations.amazonaws.com")
    );
    let described = events
        .iter()
        .find(|e| text(e, "eventName").as_deref() == Some("DescribeOrganization"))
        .unwrap();
    assert_eq!(
        text(described, "errorCode").as_deref(),
        Some("AWSOrganizationsNotInUseException")
    );
    let cut = events
        .iter()
        .find(|e| {
            text(e, "eventName").as_deref() == Some("PutObject")
                && e.get("requestParameters")
                    .and_then(|p| p.get("key"))
                    .and_then(|k| k.as_str())
                    == Some("cut")
        })
        .expect("the cut-off PUT has its event");
    let code = text(cut, "errorCode");
    assert!(
        matches!(code.as_deref(), Some("RequestAborted" | "IncompleteBody")),
        "the cut-off PUT is recorded as aborted or incomplete: {code:?}"
    );
}
