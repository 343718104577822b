//! What the server's integration tests share: a real server on an ephemeral port over a
//! temporary data directory, and SDK clients for it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::Client;
use server::config::Config;
use server::serve::{bind, ServeOptions};

/// Two accounts, every denial explained (`scripts/one-server.sh` starts its server with it too).
pub const CONFIG: &str = include_str!("config.toml");

/// A running server; stops when dropped (the shared one outlives every test).
pub struct Server {
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub endpoint: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Each configured VPC endpoint's id and `http://127.0.0.1:PORT`.
    pub vpc_endpoints: Vec<(String, String)>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A server with the tests' configuration on `dir` — or, with `GATEHOUSE_ONE_SERVER=1`, the one
/// server every test of this binary shares, emptied through the APIs first (so history stays:
/// deleted buckets, users and keys, reused names). Run that way with `--test-threads=1`
/// (`scripts/one-server.sh`).
pub async fn start(dir: &Path) -> Server {
    if std::env::var("GATEHOUSE_ONE_SERVER").is_ok_and(|v| v == "1") {
        return shared::emptied().await;
    }
    start_own(dir).await
}

/// A server of the test's own, in both modes: for tests that restart it, read its data
/// directory or audit trail, or change it behind its back.
pub async fn start_own(dir: &Path) -> Server {
    start_with(dir, CONFIG, None).await
}

pub async fn start_with(dir: &Path, config: &str, tls: Option<(PathBuf, PathBuf)>) -> Server {
    start_configured(dir, Config::parse(config).unwrap(), tls).await
}

pub async fn start_configured(
    dir: &Path,
    mut config: Config,
    tls: Option<(PathBuf, PathBuf)>,
) -> Server {
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Every test server decides every request twice, cached and uncached, and answers 500 on
    // a difference (issue 11): a stale cache cannot hide behind a passing test.
    config.verify_decisions = true;
    let options = ServeOptions {
        data_dir: dir.to_path_buf(),
        listen: "127.0.0.1:0".parse().unwrap(),
        config,
        tls,
    };
    let (listener, app) = bind(options).await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let vpc_endpoints = app
        .vpc_listeners
        .iter()
        .map(|(l, id)| {
            (
                id.clone(),
                format!("{scheme}://{}", l.local_addr().unwrap()),
            )
        })
        .collect();
    let task = tokio::spawn(async move {
        let _ = server::front_door::run(listener, app).await;
    });
    Server {
        endpoint: format!("{scheme}://{addr}"),
        addr,
        vpc_endpoints,
        task: Some(task),
    }
}

mod shared;

/// An SDK client for `endpoint`, signing for `region` with the given keys.
pub fn client_for(endpoint: &str, region: &'static str, key: &str, secret: &str) -> Client {
    let config = aws_sdk_s3::Config::builder()
        .endpoint_url(endpoint)
        .region(Region::new(region))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .force_path_style(true)
        .build();
    Client::from_conf(config)
}

/// Presigning that lasts a minute.
pub fn one_minute() -> aws_sdk_s3::presigning::PresigningConfig {
    aws_sdk_s3::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(60))
        .unwrap()
}

pub fn alpha(server: &Server) -> Client {
    client_for(
        &server.endpoint,
        "us-east-1",
        "AKIAALPHAROOTEXAMPLE",
        "alpha-root-secret-example",
    )
}

pub fn beta(server: &Server) -> Client {
    client_for(
        &server.endpoint,
        "us-east-1",
        "AKIABETAROOTEXAMPLE0",
        "beta-root-secret-example",
    )
}

/// The audit events written so far, each parsed.
pub async fn audit_events(dir: &Path) -> Vec<policy::json::Json> {
    // The writer flushes when idle for 200 ms.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let mut events = Vec::new();
    for entry in std::fs::read_dir(dir.join("audit")).unwrap() {
        let path = entry.unwrap().path();
        // The trail's files only (access logs sit beside them).
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines() {
            events.push(policy::json::parse(line).unwrap());
        }
    }
    events
}

fn python_has_boto3() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import boto3"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a Python script with `sys.argv[1]` the endpoint, pip-installing boto3 first when it is
/// missing; returns its standard output, failing the test on a non-zero exit.
pub async fn boto3(script: &'static str, endpoint: &str) -> String {
    let endpoint = endpoint.to_string();
    let out = tokio::task::spawn_blocking(move || {
        if !python_has_boto3() {
            let installed = std::process::Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "boto3"])
                .status();
            assert!(
                installed.is_ok_and(|s| s.success()) && python_has_boto3(),
                "boto3 could not be installed"
            );
        }
        std::process::Command::new("python3")
            .args(["-c", script, &endpoint])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts a server on a fresh directory (the shared one, emptied, with `GATEHOUSE_ONE_SERVER=1`)
/// and runs a boto3 `script` against it.
pub async fn boto3_on_new_server(script: &'static str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    boto3(script, &server.endpoint).await
}

/// Sends `head` (request line and headers, without the final blank line); returns the status,
/// the headers (lower-cased names) and the body.
pub async fn raw(addr: &str, head: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut bytes)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// `method uri` with `headers` and `body`, signed by the official `aws-sigv4` crate as the
/// alpha account's root for `service` in `region` at `at` (presigned for 300 s when
/// `location` is the query string).
#[allow(clippy::too_many_arguments)]
pub fn sign_as_alpha_root(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    service: &str,
    region: &str,
    location: aws_sigv4::http_request::SignatureLocation,
    at: std::time::SystemTime,
) -> http::Request<()> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let identity = aws_credential_types::Credentials::new(
        "AKIAALPHAROOTEXAMPLE",
        "alpha-root-secret-example",
        None,
        None,
        "test",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.signature_location = location;
    settings.expires_in = Some(std::time::Duration::from_secs(300));
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(at)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        method,
        uri,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut request = request.body(()).unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}
