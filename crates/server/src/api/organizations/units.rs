//! Organizational units, the tree's parents and children, and moving accounts.

use serde_json::{json, Value};

use super::call::{invalid, is_id, Call};
use super::shapes;
use crate::api::json::error::JsonError;
use crate::organization::{random_id, Organization, Unit};

fn not_found() -> JsonError {
    JsonError::new(
        "OrganizationalUnitNotFoundException",
        "We can't find an OU with the OrganizationalUnitId that you specified.",
    )
}

fn parent_not_found() -> JsonError {
    JsonError::new(
        "ParentNotFoundException",
        "We can't find a root or OU with the ParentId that you specified.",
    )
}

fn is_parent(org: &Organization, id: &str) -> bool {
    id == org.root_id || org.unit(id).is_some()
}

fn name(call: &Call) -> Result<String, JsonError> {
    let name = call.input.string("Name")?;
    if name.is_empty() || name.chars().count() > 128 {
        return Err(invalid(
            "INVALID_INPUT",
            "An OU name must be 1 to 128 characters.",
        ));
    }
    Ok(name.to_string())
}

fn duplicate(org: &Organization, parent: &str, name: &str, except: &str) -> Result<(), JsonError> {
    if org
        .units
        .iter()
        .any(|u| u.parent == parent && u.name == name && u.id != except)
    {
        return Err(JsonError::new(
            "DuplicateOrganizationalUnitException",
            "An OU with the same name already exists.",
        ));
    }
    Ok(())
}

/// OUs nest at most five levels below the root [Organizations quotas, "OU maximum nesting"].
const MAX_DEPTH: usize = 5;

pub fn create(call: &Call) -> Result<Value, JsonError> {
    let parent = call.input.shaped("ParentId", is_id)?.to_string();
    let name = name(call)?;
    call.as_management(|org| org.arn_of(&parent))?;
    let (org, id) = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if !is_parent(org, &parent) {
            return Err(parent_not_found());
        }
        // The path holds the root and each OU down to the parent.
        if org.path_to(&parent).len() > MAX_DEPTH {
            return Err(JsonError::with_reason(
                "ConstraintViolationException",
                "OU_DEPTH_LIMIT_EXCEEDED",
                "You attempted to create an OU tree that is too many levels deep.",
            ));
        }
        duplicate(org, &parent, &name, "")?;
        let id = format!("ou-{}-{}", &org.root_id[2..], &random_id("", 8));
        org.units.push(Unit {
            id: id.clone(),
            name: name.clone(),
            parent: parent.clone(),
        });
        org.attach_full_access(&id);
        Ok((org.clone(), id))
    })?;
    Ok(json!({"OrganizationalUnit": shapes::unit(&org, &id)}))
}

pub fn describe(call: &Call) -> Result<Value, JsonError> {
    let id = call.input.shaped("OrganizationalUnitId", is_id)?;
    let doc = call.as_management(|org| org.arn_of(id))?;
    let org = call.managed_org(&doc)?;
    org.unit(id).ok_or_else(not_found)?;
    Ok(json!({"OrganizationalUnit": shapes::unit(org, id)}))
}

pub fn update(call: &Call) -> Result<Value, JsonError> {
    let id = call
        .input
        .shaped("OrganizationalUnitId", is_id)?
        .to_string();
    let name = name(call)?;
    call.as_management(|org| org.arn_of(&id))?;
    let org = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        let parent = org.unit(&id).ok_or_else(not_found)?.parent.clone();
        duplicate(org, &parent, &name, &id)?;
        if let Some(u) = org.units.iter_mut().find(|u| u.id == id) {
            u.name = name.clone();
        }
        Ok(org.clone())
    })?;
    Ok(json!({"OrganizationalUnit": shapes::unit(&org, &id)}))
}

pub fn delete(call: &Call) -> Result<Value, JsonError> {
    let id = call
        .input
        .shaped("OrganizationalUnitId", is_id)?
        .to_string();
    call.as_management(|org| org.arn_of(&id))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        org.unit(&id).ok_or_else(not_found)?;
        if org.units.iter().any(|u| u.parent == id) || org.accounts.iter().any(|m| m.parent == id) {
            return Err(JsonError::new(
                "OrganizationalUnitNotEmptyException",
                "The specified OU is not empty. Move all accounts to another root or OU and remove all child OUs, then try the operation again.",
            ));
        }
        org.forget(&id);
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn list_for_parent(call: &Call) -> Result<Value, JsonError> {
    let parent = call.input.shaped("ParentId", is_id)?;
    let doc = call.as_management(|org| org.arn_of(parent))?;
    let org = call.managed_org(&doc)?;
    if !is_parent(org, parent) {
        return Err(parent_not_found());
    }
    let units: Vec<Value> = org
        .units
        .iter()
        .filter(|u| u.parent == parent)
        .map(|u| shapes::unit(org, &u.id))
        .collect();
    Ok(json!({"OrganizationalUnits": units}))
}

pub fn list_children(call: &Call) -> Result<Value, JsonError> {
    let parent = call.input.shaped("ParentId", is_id)?;
    let kind = call.input.string("ChildType")?;
    let doc = call.as_management(|org| org.arn_of(parent))?;
    let org = call.managed_org(&doc)?;
    if !is_parent(org, parent) {
        return Err(parent_not_found());
    }
    let ids: Vec<&str> = match kind {
        "ACCOUNT" => org
            .accounts
            .iter()
            .filter(|m| m.parent == parent)
            .map(|m| m.id.as_str())
            .collect(),
        "ORGANIZATIONAL_UNIT" => org
            .units
            .iter()
            .filter(|u| u.parent == parent)
            .map(|u| u.id.as_str())
            .collect(),
        _ => {
            return Err(invalid(
                "INVALID_ENUM",
                "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.",
            ))
        }
    };
    let children: Vec<Value> = ids
        .into_iter()
        .map(|id| json!({"Id": id, "Type": kind}))
        .collect();
    Ok(json!({"Children": children}))
}

pub fn list_parents(call: &Call) -> Result<Value, JsonError> {
    let child = call.input.shaped("ChildId", is_id)?;
    let doc = call.as_management(|org| org.arn_of(child))?;
    let org = call.managed_org(&doc)?;
    let parent = org.parent_of(child).ok_or_else(|| {
        JsonError::new(
            "ChildNotFoundException",
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
        )
    })?;
    let kind = if parent == org.root_id {
        "ROOT"
    } else {
        "ORGANIZATIONAL_UNIT"
    };
    Ok(json!({"Parents": [{"Id": parent, "Type": kind}]}))
}

pub fn move_account(call: &Call) -> Result<Value, JsonError> {
    let account = call.input.shaped("AccountId", is_id)?.to_string();
    let source = call.input.shaped("SourceParentId", is_id)?.to_string();
    let destination = call.input.shaped("DestinationParentId", is_id)?.to_string();
    call.as_management(|org| org.arn_of(&account))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if !is_parent(org, &source) {
            return Err(JsonError::new(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ));
        }
        if !is_parent(org, &destination) {
            return Err(JsonError::new(
                "DestinationParentNotFoundException",
                "We can't find a destination root or OU with the ParentId that you specified.",
            ));
        }
        let member = org
            .accounts
            .iter_mut()
            .find(|m| m.id == account)
            .ok_or_else(super::accounts::account_not_found)?;
        if member.parent != source {
            return Err(super::accounts::account_not_found());
        }
        if source == destination {
            return Err(JsonError::new(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ));
        }
        member.parent = destination.clone();
        Ok(())
    })?;
    Ok(json!({}))
}
