//! Bucket default encryption: Get/Put/DeleteBucketEncryption [S3 `bucket-encryption`]. A
//! write that names no encryption gets the bucket's default.
//!
//! Decision: a bucket without a configuration has none — GetBucketEncryption answers
//! ServerSideEncryptionConfigurationNotFoundError and plain writes are stored as sent, as S3 did
//! before 2023. Today's S3 applies SSE-S3 to every object; Gatehouse does not claim an
//! encryption it would not perform, and encrypting every object by default costs every read
//! (issue 16's budget). A bucket that wants it says so.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};

use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require_allowed;
use crate::api::s3::sse::request::BucketDefault;
use crate::api::s3::sse::Algorithm;
use crate::caller::Caller;
use crate::state::Gatehouse;

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketEncryptionInput>,
) -> S3Result<S3Response<GetBucketEncryptionOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:GetEncryptionConfiguration",
    )?;
    let Some(default) = BucketDefault::of(&bucket)? else {
        // A 404, as S3 answers it (s3s gives this code 400).
        let mut e = s3_error!(
            ServerSideEncryptionConfigurationNotFoundError,
            "The server side encryption configuration was not found"
        );
        e.set_status_code(http::StatusCode::NOT_FOUND);
        return Err(e);
    };
    let rule = ServerSideEncryptionRule {
        apply_server_side_encryption_by_default: Some(ServerSideEncryptionByDefault {
            sse_algorithm: ServerSideEncryption::from(default.algorithm.as_str().to_string()),
            kms_master_key_id: default.key_id,
        }),
        bucket_key_enabled: Some(default.bucket_key),
    };
    Ok(S3Response::new(GetBucketEncryptionOutput {
        server_side_encryption_configuration: Some(ServerSideEncryptionConfiguration {
            rules: vec![rule],
        }),
    }))
}

/// One rule, whose algorithm is AES256 or aws:kms; a key only with aws:kms.
pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketEncryptionInput>,
) -> S3Result<S3Response<PutBucketEncryptionOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutEncryptionConfiguration",
    )?;
    let rules = &req.input.server_side_encryption_configuration.rules;
    let [rule] = rules.as_slice() else {
        return Err(s3_error!(
            MalformedXML,
            "The XML you provided was not well-formed or did not validate against our published schema"
        ));
    };
    let by_default = rule.apply_server_side_encryption_by_default.as_ref().ok_or_else(|| {
        s3_error!(
            MalformedXML,
            "The XML you provided was not well-formed or did not validate against our published schema"
        )
    })?;
    let algorithm = Algorithm::parse(by_default.sse_algorithm.as_str())?;
    if algorithm == Algorithm::Aes256 && by_default.kms_master_key_id.is_some() {
        return Err(s3_error!(
            InvalidArgument,
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms"
        ));
    }
    let default = BucketDefault {
        algorithm,
        key_id: by_default.kms_master_key_id.clone(),
        bucket_key: rule.bucket_key_enabled.unwrap_or(false),
    };
    let text = serde_json::to_string(&default).expect("a bucket default serializes");
    gatehouse
        .store
        .set_bucket_encryption(&bucket.name, Some(&text))
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketEncryptionOutput::default()))
}

/// DeleteBucketEncryption is authorized as `s3:PutEncryptionConfiguration` [S3
/// DeleteBucketEncryption, "Permissions"].
pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteBucketEncryptionInput>,
) -> S3Result<S3Response<DeleteBucketEncryptionOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutEncryptionConfiguration",
    )?;
    gatehouse
        .store
        .set_bucket_encryption(&bucket.name, None)
        .map_err(from_store)?;
    Ok(S3Response::new(DeleteBucketEncryptionOutput::default()))
}
