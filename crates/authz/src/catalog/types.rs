//! The catalogue's vocabulary: services, actions, resource types, condition keys and their types.

use std::collections::HashMap;
use std::fmt;

use super::key_type::KeyType;
use super::keys::KeySet;

/// The SAR's "Access level" column. The SAR now gives some actions two levels
/// ("Permissions management, Write"); [`Action::access_levels`] keeps them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// The token the data files use (`PermissionsManagement`, not the SAR's "Permissions management").
    pub fn parse(token: &str) -> Option<AccessLevel> {
        match token {
            "List" => Some(AccessLevel::List),
            "Read" => Some(AccessLevel::Read),
            "Write" => Some(AccessLevel::Write),
            "PermissionsManagement" => Some(AccessLevel::PermissionsManagement),
            "Tagging" => Some(AccessLevel::Tagging),
            _ => None,
        }
    }

    /// The SAR's own wording.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a service's condition-key table (or of the global keys page).
#[derive(Debug, Clone)]
pub struct ConditionKey {
    /// As the SAR writes it, templates included: `s3:ExistingObjectTag/<key>`,
    /// `aws:RequestTag/${TagKey}`.
    pub name: String,
    pub key_type: KeyType,
}

/// One row of a service's resource-type table.
#[derive(Debug, Clone)]
pub struct ResourceType {
    /// `bucket`, `object`, `role`, …
    pub name: String,
    /// The SAR's ARN pattern, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: String,
    /// Resource-level condition keys: present for every action on a resource of this type.
    pub condition_keys: Vec<String>,
    pub(super) key_set: KeySet,
}

/// A resource type an action names in its "Resource types" column.
#[derive(Debug, Clone)]
pub struct ActionResource {
    pub name: String,
    /// Marked `*` in the SAR: a policy must grant the action on a resource of this type.
    pub required: bool,
    /// Condition keys the SAR lists on this resource type's row of the action (rare).
    pub condition_keys: Vec<String>,
    pub(super) key_set: KeySet,
}

/// One action of a service.
#[derive(Debug, Clone)]
pub struct Action {
    /// Without the prefix, SAR spelling: `GetObject`.
    pub name: String,
    /// The first level the SAR gives (the most specific one: `PermissionsManagement` for
    /// "Permissions management, Write").
    pub access_level: AccessLevel,
    /// Every level the SAR gives, in its order.
    pub access_levels: Vec<AccessLevel>,
    /// Empty when the action supports no resource-level permissions (`Resource` must be `*`).
    pub resource_types: Vec<ActionResource>,
    /// The condition keys on the action's row (not the resource types' own keys).
    pub condition_keys: Vec<String>,
    /// The SAR's "Dependent actions" column.
    pub dependent_actions: Vec<String>,
    pub(super) key_set: KeySet,
}

/// One service of the SAR.
#[derive(Debug, Clone)]
pub struct Service {
    /// `s3`, `sts`.
    pub prefix: String,
    /// `Amazon S3`.
    pub name: String,
    /// The SAR page the data was transcribed from.
    pub source: String,
    pub actions: Vec<Action>,
    pub resource_types: Vec<ResourceType>,
    pub condition_keys: Vec<ConditionKey>,
    /// Lower-cased action name → index into `actions`.
    pub(super) action_index: HashMap<String, usize>,
}

impl Service {
    /// The action named `name` (no prefix), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.action_index
            .get(&name.to_ascii_lowercase())
            .map(|&i| &self.actions[i])
    }

    /// The resource type named `name` (exact, as the SAR spells it).
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|r| r.name == name)
    }
}

/// What [`Catalog::check_action_pattern`](super::Catalog::check_action_pattern) found for a
/// policy's `Action`/`NotAction` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionPattern {
    /// `*`, `s3:*`, or a pattern naming at least one known action.
    Matches,
    /// A known service prefix, but no action of it matches.
    UnknownAction,
    /// A prefix the catalogue does not know (or no `prefix:` at all). The catalogue holds only
    /// the services listed in `catalog/data.rs`, so an unknown prefix is not necessarily wrong.
    UnknownService,
}
