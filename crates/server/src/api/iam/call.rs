//! One IAM call — who, on which account, with what — and what every handler shares: the call
//! authorized against the caller's own account, names and paths, dates, the store's errors in
//! IAM's words.

use authz::Decision;
use policy::ContextValue;
use store::{Entity, EntityKind, StoreError};

use crate::api::query::error::QueryError;
use crate::api::query::params::{Params, Shape};
use crate::api::query::xml::Xml;
use crate::authorize::check_in_own_account;
use crate::caller::Caller;
use crate::state::Gatehouse;

pub const NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// One IAM call: who, on which account, with what.
pub struct Call<'a> {
    pub gatehouse: &'a Gatehouse,
    pub caller: &'a Caller,
    pub account: String,
    pub params: &'a Params,
}

pub fn store_error(e: StoreError) -> QueryError {
    use http::StatusCode;
    let (status, code, message) = match e {
        StoreError::NoSuchEntity(m) => (StatusCode::NOT_FOUND, "NoSuchEntity", m),
        StoreError::EntityAlreadyExists(m) => (StatusCode::CONFLICT, "EntityAlreadyExists", m),
        StoreError::DeleteConflict(m) => (StatusCode::CONFLICT, "DeleteConflict", m),
        StoreError::LimitExceeded(m) => (StatusCode::CONFLICT, "LimitExceeded", m),
        other => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailure",
            other.to_string(),
        ),
    };
    QueryError {
        status,
        code,
        message,
        headers: Vec::new(),
    }
}

pub fn date(ms: i64) -> String {
    audit::clock::iso8601((ms.max(0) / 1000) as u64)
}

impl Call<'_> {
    pub fn store(&self) -> &store::Store {
        &self.gatehouse.store
    }

    /// Is the caller allowed `iam:ACTION` on `resource`, with these request keys (kept when
    /// the catalogue says the action carries them)?
    pub fn authorize(
        &self,
        action: &str,
        resource: &str,
        keys: Vec<(String, ContextValue)>,
    ) -> Result<Decision, QueryError> {
        check_in_own_account(
            self.gatehouse,
            self.caller,
            &format!("iam:{action}"),
            resource,
            keys,
        )
        .map_err(QueryError::access_denied)
    }

    /// The ARN an action on the named entity is authorized against: the entity's (with its
    /// path) when it exists, else the ARN it would have at the root path.
    pub fn entity_arn(&self, kind: EntityKind, name: &str) -> (String, Option<Entity>) {
        match self.store().entity(&self.account, kind, name) {
            Ok(e) => (e.arn.clone(), Some(e)),
            Err(_) => (
                format!("arn:aws:iam::{}:{}/{name}", self.account, kind.as_str()),
                None,
            ),
        }
    }

    /// Authorizes `action` on the named user, group or role and returns it.
    pub fn on_entity(
        &self,
        action: &str,
        kind: EntityKind,
        name: &str,
        keys: Vec<(String, ContextValue)>,
    ) -> Result<Entity, QueryError> {
        let (arn, entity) = self.entity_arn(kind, name);
        let mut keys = keys;
        if let Some(e) = &entity {
            keys.extend(self.resource_tag_keys(&e.id));
        }
        self.authorize(action, &arn, keys)?;
        entity.ok_or_else(|| {
            store_error(store::StoreError::NoSuchEntity(format!(
                "The {} with name {name} cannot be found.",
                kind.noun()
            )))
        })
    }

    /// `aws:ResourceTag/*` (and `iam:ResourceTag/*`) of a tagged user, role or policy.
    pub fn resource_tag_keys(&self, owner_id: &str) -> Vec<(String, ContextValue)> {
        let mut keys = Vec::new();
        for (k, v) in self.store().tags(owner_id).unwrap_or_default() {
            keys.push((
                format!("aws:ResourceTag/{k}"),
                ContextValue::Single(v.clone()),
            ));
            keys.push((format!("iam:ResourceTag/{k}"), ContextValue::Single(v)));
        }
        keys
    }

    /// The `UserName`, `RoleName` or `GroupName` parameter (64 characters for users and roles,
    /// 128 for groups) [IAM API reference].
    pub fn entity_name(&self, kind: EntityKind) -> Result<&str, QueryError> {
        self.params
            .shaped(&format!("{}Name", kind.title()), name_shape(kind))
    }

    /// `UserName`, or without it the calling user [IAM GetUser, CreateAccessKey: "IAM
    /// determines the user name implicitly based on the access key ID signing the request"].
    pub fn user_name_or_caller(&self) -> Result<String, QueryError> {
        if let Some(n) = self
            .params
            .optional("UserName", name_shape(EntityKind::User))?
        {
            return Ok(n.to_string());
        }
        match &self.caller.identity.entity_name {
            Some(n) if self.caller.principal().kind == policy::PrincipalType::User => Ok(n.clone()),
            _ => Err(QueryError::sender(
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )),
        }
    }

    /// `<name>` with one `<member>` per item of the page `Marker`/`MaxItems` (1–1000, default
    /// 100) ask for, each written by `each`, and IAM's `IsTruncated` and `Marker`.
    pub fn paged<T>(
        &self,
        out: &mut Xml,
        name: &str,
        items: &[T],
        each: impl FnMut(&mut Xml, &T),
    ) -> Result<(), QueryError> {
        let max = self.params.int("MaxItems", 1, 1000)?.unwrap_or(100) as usize;
        let start = match self.params.get("Marker") {
            None => 0,
            Some(m) => m
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= items.len())
                .ok_or_else(|| QueryError::sender("InvalidInput", "Invalid Marker."))?,
        };
        let end = (start + max).min(items.len());
        out.members(name, &items[start..end], each);
        out.el(
            "IsTruncated",
            if end < items.len() { "true" } else { "false" },
        );
        if end < items.len() {
            out.el("Marker", &end.to_string());
        }
        Ok(())
    }
}

pub fn name_shape(kind: EntityKind) -> Shape {
    match kind {
        EntityKind::Group => Shape::Name { max: 128 },
        EntityKind::User | EntityKind::Role => Shape::Name { max: 64 },
    }
}

/// Request keys for tags on a create or tag call [IAM `access_iam-tags`].
pub fn request_tag_keys(tags: &[(String, String)]) -> Vec<(String, ContextValue)> {
    let mut keys: Vec<(String, ContextValue)> = tags
        .iter()
        .map(|(k, v)| {
            (
                format!("aws:RequestTag/{k}"),
                ContextValue::Single(v.clone()),
            )
        })
        .collect();
    if !tags.is_empty() {
        keys.push((
            "aws:TagKeys".into(),
            ContextValue::Multi(tags.iter().map(|(k, _)| k.clone()).collect()),
        ));
    }
    keys
}
