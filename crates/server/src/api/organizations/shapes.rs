//! The API's shapes of an organization's parts, as the botocore model names their fields.
//! Timestamps are epoch seconds (the JSON protocol's form).

use serde_json::{json, Value};

use crate::organization::{Handshake, OrgPolicy, Organization, PolicyKind};
use crate::state::Gatehouse;

pub fn organization(gatehouse: &Gatehouse, org: &Organization) -> Value {
    let management = &org.management_account;
    let email = gatehouse.account_email(management).unwrap_or_default();
    json!({
        "Id": org.id,
        "Arn": org.arn(),
        "FeatureSet": "ALL",
        "MasterAccountArn": org.arn_of(management),
        "MasterAccountId": management,
        "MasterAccountEmail": email,
        "AvailablePolicyTypes": policy_types(org),
    })
}

fn policy_types(org: &Organization) -> Vec<Value> {
    org.enabled_types
        .iter()
        .map(|t| json!({"Type": t.as_str(), "Status": "ENABLED"}))
        .collect()
}

pub fn root(org: &Organization) -> Value {
    json!({
        "Id": org.root_id,
        "Arn": org.arn_of(&org.root_id),
        "Name": "Root",
        "PolicyTypes": policy_types(org),
    })
}

pub fn unit(org: &Organization, id: &str) -> Value {
    let name = org.unit(id).map(|u| u.name.as_str()).unwrap_or_default();
    json!({"Id": id, "Arn": org.arn_of(id), "Name": name})
}

pub fn account(gatehouse: &Gatehouse, org: &Organization, id: &str) -> Value {
    let member = org.member(id);
    json!({
        "Id": id,
        "Arn": org.arn_of(id),
        "Email": gatehouse.account_email(id).unwrap_or_default(),
        "Name": gatehouse.account_name(id).unwrap_or_default(),
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "JoinedMethod": member.map(|m| m.joined_method.as_str()).unwrap_or("INVITED"),
        "JoinedTimestamp": member.map(|m| m.joined_secs).unwrap_or(0),
    })
}

pub fn policy_summary(org: &Organization, p: &OrgPolicy) -> Value {
    json!({
        "Id": p.id,
        "Arn": org.arn_of(&p.id),
        "Name": p.name,
        "Description": p.description,
        "Type": p.kind.as_str(),
        "AwsManaged": crate::organization::aws_managed(&p.id).is_some(),
    })
}

pub fn policy(org: &Organization, p: &OrgPolicy) -> Value {
    json!({"PolicySummary": policy_summary(org, p), "Content": p.content})
}

/// A root, OU or account as a policy target.
pub fn target(gatehouse: &Gatehouse, org: &Organization, id: &str) -> Value {
    let (kind, name) = if id == org.root_id {
        ("ROOT", "Root".to_string())
    } else if let Some(u) = org.unit(id) {
        ("ORGANIZATIONAL_UNIT", u.name.clone())
    } else {
        ("ACCOUNT", gatehouse.account_name(id).unwrap_or_default())
    };
    json!({"TargetId": id, "Arn": org.arn_of(id), "Name": name, "Type": kind})
}

pub fn handshake(h: &Handshake) -> Value {
    json!({
        "Id": h.id,
        "Arn": format!(
            "arn:aws:organizations::{}:handshake/{}/invite/{}",
            h.management_account, h.organization, h.id
        ),
        "Parties": [
            {"Id": h.organization, "Type": "ORGANIZATION"},
            {"Id": h.target, "Type": "ACCOUNT"},
        ],
        "State": h.state,
        "RequestedTimestamp": h.requested_secs,
        "ExpirationTimestamp": h.expires_secs,
        "Action": "INVITE",
        "Resources": [
            {"Value": h.organization, "Type": "ORGANIZATION"},
            {"Value": h.management_account, "Type": "MASTER_ACCOUNT"},
        ],
    })
}

/// `Filter` of the list calls: a policy type.
pub fn kind_filter(filter: &str) -> Result<PolicyKind, crate::api::json::error::JsonError> {
    PolicyKind::parse(filter).ok_or_else(|| {
        crate::api::json::error::JsonError::new(
            "PolicyTypeNotAvailableForOrganizationException",
            format!("The policy type {filter} is not available for this organization."),
        )
    })
}
