//! Buckets (`s3/list-buckets.json`, `s3/buckets/B/*.json`): each in its region, owned by the
//! export's account, with its policy (checked as PutBucketPolicy checks it), ACL, Block Public
//! Access, Object Ownership, default encryption and versioning; and the account's Block Public
//! Access (`s3control/public-access-block.json`). No object, listing or byte is exported: the
//! buckets are empty.

use serde::Deserialize;
use store::{BlockPublicAccessFlags, NewBucket, ObjectOwnership, Versioning};

use super::context::Import;
use super::error::ImportError;
use super::files::component;
use crate::api::s3::sse::request::BucketDefault;
use crate::api::s3::sse::Algorithm;

const SECTION: &str = "s3";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listing {
    #[serde(default)]
    buckets: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    name: String,
    #[serde(default)]
    bucket_region: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Location {
    location_constraint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyFile {
    policy: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlock {
    public_access_block_configuration: Flags,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Flags {
    #[serde(default)]
    block_public_acls: bool,
    #[serde(default)]
    ignore_public_acls: bool,
    #[serde(default)]
    block_public_policy: bool,
    #[serde(default)]
    restrict_public_buckets: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ownership {
    ownership_controls: Rules<OwnershipRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rules<T> {
    #[serde(default = "Vec::new")]
    rules: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OwnershipRule {
    object_ownership: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Encryption {
    server_side_encryption_configuration: Rules<EncryptionRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EncryptionRule {
    apply_server_side_encryption_by_default: Option<ByDefault>,
    #[serde(default)]
    bucket_key_enabled: Option<bool>,
}

#[derive(Deserialize)]
struct ByDefault {
    #[serde(rename = "SSEAlgorithm")]
    algorithm: String,
    #[serde(rename = "KMSMasterKeyID")]
    key_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VersioningFile {
    status: Option<String>,
}

impl Flags {
    fn stored(&self) -> BlockPublicAccessFlags {
        BlockPublicAccessFlags {
            block_public_acls: self.block_public_acls,
            ignore_public_acls: self.ignore_public_acls,
            block_public_policy: self.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets,
        }
    }
}

pub fn import(cx: &mut Import) -> Result<(), ImportError> {
    if let Some(file) = cx.read::<PublicAccessBlock>(SECTION, "s3control/public-access-block.json")
    {
        let flags = file.public_access_block_configuration.stored();
        let account = cx.account().to_string();
        cx.store
            .set_account_block_public_access(&account, Some(flags))?;
        cx.report
            .count(SECTION, "account Block Public Access settings");
    }
    let Some(listing) = cx.read::<Listing>(SECTION, "s3/list-buckets.json") else {
        return Ok(());
    };
    for listed in cx.capped(SECTION, "buckets", listing.buckets) {
        match component(&listed.name) {
            Ok(_) if listed.name.len() <= 63 => bucket(cx, &listed)?,
            Ok(_) => cx.report.refuse(
                SECTION,
                format!("bucket {}", listed.name),
                "a bucket name has at most 63 characters",
            ),
            Err(why) => cx.report.refuse(SECTION, "a bucket", why),
        }
    }
    Ok(())
}

/// `LocationConstraint`: null (or empty) is us-east-1, the legacy `EU` eu-west-1.
fn region_of(constraint: Option<String>) -> String {
    match constraint.as_deref() {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(other) => other.into(),
    }
}

fn bucket(cx: &mut Import, listed: &Listed) -> Result<(), ImportError> {
    let name = listed.name.as_str();
    let what = format!("bucket {name}");
    let dir = format!("s3/buckets/{name}");
    let region = match cx.read::<Location>(SECTION, &format!("{dir}/location.json")) {
        Some(l) => region_of(l.location_constraint),
        None => listed
            .bucket_region
            .clone()
            .unwrap_or_else(|| cx.region().to_string()),
    };
    let ownership = match cx.read::<Ownership>(SECTION, &format!("{dir}/ownership-controls.json")) {
        Some(file) => match file
            .ownership_controls
            .rules
            .first()
            .map(|r| r.object_ownership.as_str())
        {
            Some(setting) => match ObjectOwnership::parse(setting) {
                Some(o) => Some(o),
                None => {
                    cx.report.approximate(SECTION, format!("{what} ownership controls"), format!("{setting:?} is not an Object Ownership setting; imported as BucketOwnerEnforced"));
                    Some(ObjectOwnership::BucketOwnerEnforced)
                }
            },
            None => None,
        },
        // Skipped: unknown; the report says it is imported as S3's default for new buckets.
        None if cx
            .manifest
            .skipped("s3api get-bucket-ownership-controls", name) =>
        {
            Some(ObjectOwnership::BucketOwnerEnforced)
        }
        // Absent without a skip: none set, which AWS treats as ObjectWriter.
        None => None,
    };
    let public_access = cx
        .read::<PublicAccessBlock>(SECTION, &format!("{dir}/public-access-block.json"))
        .map(|f| f.public_access_block_configuration.stored());
    let acl = match cx.read::<super::acl::ExportedAcl>(SECTION, &format!("{dir}/acl.json")) {
        Some(acl) => super::acl::grants(cx, name, acl)?,
        None => store::Acl::default(),
    };
    let account = cx.account().to_string();
    let created = cx.store.create_bucket(&NewBucket {
        name,
        owner: &account,
        region: &region,
        object_ownership: ownership.unwrap_or(ObjectOwnership::ObjectWriter),
        block_public_access: public_access.unwrap_or_default(),
        acl: &acl,
    });
    if let Err(why) = cx.stored(created)? {
        cx.report.refuse(SECTION, what, why);
        return Ok(());
    }
    cx.report.count(SECTION, "buckets");
    let store = cx.store;
    if ownership.is_none() {
        store.set_object_ownership(name, None)?;
    }
    match public_access {
        Some(_) => cx
            .report
            .count(SECTION, "bucket Block Public Access settings"),
        None => store.set_block_public_access(name, None)?,
    }
    if let Some(v) = cx.read::<VersioningFile>(SECTION, &format!("{dir}/versioning.json")) {
        let state = match v.status.as_deref() {
            Some("Enabled") => Versioning::Enabled,
            Some("Suspended") => Versioning::Suspended,
            _ => Versioning::Unversioned,
        };
        if state != Versioning::Unversioned {
            store.set_versioning(name, state)?;
            cx.report.count(SECTION, "versioning configurations");
        }
    }
    encryption(cx, name, &dir)?;
    bucket_policy(cx, name, &dir)
}

/// The default encryption, as PutBucketEncryption keeps it: one rule, AES256 or aws:kms.
fn encryption(cx: &mut Import, name: &str, dir: &str) -> Result<(), ImportError> {
    let Some(file) = cx.read::<Encryption>(SECTION, &format!("{dir}/encryption.json")) else {
        return Ok(());
    };
    let what = format!("bucket {name} default encryption");
    let rules = file.server_side_encryption_configuration.rules;
    if rules.len() > 1 {
        cx.report.approximate(
            SECTION,
            &what,
            format!(
                "{} rules; the first is imported, as S3 applies one",
                rules.len()
            ),
        );
    }
    let Some(rule) = rules.into_iter().next() else {
        return Ok(());
    };
    let Some(by_default) = rule.apply_server_side_encryption_by_default else {
        cx.report.refuse(
            SECTION,
            what,
            "its rule has no ApplyServerSideEncryptionByDefault",
        );
        return Ok(());
    };
    let algorithm = match Algorithm::parse(&by_default.algorithm) {
        Ok(a) => a,
        Err(e) => {
            cx.report.refuse(
                SECTION,
                what,
                e.message()
                    .unwrap_or("an algorithm Gatehouse does not support")
                    .to_string(),
            );
            return Ok(());
        }
    };
    let default = BucketDefault {
        algorithm,
        key_id: by_default.key_id.filter(|_| algorithm == Algorithm::AwsKms),
        bucket_key: rule.bucket_key_enabled.unwrap_or(false),
    };
    let text = serde_json::to_string(&default).expect("a bucket default serializes");
    cx.store.set_bucket_encryption(name, Some(&text))?;
    cx.report
        .count(SECTION, "default encryption configurations");
    Ok(())
}

/// The bucket policy, checked as PutBucketPolicy checks it, its named users and roles bound.
fn bucket_policy(cx: &mut Import, name: &str, dir: &str) -> Result<(), ImportError> {
    let Some(file) = cx.read::<PolicyFile>(SECTION, &format!("{dir}/policy.json")) else {
        return Ok(());
    };
    let what = format!("bucket {name} policy");
    let parsed = match authz::s3::bucket_policy::check_bucket_policy(&file.policy, name) {
        Ok(parsed) => parsed,
        Err(e) => {
            cx.report.refuse(
                SECTION,
                what,
                format!("{}; imported without a policy", e.first()),
            );
            return Ok(());
        }
    };
    let (bindings, absent) = super::bindings::bind(cx.store, &parsed)?;
    cx.store
        .set_bucket_policy(name, Some(&file.policy), &bindings)?;
    cx.report.count(SECTION, "bucket policies");
    if !absent.is_empty() {
        cx.report
            .approximate(SECTION, what, super::bindings::absent_note(&absent));
    }
    Ok(())
}
