//! The real server on an ephemeral port, driven by the AWS SDK for Rust: S3's operations,
//! its authentication errors, the 403-versus-404 rule, bucket-policy denials explained in
//! headers (HEAD included), Block Public Access, restarts, odd keys.

use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;

mod common;

use common::{alpha, beta, client_for, start, start_own, start_with, Server, CONFIG};

fn client(server: &Server, key: &str, secret: &str) -> Client {
    client_for(&server.endpoint, "us-east-1", key, secret)
}

/// The error code and the `x-gatehouse-*` / request-id headers of a failed call.
fn failure<E: std::fmt::Debug, R>(
    result: Result<R, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
) -> (u16, Vec<(String, String)>) {
    let err = result.err().expect("the call fails");
    let raw = err.raw_response().expect("a response came back");
    let headers = raw
        .headers()
        .iter()
        .filter(|(k, _)| k.starts_with("x-gatehouse-") || *k == "x-amz-request-id")
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (raw.status().as_u16(), headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_round_trip_through_the_sdk() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("reports").send().await.unwrap();
    let names: Vec<String> = s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .collect();
    assert_eq!(names, ["reports"]);
    s3.head_bucket().bucket("reports").send().await.unwrap();
    let put = s3
        .put_object()
        .bucket("reports")
        .key("2026/q3.csv")
        .content_type("text/csv")
        .metadata("team", "finance")
        .body(ByteStream::from_static(b"a,b,c\n1,2,3\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(put.e_tag(), Some("\"b282d9f61f8444d101d92c50705aa1bd\""));
    let got = s3
        .get_object()
        .bucket("reports")
        .key("2026/q3.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type(), Some("text/csv"));
    assert_eq!(
        got.metadata().unwrap().get("team").map(String::as_str),
        Some("finance")
    );
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"a,b,c\n1,2,3\n"
    );
    let part = s3
        .get_object()
        .bucket("reports")
        .key("2026/q3.csv")
        .range("bytes=6-10")
        .send()
        .await
        .unwrap();
    assert_eq!(part.content_range(), Some("bytes 6-10/12"));
    assert_eq!(
        part.body.collect().await.unwrap().into_bytes().as_ref(),
        b"1,2,3"
    );
    let head = s3
        .head_object()
        .bucket("reports")
        .key("2026/q3.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(12));
    for key in ["2026/q4.csv", "2027/q1.csv", "readme"] {
        s3.put_object()
            .bucket("reports")
            .key(key)
            .body(ByteStream::from_static(b"x"))
            .send()
            .await
            .unwrap();
    }
    let listed = s3
        .list_objects_v2()
        .bucket("reports")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let prefixes: Vec<&str> = listed
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!(prefixes, ["2026/", "2027/"]);
    assert_eq!(
        listed
            .contents()
            .iter()
            .filter_map(|o| o.key())
            .collect::<Vec<_>>(),
        ["readme"]
    );
    // Page through with continuation tokens.
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = s3
            .list_objects_v2()
            .bucket("reports")
            .max_keys(1)
            .set_continuation_token(token.clone())
            .send()
            .await
            .unwrap();
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
        if !page.is_truncated().unwrap_or(false) {
            break;
        }
        token = page.next_continuation_token().map(str::to_string);
    }
    assert_eq!(
        keys,
        ["2026/q3.csv", "2026/q4.csv", "2027/q1.csv", "readme"]
    );
    s3.delete_object()
        .bucket("reports")
        .key("readme")
        .send()
        .await
        .unwrap();
    let (status, _) = failure(s3.get_object().bucket("reports").key("readme").send().await);
    assert_eq!(status, 404);
    let (status, _) = failure(s3.delete_bucket().bucket("reports").send().await);
    assert_eq!(status, 409, "BucketNotEmpty");
    let location = s3
        .get_bucket_location()
        .bucket("reports")
        .send()
        .await
        .unwrap();
    let constraint = location
        .location_constraint()
        .map(|c| c.as_str())
        .unwrap_or_default();
    assert_eq!(constraint, "", "us-east-1 is the empty constraint");
    s3.create_bucket().bucket("empty").send().await.unwrap();
    s3.delete_bucket().bucket("empty").send().await.unwrap();
    let (status, _) = failure(s3.head_bucket().bucket("empty").send().await);
    assert_eq!(status, 404);
    let (status, _) = failure(s3.create_bucket().bucket("reports").send().await);
    assert_eq!(status, 409, "BucketAlreadyOwnedByYou");
    let (status, _) = failure(beta(&server).create_bucket().bucket("reports").send().await);
    assert_eq!(status, 409, "BucketAlreadyExists");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_errors_are_aws_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let wrong_secret = client(&server, "AKIAALPHAROOTEXAMPLE", "not-the-secret");
    let err = wrong_secret.list_buckets().send().await.unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("SignatureDoesNotMatch")
    );
    let unknown = client(&server, "AKIANOSUCHKEY0000000", "whatever");
    let err = unknown.list_buckets().send().await.unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("InvalidAccessKeyId")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_keys_answer_403_or_404_by_s3_list_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    alpha(&server)
        .create_bucket()
        .bucket("private")
        .send()
        .await
        .unwrap();
    // The owner may list: 404.
    let (status, _) = failure(
        alpha(&server)
            .get_object()
            .bucket("private")
            .key("nope")
            .send()
            .await,
    );
    assert_eq!(status, 404);
    // Another account has no grant at all: 403 (this server explains denials to everyone).
    let (status, headers) = failure(
        beta(&server)
            .head_object()
            .bucket("private")
            .key("nope")
            .send()
            .await,
    );
    assert_eq!(status, 403);
    assert_eq!(
        header(&headers, "x-gatehouse-decision"),
        Some("implicitDeny")
    );
    assert!(header(&headers, "x-amz-request-id").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_policy_deny_is_explained_even_on_head() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("locked").send().await.unwrap();
    s3.put_object()
        .bucket("locked")
        .key("secret.txt")
        .body(ByteStream::from_static(b"s"))
        .send()
        .await
        .unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::locked/*"}]}"#;
    s3.put_bucket_policy()
        .bucket("locked")
        .policy(policy)
        .send()
        .await
        .unwrap();
    let (status, headers) = failure(
        s3.head_object()
            .bucket("locked")
            .key("secret.txt")
            .send()
            .await,
    );
    assert_eq!(status, 403);
    assert_eq!(
        header(&headers, "x-gatehouse-decision"),
        Some("explicitDeny")
    );
    assert_eq!(header(&headers, "x-gatehouse-denied-by"), Some("resource"));
    assert_eq!(
        header(&headers, "x-gatehouse-policy"),
        Some("arn%3Aaws%3As3%3A%3A%3Alocked")
    );
    assert_eq!(header(&headers, "x-gatehouse-statement"), Some("NoReads"));
    let err = s3
        .get_object()
        .bucket("locked")
        .key("secret.txt")
        .send()
        .await
        .unwrap_err();
    let message = err
        .into_service_error()
        .meta()
        .message()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        message,
        "User: arn:aws:iam::111111111111:root is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::locked/secret.txt\" with an explicit deny in a resource-based policy"
    );
    // The owner's root can still repair the policy.
    s3.delete_bucket_policy()
        .bucket("locked")
        .send()
        .await
        .unwrap();
    s3.get_object()
        .bucket("locked")
        .key("secret.txt")
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_public_policy_refuses_a_public_policy_and_malformed_ones_get_s3_texts() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("site").send().await.unwrap();
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#;
    let err = s3
        .put_bucket_policy()
        .bucket("site")
        .policy(public)
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("AccessDenied"));
    assert!(err.meta().message().unwrap_or_default().ends_with("because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access."));
    let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::site/*"}]}"#;
    let err = s3
        .put_bucket_policy()
        .bucket("site")
        .policy(bad)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("MalformedPolicy"));
    assert_eq!(err.meta().message(), Some("Policy has invalid action"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_survive_a_restart_and_odd_keys_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let long = "k".repeat(1024);
    let odd = ["../x", "a//b", "é/日本語/ü", "with space", long.as_str()];
    {
        let server = start_own(dir.path()).await;
        let s3 = alpha(&server);
        s3.create_bucket().bucket("keep").send().await.unwrap();
        for (i, key) in odd.iter().enumerate() {
            s3.put_object()
                .bucket("keep")
                .key(*key)
                .body(ByteStream::from(format!("body {i}").into_bytes()))
                .send()
                .await
                .unwrap();
        }
    }
    let server = start_own(dir.path()).await;
    let s3 = alpha(&server);
    for (i, key) in odd.iter().enumerate() {
        let got = s3
            .get_object()
            .bucket("keep")
            .key(*key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.body.collect().await.unwrap().into_bytes().as_ref(),
            format!("body {i}").as_bytes(),
            "{key}"
        );
    }
    assert!(!dir.path().parent().unwrap().join("x").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_copy_tagging_batch_delete_and_public_access_block() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("work").send().await.unwrap();
    s3.put_object()
        .bucket("work")
        .key("src")
        .tagging("team=eng")
        .body(ByteStream::from(vec![b'x'; 100]))
        .send()
        .await
        .unwrap();
    let tags = s3
        .get_object_tagging()
        .bucket("work")
        .key("src")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set()[0].key(), "team");
    // CopyObject copies bytes, metadata and tags.
    s3.copy_object()
        .bucket("work")
        .key("dst")
        .copy_source("work/src")
        .send()
        .await
        .unwrap();
    let copied = s3
        .get_object_tagging()
        .bucket("work")
        .key("dst")
        .send()
        .await
        .unwrap();
    assert_eq!(copied.tag_set()[0].value(), "eng");
    // Multipart: a 5 MiB part and a ranged copy part.
    let upload = s3
        .create_multipart_upload()
        .bucket("work")
        .key("big")
        .send()
        .await
        .unwrap();
    let id = upload.upload_id().unwrap();
    let p1 = s3
        .upload_part()
        .bucket("work")
        .key("big")
        .upload_id(id)
        .part_number(1)
        .body(ByteStream::from(vec![b'a'; 5 * 1024 * 1024]))
        .send()
        .await
        .unwrap();
    let p2 = s3
        .upload_part_copy()
        .bucket("work")
        .key("big")
        .upload_id(id)
        .part_number(2)
        .copy_source("work/src")
        .copy_source_range("bytes=0-9")
        .send()
        .await
        .unwrap();
    use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
    let parts = CompletedMultipartUpload::builder()
        .parts(
            CompletedPart::builder()
                .part_number(1)
                .e_tag(p1.e_tag().unwrap())
                .build(),
        )
        .parts(
            CompletedPart::builder()
                .part_number(2)
                .e_tag(p2.copy_part_result().unwrap().e_tag().unwrap())
                .build(),
        )
        .build();
    let done = s3
        .complete_multipart_upload()
        .bucket("work")
        .key("big")
        .upload_id(id)
        .multipart_upload(parts)
        .send()
        .await
        .unwrap();
    assert!(done.e_tag().unwrap().ends_with("-2\""));
    let head = s3
        .head_object()
        .bucket("work")
        .key("big")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(5 * 1024 * 1024 + 10));
    // DeleteObjects: each key answered.
    let delete = Delete::builder()
        .objects(ObjectIdentifier::builder().key("dst").build().unwrap())
        .objects(
            ObjectIdentifier::builder()
                .key("never-was")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let out = s3
        .delete_objects()
        .bucket("work")
        .delete(delete)
        .send()
        .await
        .unwrap();
    assert_eq!(out.deleted().len(), 2);
    let keys: Vec<String> = s3
        .list_objects()
        .bucket("work")
        .send()
        .await
        .unwrap()
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    assert_eq!(keys, ["big", "src"]);
    // Block Public Access: on by default, removable.
    let pab = s3
        .get_public_access_block()
        .bucket("work")
        .send()
        .await
        .unwrap();
    assert_eq!(
        pab.public_access_block_configuration()
            .unwrap()
            .block_public_policy(),
        Some(true)
    );
    s3.delete_public_access_block()
        .bucket("work")
        .send()
        .await
        .unwrap();
    let (status, _) = failure(s3.get_public_access_block().bucket("work").send().await);
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presigned_urls_work_and_public_buckets_serve_anonymous_readers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("site").send().await.unwrap();
    s3.put_object()
        .bucket("site")
        .key("index.html")
        .body(ByteStream::from_static(b"<h1>hi</h1>"))
        .send()
        .await
        .unwrap();
    let presigned = s3
        .get_object()
        .bucket("site")
        .key("index.html")
        .presigned(common::one_minute())
        .await
        .unwrap();
    let body = fetch(presigned.uri()).await;
    assert_eq!(body.0, 200);
    assert_eq!(body.1, b"<h1>hi</h1>");
    // Anonymous: denied until a public policy is allowed and put.
    let anonymous = format!("{}/site/index.html", server.endpoint);
    assert_eq!(fetch(&anonymous).await.0, 403);
    s3.delete_public_access_block()
        .bucket("site")
        .send()
        .await
        .unwrap();
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#;
    s3.put_bucket_policy()
        .bucket("site")
        .policy(public)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch(&anonymous).await, (200, b"<h1>hi</h1>".to_vec()));
}

/// A plain HTTP GET over a raw socket (no signing at all).
async fn fetch(url: &str) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = &text[..split];
    let mut body = raw[split..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditions_see_the_request_object_tags_and_listing_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("tagged").send().await.unwrap();
    s3.put_object()
        .bucket("tagged")
        .key("open.txt")
        .body(ByteStream::from_static(b"o"))
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("tagged")
        .key("secret.txt")
        .tagging("classification=secret")
        .body(ByteStream::from_static(b"s"))
        .send()
        .await
        .unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tagged/*",
         "Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"secret"}}},
        {"Sid":"OnlyHome","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::tagged",
         "Condition":{"StringNotLike":{"s3:prefix":"home/*"}}}]}"#;
    s3.put_bucket_policy()
        .bucket("tagged")
        .policy(policy)
        .send()
        .await
        .unwrap();
    s3.get_object()
        .bucket("tagged")
        .key("open.txt")
        .send()
        .await
        .unwrap();
    let (status, headers) = failure(
        s3.get_object()
            .bucket("tagged")
            .key("secret.txt")
            .send()
            .await,
    );
    assert_eq!(
        (status, header(&headers, "x-gatehouse-statement")),
        (403, Some("NoSecrets"))
    );
    s3.list_objects_v2()
        .bucket("tagged")
        .prefix("home/alice/")
        .send()
        .await
        .unwrap();
    let (status, headers) = failure(s3.list_objects_v2().bucket("tagged").send().await);
    assert_eq!(
        (status, header(&headers, "x-gatehouse-statement")),
        (403, Some("OnlyHome"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_reads_answer_304_and_412() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("cond").send().await.unwrap();
    let put = s3
        .put_object()
        .bucket("cond")
        .key("k")
        .body(ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
    let etag = put.e_tag().unwrap().to_string();
    s3.get_object()
        .bucket("cond")
        .key("k")
        .if_match(&etag)
        .send()
        .await
        .unwrap();
    let (status, _) = failure(
        s3.get_object()
            .bucket("cond")
            .key("k")
            .if_match("\"0000\"")
            .send()
            .await,
    );
    assert_eq!(status, 412);
    let (status, _) = failure(
        s3.head_object()
            .bucket("cond")
            .key("k")
            .if_none_match(&etag)
            .send()
            .await,
    );
    assert_eq!(status, 304);
}

#[derive(Debug)]
struct Behind(std::time::Duration);

impl aws_smithy_async::time::TimeSource for Behind {
    fn now(&self) -> std::time::SystemTime {
        std::time::SystemTime::now() - self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skewed_clocks_and_expired_presigned_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    alpha(&server)
        .create_bucket()
        .bucket("clock")
        .send()
        .await
        .unwrap();
    let config = aws_sdk_s3::Config::builder()
        .endpoint_url(&server.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIAALPHAROOTEXAMPLE",
            "alpha-root-secret-example",
            None,
            None,
            "test",
        ))
        .force_path_style(true)
        .time_source(Behind(std::time::Duration::from_secs(20 * 60)))
        // The SDK corrects its clock and retries on RequestTimeTooSkewed; see the first answer.
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    let err = Client::from_conf(config)
        .list_buckets()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("RequestTimeTooSkewed"));
    assert_eq!(
        err.meta().message(),
        Some("The difference between the request time and the current time is too large.")
    );
    let expired = aws_sdk_s3::presigning::PresigningConfig::builder()
        .start_time(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .expires_in(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    alpha(&server)
        .put_object()
        .bucket("clock")
        .key("k")
        .body(ByteStream::from_static(b"k"))
        .send()
        .await
        .unwrap();
    let url = alpha(&server)
        .get_object()
        .bucket("clock")
        .key("k")
        .presigned(expired)
        .await
        .unwrap();
    let (status, _) = fetch(url.uri()).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_only_the_resource_account_is_told_why() {
    let dir = tempfile::tempdir().unwrap();
    let same_account_only = CONFIG.replace("explain_denials = \"all\"", "");
    let server = start_with(dir.path(), &same_account_only, None).await;
    alpha(&server)
        .create_bucket()
        .bucket("quiet")
        .send()
        .await
        .unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::quiet"}]}"#;
    alpha(&server)
        .put_bucket_policy()
        .bucket("quiet")
        .policy(policy)
        .send()
        .await
        .unwrap();
    let (_, own) = failure(alpha(&server).head_bucket().bucket("quiet").send().await);
    assert_eq!(header(&own, "x-gatehouse-statement"), Some("NoReads"));
    let (status, other) = failure(beta(&server).head_bucket().bucket("quiet").send().await);
    assert_eq!(status, 403);
    assert_eq!(
        header(&other, "x-gatehouse-decision"),
        None,
        "another account learns nothing"
    );
    let err = beta(&server)
        .list_objects_v2()
        .bucket("quiet")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().meta().message(),
        Some("Access Denied")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_checked_against_their_checksums() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("sums").send().await.unwrap();
    let out = s3
        .put_object()
        .bucket("sums")
        .key("a")
        .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Sha256)
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    // SHA-256("hello"), base64.
    assert_eq!(
        out.checksum_sha256(),
        Some("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
    );
    let err = s3
        .put_object()
        .bucket("sums")
        .key("b")
        .content_md5("XUFAKrxLKna5cZ2REBfFkg==")
        .body(ByteStream::from_static(b"not hello"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("BadDigest"));
    let (status, _) = failure(s3.head_object().bucket("sums").key("b").send().await);
    assert_eq!(status, 404, "nothing was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioning_keeps_objects_behind_delete_markers() {
    use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("history").send().await.unwrap();
    assert_eq!(
        s3.get_bucket_versioning()
            .bucket("history")
            .send()
            .await
            .unwrap()
            .status(),
        None
    );
    let enabled = VersioningConfiguration::builder()
        .status(BucketVersioningStatus::Enabled)
        .build();
    s3.put_bucket_versioning()
        .bucket("history")
        .versioning_configuration(enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(
        s3.get_bucket_versioning()
            .bucket("history")
            .send()
            .await
            .unwrap()
            .status(),
        Some(&BucketVersioningStatus::Enabled)
    );
    let v1 = s3
        .put_object()
        .bucket("history")
        .key("doc")
        .body(ByteStream::from_static(b"one"))
        .send()
        .await
        .unwrap();
    let v2 = s3
        .put_object()
        .bucket("history")
        .key("doc")
        .body(ByteStream::from_static(b"two"))
        .send()
        .await
        .unwrap();
    let (v1, v2) = (
        v1.version_id().unwrap().to_string(),
        v2.version_id().unwrap().to_string(),
    );
    assert_ne!(v1, v2);
    let deleted = s3
        .delete_object()
        .bucket("history")
        .key("doc")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.delete_marker(), Some(true));
    let marker = deleted.version_id().unwrap().to_string();
    // The marker hides the object...
    let err = s3
        .get_object()
        .bucket("history")
        .key("doc")
        .send()
        .await
        .unwrap_err();
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 404);
    assert_eq!(raw.headers().get("x-amz-delete-marker"), Some("true"));
    // ...which is still readable by version id.
    let old = s3
        .get_object()
        .bucket("history")
        .key("doc")
        .version_id(&v1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.body.collect().await.unwrap().into_bytes().as_ref(),
        b"one"
    );
    let (status, _) = failure(
        s3.get_object()
            .bucket("history")
            .key("doc")
            .version_id(&marker)
            .send()
            .await,
    );
    assert_eq!(status, 405);
    let listed = s3
        .list_object_versions()
        .bucket("history")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.versions().len(), 2);
    assert_eq!(listed.delete_markers().len(), 1);
    assert_eq!(listed.delete_markers()[0].is_latest(), Some(true));
    // Removing the marker brings the newest version back.
    s3.delete_object()
        .bucket("history")
        .key("doc")
        .version_id(&marker)
        .send()
        .await
        .unwrap();
    let back = s3
        .get_object()
        .bucket("history")
        .key("doc")
        .send()
        .await
        .unwrap();
    assert_eq!(back.version_id(), Some(v2.as_str()));
    assert_eq!(
        back.body.collect().await.unwrap().into_bytes().as_ref(),
        b"two"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_is_in_the_audit_trail_and_denials_carry_their_trace() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_own(dir.path()).await;
    let s3 = alpha(&server);
    s3.create_bucket().bucket("audited").send().await.unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::audited/*"}]}"#;
    s3.put_bucket_policy()
        .bucket("audited")
        .policy(policy)
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("audited")
        .key("k")
        .body(ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
    let (status, headers) = failure(s3.head_object().bucket("audited").key("k").send().await);
    assert_eq!(status, 403);
    let denied_id = header(&headers, "x-amz-request-id").unwrap().to_string();
    let events = common::audit_events(dir.path()).await;
    let names: Vec<&str> = events
        .iter()
        .filter_map(|e| e.get("eventName").and_then(|v| v.as_str()))
        .collect();
    assert_eq!(
        names,
        ["CreateBucket", "PutBucketPolicy", "PutObject", "HeadObject"]
    );
    for e in &events {
        for field in [
            "eventVersion",
            "eventTime",
            "eventSource",
            "awsRegion",
            "sourceIPAddress",
            "userIdentity",
            "requestID",
            "eventID",
            "readOnly",
            "resources",
        ] {
            assert!(e.get(field).is_some(), "{field} missing");
        }
    }
    let put = &events[2];
    let decision = &put
        .get("additionalEventData")
        .unwrap()
        .get("gatehouseDecisions")
        .unwrap()
        .as_array()
        .unwrap()[0];
    assert_eq!(
        decision.get("decision").and_then(|d| d.as_str()),
        Some("allowed")
    );
    let consulted = decision.get("policies").unwrap().as_array().unwrap();
    assert_eq!(
        consulted[0].get("version").map(|v| v.value.clone()),
        Some(policy::json::Value::Number("1".into()))
    );
    let head = &events[3];
    assert_eq!(
        head.get("requestID").and_then(|v| v.as_str()),
        Some(denied_id.as_str())
    );
    assert_eq!(
        head.get("errorCode").and_then(|v| v.as_str()),
        Some("AccessDenied")
    );
    let denial = &head
        .get("additionalEventData")
        .unwrap()
        .get("gatehouseDecisions")
        .unwrap()
        .as_array()
        .unwrap()[0];
    let answer = denial.get("answer").unwrap();
    assert_eq!(
        answer.get("statement").and_then(|v| v.as_str()),
        Some("NoReads")
    );
    assert!(
        !answer.get("trace").unwrap().as_array().unwrap().is_empty(),
        "the full trace"
    );
    assert_eq!(
        head.get("userIdentity")
            .unwrap()
            .get("type")
            .and_then(|v| v.as_str()),
        Some("Root")
    );
}

/// ListBuckets pages by `max-buckets` with an opaque continuation token, filters by prefix and
/// region, lists only the caller's own buckets, and refuses a bad page size or token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_buckets_pages_filters_and_refuses_bad_arguments() {
    use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
    let dir = tempfile::tempdir().unwrap();
    let config = format!("regions = [\"us-east-1\", \"eu-central-1\"]\n{CONFIG}");
    let server = start_with(dir.path(), &config, None).await;
    let s3 = alpha(&server);
    for name in ["a-1", "a-2", "a-3", "b-1", "b-2"] {
        s3.create_bucket().bucket(name).send().await.unwrap();
    }
    client_for(
        &server.endpoint,
        "eu-central-1",
        "AKIAALPHAROOTEXAMPLE",
        "alpha-root-secret-example",
    )
    .create_bucket()
    .bucket("a-euro")
    .create_bucket_configuration(
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::EuCentral1)
            .build(),
    )
    .send()
    .await
    .unwrap();
    beta(&server)
        .create_bucket()
        .bucket("a-beta")
        .send()
        .await
        .unwrap();

    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = s3
            .list_buckets()
            .max_buckets(2)
            .set_continuation_token(token.clone())
            .send()
            .await
            .unwrap();
        let names: Vec<String> = page
            .buckets()
            .iter()
            .filter_map(|b| b.name())
            .map(str::to_string)
            .collect();
        pages.push(names);
        match page.continuation_token() {
            Some(t) => {
                assert!(!t.contains("a-"), "the token is not a bucket name: {t}");
                token = Some(t.to_string());
            }
            None => break,
        }
    }
    assert_eq!(
        pages,
        [
            vec!["a-1", "a-2"],
            vec!["a-3", "a-euro"],
            vec!["b-1", "b-2"]
        ]
    );

    let names = |out: aws_sdk_s3::operation::list_buckets::ListBucketsOutput| -> Vec<String> {
        out.buckets()
            .iter()
            .filter_map(|b| b.name())
            .map(str::to_string)
            .collect()
    };
    let prefixed = s3.list_buckets().prefix("a-").send().await.unwrap();
    assert_eq!(prefixed.prefix(), Some("a-"));
    assert_eq!(names(prefixed), ["a-1", "a-2", "a-3", "a-euro"]);
    let european = s3
        .list_buckets()
        .bucket_region("eu-central-1")
        .send()
        .await
        .unwrap();
    assert_eq!(names(european), ["a-euro"]);
    let all = s3.list_buckets().send().await.unwrap();
    assert!(all.continuation_token().is_none());
    assert_eq!(
        names(all).len(),
        6,
        "every bucket without max-buckets, none of beta's"
    );

    for bad in [0, 10_001] {
        let err = s3.list_buckets().max_buckets(bad).send().await.unwrap_err();
        assert_eq!(
            err.into_service_error().meta().code(),
            Some("InvalidArgument")
        );
    }
    let err = s3
        .list_buckets()
        .continuation_token("not base64!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("InvalidArgument")
    );
}
