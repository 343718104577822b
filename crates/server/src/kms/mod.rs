//! AWS KMS's data: keys (symmetric, AWS_KMS origin) with their key policy, grants, tags and
//! key material, and aliases. Each key and each alias is one store record
//! (`store::Store::record`), so every change to one is atomic. The material is kept wrapped
//! under the data directory's master key ([`crypto`]).

pub mod crypto;
pub mod lookup;
pub mod managed;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The store's record kinds.
pub const KEY: &str = "kms-key";
pub const ALIAS: &str = "kms-alias";

/// The key policy a key gets when none is given: the account may use IAM policies to allow
/// access [KMS `key-policy-default`]. Its members in AWS's order (a struct keeps it).
pub fn default_policy(account: &str) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Document<'a> {
        version: &'a str,
        id: &'a str,
        statement: [Statement; 1],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Statement {
        sid: &'static str,
        effect: &'static str,
        principal: Principal,
        action: &'static str,
        resource: &'static str,
    }
    #[derive(Serialize)]
    struct Principal {
        #[serde(rename = "AWS")]
        aws: String,
    }
    serde_json::to_string_pretty(&Document {
        version: "2012-10-17",
        id: "key-default-1",
        statement: [Statement {
            sid: "Enable IAM User Permissions",
            effect: "Allow",
            principal: Principal {
                aws: format!("arn:aws:iam::{account}:root"),
            },
            action: "kms:*",
            resource: "*",
        }],
    })
    .expect("the default key policy serializes")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// A UUID.
    pub id: String,
    pub account: String,
    pub region: String,
    pub description: String,
    pub state: KeyState,
    pub deletion_secs: Option<u64>,
    pub created_secs: u64,
    /// `CUSTOMER` or `AWS` (the `aws/s3` key).
    pub manager: String,
    pub policy: String,
    /// The key material wrapped under the master key, base64.
    pub material: String,
    pub tags: Vec<(String, String)>,
    pub grants: Vec<Grant>,
}

pub fn key_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:key/{id}")
}

impl Key {
    pub fn arn(&self) -> String {
        key_arn(&self.region, &self.account, &self.id)
    }

    pub fn parse(text: &str) -> Result<Key, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a key always serializes")
    }
}

/// A grant [KMS `grants`]: the grantee may perform `operations` on the key, within the
/// constraints, whatever the policies say (an explicit deny still wins: decision in
/// `api::kms::call`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub id: String,
    pub token: String,
    pub name: Option<String>,
    pub grantee: String,
    pub retiring: Option<String>,
    pub operations: Vec<String>,
    pub context_subset: Option<BTreeMap<String, String>>,
    pub context_equals: Option<BTreeMap<String, String>>,
    pub issuing_account: String,
    pub created_secs: u64,
}

impl Grant {
    /// Does the grant let `principal` (a caller's ARN or its role's ARN) perform `operation`
    /// with this encryption context?
    pub fn allows(
        &self,
        principals: &[&str],
        operation: &str,
        context: &BTreeMap<String, String>,
    ) -> bool {
        principals.contains(&self.grantee.as_str())
            && self.operations.iter().any(|o| o == operation)
            && self
                .context_equals
                .as_ref()
                .is_none_or(|want| want == context)
            && self
                .context_subset
                .as_ref()
                .is_none_or(|want| want.iter().all(|(k, v)| context.get(k) == Some(v)))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    /// `alias/...`.
    pub name: String,
    pub account: String,
    pub region: String,
    pub target: String,
    pub created_secs: u64,
}

impl Alias {
    pub fn arn(&self) -> String {
        alias_arn(&self.region, &self.account, &self.name)
    }
}

/// What a new key is made of (its material is made here).
pub struct NewKey<'a> {
    pub id: String,
    pub account: &'a str,
    pub region: &'a str,
    pub description: &'a str,
    pub policy: String,
    /// `CUSTOMER`, or `AWS` for the key S3 makes for `aws/s3`.
    pub manager: &'a str,
    pub tags: Vec<(String, String)>,
}

/// Makes and keeps a key, enabled, with new material wrapped under `master`.
pub fn create(
    store: &store::Store,
    master: &crypto::MasterKey,
    new: NewKey,
) -> Result<Key, store::StoreError> {
    let key = Key {
        material: master.new_material(&new.id),
        id: new.id,
        account: new.account.to_string(),
        region: new.region.to_string(),
        description: new.description.to_string(),
        state: KeyState::Enabled,
        deletion_secs: None,
        created_secs: audit::clock::now_secs(),
        manager: new.manager.to_string(),
        policy: new.policy,
        tags: new.tags,
        grants: Vec::new(),
    };
    store.put_record(KEY, &key.id, &key.account, &key.region, &key.to_text())?;
    Ok(key)
}

pub fn alias_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:{name}")
}

/// A version 4 UUID, as KMS key ids are.
pub fn uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_uuids() {
        let id = uuid();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        assert_eq!(&id[14..15], "4", "version 4");
        assert_ne!(uuid(), id);
    }

    #[test]
    fn grants_check_grantee_operation_and_constraints() {
        let g = Grant {
            id: "g".into(),
            token: "t".into(),
            name: None,
            grantee: "arn:aws:iam::111111111111:user/u".into(),
            retiring: None,
            operations: vec!["Decrypt".into()],
            context_subset: Some([("purpose".to_string(), "x".to_string())].into()),
            context_equals: None,
            issuing_account: "111111111111".into(),
            created_secs: 0,
        };
        let ctx = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let who = ["arn:aws:iam::111111111111:user/u"];
        assert!(g.allows(&who, "Decrypt", &ctx(&[("purpose", "x"), ("other", "y")])));
        assert!(!g.allows(&who, "Decrypt", &ctx(&[("purpose", "z")])));
        assert!(!g.allows(&who, "Encrypt", &ctx(&[("purpose", "x")])));
        assert!(!g.allows(
            &["arn:aws:iam::111111111111:user/v"],
            "Decrypt",
            &ctx(&[("purpose", "x")])
        ));
    }
}
