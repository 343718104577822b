//! CopyObject, and the source side UploadPartCopy shares: `s3:GetObject` (or
//! `s3:GetObjectVersion`) on the source, then `s3:PutObject` on the destination — two
//! questions [S3 CopyObject, "Permissions"].

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{etag_of, BlobInfo, ObjectAttributes, ObjectVersion};

use crate::api::s3::acl::acl_request;
use crate::api::s3::body::write_sealed;
use crate::api::s3::convert::timestamp;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::{expect_owner, require, require_anywhere};
use crate::api::s3::object::limit_metadata;
use crate::api::s3::ownership::{acl_keys, object_write};
use crate::api::s3::sse::request::sse_headers;
use crate::api::s3::sse::{self, DataKey};
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// Authorizes reading the copy source (and, when it is encrypted, opening its data key) and
/// writes its plaintext (or the inclusive `range`) to a new durable blob, sealed under
/// `data_key` when the destination is encrypted.
pub fn copy_source_bytes(
    gatehouse: &Gatehouse,
    caller: &Caller,
    source: &CopySource,
    range: Option<(u64, u64)>,
    data_key: Option<&DataKey>,
) -> S3Result<(BlobInfo, ObjectVersion)> {
    let CopySource::Bucket {
        bucket,
        key,
        version_id,
    } = source
    else {
        return Err(s3_error!(
            NotImplemented,
            "Copying from an access point is not supported"
        ));
    };
    // A copy source may be in any region.
    let source_bucket = require_anywhere(gatehouse, bucket)?;
    expect_owner(caller.expected_source_owner.as_deref(), &source_bucket)?;
    let action = if version_id.is_some() {
        "s3:GetObjectVersion"
    } else {
        "s3:GetObject"
    };
    // The version and the blobs holding its bytes in one lookup: an overwrite between two
    // reads cannot leave the copy without its source's bytes.
    let found = gatehouse
        .store
        .object_with_segments(&source_bucket.name, key, version_id.as_deref())
        .map_err(from_store)?
        .filter(|(v, _)| !v.delete_marker);
    let mut q = Question::on_object(action, &source_bucket, key);
    if let Some(v) = version_id {
        q = q.with("s3:versionid", v.to_string());
    }
    if let Some((v, _)) = &found {
        q = crate::api::s3::object::about_existing(q, v);
    }
    check(gatehouse, caller, q)?;
    let (version, segments) = found.ok_or_else(|| from_store(store::StoreError::NoSuchKey))?;
    let (start, len) = match range {
        Some((first, last)) if last < version.size => (first, last - first + 1),
        Some(_) => {
            return Err(s3_error!(
                InvalidRange,
                "The requested range is not satisfiable"
            ))
        }
        None => (0, version.size),
    };
    let source_key = sse::data_key_of(
        gatehouse,
        caller,
        &source_bucket,
        version.attributes.encryption.as_deref(),
    )?;
    let blob = tokio::task::block_in_place(|| -> S3Result<BlobInfo> {
        let mut reader = sse::plaintext(gatehouse, segments, source_key, start, len)?;
        write_sealed(gatehouse, &mut reader, data_key).map_err(from_store)
    })?;
    Ok((blob, version))
}

pub fn copy_object(
    gatehouse: &Gatehouse,
    req: S3Request<CopyObjectInput>,
) -> S3Result<S3Response<CopyObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let acl = acl_request!(input);
    let replace_metadata = input
        .metadata_directive
        .as_ref()
        .is_some_and(|d| d.as_str() == "REPLACE");
    let replace_tags = input
        .tagging_directive
        .as_ref()
        .is_some_and(|d| d.as_str() == "REPLACE");
    let mut q = Question::on_object("s3:PutObject", &bucket, &input.key);
    if let CopySource::Bucket {
        bucket: b, key: k, ..
    } = &input.copy_source
    {
        q = q.with("s3:x-amz-copy-source", format!("{b}/{k}"));
    }
    if let Some(d) = &input.metadata_directive {
        q = q.with("s3:x-amz-metadata-directive", d.as_str().to_string());
    }
    q.keys.extend(acl_keys(&acl));
    q.keys
        .extend(sse::request::condition_keys(&sse_headers!(input)));
    // Every question is asked before any byte is copied.
    check(gatehouse, &caller, q)?;
    if replace_metadata {
        limit_metadata(input.metadata.as_ref())?;
    }
    let written = object_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        "s3:PutObject",
        &acl,
    )?;
    let to_itself = matches!(&input.copy_source, CopySource::Bucket { bucket: b, key: k, .. } if **b == *bucket.name && **k == *input.key);
    let reencrypt = input.server_side_encryption.is_some();
    if to_itself && !replace_metadata && !replace_tags && !reencrypt {
        return Err(s3_error!(
            InvalidRequest,
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
        ));
    }
    // The copy is encrypted as its request or the destination bucket's default says, never
    // by the source's encryption [S3 CopyObject, "Server-side encryption"].
    let sealing = sse::for_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        &sse_headers!(input),
    )?;
    let (blob, source) = copy_source_bytes(
        gatehouse,
        &caller,
        &input.copy_source,
        None,
        sealing.as_ref().map(|(k, _)| k),
    )?;
    let attributes = ObjectAttributes {
        content_type: if replace_metadata {
            input.content_type.clone()
        } else {
            source.attributes.content_type.clone()
        },
        metadata: if replace_metadata {
            input
                .metadata
                .clone()
                .map(|m| m.into_iter().collect())
                .unwrap_or_default()
        } else {
            source.attributes.metadata.clone()
        },
        tags: if replace_tags {
            input.tagging.clone().unwrap_or_default()
        } else {
            source.attributes.tags.clone()
        },
        owner: written.owner,
        acl: written.acl,
        encryption: sealing.map(|(_, envelope)| envelope.to_text()),
    };
    let etag = etag_of(&blob.md5);
    let version = gatehouse
        .store
        .put_object(&bucket.name, &input.key, &attributes, &[blob], &etag)
        .map_err(from_store)?;
    let sse = sse::request::described(version.attributes.encryption.as_deref())?;
    Ok(S3Response::new(CopyObjectOutput {
        server_side_encryption: sse.server_side_encryption,
        ssekms_key_id: sse.ssekms_key_id,
        bucket_key_enabled: sse.bucket_key_enabled,
        ssekms_encryption_context: sse.ssekms_encryption_context,
        copy_object_result: Some(CopyObjectResult {
            e_tag: Some(ETag::Strong(version.etag.clone())),
            last_modified: Some(timestamp(version.modified_ms)),
            ..Default::default()
        }),
        copy_source_version_id: crate::api::s3::convert::named_version(&source.version_id),
        version_id: crate::api::s3::convert::named_version(&version.version_id),
        ..Default::default()
    }))
}
