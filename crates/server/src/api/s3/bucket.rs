//! ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use s3s::dto::*;
use s3s::{s3_error, S3Request, S3Response, S3Result};
use store::{BlockPublicAccessFlags, NewBucket};

use crate::api::s3::acl::acl_request;
use crate::api::s3::convert::timestamp;
use crate::api::s3::errors::from_store;
use crate::api::s3::lookup::{expect_owner, require_allowed, require_anywhere};
use crate::authorize::{arn, check, check_account_action, Question};
use crate::caller::Caller;
use crate::state::Gatehouse;

/// ListBuckets, a page at a time when `max-buckets` asks for one [S3 ListBuckets: "max-buckets",
/// "continuation-token", "prefix", "bucket-region"]; without it, every bucket.
pub fn list(
    gatehouse: &Gatehouse,
    req: S3Request<ListBucketsInput>,
) -> S3Result<S3Response<ListBucketsOutput>> {
    let caller = Caller::of(gatehouse, &req);
    check_account_action(gatehouse, &caller, "s3:ListAllMyBuckets", "*")?;
    let input = &req.input;
    let limit = match input.max_buckets {
        None => usize::MAX,
        Some(n @ 1..=MAX_BUCKETS) => n as usize,
        Some(_) => {
            return Err(s3_error!(
                InvalidArgument,
                "Argument max-buckets must be an integer between 1 and 10000"
            ))
        }
    };
    let after = input
        .continuation_token
        .as_deref()
        .map(bucket_after)
        .transpose()?;
    let account_id = caller.account().unwrap_or_default().to_string();
    let account = gatehouse.store.account(&account_id).map_err(from_store)?;
    let mut buckets = gatehouse
        .store
        .list_buckets_page(
            &account_id,
            &store::BucketsQuery {
                prefix: input.prefix.as_deref().unwrap_or(""),
                region: input.bucket_region.as_deref(),
                after: after.as_deref(),
                limit: limit.saturating_add(1),
            },
        )
        .map_err(from_store)?;
    let more = buckets.len() > limit;
    buckets.truncate(limit);
    let continuation_token = more
        .then(|| buckets.last().map(|b| URL_SAFE_NO_PAD.encode(&b.name)))
        .flatten();
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
        continuation_token,
        prefix: input.prefix.clone(),
    };
    Ok(S3Response::new(output))
}

/// The most `max-buckets` may ask for (the general purpose bucket quota's ceiling).
const MAX_BUCKETS: i32 = 10_000;

/// The bucket a continuation token says the last page ended at. Tokens are opaque to clients
/// (S3's are "obfuscated and not a real bucket name"); ours are the name, base64url.
fn bucket_after(token: &str) -> S3Result<String> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            s3_error!(
                InvalidArgument,
                "The continuation token provided is incorrect"
            )
        })
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
    // A new bucket is BucketOwnerEnforced unless the request says otherwise; an ACL asks
    // s3:PutBucketAcl too, an ownership setting s3:PutBucketOwnershipControls [S3
    // CreateBucket, "Permissions"].
    let ownership = match &input.object_ownership {
        None => store::ObjectOwnership::BucketOwnerEnforced,
        Some(mode) => {
            check_account_action(
                gatehouse,
                &caller,
                "s3:PutBucketOwnershipControls",
                &arn(&input.bucket, None),
            )?;
            store::ObjectOwnership::parse(mode.as_str()).ok_or_else(|| {
                s3_error!(
                    InvalidArgument,
                    "Invalid x-amz-object-ownership header: {}",
                    mode.as_str()
                )
            })?
        }
    };
    let request = acl_request!(input, write: input.grant_write.as_deref());
    let owner_id = gatehouse.canonical_id(&owner).unwrap_or_default();
    let grants = crate::api::s3::acl::requested(gatehouse, &request, &owner_id, &owner_id)?;
    if let Some(grants) = &grants {
        if ownership == store::ObjectOwnership::BucketOwnerEnforced {
            crate::api::s3::ownership::refuse_acl_with_enforced(gatehouse, &owner, grants)?;
        }
        check_account_action(
            gatehouse,
            &caller,
            "s3:PutBucketAcl",
            &arn(&input.bucket, None),
        )?;
        // New buckets block public access from the start (S3's default since April 2023).
        if authz::s3::acl::is_public_acl(grants) {
            let mut err = s3s::S3Error::with_message(
                s3s::S3ErrorCode::Custom("InvalidBucketAclWithBlockPublicAccessError".into()),
                "Bucket cannot have public ACLs set with BlockPublicAccess enabled",
            );
            err.set_status_code(http::StatusCode::BAD_REQUEST);
            return Err(err);
        }
    }
    let constraint = input
        .create_bucket_configuration
        .as_ref()
        .and_then(|c| c.location_constraint.as_ref())
        .map(|l| l.as_str().to_string());
    let region = bucket_region(
        &gatehouse.config.regions,
        &caller.region,
        constraint.as_deref(),
    )?;
    gatehouse
        .store
        .create_bucket(&NewBucket {
            name: &input.bucket,
            owner: &owner,
            region: &region,
            object_ownership: ownership,
            // AWS's defaults for new buckets since April 2023.
            block_public_access: BlockPublicAccessFlags::ALL,
            acl: &grants
                .as_deref()
                .map(crate::authorize::grants::to_stored)
                .unwrap_or_default(),
        })
        .map_err(from_store)?;
    Ok(S3Response::new(CreateBucketOutput {
        location: Some(format!("/{}", input.bucket)),
    }))
}

/// Where CreateBucket puts a bucket (DESIGN.md, "Regions"): signed for us-east-1, the
/// constraint or us-east-1 itself; signed for another region R, exactly R. A constraint of
/// `us-east-1`, or of a region not configured, is invalid.
fn bucket_region(
    regions: &[String],
    signed_for: &str,
    constraint: Option<&str>,
) -> S3Result<String> {
    let invalid = || {
        s3_error!(
            InvalidLocationConstraint,
            "The specified location-constraint is not valid"
        )
    };
    match constraint {
        Some("us-east-1") => return Err(invalid()),
        Some(c) if !regions.iter().any(|r| r == c) => return Err(invalid()),
        _ => {}
    }
    let region = match (signed_for, constraint) {
        ("us-east-1", None) => "us-east-1".to_string(),
        ("us-east-1", Some(c)) => c.to_string(),
        (r, Some(c)) if c == r => c.to_string(),
        (_, None) => {
            return Err(s3_error!(
                IllegalLocationConstraintException,
                "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
            ))
        }
        (_, Some(c)) => {
            return Err(s3_error!(
                IllegalLocationConstraintException,
                "The {c} location constraint is incompatible for the region specific endpoint this request was sent to."
            ))
        }
    };
    if !regions.contains(&region) {
        return Err(invalid());
    }
    Ok(region)
}

pub fn head(
    gatehouse: &Gatehouse,
    req: S3Request<HeadBucketInput>,
) -> S3Result<S3Response<HeadBucketOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:ListBucket")?;
    Ok(S3Response::new(HeadBucketOutput {
        bucket_region: Some(bucket.region.clone()),
        ..Default::default()
    }))
}

pub fn delete(
    gatehouse: &Gatehouse,
    req: S3Request<DeleteBucketInput>,
) -> S3Result<S3Response<DeleteBucketOutput>> {
    let caller = Caller::of(gatehouse, &req);
    let bucket = require_allowed(gatehouse, &caller, &req.input.bucket, "s3:DeleteBucket")?;
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
    let bucket = require_anywhere(gatehouse, &req.input.bucket)?;
    expect_owner(caller.expected_owner.as_deref(), &bucket)?;
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

#[cfg(test)]
mod tests {
    use super::bucket_region;

    #[test]
    fn create_bucket_regions() {
        let regions: Vec<String> = ["us-east-1", "us-west-2", "eu-central-1"]
            .map(String::from)
            .to_vec();
        let code = |r: Result<String, s3s::S3Error>| r.map_err(|e| e.code().as_str().to_string());
        assert_eq!(
            code(bucket_region(&regions, "us-east-1", None)),
            Ok("us-east-1".into())
        );
        assert_eq!(
            code(bucket_region(&regions, "us-east-1", Some("eu-central-1"))),
            Ok("eu-central-1".into())
        );
        assert_eq!(
            code(bucket_region(
                &regions,
                "eu-central-1",
                Some("eu-central-1")
            )),
            Ok("eu-central-1".into())
        );
        assert_eq!(
            code(bucket_region(&regions, "eu-central-1", None)),
            Err("IllegalLocationConstraintException".into())
        );
        assert_eq!(
            code(bucket_region(&regions, "eu-central-1", Some("us-west-2"))),
            Err("IllegalLocationConstraintException".into())
        );
        assert_eq!(
            code(bucket_region(&regions, "us-east-1", Some("us-east-1"))),
            Err("InvalidLocationConstraint".into())
        );
        assert_eq!(
            code(bucket_region(&regions, "us-east-1", Some("ap-south-1"))),
            Err("InvalidLocationConstraint".into())
        );
    }
}
