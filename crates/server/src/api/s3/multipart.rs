//! Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
//! ListMultipartUploads. Create, UploadPart and Complete are `s3:PutObject` questions
//! [S3 `mpuoverview`, "Multipart upload API and permissions"].

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{ObjectAttributes, MAX_PART_NUMBER};

use crate::api::s3::acl::acl_request;
use crate::api::s3::checksums::{promised_by, store_verified};
use crate::api::s3::convert::timestamp;
use crate::api::s3::copy::copy_source_bytes;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::{require, require_allowed};
use crate::api::s3::object::limit_metadata;
use crate::api::s3::ownership::{acl_keys, object_write};
use crate::api::s3::sse;
use crate::api::s3::sse::request::sse_headers;
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// S3's largest part.
const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;

fn part_number(n: i32) -> S3Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_PART_NUMBER).contains(n))
        .ok_or_else(|| {
            s3_error!(
                InvalidArgument,
                "Part number must be an integer between 1 and 10000, inclusive"
            )
        })
}

pub fn create(
    gatehouse: &Gatehouse,
    req: S3Request<CreateMultipartUploadInput>,
) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let acl = acl_request!(input);
    let mut keys = acl_keys(&acl);
    keys.extend(sse::request::condition_keys(&sse_headers!(input)));
    check(
        gatehouse,
        &caller,
        Question {
            keys,
            ..Question::on_object("s3:PutObject", &bucket, &input.key)
        },
    )?;
    limit_metadata(input.metadata.as_ref())?;
    let written = object_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        "s3:PutObject",
        &acl,
    )?;
    // The upload's data key is made now (kms:GenerateDataKey), and opened for each part
    // (kms:Decrypt) [S3 `mpuoverview`, "Multipart upload and permissions"].
    let envelope = sse::for_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        &sse_headers!(input),
    )?
    .map(|(_, envelope)| envelope.to_text());
    let attributes = ObjectAttributes {
        content_type: input.content_type.clone(),
        metadata: input
            .metadata
            .clone()
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
        tags: input.tagging.clone().unwrap_or_default(),
        owner: written.owner,
        acl: written.acl,
        encryption: envelope,
    };
    let upload = gatehouse
        .store
        .create_upload(
            &bucket.name,
            &input.key,
            &caller.principal().arn,
            &attributes,
        )
        .map_err(from_store)?;
    let sse = sse::request::described(upload.attributes.encryption.as_deref())?;
    Ok(S3Response::new(CreateMultipartUploadOutput {
        bucket: Some(bucket.name.clone()),
        key: Some(input.key),
        upload_id: Some(upload.upload_id),
        server_side_encryption: sse.server_side_encryption,
        ssekms_key_id: sse.ssekms_key_id,
        bucket_key_enabled: sse.bucket_key_enabled,
        ssekms_encryption_context: sse.ssekms_encryption_context,
        ..Default::default()
    }))
}

pub async fn upload_part(
    gatehouse: &Gatehouse,
    req: S3Request<UploadPartInput>,
) -> S3Result<S3Response<UploadPartOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let mut input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_object("s3:PutObject", &bucket, &input.key),
    )?;
    let number = part_number(input.part_number)?;
    let upload = gatehouse
        .store
        .upload(&bucket.name, &input.key, &input.upload_id)
        .map_err(from_store)?;
    let data_key = sse::data_key_of(
        gatehouse,
        &caller,
        &bucket,
        upload.attributes.encryption.as_deref(),
    )?;
    let promised = promised_by!(req, input);
    let (blob, checksum) = store_verified(
        gatehouse,
        input.body.take(),
        MAX_PART_SIZE,
        data_key.as_ref(),
        promised,
    )
    .await?;
    let part = gatehouse
        .store
        .put_part(&bucket.name, &input.key, &input.upload_id, number, &blob)
        .map_err(from_store)?;
    Ok(S3Response::new(UploadPartOutput {
        e_tag: Some(ETag::Strong(part.etag)),
        checksum_crc32: checksum.checksum_crc32,
        checksum_crc32c: checksum.checksum_crc32c,
        checksum_crc64nvme: checksum.checksum_crc64nvme,
        checksum_sha1: checksum.checksum_sha1,
        checksum_sha256: checksum.checksum_sha256,
        ..Default::default()
    }))
}

pub fn upload_part_copy(
    gatehouse: &Gatehouse,
    req: S3Request<UploadPartCopyInput>,
) -> S3Result<S3Response<UploadPartCopyOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let number = part_number(input.part_number)?;
    let range = match &input.copy_source_range {
        Some(r) => Some(parse_bytes_range(r)?),
        None => None,
    };
    // The destination is checked before a byte is copied: a refused caller costs no disk.
    check(
        gatehouse,
        &caller,
        Question::on_object("s3:PutObject", &bucket, &input.key),
    )?;
    let upload = gatehouse
        .store
        .upload(&bucket.name, &input.key, &input.upload_id)
        .map_err(from_store)?;
    let data_key = sse::data_key_of(
        gatehouse,
        &caller,
        &bucket,
        upload.attributes.encryption.as_deref(),
    )?;
    let (blob, _) = copy_source_bytes(
        gatehouse,
        &caller,
        &input.copy_source,
        range,
        data_key.as_ref(),
    )?;
    let part = gatehouse
        .store
        .put_part(&bucket.name, &input.key, &input.upload_id, number, &blob)
        .map_err(from_store)?;
    Ok(S3Response::new(UploadPartCopyOutput {
        copy_part_result: Some(CopyPartResult {
            e_tag: Some(ETag::Strong(part.etag)),
            last_modified: Some(timestamp(part.modified_ms)),
            ..Default::default()
        }),
        ..Default::default()
    }))
}

/// `bytes=first-last` (both required for x-amz-copy-source-range).
fn parse_bytes_range(s: &str) -> S3Result<(u64, u64)> {
    let bad = || {
        s3_error!(InvalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
    };
    let (first, last) = s
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(bad)?;
    let (first, last): (u64, u64) = (
        first.parse().map_err(|_| bad())?,
        last.parse().map_err(|_| bad())?,
    );
    if last < first {
        return Err(bad());
    }
    Ok((first, last))
}

pub fn complete(
    gatehouse: &Gatehouse,
    req: S3Request<CompleteMultipartUploadInput>,
) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_object("s3:PutObject", &bucket, &input.key),
    )?;
    let listed: Vec<(u32, String)> = input
        .multipart_upload
        .and_then(|m| m.parts)
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            Ok((
                part_number(p.part_number.unwrap_or(0))?,
                p.e_tag.map(|e| e.value().to_string()).unwrap_or_default(),
            ))
        })
        .collect::<S3Result<_>>()?;
    let version = gatehouse
        .store
        .complete_upload(&bucket.name, &input.key, &input.upload_id, &listed)
        .map_err(from_store)?;
    let sse = sse::request::described(version.attributes.encryption.as_deref())?;
    Ok(S3Response::new(CompleteMultipartUploadOutput {
        server_side_encryption: sse.server_side_encryption,
        ssekms_key_id: sse.ssekms_key_id,
        bucket_key_enabled: sse.bucket_key_enabled,
        bucket: Some(bucket.name.clone()),
        key: Some(input.key.clone()),
        e_tag: Some(ETag::Strong(version.etag.clone())),
        location: Some(format!("/{}/{}", bucket.name, input.key)),
        version_id: crate::api::s3::convert::named_version(&version.version_id),
        ..Default::default()
    }))
}

pub fn abort(
    gatehouse: &Gatehouse,
    req: S3Request<AbortMultipartUploadInput>,
) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &caller, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_object("s3:AbortMultipartUpload", &bucket, &req.input.key),
    )?;
    gatehouse
        .store
        .abort_upload(&bucket.name, &req.input.key, &req.input.upload_id)
        .map_err(from_store)?;
    Ok(S3Response::new(AbortMultipartUploadOutput::default()))
}

pub fn list_parts(
    gatehouse: &Gatehouse,
    req: S3Request<ListPartsInput>,
) -> S3Result<S3Response<ListPartsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_object("s3:ListMultipartUploadParts", &bucket, &input.key),
    )?;
    let max = input.max_parts.unwrap_or(1000).clamp(0, 1000) as usize;
    let marker = input.part_number_marker.unwrap_or(0).max(0) as u32;
    let upload = gatehouse
        .store
        .upload(&bucket.name, &input.key, &input.upload_id)
        .map_err(from_store)?;
    let (parts, truncated) = gatehouse
        .store
        .list_parts(&bucket.name, &input.key, &input.upload_id, marker, max)
        .map_err(from_store)?;
    let owner = gatehouse
        .store
        .account(&upload.attributes.owner)
        .map_err(from_store)?;
    Ok(S3Response::new(ListPartsOutput {
        bucket: Some(bucket.name.clone()),
        key: Some(input.key),
        upload_id: Some(input.upload_id),
        max_parts: Some(max as i32),
        part_number_marker: input.part_number_marker,
        next_part_number_marker: parts.last().map(|p| p.part_number as i32),
        is_truncated: Some(truncated),
        initiator: Some(Initiator {
            id: Some(upload.initiator.clone()),
            display_name: None,
        }),
        owner: owner.map(|a| Owner {
            id: Some(a.canonical_id),
            display_name: Some(a.name),
        }),
        parts: Some(
            parts
                .into_iter()
                .map(|p| Part {
                    part_number: Some(p.part_number as i32),
                    e_tag: Some(ETag::Strong(p.etag)),
                    size: Some(p.size as i64),
                    last_modified: Some(timestamp(p.modified_ms)),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }))
}

pub fn list_uploads(
    gatehouse: &Gatehouse,
    req: S3Request<ListMultipartUploadsInput>,
) -> S3Result<S3Response<ListMultipartUploadsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &input.bucket,
        "s3:ListBucketMultipartUploads",
    )?;
    let max = input.max_uploads.unwrap_or(1000).clamp(0, 1000) as usize;
    let prefix = input.prefix.clone().unwrap_or_default();
    let (uploads, truncated) = gatehouse
        .store
        .list_uploads(&bucket.name, &prefix, input.key_marker.as_deref(), max)
        .map_err(from_store)?;
    Ok(S3Response::new(ListMultipartUploadsOutput {
        bucket: Some(bucket.name.clone()),
        prefix: input.prefix,
        key_marker: input.key_marker,
        max_uploads: Some(max as i32),
        is_truncated: Some(truncated),
        next_key_marker: uploads.last().filter(|_| truncated).map(|u| u.key.clone()),
        next_upload_id_marker: uploads
            .last()
            .filter(|_| truncated)
            .map(|u| u.upload_id.clone()),
        uploads: Some(
            uploads
                .into_iter()
                .map(|u| MultipartUpload {
                    key: Some(u.key),
                    upload_id: Some(u.upload_id),
                    initiated: Some(timestamp(u.created_ms)),
                    initiator: Some(Initiator {
                        id: Some(u.initiator),
                        display_name: None,
                    }),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }))
}
