//! The IAM API (Query protocol, version 2010-05-08). Every call is itself authorized
//! (`iam:CreateUser` on the user's ARN, ...), against the caller's own account: IAM manages the
//! account the caller belongs to. Authorization comes before existence, as on AWS, so a caller
//! without permission learns nothing about what exists.

mod absent;
mod account;
pub mod aws_managed;
mod boundaries;
pub mod call;
pub mod documents;
mod entities;
mod inline;
mod keys;
mod managed;
mod membership;
mod protected;
mod simulate;
mod tags;

use crate::api::query::error::QueryError;
use crate::api::query::params::Params;
use crate::api::query::xml::Xml;
use crate::caller::Caller;
use crate::state::Gatehouse;

use call::{Call, NS};

type Handler = fn(&Call) -> Result<Xml, QueryError>;

fn handler(action: &str) -> Option<Handler> {
    use boundaries::*;
    use entities::*;
    use membership::*;
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
