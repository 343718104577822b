//! The JSON 1.1 protocol's error: `{"__type": CODE, "message": TEXT, ...}` with
//! `x-amzn-ErrorType`, as botocore and the AWS SDKs read it.

use http::{HeaderValue, Response, StatusCode};
use s3s::Body;
use serde_json::{json, Map, Value};
use sigv4::verify::SigError;

use crate::api::signed::Refusal;

#[derive(Debug)]
pub struct JsonError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Fields an error shape adds (`Reason` of Organizations' constraint errors).
    pub fields: Map<String, Value>,
    pub headers: Vec<(&'static str, HeaderValue)>,
}

impl JsonError {
    /// A client error (400), as every modelled error of these APIs is.
    pub fn new(code: &'static str, message: impl Into<String>) -> JsonError {
        JsonError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            fields: Map::new(),
            headers: Vec::new(),
        }
    }

    /// The same with a `Reason` (ConstraintViolationException, InvalidInputException, ...).
    pub fn with_reason(code: &'static str, reason: &str, message: impl Into<String>) -> JsonError {
        let mut e = JsonError::new(code, message);
        e.fields.insert("Reason".into(), json!(reason));
        e
    }

    /// An `X-Amz-Target` operation the service does not serve.
    pub fn unknown_operation(operation: &str) -> JsonError {
        JsonError::new(
            "UnknownOperationException",
            format!("The operation {operation} is not supported by this service."),
        )
    }

    pub fn internal() -> JsonError {
        JsonError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..JsonError::new(
                "ServiceException",
                "We encountered an internal error. Please try again.",
            )
        }
    }

    /// `AccessDeniedException` with the engine's message and Gatehouse's headers; a decision
    /// that could not be made is a 500.
    pub fn access_denied(denied: crate::authorize::Denied) -> JsonError {
        if denied.internal {
            return JsonError::internal();
        }
        JsonError {
            headers: denied.headers,
            ..JsonError::new("AccessDeniedException", denied.message)
        }
    }

    /// A signature or credential refused, in the JSON services' words.
    pub fn refused(refusal: Refusal) -> JsonError {
        let e = match refusal {
            Refusal::Signature(e) => e,
            Refusal::ExpiredToken => {
                return JsonError::new(
                    "ExpiredTokenException",
                    "The security token included in the request is expired",
                )
            }
        };
        match e {
            SigError::Missing => JsonError {
                status: StatusCode::FORBIDDEN,
                ..JsonError::new("MissingAuthenticationTokenException", "Missing Authentication Token")
            },
            SigError::Malformed(m) => JsonError::new("IncompleteSignatureException", m),
            SigError::InvalidClientTokenId => JsonError::new(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            SigError::SignatureDoesNotMatch => JsonError::new("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
            SigError::RequestExpired => JsonError::new("InvalidSignatureException", "Signature expired."),
            SigError::WrongService(s) => JsonError::new("InvalidSignatureException", format!("Credential should be scoped to correct service: '{s}' is not served on this endpoint.")),
            SigError::WrongRegion(r) => JsonError::new("InvalidSignatureException", format!("Credential should be scoped to a valid region, not '{r}'.")),
        }
    }
}

impl From<store::StoreError> for JsonError {
    fn from(e: store::StoreError) -> JsonError {
        eprintln!("gatehouse: store error: {e}");
        JsonError::internal()
    }
}

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

pub fn json_response(status: StatusCode, body: &Value, request_id: &str) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    resp
}

pub fn error_response(e: JsonError, request_id: &str) -> Response<Body> {
    let mut body = e.fields;
    body.insert("__type".into(), json!(e.code));
    body.insert("message".into(), json!(e.message));
    let mut resp = json_response(e.status, &Value::Object(body), request_id);
    let headers = resp.headers_mut();
    headers.insert("x-amzn-errortype", HeaderValue::from_static(e.code));
    for (name, value) in e.headers {
        headers.insert(name, value);
    }
    resp
}
