//! The four Block Public Access settings [S3 `access-control-block-public-access`].

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockPublicAccess {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl BlockPublicAccess {
    pub const ALL_ON: BlockPublicAccess = BlockPublicAccess {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// "Amazon S3 applies the most restrictive combination of the bucket-level and
    /// account-level settings."
    pub fn or(&self, other: &BlockPublicAccess) -> BlockPublicAccess {
        BlockPublicAccess {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}
