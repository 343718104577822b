//! `aws/s3`: the AWS managed key S3 uses for SSE-KMS when a request names no key, made in the
//! bucket owner's account and region on first use. Its policy lets the account's principals use
//! it through S3 only, and the account read it [KMS `concepts`, "AWS managed keys"; the key
//! policy AWS gives `aws/s3`].

use store::{Store, StoreError};

use super::crypto::MasterKey;
use super::lookup::{self, KeyError};
use super::{alias_arn, uuid, Alias, Key, NewKey, ALIAS};

pub const ALIAS_NAME: &str = "alias/aws/s3";

fn policy(account: &str, region: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Id": "auto-s3-2",
        "Statement": [
            {
                "Sid": "Allow access through S3 for all principals in the account that are authorized to use S3",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:CallerAccount": account,
                    "kms:ViaService": format!("s3.{region}.amazonaws.com"),
                }},
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
                "Resource": "*",
            },
        ],
    })
    .to_string()
}

/// The account's `aws/s3` key in `region`, made now if it has none.
pub fn aws_s3_key(
    store: &Store,
    master: &MasterKey,
    account: &str,
    region: &str,
) -> Result<Key, KeyError> {
    let arn = alias_arn(region, account, ALIAS_NAME);
    if let Some(alias) = lookup::alias(store, &arn)? {
        return lookup::key_by_id(store, &alias.target)?
            .ok_or_else(|| KeyError::Internal(format!("{arn} names a key that is gone")));
    }
    let internal = |e: StoreError| KeyError::Internal(e.to_string());
    let key = super::create(
        store,
        master,
        NewKey {
            id: uuid(),
            account,
            region,
            description: "Default key that protects my S3 objects when no other key is defined",
            policy: policy(account, region),
            manager: "AWS",
            tags: Vec::new(),
        },
    )
    .map_err(internal)?;
    let alias = Alias {
        name: ALIAS_NAME.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        target: key.id.clone(),
        created_secs: key.created_secs,
    };
    let text = serde_json::to_string(&alias).expect("an alias serializes");
    match store.put_record(ALIAS, &arn, account, region, &text) {
        Ok(()) => Ok(key),
        // Another request made it first: use theirs (this key stays unused, as an AWS account's
        // stray key would).
        Err(StoreError::EntityAlreadyExists(_)) => aws_s3_key(store, master, account, region),
        Err(e) => Err(internal(e)),
    }
}
