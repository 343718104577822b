//! What authorization reads of the organizations: for each member account, its organization,
//! its path, and its SCP and RCP levels from the root down with every policy compiled. Built
//! from the document once per change of its text (`state::Gatehouse::organizations`).

use std::collections::HashMap;
use std::sync::Arc;

use authz::{NamedPolicy, OrgLevel};
use policy::{CompiledPolicy, PrincipalType, RequestPrincipal};

use super::{Organization, Organizations, PolicyKind};

/// The services whose resources RCPs govern [Organizations `orgs_manage_policies_rcps`,
/// "List of AWS services that support RCPs"].
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "cognito-identity",
    "dynamodb",
    "ecr",
    "logs",
    "aoss",
];

#[derive(Debug, Default)]
pub struct OrgView {
    places: HashMap<String, Place>,
}

/// Where one account stands in its organization.
#[derive(Debug)]
pub struct Place {
    pub org_id: String,
    pub management: bool,
    /// `o-…/r-…/ou-…/` (the account's parent's path).
    pub org_path: String,
    /// Empty while the organization has the type disabled.
    pub scp: Vec<OrgLevel>,
    pub rcp: Vec<OrgLevel>,
}

impl OrgView {
    /// Compiles every policy of every organization. A stored policy that no longer parses is an
    /// error, never "no policy" (its denies would be lost: fail closed).
    pub fn build(doc: &Organizations) -> Result<OrgView, String> {
        let mut places = HashMap::new();
        for org in &doc.organizations {
            let compiled = compile_all(org)?;
            for member in &org.accounts {
                let path = org.path_to(&member.id);
                let levels = |kind: PolicyKind| -> Vec<OrgLevel> {
                    if !org.enabled_types.contains(&kind) {
                        return Vec::new();
                    }
                    path.iter()
                        .map(|target| OrgLevel {
                            target: target.clone(),
                            policies: org
                                .attached(target, kind)
                                .iter()
                                .filter_map(|p| compiled.get(&p.id).cloned())
                                .collect(),
                        })
                        .collect()
                };
                places.insert(
                    member.id.clone(),
                    Place {
                        org_id: org.id.clone(),
                        management: member.id == org.management_account,
                        org_path: org.org_path(&member.id),
                        scp: levels(PolicyKind::Scp),
                        rcp: levels(PolicyKind::Rcp),
                    },
                );
            }
        }
        Ok(OrgView { places })
    }

    pub fn place(&self, account: &str) -> Option<&Place> {
        self.places.get(account)
    }

    /// The SCP levels that limit `principal`: those of its account when that is a member
    /// account. SCPs never restrict the management account, nor service-linked roles
    /// [Organizations `orgs_manage_policies_scps`, "Tasks and entities not restricted by SCPs"].
    pub fn scp_levels(&self, principal: &RequestPrincipal) -> Option<&[OrgLevel]> {
        let place = self.place(principal.account.as_deref()?)?;
        let arn = principal.role_arn.as_deref().unwrap_or(&principal.arn);
        if place.management || place.scp.is_empty() || arn.contains(":role/aws-service-role/") {
            return None;
        }
        Some(&place.scp)
    }

    /// The RCP levels that govern `action` on a resource of `resource_account`: a member
    /// account's, for the services RCPs support; never the management account's resources,
    /// never calls made by AWS services themselves [Organizations
    /// `orgs_manage_policies_rcps`].
    pub fn rcp_levels(
        &self,
        principal: &RequestPrincipal,
        action: &str,
        resource_account: &str,
    ) -> Option<&[OrgLevel]> {
        let place = self.place(resource_account)?;
        let service = action.split(':').next().unwrap_or_default();
        let supported = RCP_SERVICES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(service));
        if place.management
            || place.rcp.is_empty()
            || !supported
            || principal.kind == PrincipalType::Service
        {
            return None;
        }
        Some(&place.rcp)
    }
}

fn compile_all(org: &Organization) -> Result<HashMap<String, NamedPolicy>, String> {
    let mut out = HashMap::new();
    for p in org.all_policies() {
        let parsed = policy::validate(&p.content, p.kind.policy_type()).map_err(|e| {
            let fault = format!(
                "stored {} {} of {} no longer parses: {}",
                p.kind.as_str(),
                p.id,
                org.id,
                e.first()
            );
            eprintln!("gatehouse: {fault}; refusing requests it governs");
            fault
        })?;
        out.insert(
            p.id.clone(),
            NamedPolicy::new(p.id.clone(), Arc::new(CompiledPolicy::compile(parsed))),
        );
    }
    Ok(out)
}
