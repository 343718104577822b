//! Conditional reads: If-Match / If-Unmodified-Since answer 412, If-None-Match /
//! If-Modified-Since answer 304, in RFC 9110's order of precedence [S3 GetObject, "Request
//! headers"].

use s3s::dto::{ETag, ETagCondition, Timestamp, TimestampFormat};
use s3s::{s3_error, S3Result};

fn epoch_seconds(t: &Timestamp) -> Option<i64> {
    let mut buf = Vec::new();
    t.format(TimestampFormat::EpochSeconds, &mut buf).ok()?;
    let text = String::from_utf8(buf).ok()?;
    text.split('.').next()?.parse().ok()
}

fn matches(condition: &ETagCondition, etag: &str) -> bool {
    match condition {
        ETagCondition::Any => true,
        ETagCondition::ETag(ETag::Strong(v) | ETag::Weak(v)) => v == etag,
    }
}

/// The preconditions of any input that has the four fields (GetObject, HeadObject).
macro_rules! preconditions_of {
    ($input:expr) => {
        $crate::api::s3::conditions::Preconditions {
            if_match: $input.if_match.as_ref(),
            if_none_match: $input.if_none_match.as_ref(),
            if_modified_since: $input.if_modified_since.as_ref(),
            if_unmodified_since: $input.if_unmodified_since.as_ref(),
        }
    };
}
pub(crate) use preconditions_of;

pub struct Preconditions<'a> {
    pub if_match: Option<&'a ETagCondition>,
    pub if_none_match: Option<&'a ETagCondition>,
    pub if_modified_since: Option<&'a Timestamp>,
    pub if_unmodified_since: Option<&'a Timestamp>,
}

impl Preconditions<'_> {
    /// `Ok` when the object (`etag`, modified at `modified_ms`) should be served.
    pub fn check(&self, etag: &str, modified_ms: i64) -> S3Result<()> {
        let modified = modified_ms.div_euclid(1000);
        let failed = match (self.if_match, self.if_unmodified_since) {
            (Some(m), _) => !matches(m, etag),
            (None, Some(t)) => epoch_seconds(t).is_some_and(|t| modified > t),
            (None, None) => false,
        };
        if failed {
            return Err(s3_error!(
                PreconditionFailed,
                "At least one of the pre-conditions you specified did not hold"
            ));
        }
        let not_modified = match (self.if_none_match, self.if_modified_since) {
            (Some(n), _) => matches(n, etag),
            (None, Some(t)) => epoch_seconds(t).is_some_and(|t| modified <= t),
            (None, None) => false,
        };
        if not_modified {
            return Err(s3_error!(NotModified, "Not Modified"));
        }
        Ok(())
    }
}
