//! Get/Put/DeleteBucketPolicy. A policy is validated by the engine's S3 rules before it is
//! stored (`MalformedPolicy` with S3's texts); BlockPublicPolicy refuses a public one. The
//! bucket owner's root keeps access to these three whatever the policy says — an engine rule.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};

use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::require_allowed;
use crate::caller::Caller;
use crate::state::Gatehouse;

pub fn get(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketPolicyInput>,
) -> S3Result<S3Response<GetBucketPolicyOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:GetBucketPolicy")?;
    match gatehouse
        .store
        .bucket_policy(&bucket.name)
        .map_err(from_store)?
    {
        Some(p) => {
            let dead = crate::identity::binding::dead(&gatehouse.store, &p.bindings)
                .map_err(from_store)?;
            let shown = match policy::parse_policy(&p.document) {
                Ok(parsed) => crate::identity::binding::shown(&p.document, &parsed, &dead),
                Err(_) => p.document,
            };
            Ok(S3Response::new(GetBucketPolicyOutput {
                policy: Some(shown),
            }))
        }
        None => Err(s3_error!(
            NoSuchBucketPolicy,
            "The bucket policy does not exist"
        )),
    }
}

pub fn put(
    gatehouse: &Gatehouse,
    req: S3Request<PutBucketPolicyInput>,
) -> S3Result<S3Response<PutBucketPolicyOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:PutBucketPolicy")?;
    let text = &req.input.policy;
    let parsed =
        authz::s3::bucket_policy::check_bucket_policy(text, &bucket.name).map_err(|e| {
            let f = e.first();
            s3_error!(MalformedPolicy, "{}", f.message)
        })?;
    if crate::api::s3::public_access::effective(gatehouse, &bucket)?.block_public_policy
        && authz::s3::public_policy::is_public(&parsed)
    {
        return Err(crate::api::s3::public_access::refused(
            gatehouse,
            &caller,
            &bucket,
            "s3:PutBucketPolicy",
            &crate::authorize::arn(&bucket.name, None),
            ("public policies", "BlockPublicPolicy"),
        ));
    }
    let bindings =
        crate::identity::binding::bind(&gatehouse.store, &parsed).map_err(|e| match e {
            // AWS's answer to a Principal no user or role has [S3 PutBucketPolicy].
            crate::identity::binding::BindError::NoSuchPrincipal => {
                s3_error!(MalformedPolicy, "Invalid principal in policy")
            }
            crate::identity::binding::BindError::Store(e) => from_store(e),
        })?;
    gatehouse
        .store
        .set_bucket_policy(&bucket.name, Some(text), &bindings)
        .map_err(from_store)?;
    Ok(S3Response::new(PutBucketPolicyOutput {}))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteBucketPolicyInput>,
) -> S3Result<S3Response<DeleteBucketPolicyOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:DeleteBucketPolicy",
    )?;
    gatehouse
        .store
        .set_bucket_policy(&bucket.name, None, &[])
        .map_err(from_store)?;
    Ok(S3Response {
        status: Some(http::StatusCode::NO_CONTENT),
        ..S3Response::new(DeleteBucketPolicyOutput {})
    })
}

/// Whether the bucket policy is public by S3's definition (reference §3.6: fixed values for
/// the qualifying keys, CIDR breadth, no wildcards) [S3 GetBucketPolicyStatus].
pub fn status(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketPolicyStatusInput>,
) -> S3Result<S3Response<GetBucketPolicyStatusOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(
        gatehouse,
        &caller,
        &req.input.bucket,
        "s3:GetBucketPolicyStatus",
    )?;
    let Some((policy, _)) = gatehouse.bucket_policy(&bucket).map_err(from_store)? else {
        return Err(s3_error!(
            NoSuchBucketPolicy,
            "The bucket policy does not exist"
        ));
    };
    Ok(S3Response::new(GetBucketPolicyStatusOutput {
        policy_status: Some(PolicyStatus {
            is_public: Some(policy.public_statement().is_some()),
        }),
    }))
}
