//! Object Ownership [S3 `about-object-ownership`]: who owns what a write creates, which ACLs a
//! write may carry (with Block Public Access's BlockPublicAcls), and
//! Get/Put/DeleteBucketOwnershipControls.

use authz::s3::acl::{is_public_acl, Grant};
use authz::s3::ObjectOwnership;
use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::Bucket;

use crate::api::s3::acl::{self, AclRequest};
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require_allowed;
use crate::api::s3::public_access::{effective, refused};
use crate::authorize::{check, ownership_of, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// What an object write stores: the new object's owner and its ACL.
pub struct Written {
    pub owner: String,
    pub acl: store::Acl,
}

/// The request's ACL keys (`s3:x-amz-acl`, `s3:x-amz-grant-*`) for the policy questions.
pub fn acl_keys(request: &AclRequest) -> Vec<(String, policy::ContextValue)> {
    use authz::s3::acl::Permission::*;
    let mut keys = Vec::new();
    if let Some(c) = request.canned {
        keys.push((
            "s3:x-amz-acl".into(),
            policy::ContextValue::Single(c.into()),
        ));
    }
    for (permission, value) in &request.headers {
        let name = match permission {
            FullControl => "s3:x-amz-grant-full-control",
            Read => "s3:x-amz-grant-read",
            ReadAcp => "s3:x-amz-grant-read-acp",
            Write => "s3:x-amz-grant-write",
            WriteAcp => "s3:x-amz-grant-write-acp",
        };
        keys.push((name.into(), policy::ContextValue::Single((*value).into())));
    }
    keys
}

/// An object write (PutObject, CopyObject, CreateMultipartUpload) with `request`'s ACL: on a
/// BucketOwnerEnforced bucket only `bucket-owner-full-control` or no ACL, the bucket owner
/// owning the object; on BucketOwnerPreferred the bucket owner owns what is written with
/// `bucket-owner-full-control`, the writer the rest; on ObjectWriter the writer. A public ACL
/// is refused under BlockPublicAcls. An ACL also asks `s3:PutObjectAcl` [S3 PutObject,
/// "Permissions"].
pub fn object_write(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &Bucket,
    key: &str,
    action: &str,
    request: &AclRequest,
) -> S3Result<Written> {
    let writer = caller.account().unwrap_or("anonymous").to_string();
    let canonical = |a: &str| gatehouse.canonical_id(a).unwrap_or_default();
    let bucket_owner_id = canonical(&bucket.owner);
    let ownership = ownership_of(bucket);
    let grants = acl::requested(gatehouse, request, &canonical(&writer), &bucket_owner_id)?;
    let owner_full_control = grants.as_deref().is_some_and(|g| {
        acl::is_bucket_owner_full_control(g, &bucket_owner_id, &canonical(&writer))
    });
    let owner = match ownership {
        ObjectOwnership::BucketOwnerEnforced => {
            if grants.is_some() && !owner_full_control {
                return Err(s3_error!(
                    AccessControlListNotSupported,
                    "The bucket does not allow ACLs"
                ));
            }
            return Ok(Written {
                owner: bucket.owner.clone(),
                acl: store::Acl::default(),
            });
        }
        ObjectOwnership::BucketOwnerPreferred if owner_full_control => bucket.owner.clone(),
        _ => writer.clone(),
    };
    let Some(grants) = grants else {
        return Ok(Written {
            owner,
            acl: store::Acl::default(),
        });
    };
    check_public_acl(gatehouse, caller, bucket, action, Some(key), &grants)?;
    let acl = crate::authorize::grants::to_stored(&grants);
    // Decision: the ACL question is about the object the request creates, which its writer
    // owns until S3 hands it to the bucket owner (BucketOwnerPreferred): so the writer's own
    // permission decides, and a cross-account writer needs s3:PutObjectAcl in its identity
    // policy as for any object of its own (the familiar "--acl needs s3:PutObjectAcl").
    let created = store::ObjectVersion {
        attributes: store::ObjectAttributes {
            owner: writer.clone(),
            acl: acl.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    check(
        gatehouse,
        caller,
        Question {
            keys: acl_keys(request),
            ..Question::on_object("s3:PutObjectAcl", bucket, key).about(Some(&created))
        },
    )?;
    Ok(Written { owner, acl })
}

/// BlockPublicAcls (account or bucket) refuses a public ACL on every write path.
pub fn check_public_acl(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &Bucket,
    action: &str,
    key: Option<&str>,
    grants: &[Grant],
) -> S3Result<()> {
    if is_public_acl(grants) && effective(gatehouse, bucket)?.block_public_acls {
        return Err(refused(
            gatehouse,
            caller,
            bucket,
            action,
            &crate::authorize::arn(&bucket.name, key),
            ("public ACLs", "BlockPublicAcls"),
        ));
    }
    Ok(())
}

fn not_found() -> s3s::S3Error {
    let mut err = s3s::S3Error::with_message(
        s3s::S3ErrorCode::Custom("OwnershipControlsNotFoundError".into()),
        "The bucket ownership controls were not found",
    );
    err.set_status_code(http::StatusCode::NOT_FOUND);
    err
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketOwnershipControlsInput>,
) -> S3Result<S3Response<GetBucketOwnershipControlsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:GetBucketOwnershipControls",
    )?;
    let mode = bucket.object_ownership.ok_or_else(not_found)?;
    Ok(S3Response::new(GetBucketOwnershipControlsOutput {
        ownership_controls: Some(OwnershipControls {
            rules: vec![OwnershipControlsRule {
                object_ownership: s3s::dto::ObjectOwnership::from(mode.as_str().to_string()),
            }],
        }),
    }))
}

/// Sets a mode; BucketOwnerEnforced cannot be set while the bucket ACL grants anyone but the
/// owner [S3 `object-ownership-error-responses`].
pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketOwnershipControlsInput>,
) -> S3Result<S3Response<PutBucketOwnershipControlsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutBucketOwnershipControls",
    )?;
    let rules = &req.input.ownership_controls.rules;
    let [rule] = rules.as_slice() else {
        return Err(s3_error!(
            MalformedXML,
            "The XML you provided was not well-formed or did not validate against our published schema"
        ));
    };
    let mode = store::ObjectOwnership::parse(rule.object_ownership.as_str()).ok_or_else(|| {
        s3_error!(
            MalformedXML,
            "The XML you provided was not well-formed or did not validate against our published schema"
        )
    })?;
    if mode == store::ObjectOwnership::BucketOwnerEnforced {
        let owner_id = gatehouse.canonical_id(&bucket.owner).unwrap_or_default();
        refuse_acl_with_enforced(
            gatehouse,
            &bucket.owner,
            &crate::authorize::grants::from_stored(&bucket.acl, &owner_id),
        )?;
    }
    gatehouse
        .store
        .set_object_ownership(&bucket.name, Some(mode))
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketOwnershipControlsOutput {}))
}

/// A bucket ACL that grants anyone but the bucket owner cannot stand with BucketOwnerEnforced.
pub fn refuse_acl_with_enforced(
    gatehouse: &Gatehouse,
    owner: &str,
    grants: &[Grant],
) -> S3Result<()> {
    let owner_id = gatehouse.canonical_id(owner).unwrap_or_default();
    let others = grants
        .iter()
        .any(|g| g.grantee != authz::s3::acl::Grantee::CanonicalUser(owner_id.clone()));
    if others {
        return Err(s3_error!(
            InvalidBucketAclWithObjectOwnership,
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
        ));
    }
    Ok(())
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteBucketOwnershipControlsInput>,
) -> S3Result<S3Response<DeleteBucketOwnershipControlsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutBucketOwnershipControls",
    )?;
    gatehouse
        .store
        .set_object_ownership(&bucket.name, None)
        .map_err(from_store)?;
    Ok(S3Response::new(DeleteBucketOwnershipControlsOutput {}))
}
