//! The entry point of the AWS Query protocol on the same port (`POST /`, form body, `Action=...&Version=...`, XML
//! answers, `<ErrorResponse>` errors): STS now, IAM with its issue. Verified by Gatehouse's own
//! SigV4 verifier ([`sigv4`]), since s3s 0.14.1 cannot verify `iam`-scoped requests.

use http::{Request, Response, StatusCode};
use s3s::Body;

use crate::api::query::params::Params;
use crate::api::signed::{authenticate, event_source, Refusal};
use crate::state::Gatehouse;
use sigv4::percent::{decode, form};
use sigv4::verify::SigError;

use crate::api::query::error::{error_response, xml_response, QueryError};

/// The largest form body accepted (IAM's largest policy document, URL-encoded, fits well).
const MAX_BODY: usize = 1024 * 1024;

/// Is this a Query-protocol request? A form `POST /` (S3's own POSTs are multipart forms or
/// carry a query), or a `GET /` naming an `Action` (S3's `GET /`, ListBuckets, has no such
/// parameter); AWS's Query APIs accept both.
pub fn is_query_request<B>(req: &Request<B>) -> bool {
    if req.uri().path() != "/" {
        return false;
    }
    match *req.method() {
        http::Method::POST => req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded")),
        http::Method::GET => form(req.uri().query().unwrap_or("").as_bytes())
            .iter()
            .any(|(k, _)| k == "Action"),
        _ => false,
    }
}

fn refused(refusal: Refusal) -> QueryError {
    let e = match refusal {
        Refusal::Signature(e) => e,
        Refusal::ExpiredToken => {
            return QueryError::forbidden(
                "ExpiredToken",
                "The security token included in the request is expired".into(),
            )
        }
    };
    match e {
        SigError::Missing => QueryError::sender("MissingAuthenticationToken", "Request is missing Authentication Token"),
        SigError::Malformed(m) => QueryError::sender("IncompleteSignature", m),
        SigError::InvalidClientTokenId => QueryError::forbidden("InvalidClientTokenId", "The security token included in the request is invalid.".into()),
        SigError::SignatureDoesNotMatch => QueryError::forbidden("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.".into()),
        SigError::RequestExpired => QueryError::sender("RequestExpired", "Request has expired."),
        SigError::WrongService(s) => QueryError::sender("InvalidClientTokenId", format!("Credential should be scoped to correct service: '{s}' is not served on this endpoint.")),
        SigError::WrongRegion(r) => QueryError::sender("InvalidClientTokenId", format!("Credential should be scoped to a valid region, not '{r}'.")),
    }
}

/// The first parameter of a form whose value is not UTF-8 once decoded (the lossy [`form`]
/// would have replaced its bytes unseen).
fn first_not_utf8(body: &[u8]) -> Option<String> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Some(String::new());
    };
    text.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let bad = std::str::from_utf8(&sigv4::percent::decode_bytes(v, true)).is_err();
        bad.then(|| decode(k, true))
    })
}

/// AWS's refusal of a value that is not UTF-8: a policy document is malformed (IAM and STS
/// say `MalformedPolicyDocument`), any other value fails validation.
fn not_utf8_error(name: &str) -> QueryError {
    if name.contains("Policy") {
        QueryError::sender(
            "MalformedPolicyDocument",
            "The policy document is not valid UTF-8",
        )
    } else {
        QueryError::sender(
            "ValidationError",
            format!("The value of '{name}' is not valid UTF-8"),
        )
    }
}

/// Answers one Query-protocol request.
pub async fn handle(gatehouse: &Gatehouse, req: Request<Body>, request_id: &str) -> Response<Body> {
    let (parts, mut body) = req.into_parts();
    let sts_ns = crate::api::sts::NS;
    let bytes = match body.store_all_limited(MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(
                sts_ns,
                QueryError::sender("ValidationError", "The request body is too large"),
                request_id,
            )
        }
    };
    // A GET carries its parameters in the query, a POST in the body.
    let form_bytes: &[u8] = if parts.method == http::Method::GET {
        parts.uri.query().unwrap_or("").as_bytes()
    } else {
        &bytes
    };
    let params = form(form_bytes);
    let action = params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // The audit names the action only when it could be one: a client's string goes no
    // further than an action-shaped name.
    let named = !action.is_empty()
        && action.len() <= 64
        && action.bytes().all(|b| b.is_ascii_alphanumeric());
    let audit = &gatehouse.audit;
    if named {
        let service = if crate::api::sts::ACTIONS.contains(&action.as_str()) {
            "sts"
        } else {
            "iam"
        };
        audit.note(request_id, |p| {
            p.operation = Some(action.clone());
            p.source = Some(event_source(service));
        });
    }
    let token = params
        .iter()
        .find(|(k, _)| k == "X-Amz-Security-Token" || k == "SecurityToken")
        .map(|(_, v)| v.as_str());
    let (caller, verified) = match authenticate(
        gatehouse,
        &parts,
        &bytes,
        &["sts", "iam"],
        token,
        request_id,
    ) {
        Ok(signed) => signed,
        Err(e) => return error_response(sts_ns, refused(e), request_id),
    };
    if let Some(name) = first_not_utf8(form_bytes) {
        return error_response(sts_ns, not_utf8_error(&name), request_id);
    }
    let params = Params(params);
    let result = match verified.service.as_str() {
        "sts" => crate::api::sts::dispatch(gatehouse, &caller, &action, &params, request_id),
        _ => crate::api::iam::dispatch(gatehouse, &caller, &action, &params, request_id),
    };
    let namespace = if verified.service == "iam" {
        crate::api::iam::call::NS
    } else {
        sts_ns
    };
    match result {
        Ok(xml) => xml_response(StatusCode::OK, xml),
        Err(e) => error_response(namespace, e, request_id),
    }
}
