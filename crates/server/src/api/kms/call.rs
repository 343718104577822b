//! One KMS call: its input, the key it names, and its authorization under KMS's rules
//! (`authorize::key`), with KMS's own words for every refusal.

use std::collections::BTreeMap;

use policy::ContextValue;

use crate::api::json::error::JsonError;
use crate::api::json::input::Input;
use crate::caller::Caller;
use crate::kms::crypto::KeyMaterial;
use crate::kms::lookup::{self, KeyError, Reach};
use crate::kms::{Alias, Key, KEY};
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

impl From<KeyError> for JsonError {
    fn from(e: KeyError) -> JsonError {
        match e {
            KeyError::NotFound(m) => not_found(m),
            KeyError::Disabled(m) => JsonError::new("DisabledException", m),
            KeyError::InvalidState(m) => JsonError::new("KMSInvalidStateException", m),
            KeyError::Internal(m) => {
                eprintln!("gatehouse: {m}");
                JsonError::internal()
            }
        }
    }
}

impl Call<'_> {
    pub fn account(&self) -> &str {
        self.caller.account().unwrap_or_default()
    }

    pub fn region(&self) -> &str {
        &self.caller.region
    }

    pub fn key_by_id(&self, id: &str) -> Result<Option<Key>, JsonError> {
        Ok(lookup::key_by_id(&self.gatehouse.store, id)?)
    }

    pub fn alias(&self, arn: &str) -> Result<Option<Alias>, JsonError> {
        Ok(lookup::alias(&self.gatehouse.store, arn)?)
    }

    /// The key a `KeyId` names: a key id or ARN, an alias name or ARN.
    pub fn resolve(&self, key_id: &str, reach: Reach) -> Result<Key, JsonError> {
        Ok(lookup::resolve(
            &self.gatehouse.store,
            key_id,
            self.account(),
            self.region(),
            reach,
        )?)
    }

    /// The key named by the `KeyId` parameter.
    pub fn key(&self, reach: Reach) -> Result<Key, JsonError> {
        let id = self.input.string("KeyId")?;
        self.resolve(id, reach)
    }

    /// Authorizes `kms:<operation>` on `key` with the request's encryption context.
    pub fn authorize_key(
        &self,
        operation: &str,
        key: &Key,
        context: &BTreeMap<String, String>,
    ) -> Result<(), JsonError> {
        self.authorize_key_with(operation, key, context, Vec::new())
    }

    /// [`Call::authorize_key`] with more request keys (a grant's `kms:GranteePrincipal`).
    pub fn authorize_key_with(
        &self,
        operation: &str,
        key: &Key,
        context: &BTreeMap<String, String>,
        extra: Vec<(String, ContextValue)>,
    ) -> Result<(), JsonError> {
        crate::authorize::key::check_key(
            self.gatehouse,
            self.caller,
            operation,
            key,
            context,
            None,
            extra,
        )
        .map_err(JsonError::access_denied)
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
        lookup::usable(key)?;
        Ok(self.gatehouse.kms_material(key)?)
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
