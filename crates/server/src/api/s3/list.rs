//! ListObjectsV2: a page of the bucket's index, with `s3:prefix`, `s3:delimiter` and
//! `s3:max-keys` in the authorization context (present only when the request has them; an
//! empty `prefix=` is present and empty — DESIGN.md's decision on reference §2.6).

use policy::ContextValue;
use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::ListQuery;

use crate::api::s3::convert::timestamp;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require;
use crate::authorize::{check, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;
use sigv4::percent::hex_digit;

/// Continuation tokens are the resume position, hex-encoded: opaque to clients, never a
/// place a crafted value could lead anywhere but "keys after this string".
fn encode_token(after: &str) -> String {
    after.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    if !token.len().is_multiple_of(2) || token.len() > 4096 {
        return None;
    }
    // Byte pairs, not string slices: a non-ASCII token must be rejected, not split mid-char.
    let bytes: Option<Vec<u8>> = token
        .as_bytes()
        .chunks(2)
        .map(|pair| Some((hex_digit(pair[0])? << 4) | hex_digit(pair[1])?))
        .collect();
    String::from_utf8(bytes?).ok()
}

pub fn list_v2(
    gatehouse: &Gatehouse,
    req: S3Request<ListObjectsV2Input>,
) -> S3Result<S3Response<ListObjectsV2Output>> {
    let caller = Caller::of(gatehouse, &req);
    let input = req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let max_keys = input.max_keys.unwrap_or(1000);
    if max_keys < 0 {
        return Err(s3_error!(InvalidArgument, "max-keys cannot be negative"));
    }
    let mut keys = vec![(
        "s3:max-keys".to_string(),
        ContextValue::Single(max_keys.to_string()),
    )];
    if let Some(p) = &input.prefix {
        keys.push(("s3:prefix".to_string(), ContextValue::Single(p.clone())));
    }
    if let Some(d) = &input.delimiter {
        keys.push(("s3:delimiter".to_string(), ContextValue::Single(d.clone())));
    }
    check(
        gatehouse,
        &caller,
        Question {
            keys,
            ..Question::on_bucket("s3:ListBucket", &bucket)
        },
    )?;
    let token_after = match &input.continuation_token {
        Some(t) => Some(decode_token(t).ok_or_else(|| {
            s3_error!(
                InvalidArgument,
                "The continuation token provided is incorrect"
            )
        })?),
        None => None,
    };
    let after = token_after.or_else(|| input.start_after.clone());
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().unwrap_or_default();
    let page = gatehouse
        .store
        .list_objects(
            &bucket.name,
            &ListQuery {
                prefix: &prefix,
                delimiter: &delimiter,
                after: after.as_deref(),
                max_keys: max_keys.min(1000) as usize,
            },
        )
        .map_err(from_store)?;
    let url = input
        .encoding_type
        .as_ref()
        .is_some_and(|e| e.as_str() == EncodingType::URL);
    let enc = |s: &str| {
        if url {
            sigv4::percent::encode(s).replace("%2F", "/")
        } else {
            s.to_string()
        }
    };
    let key_count = (page.objects.len() + page.common_prefixes.len()) as i32;
    // ListObjectsV2 names owners only when asked (`fetch-owner`); ListObjects always does.
    let fetch_owner = input.fetch_owner == Some(true);
    let output = ListObjectsV2Output {
        name: Some(bucket.name.clone()),
        prefix: Some(enc(&prefix)),
        delimiter: input.delimiter.as_deref().map(enc),
        max_keys: Some(max_keys),
        key_count: Some(key_count),
        is_truncated: Some(page.truncated),
        continuation_token: input.continuation_token.clone(),
        next_continuation_token: page.next_after.as_deref().map(encode_token),
        start_after: input.start_after.as_deref().map(enc),
        encoding_type: input.encoding_type.clone(),
        contents: Some(
            page.objects
                .iter()
                .map(|o| Object {
                    owner: fetch_owner
                        .then(|| crate::api::s3::acl::owner(gatehouse, &o.attributes.owner)),
                    key: Some(enc(&o.key)),
                    size: Some(o.size as i64),
                    e_tag: Some(ETag::Strong(o.etag.clone())),
                    last_modified: Some(timestamp(o.modified_ms)),
                    storage_class: Some(ObjectStorageClass::from_static(
                        ObjectStorageClass::STANDARD,
                    )),
                    ..Default::default()
                })
                .collect(),
        ),
        common_prefixes: Some(
            page.common_prefixes
                .iter()
                .map(|p| CommonPrefix {
                    prefix: Some(enc(p)),
                })
                .collect(),
        ),
        ..Default::default()
    };
    Ok(S3Response::new(output))
}

/// ListObjects (version 1): the same page, resumed by `marker`; `NextMarker` is given when a
/// delimiter is, as S3 does.
pub fn list_v1(
    gatehouse: &Gatehouse,
    req: S3Request<ListObjectsInput>,
) -> S3Result<S3Response<ListObjectsOutput>> {
    let input = req.input.clone();
    let v2 = req.map_input(|i| ListObjectsV2Input {
        bucket: i.bucket,
        delimiter: i.delimiter,
        encoding_type: i.encoding_type,
        max_keys: i.max_keys,
        prefix: i.prefix,
        start_after: i.marker,
        fetch_owner: Some(true),
        ..Default::default()
    });
    let page = list_v2(gatehouse, v2)?.output;
    let truncated = page.is_truncated.unwrap_or(false);
    let last = page
        .contents
        .iter()
        .flatten()
        .filter_map(|o| o.key.clone())
        .chain(
            page.common_prefixes
                .iter()
                .flatten()
                .filter_map(|p| p.prefix.clone()),
        )
        .max();
    Ok(S3Response::new(ListObjectsOutput {
        name: page.name,
        prefix: page.prefix,
        marker: Some(input.marker.unwrap_or_default()),
        max_keys: page.max_keys,
        is_truncated: Some(truncated),
        next_marker: if truncated && input.delimiter.is_some() {
            last
        } else {
            None
        },
        delimiter: page.delimiter,
        encoding_type: page.encoding_type,
        contents: page.contents,
        common_prefixes: page.common_prefixes,
        ..Default::default()
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_round_trip_and_refuse_garbage() {
        let t = super::encode_token("photos/2026/é");
        assert_eq!(super::decode_token(&t).as_deref(), Some("photos/2026/é"));
        assert_eq!(super::decode_token("zz"), None);
        assert_eq!(super::decode_token("abc"), None);
        assert_eq!(super::decode_token("é0"), None);
    }
}
