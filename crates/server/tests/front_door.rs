//! What the front door refuses before any signature is checked, and the request ids every
//! response carries — seen over a raw socket, byte for byte.

mod common;

fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

const V4: &str = "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261124/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_come_with_aws_codes_and_matching_request_ids() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_with(dir.path(), "", None).await;
    let addr = server.addr.clone();

    let (status, headers, body) = common::raw(
        &addr,
        "GET /bucket/key HTTP/1.1\r\nAuthorization: AWS AKIAEXAMPLE:c2lnbmF0dXJl",
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("<Code>InvalidRequest</Code>"), "{body}");
    assert!(body.contains("Please use AWS4-HMAC-SHA256."), "{body}");
    let id = get(&headers, "x-amz-request-id").unwrap();
    assert!(
        body.contains(&format!("<RequestId>{id}</RequestId>")),
        "{body}"
    );
    assert!(body.contains(&format!(
        "<HostId>{}</HostId>",
        get(&headers, "x-amz-id-2").unwrap()
    )));

    let (status, _, body) = common::raw(&addr, &format!("GET /bucket/key HTTP/1.1\r\n{V4}\r\nx-amz-date: 20261124T000000Z\r\nx-amz-meta-sneaky: 1")).await;
    assert_eq!(status, 403);
    assert!(
        body.contains("There were headers present in the request which were not signed"),
        "{body}"
    );

    let iam_scope = V4.replace("/s3/", "/iam/");
    let (status, _, body) = common::raw(
        &addr,
        &format!("GET /bucket/key HTTP/1.1\r\n{iam_scope}\r\nx-amz-date: 20261124T000000Z"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("AuthorizationHeaderMalformed"), "{body}");

    let presigned = "GET /bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T000000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00 HTTP/1.1";
    let (status, _, body) = common::raw(&addr, presigned).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("X-Amz-Expires must be less than a week"),
        "{body}"
    );

    // Anonymous and allowed through to S3, which answers with its own error and our ids.
    let (status, headers, body) = common::raw(&addr, "GET /no-such-bucket/key HTTP/1.1").await;
    assert_eq!(status, 404);
    assert!(body.contains("NoSuchBucket"), "{body}");
    assert!(body.contains(&format!(
        "<RequestId>{}</RequestId>",
        get(&headers, "x-amz-request-id").unwrap()
    )));
}

/// A request refused before its body is read leaves the connection unusable; the response says
/// `Connection: close` so that a client does not send its next request there (boto3 does, with
/// `Expect: 100-continue` PUTs). A request whose body is read keeps the connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_before_the_body_is_read_closes_the_connection_and_says_so() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let server = common::start(dir.path()).await;
    common::alpha(&server)
        .create_bucket()
        .bucket("closing")
        .send()
        .await
        .unwrap();
    let addr = server.addr.clone();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /closing/k HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut bytes),
    )
    .await
    .expect("the server closes the connection")
    .unwrap();
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 403"), "{text}");
    assert!(text.contains("\r\nconnection: close\r\n"), "{text}");

    // An anonymous ListBuckets has no body: the connection stays open for the next request.
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!("GET /closing HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let n = stream.read(&mut buf).await.unwrap();
    let first = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
    assert!(!first.contains("\r\nconnection: close\r\n"), "{first}");
}
