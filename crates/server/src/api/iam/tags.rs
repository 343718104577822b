//! Tags on users, roles and customer managed policies (at most 50 each) [IAM `id_tags`].

use store::EntityKind;

use super::entities::tags_xml;
use crate::api::iam::call::{request_tag_keys, store_error, Call};
use crate::api::iam::protected;
use crate::api::query::error::QueryError;
use crate::api::query::params::Shape;
use crate::api::query::xml::Xml;

/// The tagged thing's id, after authorizing `action` on it; `changes` for Tag and Untag, which
/// no AWS managed policy or Identity Center role allows (`protected`).
fn target(
    call: &Call,
    action: &str,
    kind: Option<EntityKind>,
    keys: Vec<(String, policy::ContextValue)>,
    changes: bool,
) -> Result<String, QueryError> {
    match kind {
        Some(kind) => {
            let param = if kind == EntityKind::User {
                "UserName"
            } else {
                "RoleName"
            };
            let name = call.params.shaped(param, Shape::Name { max: 64 })?;
            let entity = if changes {
                call.on_changed_entity(action, kind, name, keys)?
            } else {
                call.on_entity(action, kind, name, keys)?
            };
            Ok(entity.id)
        }
        None => {
            let arn = call.params.shaped("PolicyArn", Shape::Text { max: 2048 })?;
            let policy = call.store().managed_policy(arn).ok();
            let mut keys = keys;
            if let Some(p) = &policy {
                keys.extend(call.resource_tag_keys(&p.id));
            }
            call.authorize(action, arn, keys)?;
            if changes && protected::is_aws_managed(arn) {
                return Err(protected::aws_managed_refusal(arn));
            }
            match policy {
                Some(p) if p.account_id.as_deref() == Some(call.account.as_str()) => Ok(p.id),
                _ => Err(store_error(store::StoreError::NoSuchEntity(format!(
                    "Policy {arn} does not exist or is not attachable."
                )))),
            }
        }
    }
}

fn tag(call: &Call, action: &str, kind: Option<EntityKind>) -> Result<Xml, QueryError> {
    let tags = call.params.tags("Tags")?;
    let id = target(call, action, kind, request_tag_keys(&tags), true)?;
    call.store().tag_entity(&id, &tags).map_err(store_error)?;
    Ok(Xml::new())
}

fn untag(call: &Call, action: &str, kind: Option<EntityKind>) -> Result<Xml, QueryError> {
    let keys = call.params.list("TagKeys", "");
    let request_keys = vec![(
        "aws:TagKeys".to_string(),
        policy::ContextValue::Multi(keys.clone()),
    )];
    let id = target(call, action, kind, request_keys, true)?;
    call.store().untag_entity(&id, &keys).map_err(store_error)?;
    Ok(Xml::new())
}

fn list(call: &Call, action: &str, kind: Option<EntityKind>) -> Result<Xml, QueryError> {
    let id = target(call, action, kind, Vec::new(), false)?;
    let tags = call.store().tags(&id).map_err(store_error)?;
    let mut out = Xml::new();
    tags_xml(&mut out, &tags);
    out.el("IsTruncated", "false");
    Ok(out)
}

pub fn tag_user(call: &Call) -> Result<Xml, QueryError> {
    tag(call, "TagUser", Some(EntityKind::User))
}
pub fn untag_user(call: &Call) -> Result<Xml, QueryError> {
    untag(call, "UntagUser", Some(EntityKind::User))
}
pub fn list_user_tags(call: &Call) -> Result<Xml, QueryError> {
    list(call, "ListUserTags", Some(EntityKind::User))
}
pub fn tag_role(call: &Call) -> Result<Xml, QueryError> {
    tag(call, "TagRole", Some(EntityKind::Role))
}
pub fn untag_role(call: &Call) -> Result<Xml, QueryError> {
    untag(call, "UntagRole", Some(EntityKind::Role))
}
pub fn list_role_tags(call: &Call) -> Result<Xml, QueryError> {
    list(call, "ListRoleTags", Some(EntityKind::Role))
}
pub fn tag_policy(call: &Call) -> Result<Xml, QueryError> {
    tag(call, "TagPolicy", None)
}
pub fn untag_policy(call: &Call) -> Result<Xml, QueryError> {
    untag(call, "UntagPolicy", None)
}
pub fn list_policy_tags(call: &Call) -> Result<Xml, QueryError> {
    list(call, "ListPolicyTags", None)
}
