//! PutObject, GetObject, HeadObject, DeleteObject — and the 403-versus-404 rule.

use policy::ContextValue;
use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{etag_of, ObjectAttributes, ObjectVersion, Segment};

use crate::api::s3::acl::acl_request;
use crate::api::s3::body::object_body;
use crate::api::s3::checksums::{promised_by, store_verified};
use crate::api::s3::conditions::preconditions_of;
use crate::api::s3::convert::timestamp;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require;
use crate::api::s3::ownership::{acl_keys, object_write};
use crate::api::s3::sse;
use crate::api::s3::sse::request::sse_headers;
use crate::api::s3::tagging::existing;
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// S3's single-PUT limit.
pub const MAX_PUT_SIZE: u64 = 5 * 1024 * 1024 * 1024;

/// S3's bound on user-defined metadata: the UTF-8 bytes of every key and value together.
const MAX_METADATA_BYTES: usize = 2 * 1024;

/// Refuses user-defined metadata over 2 KB with AWS's 400 MetadataTooLarge, before any byte of
/// the body is read [S3 user guide, "Working with object metadata": "the user-defined metadata
/// is limited to 2 KB in size … the sum of the number of bytes in the UTF-8 encoding of each key
/// and value"].
pub fn limit_metadata(metadata: Option<&Metadata>) -> S3Result<()> {
    let size: usize = metadata
        .into_iter()
        .flatten()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    if size > MAX_METADATA_BYTES {
        return Err(s3_error!(
            MetadataTooLarge,
            "Your metadata headers exceed the maximum allowed metadata size."
        ));
    }
    Ok(())
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
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let acl = acl_request!(input);
    let mut keys = acl_keys(&acl);
    for tag in crate::api::s3::tagging::decode_tags(input.tagging.as_deref().unwrap_or("")) {
        if let (Some(k), Some(v)) = (tag.key, tag.value) {
            keys.push((format!("s3:RequestObjectTag/{k}"), ContextValue::Single(v)));
        }
    }
    keys.extend(sse::request::condition_keys(&sse_headers!(input)));
    check(
        gatehouse,
        &caller,
        Question {
            keys,
            ..Question::on_object("s3:PutObject", &bucket, &input.key)
        },
    )?;
    if input.tagging.is_some() {
        check(
            gatehouse,
            &caller,
            Question::on_object("s3:PutObjectTagging", &bucket, &input.key),
        )?;
    }
    let written = object_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        "s3:PutObject",
        &acl,
    )?;
    limit_metadata(input.metadata.as_ref())?;
    if input
        .content_length
        .is_some_and(|n| n as u64 > MAX_PUT_SIZE)
    {
        return Err(s3_error!(
            EntityTooLarge,
            "Your proposed upload exceeds the maximum allowed size"
        ));
    }
    let sealing = sse::for_write(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        &sse_headers!(input),
    )?;
    let promised = promised_by!(req, input);
    let (blob, checksum) = store_verified(
        gatehouse,
        input.body.take(),
        MAX_PUT_SIZE,
        sealing.as_ref().map(|(k, _)| k),
        promised,
    )
    .await?;
    let etag = etag_of(&blob.md5);
    let attributes = ObjectAttributes {
        content_type: input.content_type.clone(),
        metadata: input
            .metadata
            .take()
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
        tags: input.tagging.clone().unwrap_or_default(),
        owner: written.owner,
        acl: written.acl,
        encryption: sealing.map(|(_, envelope)| envelope.to_text()),
    };
    let version = tokio::task::block_in_place(|| {
        gatehouse
            .store
            .put_object(&bucket.name, &input.key, &attributes, &[blob], &etag)
    })
    .map_err(from_store)?;
    let sse = sse::request::described(version.attributes.encryption.as_deref())?;
    Ok(S3Response::new(PutObjectOutput {
        server_side_encryption: sse.server_side_encryption,
        ssekms_key_id: sse.ssekms_key_id,
        bucket_key_enabled: sse.bucket_key_enabled,
        ssekms_encryption_context: sse.ssekms_encryption_context,
        e_tag: Some(quoted(&version.etag)),
        checksum_crc32: checksum.checksum_crc32,
        checksum_crc32c: checksum.checksum_crc32c,
        checksum_crc64nvme: checksum.checksum_crc64nvme,
        checksum_sha1: checksum.checksum_sha1,
        checksum_sha256: checksum.checksum_sha256,
        version_id: crate::api::s3::convert::named_version(&version.version_id),
        ..Default::default()
    }))
}

/// The current version of a key for a read, and the blobs holding its bytes, after
/// `s3:GetObject`; a missing key answers 404 only to callers allowed `s3:ListBucket`, 403 to
/// the others [S3 GetObject, "Permissions"].
fn readable(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    key: &str,
    version_id: Option<&str>,
) -> S3Result<(ObjectVersion, Vec<Segment>)> {
    let (found, segments) = match gatehouse
        .store
        .object_with_segments(&bucket.name, key, version_id)
        .map_err(from_store)?
    {
        Some((version, segments)) => (Some(version), segments),
        None => (None, Vec::new()),
    };
    // A named version needs s3:GetObjectVersion instead [S3 GetObject, "Permissions"].
    let mut q = match version_id {
        Some(v) => Question::on_object("s3:GetObjectVersion", bucket, key).with("s3:versionid", v),
        None => Question::on_object("s3:GetObject", bucket, key),
    };
    if let Some(v) = found.as_ref().filter(|v| !v.delete_marker) {
        q = about_existing(q, v);
    }
    check(gatehouse, caller, q)?;
    match found {
        Some(v) if !v.delete_marker => Ok((v, segments)),
        // A delete marker named by its version: 405, with the marker's headers.
        Some(marker) if version_id.is_some() => Err(delete_marker_error(
            s3s::s3_error!(
                MethodNotAllowed,
                "The specified method is not allowed against this resource."
            ),
            &marker,
        )),
        found => {
            check(
                gatehouse,
                caller,
                Question::on_bucket("s3:ListBucket", bucket),
            )?;
            let err = match (version_id, &found) {
                (Some(_), None) => from_store(store::StoreError::NoSuchVersion),
                _ => from_store(store::StoreError::NoSuchKey),
            };
            Err(match found {
                Some(marker) => delete_marker_error(err, &marker),
                None => err,
            })
        }
    }
}

/// An error about a delete marker carries `x-amz-delete-marker: true` and its version id.
fn delete_marker_error(mut err: s3s::S3Error, marker: &ObjectVersion) -> s3s::S3Error {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/xml"),
    );
    headers.insert(
        "x-amz-delete-marker",
        http::HeaderValue::from_static("true"),
    );
    if let Ok(v) = http::HeaderValue::from_str(&marker.version_id) {
        headers.insert("x-amz-version-id", v);
    }
    err.set_headers(headers);
    err
}

/// A question about a stored object: its owner and ACL, and `s3:ExistingObjectTag/<key>` for
/// each of its tags (kept only for the actions that carry it [S3 `tagging-and-policies`]).
pub fn about_existing<'a>(q: Question<'a>, version: &'a ObjectVersion) -> Question<'a> {
    let mut q = q.about(Some(version));
    for tag in crate::api::s3::tagging::decode_tags(&version.attributes.tags) {
        if let (Some(k), Some(v)) = (tag.key, tag.value) {
            q = q.with(format!("s3:ExistingObjectTag/{k}"), v);
        }
    }
    q
}

/// GetObject's and HeadObject's outputs: the fields that describe the version, shared, plus
/// each operation's own.
macro_rules! described {
    ($output:ident, $version:expr, $sse:expr, { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        $output {
            $($field $(: $value)?,)*
            server_side_encryption: $sse.server_side_encryption,
            ssekms_key_id: $sse.ssekms_key_id,
            bucket_key_enabled: $sse.bucket_key_enabled,
            accept_ranges: Some("bytes".to_string()),
            content_type: $version.attributes.content_type.clone(),
            e_tag: Some(quoted(&$version.etag)),
            last_modified: Some(timestamp($version.modified_ms)),
            metadata: metadata_of(&$version),
            version_id: crate::api::s3::convert::named_version(&$version.version_id),
            ..Default::default()
        }
    };
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetObjectInput>,
) -> S3Result<S3Response<GetObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let (version, segments) = readable(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        input.version_id.as_deref(),
    )?;
    preconditions_of!(input).check(&version.etag, version.modified_ms)?;
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
    let data_key = sse::data_key_of(
        gatehouse,
        &caller,
        &bucket,
        version.attributes.encryption.as_deref(),
    )?;
    let body = object_body(gatehouse, segments, data_key, start, len)?;
    let sse = sse::request::described(version.attributes.encryption.as_deref())?;
    Ok(S3Response::new(described!(GetObjectOutput, version, sse, {
        body: Some(StreamingBlob::wrap(body)),
        content_length: Some(len as i64),
        content_range,
    })))
}

pub fn head(
    gatehouse: &Gatehouse,
    req: S3Request<HeadObjectInput>,
) -> S3Result<S3Response<HeadObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &caller, &req.input.bucket)?;
    let (version, _) = readable(
        gatehouse,
        &caller,
        &bucket,
        &req.input.key,
        req.input.version_id.as_deref(),
    )?;
    preconditions_of!(req.input).check(&version.etag, version.modified_ms)?;
    // HEAD asks kms:Decrypt as GET does: the same 403 [S3 HeadObject, "Permissions"].
    sse::data_key_of(
        gatehouse,
        &caller,
        &bucket,
        version.attributes.encryption.as_deref(),
    )?;
    let sse = sse::request::described(version.attributes.encryption.as_deref())?;
    Ok(S3Response::new(
        described!(HeadObjectOutput, version, sse, {
            content_length: Some(version.size as i64),
        }),
    ))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteObjectInput>,
) -> S3Result<S3Response<DeleteObjectOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = &req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let found = existing(gatehouse, &bucket, &input.key, input.version_id.as_deref())?;
    let q = match &input.version_id {
        Some(v) => Question::on_object("s3:DeleteObjectVersion", &bucket, &input.key)
            .with("s3:versionid", v.clone()),
        None => Question::on_object("s3:DeleteObject", &bucket, &input.key),
    };
    check(gatehouse, &caller, q.about(found.as_ref()))?;
    let deleted = gatehouse
        .store
        .delete_object(&bucket.name, &input.key, input.version_id.as_deref())
        .map_err(from_store)?;
    Ok(S3Response::new(DeleteObjectOutput {
        delete_marker: deleted.delete_marker.then_some(true),
        version_id: deleted.version_id,
        ..Default::default()
    }))
}

/// DeleteObjects: each key its own `s3:DeleteObject` question; a denied key is an error entry,
/// the others are deleted [S3 DeleteObjects].
pub fn delete_many(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteObjectsInput>,
) -> S3Result<S3Response<DeleteObjectsOutput>> {
    // The body names what to delete, so S3 requires it to carry an integrity check
    // [S3 DeleteObjects: "The Content-MD5 or x-amz-sdk-checksum-algorithm header is required"].
    let checked = req.headers.keys().any(|k| {
        let k = k.as_str();
        k == "content-md5"
            || k.starts_with("x-amz-checksum-")
            || k == "x-amz-sdk-checksum-algorithm"
    });
    if !checked {
        return Err(s3_error!(
            InvalidRequest,
            "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"
        ));
    }
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    if input.delete.objects.len() > 1000 {
        return Err(s3_error!(MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema"));
    }
    let quiet = input.delete.quiet.unwrap_or(false);
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    for id in &input.delete.objects {
        let action = if id.version_id.is_some() {
            "s3:DeleteObjectVersion"
        } else {
            "s3:DeleteObject"
        };
        let outcome = existing(gatehouse, &bucket, &id.key, id.version_id.as_deref())
            .and_then(|found| {
                let q = Question::on_object(action, &bucket, &id.key);
                check(gatehouse, &caller, q.about(found.as_ref())).map_err(s3s::S3Error::from)
            })
            .and_then(|_| {
                gatehouse
                    .store
                    .delete_object(&bucket.name, &id.key, id.version_id.as_deref())
                    .map_err(from_store)
            });
        match outcome {
            Ok(d) => {
                if !quiet {
                    deleted.push(DeletedObject {
                        key: Some(id.key.clone()),
                        version_id: id.version_id.clone(),
                        delete_marker: d.delete_marker.then_some(true),
                        delete_marker_version_id: d.delete_marker.then_some(d.version_id).flatten(),
                    });
                }
            }
            Err(e) => errors.push(Error {
                key: Some(id.key.clone()),
                version_id: id.version_id.clone(),
                code: Some(e.code().as_str().to_string()),
                message: e.message().map(str::to_string),
            }),
        }
    }
    Ok(S3Response::new(DeleteObjectsOutput {
        deleted: Some(deleted),
        errors: Some(errors),
        ..Default::default()
    }))
}
