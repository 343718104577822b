//! The catalogue's questions: which action is this, does this pattern name any action, what
//! type is this key, does this request carry it, which resource type is this ARN.

use std::collections::HashMap;

use policy::wildcard;

use super::arn;
use super::key_type::KeyType;
use super::keys::KeyTypes;
use super::types::{Action, ActionPattern, ResourceType, Service};

/// The services, actions and condition keys the catalogue knows. Get it with
/// [`catalog()`](super::catalog).
#[derive(Debug)]
pub struct Catalog {
    pub(super) services: Vec<Service>,
    /// Lower-cased prefix → index into `services`.
    pub(super) by_prefix: HashMap<String, usize>,
    /// The global condition keys (`aws:…` and the cross-service keys of the IAM global page).
    pub(super) global_keys: KeyTypes,
    /// Global keys, then every service's keys: for [`Catalog::key_type`].
    pub(super) all_keys: KeyTypes,
}

impl Catalog {
    /// Every service, in the order of `catalog/data.rs`.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this prefix (`s3`, `STS`), case-insensitively.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.by_prefix
            .get(&prefix.to_ascii_lowercase())
            .map(|&i| &self.services[i])
    }

    /// The action `prefix:Name` (`s3:getobject` works), case-insensitively.
    pub fn action(&self, full: &str) -> Option<(&Service, &Action)> {
        let (prefix, name) = full.split_once(':')?;
        let service = self.service(prefix)?;
        Some((service, service.action(name)?))
    }

    /// Checks an entry of a policy's `Action` or `NotAction` as written (`*`, `s3:*`,
    /// `s3:Get*`, `s3:GetObject`). Case-insensitive, like IAM's action matching. Wildcards may
    /// appear in the prefix too (`s*:GetObject`): the pattern matches if some action of some
    /// known service whose prefix fits matches.
    pub fn check_action_pattern(&self, pattern: &str) -> ActionPattern {
        let Some((prefix, name)) = pattern.split_once(':') else {
            return if !pattern.is_empty() && pattern.bytes().all(|b| b == b'*') {
                ActionPattern::Matches
            } else {
                ActionPattern::UnknownService
            };
        };
        let mut known_service = false;
        for service in &self.services {
            if !wildcard::matches(prefix, &service.prefix, true) {
                continue;
            }
            known_service = true;
            let found = if wildcard::has_wildcard(name) {
                service
                    .actions
                    .iter()
                    .any(|a| wildcard::matches(name, &a.name, true))
            } else {
                service.action(name).is_some()
            };
            if found {
                return ActionPattern::Matches;
            }
        }
        if known_service {
            ActionPattern::UnknownAction
        } else {
            ActionPattern::UnknownService
        }
    }

    /// The type of condition key `key` as a policy writes it (`s3:max-keys`,
    /// `aws:PrincipalTag/Team`, `s3:ExistingObjectTag/team`): a global key or any known
    /// service's key, templates included; case-insensitive on the key name.
    pub fn key_type(&self, key: &str) -> Option<KeyType> {
        self.all_keys.get_lower(&key.to_ascii_lowercase())
    }

    /// Is `key` one of the global condition keys (IAM's global keys page)?
    pub fn is_global_key(&self, key: &str) -> bool {
        self.global_keys.contains_lower(&key.to_ascii_lowercase())
    }

    /// Can a request for `action` (`s3:GetObject`) on a resource of `resource_type` (`object`;
    /// `None` when the action has none or it is unknown) carry `key`? True for the keys the SAR
    /// lists on the action's row, on that resource type's row of the action, and on the resource
    /// type itself. True for every global key: whether a global key is present is the server's
    /// call (the IAM page's "Availability"), not the catalogue's. False for an unknown action.
    pub fn carries_key(&self, action: &str, resource_type: Option<&str>, key: &str) -> bool {
        let key = key.to_ascii_lowercase();
        if self.global_keys.contains_lower(&key) {
            return true;
        }
        let Some((service, action)) = self.action(action) else {
            return false;
        };
        if action.key_set.contains_lower(&key) {
            return true;
        }
        let Some(resource_type) = resource_type else {
            return false;
        };
        let on_row = action
            .resource_types
            .iter()
            .any(|r| r.name == resource_type && r.key_set.contains_lower(&key));
        on_row
            || service
                .resource_type(resource_type)
                .is_some_and(|r| r.key_set.contains_lower(&key))
    }

    /// What kind of resource `arn` is among all its service's resource types (the most
    /// specific fit: `arn:aws:s3:::b/*` is an `object`, whatever an action accepts).
    pub fn resource_kind(&self, arn: &str) -> Option<&ResourceType> {
        let service = self.service(arn.split(':').nth(2)?)?;
        service
            .resource_types
            .iter()
            .filter_map(|r| arn::fit(&r.arn, arn).map(|score| (score, r)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, r)| r)
    }

    /// Which of `action`'s resource types `resource_arn` is (`arn:aws:s3:::b` → `bucket`,
    /// `arn:aws:s3:::b/k` → `object` for `s3:GetObject`). When several patterns fit, the most
    /// specific one wins. `None` for an unknown action, an action without resource types, or an
    /// ARN that fits none of them.
    pub fn resource_type_of(&self, action: &str, resource_arn: &str) -> Option<&str> {
        let (service, action) = self.action(action)?;
        let mut best: Option<(usize, &str)> = None;
        for r in &action.resource_types {
            let Some(pattern) = service.resource_type(&r.name).map(|t| &t.arn) else {
                continue;
            };
            match arn::fit(pattern, resource_arn) {
                Some(score) if best.is_none_or(|(b, _)| score > b) => {
                    best = Some((score, r.name.as_str()))
                }
                _ => {}
            }
        }
        best.map(|(_, name)| name)
    }
}
