//! Keys: create, describe, list; enable and disable; scheduled deletion; key policies; tags.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::call::Call;
use crate::api::json::error::JsonError;
use crate::kms::lookup::Reach;
use crate::kms::{default_policy, uuid, Key, KeyState, NewKey, KEY};

/// `KeyMetadata` as the botocore model names its fields.
pub fn metadata(key: &Key) -> Value {
    let mut m = json!({
        "AWSAccountId": key.account,
        "KeyId": key.id,
        "Arn": key.arn(),
        "CreationDate": key.created_secs,
        "Enabled": key.state == KeyState::Enabled,
        "Description": key.description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": key.state.as_str(),
        "Origin": "AWS_KMS",
        "KeyManager": key.manager,
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": false,
    });
    if let Some(when) = key.deletion_secs {
        m["DeletionDate"] = json!(when);
    }
    m
}

/// A key policy as KMS checks it when it is saved: at most 32 KB, a valid key policy
/// (MalformedPolicyDocumentException, naming the first problem and where it is).
fn check_policy(text: &str) -> Result<(), JsonError> {
    policy::validate(text, policy::PolicyType::Key)
        .map(|_| ())
        .map_err(|e| JsonError::new("MalformedPolicyDocumentException", e.first().to_string()))
}

/// KMS refuses a key policy that would not let its author change it again, unless asked not
/// to check [KMS CreateKey, PutKeyPolicy: BypassPolicyLockoutSafetyCheck].
fn lockout_check(call: &Call, arn: &str, account: &str, policy: &str) -> Result<(), JsonError> {
    if call.input.bool("BypassPolicyLockoutSafetyCheck")? == Some(true) {
        return Ok(());
    }
    if crate::authorize::key::keeps_caller_in(call.gatehouse, call.caller, arn, account, policy) {
        return Ok(());
    }
    Err(JsonError::new(
        "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.",
    ))
}

fn tags(call: &Call) -> Result<Vec<(String, String)>, JsonError> {
    let Some(Value::Array(items)) = call.input.get("Tags") else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|t| {
            let field = |name: &str| t.get(name).and_then(Value::as_str).map(str::to_string);
            match (field("TagKey"), field("TagValue")) {
                (Some(k), Some(v)) if !k.is_empty() && k.len() <= 128 && v.len() <= 256 => {
                    Ok((k, v))
                }
                _ => Err(JsonError::new(
                    "TagException",
                    "A tag is a TagKey of 1 to 128 characters and a TagValue of up to 256.",
                )),
            }
        })
        .collect()
}

pub fn create(call: &Call) -> Result<Value, JsonError> {
    let description = call.input.optional("Description")?.unwrap_or_default();
    if description.chars().count() > 8192 {
        return Err(JsonError::new(
            "ValidationException",
            "Description is longer than 8192 characters.",
        ));
    }
    match call
        .input
        .optional("KeySpec")?
        .or(call.input.optional("CustomerMasterKeySpec")?)
    {
        None | Some("SYMMETRIC_DEFAULT") => {}
        Some(other) => {
            return Err(JsonError::new(
                "UnsupportedOperationException",
                format!("KeySpec {other} is not supported here: only SYMMETRIC_DEFAULT."),
            ))
        }
    }
    let given = call.input.optional("Policy")?;
    let policy = match given {
        Some(text) => text.to_string(),
        None => default_policy(call.account()),
    };
    let tags = tags(call)?;
    call.authorize("CreateKey", "*")?;
    check_policy(&policy)?;
    let id = uuid();
    if given.is_some() {
        let arn = crate::kms::key_arn(call.region(), call.account(), &id);
        lockout_check(call, &arn, call.account(), &policy)?;
    }
    let master = call.gatehouse.kms_master().map_err(|e| {
        eprintln!("gatehouse: {e}");
        JsonError::internal()
    })?;
    let key = crate::kms::create(
        &call.gatehouse.store,
        master,
        NewKey {
            id,
            account: call.account(),
            region: call.region(),
            description,
            policy,
            manager: "CUSTOMER",
            tags,
        },
    )?;
    Ok(json!({"KeyMetadata": metadata(&key)}))
}

pub fn describe(call: &Call) -> Result<Value, JsonError> {
    let key = call.key(Reach::AnyAccount)?;
    call.authorize_key("DescribeKey", &key, &BTreeMap::new())?;
    Ok(json!({"KeyMetadata": metadata(&key)}))
}

pub fn list(call: &Call) -> Result<Value, JsonError> {
    call.authorize("ListKeys", "*")?;
    let records = call
        .gatehouse
        .store
        .records(KEY, call.account(), call.region())?;
    let keys: Vec<Value> = records
        .iter()
        .filter_map(|(_, text)| Key::parse(text).ok())
        .map(|k| json!({"KeyId": k.id, "KeyArn": k.arn()}))
        .collect();
    Ok(json!({"Keys": keys, "Truncated": false}))
}

/// Enable, disable and cancelling a deletion: a change of state the key's policy must allow.
fn set_state(call: &Call, action: &str, to: KeyState) -> Result<Key, JsonError> {
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key(action, &key, &BTreeMap::new())?;
    call.change_key(&key, |k| {
        match (action, k.state) {
            ("CancelKeyDeletion", KeyState::PendingDeletion) => {}
            ("CancelKeyDeletion", _) | (_, KeyState::PendingDeletion) => {
                return Err(JsonError::new(
                    "KMSInvalidStateException",
                    format!("{} is {}.", k.arn(), k.state.as_str()),
                ))
            }
            _ => {}
        }
        k.state = to;
        k.deletion_secs = None;
        Ok(k.clone())
    })
}

pub fn enable(call: &Call) -> Result<Value, JsonError> {
    set_state(call, "EnableKey", KeyState::Enabled)?;
    Ok(json!({}))
}

pub fn disable(call: &Call) -> Result<Value, JsonError> {
    set_state(call, "DisableKey", KeyState::Disabled)?;
    Ok(json!({}))
}

/// A cancelled deletion leaves the key disabled [KMS CancelKeyDeletion].
pub fn cancel_deletion(call: &Call) -> Result<Value, JsonError> {
    let key = set_state(call, "CancelKeyDeletion", KeyState::Disabled)?;
    Ok(json!({"KeyId": key.arn()}))
}

/// 7 to 30 days, 30 by default [KMS ScheduleKeyDeletion]. Decision: the key stays pending
/// deletion (unusable, its ciphertexts unreadable) after the date too; nothing here deletes
/// key material, so an operator can still recover data a client deleted by mistake.
pub fn schedule_deletion(call: &Call) -> Result<Value, JsonError> {
    let days = call.input.int("PendingWindowInDays")?.unwrap_or(30);
    if !(7..=30).contains(&days) {
        return Err(JsonError::new(
            "ValidationException",
            "PendingWindowInDays must be between 7 and 30.",
        ));
    }
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("ScheduleKeyDeletion", &key, &BTreeMap::new())?;
    let when = audit::clock::now_secs() + days as u64 * 86_400;
    let key = call.change_key(&key, |k| {
        if k.state == KeyState::PendingDeletion {
            return Err(JsonError::new(
                "KMSInvalidStateException",
                format!("{} is pending deletion.", k.arn()),
            ));
        }
        k.state = KeyState::PendingDeletion;
        k.deletion_secs = Some(when);
        Ok(k.clone())
    })?;
    Ok(json!({
        "KeyId": key.arn(),
        "DeletionDate": when,
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    }))
}

fn policy_name(call: &Call) -> Result<(), JsonError> {
    match call.input.optional("PolicyName")? {
        None | Some("default") => Ok(()),
        Some(_) => Err(JsonError::new(
            "NotFoundException",
            "The only valid policy name is \"default\".",
        )),
    }
}

pub fn get_policy(call: &Call) -> Result<Value, JsonError> {
    policy_name(call)?;
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("GetKeyPolicy", &key, &BTreeMap::new())?;
    Ok(json!({"Policy": key.policy, "PolicyName": "default"}))
}

pub fn put_policy(call: &Call) -> Result<Value, JsonError> {
    policy_name(call)?;
    let text = call.input.string("Policy")?.to_string();
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("PutKeyPolicy", &key, &BTreeMap::new())?;
    check_policy(&text)?;
    lockout_check(call, &key.arn(), &key.account, &text)?;
    call.change_key(&key, |k| {
        k.policy = text;
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn list_policies(call: &Call) -> Result<Value, JsonError> {
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("ListKeyPolicies", &key, &BTreeMap::new())?;
    Ok(json!({"PolicyNames": ["default"], "Truncated": false}))
}

pub fn tag(call: &Call) -> Result<Value, JsonError> {
    let tags = tags(call)?;
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("TagResource", &key, &BTreeMap::new())?;
    call.change_key(&key, |k| {
        for (name, value) in tags {
            k.tags.retain(|(n, _)| *n != name);
            k.tags.push((name, value));
        }
        if k.tags.len() > 50 {
            return Err(JsonError::new("TagException", "A key has at most 50 tags."));
        }
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn untag(call: &Call) -> Result<Value, JsonError> {
    let names = call.input.strings("TagKeys")?;
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("UntagResource", &key, &BTreeMap::new())?;
    call.change_key(&key, |k| {
        k.tags.retain(|(n, _)| !names.contains(n));
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn list_tags(call: &Call) -> Result<Value, JsonError> {
    let key = call.key(Reach::OwnAccount)?;
    call.authorize_key("ListResourceTags", &key, &BTreeMap::new())?;
    let tags: Vec<Value> = key
        .tags
        .iter()
        .map(|(k, v)| json!({"TagKey": k, "TagValue": v}))
        .collect();
    Ok(json!({"Tags": tags, "Truncated": false}))
}
