//! Group membership: AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.

use store::EntityKind;

use super::call::{store_error, Call};
use super::entities::entity_xml;
use crate::api::query::error::QueryError;
use crate::api::query::xml::Xml;

fn membership(call: &Call, add: bool) -> Result<Xml, QueryError> {
    let group = call.entity_name(EntityKind::Group)?;
    let user = call.entity_name(EntityKind::User)?;
    let action = if add {
        "AddUserToGroup"
    } else {
        "RemoveUserFromGroup"
    };
    call.on_entity(action, EntityKind::Group, group, Vec::new())?;
    let store = call.store();
    if add {
        store.add_user_to_group(&call.account, group, user)
    } else {
        store.remove_user_from_group(&call.account, group, user)
    }
    .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn add_user_to_group(call: &Call) -> Result<Xml, QueryError> {
    membership(call, true)
}

pub fn remove_user_from_group(call: &Call) -> Result<Xml, QueryError> {
    membership(call, false)
}

pub fn list_groups_for_user(call: &Call) -> Result<Xml, QueryError> {
    let name = call.entity_name(EntityKind::User)?;
    let user = call.on_entity("ListGroupsForUser", EntityKind::User, name, Vec::new())?;
    let groups = call.store().groups_of(&user.id).map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, "Groups", &groups, |x, g| {
        entity_xml(call, x, g, false)
    })?;
    Ok(out)
}
