//! What a write asks for: the `x-amz-server-side-encryption*` headers, or else the bucket's
//! default encryption; and how an object's encryption is described back.

use std::collections::BTreeMap;

use base64::Engine;
use policy::ContextValue;
use s3s::dto::ServerSideEncryption;
use s3s::{s3_error, S3Result};
use serde::{Deserialize, Serialize};

use super::envelope::{Algorithm, Envelope};

/// A bucket's default encryption, as kept with the bucket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketDefault {
    pub algorithm: Algorithm,
    pub key_id: Option<String>,
    pub bucket_key: bool,
}

impl BucketDefault {
    pub fn of(bucket: &store::Bucket) -> S3Result<Option<BucketDefault>> {
        bucket
            .encryption
            .as_deref()
            .map(|text| {
                serde_json::from_str(text).map_err(|e| {
                    eprintln!(
                        "gatehouse: bucket {}'s encryption does not read: {e}",
                        bucket.name
                    );
                    s3_error!(
                        InternalError,
                        "We encountered an internal error. Please try again."
                    )
                })
            })
            .transpose()
    }
}

/// How a write is to be encrypted.
#[derive(Debug, Clone)]
pub struct Requested {
    pub algorithm: Algorithm,
    pub key_id: Option<String>,
    /// The request's own encryption context (aws:kms).
    pub context: BTreeMap<String, String>,
    pub given_context: Option<String>,
    pub bucket_key: bool,
}

/// A write's `x-amz-server-side-encryption*` headers (PutObject, CopyObject,
/// CreateMultipartUpload); `sse_headers!(input)` reads them.
pub struct Headers<'a> {
    pub algorithm: Option<&'a ServerSideEncryption>,
    pub key_id: Option<&'a str>,
    pub context: Option<&'a str>,
    pub bucket_key: Option<bool>,
}

macro_rules! sse_headers {
    ($input:expr) => {
        $crate::api::s3::sse::request::Headers {
            algorithm: $input.server_side_encryption.as_ref(),
            key_id: $input.ssekms_key_id.as_deref(),
            context: $input.ssekms_encryption_context.as_deref(),
            bucket_key: $input.bucket_key_enabled,
        }
    };
}
pub(crate) use sse_headers;

/// The encryption a write's headers ask for, else the bucket's default; `None`: none.
/// `x-amz-server-side-encryption-aws-kms-key-id` and the context need `aws:kms`
/// [S3 PutObject].
pub fn requested(bucket: &store::Bucket, headers: &Headers) -> S3Result<Option<Requested>> {
    let Headers {
        algorithm,
        key_id,
        context,
        bucket_key,
    } = *headers;
    let Some(algorithm) = algorithm else {
        if key_id.is_some() || context.is_some() {
            return Err(s3_error!(
                InvalidArgument,
                "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
            ));
        }
        return Ok(BucketDefault::of(bucket)?.map(|d| Requested {
            algorithm: d.algorithm,
            key_id: d.key_id,
            context: BTreeMap::new(),
            given_context: None,
            bucket_key: d.bucket_key && d.algorithm == Algorithm::AwsKms,
        }));
    };
    let algorithm = Algorithm::parse(algorithm.as_str())?;
    if algorithm == Algorithm::Aes256 && (key_id.is_some() || context.is_some()) {
        return Err(s3_error!(
            InvalidArgument,
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
        ));
    }
    let parsed = match context {
        None => BTreeMap::new(),
        Some(text) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .and_then(|json| serde_json::from_slice::<BTreeMap<String, String>>(&json).ok())
            .ok_or_else(|| {
                s3_error!(
                    InvalidArgument,
                    "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map"
                )
            })?,
    };
    let default_bucket_key = BucketDefault::of(bucket)?.is_some_and(|d| d.bucket_key);
    Ok(Some(Requested {
        algorithm,
        key_id: key_id.map(str::to_string),
        context: parsed,
        given_context: context.map(str::to_string),
        bucket_key: algorithm == Algorithm::AwsKms && bucket_key.unwrap_or(default_bucket_key),
    }))
}

/// The condition keys of a write's encryption headers (absent when the request has none,
/// whatever the bucket's default) [S3 `list_amazons3`, condition keys].
pub fn condition_keys(headers: &Headers) -> Vec<(String, ContextValue)> {
    let mut keys = Vec::new();
    if let Some(a) = headers.algorithm {
        keys.push((
            "s3:x-amz-server-side-encryption".to_string(),
            ContextValue::Single(a.as_str().to_string()),
        ));
    }
    if let Some(k) = headers.key_id {
        keys.push((
            "s3:x-amz-server-side-encryption-aws-kms-key-id".to_string(),
            ContextValue::Single(k.to_string()),
        ));
    }
    keys
}

/// How an object's encryption is described in a response.
#[derive(Default)]
pub struct Described {
    pub server_side_encryption: Option<ServerSideEncryption>,
    pub ssekms_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
    pub ssekms_encryption_context: Option<String>,
}

pub fn described(encryption: Option<&str>) -> S3Result<Described> {
    let Some(text) = encryption else {
        return Ok(Described::default());
    };
    let e = Envelope::parse(text)?;
    Ok(Described {
        server_side_encryption: Some(ServerSideEncryption::from(e.algorithm.as_str().to_string())),
        ssekms_key_id: e.key_arn,
        bucket_key_enabled: e.bucket_key.then_some(true),
        ssekms_encryption_context: e.given_context,
    })
}
