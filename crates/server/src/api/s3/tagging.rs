//! Object tagging: Get/Put/DeleteObjectTagging. The tag set is kept URL-encoded, as the
//! `x-amz-tagging` header carries it.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};

use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require;
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;
use sigv4::percent::{decode, encode as percent_encode};

/// S3's limits: 10 tags, keys up to 128 characters, values up to 256.
const MAX_TAGS: usize = 10;

pub fn decode_tags(encoded: &str) -> Vec<Tag> {
    encoded
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            Tag {
                key: Some(decode(k, true)),
                value: Some(decode(v, true)),
            }
        })
        .collect()
}

fn encode_tags(tags: &[Tag]) -> S3Result<String> {
    if tags.len() > MAX_TAGS {
        let mut err = s3s::S3Error::with_message(
            s3s::S3ErrorCode::Custom("BadRequest".into()),
            "Object tags cannot be greater than 10",
        );
        err.set_status_code(http::StatusCode::BAD_REQUEST);
        return Err(err);
    }
    let mut seen = std::collections::HashSet::new();
    let mut parts = Vec::new();
    for t in tags {
        let key = t.key.clone().unwrap_or_default();
        let value = t.value.clone().unwrap_or_default();
        if key.is_empty() || key.chars().count() > 128 || value.chars().count() > 256 {
            return Err(s3_error!(
                InvalidTag,
                "The TagKey you have provided is invalid"
            ));
        }
        if !seen.insert(key.clone()) {
            return Err(s3_error!(
                InvalidTag,
                "Cannot provide multiple Tags with the same key"
            ));
        }
        parts.push(format!(
            "{}={}",
            percent_encode(&key),
            percent_encode(&value)
        ));
    }
    Ok(parts.join("&"))
}

/// The version a request names (the current one for `None`), unless absent or a delete
/// marker: what an object question is about.
pub fn existing(
    gatehouse: &Gatehouse,
    bucket: &store::Bucket,
    key: &str,
    version_id: Option<&str>,
) -> S3Result<Option<store::ObjectVersion>> {
    Ok(gatehouse
        .store
        .object(&bucket.name, key, version_id)
        .map_err(from_store)?
        .filter(|v| !v.delete_marker))
}

/// The bucket and the version named (if it exists), once the caller may run `actions.0` on the object, or `actions.1` when a
/// version is named (S3's `...VersionTagging` actions).
fn authorize(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &str,
    key: &str,
    version_id: &Option<String>,
    actions: (&'static str, &'static str),
) -> S3Result<(std::sync::Arc<store::Bucket>, Option<store::ObjectVersion>)> {
    let bucket = require(gatehouse, caller, bucket)?;
    let action = if version_id.is_some() {
        actions.1
    } else {
        actions.0
    };
    let found = existing(gatehouse, &bucket, key, version_id.as_deref())?;
    check(
        gatehouse,
        caller,
        Question::on_object(action, &bucket, key).about(found.as_ref()),
    )?;
    Ok((bucket, found))
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetObjectTaggingInput>,
) -> S3Result<S3Response<GetObjectTaggingOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let (_, version) = authorize(
        gatehouse,
        &caller,
        &input.bucket,
        &input.key,
        &input.version_id,
        ("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
    )?;
    let version = version.ok_or_else(|| from_store(store::StoreError::NoSuchKey))?;
    Ok(S3Response::new(GetObjectTaggingOutput {
        tag_set: decode_tags(&version.attributes.tags),
        version_id: crate::api::s3::convert::named_version(&version.version_id),
    }))
}

pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutObjectTaggingInput>,
) -> S3Result<S3Response<PutObjectTaggingOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let (bucket, _) = authorize(
        gatehouse,
        &caller,
        &input.bucket,
        &input.key,
        &input.version_id,
        ("s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
    )?;
    let encoded = encode_tags(&input.tagging.tag_set)?;
    let version = gatehouse
        .store
        .set_object_tags(
            &bucket.name,
            &input.key,
            input.version_id.as_deref(),
            &encoded,
        )
        .map_err(from_store)?;
    Ok(S3Response::new(PutObjectTaggingOutput {
        version_id: crate::api::s3::convert::named_version(&version.version_id),
    }))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteObjectTaggingInput>,
) -> S3Result<S3Response<DeleteObjectTaggingOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let (bucket, _) = authorize(
        gatehouse,
        &caller,
        &input.bucket,
        &input.key,
        &input.version_id,
        ("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"),
    )?;
    let version = gatehouse
        .store
        .set_object_tags(&bucket.name, &input.key, input.version_id.as_deref(), "")
        .map_err(from_store)?;
    Ok(S3Response {
        status: Some(http::StatusCode::NO_CONTENT),
        ..S3Response::new(DeleteObjectTaggingOutput {
            version_id: crate::api::s3::convert::named_version(&version.version_id),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_through_their_encoding() {
        let tags = vec![
            Tag {
                key: Some("team".into()),
                value: Some("data eng".into()),
            },
            Tag {
                key: Some("a&b".into()),
                value: Some("x=y".into()),
            },
        ];
        let encoded = encode_tags(&tags).unwrap();
        let back = decode_tags(&encoded);
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].value.as_deref(), Some("data eng"));
        assert_eq!(back[1].key.as_deref(), Some("a&b"));
        assert_eq!(back[1].value.as_deref(), Some("x=y"));
        assert!(encode_tags(&[tags[0].clone(), tags[0].clone()]).is_err());
    }
}
