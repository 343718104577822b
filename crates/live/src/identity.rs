//! Who am I, and what the caller's own policies say: `sts:GetCallerIdentity`, then the user's
//! or role's inline and attached policies (a user's groups' too) and permissions boundary,
//! through IAM — as far as these credentials may read them.

use serde::Serialize;

use crate::calls::Calls;
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

async fn user(c: &Clients, calls: &mut Calls, name: &str, side: &mut IdentitySide) {
    let got = calls.note(
        "iam GetUser",
        name,
        c.iam.get_user().user_name(name).send().await,
    );
    let Ok(got) = got else {
        side.unreadable
            .push(format!("the user {name} (iam:GetUser refused)"));
        return;
    };
    let Some(user) = got.user() else { return };
    let arn = user.arn().to_string();
    side.tags = user
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    let boundary = user
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .map(str::to_string);
    let listed = calls.note(
        "iam ListUserPolicies",
        name,
        c.iam.list_user_policies().user_name(name).send().await,
    );
    match listed {
        Ok(l) => {
            for p in l.policy_names() {
                let doc = calls.note(
                    "iam GetUserPolicy",
                    &format!("{name}/{p}"),
                    c.iam
                        .get_user_policy()
                        .user_name(name)
                        .policy_name(p)
                        .send()
                        .await,
                );
                match doc {
                    Ok(d) => side.identity.push(Document {
                        id: format!("{arn}#inline/{p}"),
                        text: decoded(d.policy_document()),
                    }),
                    Err(_) => side.unreadable.push(format!("inline policy {p} of {name}")),
                }
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the inline policies of {name}")),
    }
    let attached = calls.note(
        "iam ListAttachedUserPolicies",
        name,
        c.iam
            .list_attached_user_policies()
            .user_name(name)
            .send()
            .await,
    );
    match attached {
        Ok(a) => {
            for arn in a.attached_policies().iter().filter_map(|p| p.policy_arn()) {
                managed(c, calls, arn, &mut side.identity, &mut side.unreadable).await;
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the managed policies attached to {name}")),
    }
    let groups = calls.note(
        "iam ListGroupsForUser",
        name,
        c.iam.list_groups_for_user().user_name(name).send().await,
    );
    match groups {
        Ok(g) => {
            for group in g.groups() {
                group_policies(c, calls, group.group_name(), group.arn(), side).await;
            }
        }
        Err(_) => side.unreadable.push(format!("the groups of {name}")),
    }
    if let Some(b) = boundary {
        let mut found = Vec::new();
        managed(c, calls, &b, &mut found, &mut side.unreadable).await;
        side.boundary = found.pop();
    }
}

async fn group_policies(
    c: &Clients,
    calls: &mut Calls,
    group: &str,
    group_arn: &str,
    side: &mut IdentitySide,
) {
    let listed = calls.note(
        "iam ListGroupPolicies",
        group,
        c.iam.list_group_policies().group_name(group).send().await,
    );
    match listed {
        Ok(l) => {
            for p in l.policy_names() {
                let doc = calls.note(
                    "iam GetGroupPolicy",
                    &format!("{group}/{p}"),
                    c.iam
                        .get_group_policy()
                        .group_name(group)
                        .policy_name(p)
                        .send()
                        .await,
                );
                match doc {
                    Ok(d) => side.identity.push(Document {
                        id: format!("{group_arn}#inline/{p}"),
                        text: decoded(d.policy_document()),
                    }),
                    Err(_) => side
                        .unreadable
                        .push(format!("inline policy {p} of group {group}")),
                }
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the inline policies of group {group}")),
    }
    let attached = calls.note(
        "iam ListAttachedGroupPolicies",
        group,
        c.iam
            .list_attached_group_policies()
            .group_name(group)
            .send()
            .await,
    );
    match attached {
        Ok(a) => {
            for arn in a.attached_policies().iter().filter_map(|p| p.policy_arn()) {
                managed(c, calls, arn, &mut side.identity, &mut side.unreadable).await;
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the managed policies attached to group {group}")),
    }
}

async fn role(c: &Clients, calls: &mut Calls, name: &str, side: &mut IdentitySide) {
    let got = calls.note(
        "iam GetRole",
        name,
        c.iam.get_role().role_name(name).send().await,
    );
    let Ok(got) = got else {
        side.unreadable
            .push(format!("the role {name} (iam:GetRole refused)"));
        return;
    };
    let Some(role) = got.role() else { return };
    let arn = role.arn().to_string();
    side.role_arn = Some(arn.clone());
    side.tags = role
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    let boundary = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .map(str::to_string);
    let listed = calls.note(
        "iam ListRolePolicies",
        name,
        c.iam.list_role_policies().role_name(name).send().await,
    );
    match listed {
        Ok(l) => {
            for p in l.policy_names() {
                let doc = calls.note(
                    "iam GetRolePolicy",
                    &format!("{name}/{p}"),
                    c.iam
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(p)
                        .send()
                        .await,
                );
                match doc {
                    Ok(d) => side.identity.push(Document {
                        id: format!("{arn}#inline/{p}"),
                        text: decoded(d.policy_document()),
                    }),
                    Err(_) => side.unreadable.push(format!("inline policy {p} of {name}")),
                }
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the inline policies of {name}")),
    }
    let attached = calls.note(
        "iam ListAttachedRolePolicies",
        name,
        c.iam
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await,
    );
    match attached {
        Ok(a) => {
            for arn in a.attached_policies().iter().filter_map(|p| p.policy_arn()) {
                managed(c, calls, arn, &mut side.identity, &mut side.unreadable).await;
            }
        }
        Err(_) => side
            .unreadable
            .push(format!("the managed policies attached to {name}")),
    }
    if let Some(b) = boundary {
        let mut found = Vec::new();
        managed(c, calls, &b, &mut found, &mut side.unreadable).await;
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
