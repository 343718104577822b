//! Inline policies of users, groups and roles: put, get, list, delete. Documents are checked
//! with the size limit of their kind (user 2,048, group 5,120, role 10,240 characters,
//! white space not counted) [IAM `reference_iam-quotas`].

use policy::PolicyType;
use store::EntityKind;

use crate::api::iam::call::{store_error, Call};
use crate::api::iam::documents::check_document;
use crate::api::query::error::QueryError;
use crate::api::query::params::Shape;
use crate::api::query::xml::Xml;
use sigv4::percent;

const POLICY_NAME: Shape = Shape::Name { max: 128 };

fn owner_name<'a>(call: &'a Call, kind: EntityKind) -> Result<&'a str, QueryError> {
    call.entity_name(kind)
}

fn put(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let owner = owner_name(call, kind)?;
    let name = call.params.shaped("PolicyName", POLICY_NAME)?;
    let document = call
        .params
        .shaped("PolicyDocument", Shape::Text { max: 131_072 })?;
    call.on_changed_entity(
        &format!("Put{}Policy", kind.title()),
        kind,
        owner,
        Vec::new(),
    )?;
    let policy_type = match kind {
        EntityKind::User => PolicyType::UserInline,
        EntityKind::Group => PolicyType::GroupInline,
        EntityKind::Role => PolicyType::RoleInline,
    };
    check_aggregate_size(call, kind, owner, name, document)?;
    check_document(document, policy_type)?;
    call.store()
        .put_inline_policy(&call.account, kind, owner, name, document)
        .map_err(store_error)?;
    Ok(Xml::new())
}

/// The inline policies of one user, group or role share one size limit, white space not
/// counted [IAM `reference_iam-quotas`, "aggregate policy size"].
fn check_aggregate_size(
    call: &Call,
    kind: EntityKind,
    owner: &str,
    name: &str,
    document: &str,
) -> Result<(), QueryError> {
    let limit = match kind {
        EntityKind::User => 2_048,
        EntityKind::Group => 5_120,
        EntityKind::Role => 10_240,
    };
    let size = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
    let store = call.store();
    let mut total = size(document);
    for other in store
        .inline_policy_names(&call.account, kind, owner)
        .map_err(store_error)?
    {
        if other != name {
            let text = store
                .inline_policy(&call.account, kind, owner, &other)
                .map_err(store_error)?;
            total += size(&text);
        }
    }
    if total > limit {
        return Err(store_error(store::StoreError::LimitExceeded(format!(
            "Maximum policy size of {limit} bytes exceeded for {} {owner}",
            kind.noun()
        ))));
    }
    Ok(())
}

fn get(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let owner = owner_name(call, kind)?;
    let name = call.params.shaped("PolicyName", POLICY_NAME)?;
    call.on_entity(
        &format!("Get{}Policy", kind.title()),
        kind,
        owner,
        Vec::new(),
    )?;
    let document = call
        .store()
        .inline_policy(&call.account, kind, owner, name)
        .map_err(store_error)?;
    let mut out = Xml::new();
    out.el(&format!("{}Name", kind.title()), owner)
        .el("PolicyName", name)
        .el("PolicyDocument", &percent::encode(&document));
    Ok(out)
}

fn list(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let owner = owner_name(call, kind)?;
    call.on_entity(
        &format!("List{}Policies", kind.title()),
        kind,
        owner,
        Vec::new(),
    )?;
    let names = call
        .store()
        .inline_policy_names(&call.account, kind, owner)
        .map_err(store_error)?;
    let mut out = Xml::new();
    call.paged(&mut out, "PolicyNames", &names, |x, n| {
        x.text(n);
    })?;
    Ok(out)
}

fn delete(call: &Call, kind: EntityKind) -> Result<Xml, QueryError> {
    let owner = owner_name(call, kind)?;
    let name = call.params.shaped("PolicyName", POLICY_NAME)?;
    call.on_changed_entity(
        &format!("Delete{}Policy", kind.title()),
        kind,
        owner,
        Vec::new(),
    )?;
    call.store()
        .delete_inline_policy(&call.account, kind, owner, name)
        .map_err(store_error)?;
    Ok(Xml::new())
}

pub fn put_user_policy(call: &Call) -> Result<Xml, QueryError> {
    put(call, EntityKind::User)
}
pub fn put_group_policy(call: &Call) -> Result<Xml, QueryError> {
    put(call, EntityKind::Group)
}
pub fn put_role_policy(call: &Call) -> Result<Xml, QueryError> {
    put(call, EntityKind::Role)
}
pub fn get_user_policy(call: &Call) -> Result<Xml, QueryError> {
    get(call, EntityKind::User)
}
pub fn get_group_policy(call: &Call) -> Result<Xml, QueryError> {
    get(call, EntityKind::Group)
}
pub fn get_role_policy(call: &Call) -> Result<Xml, QueryError> {
    get(call, EntityKind::Role)
}
pub fn list_user_policies(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::User)
}
pub fn list_group_policies(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::Group)
}
pub fn list_role_policies(call: &Call) -> Result<Xml, QueryError> {
    list(call, EntityKind::Role)
}
pub fn delete_user_policy(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::User)
}
pub fn delete_group_policy(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::Group)
}
pub fn delete_role_policy(call: &Call) -> Result<Xml, QueryError> {
    delete(call, EntityKind::Role)
}
