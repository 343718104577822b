//! Aliases: friendly names for keys of the caller's account and region. Changing an alias
//! needs permission on the alias (identity policies) and on each key involved (its key policy)
//! [KMS `alias-access`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::call::{not_found, Call};
use crate::api::json::error::JsonError;
use crate::kms::lookup::Reach;
use crate::kms::{alias_arn, Alias, ALIAS};

/// `alias/` and 1 to 250 letters, digits, `/`, `_` or `-`; `alias/aws/` is AWS's own
/// [KMS CreateAlias, AliasName].
fn alias_name(call: &Call) -> Result<String, JsonError> {
    let name = call.input.string("AliasName")?;
    let valid = name.strip_prefix("alias/").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 250
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
    });
    if !valid {
        return Err(JsonError::new(
            "ValidationException",
            format!("Alias {name} must begin with alias/ followed by letters, digits, /, _ or -."),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Err(JsonError::new(
            "NotAuthorizedException",
            "Cannot create, update or delete an alias with the reserved prefix alias/aws/.",
        ));
    }
    Ok(name.to_string())
}

pub fn create(call: &Call) -> Result<Value, JsonError> {
    let name = alias_name(call)?;
    let key = call.resolve(call.input.string("TargetKeyId")?, Reach::OwnAccount)?;
    let arn = alias_arn(call.region(), call.account(), &name);
    call.authorize("CreateAlias", &arn)?;
    call.authorize_key("CreateAlias", &key, &BTreeMap::new())?;
    let alias = Alias {
        name,
        account: call.account().to_string(),
        region: call.region().to_string(),
        target: key.id.clone(),
        created_secs: audit::clock::now_secs(),
    };
    let text = serde_json::to_string(&alias).expect("an alias serializes");
    match call
        .gatehouse
        .store
        .put_record(ALIAS, &arn, call.account(), call.region(), &text)
    {
        Err(store::StoreError::EntityAlreadyExists(_)) => Err(JsonError::new(
            "AlreadyExistsException",
            format!("An alias with the name {arn} already exists"),
        )),
        other => other.map_err(JsonError::from),
    }?;
    Ok(json!({}))
}

fn existing(call: &Call, name: &str) -> Result<Alias, JsonError> {
    let arn = alias_arn(call.region(), call.account(), name);
    call.alias(&arn)?
        .ok_or_else(|| not_found(format!("Alias {arn} is not found.")))
}

/// Repoints an alias: permission on the alias, on the key it leaves and on the key it joins.
pub fn update(call: &Call) -> Result<Value, JsonError> {
    let name = alias_name(call)?;
    let alias = existing(call, &name)?;
    let to = call.resolve(call.input.string("TargetKeyId")?, Reach::OwnAccount)?;
    let from = call.resolve(&alias.target, Reach::OwnAccount)?;
    call.authorize("UpdateAlias", &alias.arn())?;
    call.authorize_key("UpdateAlias", &from, &BTreeMap::new())?;
    call.authorize_key("UpdateAlias", &to, &BTreeMap::new())?;
    call.gatehouse
        .store
        .change_record(ALIAS, &alias.arn(), |text| {
            let text =
                text.ok_or_else(|| not_found(format!("Alias {} is not found.", alias.arn())))?;
            let mut current: Alias =
                serde_json::from_str(&text).map_err(|_| JsonError::internal())?;
            current.target = to.id.clone();
            Ok::<_, JsonError>((
                Some(serde_json::to_string(&current).expect("an alias serializes")),
                (),
            ))
        })?;
    Ok(json!({}))
}

pub fn delete(call: &Call) -> Result<Value, JsonError> {
    let name = alias_name(call)?;
    let alias = existing(call, &name)?;
    let key = call.resolve(&alias.target, Reach::OwnAccount)?;
    call.authorize("DeleteAlias", &alias.arn())?;
    call.authorize_key("DeleteAlias", &key, &BTreeMap::new())?;
    call.gatehouse
        .store
        .change_record(ALIAS, &alias.arn(), |_| Ok::<_, JsonError>((None, ())))?;
    Ok(json!({}))
}

pub fn list(call: &Call) -> Result<Value, JsonError> {
    call.authorize("ListAliases", "*")?;
    let only = match call.input.optional("KeyId")? {
        Some(id) => Some(call.resolve(id, Reach::OwnAccount)?.id),
        None => None,
    };
    let records = call
        .gatehouse
        .store
        .records(ALIAS, call.account(), call.region())?;
    let aliases: Vec<Value> = records
        .iter()
        .filter_map(|(_, text)| serde_json::from_str::<Alias>(text).ok())
        .filter(|a| only.as_ref().is_none_or(|id| *id == a.target))
        .map(|a| {
            json!({
                "AliasName": a.name,
                "AliasArn": a.arn(),
                "TargetKeyId": a.target,
                "CreationDate": a.created_secs,
                "LastUpdatedDate": a.created_secs,
            })
        })
        .collect();
    Ok(json!({"Aliases": aliases, "Truncated": false}))
}
