//! The layers of an authorization, in DESIGN.md's one vocabulary (simulate, headers, audit).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Rcp,
    Scp,
    VpcEndpoint,
    S3BlockPublicAccess,
    /// A bucket (or access point) policy.
    Resource,
    Acl,
    Identity,
    PermissionsBoundary,
    Session,
    /// A role trust policy (the resource policy of `sts:AssumeRole*`).
    Trust,
    /// A KMS key policy (the resource policy of `kms:*`).
    Key,
}

impl Layer {
    /// Every layer, in evaluation order.
    pub const ALL: [Layer; 11] = [
        Layer::Rcp,
        Layer::Scp,
        Layer::VpcEndpoint,
        Layer::S3BlockPublicAccess,
        Layer::Resource,
        Layer::Acl,
        Layer::Identity,
        Layer::PermissionsBoundary,
        Layer::Session,
        Layer::Trust,
        Layer::Key,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Rcp => "rcp",
            Layer::Scp => "scp",
            Layer::VpcEndpoint => "vpc_endpoint",
            Layer::S3BlockPublicAccess => "s3_block_public_access",
            Layer::Resource => "resource",
            Layer::Acl => "acl",
            Layer::Identity => "identity",
            Layer::PermissionsBoundary => "permissions_boundary",
            Layer::Session => "session",
            Layer::Trust => "trust",
            Layer::Key => "key",
        }
    }

    /// The policy type as AWS's AccessDenied messages name it (reference §5.2).
    pub fn aws_phrase(self) -> &'static str {
        match self {
            Layer::Rcp => "resource control policy",
            Layer::Scp => "service control policy",
            Layer::VpcEndpoint => "VPC endpoint policy",
            // S3 reports Block Public Access, ACL and key-policy denials as resource-based.
            Layer::S3BlockPublicAccess | Layer::Resource | Layer::Acl | Layer::Key => {
                "resource-based policy"
            }
            Layer::Identity => "identity-based policy",
            Layer::PermissionsBoundary => "permissions boundary",
            Layer::Session => "session policy",
            Layer::Trust => "role trust policy",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
