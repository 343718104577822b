//! What no IAM call changes, whatever the caller's permissions: AWS managed policies, and the
//! roles IAM Identity Center keeps in an account under `/aws-reserved/sso.amazonaws.com/`. Each
//! check comes after the call is authorized, so a caller without permission still learns
//! nothing.

use store::{Entity, EntityKind};

use crate::api::iam::call::Call;
use crate::api::query::error::QueryError;

/// Where IAM Identity Center keeps the roles of its permission sets.
pub const SSO_ROLE_PATH: &str = "/aws-reserved/sso.amazonaws.com/";
/// Role paths only AWS creates roles under.
const RESERVED_PATH: &str = "/aws-reserved/";

pub fn is_aws_managed(policy_arn: &str) -> bool {
    policy_arn.starts_with("arn:aws:iam::aws:policy/")
}

/// "You cannot change the permissions defined in AWS managed policies" [IAM
/// `access_policies_managed-vs-inline`]. Decision: AWS documents no error for the attempt;
/// Gatehouse answers 403 AccessDenied, an implicit deny: the policy belongs to the `aws`
/// account, IAM grants only within the caller's own account, so no permission reaches it.
pub fn aws_managed_refusal(policy_arn: &str) -> QueryError {
    QueryError::forbidden(
        "AccessDenied",
        format!("Policy {policy_arn} is an AWS managed policy and cannot be changed."),
    )
}

/// The roles of IAM Identity Center are changed through Identity Center only; IAM answers
/// `UnmodifiableEntity` (400) with this message [AWS re:Post knowledge center
/// `identity-center-aws-reserved-sso`; IAM API reference, `UnmodifiableEntity`].
pub fn check_modifiable(entity: &Entity) -> Result<(), QueryError> {
    if entity.kind == EntityKind::Role && entity.path.starts_with(SSO_ROLE_PATH) {
        return Err(QueryError::sender(
            "UnmodifiableEntity",
            format!(
                "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                entity.name
            ),
        ));
    }
    Ok(())
}

/// CreateRole under `/aws-reserved/`. Decision: AWS documents no answer; it refuses
/// `/aws-service-role/` paths for roles it did not create with InvalidInput ("Path prefix
/// '/aws-service-role/' can only be used for AWS Service linked Roles"), so Gatehouse answers
/// `/aws-reserved/` the same way.
pub fn check_role_path(kind: EntityKind, path: &str) -> Result<(), QueryError> {
    if kind == EntityKind::Role && path.starts_with(RESERVED_PATH) {
        return Err(QueryError::sender(
            "InvalidInput",
            format!("Path prefix '{RESERVED_PATH}' can only be used for roles AWS creates"),
        ));
    }
    Ok(())
}

impl Call<'_> {
    /// [`Call::on_entity`] for a call that changes the user, group or role.
    pub fn on_changed_entity(
        &self,
        action: &str,
        kind: EntityKind,
        name: &str,
        keys: Vec<(String, policy::ContextValue)>,
    ) -> Result<Entity, QueryError> {
        let entity = self.on_entity(action, kind, name, keys)?;
        check_modifiable(&entity)?;
        Ok(entity)
    }
}
