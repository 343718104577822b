//! Phase 1: an explicit deny anywhere decides, in DESIGN.md's order — RCPs, SCPs, the VPC
//! endpoint policy, Block Public Access's RestrictPublicBuckets, the bucket policy, identity
//! policies, the permissions boundary, session policies, then a trust or key policy.

use std::borrow::Cow;

use policy::PrincipalType;

use super::found::{denied, Found};
use super::gather::Gathered;
use crate::layer::Layer;

pub(super) fn check(g: &Gathered) -> Option<Found> {
    let p = g.principal;
    if let Some(hit) = g.rcp_deny {
        return Some(denied(
            Layer::Rcp,
            true,
            Some(hit),
            "a resource control policy denies it",
        ));
    }
    if let Some(hit) = g.scp_deny {
        return Some(denied(
            Layer::Scp,
            true,
            Some(hit),
            "a service control policy denies it",
        ));
    }
    if let Some(hit) = g.vpce.and_then(|v| v.deny) {
        return Some(denied(
            Layer::VpcEndpoint,
            true,
            Some(hit),
            "the VPC endpoint policy denies it",
        ));
    }
    // RestrictPublicBuckets: only the bucket owner's account and AWS services keep access
    // through a public bucket policy (reference §3.6). Cheap tests first: whether the
    // policy is public is worked out once per policy.
    let outsider = !g.in_bucket_owner_account && p.kind != PrincipalType::Service;
    if g.bpa.restrict_public_buckets
        && outsider
        && g.resource_layer == Layer::Resource
        && g.s3.is_some()
    {
        if let Some((np, statement)) = g
            .policies
            .resource
            .as_ref()
            .and_then(|np| np.public_statement().map(|s| (np, s)))
        {
            return Some(Found::Denied {
                layer: Layer::S3BlockPublicAccess,
                explicit: true,
                policy: Some(np.id.clone()),
                statement: Some(statement.into()),
                why: Cow::Borrowed("the bucket policy is public and RestrictPublicBuckets admits only the bucket owner's account and AWS services"),
            });
        }
    }
    // The bucket owner's root can always repair its own bucket policy (reference §1.8).
    let owner_root_policy_repair = g.root
        && p.account.as_deref() == Some(g.bucket_owner)
        && matches!(
            g.action,
            "s3:getbucketpolicy" | "s3:putbucketpolicy" | "s3:deletebucketpolicy"
        );
    if g.resource_layer == Layer::Resource && !owner_root_policy_repair {
        if let Some(hit) = g.resource.and_then(|r| r.deny) {
            return Some(denied(
                Layer::Resource,
                true,
                Some(hit),
                "the bucket policy denies it",
            ));
        }
    }
    if let Some(hit) = g.identity.deny {
        return Some(denied(
            Layer::Identity,
            true,
            Some(hit),
            "an identity-based policy denies it",
        ));
    }
    if let Some(hit) = g.boundary.and_then(|b| b.deny) {
        return Some(denied(
            Layer::PermissionsBoundary,
            true,
            Some(hit),
            "the permissions boundary denies it",
        ));
    }
    if let Some(hit) = g.session.deny {
        return Some(denied(
            Layer::Session,
            true,
            Some(hit),
            "a session policy denies it",
        ));
    }
    if g.resource_layer != Layer::Resource {
        if let Some(hit) = g.resource.and_then(|r| r.deny) {
            return Some(denied(
                g.resource_layer,
                true,
                Some(hit),
                "the resource policy denies it",
            ));
        }
    }
    None
}
