//! SCPs and RCPs: create, read, change, delete, attach and detach; AWS's validation and size
//! limit (5,120 characters) [Organizations `orgs_reference_limits`].

use serde_json::{json, Value};

use super::call::{invalid, is_id, Call};
use super::organization::type_not_enabled;
use super::shapes;
use crate::api::json::error::JsonError;
use crate::organization::{
    aws_managed, random_id, Attachment, OrgPolicy, Organization, PolicyKind,
};

const MAX_CONTENT_CHARS: usize = 5_120;
const MAX_NAME_CHARS: usize = 128;
const MAX_DESCRIPTION_CHARS: usize = 512;

fn not_found() -> JsonError {
    JsonError::new(
        "PolicyNotFoundException",
        "We can't find a policy with the PolicyId that you specified.",
    )
}

fn target_not_found() -> JsonError {
    JsonError::new(
        "TargetNotFoundException",
        "We can't find a root, OU, or account with the TargetId that you specified.",
    )
}

/// Decision: AWS managed policies cannot be changed or deleted; AWS documents that they
/// cannot be edited but not the error, so Gatehouse answers as for any refused input.
fn aws_managed_refused() -> JsonError {
    invalid(
        "INVALID_INPUT",
        "You can't modify or delete an AWS managed policy.",
    )
}

/// The content as Organizations checks it when it is saved: within the size limit
/// (ConstraintViolationException), then a valid policy of its type
/// (MalformedPolicyDocumentException, naming the first problem and where it is).
fn check_content(content: &str, kind: PolicyKind) -> Result<(), JsonError> {
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(JsonError::with_reason(
            "ConstraintViolationException",
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to create a policy with content that exceeds the maximum size.",
        ));
    }
    policy::validate(content, kind.policy_type())
        .map(|_| ())
        .map_err(|e| JsonError::new("MalformedPolicyDocumentException", e.first().to_string()))
}

fn check_name(name: &str) -> Result<(), JsonError> {
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            "INVALID_INPUT",
            "A policy name must be 1 to 128 characters.",
        ));
    }
    Ok(())
}

fn check_description(description: &str) -> Result<(), JsonError> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(invalid(
            "INVALID_INPUT",
            "A policy description must be at most 512 characters.",
        ));
    }
    Ok(())
}

fn duplicate_name(org: &Organization, name: &str, except: &str) -> Result<(), JsonError> {
    if org
        .all_policies()
        .iter()
        .any(|p| p.name == name && p.id != except)
    {
        return Err(JsonError::new(
            "DuplicatePolicyException",
            "A policy with the same name already exists.",
        ));
    }
    Ok(())
}

pub fn create(call: &Call) -> Result<Value, JsonError> {
    let kind = shapes::kind_filter(call.input.string("Type")?)?;
    let name = call.input.string("Name")?.to_string();
    let description = call
        .input
        .optional("Description")?
        .unwrap_or_default()
        .to_string();
    let content = call.input.string("Content")?.to_string();
    // Standing and permission before the content: a caller who may not create policies
    // learns nothing about the document.
    call.as_management(|_| "*".into())?;
    check_name(&name)?;
    check_description(&description)?;
    check_content(&content, kind)?;
    let (org, policy) = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        duplicate_name(org, &name, "")?;
        let policy = OrgPolicy {
            id: random_id("p-", 8),
            name: name.clone(),
            description: description.clone(),
            kind,
            content: content.clone(),
        };
        org.policies.push(policy.clone());
        Ok((org.clone(), policy))
    })?;
    Ok(json!({"Policy": shapes::policy(&org, &policy)}))
}

pub fn describe(call: &Call) -> Result<Value, JsonError> {
    let id = call.input.shaped("PolicyId", is_id)?;
    let doc = call.as_management(|org| org.arn_of(id))?;
    let org = call.managed_org(&doc)?;
    let policy = org.policy(id).ok_or_else(not_found)?;
    Ok(json!({"Policy": shapes::policy(org, &policy)}))
}

pub fn update(call: &Call) -> Result<Value, JsonError> {
    let id = call.input.shaped("PolicyId", is_id)?.to_string();
    let name = call.input.optional("Name")?.map(str::to_string);
    let description = call.input.optional("Description")?.map(str::to_string);
    let content = call.input.optional("Content")?.map(str::to_string);
    call.as_management(|org| org.arn_of(&id))?;
    if let Some(n) = &name {
        check_name(n)?;
    }
    if let Some(d) = &description {
        check_description(d)?;
    }
    let (org, policy) = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if aws_managed(&id).is_some() {
            return Err(aws_managed_refused());
        }
        let kind = org.policy(&id).ok_or_else(not_found)?.kind;
        if let Some(c) = &content {
            check_content(c, kind)?;
        }
        if let Some(n) = &name {
            duplicate_name(org, n, &id)?;
        }
        let p = org
            .policies
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(not_found)?;
        if let Some(n) = name {
            p.name = n;
        }
        if let Some(d) = description {
            p.description = d;
        }
        if let Some(c) = content {
            p.content = c;
        }
        let p = p.clone();
        Ok((org.clone(), p))
    })?;
    Ok(json!({"Policy": shapes::policy(&org, &policy)}))
}

pub fn delete(call: &Call) -> Result<Value, JsonError> {
    let id = call.input.shaped("PolicyId", is_id)?.to_string();
    call.as_management(|org| org.arn_of(&id))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if aws_managed(&id).is_some() {
            return Err(aws_managed_refused());
        }
        org.policy(&id).ok_or_else(not_found)?;
        if org.attachments.iter().any(|a| a.policy == id) {
            return Err(JsonError::new(
                "PolicyInUseException",
                "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
            ));
        }
        org.policies.retain(|p| p.id != id);
        Ok(())
    })?;
    Ok(json!({}))
}

fn attachment(call: &Call) -> Result<(String, String), JsonError> {
    Ok((
        call.input.shaped("PolicyId", is_id)?.to_string(),
        call.input.shaped("TargetId", is_id)?.to_string(),
    ))
}

pub fn attach(call: &Call) -> Result<Value, JsonError> {
    let (policy, target) = attachment(call)?;
    call.as_management(|org| org.arn_of(&policy))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        let kind = org.policy(&policy).ok_or_else(not_found)?.kind;
        if !org.enabled_types.contains(&kind) {
            return Err(type_not_enabled());
        }
        if !org.is_target(&target) {
            return Err(target_not_found());
        }
        let a = Attachment {
            policy: policy.clone(),
            target: target.clone(),
        };
        if org.attachments.contains(&a) {
            return Err(JsonError::new(
                "DuplicatePolicyAttachmentException",
                "The selected policy is already attached to the specified target.",
            ));
        }
        org.attachments.push(a);
        Ok(())
    })?;
    Ok(json!({}))
}

/// RCPFullAWSAccess stays attached, and every target keeps at least one SCP while SCPs are
/// enabled [Organizations `orgs_manage_policies_scps_attach`: "you can't detach the last SCP"].
pub fn detach(call: &Call) -> Result<Value, JsonError> {
    let (policy, target) = attachment(call)?;
    call.as_management(|org| org.arn_of(&policy))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        let kind = org.policy(&policy).ok_or_else(not_found)?.kind;
        if !org.is_target(&target) {
            return Err(target_not_found());
        }
        let a = Attachment {
            policy: policy.clone(),
            target: target.clone(),
        };
        if !org.attachments.contains(&a) {
            return Err(JsonError::new(
                "PolicyNotAttachedException",
                "The policy isn't attached to the specified target in the specified root.",
            ));
        }
        if policy == crate::organization::RCP_FULL_AWS_ACCESS {
            return Err(JsonError::with_reason(
                "ConstraintViolationException",
                "CANNOT_REMOVE_MANAGED_POLICY",
                "You can't detach the RCPFullAWSAccess policy.",
            ));
        }
        if kind == PolicyKind::Scp && org.attached(&target, kind).len() == 1 {
            return Err(JsonError::with_reason(
                "ConstraintViolationException",
                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.",
            ));
        }
        org.attachments.retain(|x| *x != a);
        Ok(())
    })?;
    Ok(json!({}))
}

pub fn list(call: &Call) -> Result<Value, JsonError> {
    let kind = shapes::kind_filter(call.input.string("Filter")?)?;
    let doc = call.as_management(|_| "*".into())?;
    let org = call.managed_org(&doc)?;
    let policies: Vec<Value> = org
        .all_policies()
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| shapes::policy_summary(org, p))
        .collect();
    Ok(json!({"Policies": policies}))
}

pub fn list_for_target(call: &Call) -> Result<Value, JsonError> {
    let target = call.input.shaped("TargetId", is_id)?;
    let kind = shapes::kind_filter(call.input.string("Filter")?)?;
    let doc = call.as_management(|org| org.arn_of(target))?;
    let org = call.managed_org(&doc)?;
    if !org.is_target(target) {
        return Err(target_not_found());
    }
    if !org.enabled_types.contains(&kind) {
        return Err(type_not_enabled());
    }
    let policies: Vec<Value> = org
        .attached(target, kind)
        .iter()
        .map(|p| shapes::policy_summary(org, p))
        .collect();
    Ok(json!({"Policies": policies}))
}

pub fn list_targets(call: &Call) -> Result<Value, JsonError> {
    let policy = call.input.shaped("PolicyId", is_id)?;
    let doc = call.as_management(|org| org.arn_of(policy))?;
    let org = call.managed_org(&doc)?;
    org.policy(policy).ok_or_else(not_found)?;
    let targets: Vec<Value> = org
        .attachments
        .iter()
        .filter(|a| a.policy == policy)
        .map(|a| shapes::target(call.gatehouse, org, &a.target))
        .collect();
    Ok(json!({"Targets": targets}))
}
