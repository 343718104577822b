//! Organizations (`organizations/`): the organization, its root and the policy types enabled
//! there, its OUs and every account's place in the tree (`tree.rs`), its SCPs and RCPs — the
//! AWS managed FullAWSAccess and RCPFullAWSAccess included — and where each is attached, under
//! their exported ids. Each document is checked as CreatePolicy checks it.

use serde::Deserialize;

use super::accounts::Member as Listed;
use super::context::Import;
use super::error::ImportError;
use super::files::id_of;
use super::manifest::is_account_id;
use crate::organization::{
    aws_managed, Attachment, OrgPolicy, Organization, Organizations, PolicyKind,
};

const SECTION: &str = "organizations";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    organization: About,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct About {
    id: String,
    master_account_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Roots {
    #[serde(default)]
    roots: Vec<Root>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Root {
    id: String,
    #[serde(default)]
    policy_types: Vec<TypeStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TypeStatus {
    #[serde(rename = "Type")]
    kind: String,
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Policies {
    #[serde(default)]
    policies: Vec<Summary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Summary {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    aws_managed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribedPolicy {
    policy: Content,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Content {
    content: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Targets {
    #[serde(default)]
    targets: Vec<Target>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Target {
    target_id: String,
}

pub fn import(cx: &mut Import, listed: &[Listed]) -> Result<(), ImportError> {
    let Some(described) = cx.read::<Described>(SECTION, "organizations/organization.json") else {
        return Ok(());
    };
    let about = described.organization;
    let what = format!("organization {}", about.id);
    if let Err(why) = id_of(&about.id, "o-") {
        cx.report.refuse(SECTION, what, why);
        return Ok(());
    }
    if !is_account_id(&about.master_account_id) {
        cx.report.refuse(
            SECTION,
            what,
            format!(
                "its management account {:?} is not an account id",
                about.master_account_id
            ),
        );
        return Ok(());
    }
    let roots = cx
        .read::<Roots>(SECTION, "organizations/roots.json")
        .map(|r| r.roots)
        .unwrap_or_default();
    let Some(root) = roots.first() else {
        if !cx
            .manifest
            .skipped("organizations list-roots", cx.account())
        {
            cx.report.refuse(
                SECTION,
                what,
                "the export has no root for it: no SCPs or RCPs were imported",
            );
        }
        return Ok(());
    };
    if roots.len() > 1 {
        cx.report.approximate(
            SECTION,
            &what,
            "more than one root; the first is imported (AWS has one)",
        );
    }
    let root_id = match id_of(&root.id, "r-") {
        Ok(id) => id.to_string(),
        Err(why) => {
            cx.report.refuse(SECTION, what, why);
            return Ok(());
        }
    };
    let mut org = Organization {
        id: about.id.clone(),
        management_account: about.master_account_id.clone(),
        root_id,
        enabled_types: root
            .policy_types
            .iter()
            .filter(|t| t.status == "ENABLED")
            .filter_map(|t| PolicyKind::parse(&t.kind))
            .collect(),
        units: Vec::new(),
        accounts: Vec::new(),
        policies: Vec::new(),
        attachments: Vec::new(),
    };
    super::tree::place(cx, &mut org, listed)?;
    for kind in org.enabled_types.clone() {
        policies(cx, &mut org, kind)?;
    }
    cx.report.count(SECTION, "organizations");
    cx.report
        .add(SECTION, "enabled policy types", org.enabled_types.len());
    cx.report
        .add(SECTION, "organizational units", org.units.len());
    cx.report.add(SECTION, "accounts", org.accounts.len());
    cx.report.add(SECTION, "attachments", org.attachments.len());
    cx.store.change_organizations(|text| {
        let mut doc = Organizations::parse(text.as_deref())
            .map_err(|e| store::StoreError::Corrupt(format!("the organizations: {e}")))?;
        doc.organizations.push(org);
        Ok::<_, store::StoreError>((doc.to_text(), ()))
    })?;
    Ok(())
}

/// The policies of one enabled type, with where they are attached.
fn policies(cx: &mut Import, org: &mut Organization, kind: PolicyKind) -> Result<(), ImportError> {
    let file = format!("organizations/policies-{}.json", kind.as_str());
    let listed = cx
        .read::<Policies>(SECTION, &file)
        .map(|p| p.policies)
        .unwrap_or_default();
    for summary in cx.capped(SECTION, "policies", listed) {
        let what = format!("policy {} ({})", summary.id, summary.name);
        let id = match id_of(&summary.id, "p-") {
            Ok(id) => id.to_string(),
            Err(why) => {
                cx.report.refuse(SECTION, what, why);
                continue;
            }
        };
        if summary.aws_managed {
            // Gatehouse has AWS's two managed policies built in; their content is AWS's.
            if aws_managed(&id).is_none_or(|p| p.kind != kind) {
                cx.report.refuse(
                    SECTION,
                    what,
                    "an AWS managed policy Gatehouse does not have",
                );
                continue;
            }
        } else {
            let Some(described) =
                cx.read::<DescribedPolicy>(SECTION, &format!("organizations/policies/{id}.json"))
            else {
                if !cx.manifest.skipped("organizations describe-policy", &id) {
                    cx.report
                        .refuse(SECTION, what, "its document is not in the export");
                }
                continue;
            };
            let content = described.policy.content;
            if let Err(e) = policy::validate(&content, kind.policy_type()) {
                cx.report.refuse(SECTION, what, e.first().to_string());
                continue;
            }
            org.policies.push(OrgPolicy {
                id: id.clone(),
                name: summary.name,
                description: summary.description.unwrap_or_default(),
                kind,
                content,
            });
        }
        cx.report.count(SECTION, "policies");
        let targets = cx.read::<Targets>(SECTION, &format!("organizations/targets/{id}.json"));
        if targets.is_none()
            && !cx
                .manifest
                .skipped("organizations list-targets-for-policy", &id)
        {
            cx.report.approximate(
                SECTION,
                &what,
                "where it is attached is not in the export; it was imported attached nowhere",
            );
        }
        let targets = targets.map(|t| t.targets).unwrap_or_default();
        for t in cx.capped(SECTION, "targets", targets) {
            if org.is_target(&t.target_id) {
                org.attachments.push(Attachment {
                    policy: id.clone(),
                    target: t.target_id,
                });
            } else {
                cx.report.refuse(
                    SECTION,
                    format!("{what} attachment to {}", t.target_id),
                    "no root, OU or account of the imported tree has that id",
                );
            }
        }
    }
    Ok(())
}
