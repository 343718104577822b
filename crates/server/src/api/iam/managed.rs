//! Managed policies: customer managed ones with their versions and default version, AWS managed
//! ones (read-only), attachment to users, groups and roles, and who they are attached to.

use policy::{ContextValue, PolicyType};
use store::{EntityKind, ManagedPolicy};

use super::entities::tags_xml;
use super::protected;
use crate::api::iam::call::{date, request_tag_keys, store_error, Call};
use crate::api::iam::documents::check_document;
use crate::api::query::error::QueryError;
use crate::api::query::params::Shape;
use crate::api::query::xml::Xml;
use sigv4::percent;

const POLICY_NAME: Shape = Shape::Name { max: 128 };
const ARN: Shape = Shape::Text { max: 2048 };
const DOCUMENT: Shape = Shape::Text { max: 131_072 };

pub(super) fn policy_xml(out: &mut Xml, p: &ManagedPolicy) {
    out.el("PolicyName", &p.name)
        .el("PolicyId", &p.id)
        .el("Arn", &p.arn)
        .el("Path", &p.path)
        .el("DefaultVersionId", &p.default_version)
        .el("AttachmentCount", &p.attachment_count.to_string())
        .el(
            "PermissionsBoundaryUsageCount",
            &p.boundary_count.to_string(),
        )
        .el("IsAttachable", "true")
        .opt("Description", p.description.as_deref())
        .el("CreateDate", &date(p.created_ms))
        .el("UpdateDate", &date(p.updated_ms));
}

/// `<Policy>` with its tags, as CreatePolicy and GetPolicy answer.
fn policy_answer(policy: &ManagedPolicy, tags: &[(String, String)]) -> Xml {
    let mut out = Xml::new();
    out.open("Policy");
    policy_xml(&mut out, policy);
    if !tags.is_empty() {
        tags_xml(&mut out, tags);
    }
    out.close("Policy");
    out
}

/// The caller's own policy, to change: an AWS managed one, known or not, nobody changes.
fn customer_managed(call: &Call, arn: &str) -> Result<ManagedPolicy, QueryError> {
    if protected::is_aws_managed(arn) {
        return Err(protected::aws_managed_refusal(arn));
    }
    let policy = call.store().managed_policy(arn).map_err(store_error)?;
    match &policy.account_id {
        Some(a) if *a == call.account => Ok(policy),
        None => Err(protected::aws_managed_refusal(arn)),
        Some(_) => Err(store_error(store::StoreError::NoSuchEntity(format!(
            "Policy {arn} does not exist or is not attachable."
        )))),
    }
}

/// A policy the caller may see: its own account's or an AWS managed one (with the caller's
/// account's usage counts).
fn visible(call: &Call, arn: &str) -> Result<ManagedPolicy, QueryError> {
    let policy = call
        .store()
        .managed_policy_in(&call.account, arn)
        .map_err(store_error)?;
    if policy
        .account_id
        .as_deref()
        .is_some_and(|a| a != call.account)
    {
        return Err(store_error(store::StoreError::NoSuchEntity(format!(
            "Policy {arn} does not exist or is not attachable."
        ))));
    }
    Ok(policy)
}

fn authorize_on_policy(call: &Call, action: &str, arn: &str) -> Result<(), QueryError> {
    let mut keys = Vec::new();
    if let Ok(p) = call.store().managed_policy(arn) {
        keys.extend(call.resource_tag_keys(&p.id));
    }
    call.authorize(action, arn, keys)?;
    Ok(())
}

pub fn create_policy(call: &Call) -> Result<Xml, QueryError> {
    let p = call.params;
    let name = p.shaped("PolicyName", POLICY_NAME)?;
    let path = p.optional("Path", Shape::Path)?.unwrap_or("/");
    let document = p.shaped("PolicyDocument", DOCUMENT)?;
    let description = p.optional("Description", Shape::Text { max: 1000 })?;
    let tags = p.tags("Tags")?;
    let arn = format!("arn:aws:iam::{}:policy{path}{name}", call.account);
    call.authorize("CreatePolicy", &arn, request_tag_keys(&tags))?;
    check_document(document, PolicyType::Managed)?;
    let policy = call
        .store()
        .create_managed_policy(
            Some(&call.account),
            name,
            path,
            description,
            document,
            &tags,
        )
        .map_err(store_error)?;
    Ok(policy_answer(&policy, &tags))
}

pub fn get_policy(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    authorize_on_policy(call, "GetPolicy", arn)?;
    let policy = visible(call, arn)?;
    let tags = call.store().tags(&policy.id).map_err(store_error)?;
    Ok(policy_answer(&policy, &tags))
}

/// `Scope` All (default), AWS or Local; `OnlyAttached`; `PathPrefix` [IAM ListPolicies].
pub fn list_policies(call: &Call) -> Result<Xml, QueryError> {
    let p = call.params;
    call.authorize("ListPolicies", "*", Vec::new())?;
    let scope = p.get("Scope").unwrap_or("All");
    if !matches!(scope, "All" | "AWS" | "Local") {
        return Err(QueryError::sender(
            "ValidationError",
            format!("1 validation error detected: Value '{scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"),
        ));
    }
    let prefix = p
        .optional("PathPrefix", Shape::Text { max: 512 })?
        .unwrap_or("/");
    let only_attached = p.bool("OnlyAttached");
    // `PolicyUsageFilter` says which use "attached" means: as a permissions policy or as a
    // boundary; without it, either [IAM ListPolicies].
    let usage = usage_filter(p)?;
    let in_use = |m: &ManagedPolicy| match usage {
        Some(Usage::Permissions) => m.attachment_count > 0,
        Some(Usage::Boundary) => m.boundary_count > 0,
        None => m.attachment_count > 0 || m.boundary_count > 0,
    };
    let all: Vec<ManagedPolicy> = call
        .store()
        .managed_policies(&call.account, prefix)
        .map_err(store_error)?
        .into_iter()
        .filter(|m| match scope {
            "AWS" => m.account_id.is_none(),
            "Local" => m.account_id.is_some(),
            _ => true,
        })
        .filter(|m| !only_attached || in_use(m))
        .collect();
    let mut out = Xml::new();
    call.paged(&mut out, "Policies", &all, policy_xml)?;
    Ok(out)
}

pub fn delete_policy(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    authorize_on_policy(call, "DeletePolicy", arn)?;
    customer_managed(call, arn)?;
    call.store()
        .delete_managed_policy(arn)
        .map_err(store_error)?;
    Ok(Xml::new())
}

fn version_xml(out: &mut Xml, v: &store::PolicyVersion, with_document: bool) {
    if with_document {
        out.el("Document", &percent::encode(&v.document));
    }
    out.el("VersionId", &v.version_id)
        .el(
            "IsDefaultVersion",
            if v.is_default { "true" } else { "false" },
        )
        .el("CreateDate", &date(v.created_ms));
}

pub fn create_policy_version(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    let document = call.params.shaped("PolicyDocument", DOCUMENT)?;
    authorize_on_policy(call, "CreatePolicyVersion", arn)?;
    customer_managed(call, arn)?;
    check_document(document, PolicyType::Managed)?;
    let version = call
        .store()
        .create_policy_version(arn, document, call.params.bool("SetAsDefault"))
        .map_err(store_error)?;
    let mut out = Xml::new();
    out.open("PolicyVersion");
    version_xml(&mut out, &version, false);
    out.close("PolicyVersion");
    Ok(out)
}

pub fn get_policy_version(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    let id = call.params.shaped("VersionId", Shape::Text { max: 32 })?;
    authorize_on_policy(call, "GetPolicyVersion", arn)?;
    visible(call, arn)?;
    let version = call.store().policy_version(arn, id).map_err(store_error)?;
    let mut out = Xml::new();
    out.open("PolicyVersion");
    version_xml(&mut out, &version, true);
    out.close("PolicyVersion");
    Ok(out)
}

pub fn list_policy_versions(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    authorize_on_policy(call, "ListPolicyVersions", arn)?;
    visible(call, arn)?;
    let versions = call.store().policy_versions(arn).map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, "Versions", &versions, |x, v| {
        version_xml(x, v, false)
    })?;
    Ok(out)
}

pub fn delete_policy_version(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    let id = call.params.shaped("VersionId", Shape::Text { max: 32 })?;
    authorize_on_policy(call, "DeletePolicyVersion", arn)?;
    customer_managed(call, arn)?;
    call.store()
        .delete_policy_version(arn, id)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn set_default_policy_version(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    let id = call.params.shaped("VersionId", Shape::Text { max: 32 })?;
    authorize_on_policy(call, "SetDefaultPolicyVersion", arn)?;
    customer_managed(call, arn)?;
    call.store()
        .set_default_policy_version(arn, id)
        .map_err(store_error)?;
    Ok(Xml::new())
}

fn attachment(call: &Call, kind: EntityKind, attach: bool) -> Result<Xml, QueryError> {
    let name = call.entity_name(kind)?;
    let arn = call.params.shaped("PolicyArn", ARN)?;
    let verb = if attach { "Attach" } else { "Detach" };
    let keys = vec![(
        "iam:PolicyARN".to_string(),
        ContextValue::Single(arn.into()),
    )];
    call.on_changed_entity(&format!("{verb}{}Policy", kind.title()), kind, name, keys)?;
    visible(call, arn)?;
    let store = call.store();
    if attach {
        store.attach_policy(&call.account, kind, name, arn)
    } else {
        store.detach_policy(&call.account, kind, name, arn)
    }
    .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn attach_user_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::User, true)
}
pub fn attach_group_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::Group, true)
}
pub fn attach_role_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::Role, true)
}
pub fn detach_user_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::User, false)
}
pub fn detach_group_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::Group, false)
}
pub fn detach_role_policy(call: &Call) -> Result<Xml, QueryError> {
    attachment(call, EntityKind::Role, false)
}

fn attached(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let name = call.entity_name(kind)?;
    call.on_entity(
        &format!("ListAttached{}Policies", kind.title()),
        kind,
        name,
        Vec::new(),
    )?;
    let policies = call
        .store()
        .attached_policies(&call.account, kind, name)
        .map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, "AttachedPolicies", &policies, |x, p| {
        x.el("PolicyName", &p.name).el("PolicyArn", &p.arn);
    })?;
    Ok(out)
}

pub fn list_attached_user_policies(call: &Call) -> Result<Xml, QueryError> {
    attached(call, EntityKind::User)
}
pub fn list_attached_group_policies(call: &Call) -> Result<Xml, QueryError> {
    attached(call, EntityKind::Group)
}
pub fn list_attached_role_policies(call: &Call) -> Result<Xml, QueryError> {
    attached(call, EntityKind::Role)
}

#[derive(Clone, Copy)]
enum Usage {
    Permissions,
    Boundary,
}

fn usage_filter(p: &crate::api::query::params::Params) -> Result<Option<Usage>, QueryError> {
    match p.get("PolicyUsageFilter") {
        None => Ok(None),
        Some("PermissionsPolicy") => Ok(Some(Usage::Permissions)),
        Some("PermissionsBoundary") => Ok(Some(Usage::Boundary)),
        Some(other) => Err(QueryError::sender(
            "ValidationError",
            format!("1 validation error detected: Value '{other}' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"),
        )),
    }
}

/// `EntityFilter` (User, Role, Group; LocalManagedPolicy and AWSManagedPolicy select nothing
/// here) and `PolicyUsageFilter` (attached as a permissions policy, used as a boundary, or
/// both by default) [IAM ListEntitiesForPolicy].
pub fn list_entities_for_policy(call: &Call) -> Result<Xml, QueryError> {
    let arn = call.params.shaped("PolicyArn", ARN)?;
    authorize_on_policy(call, "ListEntitiesForPolicy", arn)?;
    visible(call, arn)?;
    let store = call.store();
    let usage = usage_filter(call.params)?;
    let mut entities = Vec::new();
    if !matches!(usage, Some(Usage::Boundary)) {
        entities.extend(store.policy_entities(arn).map_err(store_error)?);
    }
    if !matches!(usage, Some(Usage::Permissions)) {
        for e in store.boundary_entities(arn).map_err(store_error)? {
            if !entities
                .iter()
                .any(|known: &store::Entity| known.id == e.id)
            {
                entities.push(e);
            }
        }
    }
    let wanted = |kind: EntityKind| match call.params.get("EntityFilter") {
        None => true,
        Some(f) => f == kind.title(),
    };
    entities.retain(|e| e.account_id == call.account && wanted(e.kind));
    entities.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Xml::new();
    for kind in [EntityKind::Group, EntityKind::User, EntityKind::Role] {
        let of_kind: Vec<&store::Entity> = entities.iter().filter(|e| e.kind == kind).collect();
        out.members(&format!("Policy{}s", kind.title()), &of_kind, |x, e| {
            x.el(&format!("{}Name", kind.title()), &e.name)
                .el(&format!("{}Id", kind.title()), &e.id);
        });
    }
    out.el("IsTruncated", "false");
    Ok(out)
}
