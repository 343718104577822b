//! One KMS call: its input, the key it names (by id, ARN, alias name or alias ARN), and its
//! authorization under KMS's rules — the key policy is the key's resource policy, and it must
//! allow the caller or delegate to the account before identity policies count [KMS
//! `control-access`]; a grant adds what policies do not, and an explicit deny wins over it.

use std::collections::BTreeMap;

use policy::ContextValue;

use crate::api::json::error::JsonError;
use crate::api::json::input::Input;
use crate::caller::Caller;
use crate::kms::{crypto::KeyMaterial, Alias, Key, KeyState, ALIAS, KEY};
use crate::state::Gatehouse;

pub struct Call<'a> {
    pub gatehouse: &'a Gatehouse,
    pub caller: &'a Caller,
    pub input: Input<'a>,
}

/// KMS's answer to a missing or malformed parameter.
pub fn refuse_input(message: String) -> JsonError {
    JsonError::new("ValidationException", message)
}

pub fn not_found(message: String) -> JsonError {
    JsonError::new("NotFoundException", message)
}

/// May a key of another account be named? Only for the operations KMS allows across accounts
/// [KMS `key-policy-modifying-external-accounts`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    OwnAccount,
    AnyAccount,
}

impl Call<'_> {
    pub fn account(&self) -> &str {
        self.caller.account().unwrap_or_default()
    }

    pub fn region(&self) -> &str {
        &self.caller.region
    }

    pub fn key_by_id(&self, id: &str) -> Result<Option<Key>, JsonError> {
        let Some(text) = self.gatehouse.store.record(KEY, id)? else {
            return Ok(None);
        };
        Key::parse(&text).map(Some).map_err(|e| {
            eprintln!("gatehouse: KMS key {id} does not read: {e}");
            JsonError::internal()
        })
    }

    pub fn alias(&self, arn: &str) -> Result<Option<Alias>, JsonError> {
        let Some(text) = self.gatehouse.store.record(ALIAS, arn)? else {
            return Ok(None);
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            eprintln!("gatehouse: KMS alias {arn} does not read: {e}");
            JsonError::internal()
        })
    }

    /// The key a `KeyId` names: a key id or ARN, an alias name or ARN (aliases only where the
    /// operation takes them).
    pub fn resolve(&self, key_id: &str, reach: Reach) -> Result<Key, JsonError> {
        let (account, region) = (self.account(), self.region());
        let missing = || {
            if key_id.starts_with("alias/") || key_id.contains(":alias/") {
                not_found(format!("Alias {key_id} is not found."))
            } else {
                not_found(format!("Key '{key_id}' does not exist"))
            }
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
                None => self.alias(key_id)?.ok_or_else(missing)?.target,
            }
        } else if key_id.starts_with("alias/") {
            let arn = crate::kms::alias_arn(region, account, key_id);
            self.alias(&arn)?.ok_or_else(missing)?.target
        } else {
            key_id.to_string()
        };
        let key = self.key_by_id(&id)?.ok_or_else(missing)?;
        if key.region != region || (reach == Reach::OwnAccount && key.account != account) {
            return Err(missing());
        }
        Ok(key)
    }

    /// The key named by the `KeyId` parameter.
    pub fn key(&self, reach: Reach) -> Result<Key, JsonError> {
        let id = self.input.string("KeyId")?;
        self.resolve(id, reach)
    }

    /// The caller's ARNs a grant's grantee may name: its own, and its role's for a session.
    fn grant_principals(&self) -> Vec<&str> {
        let p = self.caller.principal();
        let mut out = vec![p.arn.as_str()];
        if let Some(role) = &p.role_arn {
            out.push(role);
        }
        out
    }

    /// Authorizes `kms:<action>` on `key`: the engine's decision, and where it found no allow
    /// (an implicit deny), a grant for the operation. Decision: an explicit deny in any policy
    /// wins over a grant, as AWS's evaluation logic has every explicit deny win over every
    /// allow; KMS documents grants as allowing, never as overriding a deny.
    pub fn authorize_key(
        &self,
        action: &str,
        key: &Key,
        context: &BTreeMap<String, String>,
    ) -> Result<(), JsonError> {
        self.authorize_key_with(action, key, context, Vec::new())
    }

    /// [`Call::authorize_key`] with more request keys (a grant's `kms:GranteePrincipal`).
    pub fn authorize_key_with(
        &self,
        action: &str,
        key: &Key,
        context: &BTreeMap<String, String>,
        mut keys: Vec<(String, ContextValue)>,
    ) -> Result<(), JsonError> {
        keys.push((
            "kms:CallerAccount".to_string(),
            ContextValue::Single(self.account().to_string()),
        ));
        for (k, v) in context {
            keys.push((
                format!("kms:EncryptionContext:{k}"),
                ContextValue::Single(v.clone()),
            ));
        }
        if !context.is_empty() {
            keys.push((
                "kms:EncryptionContextKeys".into(),
                ContextValue::Multi(context.keys().cloned().collect()),
            ));
        }
        let policy = self
            .gatehouse
            .key_policy(&key.arn(), &key.policy)
            .map_err(|_| JsonError::internal())?;
        let decided = crate::authorize::check_on_resource(
            self.gatehouse,
            self.caller,
            &format!("kms:{action}"),
            &key.arn(),
            &key.account,
            Some(policy),
            &keys,
        );
        match decided {
            Ok(_) => Ok(()),
            Err(denied) if !denied.explicit && !denied.internal => {
                let principals = self.grant_principals();
                if key
                    .grants
                    .iter()
                    .any(|g| g.allows(&principals, action, context))
                {
                    return Ok(());
                }
                Err(JsonError::access_denied(denied))
            }
            Err(denied) => Err(JsonError::access_denied(denied)),
        }
    }

    /// Authorizes `kms:<action>` on a resource no key policy governs (an alias, `*`).
    pub fn authorize(&self, action: &str, resource: &str) -> Result<(), JsonError> {
        crate::authorize::check_in_own_account(
            self.gatehouse,
            self.caller,
            &format!("kms:{action}"),
            resource,
            Vec::new(),
        )
        .map(|_| ())
        .map_err(JsonError::access_denied)
    }

    /// The key's material, for a cryptographic operation: the key must be enabled.
    pub fn material(&self, key: &Key) -> Result<KeyMaterial, JsonError> {
        usable(key)?;
        let master = self.gatehouse.kms_master().map_err(|e| {
            eprintln!("gatehouse: {e}");
            JsonError::internal()
        })?;
        master.unwrap(&key.id, &key.material).map_err(|e| {
            eprintln!("gatehouse: KMS key {}: {e}", key.id);
            JsonError::internal()
        })
    }

    /// Replaces the key's record with what `change` makes of it.
    pub fn change_key<T>(
        &self,
        key: &Key,
        change: impl FnOnce(&mut Key) -> Result<T, JsonError>,
    ) -> Result<T, JsonError> {
        self.gatehouse.store.change_record(KEY, &key.id, |text| {
            let text =
                text.ok_or_else(|| not_found(format!("Key '{}' does not exist", key.arn())))?;
            let mut key = Key::parse(&text).map_err(|_| JsonError::internal())?;
            let answer = change(&mut key)?;
            Ok((Some(key.to_text()), answer))
        })
    }
}

/// A cryptographic operation needs an enabled key [KMS `key-state`].
pub fn usable(key: &Key) -> Result<(), JsonError> {
    match key.state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(JsonError::new(
            "DisabledException",
            format!("{} is disabled.", key.arn()),
        )),
        KeyState::PendingDeletion => Err(JsonError::new(
            "KMSInvalidStateException",
            format!("{} is pending deletion.", key.arn()),
        )),
    }
}
