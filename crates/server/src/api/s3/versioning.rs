//! Bucket versioning: Get/PutBucketVersioning and ListObjectVersions. Versions, delete markers
//! and `null` versions live in the store; reads and deletes by version id are in `object.rs`.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::Versioning;

use crate::api::s3::convert::timestamp;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::{require, require_allowed};
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketVersioningInput>,
) -> S3Result<S3Response<GetBucketVersioningOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:GetBucketVersioning",
    )?;
    // A bucket that was never versioned has no Status element [S3 GetBucketVersioning].
    let status = match bucket.versioning {
        Versioning::Unversioned => None,
        Versioning::Enabled => Some(BucketVersioningStatus::from_static(
            BucketVersioningStatus::ENABLED,
        )),
        Versioning::Suspended => Some(BucketVersioningStatus::from_static(
            BucketVersioningStatus::SUSPENDED,
        )),
    };
    Ok(S3Response::new(GetBucketVersioningOutput {
        status,
        mfa_delete: None,
    }))
}

pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketVersioningInput>,
) -> S3Result<S3Response<PutBucketVersioningOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutBucketVersioning",
    )?;
    let config = &req.input.versioning_configuration;
    if config
        .mfa_delete
        .as_ref()
        .is_some_and(|m| m.as_str() == "Enabled")
    {
        return Err(s3_error!(NotImplemented, "MFA delete is not supported"));
    }
    let state = match config.status.as_ref().map(|s| s.as_str()) {
        Some(BucketVersioningStatus::ENABLED) => Versioning::Enabled,
        Some(BucketVersioningStatus::SUSPENDED) => Versioning::Suspended,
        _ => return Err(s3_error!(MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")),
    };
    gatehouse
        .store
        .set_versioning(&bucket.name, state)
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketVersioningOutput {}))
}

pub fn list(
    gatehouse: &Gatehouse,
    req: S3Request<ListObjectVersionsInput>,
) -> S3Result<S3Response<ListObjectVersionsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let max_keys = input.max_keys.unwrap_or(1000).clamp(0, 1000);
    let mut q = Question::on_bucket("s3:ListBucketVersions", &bucket)
        .with("s3:max-keys", max_keys.to_string());
    if let Some(p) = &input.prefix {
        q = q.with("s3:prefix", p.clone());
    }
    if input.delimiter.is_some() {
        return Err(s3_error!(
            NotImplemented,
            "ListObjectVersions with a delimiter is not supported yet"
        ));
    }
    check(gatehouse, &caller, q)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let (rows, truncated) = gatehouse
        .store
        .list_object_versions(
            &bucket.name,
            &prefix,
            input.key_marker.as_deref(),
            input.version_id_marker.as_deref(),
            max_keys as usize,
        )
        .map_err(from_store)?;
    let mut versions = Vec::new();
    let mut markers = Vec::new();
    for v in &rows {
        // Each version's own owner: another account's writes stay theirs (ObjectWriter).
        let owner = Some(crate::api::s3::acl::owner(gatehouse, &v.attributes.owner));
        if v.delete_marker {
            markers.push(DeleteMarkerEntry {
                key: Some(v.key.clone()),
                version_id: Some(v.version_id.clone()),
                is_latest: Some(v.is_latest),
                last_modified: Some(timestamp(v.modified_ms)),
                owner,
            });
        } else {
            versions.push(ObjectVersion {
                key: Some(v.key.clone()),
                version_id: Some(v.version_id.clone()),
                is_latest: Some(v.is_latest),
                last_modified: Some(timestamp(v.modified_ms)),
                e_tag: Some(ETag::Strong(v.etag.clone())),
                size: Some(v.size as i64),
                storage_class: Some(ObjectVersionStorageClass::from_static(
                    ObjectVersionStorageClass::STANDARD,
                )),
                owner,
                ..Default::default()
            });
        }
    }
    let last = rows.last().filter(|_| truncated);
    Ok(S3Response::new(ListObjectVersionsOutput {
        name: Some(bucket.name.clone()),
        prefix: input.prefix,
        key_marker: input.key_marker,
        version_id_marker: input.version_id_marker,
        max_keys: Some(max_keys),
        is_truncated: Some(truncated),
        next_key_marker: last.map(|v| v.key.clone()),
        next_version_id_marker: last.map(|v| v.version_id.clone()),
        versions: Some(versions),
        delete_markers: Some(markers),
        ..Default::default()
    }))
}
