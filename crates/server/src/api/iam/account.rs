//! The account-wide views: GetAccountAuthorizationDetails (every user, group, role and managed
//! policy with their policies) and GetAccountSummary (counts and quotas).

use store::{Entity, EntityKind, ManagedPolicy};

use super::entities::{boundary_xml, tags_xml};
use crate::api::iam::call::{date, store_error, Call};
use crate::api::query::error::QueryError;
use crate::api::query::xml::Xml;
use sigv4::percent;

fn inline_list(call: &Call, out: &mut Xml, e: &Entity, element: &str) -> Result<(), QueryError> {
    let store = call.store();
    let names = store
        .inline_policy_names(&call.account, e.kind, &e.name)
        .map_err(store_error)?;
    out.open(element);
    for n in &names {
        let doc = store
            .inline_policy(&call.account, e.kind, &e.name, n)
            .map_err(store_error)?;
        out.open("member")
            .el("PolicyName", n)
            .el("PolicyDocument", &percent::encode(&doc))
            .close("member");
    }
    out.close(element);
    Ok(())
}

fn attached_list(call: &Call, out: &mut Xml, e: &Entity) -> Result<(), QueryError> {
    let policies = call
        .store()
        .attached_policies(&call.account, e.kind, &e.name)
        .map_err(store_error)?;
    out.members("AttachedManagedPolicies", &policies, |x, p| {
        x.el("PolicyName", &p.name).el("PolicyArn", &p.arn);
    });
    Ok(())
}

fn entity_detail(call: &Call, out: &mut Xml, e: &Entity) -> Result<(), QueryError> {
    let noun = e.kind.title();
    out.el("Path", &e.path)
        .el(&format!("{noun}Name"), &e.name)
        .el(&format!("{noun}Id"), &e.id)
        .el("Arn", &e.arn)
        .el("CreateDate", &date(e.created_ms));
    if let Some(trust) = crate::identity::binding::shown_trust(&call.gatehouse.store, e) {
        out.el("AssumeRolePolicyDocument", &percent::encode(&trust));
        out.open("InstanceProfileList").close("InstanceProfileList");
    }
    inline_list(call, out, e, &format!("{noun}PolicyList"))?;
    if e.kind == EntityKind::User {
        let groups = call.store().groups_of(&e.id).map_err(store_error)?;
        out.open("GroupList");
        for g in &groups {
            out.el("member", &g.name);
        }
        out.close("GroupList");
    }
    attached_list(call, out, e)?;
    boundary_xml(out, e);
    if e.kind != EntityKind::Group {
        let tags = call.store().tags(&e.id).map_err(store_error)?;
        if !tags.is_empty() {
            tags_xml(out, &tags);
        }
    }
    Ok(())
}

fn policy_detail(call: &Call, out: &mut Xml, p: &ManagedPolicy) -> Result<(), QueryError> {
    super::managed::policy_xml(out, p);
    let versions = call.store().policy_versions(&p.arn).map_err(store_error)?;
    out.members("PolicyVersionList", &versions, |x, v| {
        x.el("Document", &percent::encode(&v.document))
            .el("VersionId", &v.version_id)
            .el(
                "IsDefaultVersion",
                if v.is_default { "true" } else { "false" },
            )
            .el("CreateDate", &date(v.created_ms));
    });
    Ok(())
}

/// `Filter.member.N`: User, Role, Group, LocalManagedPolicy, AWSManagedPolicy; none = all.
/// AWS managed policies appear when something in the account uses them.
pub fn get_account_authorization_details(call: &Call) -> Result<Xml, QueryError> {
    call.authorize("GetAccountAuthorizationDetails", "*", Vec::new())?;
    let filter = call.params.list("Filter", "");
    let wants = |f: &str| filter.is_empty() || filter.iter().any(|x| x == f);
    let store = call.store();
    let mut out = Xml::new();
    for (kind, filter_name, element) in [
        (EntityKind::User, "User", "UserDetailList"),
        (EntityKind::Group, "Group", "GroupDetailList"),
        (EntityKind::Role, "Role", "RoleDetailList"),
    ] {
        let entities = if wants(filter_name) {
            store
                .entities(&call.account, kind, "/")
                .map_err(store_error)?
        } else {
            Vec::new()
        };
        out.open(element);
        for e in &entities {
            out.open("member");
            entity_detail(call, &mut out, e)?;
            out.close("member");
        }
        out.close(element);
    }
    let policies: Vec<ManagedPolicy> = store
        .managed_policies(&call.account, "/")
        .map_err(store_error)?
        .into_iter()
        .filter(|p| match &p.account_id {
            Some(_) => wants("LocalManagedPolicy"),
            None => wants("AWSManagedPolicy") && (p.attachment_count > 0 || p.boundary_count > 0),
        })
        .collect();
    out.open("Policies");
    for p in &policies {
        out.open("member");
        policy_detail(call, &mut out, p)?;
        out.close("member");
    }
    out.close("Policies");
    out.el("IsTruncated", "false");
    Ok(out)
}

pub fn get_account_summary(call: &Call) -> Result<Xml, QueryError> {
    call.authorize("GetAccountSummary", "*", Vec::new())?;
    let store = call.store();
    let count = |kind| -> Result<usize, QueryError> {
        Ok(store
            .entities(&call.account, kind, "/")
            .map_err(store_error)?
            .len())
    };
    let local: Vec<ManagedPolicy> = store
        .managed_policies(&call.account, "/")
        .map_err(store_error)?
        .into_iter()
        .filter(|p| p.account_id.is_some())
        .collect();
    let mut versions = 0;
    for p in &local {
        versions += store.policy_versions(&p.arn).map_err(store_error)?.len();
    }
    // Quotas are IAM's defaults [IAM `reference_iam-quotas`].
    let entries: Vec<(&str, String)> = vec![
        ("Users", count(EntityKind::User)?.to_string()),
        ("UsersQuota", "5000".into()),
        ("Groups", count(EntityKind::Group)?.to_string()),
        ("GroupsQuota", "300".into()),
        ("Roles", count(EntityKind::Role)?.to_string()),
        ("RolesQuota", "1000".into()),
        ("Policies", local.len().to_string()),
        ("PoliciesQuota", "1500".into()),
        ("PolicyVersionsInUse", versions.to_string()),
        ("PolicyVersionsInUseQuota", "10000".into()),
        (
            "VersionsPerPolicyQuota",
            store::MAX_POLICY_VERSIONS.to_string(),
        ),
        ("PolicySizeQuota", "6144".into()),
        ("UserPolicySizeQuota", "2048".into()),
        ("GroupPolicySizeQuota", "5120".into()),
        ("RolePolicySizeQuota", "10240".into()),
        (
            "AccessKeysPerUserQuota",
            store::MAX_KEYS_PER_USER.to_string(),
        ),
        ("GroupsPerUserQuota", "10".into()),
        ("AttachedPoliciesPerUserQuota", "10".into()),
        ("AttachedPoliciesPerGroupQuota", "10".into()),
        ("AttachedPoliciesPerRoleQuota", "10".into()),
        ("AccountAccessKeysPresent", "1".into()),
        ("AccountMFAEnabled", "0".into()),
        ("MFADevices", "0".into()),
        ("MFADevicesInUse", "0".into()),
        ("ServerCertificates", "0".into()),
        ("ServerCertificatesQuota", "20".into()),
        ("InstanceProfiles", "0".into()),
        ("InstanceProfilesQuota", "1000".into()),
        ("Providers", "0".into()),
        ("GlobalEndpointTokenVersion", "1".into()),
    ];
    let mut out = Xml::new();
    out.open("SummaryMap");
    for (k, v) in &entries {
        out.open("entry").el("key", k).el("value", v).close("entry");
    }
    out.close("SummaryMap");
    Ok(out)
}
