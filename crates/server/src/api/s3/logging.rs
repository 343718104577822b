//! Server access logging: Get/PutBucketLogging [S3 `ServerLogs`, `enable-server-access-logging`].
//! With logging on, every request on the bucket gets a line in AWS's access log format
//! (`audit::access`) in the day's `DATA_DIR/audit/access-YYYY-MM-DD.log`, beside the
//! CloudTrail-shaped trail. Decision: the lines go to the data directory, not as objects into
//! the target bucket (AWS's delivery); the target bucket and prefix are checked and kept as AWS
//! keeps them, so GetBucketLogging answers what was set.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use serde::{Deserialize, Serialize};

use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::{require_allowed, require_anywhere};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// A bucket's logging, as kept with it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Logging {
    target_bucket: String,
    target_prefix: String,
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketLoggingInput>,
) -> S3Result<S3Response<GetBucketLoggingOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:GetBucketLogging")?;
    let logging = bucket
        .logging
        .as_deref()
        .and_then(|text| serde_json::from_str::<Logging>(text).ok())
        .map(|l| LoggingEnabled {
            target_bucket: l.target_bucket,
            target_prefix: l.target_prefix,
            target_grants: None,
            target_object_key_format: None,
        });
    Ok(S3Response::new(GetBucketLoggingOutput {
        logging_enabled: logging,
    }))
}

/// An empty `BucketLoggingStatus` turns logging off. The target bucket must exist, belong to
/// the same account and be in the same region [S3 PutBucketLogging:
/// InvalidTargetBucketForLogging].
pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketLoggingInput>,
) -> S3Result<S3Response<PutBucketLoggingOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:PutBucketLogging")?;
    let text = match &req.input.bucket_logging_status.logging_enabled {
        None => None,
        Some(enabled) => {
            let invalid = |why: &str| {
                s3_error!(
                    InvalidTargetBucketForLogging,
                    "The target bucket for logging {}: {why}",
                    enabled.target_bucket
                )
            };
            let target = require_anywhere(gatehouse, &enabled.target_bucket)
                .map_err(|_| invalid("does not exist"))?;
            if target.owner != bucket.owner {
                return Err(invalid("belongs to another account"));
            }
            if target.region != bucket.region {
                return Err(invalid("is in another region"));
            }
            Some(
                serde_json::to_string(&Logging {
                    target_bucket: enabled.target_bucket.clone(),
                    target_prefix: enabled.target_prefix.clone(),
                })
                .expect("a logging configuration serializes"),
            )
        }
    };
    gatehouse
        .store
        .set_bucket_logging(&bucket.name, text.as_deref())
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketLoggingOutput::default()))
}
