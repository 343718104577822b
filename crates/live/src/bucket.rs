//! What can be read of the bucket and the object with these credentials: the bucket policy,
//! the bucket's and the object's ACLs, Object Ownership, the bucket's Block Public Access, and
//! the object's encryption key with its key policy. Each is either read, known to be absent
//! (AWS's "not configured" error), or unreadable — and then said so, never taken for absent.

use authz::s3::{BlockPublicAccess, Grant, Grantee, ObjectOwnership, Permission};
use serde::Serialize;

use crate::calls::{Calls, Failure};
use crate::clients::Clients;
use crate::identity::Document;

/// A setting as far as it could be read.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Known<T> {
    Read(T),
    /// The call was refused or failed: the setting is unknown.
    Unreadable(String),
}

impl<T> Known<T> {
    pub fn read(&self) -> Option<&T> {
        match self {
            Known::Read(t) => Some(t),
            Known::Unreadable(_) => None,
        }
    }

    fn strict(result: Result<T, Failure>) -> Known<T> {
        result.map_or_else(|f| Known::Unreadable(f.summary()), Known::Read)
    }

    fn of(result: Result<T, Failure>, absent: &[&str], none: impl FnOnce() -> T) -> Known<T> {
        match result {
            Ok(t) => Known::Read(t),
            Err(f) if f.code.as_deref().is_some_and(|c| absent.contains(&c)) => Known::Read(none()),
            Err(f) => Known::Unreadable(f.summary()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Acl {
    /// The owner's canonical user id.
    pub owner: String,
    #[serde(skip)]
    pub grants: Vec<Grant>,
}

#[derive(Debug, Serialize)]
pub struct BucketSide {
    /// The caller's own canonical user id (`ListBuckets`' owner), to tell the owner's account.
    pub caller_canonical_id: Option<String>,
    pub policy: Known<Option<Document>>,
    pub bucket_acl: Known<Acl>,
    pub object_acl: Option<Known<Acl>>,
    pub ownership: Known<String>,
    #[serde(skip)]
    pub block_public_access: Known<BlockPublicAccess>,
    /// The object's SSE-KMS key (from HeadObject), and its key policy.
    pub kms_key: Option<String>,
    pub key_policy: Option<Known<Document>>,
}

impl BucketSide {
    pub fn object_ownership(&self) -> ObjectOwnership {
        self.ownership
            .read()
            .and_then(|o| ObjectOwnership::parse(o))
            .unwrap_or(ObjectOwnership::ObjectWriter)
    }
}

fn acl(owner: Option<&aws_sdk_s3::types::Owner>, list: &[aws_sdk_s3::types::Grant]) -> Acl {
    Acl {
        owner: owner.and_then(|o| o.id()).unwrap_or("").to_string(),
        grants: grants(list),
    }
}

fn grants(list: &[aws_sdk_s3::types::Grant]) -> Vec<Grant> {
    list.iter()
        .filter_map(|g| {
            let grantee = g.grantee()?;
            let who = match (grantee.id(), grantee.uri()) {
                (Some(id), _) => Grantee::CanonicalUser(id.to_string()),
                (None, Some(uri)) => Grantee::Group(uri.to_string()),
                _ => return None,
            };
            Some(Grant {
                grantee: who,
                permission: Permission::parse(g.permission()?.as_str())?,
            })
        })
        .collect()
}

pub async fn gather(
    c: &Clients,
    calls: &mut Calls,
    bucket: &str,
    key: Option<&str>,
    kms_key: Option<String>,
) -> BucketSide {
    let owner = calls.note("s3 ListBuckets", "", c.s3.list_buckets().send().await);
    let caller_canonical_id = owner
        .ok()
        .and_then(|o| o.owner().and_then(|o| o.id().map(str::to_string)));
    let policy = calls
        .note(
            "s3 GetBucketPolicy",
            bucket,
            c.s3.get_bucket_policy().bucket(bucket).send().await,
        )
        .map(|p| {
            p.policy().map(|text| Document {
                id: format!("arn:aws:s3:::{bucket}"),
                text: text.to_string(),
            })
        });
    let bucket_acl = calls
        .note(
            "s3 GetBucketAcl",
            bucket,
            c.s3.get_bucket_acl().bucket(bucket).send().await,
        )
        .map(|a| acl(a.owner(), a.grants()));
    let object_acl = match key {
        Some(k) => Some(Known::strict(
            calls
                .note(
                    "s3 GetObjectAcl",
                    &format!("{bucket}/{k}"),
                    c.s3.get_object_acl().bucket(bucket).key(k).send().await,
                )
                .map(|a| acl(a.owner(), a.grants())),
        )),
        None => None,
    };
    let ownership = calls
        .note(
            "s3 GetBucketOwnershipControls",
            bucket,
            c.s3.get_bucket_ownership_controls()
                .bucket(bucket)
                .send()
                .await,
        )
        .map(|o| {
            o.ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_string())
                .unwrap_or_else(|| "ObjectWriter".into())
        });
    let bpa = calls
        .note(
            "s3 GetPublicAccessBlock",
            bucket,
            c.s3.get_public_access_block().bucket(bucket).send().await,
        )
        .map(|b| {
            let c = b.public_access_block_configuration();
            let on = |f: Option<bool>| f.unwrap_or(false);
            BlockPublicAccess {
                block_public_acls: on(c.and_then(|c| c.block_public_acls())),
                ignore_public_acls: on(c.and_then(|c| c.ignore_public_acls())),
                block_public_policy: on(c.and_then(|c| c.block_public_policy())),
                restrict_public_buckets: on(c.and_then(|c| c.restrict_public_buckets())),
            }
        });
    let key_policy = match &kms_key {
        Some(id) => Some(Known::strict(
            calls
                .note(
                    "kms GetKeyPolicy",
                    id,
                    c.kms
                        .get_key_policy()
                        .key_id(id)
                        .policy_name("default")
                        .send()
                        .await,
                )
                .map(|p| Document {
                    id: id.clone(),
                    text: p.policy().unwrap_or("").to_string(),
                }),
        )),
        None => None,
    };
    BucketSide {
        caller_canonical_id,
        // Absent settings answer these errors [S3 GetBucketPolicy, GetBucketOwnershipControls,
        // GetPublicAccessBlock, "Errors"]; an absent ownership setting is ObjectWriter.
        policy: Known::of(policy, &["NoSuchBucketPolicy"], || None),
        bucket_acl: Known::strict(bucket_acl),
        object_acl,
        ownership: Known::of(ownership, &["OwnershipControlsNotFoundError"], || {
            "ObjectWriter".into()
        }),
        block_public_access: Known::of(bpa, &["NoSuchPublicAccessBlockConfiguration"], || {
            BlockPublicAccess::default()
        }),
        kms_key,
        key_policy,
    }
}
