//! Permissions boundaries of users and roles: Put/Delete{User,Role}PermissionsBoundary. The
//! boundary's ARN is the request's `iam:PermissionsBoundary` key, so a policy can say which
//! boundaries may be set [IAM `access_policies_boundaries`].

use policy::ContextValue;
use store::EntityKind;

use super::call::{store_error, Call};
use super::entities::boundary_param;
use crate::api::query::error::QueryError;
use crate::api::query::xml::Xml;

fn boundary(call: &Call, kind: EntityKind, put: bool) -> Result<Xml, QueryError> {
    let noun = kind.title();
    let name = call.entity_name(kind)?;
    let arn = if put {
        let arn = boundary_param(call.params)?.ok_or_else(|| {
            QueryError::sender(
                "ValidationError",
                "1 validation error detected: Value null at 'permissionsBoundary' failed to satisfy constraint: Member must not be null",
            )
        })?;
        Some(arn)
    } else {
        None
    };
    let action = if put {
        format!("Put{noun}PermissionsBoundary")
    } else {
        format!("Delete{noun}PermissionsBoundary")
    };
    let keys = arn
        .map(|a| {
            vec![(
                "iam:PermissionsBoundary".to_string(),
                ContextValue::Single(a.into()),
            )]
        })
        .unwrap_or_default();
    call.on_changed_entity(&action, kind, name, keys)?;
    call.store()
        .set_boundary(&call.account, kind, name, arn)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn put_user_boundary(call: &Call) -> Result<Xml, QueryError> {
    boundary(call, EntityKind::User, true)
}

pub fn delete_user_boundary(call: &Call) -> Result<Xml, QueryError> {
    boundary(call, EntityKind::User, false)
}

pub fn put_role_boundary(call: &Call) -> Result<Xml, QueryError> {
    boundary(call, EntityKind::Role, true)
}

pub fn delete_role_boundary(call: &Call) -> Result<Xml, QueryError> {
    boundary(call, EntityKind::Role, false)
}
