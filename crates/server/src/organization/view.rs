//! What authorization reads of the organizations: for each member account, its organization,
//! its path, and its SCP and RCP levels from the root down with every policy compiled. Built
//! from the document once per change of its text (`state::Gatehouse::organizations`).

use std::collections::HashMap;

use authz::{NamedPolicy, OrgLevel};
use policy::{PrincipalType, RequestPrincipal};

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
        let supported = RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service));
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
        out.insert(p.id.clone(), NamedPolicy::compile(p.id.clone(), parsed));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organization::{Attachment, Member, OrgPolicy, Organization};

    const MANAGEMENT: &str = "111111111111";
    const MEMBER: &str = "222222222222";

    fn view() -> OrgView {
        let mut org = Organization {
            id: "o-abcdefghij".into(),
            management_account: MANAGEMENT.into(),
            root_id: "r-ab12".into(),
            enabled_types: vec![PolicyKind::Scp, PolicyKind::Rcp],
            units: Vec::new(),
            accounts: Vec::new(),
            policies: vec![OrgPolicy {
                id: "p-denyget1".into(),
                name: "deny".into(),
                description: String::new(),
                kind: PolicyKind::Scp,
                content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
            }],
            attachments: Vec::new(),
        };
        let root = org.root_id.clone();
        org.attach_full_access(&root);
        org.admit(MANAGEMENT, "CREATED", 0);
        org.admit(MEMBER, "INVITED", 0);
        org.attachments.push(Attachment {
            policy: "p-denyget1".into(),
            target: MEMBER.into(),
        });
        OrgView::build(&Organizations {
            organizations: vec![org],
            ..Default::default()
        })
        .unwrap()
    }

    fn principal(arn: &str, account: &str, kind: PrincipalType) -> RequestPrincipal {
        RequestPrincipal {
            kind,
            arn: arn.into(),
            account: Some(account.into()),
            role_arn: None,
            canonical_id: None,
            unique_id: None,
            has_permissions_boundary: false,
        }
    }

    #[test]
    fn a_member_account_has_a_level_per_target_from_the_root() {
        let v = view();
        let user = principal(
            "arn:aws:iam::222222222222:user/u",
            MEMBER,
            PrincipalType::User,
        );
        let levels = v.scp_levels(&user).unwrap();
        assert_eq!(levels.len(), 2);
        assert_eq!(levels[0].target, "r-ab12");
        assert_eq!(levels[1].policies.len(), 2, "FullAWSAccess and the deny");
        assert_eq!(v.place(MEMBER).unwrap().org_path, "o-abcdefghij/r-ab12/");
    }

    #[test]
    fn the_management_account_and_service_linked_roles_are_not_limited_by_scps() {
        let v = view();
        let root = principal(
            "arn:aws:iam::111111111111:root",
            MANAGEMENT,
            PrincipalType::Account,
        );
        assert!(v.scp_levels(&root).is_none());
        let mut linked = principal(
            "arn:aws:sts::222222222222:assumed-role/AWSServiceRoleForX/s",
            MEMBER,
            PrincipalType::AssumedRole,
        );
        linked.role_arn = Some(
            "arn:aws:iam::222222222222:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX"
                .into(),
        );
        assert!(v.scp_levels(&linked).is_none());
    }

    #[test]
    fn rcps_govern_member_resources_of_supporting_services_only() {
        let v = view();
        let anyone = principal(
            "arn:aws:iam::333333333333:root",
            "333333333333",
            PrincipalType::Account,
        );
        assert!(v.rcp_levels(&anyone, "s3:GetObject", MEMBER).is_some());
        assert!(v.rcp_levels(&anyone, "iam:ListUsers", MEMBER).is_none());
        assert!(v.rcp_levels(&anyone, "s3:GetObject", MANAGEMENT).is_none());
        assert!(v
            .rcp_levels(&anyone, "s3:GetObject", "333333333333")
            .is_none());
    }

    #[test]
    fn a_stored_policy_that_no_longer_parses_fails_the_whole_view() {
        let mut doc = Organizations::default();
        let mut org = Organization {
            id: "o-abcdefghij".into(),
            management_account: MANAGEMENT.into(),
            root_id: "r-ab12".into(),
            enabled_types: vec![PolicyKind::Scp],
            units: Vec::new(),
            accounts: Vec::new(),
            policies: Vec::new(),
            attachments: Vec::new(),
        };
        org.policies.push(OrgPolicy {
            id: "p-broken01".into(),
            name: "broken".into(),
            description: String::new(),
            kind: PolicyKind::Scp,
            content: "{".into(),
        });
        org.accounts.push(Member {
            id: MEMBER.into(),
            parent: "r-ab12".into(),
            joined_method: "INVITED".into(),
            joined_secs: 0,
        });
        doc.organizations.push(org);
        assert!(OrgView::build(&doc).is_err());
    }
}
