//! Access keys of IAM users and of the root user. Without `UserName`, the caller's own [IAM
//! CreateAccessKey: "If you do not specify a user name, IAM determines the user name implicitly
//! based on the Amazon Web Services access key ID signing the request ... this operation works
//! for access keys under the Amazon Web Services account"].

use store::EntityKind;

use crate::api::iam::call::{date, store_error, Call};
use crate::api::query::error::QueryError;
use crate::api::query::params::Shape;
use crate::api::query::xml::Xml;

fn status_of(active: bool) -> &'static str {
    if active {
        "Active"
    } else {
        "Inactive"
    }
}

/// Whose keys a call is about: the named (or calling) user, or — no `UserName`, signed by
/// root — the root user. Authorizes `action` on it and returns (user name, principal ARN).
fn owner(call: &Call, action: &str) -> Result<(Option<String>, String), QueryError> {
    let root = call.caller.principal().kind == policy::PrincipalType::Account;
    if root && call.params.get("UserName").is_none() {
        let arn = format!("arn:aws:iam::{}:root", call.account);
        call.authorize(action, &arn, Vec::new())?;
        return Ok((None, arn));
    }
    let name = call.user_name_or_caller()?;
    let user = call.on_entity(action, EntityKind::User, &name, Vec::new())?;
    Ok((Some(name), user.arn))
}

pub fn create_access_key(call: &Call) -> Result<Xml, QueryError> {
    let (name, _) = owner(call, "CreateAccessKey")?;
    let store = call.store();
    let key = match &name {
        Some(user) => store.create_user_key(&call.account, user),
        None => store.create_root_key(&call.account),
    }
    .map_err(store_error)?;
    let mut out = Xml::new();
    out.open("AccessKey")
        .opt("UserName", name.as_deref())
        .el("AccessKeyId", &key.access_key_id)
        .el("Status", "Active")
        .el("SecretAccessKey", &key.secret)
        .el("CreateDate", &date(crate::identity::now_ms()))
        .close("AccessKey");
    Ok(out)
}

pub fn list_access_keys(call: &Call) -> Result<Xml, QueryError> {
    let (name, arn) = owner(call, "ListAccessKeys")?;
    let keys = call.store().keys_of(&arn).map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, "AccessKeyMetadata", &keys, |x, k| {
        x.opt("UserName", name.as_deref())
            .el("AccessKeyId", &k.access_key_id)
            .el("Status", status_of(k.active))
            .el("CreateDate", &date(k.created_ms));
    })?;
    Ok(out)
}

pub fn update_access_key(call: &Call) -> Result<Xml, QueryError> {
    let id = call
        .params
        .shaped("AccessKeyId", Shape::Name { max: 128 })?;
    let active = match call.params.required("Status")? {
        "Active" => true,
        "Inactive" => false,
        other => {
            return Err(QueryError::sender(
                "ValidationError",
                format!("1 validation error detected: Value '{other}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"),
            ))
        }
    };
    let (_, arn) = owner(call, "UpdateAccessKey")?;
    call.store()
        .set_key_active(&arn, id, active)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn delete_access_key(call: &Call) -> Result<Xml, QueryError> {
    let id = call
        .params
        .shaped("AccessKeyId", Shape::Name { max: 128 })?;
    let (_, arn) = owner(call, "DeleteAccessKey")?;
    call.store().delete_key(&arn, id).map_err(store_error)?;
    Ok(Xml::new())
}

/// Gatehouse does not track last use yet: the answer names the user and says "N/A", as AWS does
/// for a key never used.
pub fn get_access_key_last_used(call: &Call) -> Result<Xml, QueryError> {
    let id = call
        .params
        .shaped("AccessKeyId", Shape::Name { max: 128 })?;
    let key = call
        .store()
        .access_key(id)
        .map_err(store_error)?
        .filter(|k| k.account_id == call.account && k.session_token.is_none())
        .ok_or_else(|| {
            QueryError::forbidden(
                "AccessDenied",
                format!("The Access Key with id {id} cannot be found."),
            )
        })?;
    let user = call
        .store()
        .entity_by_arn(&key.principal_arn)
        .map_err(store_error)?;
    let resource = user
        .as_ref()
        .map(|u| u.arn.clone())
        .unwrap_or_else(|| key.principal_arn.clone());
    call.authorize("GetAccessKeyLastUsed", &resource, Vec::new())?;
    let mut out = Xml::new();
    out.opt("UserName", user.as_ref().map(|u| u.name.as_str()))
        .open("AccessKeyLastUsed")
        .el("ServiceName", "N/A")
        .el("Region", "N/A")
        .close("AccessKeyLastUsed");
    Ok(out)
}
