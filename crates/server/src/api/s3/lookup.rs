//! Finding the bucket a request names: it exists, it is the expected owner's, and the request
//! was signed for its region (else AWS's redirect) — the one place every S3 operation starts.

use s3s::{s3_error, S3Result};

use crate::api::s3::errors::from_store;
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// The bucket, wherever it is (the operations exempt from the region rule).
pub fn require_anywhere(
    gatehouse: &Gatehouse,
    name: &str,
) -> S3Result<std::sync::Arc<store::Bucket>> {
    gatehouse
        .store
        .bucket(name)
        .map_err(from_store)?
        .ok_or_else(|| from_store(store::StoreError::NoSuchBucket))
}

/// The bucket, when the request was signed for its region; else AWS's 301
/// `PermanentRedirect` with `x-amz-bucket-region` (DESIGN.md, "Regions").
pub fn require(
    gatehouse: &Gatehouse,
    caller: &Caller,
    name: &str,
) -> S3Result<std::sync::Arc<store::Bucket>> {
    let bucket = require_anywhere(gatehouse, name)?;
    expect_owner(caller.expected_owner.as_deref(), &bucket)?;
    if bucket.region != caller.region {
        return Err(permanent_redirect(&bucket));
    }
    if bucket.logging.is_some() {
        note_access(gatehouse, caller, &bucket);
    }
    Ok(bucket)
}

/// A request on a bucket with server access logging on also gets an access log line
/// (`audit::access`); the key and the answer are filled in when it is written.
fn note_access(gatehouse: &Gatehouse, caller: &Caller, bucket: &store::Bucket) {
    let p = caller.principal();
    let facts = audit::AccessFacts {
        bucket_owner: gatehouse.canonical_id(&bucket.owner).unwrap_or_default(),
        bucket: bucket.name.clone(),
        requester: p.account.is_some().then(|| p.arn.clone()),
        ..Default::default()
    };
    gatehouse
        .audit
        .note(&caller.connection.request_id, |pending| {
            pending.access = Some(facts)
        });
}

/// `x-amz-expected-bucket-owner` (or, for a copy source, `x-amz-source-expected-bucket-owner`):
/// when it names another account than the bucket's owner the request is refused with 403
/// AccessDenied, whatever the policies say [S3 user guide, "Verifying bucket ownership with
/// bucket owner condition"].
pub fn expect_owner(expected: Option<&str>, bucket: &store::Bucket) -> S3Result<()> {
    match expected {
        Some(account) if account != bucket.owner => Err(s3_error!(AccessDenied, "Access Denied")),
        _ => Ok(()),
    }
}

/// [`require`], then the bucket-level question `action` on it: what most bucket operations
/// ask before anything else.
pub fn require_allowed(
    gatehouse: &Gatehouse,
    caller: &Caller,
    name: &str,
    action: &'static str,
) -> S3Result<std::sync::Arc<store::Bucket>> {
    let bucket = require(gatehouse, caller, name)?;
    check(gatehouse, caller, Question::on_bucket(action, &bucket))?;
    Ok(bucket)
}

fn permanent_redirect(bucket: &store::Bucket) -> s3s::S3Error {
    let mut err = s3_error!(
        PermanentRedirect,
        "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."
    );
    err.set_status_code(http::StatusCode::MOVED_PERMANENTLY);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/xml"),
    );
    if let Ok(v) = http::HeaderValue::from_str(&bucket.region) {
        headers.insert("x-amz-bucket-region", v);
    }
    // The front door adds <Bucket> and <Endpoint> to the body from this, then drops it.
    if let Ok(v) = http::HeaderValue::from_str(&bucket.name) {
        headers.insert(crate::api::s3::errors::REDIRECT_BUCKET, v);
    }
    err.set_headers(headers);
    err
}
