//! A resource policy's `Principal` naming an IAM user or role means that entity, not its name:
//! AWS binds the ARN to the entity's unique id when the policy is saved, and once the entity is
//! deleted the policy shows the unique id in place of the ARN — a user or role created again
//! under the same name has a new id and is not matched [IAM
//! `reference_policies_elements_principal`: "If you delete the role and then recreate it ...
//! the role has a new unique ID ... the policy no longer matches"].
//!
//! Decision (AWS says the same for every statement): a binding applies to Allow and Deny alike,
//! so a Deny that named a deleted role does not deny its namesake either.

use policy::document::{PrincipalEntry, PrincipalKind};
use policy::Policy;

use store::Store;

use crate::identity::Identities;

/// An (ARN, unique id) pair bound when a policy was saved.
pub type Binding = (String, String);

/// The IAM user and role ARNs of the accounts held here that `policy`'s Principal and
/// NotPrincipal elements name.
fn named_identities(store: &Store, policy: &Policy) -> Vec<String> {
    let mut arns: Vec<String> = policy
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|p| &p.entries)
        .filter(|e| e.kind == PrincipalKind::Aws && is_held_identity(store, &e.value))
        .map(|e| e.value.clone())
        .collect();
    arns.sort();
    arns.dedup();
    arns
}

fn is_held_identity(store: &Store, value: &str) -> bool {
    user_or_role_account(value)
        .is_some_and(|account| store.account(account).ok().flatten().is_some())
}

/// The account of a `{"AWS": …}` value that names an IAM user or role
/// (`arn:aws:iam::ACCOUNT:user/…`, `…:role/…`); `None` for anything else.
pub fn user_or_role_account(value: &str) -> Option<&str> {
    let (account, resource) = value.strip_prefix("arn:aws:iam::")?.split_once(':')?;
    (resource.starts_with("user/") || resource.starts_with("role/")).then_some(account)
}

/// Binds each user and role the policy names to its unique id; `Err` names an ARN of an
/// account held here that no user or role has (AWS: "Invalid principal in policy").
pub fn bind(store: &Store, policy: &Policy) -> Result<Vec<Binding>, BindError> {
    let mut bound = Vec::new();
    for arn in named_identities(store, policy) {
        match store.entity_by_arn(&arn)? {
            Some(entity) => bound.push((arn, entity.id)),
            None => return Err(BindError::NoSuchPrincipal),
        }
    }
    Ok(bound)
}

#[derive(Debug)]
pub enum BindError {
    /// A user or role of an account held here that no one has (AWS names no ARN).
    NoSuchPrincipal,
    Store(store::StoreError),
}

impl From<store::StoreError> for BindError {
    fn from(e: store::StoreError) -> Self {
        BindError::Store(e)
    }
}

/// The bindings whose entity is gone or was replaced by another of the same name.
pub fn dead(store: &Store, bindings: &[Binding]) -> Result<Vec<Binding>, store::StoreError> {
    let mut dead = Vec::new();
    for (arn, id) in bindings {
        let current = store.entity_by_arn(arn)?;
        if current.is_none_or(|e| &e.id != id) {
            dead.push((arn.clone(), id.clone()));
        }
    }
    Ok(dead)
}

/// `policy` as it stands now: each dead binding's ARN replaced by the unique id it was bound
/// to, which no caller of today has.
pub fn retire(policy: &mut Policy, dead: &[Binding]) {
    if dead.is_empty() {
        return;
    }
    for principals in policy
        .statements
        .iter_mut()
        .filter_map(|s| s.principal.as_mut())
    {
        for entry in &mut principals.entries {
            if entry.kind != PrincipalKind::Aws {
                continue;
            }
            if let Some((_, id)) = dead.iter().find(|(arn, _)| *arn == entry.value) {
                *entry = PrincipalEntry::new(PrincipalKind::Aws, id.clone());
            }
        }
    }
}

/// The policy's text as AWS shows it back: each dead binding's ARN, inside Principal and
/// NotPrincipal elements only, replaced by its unique id.
pub fn shown(text: &str, policy: &Policy, dead: &[Binding]) -> String {
    if dead.is_empty() {
        return text.to_string();
    }
    let mut ranges: Vec<(usize, usize)> = policy
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .filter_map(|p| Some((offset(text, p.span.start)?, offset(text, p.span.end)?)))
        .collect();
    ranges.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if start < at || end > text.len() {
            continue;
        }
        out.push_str(&text[at..start]);
        let mut element = text[start..end].to_string();
        for (arn, id) in dead {
            element = element.replace(&format!("\"{arn}\""), &format!("\"{id}\""));
        }
        out.push_str(&element);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// A role's trust policy as AWS shows it back (GetRole, ListRoles,
/// GetAccountAuthorizationDetails): a user or role it named that is gone or was re-created
/// appears as the unique id it was bound to. `None` for an entity without a trust policy.
pub fn shown_trust(store: &Store, role: &store::Entity) -> Option<String> {
    let text = role.trust_policy.as_ref()?;
    let dead = store
        .trust_bindings(&role.id)
        .and_then(|b| dead(store, &b))
        .unwrap_or_default();
    match policy::parse_policy(text) {
        Ok(parsed) => Some(shown(text, &parsed, &dead)),
        Err(_) => Some(text.clone()),
    }
}

/// Why a role's trust policy cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustFault {
    #[error("its bindings cannot be read: {0}")]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Unparsable(#[from] crate::identity::Unparsable),
    #[error("it no longer parses: {0}")]
    Text(#[from] policy::PolicyError),
}

/// A role's trust policy compiled for AssumeRole, each dead binding retired (a deleted or
/// re-created user or role it named is matched by no one). A fault is logged with the role's
/// id and returned.
pub fn trust_policy(
    store: &Store,
    identities: &Identities,
    role: &store::Entity,
    document: &store::IdentityDocument,
) -> Result<authz::NamedPolicy, TrustFault> {
    let compile = || -> Result<authz::NamedPolicy, TrustFault> {
        let dead = dead(store, &store.trust_bindings(&role.id)?)?;
        if dead.is_empty() {
            return Ok(identities.compile(document)?);
        }
        let mut parsed = policy::parse_policy(&document.document)?;
        retire(&mut parsed, &dead);
        Ok(authz::NamedPolicy::compile(document.id.clone(), parsed))
    };
    let compiled = compile();
    if let Err(fault) = &compiled {
        eprintln!(
            "gatehouse: the trust policy of {} ({}) cannot be used: {fault}; refusing AssumeRole",
            role.arn, role.id
        );
    }
    compiled
}

/// The byte offset of a (1-based) line and column, columns counted in characters.
fn offset(text: &str, pos: policy::json::Pos) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..pos.line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let line = &text[line_start..];
    let within = line
        .char_indices()
        .nth(pos.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    Some(line_start + within)
}
