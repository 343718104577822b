//! The IAM API (Query protocol, version 2010-05-08). Every call is itself authorized
//! (`iam:CreateUser` on the user's ARN, ...), against the caller's own account: IAM manages the
//! account the caller belongs to. Authorization comes before existence, as on AWS, so a caller
//! without permission learns nothing about what exists.

mod absent;
mod account;
pub mod aws_managed;
mod entities;
mod inline;
mod keys;
mod managed;
mod protected;
mod simulate;
mod tags;

use authz::Decision;
use policy::{ContextValue, PolicyType};
use store::{Entity, EntityKind, StoreError};

use crate::api::query::params::{Params, Shape};
use crate::api::query::xml::Xml;
use crate::api::query::QueryError;
use crate::authorize::{check_in_own_account, iso8601};
use crate::caller::Caller;
use crate::state::Gatehouse;

pub const NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// One IAM call: who, on which account, with what.
pub struct Call<'a> {
    pub gatehouse: &'a Gatehouse,
    pub caller: &'a Caller,
    pub account: String,
    pub params: &'a Params,
}

type Handler = fn(&Call) -> Result<Xml, QueryError>;

fn handler(action: &str) -> Option<Handler> {
    use entities::*;
    let h: Handler = match action {
        "CreateUser" => create_user,
        "GetUser" => get_user,
        "ListUsers" => list_users,
        "UpdateUser" => update_user,
        "DeleteUser" => delete_user,
        "CreateGroup" => create_group,
        "GetGroup" => get_group,
        "ListGroups" => list_groups,
        "UpdateGroup" => update_group,
        "DeleteGroup" => delete_group,
        "AddUserToGroup" => add_user_to_group,
        "RemoveUserFromGroup" => remove_user_from_group,
        "ListGroupsForUser" => list_groups_for_user,
        "CreateRole" => create_role,
        "GetRole" => get_role,
        "ListRoles" => list_roles,
        "UpdateRole" => update_role,
        "UpdateRoleDescription" => update_role_description,
        "UpdateAssumeRolePolicy" => update_assume_role_policy,
        "DeleteRole" => delete_role,
        "PutUserPermissionsBoundary" => put_user_boundary,
        "DeleteUserPermissionsBoundary" => delete_user_boundary,
        "PutRolePermissionsBoundary" => put_role_boundary,
        "DeleteRolePermissionsBoundary" => delete_role_boundary,
        "CreateAccessKey" => keys::create_access_key,
        "ListAccessKeys" => keys::list_access_keys,
        "UpdateAccessKey" => keys::update_access_key,
        "DeleteAccessKey" => keys::delete_access_key,
        "GetAccessKeyLastUsed" => keys::get_access_key_last_used,
        "PutUserPolicy" => inline::put_user_policy,
        "PutGroupPolicy" => inline::put_group_policy,
        "PutRolePolicy" => inline::put_role_policy,
        "GetUserPolicy" => inline::get_user_policy,
        "GetGroupPolicy" => inline::get_group_policy,
        "GetRolePolicy" => inline::get_role_policy,
        "ListUserPolicies" => inline::list_user_policies,
        "ListGroupPolicies" => inline::list_group_policies,
        "ListRolePolicies" => inline::list_role_policies,
        "DeleteUserPolicy" => inline::delete_user_policy,
        "DeleteGroupPolicy" => inline::delete_group_policy,
        "DeleteRolePolicy" => inline::delete_role_policy,
        "CreatePolicy" => managed::create_policy,
        "GetPolicy" => managed::get_policy,
        "ListPolicies" => managed::list_policies,
        "DeletePolicy" => managed::delete_policy,
        "CreatePolicyVersion" => managed::create_policy_version,
        "GetPolicyVersion" => managed::get_policy_version,
        "ListPolicyVersions" => managed::list_policy_versions,
        "DeletePolicyVersion" => managed::delete_policy_version,
        "SetDefaultPolicyVersion" => managed::set_default_policy_version,
        "AttachUserPolicy" => managed::attach_user_policy,
        "AttachGroupPolicy" => managed::attach_group_policy,
        "AttachRolePolicy" => managed::attach_role_policy,
        "DetachUserPolicy" => managed::detach_user_policy,
        "DetachGroupPolicy" => managed::detach_group_policy,
        "DetachRolePolicy" => managed::detach_role_policy,
        "ListAttachedUserPolicies" => managed::list_attached_user_policies,
        "ListAttachedGroupPolicies" => managed::list_attached_group_policies,
        "ListAttachedRolePolicies" => managed::list_attached_role_policies,
        "ListEntitiesForPolicy" => managed::list_entities_for_policy,
        "TagUser" => tags::tag_user,
        "UntagUser" => tags::untag_user,
        "ListUserTags" => tags::list_user_tags,
        "TagRole" => tags::tag_role,
        "UntagRole" => tags::untag_role,
        "ListRoleTags" => tags::list_role_tags,
        "TagPolicy" => tags::tag_policy,
        "UntagPolicy" => tags::untag_policy,
        "ListPolicyTags" => tags::list_policy_tags,
        "GetAccountAuthorizationDetails" => account::get_account_authorization_details,
        "GetAccountSummary" => account::get_account_summary,
        "SimulatePrincipalPolicy" => simulate::simulate_principal_policy,
        "SimulateCustomPolicy" => simulate::simulate_custom_policy,
        "ListInstanceProfilesForRole" => absent::list_instance_profiles_for_role,
        "ListInstanceProfiles" => absent::list_instance_profiles,
        "ListMFADevices" => absent::list_mfa_devices,
        "ListSigningCertificates" => absent::list_signing_certificates,
        "ListSSHPublicKeys" => absent::list_ssh_public_keys,
        "ListServiceSpecificCredentials" => absent::list_service_specific_credentials,
        "ListAccountAliases" => absent::list_account_aliases,
        "GetLoginProfile" => absent::get_login_profile,
        _ => return None,
    };
    Some(h)
}

pub fn dispatch(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, QueryError> {
    let Some(handle) = handler(action) else {
        return Err(QueryError::invalid_action(action, "2010-05-08"));
    };
    let Some(account) = caller.account().map(str::to_string) else {
        return Err(QueryError::forbidden(
            "AccessDenied",
            "Anonymous callers cannot call IAM.".into(),
        ));
    };
    // Credentials from GetSessionToken call IAM only with MFA [STS GetSessionToken: "You
    // cannot call any IAM API operations unless MFA authentication information is included in
    // the request"]; Gatehouse has no MFA, so never.
    let p = caller.principal().kind;
    if caller.identity.session_tags.is_some()
        && matches!(
            p,
            policy::PrincipalType::User | policy::PrincipalType::Account
        )
    {
        return Err(QueryError::forbidden(
            "InvalidClientTokenId",
            "The security token included in the request is invalid".into(),
        ));
    }
    let call = Call {
        gatehouse,
        caller,
        account,
        params,
    };
    Ok(handle(&call)?.answer(action, NS, request_id))
}

pub fn store_error(e: StoreError) -> QueryError {
    use http::StatusCode;
    let (status, code, message) = match e {
        StoreError::NoSuchEntity(m) => (StatusCode::NOT_FOUND, "NoSuchEntity", m),
        StoreError::EntityAlreadyExists(m) => (StatusCode::CONFLICT, "EntityAlreadyExists", m),
        StoreError::DeleteConflict(m) => (StatusCode::CONFLICT, "DeleteConflict", m),
        StoreError::LimitExceeded(m) => (StatusCode::CONFLICT, "LimitExceeded", m),
        other => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailure",
            other.to_string(),
        ),
    };
    QueryError {
        status,
        code,
        message,
        headers: Vec::new(),
    }
}

/// IAM's answer to a document it refuses: `MalformedPolicyDocument`, naming the first problem
/// and where it is.
pub fn check_document(text: &str, kind: PolicyType) -> Result<(), QueryError> {
    policy::validate(text, kind)
        .map(|_| ())
        .map_err(|e| QueryError::sender("MalformedPolicyDocument", e.first().to_string()))
}

/// A role's trust policy: valid, and every IAM user or role it names exists; returns each
/// named user or role bound to its unique id. IAM resolves named principals when the policy is
/// saved and refuses one that does not exist [IAM `reference_policies_elements_principal`: "If
/// the principal ... is deleted ... or does not exist ... Invalid principal in policy"].
/// Accounts (`123456789012`, `:root`) need not be known.
pub fn check_trust_document(
    store: &store::Store,
    text: &str,
) -> Result<Vec<crate::principal_binding::Binding>, QueryError> {
    let policy = policy::validate(text, PolicyType::Trust)
        .map_err(|e| QueryError::sender("MalformedPolicyDocument", e.first().to_string()))?;
    let mut bound = Vec::new();
    for statement in &policy.statements {
        let Some(principals) = &statement.principal else {
            continue;
        };
        for entry in &principals.entries {
            let named = entry.kind == policy::document::PrincipalKind::Aws
                && entry.value.starts_with("arn:aws:iam::")
                && (entry.value.contains(":user/") || entry.value.contains(":role/"));
            if !named {
                continue;
            }
            match store.entity_by_arn(&entry.value).map_err(store_error)? {
                Some(entity) => bound.push((entry.value.clone(), entity.id)),
                None => {
                    let at = principals.span.start;
                    return Err(QueryError::sender(
                        "MalformedPolicyDocument",
                        format!(
                            "Invalid principal in policy: \"AWS\":\"{}\" (line {}, column {})",
                            entry.value, at.line, at.column
                        ),
                    ));
                }
            }
        }
    }
    bound.sort();
    bound.dedup();
    Ok(bound)
}

pub fn date(ms: i64) -> String {
    iso8601((ms.max(0) / 1000) as u64)
}

impl Call<'_> {
    pub fn store(&self) -> &store::Store {
        &self.gatehouse.store
    }

    /// Is the caller allowed `iam:ACTION` on `resource`, with these request keys (kept when
    /// the catalogue says the action carries them)?
    pub fn authorize(
        &self,
        action: &str,
        resource: &str,
        keys: Vec<(String, ContextValue)>,
    ) -> Result<Decision, QueryError> {
        check_in_own_account(
            self.gatehouse,
            self.caller,
            &format!("iam:{action}"),
            resource,
            keys,
        )
        .map_err(QueryError::access_denied)
    }

    /// The ARN an action on the named entity is authorized against: the entity's (with its
    /// path) when it exists, else the ARN it would have at the root path.
    pub fn entity_arn(&self, kind: EntityKind, name: &str) -> (String, Option<Entity>) {
        match self.store().entity(&self.account, kind, name) {
            Ok(e) => (e.arn.clone(), Some(e)),
            Err(_) => (
                format!("arn:aws:iam::{}:{}/{name}", self.account, kind.as_str()),
                None,
            ),
        }
    }

    /// Authorizes `action` on the named user, group or role and returns it.
    pub fn on_entity(
        &self,
        action: &str,
        kind: EntityKind,
        name: &str,
        keys: Vec<(String, ContextValue)>,
    ) -> Result<Entity, QueryError> {
        let (arn, entity) = self.entity_arn(kind, name);
        let mut keys = keys;
        if let Some(e) = &entity {
            keys.extend(self.resource_tag_keys(&e.id));
        }
        self.authorize(action, &arn, keys)?;
        entity.ok_or_else(|| {
            store_error(store::StoreError::NoSuchEntity(format!(
                "The {} with name {name} cannot be found.",
                kind.noun()
            )))
        })
    }

    /// `aws:ResourceTag/*` (and `iam:ResourceTag/*`) of a tagged user, role or policy.
    pub fn resource_tag_keys(&self, owner_id: &str) -> Vec<(String, ContextValue)> {
        let mut keys = Vec::new();
        for (k, v) in self.store().tags(owner_id).unwrap_or_default() {
            keys.push((
                format!("aws:ResourceTag/{k}"),
                ContextValue::Single(v.clone()),
            ));
            keys.push((format!("iam:ResourceTag/{k}"), ContextValue::Single(v)));
        }
        keys
    }

    /// The `UserName`, `RoleName` or `GroupName` parameter (64 characters for users and roles,
    /// 128 for groups) [IAM API reference].
    pub fn entity_name(&self, kind: EntityKind) -> Result<&str, QueryError> {
        self.params
            .shaped(&format!("{}Name", kind.title()), name_shape(kind))
    }

    /// `UserName`, or without it the calling user [IAM GetUser, CreateAccessKey: "IAM
    /// determines the user name implicitly based on the access key ID signing the request"].
    pub fn user_name_or_caller(&self) -> Result<String, QueryError> {
        if let Some(n) = self
            .params
            .optional("UserName", name_shape(EntityKind::User))?
        {
            return Ok(n.to_string());
        }
        match &self.caller.identity.entity_name {
            Some(n) if self.caller.principal().kind == policy::PrincipalType::User => Ok(n.clone()),
            _ => Err(QueryError::sender(
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )),
        }
    }

    /// `<name>` with one `<member>` per item of the page `Marker`/`MaxItems` (1–1000, default
    /// 100) ask for, each written by `each`, and IAM's `IsTruncated` and `Marker`.
    pub fn paged<T>(
        &self,
        out: &mut Xml,
        name: &str,
        items: &[T],
        each: impl FnMut(&mut Xml, &T),
    ) -> Result<(), QueryError> {
        let max = self.params.int("MaxItems", 1, 1000)?.unwrap_or(100) as usize;
        let start = match self.params.get("Marker") {
            None => 0,
            Some(m) => m
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= items.len())
                .ok_or_else(|| QueryError::sender("InvalidInput", "Invalid Marker."))?,
        };
        let end = (start + max).min(items.len());
        out.members(name, &items[start..end], each);
        out.el(
            "IsTruncated",
            if end < items.len() { "true" } else { "false" },
        );
        if end < items.len() {
            out.el("Marker", &end.to_string());
        }
        Ok(())
    }
}

pub fn name_shape(kind: EntityKind) -> Shape {
    match kind {
        EntityKind::Group => Shape::Name { max: 128 },
        EntityKind::User | EntityKind::Role => Shape::Name { max: 64 },
    }
}

/// Request keys for tags on a create or tag call [IAM `access_iam-tags`].
pub fn request_tag_keys(tags: &[(String, String)]) -> Vec<(String, ContextValue)> {
    let mut keys: Vec<(String, ContextValue)> = tags
        .iter()
        .map(|(k, v)| {
            (
                format!("aws:RequestTag/{k}"),
                ContextValue::Single(v.clone()),
            )
        })
        .collect();
    if !tags.is_empty() {
        keys.push((
            "aws:TagKeys".into(),
            ContextValue::Multi(tags.iter().map(|(k, _)| k.clone()).collect()),
        ));
    }
    keys
}
