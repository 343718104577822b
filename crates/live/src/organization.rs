//! The service and resource control policies over an account, read through Organizations when
//! these credentials may (usually only in the management account or a delegated
//! administrator): the account's path from the root, and the policies attached at each level.

use aws_sdk_organizations::types::PolicyType;
use serde::Serialize;

use crate::bucket::Known;
use crate::calls::Calls;
use crate::clients::Clients;
use crate::identity::Document;

/// One level of the path, root first, with its policies of one type.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    pub target: String,
    pub policies: Vec<Document>,
}

#[derive(Debug, Serialize)]
pub struct OrganizationSide {
    /// `Read(None)`: the account is in no organization; no SCP or RCP applies.
    pub organization: Known<Option<String>>,
    pub management_account: Option<String>,
    pub scps: Known<Vec<Level>>,
    pub rcps: Known<Vec<Level>>,
}

pub async fn gather(c: &Clients, calls: &mut Calls, account: &str) -> OrganizationSide {
    let described = calls.note(
        "organizations DescribeOrganization",
        "",
        c.organizations.describe_organization().send().await,
    );
    let (organization, management_account) = match described {
        Ok(d) => {
            let org = d.organization();
            (
                Known::Read(org.and_then(|o| o.id()).map(str::to_string)),
                org.and_then(|o| o.master_account_id()).map(str::to_string),
            )
        }
        Err(f) if f.code.as_deref() == Some("AWSOrganizationsNotInUseException") => {
            (Known::Read(None), None)
        }
        Err(f) => (Known::Unreadable(f.summary()), None),
    };
    let in_organization = matches!(organization, Known::Read(Some(_)));
    let (scps, rcps) = if in_organization {
        match path(c, calls, account).await {
            Ok(path) => (
                levels(c, calls, &path, PolicyType::ServiceControlPolicy).await,
                levels(c, calls, &path, PolicyType::ResourceControlPolicy).await,
            ),
            Err(why) => (Known::Unreadable(why.clone()), Known::Unreadable(why)),
        }
    } else {
        let none = match &organization {
            Known::Read(_) => Known::Read(Vec::new()),
            Known::Unreadable(why) => Known::Unreadable(why.clone()),
        };
        (none.clone(), none)
    };
    OrganizationSide {
        organization,
        management_account,
        scps,
        rcps,
    }
}

/// The account's path, root first, ending with the account.
async fn path(c: &Clients, calls: &mut Calls, account: &str) -> Result<Vec<String>, String> {
    let mut path = vec![account.to_string()];
    // An organization is at most five OUs deep under its root [Organizations quotas].
    for _ in 0..7 {
        let child = path[0].clone();
        let parents = calls
            .note(
                "organizations ListParents",
                &child,
                c.organizations.list_parents().child_id(&child).send().await,
            )
            .map_err(|f| f.summary())?;
        let Some(parent) = parents.parents().first() else {
            break;
        };
        let id = parent.id().unwrap_or_default().to_string();
        let is_root = id.starts_with("r-");
        path.insert(0, id);
        if is_root {
            break;
        }
    }
    Ok(path)
}

async fn levels(
    c: &Clients,
    calls: &mut Calls,
    path: &[String],
    kind: PolicyType,
) -> Known<Vec<Level>> {
    let mut out = Vec::new();
    for target in path {
        let listed = calls.note(
            &format!("organizations ListPoliciesForTarget ({})", kind.as_str()),
            target,
            c.organizations
                .list_policies_for_target()
                .target_id(target)
                .filter(kind.clone())
                .send()
                .await,
        );
        let listed = match listed {
            Ok(l) => l,
            // The type is not enabled: nothing of it applies [Organizations EnablePolicyType].
            Err(f) if f.code.as_deref() == Some("PolicyTypeNotEnabledException") => {
                return Known::Read(Vec::new())
            }
            Err(f) => return Known::Unreadable(f.summary()),
        };
        let mut policies = Vec::new();
        for summary in listed.policies() {
            let id = summary.id().unwrap_or_default();
            let described = calls.note(
                "organizations DescribePolicy",
                id,
                c.organizations.describe_policy().policy_id(id).send().await,
            );
            match described
                .ok()
                .and_then(|d| d.policy().and_then(|p| p.content().map(str::to_string)))
            {
                Some(text) => policies.push(Document {
                    id: id.to_string(),
                    text,
                }),
                None => return Known::Unreadable(format!("policy {id} could not be read")),
            }
        }
        out.push(Level {
            target: target.clone(),
            policies,
        });
    }
    Known::Read(out)
}
