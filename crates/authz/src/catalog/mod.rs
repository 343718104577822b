//! The action catalogue: what AWS's Service Authorization Reference (SAR) says about each
//! service Gatehouse serves — its actions (access level, resource types, the `*` of required
//! ones, condition keys), its resource types (ARN pattern, resource-level keys) and its
//! condition keys with their types — plus the global condition keys of the IAM User Guide.
//!
//! The engine and the linter ask it: does this `Action` entry name any action (S3 rejects a
//! bucket policy whose action names none: "Policy has invalid action")? Which resource type is
//! this ARN for this action? Does a request for this action carry this key, so that a condition
//! on an absent key is false (service keys "are only available when requests are made against
//! resources which support them")? What type is this key?
//!
//! Sources, one data file each (the format is described in `parse.rs`):
//! - `iam.txt`: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>
//! - `kms.txt`: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html>
//! - `organizations.txt`: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html>
//! - `s3.txt`: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>
//! - `sts.txt`: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html>
//! - `global.txt`: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
//!
//! A new service is one data file and one line in `data.rs`. The files are embedded and parsed
//! once, on first use; a mistake in them panics with the file and line (the unit tests parse
//! them all, so CI catches it).

mod arn;
mod data;
mod key_type;
mod keys;
mod load;
mod lookup;
mod parse;
mod types;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

pub use key_type::KeyType;
pub use lookup::Catalog;
pub use parse::ParseError;
pub use types::{
    AccessLevel, Action, ActionPattern, ActionResource, ConditionKey, ResourceType, Service,
};

/// The catalogue, parsed from the embedded data files on first use.
///
/// # Panics
///
/// If an embedded data file has a mistake, with its file name and line.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        load::load(data::GLOBAL_KEYS, data::SERVICES)
            .unwrap_or_else(|e| panic!("action catalogue data: {e}"))
    })
}
