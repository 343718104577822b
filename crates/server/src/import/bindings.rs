//! The IAM users and roles a trust or bucket policy names, bound to their unique ids as the
//! APIs bind them when a policy is saved (`identity::binding`). An export holds one account's
//! IAM, so a user or role of another account — or one the export lacks — has no entity to bind:
//! where PutBucketPolicy would refuse the policy ("Invalid principal"), the import keeps it
//! and lists those ARNs, which match no caller here.

use policy::document::PrincipalKind;
use store::{Store, StoreError};

use crate::identity::binding::{user_or_role_account, Binding};

/// The bindings of the users and roles this directory has, and the ARNs of those it lacks.
pub fn bind(
    store: &Store,
    policy: &policy::Policy,
) -> Result<(Vec<Binding>, Vec<String>), StoreError> {
    let mut bound = Vec::new();
    let mut absent = Vec::new();
    let named = policy
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|p| &p.entries)
        .filter(|e| e.kind == PrincipalKind::Aws && user_or_role_account(&e.value).is_some());
    for entry in named {
        match store.entity_by_arn(&entry.value)? {
            Some(entity) => bound.push((entry.value.clone(), entity.id)),
            None => absent.push(entry.value.clone()),
        }
    }
    absent.sort();
    absent.dedup();
    bound.sort();
    bound.dedup();
    Ok((bound, absent))
}

/// The report's words for the ARNs [`bind`] found no entity for.
pub fn absent_note(absent: &[String]) -> String {
    format!(
        "it names users or roles the export does not hold ({}): it was imported as written, and they match no caller here",
        absent.join(", ")
    )
}
