//! PutObject, GetObject, HeadObject, DeleteObject — and the 403-versus-404 rule.

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use policy::ContextValue;
use s3s::dto::*;
use s3s::{s3_error, S3Error, S3Request, S3Response, S3Result};
use store::{etag_of, ObjectAttributes, ObjectVersion};

use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::s3::bucket::require;
use crate::s3::from_store;
use crate::state::Gatehouse;

/// S3's single-PUT limit.
pub const MAX_PUT_SIZE: u64 = 5 * 1024 * 1024 * 1024;

fn timestamp(ms: i64) -> Timestamp {
    Timestamp::from(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64))
}

fn quoted(etag: &str) -> ETag {
    ETag::Strong(etag.to_string())
}

fn metadata_of(v: &ObjectVersion) -> Option<Metadata> {
    let m: Metadata = v.attributes.metadata.iter().cloned().collect();
    (!m.is_empty()).then_some(m)
}

pub async fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutObjectInput>,
) -> S3Result<S3Response<PutObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let mut input = req.input;
    let bucket = require(gatehouse, &input.bucket)?;
    // On a BucketOwnerEnforced bucket only bucket-owner-full-control (or no ACL) is accepted
    // [S3 `object-ownership-error-responses`].
    let acl_given = input.grant_full_control.is_some()
        || input.grant_read.is_some()
        || input.grant_read_acp.is_some()
        || input.grant_write_acp.is_some()
        || input
            .acl
            .as_ref()
            .is_some_and(|a| a.as_str() != "bucket-owner-full-control");
    if acl_given {
        return Err(s3_error!(
            AccessControlListNotSupported,
            "The bucket does not allow ACLs"
        ));
    }
    let mut keys = vec![];
    if let Some(acl) = &input.acl {
        keys.push((
            "s3:x-amz-acl",
            ContextValue::Single(acl.as_str().to_string()),
        ));
    }
    check(
        gatehouse,
        &caller,
        Question {
            action: "s3:PutObject",
            bucket: &bucket,
            key: Some(&input.key),
            object_owner: None,
            keys,
        },
    )?;
    if input.tagging.is_some() {
        check(
            gatehouse,
            &caller,
            Question {
                action: "s3:PutObjectTagging",
                bucket: &bucket,
                key: Some(&input.key),
                object_owner: None,
                keys: vec![],
            },
        )?;
    }
    if input
        .content_length
        .is_some_and(|n| n as u64 > MAX_PUT_SIZE)
    {
        return Err(s3_error!(
            EntityTooLarge,
            "Your proposed upload exceeds the maximum allowed size"
        ));
    }
    let mut writer = gatehouse
        .store
        .blobs()
        .writer(MAX_PUT_SIZE)
        .map_err(from_store)?;
    if let Some(mut body) = input.body.take() {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                S3Error::with_message(s3s::S3ErrorCode::IncompleteBody, e.to_string())
            })?;
            tokio::task::block_in_place(|| writer.append(&chunk)).map_err(from_store)?;
        }
    }
    let blob = tokio::task::block_in_place(|| writer.finish()).map_err(from_store)?;
    let etag = etag_of(&blob.md5);
    let attributes = ObjectAttributes {
        content_type: input.content_type.clone(),
        metadata: input
            .metadata
            .take()
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
        tags: input.tagging.clone().unwrap_or_default(),
        owner: bucket.owner.clone(),
    };
    let version = tokio::task::block_in_place(|| {
        gatehouse
            .store
            .put_object(&bucket.name, &input.key, &attributes, &[blob], &etag)
    })
    .map_err(from_store)?;
    Ok(S3Response::new(PutObjectOutput {
        e_tag: Some(quoted(&version.etag)),
        version_id: (version.version_id != "null").then(|| version.version_id.clone()),
        ..Default::default()
    }))
}

/// The current version of a key for a read, after `s3:GetObject`; a missing key answers 404
/// only to callers allowed `s3:ListBucket`, 403 to the others [S3 GetObject, "Permissions"].
fn readable(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    key: &str,
) -> S3Result<ObjectVersion> {
    check(
        gatehouse,
        caller,
        Question {
            action: "s3:GetObject",
            bucket,
            key: Some(key),
            object_owner: None,
            keys: vec![],
        },
    )?;
    match gatehouse
        .store
        .object(&bucket.name, key, None)
        .map_err(from_store)?
    {
        Some(v) if !v.delete_marker => Ok(v),
        _ => {
            check(
                gatehouse,
                caller,
                Question {
                    action: "s3:ListBucket",
                    bucket,
                    key: None,
                    object_owner: None,
                    keys: vec![],
                },
            )?;
            Err(from_store(store::StoreError::NoSuchKey))
        }
    }
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetObjectInput>,
) -> S3Result<S3Response<GetObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &input.bucket)?;
    let version = readable(gatehouse, &caller, &bucket, &input.key)?;
    let (start, len, content_range) = match &input.range {
        Some(range) => {
            let r = range
                .check(version.size)
                .map_err(|_| s3_error!(InvalidRange, "The requested range is not satisfiable"))?;
            (
                r.start,
                r.end - r.start,
                Some(format!("bytes {}-{}/{}", r.start, r.end - 1, version.size)),
            )
        }
        None => (0, version.size, None),
    };
    let reader = gatehouse
        .store
        .read_object(&version, start, len)
        .map_err(from_store)?;
    Ok(S3Response::new(GetObjectOutput {
        body: Some(StreamingBlob::wrap(byte_stream(reader))),
        content_length: Some(len as i64),
        content_range,
        accept_ranges: Some("bytes".to_string()),
        content_type: version.attributes.content_type.clone(),
        e_tag: Some(quoted(&version.etag)),
        last_modified: Some(timestamp(version.modified_ms)),
        metadata: metadata_of(&version),
        version_id: (version.version_id != "null").then(|| version.version_id.clone()),
        ..Default::default()
    }))
}

pub fn head(
    gatehouse: &Gatehouse,
    req: S3Request<HeadObjectInput>,
) -> S3Result<S3Response<HeadObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &req.input.bucket)?;
    let version = readable(gatehouse, &caller, &bucket, &req.input.key)?;
    Ok(S3Response::new(HeadObjectOutput {
        content_length: Some(version.size as i64),
        accept_ranges: Some("bytes".to_string()),
        content_type: version.attributes.content_type.clone(),
        e_tag: Some(quoted(&version.etag)),
        last_modified: Some(timestamp(version.modified_ms)),
        metadata: metadata_of(&version),
        version_id: (version.version_id != "null").then(|| version.version_id.clone()),
        ..Default::default()
    }))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteObjectInput>,
) -> S3Result<S3Response<DeleteObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question {
            action: "s3:DeleteObject",
            bucket: &bucket,
            key: Some(&req.input.key),
            object_owner: None,
            keys: vec![],
        },
    )?;
    let deleted = gatehouse
        .store
        .delete_object(&bucket.name, &req.input.key, None)
        .map_err(from_store)?;
    Ok(S3Response::new(DeleteObjectOutput {
        delete_marker: deleted.delete_marker.then_some(true),
        version_id: deleted.version_id,
        ..Default::default()
    }))
}

/// An object's bytes as a stream: a blocking reader on its own thread, 256 KiB at a time,
/// handed over through a small channel (back-pressure: at most four chunks ahead).
fn byte_stream(mut reader: store::ObjectReader) -> ChunkStream {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || loop {
        let mut buf = vec![0u8; 256 * 1024];
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                buf.truncate(n);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    break;
                }
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                break;
            }
        }
    });
    ChunkStream(rx)
}

struct ChunkStream(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl Stream for ChunkStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
