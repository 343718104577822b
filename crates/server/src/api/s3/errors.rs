//! Store errors as S3 answers them.

use http::{HeaderMap, HeaderValue};
use s3s::{s3_error, S3Error, S3ErrorCode};
use store::StoreError;

use crate::authorize::denied::Denied;

/// Carries a redirect's bucket name from the S3 layer to the front door, which writes it into
/// the error body and removes the header.
pub const REDIRECT_BUCKET: &str = "x-gatehouse-internal-redirect-bucket";

pub fn from_store(e: StoreError) -> S3Error {
    match e {
        StoreError::NoSuchBucket => s3_error!(NoSuchBucket, "The specified bucket does not exist"),
        StoreError::BucketAlreadyExists => s3_error!(
            BucketAlreadyExists,
            "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
        ),
        StoreError::BucketAlreadyOwnedByYou => s3_error!(
            BucketAlreadyOwnedByYou,
            "Your previous request to create the named bucket succeeded and you already own it."
        ),
        StoreError::BucketNotEmpty => s3_error!(BucketNotEmpty, "The bucket you tried to delete is not empty"),
        StoreError::NoSuchKey => s3_error!(NoSuchKey, "The specified key does not exist."),
        StoreError::NoSuchVersion => s3_error!(NoSuchVersion, "The specified version does not exist."),
        StoreError::NoSuchUpload => s3_error!(
            NoSuchUpload,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
        ),
        StoreError::InvalidPart => s3_error!(
            InvalidPart,
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
        ),
        StoreError::InvalidPartOrder => s3_error!(InvalidPartOrder, "The list of parts was not in ascending order. Parts must be ordered by part number."),
        StoreError::EntityTooSmall => s3_error!(EntityTooSmall, "Your proposed upload is smaller than the minimum allowed object size."),
        StoreError::EntityTooLarge => s3_error!(EntityTooLarge, "Your proposed upload exceeds the maximum allowed size"),
        other => s3_error!(InternalError, "{other}"),
    }
}

/// A denial as S3 answers it: AWS's AccessDenied with Gatehouse's headers, or InternalError
/// when no decision could be made.
impl From<Denied> for S3Error {
    fn from(denied: Denied) -> S3Error {
        if denied.internal {
            return S3Error::with_message(S3ErrorCode::InternalError, denied.message);
        }
        let mut err = S3Error::with_message(S3ErrorCode::AccessDenied, denied.message);
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/xml"));
        for (name, value) in denied.headers {
            headers.insert(name, value);
        }
        err.set_headers(headers);
        err
    }
}
