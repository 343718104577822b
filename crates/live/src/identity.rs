//! Who am I, and what the caller's own policies say: `sts:GetCallerIdentity`, then the user's
//! or role's inline and attached policies (a user's groups' too) and permissions boundary,
//! through IAM — as far as these credentials may read them.

use serde::Serialize;

use crate::calls::{Calls, Failure};
use crate::clients::Clients;

#[derive(Debug, Clone, Serialize)]
pub struct Caller {
    pub arn: String,
    pub account: String,
    /// `AIDA...`, `AROA...:session`, or the account id for root.
    pub user_id: String,
    /// root, user, assumed-role, federated-user.
    pub kind: &'static str,
    /// The IAM user's or role's name.
    pub entity: Option<String>,
}

impl Caller {
    pub fn new(arn: &str, account: &str, user_id: &str) -> Caller {
        let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
        let (kind, entity) = if resource == "root" {
            ("root", None)
        } else if let Some(user) = resource.strip_prefix("user/") {
            ("user", user.rsplit('/').next().map(str::to_string))
        } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
            ("assumed-role", rest.split('/').next().map(str::to_string))
        } else {
            ("federated-user", None)
        };
        Caller {
            arn: arn.to_string(),
            account: account.to_string(),
            user_id: user_id.to_string(),
            kind,
            entity,
        }
    }
}

/// A policy document read, by the id decisions name it by.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Default, Serialize)]
pub struct IdentitySide {
    pub identity: Vec<Document>,
    pub boundary: Option<Document>,
    pub tags: Vec<(String, String)>,
    /// A role session's role, with its path (`aws:PrincipalArn`).
    pub role_arn: Option<String>,
    /// What could not be read, and why (the identity side is then unknown).
    pub unreadable: Vec<String>,
}

/// IAM returns documents URL-encoded [IAM `GetUserPolicy`, "PolicyDocument"].
fn decoded(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

pub async fn gather(c: &Clients, calls: &mut Calls, who: &Caller) -> IdentitySide {
    let mut side = IdentitySide::default();
    let Some(name) = who.entity.clone() else {
        return side;
    };
    match who.kind {
        "user" => user(c, calls, &name, &mut side).await,
        "assumed-role" => role(c, calls, &name, &mut side).await,
        _ => {}
    }
    side
}

/// Who holds policies in IAM: the three kinds, each with its own calls.
#[derive(Clone, Copy)]
enum Holder {
    User,
    Group,
    Role,
}

impl Holder {
    fn noun(self) -> &'static str {
        match self {
            Holder::User => "user",
            Holder::Group => "group",
            Holder::Role => "role",
        }
    }
}

async fn inline_names(
    c: &Clients,
    calls: &mut Calls,
    holder: Holder,
    name: &str,
) -> Result<Vec<String>, Failure> {
    match holder {
        Holder::User => calls
            .note(
                "iam ListUserPolicies",
                name,
                c.iam.list_user_policies().user_name(name).send().await,
            )
            .map(|l| l.policy_names().to_vec()),
        Holder::Group => calls
            .note(
                "iam ListGroupPolicies",
                name,
                c.iam.list_group_policies().group_name(name).send().await,
            )
            .map(|l| l.policy_names().to_vec()),
        Holder::Role => calls
            .note(
                "iam ListRolePolicies",
                name,
                c.iam.list_role_policies().role_name(name).send().await,
            )
            .map(|l| l.policy_names().to_vec()),
    }
}

async fn inline_document(
    c: &Clients,
    calls: &mut Calls,
    holder: Holder,
    name: &str,
    policy: &str,
) -> Result<String, Failure> {
    let target = format!("{name}/{policy}");
    match holder {
        Holder::User => calls
            .note(
                "iam GetUserPolicy",
                &target,
                c.iam
                    .get_user_policy()
                    .user_name(name)
                    .policy_name(policy)
                    .send()
                    .await,
            )
            .map(|d| decoded(d.policy_document())),
        Holder::Group => calls
            .note(
                "iam GetGroupPolicy",
                &target,
                c.iam
                    .get_group_policy()
                    .group_name(name)
                    .policy_name(policy)
                    .send()
                    .await,
            )
            .map(|d| decoded(d.policy_document())),
        Holder::Role => calls
            .note(
                "iam GetRolePolicy",
                &target,
                c.iam
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(policy)
                    .send()
                    .await,
            )
            .map(|d| decoded(d.policy_document())),
    }
}

async fn attached_arns(
    c: &Clients,
    calls: &mut Calls,
    holder: Holder,
    name: &str,
) -> Result<Vec<String>, Failure> {
    let arns = |list: &[aws_sdk_iam::types::AttachedPolicy]| -> Vec<String> {
        list.iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect()
    };
    match holder {
        Holder::User => calls
            .note(
                "iam ListAttachedUserPolicies",
                name,
                c.iam
                    .list_attached_user_policies()
                    .user_name(name)
                    .send()
                    .await,
            )
            .map(|l| arns(l.attached_policies())),
        Holder::Group => calls
            .note(
                "iam ListAttachedGroupPolicies",
                name,
                c.iam
                    .list_attached_group_policies()
                    .group_name(name)
                    .send()
                    .await,
            )
            .map(|l| arns(l.attached_policies())),
        Holder::Role => calls
            .note(
                "iam ListAttachedRolePolicies",
                name,
                c.iam
                    .list_attached_role_policies()
                    .role_name(name)
                    .send()
                    .await,
            )
            .map(|l| arns(l.attached_policies())),
    }
}

/// A user's, group's or role's inline and attached policies, under the ids decisions name
/// them by (`ARN#inline/NAME`, a managed policy's ARN).
async fn policies_of(
    c: &Clients,
    calls: &mut Calls,
    holder: Holder,
    name: &str,
    arn: &str,
    side: &mut IdentitySide,
) {
    let noun = holder.noun();
    match inline_names(c, calls, holder, name).await {
        Ok(names) => {
            for p in names {
                match inline_document(c, calls, holder, name, &p).await {
                    Ok(text) => side.identity.push(Document {
                        id: format!("{arn}#inline/{p}"),
                        text,
                    }),
                    Err(_) => side
                        .unreadable
                        .push(format!("inline policy {p} of {noun} {name}")),
                }
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the inline policies of {noun} {name}")),
    }
    match attached_arns(c, calls, holder, name).await {
        Ok(arns) => {
            for a in arns {
                managed(c, calls, &a, &mut side.identity, &mut side.unreadable).await;
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the managed policies attached to {noun} {name}")),
    }
}

async fn user(c: &Clients, calls: &mut Calls, name: &str, side: &mut IdentitySide) {
    let got = calls.note(
        "iam GetUser",
        name,
        c.iam.get_user().user_name(name).send().await,
    );
    let Some(user) = got.ok().and_then(|g| g.user().cloned()) else {
        side.unreadable
            .push(format!("the user {name} (iam:GetUser refused)"));
        return;
    };
    side.tags = user
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    policies_of(c, calls, Holder::User, name, user.arn(), side).await;
    let groups = calls.note(
        "iam ListGroupsForUser",
        name,
        c.iam.list_groups_for_user().user_name(name).send().await,
    );
    match groups {
        Ok(g) => {
            for group in g.groups() {
                policies_of(
                    c,
                    calls,
                    Holder::Group,
                    group.group_name(),
                    group.arn(),
                    side,
                )
                .await;
            }
        }
        Err(_) => side.unreadable.push(format!("the groups of user {name}")),
    }
    let boundary = user
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn());
    boundary_of(c, calls, boundary, side).await;
}

async fn role(c: &Clients, calls: &mut Calls, name: &str, side: &mut IdentitySide) {
    let got = calls.note(
        "iam GetRole",
        name,
        c.iam.get_role().role_name(name).send().await,
    );
    let Some(role) = got.ok().and_then(|g| g.role().cloned()) else {
        side.unreadable
            .push(format!("the role {name} (iam:GetRole refused)"));
        return;
    };
    side.role_arn = Some(role.arn().to_string());
    side.tags = role
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    policies_of(c, calls, Holder::Role, name, role.arn(), side).await;
    let boundary = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn());
    boundary_of(c, calls, boundary, side).await;
}

async fn boundary_of(c: &Clients, calls: &mut Calls, arn: Option<&str>, side: &mut IdentitySide) {
    if let Some(arn) = arn {
        let mut found = Vec::new();
        managed(c, calls, arn, &mut found, &mut side.unreadable).await;
        side.boundary = found.pop();
    }
}

/// A managed policy's default version.
async fn managed(
    c: &Clients,
    calls: &mut Calls,
    arn: &str,
    out: &mut Vec<Document>,
    unreadable: &mut Vec<String>,
) {
    let policy = calls.note(
        "iam GetPolicy",
        arn,
        c.iam.get_policy().policy_arn(arn).send().await,
    );
    let version = policy.ok().and_then(|p| {
        p.policy()
            .and_then(|p| p.default_version_id().map(str::to_string))
    });
    let Some(version) = version else {
        unreadable.push(format!("managed policy {arn}"));
        return;
    };
    let doc = calls.note(
        "iam GetPolicyVersion",
        &format!("{arn} {version}"),
        c.iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(&version)
            .send()
            .await,
    );
    match doc
        .ok()
        .and_then(|d| d.policy_version().and_then(|v| v.document().map(decoded)))
    {
        Some(text) => out.push(Document {
            id: arn.to_string(),
            text,
        }),
        None => unreadable.push(format!("managed policy {arn}")),
    }
}
