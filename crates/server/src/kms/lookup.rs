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

/// A key by id; one whose scheduled deletion date has passed is gone, as on AWS (its record
/// and wrapped material stay in the data directory: decision — nothing here destroys key
/// material, so an operator can still recover what a client deleted by mistake).
pub fn key_by_id(store: &Store, id: &str) -> Result<Option<Key>, KeyError> {
    let text = store
        .record(KEY, id)
        .map_err(|e| KeyError::Internal(e.to_string()))?;
    let key = text
        .map(|t| Key::parse(&t).map_err(|e| KeyError::Internal(format!("KMS key {id}: {e}"))))
        .transpose()?;
    Ok(key.filter(|k| !deleted(k, audit::clock::now_secs())))
}

fn deleted(key: &Key, now: u64) -> bool {
    key.state == KeyState::PendingDeletion && key.deletion_secs.is_some_and(|when| when <= now)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::crypto::MasterKey;
    use crate::kms::{create, uuid, NewKey};

    #[test]
    fn a_key_past_its_deletion_date_is_gone_and_bare_ids_stay_in_their_account() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let master = MasterKey::open(dir.path()).unwrap();
        let key = create(
            &store,
            &master,
            NewKey {
                id: uuid(),
                account: "111111111111",
                region: "us-east-1",
                description: "",
                policy: crate::kms::default_policy("111111111111"),
                manager: "CUSTOMER",
                tags: Vec::new(),
            },
        )
        .unwrap();
        let own =
            |id: &str, account: &str| resolve(&store, id, account, "us-east-1", Reach::AnyAccount);
        assert!(own(&key.id, "111111111111").is_ok());
        assert!(matches!(
            own(&key.id, "222222222222"),
            Err(KeyError::NotFound(_))
        ));
        assert!(
            own(&key.arn(), "222222222222").is_ok(),
            "another account names it by ARN"
        );
        let mut pending = key.clone();
        pending.state = KeyState::PendingDeletion;
        pending.deletion_secs = Some(audit::clock::now_secs() + 3600);
        assert!(!deleted(&pending, audit::clock::now_secs()));
        assert!(deleted(&pending, audit::clock::now_secs() + 3600));
        pending.deletion_secs = Some(1);
        store
            .change_record(KEY, &key.id, |_| {
                Ok::<_, store::StoreError>((Some(pending.to_text()), ()))
            })
            .unwrap();
        assert!(key_by_id(&store, &key.id).unwrap().is_none());
        assert!(matches!(
            own(&key.arn(), "111111111111"),
            Err(KeyError::NotFound(_))
        ));
    }
}
