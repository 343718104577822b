//! Finding a key: by id, key ARN, alias name or alias ARN; and whether it may be used. The
//! answers are protocol-neutral; KMS's API and S3 each word them their own way.

use store::Store;

use super::{alias_arn, Alias, Key, KeyState, ALIAS, KEY};

#[derive(Debug)]
pub enum KeyError {
    /// KMS's NotFoundException, with its message.
    NotFound(String),
    /// DisabledException.
    Disabled(String),
    /// KMSInvalidStateException (pending deletion).
    InvalidState(String),
    /// The store or a document could not be read.
    Internal(String),
}

/// May a key of another account be named? Only for the operations KMS allows across
/// accounts: cryptographic ones, DescribeKey and grants [KMS `key-policy-modifying-external-accounts`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    OwnAccount,
    AnyAccount,
}

pub fn key_by_id(store: &Store, id: &str) -> Result<Option<Key>, KeyError> {
    let text = store
        .record(KEY, id)
        .map_err(|e| KeyError::Internal(e.to_string()))?;
    text.map(|t| Key::parse(&t).map_err(|e| KeyError::Internal(format!("KMS key {id}: {e}"))))
        .transpose()
}

pub fn alias(store: &Store, arn: &str) -> Result<Option<Alias>, KeyError> {
    let text = store
        .record(ALIAS, arn)
        .map_err(|e| KeyError::Internal(e.to_string()))?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| KeyError::Internal(format!("KMS alias {arn}: {e}")))
    })
    .transpose()
}

/// The key a `KeyId` names for a caller of `account` in `region`.
pub fn resolve(
    store: &Store,
    key_id: &str,
    account: &str,
    region: &str,
    reach: Reach,
) -> Result<Key, KeyError> {
    let missing = || {
        KeyError::NotFound(
            if key_id.starts_with("alias/") || key_id.contains(":alias/") {
                format!("Alias {key_id} is not found.")
            } else {
                format!("Key '{key_id}' does not exist")
            },
        )
    };
    let id = if let Some(rest) = key_id.strip_prefix("arn:aws:kms:") {
        // REGION:ACCOUNT:key/ID or REGION:ACCOUNT:alias/NAME
        let mut parts = rest.splitn(3, ':');
        let (r, a, resource) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        if r != region || (reach == Reach::OwnAccount && a != account) {
            return Err(missing());
        }
        match resource.strip_prefix("key/") {
            Some(id) => id.to_string(),
            None => alias(store, key_id)?.ok_or_else(missing)?.target,
        }
    } else if key_id.starts_with("alias/") {
        let arn = alias_arn(region, account, key_id);
        alias(store, &arn)?.ok_or_else(missing)?.target
    } else {
        key_id.to_string()
    };
    let key = key_by_id(store, &id)?.ok_or_else(missing)?;
    // A bare key id or alias name always means a key of the caller's own account; another
    // account's key is named by its ARN [KMS `key-policy-modifying-external-accounts`].
    let by_arn = key_id.starts_with("arn:");
    let foreign = key.account != account;
    if key.region != region || (foreign && (reach == Reach::OwnAccount || !by_arn)) {
        return Err(missing());
    }
    Ok(key)
}

/// A cryptographic operation needs an enabled key [KMS `key-state`].
pub fn usable(key: &Key) -> Result<(), KeyError> {
    match key.state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(KeyError::Disabled(format!("{} is disabled.", key.arn()))),
        KeyState::PendingDeletion => Err(KeyError::InvalidState(format!(
            "{} is pending deletion.",
            key.arn()
        ))),
    }
}
