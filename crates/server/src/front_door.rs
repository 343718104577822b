//! Step 1 of the request path: accept, give every request an id, put the peer's address in
//! its context, refuse what s3s 0.14.1 would let through (reference dependencies §7), hand the
//! rest to s3s, and make every response carry AWS's request-id headers — error bodies included.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use s3s::Body;
use tokio::net::TcpListener;

use audit::Record;

use crate::api::s3::errors::REDIRECT_BUCKET;
use crate::caller::Connection;
use crate::state::Gatehouse;
use sigv4::precheck::{body_refusal, is_object_data, precheck};

/// What the front door serves: the S3 service, the state every API shares, and TLS when on.
/// `serve` builds it.
pub struct App {
    pub s3: s3s::service::S3Service,
    pub gatehouse: Arc<Gatehouse>,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// The VPC endpoints' listeners, with their endpoint ids.
    pub vpc_listeners: Vec<(TcpListener, String)>,
}

/// How long a clean shutdown waits for the requests in flight to be answered.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until the task is dropped.
pub async fn run(listener: TcpListener, app: App) -> std::io::Result<()> {
    run_until(listener, app, std::future::pending()).await
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in flight finish (at most [`DRAIN`]), and returns once the audit trail holds every
/// event on disk.
pub async fn run_until(
    listener: TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let mut app = app;
    // Each endpoint's listener accepts in a task of its own and hands its connections here,
    // marked with the endpoint; the tasks end with this function.
    let (via_endpoint, mut from_endpoints) = tokio::sync::mpsc::channel(64);
    let mut endpoint_tasks = Vec::new();
    for (endpoint, id) in std::mem::take(&mut app.vpc_listeners) {
        let to_main = via_endpoint.clone();
        let id: Arc<str> = Arc::from(id);
        endpoint_tasks.push(tokio::spawn(async move {
            while let Ok((stream, peer)) = endpoint.accept().await {
                if to_main
                    .send((stream, peer, Some(id.clone())))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        }));
    }
    drop(via_endpoint);
    let app = Arc::new(app);
    let in_flight = Arc::new(AtomicUsize::new(0));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer, endpoint) = tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = accepted?;
                (stream, peer, None)
            }
            Some(accepted) = from_endpoints.recv() => accepted,
            () = &mut shutdown => break,
        };
        let in_flight = in_flight.clone();
        stream.set_nodelay(true)?;
        let app = app.clone();
        tokio::spawn(async move {
            let at = Arrival { peer, endpoint };
            match app.tls.clone() {
                None => serve_connection(app, in_flight, stream, at, None).await,
                Some(acceptor) => {
                    // A failed handshake ends this connection only.
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let version = tls
                        .get_ref()
                        .1
                        .protocol_version()
                        .and_then(crate::tls::version_name);
                    let version = Some(version.unwrap_or("1.2"));
                    serve_connection(app, in_flight, tls, at, version).await
                }
            }
        });
    }
    for task in endpoint_tasks {
        task.abort();
    }
    // Requests in flight are counted; idle connections are not waited for.
    let deadline = tokio::time::Instant::now() + DRAIN;
    while in_flight.load(Ordering::Acquire) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.gatehouse.audit.sync().await;
    Ok(())
}

/// One request counted while it runs (dropped with its future if the connection goes first).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>) -> InFlight {
        count.fetch_add(1, Ordering::AcqRel);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Where a connection came from: its peer, and the VPC endpoint whose listener took it.
#[derive(Clone)]
struct Arrival {
    peer: SocketAddr,
    endpoint: Option<Arc<str>>,
}

async fn serve_connection<I>(
    app: Arc<App>,
    in_flight: Arc<AtomicUsize>,
    io: I,
    at: Arrival,
    tls_version: Option<&'static str>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        let counted = InFlight::enter(&in_flight);
        let app = app.clone();
        let at = at.clone();
        async move {
            let answer = handle(app, req, at, tls_version).await;
            drop(counted);
            answer
        }
    });
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(io), service)
        .await;
}

async fn handle(
    app: Arc<App>,
    mut req: Request<Incoming>,
    at: Arrival,
    tls_version: Option<&'static str>,
) -> Result<Response<Body>, Infallible> {
    let peer = at.peer;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let host = header("host").unwrap_or_default();
    let user_agent = header("user-agent");
    let read_only = matches!(*req.method(), http::Method::GET | http::Method::HEAD);
    let request_id = audit::ids::unique_hex(8, true);
    let host_id = audit::ids::unique_hex(32, false);
    let connection = Connection {
        peer,
        secure: tls_version.is_some(),
        tls_version,
        request_id: request_id.clone(),
        vpc_endpoint: at.endpoint,
    };
    let source_ip = connection.source_ip();
    req.extensions_mut().insert(connection);
    let arrival = arrival(&req, &host, tls_version);
    // Opened before anything can fail or be cancelled: every request gets one event.
    let record = Record::open(
        app.gatehouse.audit.clone(),
        &request_id,
        source_ip,
        user_agent,
        read_only,
        app.gatehouse.config.default_region.clone(),
        arrival,
    );
    let version = req.version();
    let refusal = refuse(&req);
    let query = crate::api::query::endpoint::is_query_request(&req);
    let json = crate::api::json::is_json_request(&req);
    let (mut req, read_to_end) = {
        let (parts, body) = req.into_parts();
        let (tracked, done) = crate::unread::Tracked::new(body);
        (Request::from_parts(parts, Body::http_body(tracked)), done)
    };
    let refusal = match refusal {
        None if !query && !json => check_buffered_body(&mut req).await,
        other => other,
    };
    let mut response = match refusal {
        // The Query protocol (STS, IAM) is told apart before anything S3-specific is checked.
        _ if query => crate::api::query::endpoint::handle(&app.gatehouse, req, &request_id).await,
        // The JSON protocol (Organizations) likewise, by its X-Amz-Target header.
        _ if json => crate::api::json::handle(&app.gatehouse, req, &request_id).await,
        Some(refusal) => refusal,
        None => match app.s3.call(req).await {
            Ok(resp) => resp,
            Err(_) => error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "We encountered an internal error. Please try again.",
            ),
        },
    };
    crate::unread::close_if_unread(&mut response, version, &read_to_end);
    let (response, error) = finish(response, &request_id, &host_id, &host).await;
    let status = response.status();
    let bytes_sent = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    record
        .finish(audit::Answer {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            error,
            bytes_sent,
            host_id: &host_id,
        })
        .await;
    Ok(response)
}

/// What an access log line needs of the request as it arrived.
fn arrival(
    req: &Request<Incoming>,
    host: &str,
    tls_version: Option<&'static str>,
) -> audit::Arrival {
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let query = req.uri().query().unwrap_or("");
    let authentication = if req.headers().contains_key("authorization") {
        Some("AuthHeader")
    } else if query.contains("X-Amz-Signature=") {
        Some("QueryString")
    } else {
        None
    };
    audit::Arrival {
        request_line: [
            req.method().as_str(),
            " ",
            path,
            " ",
            http_version(req.version()),
        ]
        .concat(),
        host: (!host.is_empty()).then(|| host.to_string()),
        referer: req
            .headers()
            .get("referer")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        tls_version: tls_version.map(|v| if v == "1.3" { "TLSv1.3" } else { "TLSv1.2" }),
        authentication,
        started: std::time::Instant::now(),
    }
}

/// `HTTP/1.1`, as a request line names its version.
fn http_version(version: http::Version) -> &'static str {
    match version {
        http::Version::HTTP_09 => "HTTP/0.9",
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_2 => "HTTP/2.0",
        http::Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

/// What AWS refuses before it looks at a signature's value, and s3s 0.14.1 accepts.
fn refuse(req: &Request<Incoming>) -> Option<Response<Body>> {
    let auth = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let query = req.uri().query().unwrap_or("");
    let names = req.headers().keys().map(|k| k.as_str());
    let content_length = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let chunked = req.headers().contains_key(http::header::TRANSFER_ENCODING);
    let refusal = precheck(auth, query, names).or_else(|| {
        body_refusal(
            req.method().as_str(),
            req.uri().path(),
            query,
            content_length,
            chunked,
        )
    })?;
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
    Some(error_response(status, refusal.code, &refusal.message))
}

/// A document body (not object data) that names a Content-MD5 or checksum is read whole —
/// [`body_refusal`] has bounded it — and held to it before the operation sees it.
async fn check_buffered_body(req: &mut Request<Body>) -> Option<Response<Body>> {
    let headers = req.headers();
    let claims = headers
        .keys()
        .any(|k| k.as_str() == "content-md5" || k.as_str().starts_with("x-amz-checksum-"));
    let chunked = headers
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes().starts_with(b"aws-chunked"));
    let query = req.uri().query().unwrap_or("");
    if !claims || chunked || is_object_data(req.method().as_str(), req.uri().path(), query) {
        return None;
    }
    let limit = sigv4::precheck::MAX_BUFFERED_BODY as usize;
    let body = match req.body_mut().store_all_limited(limit).await {
        Ok(body) => body,
        Err(_) => {
            return Some(error_response(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "The request body terminated unexpectedly",
            ))
        }
    };
    let refused = crate::api::s3::checksums::verify_buffered(req.headers(), &body).err()?;
    Some(error_response(
        StatusCode::BAD_REQUEST,
        refused.code().as_str(),
        refused
            .message()
            .unwrap_or("The Content-MD5 you specified did not match what we received."),
    ))
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = crate::error_body::write(&[
        ("Code".to_string(), code.to_string()),
        ("Message".to_string(), message.to_string()),
    ]);
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/xml"));
    resp
}

/// Adds `x-amz-request-id` and `x-amz-id-2`; an XML error body gets the same `RequestId` and a
/// `HostId`, as AWS's do.
async fn finish(
    mut resp: Response<Body>,
    request_id: &str,
    host_id: &str,
    host: &str,
) -> (Response<Body>, Option<(String, String)>) {
    let redirect_bucket = resp.headers_mut().remove(REDIRECT_BUCKET);
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amz-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(host_id) {
        headers.insert("x-amz-id-2", v);
    }
    if !is_error_body(&resp, b"application/xml") {
        return json_error(resp).await;
    }
    let Ok(bytes) = resp.body_mut().store_all_limited(64 * 1024).await else {
        return (resp, None);
    };
    let Some(fields) = crate::error_body::read(&bytes) else {
        *resp.body_mut() = Body::from(Bytes::copy_from_slice(&bytes));
        return (resp, None);
    };
    let bucket = redirect_bucket.and_then(|b| b.to_str().ok().map(str::to_string));
    let redirect = bucket.as_deref().map(|b| (b, host));
    let fields = crate::error_body::as_aws(fields, request_id, host_id, redirect);
    let error = (
        crate::error_body::field(&fields, "Code")
            .unwrap_or_default()
            .to_string(),
        crate::error_body::field(&fields, "Message")
            .unwrap_or_default()
            .to_string(),
    );
    resp.headers_mut().remove("content-length");
    *resp.body_mut() = Body::from(crate::error_body::write(&fields));
    (resp, Some(error))
}

/// Is `resp` an error whose body is of the content type starting with `kind`?
fn is_error_body(resp: &Response<Body>, kind: &[u8]) -> bool {
    resp.status().as_u16() >= 300
        && resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(kind))
}

/// The code and message of a JSON-protocol error, for the audit trail; the body is kept.
async fn json_error(mut resp: Response<Body>) -> (Response<Body>, Option<(String, String)>) {
    if !is_error_body(&resp, b"application/x-amz-json") {
        return (resp, None);
    }
    let Ok(bytes) = resp.body_mut().store_all_limited(64 * 1024).await else {
        return (resp, None);
    };
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let text = |name: &str| {
        body.get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let error = (text("__type"), text("message"));
    *resp.body_mut() = Body::from(bytes);
    (resp, Some(error))
}
