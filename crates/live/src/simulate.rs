//! AWS's own policy simulator, when these credentials may call it: `iam:SimulatePrincipalPolicy`
//! for the caller's user or role, on the action and resource, with the bucket policy when it
//! was read. A second opinion on the identity side (it evaluates no SCP it cannot see either).

use crate::calls::Calls;
use crate::clients::Clients;
use crate::identity::{Caller, IdentitySide};

pub async fn simulate(
    c: &Clients,
    calls: &mut Calls,
    caller: &Caller,
    identity: &IdentitySide,
    action: &str,
    resource: &str,
    bucket_policy: Option<&str>,
) -> Option<String> {
    let source = match caller.kind {
        "user" => caller.arn.clone(),
        "assumed-role" => identity.role_arn.clone()?,
        _ => return None,
    };
    let answer = calls.note(
        "iam SimulatePrincipalPolicy",
        &source,
        c.iam
            .simulate_principal_policy()
            .policy_source_arn(&source)
            .action_names(action)
            .resource_arns(resource)
            .set_resource_policy(bucket_policy.map(str::to_string))
            .send()
            .await,
    );
    let result = answer.ok()?;
    let first = result.evaluation_results().first()?;
    Some(first.eval_decision().as_str().to_string())
}
