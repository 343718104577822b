//! What S3 knows beyond policies: Block Public Access at both levels, Object Ownership, the
//! bucket's and object's ACLs; and the caller's identity-side policies.

use authz::s3::{BlockPublicAccess, ObjectOwnership, S3Facts};
use authz::Policies;
use store::Bucket;

use crate::caller::Caller;
use crate::state::Gatehouse;

use super::denied::Denied;

pub fn bpa(flags: store::BlockPublicAccessFlags) -> BlockPublicAccess {
    BlockPublicAccess {
        block_public_acls: flags.block_public_acls,
        ignore_public_acls: flags.ignore_public_acls,
        block_public_policy: flags.block_public_policy,
        restrict_public_buckets: flags.restrict_public_buckets,
    }
}

/// What S3 adds to a decision: owners, Object Ownership, the ACLs (read only where they
/// count), and Block Public Access at account and bucket level.
pub fn s3_facts(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &Bucket,
    object: Option<&store::ObjectVersion>,
) -> Result<S3Facts, Denied> {
    let ownership = ownership_of(bucket);
    let object_owner = object
        .map(|o| o.attributes.owner.clone())
        .unwrap_or_else(|| bucket.owner.clone());
    let mut canonical_ids = std::collections::HashMap::new();
    for account in [
        Some(bucket.owner.as_str()),
        Some(object_owner.as_str()),
        caller.account(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(id) = gatehouse.canonical_id(account) {
            canonical_ids.insert(account.to_string(), id);
        }
    }
    let (bucket_acl, object_acl) = if ownership.acls_enabled() {
        let canonical = |a: &str| canonical_ids.get(a).cloned().unwrap_or_default();
        (
            super::grants::from_stored(&bucket.acl, &canonical(&bucket.owner)),
            object
                .map(|o| super::grants::from_stored(&o.attributes.acl, &canonical(&object_owner)))
                .unwrap_or_default(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let account_bpa = gatehouse
        .store
        .account_block_public_access(&bucket.owner)
        .map_err(Denied::fault)?;
    Ok(S3Facts {
        bucket_owner: bucket.owner.clone(),
        object_owner,
        object_ownership: ownership,
        bucket_acl,
        object_acl,
        account_block_public_access: bpa(account_bpa.unwrap_or_default()),
        bucket_block_public_access: bpa(bucket.block_public_access.unwrap_or_default()),
        canonical_ids,
    })
}

/// A bucket's Object Ownership; no setting at all (DeleteBucketOwnershipControls) behaves as
/// ObjectWriter, the mode before ownership controls existed [S3 `about-object-ownership`].
pub fn ownership_of(bucket: &Bucket) -> ObjectOwnership {
    match bucket.object_ownership {
        Some(store::ObjectOwnership::BucketOwnerEnforced) => ObjectOwnership::BucketOwnerEnforced,
        Some(store::ObjectOwnership::BucketOwnerPreferred) => ObjectOwnership::BucketOwnerPreferred,
        Some(store::ObjectOwnership::ObjectWriter) | None => ObjectOwnership::ObjectWriter,
    }
}

/// The caller's identity-side layers: identity policies, permissions boundary, session policies.
pub fn identity_policies(caller: &Caller) -> Policies {
    Policies {
        identity: caller.identity.identity.clone(),
        permissions_boundary: caller.identity.boundary.clone(),
        session: caller.identity.session.clone(),
        ..Policies::default()
    }
}

/// The layers beyond the account — the data perimeter: the SCPs over the caller's account,
/// the RCPs over the resource's (`organization::view` says when each applies), and the policy
/// of the VPC endpoint the request came through.
pub fn add_perimeter(
    gatehouse: &Gatehouse,
    policies: &mut Policies,
    caller: &Caller,
    action: &str,
    resource_account: &str,
) -> Result<(), Denied> {
    let view = gatehouse.organizations().map_err(Denied::fault)?;
    let principal = caller.principal();
    policies.scp = view
        .scp_levels(principal)
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    policies.rcp = view
        .rcp_levels(principal, action, resource_account)
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    policies.vpc_endpoint = caller
        .connection
        .vpc_endpoint
        .as_deref()
        .and_then(|id| gatehouse.vpc_endpoint(id))
        .map(|e| e.policy.clone());
    Ok(())
}
