//! AssumeRole, decided by the engine with the role's trust policy as the resource policy, so
//! AWS's rules hold: in the same account a trust policy naming the caller is enough, one naming
//! the account needs an identity-policy allow too; across accounts both sides must allow;
//! boundaries, session policies and SCPs limit it like any resource-policy grant
//! [IAM `id_roles_use_permissions-to-switch`]. Its session policies and tags are checked here.

use authz::catalog::catalog;
use authz::AuthzRequest;
use policy::{ContextValue, PolicyType, PrincipalType};
use store::{EntityKind, IdentityDocument, NewSession, SessionTag};

use crate::api::iam::call::store_error;
use crate::api::iam::documents::check_document;
use crate::api::query::error::QueryError;
use crate::api::query::params::{check_tag, Params, Shape};
use crate::api::query::xml::Xml;
use crate::authorize::{
    add_carried_keys, add_perimeter, decide_with_documents, identity_policies, request_context,
};
use crate::caller::Caller;
use crate::identity::Consulted;
use crate::state::Gatehouse;

use super::credentials::credentials_xml;

/// A session's policies: at most ten `PolicyArns` [STS AssumeRole, PolicyArns].
const MAX_POLICY_ARNS: usize = 10;
const MAX_SESSION_TAGS: usize = 50;

/// Inline `Policy` and `PolicyArns`: their plain text may not exceed 2,048 characters together
/// [STS AssumeRole, Policy]; each managed one must exist.
fn session_policies(
    gatehouse: &Gatehouse,
    params: &Params,
) -> Result<(Option<String>, Vec<String>), QueryError> {
    let inline = params.optional("Policy", Shape::Text { max: 2048 })?;
    if let Some(doc) = inline {
        check_document(doc, PolicyType::Session)?;
    }
    let arns = params.list("PolicyArns", "arn");
    if arns.len() > MAX_POLICY_ARNS {
        return Err(QueryError::validation(format!(
            "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}"
        )));
    }
    for arn in &arns {
        gatehouse.store.managed_policy(arn).map_err(|_| {
            QueryError::sender(
                "InvalidParameterValue",
                format!("Policy {arn} does not exist or is not attachable."),
            )
        })?;
    }
    Ok((inline.map(str::to_string), arns))
}

/// The session's tags: those the request sets, then those inherited from the calling
/// session; `.1` is how many the request set.
fn session_tags(caller: &Caller, params: &Params) -> Result<(Vec<SessionTag>, usize), QueryError> {
    let keys = params.list("Tags", "Key");
    let values = params.list("Tags", "Value");
    if keys.len() != values.len() {
        return Err(QueryError::validation(
            "Value null at 'tags' failed to satisfy constraint: Member must not be null",
        ));
    }
    let transitive: Vec<String> = params.list("TransitiveTagKeys", "");
    let mut tags = Vec::new();
    for (k, v) in keys.iter().zip(&values) {
        check_tag(k, v)?;
        tags.push(SessionTag {
            key: k.clone(),
            value: v.clone(),
            transitive: transitive.iter().any(|t| t.eq_ignore_ascii_case(k)),
        });
    }
    if let Some(t) = transitive
        .iter()
        .find(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(t)))
    {
        return Err(QueryError::sender(
            "InvalidParameterValue",
            format!("The specified transitive tag key {t} must be included in the requested tags."),
        ));
    }
    let requested = tags.len();
    // Transitive tags of the calling session pass to the next one in a role chain, and may not
    // be set again [IAM `id_session-tags`, "Chaining roles with session tags"].
    if let Some(s) = caller.identity.session_tags.as_ref() {
        for inherited in s.iter().filter(|t| t.transitive) {
            if tags
                .iter()
                .any(|t| t.key.eq_ignore_ascii_case(&inherited.key))
            {
                return Err(QueryError::sender(
                    "InvalidParameterValue",
                    format!("The tag key {} is inherited from the calling session as a transitive tag and cannot be set again.", inherited.key),
                ));
            }
            tags.push(inherited.clone());
        }
    }
    if tags.len() > MAX_SESSION_TAGS {
        return Err(QueryError::sender(
            "PackedPolicyTooLarge",
            "Serialized token too large for session: more than 50 session tags.",
        ));
    }
    Ok((tags, requested))
}

pub(super) fn assume_role(
    gatehouse: &Gatehouse,
    caller: &Caller,
    params: &Params,
) -> Result<Xml, QueryError> {
    let role_arn = params.shaped("RoleArn", Shape::Text { max: 2048 })?;
    let session_name = params.shaped("RoleSessionName", Shape::Name { max: 64 })?;
    if session_name.len() < 2 {
        return Err(QueryError::validation(format!("Value '{session_name}' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")));
    }
    let external_id = params.optional("ExternalId", Shape::Text { max: 1224 })?;
    let source_identity = params.optional("SourceIdentity", Shape::Name { max: 64 })?;
    let duration = params.int("DurationSeconds", 900, 43_200)?.unwrap_or(3600);
    let (policy, policy_arns) = session_policies(gatehouse, params)?;
    let (tags, requested) = session_tags(caller, params)?;
    let requested = &tags[..requested];
    let store = &gatehouse.store;
    if caller.principal().kind == PrincipalType::Account {
        // [IAM `id_roles_use`: "you cannot assume a role as the root user"].
        return Err(QueryError::forbidden(
            "AccessDenied",
            "Roles may not be assumed by root accounts.".into(),
        ));
    }
    let role = store
        .entity_by_arn(role_arn)
        .map_err(store_error)?
        .filter(|e| e.kind == EntityKind::Role);
    let role_account = role_arn.split(':').nth(4).unwrap_or("").to_string();
    let trust = role.as_ref().and_then(|r| {
        Some(IdentityDocument {
            id: r.arn.clone(),
            digest: r.trust_digest.clone()?,
            document: r.trust_policy.clone()?,
        })
    });
    // The questions: AssumeRole, and TagSession / SetSourceIdentity when the request sets them
    // [IAM `id_session-tags`; `id_credentials_temp_control-access_monitor`].
    let mut keys: Vec<(String, ContextValue)> = vec![(
        "sts:RoleSessionName".into(),
        ContextValue::Single(session_name.into()),
    )];
    if let Some(x) = external_id {
        keys.push(("sts:ExternalId".into(), ContextValue::Single(x.into())));
    }
    if let Some(s) = source_identity {
        keys.push(("sts:SourceIdentity".into(), ContextValue::Single(s.into())));
    }
    for t in requested {
        keys.push((
            format!("aws:RequestTag/{}", t.key),
            ContextValue::Single(t.value.clone()),
        ));
    }
    if !requested.is_empty() {
        keys.push((
            "aws:TagKeys".into(),
            ContextValue::Multi(requested.iter().map(|t| t.key.clone()).collect()),
        ));
        let transitive: Vec<String> = requested
            .iter()
            .filter(|t| t.transitive)
            .map(|t| t.key.clone())
            .collect();
        if !transitive.is_empty() {
            keys.push((
                "sts:TransitiveTagKeys".into(),
                ContextValue::Multi(transitive),
            ));
        }
    }
    let mut actions = vec!["sts:AssumeRole"];
    if !requested.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    let mut policies = identity_policies(caller);
    // A stored trust policy that no longer parses is a fault, not "no trust policy": the
    // request is refused as the service's internal error (the fault is logged where it was
    // found), never decided without it.
    policies.resource = match (&role, &trust) {
        (Some(role), Some(t)) => Some(
            crate::identity::binding::trust_policy(
                &gatehouse.store,
                &gatehouse.identities,
                role,
                t,
            )
            .map_err(|_| {
                QueryError::internal("We encountered an internal error. Please try again.")
            })?,
        ),
        _ => None,
    };
    let documents: Vec<Consulted> = trust
        .iter()
        .map(|t| Consulted::of(authz::Layer::Trust, t))
        .collect();
    for action in actions {
        add_perimeter(gatehouse, &mut policies, caller, action, &role_account)
            .map_err(QueryError::access_denied)?;
        let mut context = request_context(gatehouse, caller, &role_account);
        add_carried_keys(
            &mut context,
            action,
            catalog().resource_type_of(action, role_arn),
            &keys,
        );
        let request = AuthzRequest {
            principal: caller.principal(),
            action,
            resource: role_arn,
            resource_account: &role_account,
            context: &context,
            policies: &policies,
            s3: None,
        };
        decide_with_documents(gatehouse, caller, &request, &[], &documents)
            .map_err(QueryError::access_denied)?;
    }
    let role = role.ok_or_else(|| QueryError::forbidden("AccessDenied", "Access denied".into()))?;
    let max = role.max_session_s.unwrap_or(3600);
    // A role session assuming a role ("role chaining") gets at most an hour [IAM
    // `id_roles_terms-and-concepts`, role chaining].
    if caller.principal().kind == PrincipalType::AssumedRole && duration > 3600 {
        return Err(QueryError::sender("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
    }
    if duration > max {
        return Err(QueryError::sender(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let principal_arn = format!(
        "arn:aws:sts::{}:assumed-role/{}/{session_name}",
        role.account_id, role.name
    );
    let key = store
        .create_session(&NewSession {
            account_id: &role.account_id,
            principal_arn: &principal_arn,
            source_arn: &role.arn,
            source_id: Some(&role.id),
            session_name: Some(session_name),
            source_identity: source_identity.or(caller.identity.source_identity.as_deref()),
            policy: policy.as_deref(),
            policy_arns: &policy_arns,
            tags: &tags,
            expires_ms: crate::identity::now_ms() + duration * 1000,
        })
        .map_err(store_error)?;
    let mut out = Xml::new();
    credentials_xml(&mut out, &key);
    out.open("AssumedRoleUser")
        .el("AssumedRoleId", &format!("{}:{session_name}", role.id))
        .el("Arn", &principal_arn)
        .close("AssumedRoleUser");
    // The share of the packed-size limit the session's policies and tags use, given when the
    // request passed any [STS AssumeRole, PackedPolicySize]. Decision: measured against the
    // documented 2,048-character plain-text limit, tags counted as `key=value`.
    if policy.is_some() || !policy_arns.is_empty() || !requested.is_empty() {
        let chars = policy
            .as_deref()
            .map_or(0, |p| p.chars().filter(|c| !c.is_whitespace()).count())
            + policy_arns.iter().map(String::len).sum::<usize>()
            + requested
                .iter()
                .map(|t| t.key.len() + t.value.len() + 1)
                .sum::<usize>();
        out.el(
            "PackedPolicySize",
            &(chars * 100).div_ceil(2048).to_string(),
        );
    }
    out.opt("SourceIdentity", source_identity);
    Ok(out)
}
