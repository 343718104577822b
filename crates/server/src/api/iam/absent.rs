//! What an account here never has — instance profiles, MFA devices, signing certificates, SSH
//! keys, service-specific credentials, console passwords, account aliases — answered as IAM
//! answers an account without them: empty lists, and NoSuchEntity for a login profile. Tools
//! that tidy up before deleting a user or role (Terraform, CloudFormation, the console's
//! scripts) ask these first. Each call is authorized like any other.

use store::EntityKind;

use crate::api::iam::call::{store_error, Call};
use crate::api::query::error::QueryError;
use crate::api::query::xml::Xml;

/// Authorizes `action` on the named (or, for users, calling) entity and answers an empty
/// `element` list with IAM's paging fields.
fn none_for(call: &Call, action: &str, kind: EntityKind, element: &str) -> Result<Xml, QueryError> {
    let name = match kind {
        EntityKind::User => call.user_name_or_caller()?,
        _ => call.entity_name(kind)?.to_string(),
    };
    call.on_entity(action, kind, &name, Vec::new())?;
    let mut out = Xml::new();
    out.open(element).close(element);
    out.el("IsTruncated", "false");
    Ok(out)
}

pub fn list_instance_profiles_for_role(call: &Call) -> Result<Xml, QueryError> {
    none_for(
        call,
        "ListInstanceProfilesForRole",
        EntityKind::Role,
        "InstanceProfiles",
    )
}

pub fn list_mfa_devices(call: &Call) -> Result<Xml, QueryError> {
    none_for(call, "ListMFADevices", EntityKind::User, "MFADevices")
}

pub fn list_signing_certificates(call: &Call) -> Result<Xml, QueryError> {
    none_for(
        call,
        "ListSigningCertificates",
        EntityKind::User,
        "Certificates",
    )
}

pub fn list_ssh_public_keys(call: &Call) -> Result<Xml, QueryError> {
    none_for(call, "ListSSHPublicKeys", EntityKind::User, "SSHPublicKeys")
}

pub fn list_service_specific_credentials(call: &Call) -> Result<Xml, QueryError> {
    none_for(
        call,
        "ListServiceSpecificCredentials",
        EntityKind::User,
        "ServiceSpecificCredentials",
    )
}

pub fn list_instance_profiles(call: &Call) -> Result<Xml, QueryError> {
    let prefix = call.params.get("PathPrefix").unwrap_or("/");
    call.authorize(
        "ListInstanceProfiles",
        &format!("arn:aws:iam::{}:instance-profile{prefix}", call.account),
        Vec::new(),
    )?;
    let mut out = Xml::new();
    out.open("InstanceProfiles").close("InstanceProfiles");
    out.el("IsTruncated", "false");
    Ok(out)
}

pub fn list_account_aliases(call: &Call) -> Result<Xml, QueryError> {
    call.authorize("ListAccountAliases", "*", Vec::new())?;
    let mut out = Xml::new();
    out.open("AccountAliases").close("AccountAliases");
    out.el("IsTruncated", "false");
    Ok(out)
}

/// Users here have no console password [IAM GetLoginProfile, NoSuchEntity].
pub fn get_login_profile(call: &Call) -> Result<Xml, QueryError> {
    let name = call.user_name_or_caller()?;
    call.on_entity("GetLoginProfile", EntityKind::User, &name, Vec::new())?;
    Err(store_error(store::StoreError::NoSuchEntity(format!(
        "Login Profile for User {name} cannot be found."
    ))))
}
