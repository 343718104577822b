//! HTTPS with a self-signed certificate: the handshake, and `aws:SecureTransport` /
//! `s3:TlsVersion` that are now true facts of the request.

use std::sync::Arc;

use aws_sdk_s3::primitives::ByteStream;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

/// An anonymous GET over TLS, trusting `cert`; the status and body.
async fn get_over_tls(addr: &str, path: &str, cert: CertificateDer<'static>) -> (u16, String) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    let _ = tls.read_to_end(&mut bytes).await;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    (status, text)
}

async fn get_plain(addr: &str, path: &str) -> u16 {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut bytes = Vec::new();
    tcp.read_to_end(&mut bytes).await.unwrap();
    String::from_utf8_lossy(&bytes)
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_makes_secure_transport_true() {
    let dir = tempfile::tempdir().unwrap();
    // A public bucket that refuses plain HTTP and TLS before 1.2.
    let plain_server = common::start_with(dir.path(), common::CONFIG, None).await;
    let plain = plain_server.addr.clone();
    let s3 = common::alpha(&plain_server);
    s3.create_bucket().bucket("secure").send().await.unwrap();
    s3.put_object()
        .bucket("secure")
        .key("page")
        .body(ByteStream::from_static(b"over tls"))
        .send()
        .await
        .unwrap();
    s3.delete_public_access_block()
        .bucket("secure")
        .send()
        .await
        .unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::secure/*"},
        {"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::secure/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
        {"Sid":"ModernTls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::secure/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}]}"#;
    s3.put_bucket_policy()
        .bucket("secure")
        .policy(policy)
        .send()
        .await
        .unwrap();
    assert_eq!(
        get_plain(&plain, "/secure/page").await,
        403,
        "plain HTTP is denied by TlsOnly"
    );
    drop(plain_server);

    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, key.cert.pem()).unwrap();
    std::fs::write(&key_path, key.signing_key.serialize_pem()).unwrap();
    let secure_server =
        common::start_with(dir.path(), common::CONFIG, Some((cert_path, key_path))).await;
    let secure = secure_server.addr.clone();
    let (status, response) = get_over_tls(&secure, "/secure/page", key.cert.der().clone()).await;
    assert_eq!(status, 200, "{response}");
    assert!(response.ends_with("over tls"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-amz-request-id"));
}
