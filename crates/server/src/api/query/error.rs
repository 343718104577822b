//! The Query protocol's error: its status, Sender/Receiver type, code and message, and its
//! `<ErrorResponse>` body.

use http::{HeaderValue, Response, StatusCode};
use s3s::Body;

use crate::api::query::xml::xml_escape;

/// A Query API error: HTTP status, `Sender`/`Receiver`, code, message.
pub struct QueryError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// `x-gatehouse-*` on a denial.
    pub headers: Vec<(&'static str, HeaderValue)>,
}

impl QueryError {
    pub fn sender(code: &'static str, message: impl Into<String>) -> QueryError {
        QueryError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// AWS's `ValidationError`: "1 validation error detected: {message}".
    pub fn validation(message: impl std::fmt::Display) -> QueryError {
        QueryError::sender(
            "ValidationError",
            format!("1 validation error detected: {message}"),
        )
    }

    pub fn forbidden(code: &'static str, message: String) -> QueryError {
        QueryError {
            status: StatusCode::FORBIDDEN,
            code,
            message,
            headers: Vec::new(),
        }
    }

    /// An action the API (of this `version`) does not have.
    pub fn invalid_action(action: &str, version: &str) -> QueryError {
        QueryError::sender(
            "InvalidAction",
            format!("Could not find operation {action} for version {version}"),
        )
    }

    /// IAM's 500 `ServiceFailure` ("The request processing has failed because of an unknown
    /// error, exception or failure").
    pub fn internal(message: impl Into<String>) -> QueryError {
        QueryError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "ServiceFailure",
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// AWS's 403 AccessDenied with the engine's message and Gatehouse's headers; a decision
    /// that could not be made is a 500.
    pub fn access_denied(denied: crate::authorize::Denied) -> QueryError {
        if denied.internal {
            return QueryError::internal(denied.message);
        }
        QueryError {
            headers: denied.headers,
            ..QueryError::forbidden("AccessDenied", denied.message)
        }
    }
}

pub fn xml_response(status: StatusCode, body: String) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/xml"));
    resp
}

pub fn error_response(namespace: &str, e: QueryError, request_id: &str) -> Response<Body> {
    let kind = if e.status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    let mut resp = xml_response(
        e.status,
        format!(
            "<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
            e.code,
            xml_escape(&e.message)
        ),
    );
    for (name, value) in e.headers {
        resp.headers_mut().insert(name, value);
    }
    resp
}
