//! SimulatePrincipalPolicy: IAM's own policy simulator, answered by the same engine that decides
//! every request, with the user's or role's policies from the directory [IAM
//! SimulatePrincipalPolicy]. The decision vocabulary (`allowed`, `explicitDeny`, `implicitDeny`)
//! is the simulator's; the deciding statement comes back with its position, and the condition
//! keys the context lacked.

use authz::{authorize, AuthzRequest, NamedPolicy, Policies};
use policy::{Context, ContextValue, PolicyType};

use crate::api::iam::call::{store_error, Call};
use crate::api::query::error::QueryError;
use crate::api::query::params::Shape;
use crate::api::query::xml::Xml;

/// At most this many action × resource pairs per call (IAM pages results; one page here).
const MAX_EVALUATIONS: usize = 1000;

fn compiled(id: String, text: &str, kind: PolicyType) -> Result<NamedPolicy, QueryError> {
    let parsed = policy::validate(text, kind)
        .map_err(|e| QueryError::sender("MalformedPolicyDocument", e.first().to_string()))?;
    Ok(NamedPolicy::compile(id, parsed))
}

/// `ContextEntries.member.N.ContextKeyName` / `.ContextKeyValues.member.M`.
fn context_entries(call: &Call) -> Vec<(String, ContextValue)> {
    let names = call.params.list("ContextEntries", "ContextKeyName");
    let types = call.params.list("ContextEntries", "ContextKeyType");
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let values = call.params.list(
                &format!("ContextEntries.member.{}.ContextKeyValues", i + 1),
                "",
            );
            let list = types.get(i).is_some_and(|t| t.ends_with("List"));
            let value = match (list, values.as_slice()) {
                (false, [one]) => ContextValue::Single(one.clone()),
                _ => ContextValue::Multi(values),
            };
            (name, value)
        })
        .collect()
}

/// How the simulator names a policy: an inline one by its name, a managed one by its name, an
/// input by `PolicyInputList.N`; and its type.
fn source(id: &str) -> (String, &'static str) {
    if let Some((owner, name)) = id.split_once("#inline/") {
        let kind = if owner.contains(":group/") {
            "group"
        } else if owner.contains(":role/") {
            "role"
        } else {
            "user"
        };
        return (name.to_string(), kind);
    }
    if let Some(rest) = id.strip_prefix("arn:aws:iam::") {
        let name = id.rsplit('/').next().unwrap_or(id).to_string();
        let kind = if rest.starts_with("aws:") {
            "aws-managed"
        } else if rest.contains(":policy/") {
            "user-managed"
        } else {
            "resource"
        };
        return (name, kind);
    }
    (id.to_string(), "none")
}

/// The condition keys that statements applying to the action and resource test but the
/// context does not carry [IAM SimulatePrincipalPolicy, MissingContextValues].
fn missing_keys(d: &authz::Decision) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for policy in &d.trace {
        for statement in &policy.statements {
            if !(statement.action && statement.resource && statement.principal != Some(false)) {
                continue;
            }
            for c in statement
                .conditions
                .iter()
                .filter(|c| c.request_values.is_none())
            {
                if !keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key)) {
                    keys.push(c.key.to_string());
                }
            }
        }
    }
    keys
}

fn position(out: &mut Xml, element: &str, pos: policy::json::Pos) {
    out.open(element)
        .el("Line", &pos.line.to_string())
        .el("Column", &pos.column.to_string())
        .close(element);
}

pub fn simulate_principal_policy(call: &Call) -> Result<Xml, QueryError> {
    let source_arn = call
        .params
        .shaped("PolicySourceArn", Shape::Text { max: 2048 })?;
    call.authorize("SimulatePrincipalPolicy", source_arn, Vec::new())?;
    let entity = call
        .store()
        .entity_by_arn(source_arn)
        .map_err(store_error)?
        .filter(|e| e.account_id == call.account)
        .ok_or_else(|| {
            store_error(store::StoreError::NoSuchEntity(format!(
                "The user, group or role with ARN {source_arn} cannot be found."
            )))
        })?;
    let who = call
        .gatehouse
        .identities
        .of_entity(call.store(), entity)
        .ok_or_else(|| {
            QueryError::forbidden("ServiceFailure", "The principal could not be read.".into())
        })?;
    simulate(call, who)
}

/// SimulateCustomPolicy: only the policies given, for `CallerArn` (a user) or else a user of
/// the caller's account with nothing else [IAM SimulateCustomPolicy].
pub fn simulate_custom_policy(call: &Call) -> Result<Xml, QueryError> {
    call.authorize("SimulateCustomPolicy", "*", Vec::new())?;
    if call.params.list("PolicyInputList", "").is_empty() {
        return Err(QueryError::sender(
            "ValidationError",
            "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null",
        ));
    }
    let principal = match call.params.get("CallerArn") {
        Some(arn) if arn.contains(":user/") => {
            authz::principal::parse_principal(arn, &Context::new()).map_err(|e| {
                QueryError::sender("InvalidInput", format!("Invalid CallerArn: {}", e.0))
            })?
        }
        Some(arn) => {
            return Err(QueryError::sender(
                "InvalidInput",
                format!("CallerArn {arn} must be the ARN of an IAM user."),
            ))
        }
        None if call.params.get("ResourcePolicy").is_some() => {
            return Err(QueryError::sender(
                "InvalidInput",
                "A CallerArn is required when a ResourcePolicy is given.",
            ))
        }
        // Decision: without a CallerArn the policies are evaluated for a user of the caller's
        // account that has only them — never for the caller itself, whose root or other
        // policies would decide instead of the policies under test.
        None => authz::principal::parse_principal(
            &format!("arn:aws:iam::{}:user/SimulatedUser", call.account),
            &Context::new(),
        )
        .map_err(|e| QueryError::sender("InvalidInput", e.0))?,
    };
    let mut who = crate::identity::CallerIdentity::anonymous();
    who.principal = principal;
    simulate(call, who)
}

/// Answers every action × resource pair for `who` with the request's inputs added.
fn simulate(call: &Call, who: crate::identity::CallerIdentity) -> Result<Xml, QueryError> {
    let p = call.params;
    let actions = p.list("ActionNames", "");
    if actions.is_empty() {
        return Err(QueryError::sender(
            "ValidationError",
            "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
        ));
    }
    let mut resources = p.list("ResourceArns", "");
    if resources.is_empty() {
        resources.push("*".into());
    }
    if actions.len() * resources.len() > MAX_EVALUATIONS {
        return Err(QueryError::sender(
            "InvalidInput",
            format!(
                "At most {MAX_EVALUATIONS} action and resource pairs can be simulated at once."
            ),
        ));
    }
    let mut policies = Policies {
        identity: who.identity.clone(),
        permissions_boundary: who.boundary.clone(),
        ..Policies::default()
    };
    for (i, text) in p.list("PolicyInputList", "").iter().enumerate() {
        policies.identity.push(compiled(
            format!("PolicyInputList.{}", i + 1),
            text,
            PolicyType::Managed,
        )?);
    }
    if let Some(text) = p.list("PermissionsBoundaryPolicyInputList", "").first() {
        policies.permissions_boundary = Some(compiled(
            "PermissionsBoundaryPolicyInputList.1".into(),
            text,
            PolicyType::PermissionsBoundary,
        )?);
    }
    if let Some(text) = p.get("ResourcePolicy") {
        policies.resource = Some(compiled("ResourcePolicy".into(), text, PolicyType::Bucket)?);
    }
    let resource_account = p
        .get("ResourceOwner")
        .and_then(|o| o.split(':').nth(4).map(str::to_string))
        .unwrap_or_else(|| call.account.clone());
    let mut context = Context::new();
    for (k, v) in who.keys.iter().cloned().chain(context_entries(call)) {
        context.insert(k, v);
    }
    let mut out = Xml::new();
    out.open("EvaluationResults");
    for action in &actions {
        for resource in &resources {
            let request = AuthzRequest {
                principal: &who.principal,
                action,
                resource,
                resource_account: &resource_account,
                context: &context,
                policies: &policies,
                s3: None,
            };
            let d = authorize(&request, true);
            out.open("member")
                .el("EvalActionName", action)
                .el("EvalResourceName", resource)
                .el("EvalDecision", d.verdict.as_str());
            out.open("MatchedStatements");
            let deciding = d.policy.as_ref().and_then(|id| {
                let all = policies
                    .identity
                    .iter()
                    .chain(&policies.permissions_boundary)
                    .chain(&policies.resource);
                let named = all.into_iter().find(|n| &n.id == id)?;
                let label = d.statement.as_deref()?;
                let statement = named
                    .policy
                    .document
                    .statements
                    .iter()
                    .find(|s| s.label() == label)?;
                Some((id.clone(), statement.span))
            });
            if let Some((id, span)) = deciding {
                let (name, kind) = source(&id);
                out.open("member")
                    .el("SourcePolicyId", &name)
                    .el("SourcePolicyType", kind);
                position(&mut out, "StartPosition", span.start);
                position(&mut out, "EndPosition", span.end);
                out.close("member");
            }
            out.close("MatchedStatements");
            out.open("MissingContextValues");
            for key in missing_keys(&d) {
                out.el("member", &key);
            }
            out.close("MissingContextValues");
            if policies.permissions_boundary.is_some() {
                let allowed = d.denied_by != Some(authz::Layer::PermissionsBoundary);
                out.open("PermissionsBoundaryDecisionDetail")
                    .el(
                        "AllowedByPermissionsBoundary",
                        if allowed { "true" } else { "false" },
                    )
                    .close("PermissionsBoundaryDecisionDetail");
            }
            out.close("member");
        }
    }
    out.close("EvaluationResults");
    out.el("IsTruncated", "false");
    Ok(out)
}
