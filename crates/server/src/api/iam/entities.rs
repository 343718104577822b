//! Users, groups and roles: create, get, list, update, delete (group membership is in
//! `membership.rs`, permissions boundaries in `boundaries.rs`). Names: users and roles up to
//! 64 characters, groups 128 [IAM API reference].

use policy::ContextValue;
use store::{Entity, EntityKind, EntityUpdate, NewEntity};

use crate::api::iam::call::{date, name_shape, request_tag_keys, store_error, Call};
use crate::api::query::error::QueryError;
use crate::api::query::params::{Params, Shape};
use crate::api::query::xml::Xml;
use sigv4::percent;

/// A role's sessions last one to twelve hours [IAM CreateRole, MaxSessionDuration].
const SESSION_RANGE: (i64, i64) = (3600, 43_200);

/// `<User>`, `<Role>` or `<Group>`'s fields; `full` for a Get or Create answer, which has the
/// permissions boundary and tags that list answers leave out [IAM ListUsers, ListRoles: "does
/// not return ... PermissionsBoundary ... Tags"].
pub fn entity_xml(call: &Call, out: &mut Xml, e: &Entity, full: bool) {
    let noun = e.kind.title();
    out.el("Path", &e.path)
        .el(&format!("{noun}Name"), &e.name)
        .el(&format!("{noun}Id"), &e.id)
        .el("Arn", &e.arn)
        .el("CreateDate", &date(e.created_ms));
    if e.kind == EntityKind::Role {
        if let Some(trust) = crate::identity::binding::shown_trust(&call.gatehouse.store, e) {
            out.el("AssumeRolePolicyDocument", &percent::encode(&trust));
        }
        out.opt("Description", e.description.as_deref());
        out.el(
            "MaxSessionDuration",
            &e.max_session_s.unwrap_or(3600).to_string(),
        );
    }
    if full {
        boundary_xml(out, e);
    }
    if full && e.kind != EntityKind::Group {
        let tags = call.store().tags(&e.id).unwrap_or_default();
        if !tags.is_empty() {
            tags_xml(out, &tags);
        }
    }
}

pub fn boundary_xml(out: &mut Xml, e: &Entity) {
    if let Some(b) = &e.boundary_arn {
        out.open("PermissionsBoundary")
            .el("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
            .el("PermissionsBoundaryArn", b)
            .close("PermissionsBoundary");
    }
}

pub fn tags_xml(out: &mut Xml, tags: &[(String, String)]) {
    out.members("Tags", tags, |x, (k, v)| {
        x.el("Key", k).el("Value", v);
    });
}

pub(super) fn boundary_param(params: &Params) -> Result<Option<&str>, QueryError> {
    let b = params.optional("PermissionsBoundary", Shape::Text { max: 2048 })?;
    if let Some(arn) = b {
        if !arn.starts_with("arn:aws:iam::") || !arn.contains(":policy/") {
            return Err(QueryError::sender(
                "InvalidInput",
                format!("ARN {arn} is not valid."),
            ));
        }
    }
    Ok(b)
}

fn create(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let p = call.params;
    let noun = kind.title();
    let name = call.entity_name(kind)?;
    let path = p.optional("Path", Shape::Path)?.unwrap_or("/");
    let tags = if kind == EntityKind::Group {
        Vec::new()
    } else {
        p.tags("Tags")?
    };
    let boundary = if kind == EntityKind::Group {
        None
    } else {
        boundary_param(p)?
    };
    let mut keys = request_tag_keys(&tags);
    if let Some(b) = boundary {
        keys.push((
            "iam:PermissionsBoundary".into(),
            ContextValue::Single(b.into()),
        ));
    }
    let arn = format!(
        "arn:aws:iam::{}:{}{path}{name}",
        call.account,
        kind.as_str()
    );
    call.authorize(&format!("Create{noun}"), &arn, keys)?;
    super::protected::check_role_path(kind, path)?;
    let mut trust_bindings = Vec::new();
    let (trust, max_session, description) = if kind == EntityKind::Role {
        let trust = p.shaped("AssumeRolePolicyDocument", Shape::Text { max: 131_072 })?;
        trust_bindings = crate::api::iam::documents::check_trust_document(call.store(), trust)?;
        (
            Some(trust),
            Some(
                p.int("MaxSessionDuration", SESSION_RANGE.0, SESSION_RANGE.1)?
                    .unwrap_or(3600),
            ),
            p.optional("Description", Shape::Text { max: 1000 })?,
        )
    } else {
        (None, None, None)
    };
    let entity = call
        .store()
        .create_entity(&NewEntity {
            account_id: &call.account,
            kind,
            name,
            path,
            description,
            trust_policy: trust,
            trust_bindings: &trust_bindings,
            max_session_s: max_session,
            boundary_arn: boundary,
            tags: &tags,
        })
        .map_err(store_error)?;
    let mut out = Xml::new();
    out.open(noun);
    entity_xml(call, &mut out, &entity, true);
    out.close(noun);
    Ok(out)
}

fn list(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let noun = kind.title();
    let prefix = call
        .params
        .optional("PathPrefix", Shape::Text { max: 512 })?
        .unwrap_or("/");
    // Decision [memory]: AWS's denials of ListUsers/ListRoles/ListGroups name the path prefix's
    // ARN ("... iam:ListUsers on resource: arn:aws:iam::123456789012:user/"), so that is the
    // resource asked about; `"Resource": "*"` and `user/*` both cover it.
    let resource = format!("arn:aws:iam::{}:{}{prefix}", call.account, kind.as_str());
    call.authorize(&format!("List{noun}s"), &resource, Vec::new())?;
    let all = call
        .store()
        .entities(&call.account, kind, prefix)
        .map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, &format!("{noun}s"), &all, |x, e| {
        entity_xml(call, x, e, false)
    })?;
    Ok(out)
}

fn delete(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let noun = kind.title();
    let name = call.entity_name(kind)?;
    call.on_changed_entity(&format!("Delete{noun}"), kind, name, Vec::new())?;
    call.store()
        .delete_entity(&call.account, kind, name)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn create_user(call: &Call) -> Result<Xml, QueryError> {
    create(call, EntityKind::User)
}

pub fn create_group(call: &Call) -> Result<Xml, QueryError> {
    create(call, EntityKind::Group)
}

pub fn create_role(call: &Call) -> Result<Xml, QueryError> {
    create(call, EntityKind::Role)
}

/// GetUser without a name answers for the calling user [IAM GetUser].
pub fn get_user(call: &Call) -> Result<Xml, QueryError> {
    if call.caller.principal().kind == policy::PrincipalType::Account
        && call.params.get("UserName").is_none()
    {
        return get_root_user(call);
    }
    let name = call.user_name_or_caller()?;
    let user = call.on_entity("GetUser", EntityKind::User, &name, Vec::new())?;
    let mut out = Xml::new();
    out.open("User");
    entity_xml(call, &mut out, &user, true);
    out.close("User");
    Ok(out)
}

/// GetUser signed by root without a name: the root user, whose UserId is the account id.
fn get_root_user(call: &Call) -> Result<Xml, QueryError> {
    let arn = format!("arn:aws:iam::{}:root", call.account);
    call.authorize("GetUser", &arn, Vec::new())?;
    let account = call
        .store()
        .account(&call.account)
        .map_err(store_error)?
        .ok_or_else(|| QueryError::forbidden("AccessDenied", "No such account".into()))?;
    let mut out = Xml::new();
    out.open("User")
        .el("UserId", &call.account)
        .el("Arn", &arn)
        .el("CreateDate", &date(account.created_ms))
        .close("User");
    Ok(out)
}

pub fn get_role(call: &Call) -> Result<Xml, QueryError> {
    let name = call.entity_name(EntityKind::Role)?;
    let role = call.on_entity("GetRole", EntityKind::Role, name, Vec::new())?;
    let mut out = Xml::new();
    out.open("Role");
    entity_xml(call, &mut out, &role, true);
    out.close("Role");
    Ok(out)
}

pub fn get_group(call: &Call) -> Result<Xml, QueryError> {
    let name = call.entity_name(EntityKind::Group)?;
    let group = call.on_entity("GetGroup", EntityKind::Group, name, Vec::new())?;
    let members = call.store().members_of(&group.id).map_err(store_error)?;
    let mut out = Xml::new();
    out.open("Group");
    entity_xml(call, &mut out, &group, false);
    out.close("Group");
    call.paged(&mut out, "Users", &members, |x, u| {
        entity_xml(call, x, u, false)
    })?;
    Ok(out)
}

pub fn list_users(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::User)
}

pub fn list_groups(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::Group)
}

pub fn list_roles(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::Role)
}

fn rename(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let noun = kind.title();
    let p = call.params;
    let name = call.entity_name(kind)?;
    let new_name = p.optional(&format!("New{noun}Name"), name_shape(kind))?;
    let new_path = p.optional("NewPath", Shape::Path)?;
    call.on_entity(&format!("Update{noun}"), kind, name, Vec::new())?;
    call.store()
        .update_entity(
            &call.account,
            kind,
            name,
            &EntityUpdate {
                new_name,
                new_path,
                ..Default::default()
            },
        )
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn update_user(call: &Call) -> Result<Xml, QueryError> {
    rename(call, EntityKind::User)
}

pub fn update_group(call: &Call) -> Result<Xml, QueryError> {
    rename(call, EntityKind::Group)
}

/// UpdateRole and UpdateRoleDescription: the description and maximum session length.
fn update_role_settings(call: &Call, action: &str) -> Result<Entity, QueryError> {
    let p = call.params;
    let name = call.entity_name(EntityKind::Role)?;
    let description = p.optional("Description", Shape::Text { max: 1000 })?;
    let max_session_s = p.int("MaxSessionDuration", SESSION_RANGE.0, SESSION_RANGE.1)?;
    call.on_changed_entity(action, EntityKind::Role, name, Vec::new())?;
    call.store()
        .update_entity(
            &call.account,
            EntityKind::Role,
            name,
            &EntityUpdate {
                description,
                max_session_s,
                ..Default::default()
            },
        )
        .map_err(store_error)
}

pub fn update_role(call: &Call) -> Result<Xml, QueryError> {
    update_role_settings(call, "UpdateRole")?;
    Ok(Xml::empty_result())
}

/// The older call: same change, and the role in the answer.
pub fn update_role_description(call: &Call) -> Result<Xml, QueryError> {
    let role = update_role_settings(call, "UpdateRoleDescription")?;
    let mut out = Xml::new();
    out.open("Role");
    entity_xml(call, &mut out, &role, true);
    out.close("Role");
    Ok(out)
}

pub fn update_assume_role_policy(call: &Call) -> Result<Xml, QueryError> {
    let p = call.params;
    let name = call.entity_name(EntityKind::Role)?;
    let document = p.shaped("PolicyDocument", Shape::Text { max: 131_072 })?;
    call.on_changed_entity("UpdateAssumeRolePolicy", EntityKind::Role, name, Vec::new())?;
    let bindings = crate::api::iam::documents::check_trust_document(call.store(), document)?;
    call.store()
        .set_trust_policy(&call.account, name, document, &bindings)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn delete_user(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::User)
}

pub fn delete_group(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::Group)
}

pub fn delete_role(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::Role)
}
