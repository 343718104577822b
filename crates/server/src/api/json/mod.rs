//! The entry point of the AWS JSON 1.1 protocol on the same port: `POST /` with
//! `X-Amz-Target: SERVICE_PREFIX.Operation` and a JSON object body, JSON answers, errors as
//! `{"__type", "message"}`: Organizations and KMS. Verified by Gatehouse's own
//! SigV4 verifier ([`crate::api::signed`]).

pub mod error;
pub mod input;

use http::{Request, Response, StatusCode};
use s3s::Body;
use serde_json::{Map, Value};

use crate::api::signed::authenticate;
use crate::caller::Caller;
use crate::state::Gatehouse;
use error::{error_response, json_response, JsonError};

/// The largest request body accepted (a policy document of 5,120 characters, JSON-escaped,
/// fits many times over).
const MAX_BODY: usize = 1024 * 1024;

type Dispatch = fn(&Gatehouse, &Caller, &str, &Map<String, Value>) -> Result<Value, JsonError>;

/// The APIs served, by target prefix: (prefix, signing service, its operations).
const SERVICES: &[(&str, &str, Dispatch)] = &[
    (
        "AWSOrganizationsV20161128",
        "organizations",
        crate::api::organizations::dispatch,
    ),
    ("TrentService", "kms", crate::api::kms::dispatch),
];

/// Is this a JSON-protocol request? Only they carry `X-Amz-Target` (S3 never does).
pub fn is_json_request<B>(req: &Request<B>) -> bool {
    req.uri().path() == "/"
        && req.method() == http::Method::POST
        && req.headers().contains_key("x-amz-target")
}

/// Answers one JSON-protocol request.
pub async fn handle(gatehouse: &Gatehouse, req: Request<Body>, request_id: &str) -> Response<Body> {
    match answer(gatehouse, req, request_id).await {
        Ok(body) => json_response(StatusCode::OK, &body, request_id),
        Err(e) => error_response(e, request_id),
    }
}

async fn answer(
    gatehouse: &Gatehouse,
    req: Request<Body>,
    request_id: &str,
) -> Result<Value, JsonError> {
    let (parts, mut body) = req.into_parts();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (prefix, operation) = target.split_once('.').unwrap_or((&target, ""));
    let Some((_, service, dispatch)) = SERVICES.iter().find(|(p, _, _)| *p == prefix) else {
        return Err(JsonError::unknown_operation(&target));
    };
    // The audit names the operation only when it could be one.
    if !operation.is_empty()
        && operation.len() <= 64
        && operation.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        gatehouse.audit.note(request_id, |p| {
            p.operation = Some(operation.to_string());
            p.source = Some(crate::api::signed::event_source(service));
        });
    }
    let bytes = body
        .store_all_limited(MAX_BODY)
        .await
        .map_err(|_| JsonError::new("SerializationException", "The request body is too large"))?;
    let (caller, _) = authenticate(gatehouse, &parts, &bytes, &[service], None, request_id)
        .map_err(JsonError::refused)?;
    let input: Map<String, Value> = if bytes.is_empty() {
        Map::new()
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            JsonError::new(
                "SerializationException",
                format!("The request body is not a JSON object: {e}"),
            )
        })?
    };
    dispatch(gatehouse, &caller, operation, &input)
}
