//! Every AWS call the live walk makes, in order, with what it answered: listed at the end of
//! every report (and, with `--dry-run`, the plan before any is made). Only Get, List, Head
//! and Describe calls exist here — the walk is read-only by construction.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// `s3 GetBucketPolicy`.
    pub call: String,
    pub target: String,
    /// `ok`, or the HTTP status and AWS error code.
    pub outcome: String,
}

/// What a refused or failed call said.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Failure {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: Option<String>,
}

impl Failure {
    pub fn of<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Failure {
        let status = err.raw_response().map(|r| r.status().as_u16());
        match err.as_service_error() {
            Some(e) => Failure {
                status,
                code: e.code().map(str::to_string),
                message: e.message().map(str::to_string),
            },
            None => Failure {
                status,
                code: None,
                message: Some(format!("{err}")),
            },
        }
    }

    pub fn summary(&self) -> String {
        let status = self.status.map(|s| s.to_string()).unwrap_or_default();
        match (&self.code, &self.message) {
            (Some(c), _) => format!("{status} {c}").trim().to_string(),
            (None, Some(m)) => format!("{status} {m}").trim().to_string(),
            (None, None) => status,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Calls {
    pub made: Vec<Call>,
}

impl Calls {
    /// Records `result` of `call` on `target` and hands it back with its failure read.
    pub fn note<T, E: ProvideErrorMetadata>(
        &mut self,
        call: &str,
        target: &str,
        result: Result<T, SdkError<E, HttpResponse>>,
    ) -> Result<T, Failure> {
        let result = result.map_err(|e| Failure::of(&e));
        self.made.push(Call {
            call: call.to_string(),
            target: target.to_string(),
            outcome: match &result {
                Ok(_) => "ok".to_string(),
                Err(f) => f.summary(),
            },
        });
        result
    }
}
