//! KMS (`kms/`), in the export's region: each key with its id, description, manager, state and
//! key policy (checked as PutKeyPolicy checks it), and the aliases that point to imported keys.
//! Key material is never exported, so each key gets fresh material here: it exists and
//! decides as in production, but nothing production encrypted opens with it. A key whose
//! policy is not in the export is not imported — its authorization cannot be reproduced.

use serde::Deserialize;
use serde_json::Value;

use super::context::Import;
use super::error::ImportError;
use super::files::component;
use crate::kms::crypto::MasterKey;
use crate::kms::{alias_arn, key_arn, Alias, Key, KeyState, NewKey, ALIAS, KEY};

const SECTION: &str = "kms";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Keys {
    #[serde(default)]
    keys: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    key_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    key_metadata: Metadata,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    key_manager: Option<String>,
    #[serde(default)]
    key_state: Option<String>,
    #[serde(default)]
    key_spec: Option<String>,
    #[serde(default)]
    key_usage: Option<String>,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    multi_region: Option<bool>,
    #[serde(default)]
    creation_date: Option<Value>,
    #[serde(default)]
    deletion_date: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyPolicy {
    policy: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Aliases {
    #[serde(default)]
    aliases: Vec<ListedAlias>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedAlias {
    alias_name: String,
    /// Absent for an AWS managed alias whose key does not exist yet.
    #[serde(default)]
    target_key_id: Option<String>,
    #[serde(default)]
    creation_date: Option<Value>,
}

pub fn import(cx: &mut Import) -> Result<(), ImportError> {
    let Some(listed) = cx.read::<Keys>(SECTION, "kms/list-keys.json") else {
        return Ok(());
    };
    let master = MasterKey::open(cx.store.data_dir()).map_err(|e| {
        ImportError::Failed(format!("the new data directory's KMS master key: {e}"))
    })?;
    for k in cx.capped(SECTION, "keys", listed.keys) {
        match component(&k.key_id) {
            Ok(id) => key(cx, &master, id)?,
            Err(why) => cx.report.refuse(SECTION, "a key", why),
        }
    }
    aliases(cx)
}

fn key(cx: &mut Import, master: &MasterKey, id: &str) -> Result<(), ImportError> {
    let what = format!("key {id}");
    let dir = format!("kms/keys/{id}");
    let Some(policy) = cx.read::<KeyPolicy>(SECTION, &format!("{dir}/key-policy.json")) else {
        if !cx.manifest.skipped("kms get-key-policy", id) {
            cx.report
                .refuse(SECTION, what, "its key policy is not in the export");
        }
        return Ok(());
    };
    if let Err(e) = policy::validate(&policy.policy, policy::PolicyType::Key) {
        cx.report
            .refuse(SECTION, what, format!("its key policy: {}", e.first()));
        return Ok(());
    }
    let (account, region) = (cx.account().to_string(), cx.region().to_string());
    let arn = key_arn(&region, &account, id);
    let meta = cx
        .read::<Described>(SECTION, &format!("{dir}/describe-key.json"))
        .map(|d| d.key_metadata);
    if let Some(exported) = meta.as_ref().and_then(|m| m.arn.as_deref()) {
        if exported != arn {
            cx.report.refuse(
                SECTION,
                what,
                format!("its ARN {exported} is not {arn}: a key of another account or region"),
            );
            return Ok(());
        }
    }
    let manager = match meta.as_ref().and_then(|m| m.key_manager.as_deref()) {
        Some("AWS") => "AWS",
        _ => "CUSTOMER",
    };
    let made = crate::kms::create(
        cx.store,
        master,
        NewKey {
            id: id.to_string(),
            account: &account,
            region: &region,
            description: meta
                .as_ref()
                .and_then(|m| m.description.as_deref())
                .unwrap_or_default(),
            policy: policy.policy,
            manager,
            tags: Vec::new(),
        },
    );
    if let Err(why) = cx.stored(made)? {
        cx.report.refuse(SECTION, what, why);
        return Ok(());
    }
    cx.report.count(SECTION, "keys");
    if let Some(meta) = meta {
        settle(cx, id, &meta)?;
    }
    Ok(())
}

/// The exported state and creation date; what Gatehouse's keys cannot be (asymmetric, HMAC,
/// imported or multi-Region material) is said in the report.
fn settle(cx: &mut Import, id: &str, meta: &Metadata) -> Result<(), ImportError> {
    let what = format!("key {id}");
    let state = match meta.key_state.as_deref() {
        None | Some("Enabled") => KeyState::Enabled,
        Some("Disabled") => KeyState::Disabled,
        Some("PendingDeletion") => KeyState::PendingDeletion,
        Some(other) => {
            cx.report.approximate(
                SECTION,
                &what,
                format!("its state {other} is not one Gatehouse has; imported disabled"),
            );
            KeyState::Disabled
        }
    };
    let differs = [
        ("KeySpec", meta.key_spec.as_deref(), "SYMMETRIC_DEFAULT"),
        ("KeyUsage", meta.key_usage.as_deref(), "ENCRYPT_DECRYPT"),
        ("Origin", meta.origin.as_deref(), "AWS_KMS"),
    ];
    for (field, value, only) in differs {
        if let Some(v) = value.filter(|v| *v != only) {
            cx.report.approximate(SECTION, &what, format!("its {field} is {v}; Gatehouse's keys are {only}: its key policy decides as in production, its cryptography differs"));
        }
    }
    if meta.multi_region == Some(true) {
        cx.report.approximate(
            SECTION,
            &what,
            "a multi-Region key: imported as a key of this region alone",
        );
    }
    let created = meta.creation_date.as_ref().and_then(super::time::seconds);
    let deletion = meta.deletion_date.as_ref().and_then(super::time::seconds);
    cx.store.change_record(KEY, id, |text| {
        let mut key = Key::parse(&text.unwrap_or_default())
            .map_err(|e| store::StoreError::Corrupt(format!("KMS key {id}: {e}")))?;
        key.state = state;
        key.deletion_secs = deletion.filter(|_| state == KeyState::PendingDeletion);
        key.created_secs = created.unwrap_or(key.created_secs);
        Ok::<_, store::StoreError>((Some(key.to_text()), ()))
    })?;
    Ok(())
}

/// The aliases of imported keys (an AWS managed alias without a key yet is passed over, as
/// there is nothing it names).
fn aliases(cx: &mut Import) -> Result<(), ImportError> {
    let Some(listed) = cx.read::<Aliases>(SECTION, "kms/list-aliases.json") else {
        return Ok(());
    };
    let (account, region) = (cx.account().to_string(), cx.region().to_string());
    for a in cx.capped(SECTION, "aliases", listed.aliases) {
        let Some(target) = a.target_key_id else {
            continue;
        };
        let what = format!("alias {}", a.alias_name);
        if !a.alias_name.starts_with("alias/") || a.alias_name.len() > 256 {
            cx.report.refuse(SECTION, what, "not an alias name");
            continue;
        }
        if cx.store.record(KEY, &target)?.is_none() {
            cx.report
                .refuse(SECTION, what, format!("its key {target} is not imported"));
            continue;
        }
        let alias = Alias {
            created_secs: a
                .creation_date
                .as_ref()
                .and_then(super::time::seconds)
                .unwrap_or_else(audit::clock::now_secs),
            name: a.alias_name,
            account: account.clone(),
            region: region.clone(),
            target,
        };
        let text = serde_json::to_string(&alias).expect("an alias serializes");
        let arn = alias_arn(&region, &account, &alias.name);
        match cx.stored(cx.store.put_record(ALIAS, &arn, &account, &region, &text))? {
            Ok(()) => cx.report.count(SECTION, "aliases"),
            Err(why) => cx.report.refuse(SECTION, what, why),
        }
    }
    Ok(())
}
