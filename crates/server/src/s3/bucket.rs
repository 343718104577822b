//! ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.

use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{BlockPublicAccessFlags, NewBucket};

use crate::authorize::{arn, check, check_account_action, Question};
use crate::caller::Caller;
use crate::s3::{from_store, timestamp};
use crate::state::Gatehouse;

pub fn require(gatehouse: &Gatehouse, name: &str) -> S3Result<store::Bucket> {
    gatehouse
        .store
        .bucket(name)
        .map_err(from_store)?
        .ok_or_else(|| from_store(store::StoreError::NoSuchBucket))
}

pub fn list(
    gatehouse: &Gatehouse,
    req: S3Request<ListBucketsInput>,
) -> S3Result<S3Response<ListBucketsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    check_account_action(gatehouse, &caller, "s3:ListAllMyBuckets", "*")?;
    let account_id = caller.account().unwrap_or_default().to_string();
    let account = gatehouse.store.account(&account_id).map_err(from_store)?;
    let buckets = gatehouse
        .store
        .list_buckets(&account_id)
        .map_err(from_store)?;
    let output = ListBucketsOutput {
        buckets: Some(
            buckets
                .into_iter()
                .map(|b| Bucket {
                    name: Some(b.name),
                    creation_date: Some(timestamp(b.created_ms)),
                    bucket_region: Some(b.region),
                })
                .collect(),
        ),
        owner: account.map(|a| Owner {
            display_name: Some(a.name),
            id: Some(a.canonical_id),
        }),
        ..Default::default()
    };
    Ok(S3Response::new(output))
}

pub fn create(
    gatehouse: &Gatehouse,
    req: S3Request<CreateBucketInput>,
) -> S3Result<S3Response<CreateBucketOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let input = &req.input;
    check_account_action(
        gatehouse,
        &caller,
        "s3:CreateBucket",
        &arn(&input.bucket, None),
    )?;
    let Some(owner) = caller.account().map(str::to_string) else {
        return Err(s3_error!(AccessDenied, "Access Denied"));
    };
    // Until ACLs arrive, BucketOwnerEnforced is the only mode: asking for another is refused,
    // never silently downgraded.
    if let Some(mode) = &input.object_ownership {
        if mode.as_str() != ObjectOwnership::BUCKET_OWNER_ENFORCED {
            return Err(s3_error!(
                NotImplemented,
                "Object Ownership {} is not supported yet; only BucketOwnerEnforced",
                mode.as_str()
            ));
        }
    }
    let acl_given = input.grant_full_control.is_some()
        || input.grant_read.is_some()
        || input.grant_read_acp.is_some()
        || input.grant_write.is_some()
        || input.grant_write_acp.is_some()
        || input.acl.as_ref().is_some_and(|a| a.as_str() != "private");
    if acl_given {
        return Err(s3_error!(
            InvalidBucketAclWithObjectOwnership,
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
        ));
    }
    let region = input
        .create_bucket_configuration
        .as_ref()
        .and_then(|c| c.location_constraint.as_ref())
        .map(|l| l.as_str().to_string())
        .unwrap_or_else(|| gatehouse.config.default_region.clone());
    if !gatehouse.config.regions.contains(&region) {
        return Err(s3_error!(
            InvalidLocationConstraint,
            "The specified location-constraint is not valid"
        ));
    }
    gatehouse
        .store
        .create_bucket(&NewBucket {
            name: &input.bucket,
            owner: &owner,
            region: &region,
            object_ownership: ObjectOwnership::BUCKET_OWNER_ENFORCED,
            // AWS's defaults for new buckets since April 2023.
            block_public_access: BlockPublicAccessFlags::ALL,
        })
        .map_err(from_store)?;
    Ok(S3Response::new(CreateBucketOutput {
        location: Some(format!("/{}", input.bucket)),
    }))
}

pub fn head(
    gatehouse: &Gatehouse,
    req: S3Request<HeadBucketInput>,
) -> S3Result<S3Response<HeadBucketOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_bucket("s3:ListBucket", &bucket),
    )?;
    Ok(S3Response::new(HeadBucketOutput {
        bucket_region: Some(bucket.region),
        ..Default::default()
    }))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteBucketInput>,
) -> S3Result<S3Response<DeleteBucketOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_bucket("s3:DeleteBucket", &bucket),
    )?;
    gatehouse
        .store
        .delete_bucket(&bucket.name)
        .map_err(from_store)?;
    Ok(S3Response::new(DeleteBucketOutput {}))
}

pub fn location(
    gatehouse: &Gatehouse,
    req: S3Request<GetBucketLocationInput>,
) -> S3Result<S3Response<GetBucketLocationOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require(gatehouse, &req.input.bucket)?;
    check(
        gatehouse,
        &caller,
        Question::on_bucket("s3:GetBucketLocation", &bucket),
    )?;
    // us-east-1 is the empty LocationConstraint [S3 GetBucketLocation].
    let constraint = (bucket.region != "us-east-1")
        .then(|| BucketLocationConstraint::from(bucket.region.clone()));
    Ok(S3Response::new(GetBucketLocationOutput {
        location_constraint: constraint,
    }))
}
