//! Grants [KMS `grants`]: permissions on one key for one principal, for some operations, that
//! add to what the policies allow.

use std::collections::BTreeMap;

use policy::ContextValue;
use serde_json::{json, Value};

use super::call::Call;
use crate::api::json::error::JsonError;
use crate::kms::crypto::random;
use crate::kms::lookup::Reach;
use crate::kms::Grant;

/// The operations a grant on a symmetric key may name [KMS CreateGrant, Operations].
const OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
];

/// At most 50,000 grants per key [KMS quotas]; far more than anyone here needs, and a bound.
const MAX_GRANTS: usize = 50_000;

/// An encryption-context constraint of a grant.
type Constraint = Option<BTreeMap<String, String>>;

fn hex<const N: usize>() -> String {
    random::<N>().iter().map(|b| format!("{b:02x}")).collect()
}

/// `Constraints`: (EncryptionContextSubset, EncryptionContextEquals).
fn constraints(call: &Call) -> Result<(Constraint, Constraint), JsonError> {
    let Some(c) = call.input.get("Constraints") else {
        return Ok((None, None));
    };
    let map = |name: &str| -> Result<Constraint, JsonError> {
        match c.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|v| (k.clone(), v.to_string()))
                        .ok_or_else(|| {
                            JsonError::new(
                                "ValidationException",
                                format!("{name} maps strings to strings."),
                            )
                        })
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(JsonError::new(
                "ValidationException",
                format!("{name} maps strings to strings."),
            )),
        }
    };
    Ok((
        map("EncryptionContextSubset")?,
        map("EncryptionContextEquals")?,
    ))
}

pub fn create(call: &Call) -> Result<Value, JsonError> {
    let grantee = call.input.string("GranteePrincipal")?.to_string();
    let retiring = call
        .input
        .optional("RetiringPrincipal")?
        .map(str::to_string);
    let operations = call.input.strings("Operations")?;
    if operations.is_empty() || operations.iter().any(|o| !OPERATIONS.contains(&o.as_str())) {
        return Err(JsonError::new(
            "ValidationException",
            format!(
                "Operations must be one or more of {}.",
                OPERATIONS.join(", ")
            ),
        ));
    }
    for principal in std::iter::once(&grantee).chain(retiring.iter()) {
        if !principal.starts_with("arn:aws:") && !principal.ends_with(".amazonaws.com") {
            return Err(JsonError::new(
                "InvalidArnException",
                format!("{principal} is not a valid principal."),
            ));
        }
    }
    let (subset, equals) = constraints(call)?;
    let name = call.input.optional("Name")?.map(str::to_string);
    let key = call.key(Reach::AnyAccount)?;
    call.authorize_key_with(
        "CreateGrant",
        &key,
        &BTreeMap::new(),
        vec![
            (
                "kms:GranteePrincipal".into(),
                ContextValue::Single(grantee.clone()),
            ),
            (
                "kms:GrantOperations".into(),
                ContextValue::Multi(operations.clone()),
            ),
        ],
    )?;
    let grant = Grant {
        id: hex::<32>(),
        token: hex::<64>(),
        name,
        grantee,
        retiring,
        operations,
        context_subset: subset,
        context_equals: equals,
        issuing_account: call.account().to_string(),
        created_secs: audit::clock::now_secs(),
    };
    let answer = json!({"GrantId": grant.id, "GrantToken": grant.token});
    call.change_key(&key, |k| {
        if k.grants.len() >= MAX_GRANTS {
            return Err(JsonError::new(
                "LimitExceededException",
                "The key has too many grants.",
            ));
        }
        k.grants.push(grant);
        Ok(())
    })?;
    Ok(answer)
}

pub fn list(call: &Call) -> Result<Value, JsonError> {
    let key = call.key(Reach::AnyAccount)?;
    call.authorize_key("ListGrants", &key, &BTreeMap::new())?;
    let grants: Vec<Value> = key
        .grants
        .iter()
        .map(|g| {
            let mut constraints = json!({});
            if let Some(s) = &g.context_subset {
                constraints["EncryptionContextSubset"] = json!(s);
            }
            if let Some(e) = &g.context_equals {
                constraints["EncryptionContextEquals"] = json!(e);
            }
            json!({
                "KeyId": key.arn(),
                "GrantId": g.id,
                "Name": g.name.clone().unwrap_or_default(),
                "CreationDate": g.created_secs,
                "GranteePrincipal": g.grantee,
                "RetiringPrincipal": g.retiring,
                "IssuingAccount": format!("arn:aws:iam::{}:root", g.issuing_account),
                "Operations": g.operations,
                "Constraints": constraints,
            })
        })
        .collect();
    Ok(json!({"Grants": grants, "Truncated": false}))
}

fn no_such_grant() -> JsonError {
    JsonError::new("InvalidGrantIdException", "The grant ID is not valid.")
}

/// Removes a grant by id; `retire` marks RetireGrant, which the grant's retiring principal (or
/// its grantee, when the grant includes RetireGrant) may do without any policy [KMS
/// RetireGrant]; anyone else needs `kms:RetireGrant` / `kms:RevokeGrant` on the key.
fn remove(call: &Call, retire: bool) -> Result<Value, JsonError> {
    let token = call.input.optional("GrantToken")?;
    let key = match (call.input.optional("KeyId")?, token) {
        (Some(_), _) => call.key(Reach::AnyAccount)?,
        (None, Some(t)) if retire => {
            // A token alone names its grant; find the key among the caller's visible keys is
            // not possible without an index, so the token carries no key: KMS needs KeyId too.
            return Err(JsonError::new(
                "InvalidGrantTokenException",
                format!("Grant token {t:.8}… needs the KeyId it was issued for here."),
            ));
        }
        _ => return Err(JsonError::new("ValidationException", "KeyId is required.")),
    };
    let by_id = call.input.optional("GrantId")?;
    let grant = key
        .grants
        .iter()
        .find(|g| Some(g.id.as_str()) == by_id || token.is_some_and(|t| g.token == t))
        .cloned()
        .ok_or_else(no_such_grant)?;
    let me = &call.caller.principal().arn;
    let may_retire = retire
        && (grant.retiring.as_deref() == Some(me.as_str())
            || (grant.grantee == *me && grant.operations.iter().any(|o| o == "RetireGrant")));
    if !may_retire {
        let action = if retire { "RetireGrant" } else { "RevokeGrant" };
        call.authorize_key(action, &key, &BTreeMap::new())?;
    }
    call.change_key(&key, |k| {
        let before = k.grants.len();
        k.grants.retain(|g| g.id != grant.id);
        if k.grants.len() == before {
            return Err(no_such_grant());
        }
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn retire(call: &Call) -> Result<Value, JsonError> {
    remove(call, true)
}

pub fn revoke(call: &Call) -> Result<Value, JsonError> {
    remove(call, false)
}
