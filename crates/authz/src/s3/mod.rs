//! What makes S3 different: bucket and object owners, ACLs, Object Ownership and Block Public
//! Access [S3 `how-s3-evaluates-access-control`, `acl-overview`, `about-object-ownership`,
//! `access-control-block-public-access`]. Pure functions over plain inputs.

pub mod acl;
pub mod block_public_access;
pub mod bucket_policy;
pub mod ownership;
pub mod public_policy;

use std::collections::HashMap;

pub use acl::{Grant, Grantee, Permission};
pub use block_public_access::BlockPublicAccess;
pub use ownership::ObjectOwnership;

/// The S3 side of one request: who owns what, the ACLs and the Block Public Access settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Facts {
    pub bucket_owner: String,
    /// Meaningful for object resources; the bucket owner when not given.
    pub object_owner: String,
    pub object_ownership: ObjectOwnership,
    pub bucket_acl: Vec<Grant>,
    pub object_acl: Vec<Grant>,
    pub account_block_public_access: BlockPublicAccess,
    pub bucket_block_public_access: BlockPublicAccess,
    /// Account id → S3 canonical user id, for `CanonicalUser` grantees and principals.
    pub canonical_ids: HashMap<String, String>,
}

impl S3Facts {
    /// Account and bucket settings combined: the most restrictive wins, setting by setting.
    pub fn block_public_access(&self) -> BlockPublicAccess {
        self.account_block_public_access
            .or(&self.bucket_block_public_access)
    }
}

/// `arn:aws:s3:::bucket/key` → (`bucket`, `Some("key")`); `None` for a non-S3 ARN.
pub fn split_s3_arn(resource: &str) -> Option<(&str, Option<&str>)> {
    // Byte searches: on every S3 decision, where `split_once` costs several times more.
    let after_arn = resource.strip_prefix("arn:")?;
    let partition_end = after_arn.bytes().position(|b| b == b':')?;
    let rest = after_arn[partition_end + 1..].strip_prefix("s3:::")?;
    Some(match rest.bytes().position(|b| b == b'/') {
        Some(slash) => (&rest[..slash], Some(&rest[slash + 1..])),
        None => (rest, None),
    })
}

#[cfg(test)]
mod tests {
    use super::split_s3_arn;

    #[test]
    fn s3_arns_split_into_bucket_and_key() {
        assert_eq!(split_s3_arn("arn:aws:s3:::b"), Some(("b", None)));
        assert_eq!(split_s3_arn("arn:aws:s3:::b/"), Some(("b", Some(""))));
        assert_eq!(
            split_s3_arn("arn:aws-cn:s3:::b/a/b:c"),
            Some(("b", Some("a/b:c")))
        );
        assert_eq!(split_s3_arn("arn:aws:s3:us-east-1::b/k"), None);
        assert_eq!(split_s3_arn("arn:aws:iam::111122223333:root"), None);
        assert_eq!(split_s3_arn("arn:aws"), None);
        assert_eq!(split_s3_arn("*"), None);
    }
}
