//! Access keys of IAM users. Without `UserName`, the calling user's own [IAM CreateAccessKey:
//! "If you do not specify a user name, IAM determines the user name implicitly based on the
//! Amazon Web Services access key ID signing the request"].

use store::EntityKind;

use super::{date, store_error, Call};
use crate::query::params::Shape;
use crate::query::xml::Xml;
use crate::query::QueryError;

fn status_of(active: bool) -> &'static str {
    if active {
        "Active"
    } else {
        "Inactive"
    }
}

pub fn create_access_key(call: &Call) -> Result<Xml, QueryError> {
    let name = call.user_name_or_caller()?;
    call.on_entity("CreateAccessKey", EntityKind::User, &name, Vec::new())?;
    let key = call
        .store()
        .create_user_key(&call.account, &name)
        .map_err(store_error)?;
    let mut out = Xml::new();
    out.open("AccessKey")
        .el("UserName", &name)
        .el("AccessKeyId", &key.access_key_id)
        .el("Status", "Active")
        .el("SecretAccessKey", &key.secret)
        .el("CreateDate", &date(crate::identity::now_ms()))
        .close("AccessKey");
    Ok(out)
}

pub fn list_access_keys(call: &Call) -> Result<Xml, QueryError> {
    let name = call.user_name_or_caller()?;
    call.on_entity("ListAccessKeys", EntityKind::User, &name, Vec::new())?;
    let keys = call
        .store()
        .user_keys(&call.account, &name)
        .map_err(store_error)?;
    let mut out = Xml::new();
    let mut tail = Xml::new();
    let page = call.page(&keys, &mut tail)?;
    out.members("AccessKeyMetadata", page, |x, k| {
        x.el("UserName", &name)
            .el("AccessKeyId", &k.access_key_id)
            .el("Status", status_of(k.active))
            .el("CreateDate", &date(k.created_ms));
    });
    out.append(tail);
    Ok(out)
}

pub fn update_access_key(call: &Call) -> Result<Xml, QueryError> {
    let name = call.user_name_or_caller()?;
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
    call.on_entity("UpdateAccessKey", EntityKind::User, &name, Vec::new())?;
    call.store()
        .set_user_key_active(&call.account, &name, id, active)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn delete_access_key(call: &Call) -> Result<Xml, QueryError> {
    let name = call.user_name_or_caller()?;
    let id = call
        .params
        .shaped("AccessKeyId", Shape::Name { max: 128 })?;
    call.on_entity("DeleteAccessKey", EntityKind::User, &name, Vec::new())?;
    call.store()
        .delete_user_key(&call.account, &name, id)
        .map_err(store_error)?;
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
