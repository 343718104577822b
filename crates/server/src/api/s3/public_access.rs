//! Get/Put/DeletePublicAccessBlock for buckets. New buckets start with all four settings on
//! (AWS's default since April 2023); the ACL settings act once ACLs exist.

use s3s::dto::*;
use s3s::{S3Request, S3Response, S3Result};
use store::BlockPublicAccessFlags;

use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require_allowed;
use crate::caller::Caller;
use crate::state::Gatehouse;

/// GetPublicAccessBlock of a bucket or an account that has no configuration (a configuration
/// with all four settings off is one, and is answered).
pub fn not_configured() -> s3s::S3Error {
    let mut err = s3s::S3Error::with_message(
        s3s::S3ErrorCode::Custom("NoSuchPublicAccessBlockConfiguration".into()),
        "The public access block configuration was not found",
    );
    err.set_status_code(http::StatusCode::NOT_FOUND);
    err
}

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetPublicAccessBlockInput>,
) -> S3Result<S3Response<GetPublicAccessBlockOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:GetBucketPublicAccessBlock",
    )?;
    let f = bucket.block_public_access.ok_or_else(not_configured)?;
    Ok(S3Response::new(GetPublicAccessBlockOutput {
        public_access_block_configuration: Some(PublicAccessBlockConfiguration {
            block_public_acls: Some(f.block_public_acls),
            ignore_public_acls: Some(f.ignore_public_acls),
            block_public_policy: Some(f.block_public_policy),
            restrict_public_buckets: Some(f.restrict_public_buckets),
        }),
    }))
}

/// The settings a configuration document gives (an absent one is off).
pub fn flags_of(c: &PublicAccessBlockConfiguration) -> BlockPublicAccessFlags {
    BlockPublicAccessFlags {
        block_public_acls: c.block_public_acls.unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
        block_public_policy: c.block_public_policy.unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
    }
}

pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutPublicAccessBlockInput>,
) -> S3Result<S3Response<PutPublicAccessBlockOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutBucketPublicAccessBlock",
    )?;
    let flags = flags_of(&req.input.public_access_block_configuration);
    gatehouse
        .store
        .set_block_public_access(&bucket.name, Some(flags))
        .map_err(from_store)?;
    Ok(S3Response::new(PutPublicAccessBlockOutput {}))
}

/// DeletePublicAccessBlock is a `s3:PutBucketPublicAccessBlock` question [S3 API reference].
pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeletePublicAccessBlockInput>,
) -> S3Result<S3Response<DeletePublicAccessBlockOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:PutBucketPublicAccessBlock",
    )?;
    gatehouse
        .store
        .set_block_public_access(&bucket.name, None)
        .map_err(from_store)?;
    Ok(S3Response {
        status: Some(http::StatusCode::NO_CONTENT),
        ..S3Response::new(DeletePublicAccessBlockOutput {})
    })
}

/// The settings in force for a bucket: account and bucket combined, the most restrictive
/// winning setting by setting [S3 `access-control-block-public-access`].
pub fn effective(
    gatehouse: &Gatehouse,
    bucket: &store::Bucket,
) -> S3Result<authz::s3::BlockPublicAccess> {
    let account = gatehouse
        .store
        .account_block_public_access(&bucket.owner)
        .map_err(from_store)?;
    Ok(
        crate::authorize::bpa(account.unwrap_or_default()).or(&crate::authorize::bpa(
            bucket.block_public_access.unwrap_or_default(),
        )),
    )
}

/// AWS's refusal of a write that Block Public Access prevents: `what` is "public ACLs" or
/// "public policies", `setting` BlockPublicAcls or BlockPublicPolicy [reference §5.2]; an
/// explicit denial by the `s3_block_public_access` layer in Gatehouse's headers.
pub fn refused(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    action: &str,
    resource: &str,
    (what, setting): (&str, &str),
) -> s3s::S3Error {
    let explanation = crate::authorize::Explanation {
        verdict: "explicitDeny",
        layer: authz::Layer::S3BlockPublicAccess,
        policy: None,
        statement: Some(setting),
    };
    s3s::S3Error::from(crate::authorize::Denied {
        message: format!(
            "User: {} is not authorized to perform: {action} on resource: \"{resource}\" because {what} are prevented by the {setting} setting in S3 Block Public Access.",
            caller.principal().arn
        ),
        headers: explanation.headers(
            gatehouse,
            caller,
            action,
            &bucket.owner,
            crate::authorize::context::same_organization(
                gatehouse,
                caller.account(),
                &bucket.owner,
            ),
        ),
        internal: false,
        explicit: true,
    })
}
