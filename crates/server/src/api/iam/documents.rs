//! Policy documents as IAM checks them when they are saved.

use policy::PolicyType;

use crate::api::query::error::QueryError;

use crate::api::iam::call::store_error;
use crate::identity::binding::user_or_role_account;

/// IAM's answer to a document it refuses: `MalformedPolicyDocument`, naming the first problem
/// and where it is.
pub fn check_document(text: &str, kind: PolicyType) -> Result<(), QueryError> {
    policy::validate(text, kind)
        .map(|_| ())
        .map_err(|e| QueryError::sender("MalformedPolicyDocument", e.first().to_string()))
}

/// A role's trust policy: valid, and every IAM user or role it names exists; returns each
/// named user or role bound to its unique id. IAM resolves named principals when the policy is
/// saved and refuses one that does not exist [IAM `reference_policies_elements_principal`: "If
/// the principal ... is deleted ... or does not exist ... Invalid principal in policy"].
/// Accounts (`123456789012`, `:root`) need not be known.
pub fn check_trust_document(
    store: &store::Store,
    text: &str,
) -> Result<Vec<crate::identity::binding::Binding>, QueryError> {
    let policy = policy::validate(text, PolicyType::Trust)
        .map_err(|e| QueryError::sender("MalformedPolicyDocument", e.first().to_string()))?;
    let mut bound = Vec::new();
    for statement in &policy.statements {
        let Some(principals) = &statement.principal else {
            continue;
        };
        for entry in &principals.entries {
            let named = entry.kind == policy::document::PrincipalKind::Aws
                && user_or_role_account(&entry.value).is_some();
            if !named {
                continue;
            }
            match store.entity_by_arn(&entry.value).map_err(store_error)? {
                Some(entity) => bound.push((entry.value.clone(), entity.id)),
                None => {
                    let at = principals.span.start;
                    return Err(QueryError::sender(
                        "MalformedPolicyDocument",
                        format!(
                            "Invalid principal in policy: \"AWS\":\"{}\" (line {}, column {})",
                            entry.value, at.line, at.column
                        ),
                    ));
                }
            }
        }
    }
    bound.sort();
    bound.dedup();
    Ok(bound)
}
