//! The failing request itself, observed: HEAD (whose answer has no body), then the same object
//! read with `Range: bytes=0-0` for AWS's enhanced AccessDenied message; the bucket's region
//! against the client's; and whether the key exists, by listing with the key as prefix.

use authz::Layer;
use serde::Serialize;

use crate::calls::Calls;
use crate::clients::Clients;

#[derive(Debug, Default, Serialize)]
pub struct Observed {
    /// HEAD's status (bucket: HeadBucket; object: HeadObject).
    pub head_status: Option<u16>,
    /// The ranged GET's (or, for a bucket, ListObjectsV2's) status, code and message.
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: Option<String>,
    /// The layer AWS's enhanced message names, and whether the deny was explicit.
    #[serde(serialize_with = "layer_named")]
    pub named_layer: Option<(Layer, bool)>,
    /// The object's SSE-KMS key, when HEAD could read it.
    pub kms_key: Option<String>,
    pub region: Option<String>,
    /// `Some(true)`: listed; `Some(false)`: the listing does not have it; `None`: unknown.
    pub exists: Option<bool>,
}

fn layer_named<S: serde::Serializer>(v: &Option<(Layer, bool)>, s: S) -> Result<S::Ok, S::Error> {
    v.map(|(layer, explicit)| (layer.as_str(), explicit))
        .serialize(s)
}

pub async fn observe(c: &Clients, calls: &mut Calls, bucket: &str, key: Option<&str>) -> Observed {
    let mut o = Observed::default();
    match key {
        Some(k) => {
            let target = format!("{bucket}/{k}");
            let head = calls.note(
                "s3 HeadObject",
                &target,
                c.s3.head_object().bucket(bucket).key(k).send().await,
            );
            o.head_status = Some(match &head {
                Ok(h) => {
                    o.kms_key = h.ssekms_key_id().map(str::to_string);
                    200
                }
                Err(f) => f.status.unwrap_or(0),
            });
            let get = calls.note(
                "s3 GetObject (Range: bytes=0-0)",
                &target,
                c.s3.get_object()
                    .bucket(bucket)
                    .key(k)
                    .range("bytes=0-0")
                    .send()
                    .await,
            );
            match get {
                Ok(_) => o.status = Some(206),
                Err(f) => {
                    o.status = f.status;
                    o.code = f.code;
                    o.message = f.message;
                }
            }
        }
        None => {
            let head = calls.note(
                "s3 HeadBucket",
                bucket,
                c.s3.head_bucket().bucket(bucket).send().await,
            );
            o.head_status = Some(head.map_or_else(|f| f.status.unwrap_or(0), |_| 200));
        }
    }
    o.named_layer = o.message.as_deref().and_then(named_layer);
    // HEAD of an SSE-KMS object asks kms:Decrypt as GET does: refused, it shows no key. AWS's
    // message for the read then names it ("... perform: kms:Decrypt on resource: KEY-ARN").
    if o.kms_key.is_none() {
        o.kms_key = o.message.as_deref().and_then(kms_key_named);
    }
    let location = calls.note(
        "s3 GetBucketLocation",
        bucket,
        c.s3.get_bucket_location().bucket(bucket).send().await,
    );
    o.region = location.ok().map(|l| {
        match l.location_constraint().map(|c| c.as_str().to_string()) {
            // No constraint is us-east-1, and the legacy EU is eu-west-1 [S3 GetBucketLocation].
            None => "us-east-1".to_string(),
            Some(c) if c.is_empty() => "us-east-1".to_string(),
            Some(c) if c == "EU" => "eu-west-1".to_string(),
            Some(c) => c,
        }
    });
    let listed = calls.note(
        "s3 ListObjectsV2",
        bucket,
        c.s3.list_objects_v2()
            .bucket(bucket)
            .set_prefix(key.map(str::to_string))
            .max_keys(1)
            .send()
            .await,
    );
    if let Some(k) = key {
        o.exists = listed
            .ok()
            .map(|l| l.contents().iter().any(|obj| obj.key() == Some(k)));
    } else if let Err(f) = listed {
        o.status = f.status;
        o.code = f.code;
        o.message = f.message;
        o.named_layer = o.message.as_deref().and_then(named_layer);
    } else {
        o.status = Some(200);
    }
    o
}

/// The layer AWS's enhanced message names: a "resource-based policy" that refused a `kms:`
/// action is the key's policy.
fn named_layer(message: &str) -> Option<(Layer, bool)> {
    let (layer, explicit) = authz::message::parse_enhanced(message)?;
    let kms = message.contains("perform: kms:");
    Some(if kms && layer == Layer::Resource {
        (Layer::Key, explicit)
    } else {
        (layer, explicit)
    })
}

/// The KMS key an AccessDenied message names for a refused `kms:` action.
fn kms_key_named(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("perform: kms:")?;
    let (_, rest) = rest.split_once(" on resource: ")?;
    let arn = rest.split_whitespace().next()?.trim_matches('"');
    arn.starts_with("arn:aws:kms:").then(|| arn.to_string())
}
