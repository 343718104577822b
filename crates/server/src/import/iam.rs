//! IAM (`iam/account-authorization-details.json`): managed policies first (`managed.rs`), then
//! users, groups and roles under their exported unique ids, paths and tags, with their
//! permissions boundaries; then what links them — trust policies (which may name any of
//! them), inline policies, attached managed policies, group membership. Every document goes
//! through the checks the IAM API makes when it is saved; one that fails them is refused, and
//! listed, never written. Access keys, passwords and MFA devices are not exported, and no
//! credentials are made here.

use policy::PolicyType;
use serde::Deserialize;
use serde_json::Value;
use store::{EntityKind, NewEntity};

use super::context::Import;
use super::error::ImportError;
use super::exported::{document_text, is_unique_id};
use crate::api::iam::call::name_shape;
use crate::api::iam::documents::check_document;
use crate::api::query::params::{check, check_tag, Shape};

const SECTION: &str = "iam";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Details {
    #[serde(default)]
    user_detail_list: Vec<Entity>,
    #[serde(default)]
    group_detail_list: Vec<Entity>,
    #[serde(default)]
    role_detail_list: Vec<Entity>,
    #[serde(default)]
    policies: Vec<super::managed::Exported>,
}

/// A user, group or role: the lists name their fields after the kind (`UserName`, `GroupId`,
/// `RolePolicyList`), hence the aliases.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entity {
    #[serde(alias = "UserName", alias = "GroupName", alias = "RoleName")]
    name: String,
    #[serde(alias = "UserId", alias = "GroupId", alias = "RoleId")]
    id: String,
    arn: String,
    #[serde(default = "root_path")]
    path: String,
    #[serde(
        default,
        alias = "UserPolicyList",
        alias = "GroupPolicyList",
        alias = "RolePolicyList"
    )]
    inline: Vec<Inline>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<Attached>,
    #[serde(default)]
    permissions_boundary: Option<Boundary>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    assume_role_policy_document: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Inline {
    policy_name: String,
    policy_document: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Attached {
    policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Boundary {
    permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tag {
    key: String,
    value: String,
}

fn root_path() -> String {
    "/".into()
}

pub fn import(cx: &mut Import) -> Result<(), ImportError> {
    let Some(details) = cx.read::<Details>(SECTION, "iam/account-authorization-details.json")
    else {
        return Ok(());
    };
    let policies = cx.capped(SECTION, "managed policies", details.policies);
    super::managed::import(cx, policies)?;
    let kinds = [
        (EntityKind::User, details.user_detail_list),
        (EntityKind::Group, details.group_detail_list),
        (EntityKind::Role, details.role_detail_list),
    ];
    let mut created = Vec::new();
    for (kind, list) in kinds {
        for e in cx.capped(SECTION, "entities", list) {
            if create(cx, kind, &e)? {
                created.push((kind, e));
            }
        }
    }
    for (kind, e) in &created {
        link(cx, *kind, e)?;
    }
    Ok(())
}

fn label(kind: EntityKind, e: &Entity) -> String {
    format!("{} {}", kind.noun(), e.arn)
}

/// Creates the entity with its exported id, tags and boundary; `false` when it was refused.
fn create(cx: &mut Import, kind: EntityKind, e: &Entity) -> Result<bool, ImportError> {
    let what = label(kind, e);
    let shape = check(&format!("{}Name", kind.title()), &e.name, name_shape(kind))
        .and_then(|_| check("Path", &e.path, Shape::Path));
    if let Err(bad) = shape {
        cx.report.refuse(SECTION, what, bad.message);
        return Ok(false);
    }
    let arn = format!(
        "arn:aws:iam::{}:{}{}{}",
        cx.account(),
        kind.as_str(),
        e.path,
        e.name
    );
    if !cx.arn_is(SECTION, &what, &arn, &e.arn) {
        return Ok(false);
    }
    let boundary = e
        .permissions_boundary
        .as_ref()
        .map(|b| b.permissions_boundary_arn.as_str());
    if let Some(b) = boundary {
        if cx.stored(cx.store.managed_policy(b))?.is_err() {
            cx.report.refuse(SECTION, what, format!("its permissions boundary {b} is not imported: without it, it would be allowed more here than in production"));
            return Ok(false);
        }
    }
    let made = cx.store.create_entity(&NewEntity {
        account_id: cx.account(),
        kind,
        name: &e.name,
        path: &e.path,
        description: None,
        trust_policy: None,
        trust_bindings: &[],
        max_session_s: (kind == EntityKind::Role).then_some(3600),
        boundary_arn: boundary,
        tags: &[],
    });
    let entity = match cx.stored(made)? {
        Ok(entity) => entity,
        Err(why) => {
            cx.report.refuse(SECTION, what, why);
            return Ok(false);
        }
    };
    cx.report.count(
        SECTION,
        match kind {
            EntityKind::User => "users",
            EntityKind::Group => "groups",
            EntityKind::Role => "roles",
        },
    );
    if boundary.is_some() {
        cx.report.count(SECTION, "permissions boundaries");
    }
    let kept = if is_unique_id(&e.id) {
        cx.stored(cx.store.adopt_entity_id(&entity.id, &e.id))?
    } else {
        Err(format!("{:?} is not an IAM unique id", e.id))
    };
    let id = match kept {
        Ok(()) => e.id.clone(),
        Err(why) => {
            cx.report.approximate(SECTION, &what, format!("its unique id was not kept ({why}): aws:userid and policies naming it by id differ here"));
            entity.id
        }
    };
    let mut tags = Vec::new();
    for t in cx.first(SECTION, "tags", &e.tags) {
        match check_tag(&t.key, &t.value) {
            Ok(()) => tags.push((t.key.clone(), t.value.clone())),
            Err(bad) => cx
                .report
                .refuse(SECTION, format!("{what} tag {:?}", t.key), bad.message),
        }
    }
    if !tags.is_empty() {
        match cx.stored(cx.store.tag_entity(&id, &tags))? {
            Ok(()) => cx.report.add(SECTION, "tags", tags.len()),
            Err(why) => cx.report.refuse(SECTION, format!("{what} tags"), why),
        }
    }
    Ok(true)
}

/// The entity's trust policy, inline policies, attachments and groups.
fn link(cx: &mut Import, kind: EntityKind, e: &Entity) -> Result<(), ImportError> {
    let what = label(kind, e);
    let account = cx.account().to_string();
    let store = cx.store;
    if kind == EntityKind::Role {
        trust(cx, e, &what)?;
    }
    let inline_type = match kind {
        EntityKind::User => PolicyType::UserInline,
        EntityKind::Group => PolicyType::GroupInline,
        EntityKind::Role => PolicyType::RoleInline,
    };
    for p in cx.first(SECTION, "inline policies", &e.inline) {
        let text = document_text(&p.policy_document);
        let name_ok = check("PolicyName", &p.policy_name, Shape::Name { max: 128 });
        let outcome = match name_ok.and_then(|_| check_document(&text, inline_type)) {
            Err(bad) => Err(bad.message),
            Ok(()) => {
                cx.stored(store.put_inline_policy(&account, kind, &e.name, &p.policy_name, &text))?
            }
        };
        match outcome {
            Ok(()) => cx.report.count(SECTION, "inline policies"),
            Err(why) => cx.report.refuse(
                SECTION,
                format!("{what} inline policy {}", p.policy_name),
                why,
            ),
        }
    }
    for a in cx.first(SECTION, "attachments", &e.attached_managed_policies) {
        match cx.stored(store.attach_policy(&account, kind, &e.name, &a.policy_arn))? {
            Ok(()) => cx.report.count(SECTION, "attachments"),
            Err(why) => cx.report.refuse(
                SECTION,
                format!("{what} attachment of {}", a.policy_arn),
                why,
            ),
        }
    }
    for group in cx.first(SECTION, "group memberships", &e.group_list) {
        match cx.stored(store.add_user_to_group(&account, group, &e.name))? {
            Ok(()) => cx.report.count(SECTION, "group memberships"),
            Err(why) => cx
                .report
                .refuse(SECTION, format!("{what} in group {group}"), why),
        }
    }
    Ok(())
}

/// A role's trust policy, checked as CreateRole checks it, its named users and roles bound.
fn trust(cx: &mut Import, e: &Entity, what: &str) -> Result<(), ImportError> {
    let Some(document) = &e.assume_role_policy_document else {
        cx.report.refuse(
            SECTION,
            what,
            "it has no trust policy in the export: no one can assume it here",
        );
        return Ok(());
    };
    let text = document_text(document);
    let parsed = check_document(&text, PolicyType::Trust)
        .map_err(|bad| bad.message)
        .and_then(|()| policy::parse_policy(&text).map_err(|e| e.to_string()));
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(why) => {
            cx.report.refuse(
                SECTION,
                format!("{what} trust policy"),
                format!("{why}; no one can assume it here"),
            );
            return Ok(());
        }
    };
    let (bindings, absent) = super::bindings::bind(cx.store, &parsed)?;
    let account = cx.account().to_string();
    match cx.stored(
        cx.store
            .set_trust_policy(&account, &e.name, &text, &bindings),
    )? {
        Ok(()) if absent.is_empty() => {}
        Ok(()) => cx.report.approximate(
            SECTION,
            format!("{what} trust policy"),
            super::bindings::absent_note(&absent),
        ),
        Err(why) => cx
            .report
            .refuse(SECTION, format!("{what} trust policy"), why),
    }
    Ok(())
}
