//! Why the `Allow` statements that name the action did not grant: a `Resource` that does not
//! match — with the commonest mistake named, the bucket's ARN for an object action or
//! `bucket/*` for a bucket action [S3 `s3-arn-format`; IAM `troubleshoot_policies`] — or the
//! conditions that failed, with the request's values.

use authz::{Decision, Layer};
use policy::{Effect, StatementTrace};

/// The layers whose `Allow` statements grant.
pub(super) const GRANTING: [Layer; 2] = [Layer::Identity, Layer::Resource];

/// One sentence per near miss of `decision`. `other_form` is the same question asked of the
/// resource's other form (an object's bucket ARN, or a bucket's `bucket/*`), named by
/// `other_resource`: a statement that matches it names the wrong one.
pub fn near_misses(
    decision: &Decision,
    action: &str,
    resource: &str,
    other_form: Option<(&Decision, &str)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for t in decision
        .trace
        .iter()
        .filter(|t| GRANTING.contains(&t.layer))
    {
        for s in t.statements.iter().filter(|s| candidate(s)) {
            let label = format!("statement {} of {}", s.label, t.policy);
            if !s.resource {
                let wrong_form = other_form.and_then(|(d, other)| {
                    matches_in(d, t.layer, &t.policy, &s.label).then_some(other)
                });
                out.push(match wrong_form {
                    Some(other) if resource.contains('/') => format!(
                        "{label} allows {action} on {other}, the bucket, not on its objects: an object action needs {other}/* (or the object's own ARN)"
                    ),
                    Some(other) => format!(
                        "{label} allows {action} on {other}, the bucket's objects: a bucket action needs the bucket's ARN {resource}"
                    ),
                    None => format!("{label} allows {action}, but its Resource does not match {resource}"),
                });
                continue;
            }
            for c in s.conditions.iter().filter(|c| !c.result) {
                let request = match &c.request_values {
                    Some(v) => format!("the request has {:?}", v.as_slice()),
                    None => "the request does not carry the key".to_string(),
                };
                out.push(format!(
                    "{label} would allow it, but its condition {} {} {:?} is not met ({request})",
                    c.operator, c.key, c.policy_values
                ));
            }
        }
    }
    out
}

/// An `Allow` naming the caller (or naming no one: an identity policy) and the action, that
/// did not apply.
pub(super) fn candidate(s: &StatementTrace) -> bool {
    s.effect == Effect::Allow && s.principal != Some(false) && s.action && !s.applies
}

/// Whether the statement `label` of `policy` in `layer` matched the resource in `d`.
fn matches_in(d: &Decision, layer: Layer, policy: &str, label: &str) -> bool {
    d.trace
        .iter()
        .filter(|t| t.layer == layer && *t.policy == *policy)
        .flat_map(|t| t.statements.iter())
        .any(|s| &*s.label == label && s.resource)
}
