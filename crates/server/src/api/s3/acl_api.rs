//! Get/PutBucketAcl and Get/PutObjectAcl [S3 API reference]. Reading shows the effective ACL:
//! the owner's FULL_CONTROL alone on a BucketOwnerEnforced bucket, public grants left out under
//! IgnorePublicAcls [S3 `access-control-block-public-access`]. Writing follows Object
//! Ownership and BlockPublicAcls like every other write path.

use authz::s3::acl::{Grant, Grantee, Permission};
use authz::s3::ObjectOwnership;
use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{Bucket, ObjectVersion};

use crate::api::s3::acl::{self, acl_request, AclRequest};
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require;
use crate::api::s3::object::about_existing;
use crate::api::s3::ownership::{acl_keys, check_public_acl, refuse_acl_with_enforced};
use crate::api::s3::public_access::effective;
use crate::authorize::{check, ownership_of, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// The grants as S3 reports them: effective, not merely stored.
fn effective_grants(
    gatehouse: &Gatehouse,
    bucket: &Bucket,
    stored: &store::Acl,
    owner: &str,
) -> S3Result<Vec<Grant>> {
    let canonical = gatehouse.canonical_id(owner).unwrap_or_default();
    if ownership_of(bucket) == ObjectOwnership::BucketOwnerEnforced {
        return Ok(vec![Grant {
            grantee: Grantee::CanonicalUser(canonical),
            permission: Permission::FullControl,
        }]);
    }
    let mut grants = crate::authorize::grants::from_stored(stored, &canonical);
    if effective(gatehouse, bucket)?.ignore_public_acls {
        grants.retain(|g| !g.is_public());
    }
    Ok(grants)
}

fn no_acl_given() -> s3s::S3Error {
    s3_error!(
        MissingSecurityHeader,
        "Your request was missing a required header"
    )
}

pub fn get_bucket_acl(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketAclInput>,
) -> S3Result<S3Response<GetBucketAclOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &caller, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_bucket("s3:GetBucketAcl", &bucket),
    )?;
    let grants = effective_grants(gatehouse, &bucket, &bucket.acl, &bucket.owner)?;
    let (owner, grants) = acl::answer(gatehouse, &bucket.owner, &grants);
    Ok(S3Response::new(GetBucketAclOutput {
        grants: Some(grants),
        owner: Some(owner),
    }))
}

pub fn put_bucket_acl(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketAclInput>,
) -> S3Result<S3Response<PutBucketAclOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = &req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let request = acl_request!(input, write: input.grant_write.as_deref(), body: input.access_control_policy.as_ref());
    check(
        gatehouse,
        &caller,
        Question {
            keys: acl_keys(&request),
            ..Question::on_bucket("s3:PutBucketAcl", &bucket)
        },
    )?;
    let owner_id = gatehouse.canonical_id(&bucket.owner).unwrap_or_default();
    let grants =
        acl::requested(gatehouse, &request, &owner_id, &owner_id)?.ok_or_else(no_acl_given)?;
    if ownership_of(&bucket) == ObjectOwnership::BucketOwnerEnforced {
        refuse_acl_with_enforced(gatehouse, &bucket.owner, &grants).map_err(|_| {
            s3_error!(
                AccessControlListNotSupported,
                "The bucket does not allow ACLs"
            )
        })?;
    }
    check_public_acl(
        gatehouse,
        &caller,
        &bucket,
        "s3:PutBucketAcl",
        None,
        &grants,
    )?;
    gatehouse
        .store
        .set_bucket_acl(&bucket.name, &crate::authorize::grants::to_stored(&grants))
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketAclOutput {}))
}

/// The version an object-ACL call is about, asked `action` (`…VersionAcl` for a named
/// version) on it.
fn acl_target(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &Bucket,
    key: &str,
    version_id: Option<&str>,
    action: &'static str,
    request: Option<&AclRequest>,
) -> S3Result<ObjectVersion> {
    let found = crate::api::s3::tagging::existing(gatehouse, bucket, key, version_id)?;
    let action = match (version_id, action) {
        (Some(_), "s3:GetObjectAcl") => "s3:GetObjectVersionAcl",
        (Some(_), "s3:PutObjectAcl") => "s3:PutObjectVersionAcl",
        _ => action,
    };
    let mut q = Question::on_object(action, bucket, key);
    if let Some(v) = version_id {
        q = q.with("s3:versionid", v.to_string());
    }
    if let Some(r) = request {
        q.keys.extend(acl_keys(r));
    }
    if let Some(v) = &found {
        q = about_existing(q, v);
    }
    check(gatehouse, caller, q)?;
    found.ok_or_else(|| {
        from_store(if version_id.is_some() {
            store::StoreError::NoSuchVersion
        } else {
            store::StoreError::NoSuchKey
        })
    })
}

pub fn get_object_acl(
    gatehouse: &Gatehouse,
    req: S3Request<GetObjectAclInput>,
) -> S3Result<S3Response<GetObjectAclOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = &req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let version = acl_target(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        input.version_id.as_deref(),
        "s3:GetObjectAcl",
        None,
    )?;
    let owner = if ownership_of(&bucket) == ObjectOwnership::BucketOwnerEnforced {
        bucket.owner.clone()
    } else {
        version.attributes.owner.clone()
    };
    let grants = effective_grants(gatehouse, &bucket, &version.attributes.acl, &owner)?;
    let (owner, grants) = acl::answer(gatehouse, &owner, &grants);
    Ok(S3Response::new(GetObjectAclOutput {
        grants: Some(grants),
        owner: Some(owner),
        ..Default::default()
    }))
}

pub fn put_object_acl(
    gatehouse: &Gatehouse,
    req: S3Request<PutObjectAclInput>,
) -> S3Result<S3Response<PutObjectAclOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = &req.input;
    let bucket = require(gatehouse, &caller, &input.bucket)?;
    let request = acl_request!(input, body: input.access_control_policy.as_ref());
    let version = acl_target(
        gatehouse,
        &caller,
        &bucket,
        &input.key,
        input.version_id.as_deref(),
        "s3:PutObjectAcl",
        Some(&request),
    )?;
    let canonical = |a: &str| gatehouse.canonical_id(a).unwrap_or_default();
    let object_owner = canonical(&version.attributes.owner);
    let bucket_owner = canonical(&bucket.owner);
    let grants = acl::requested(gatehouse, &request, &object_owner, &bucket_owner)?
        .ok_or_else(no_acl_given)?;
    if ownership_of(&bucket) == ObjectOwnership::BucketOwnerEnforced
        && !acl::is_bucket_owner_full_control(&grants, &bucket_owner, &object_owner)
    {
        return Err(s3_error!(
            AccessControlListNotSupported,
            "The bucket does not allow ACLs"
        ));
    }
    check_public_acl(
        gatehouse,
        &caller,
        &bucket,
        "s3:PutObjectAcl",
        Some(&input.key),
        &grants,
    )?;
    gatehouse
        .store
        .set_object_acl(
            &bucket.name,
            &input.key,
            input.version_id.as_deref(),
            &crate::authorize::grants::to_stored(&grants),
        )
        .map_err(from_store)?;
    Ok(S3Response::new(PutObjectAclOutput::default()))
}
