//! The store's values as s3s's types.

use s3s::dto::Timestamp;

/// The version id a response names: none for the `null` version (an unversioned write), as S3
/// omits `x-amz-version-id` then.
pub(crate) fn named_version(version_id: &str) -> Option<String> {
    (version_id != "null").then(|| version_id.to_string())
}

/// A store time (milliseconds since the epoch) as s3s's timestamp.
pub(crate) fn timestamp(ms: i64) -> Timestamp {
    Timestamp::from(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64))
}
