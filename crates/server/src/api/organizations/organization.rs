//! The organization itself: create, describe, delete; its root and the policy types enabled
//! on it.

use serde_json::{json, Value};

use super::call::{invalid, Call};
use super::shapes;
use crate::api::json::error::JsonError;
use crate::organization::{Organization, PolicyKind};

/// CreateOrganization: the caller's account becomes the management account. Decision:
/// Gatehouse makes only all-features organizations (the kind SCPs and RCPs need); a request
/// for CONSOLIDATED_BILLING is refused rather than half served.
pub fn create(call: &Call) -> Result<Value, JsonError> {
    match call.input.optional("FeatureSet")? {
        None | Some("ALL") => {}
        Some(other) => {
            return Err(invalid(
                "INVALID_ENUM",
                format!("FeatureSet {other} is not supported here: only ALL."),
            ))
        }
    }
    call.authorize("*")?;
    let account = call.account().to_string();
    let now = audit::clock::now_secs();
    let org = call.change(|doc| {
        if doc.of_account(&account).is_some() {
            return Err(JsonError::new(
                "AlreadyInOrganizationException",
                "The AWS account is already a member of an organization.",
            ));
        }
        let org = Organization::new(&account, Vec::new(), now);
        doc.organizations.push(org.clone());
        Ok(org)
    })?;
    Ok(json!({"Organization": shapes::organization(call.gatehouse, &org)}))
}

/// Any member may describe its organization.
pub fn describe(call: &Call) -> Result<Value, JsonError> {
    let doc = call.read()?;
    let org = call.member_org(&doc)?;
    call.authorize("*")?;
    Ok(json!({"Organization": shapes::organization(call.gatehouse, org)}))
}

/// Only the management account may be left [Organizations DeleteOrganization: "you must first
/// remove all member accounts"]; its OUs and policies go with it, open invitations are
/// canceled.
pub fn delete(call: &Call) -> Result<Value, JsonError> {
    call.as_management(|org| org.arn())?;
    let account = call.account().to_string();
    call.change(|doc| {
        let org = call.managed_org(doc)?;
        if org.accounts.len() > 1 {
            return Err(JsonError::new(
                "OrganizationNotEmptyException",
                "To delete an organization you must first remove all member accounts (except the master).",
            ));
        }
        let id = org.id.clone();
        doc.organizations.retain(|o| o.management_account != account);
        for h in doc.handshakes.iter_mut().filter(|h| h.organization == id) {
            if h.state == "OPEN" {
                h.state = "CANCELED".into();
            }
        }
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn list_roots(call: &Call) -> Result<Value, JsonError> {
    let doc = call.as_management(|_| "*".into())?;
    let org = call.managed_org(&doc)?;
    Ok(json!({"Roots": [shapes::root(org)]}))
}

fn policy_type(call: &Call) -> Result<(String, PolicyKind), JsonError> {
    let root = call.input.shaped("RootId", super::call::is_id)?.to_string();
    let kind = shapes::kind_filter(call.input.string("PolicyType")?)?;
    Ok((root, kind))
}

/// Enabling a type attaches its full-access policy to the root, every OU and every account
/// [Organizations `orgs_manage_policies_scps`, `orgs_manage_policies_rcps`].
pub fn enable_policy_type(call: &Call) -> Result<Value, JsonError> {
    let (root, kind) = policy_type(call)?;
    call.as_management(|org| org.arn_of(&root))?;
    let org = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if org.root_id != root {
            return Err(root_not_found());
        }
        if org.enabled_types.contains(&kind) {
            return Err(JsonError::new(
                "PolicyTypeAlreadyEnabledException",
                "The specified policy type is already enabled.",
            ));
        }
        org.enabled_types.push(kind);
        for target in org.targets() {
            org.attachments.push(crate::organization::Attachment {
                policy: kind.full_access().to_string(),
                target,
            });
        }
        Ok(org.clone())
    })?;
    Ok(json!({"Root": shapes::root(&org)}))
}

/// Disabling a type detaches every policy of that type everywhere.
pub fn disable_policy_type(call: &Call) -> Result<Value, JsonError> {
    let (root, kind) = policy_type(call)?;
    call.as_management(|org| org.arn_of(&root))?;
    let org = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if org.root_id != root {
            return Err(root_not_found());
        }
        if !org.enabled_types.contains(&kind) {
            return Err(type_not_enabled());
        }
        let of_kind: Vec<String> = org
            .all_policies()
            .into_iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.id)
            .collect();
        org.attachments.retain(|a| !of_kind.contains(&a.policy));
        org.enabled_types.retain(|k| *k != kind);
        Ok(org.clone())
    })?;
    Ok(json!({"Root": shapes::root(&org)}))
}

fn root_not_found() -> JsonError {
    JsonError::new(
        "RootNotFoundException",
        "We can't find a root with the RootId that you specified.",
    )
}

pub fn type_not_enabled() -> JsonError {
    JsonError::new(
        "PolicyTypeNotEnabledException",
        "This operation can be performed only for enabled policy types.",
    )
}
