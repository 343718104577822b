//! A denial that an `Allow` would have granted but for its conditions: the fix that changes no
//! policy is to send the request that meets them — over HTTPS for `aws:SecureTransport`, from
//! an address inside the `aws:SourceIp` range, with the tag or header the condition names.
//! Widening the policy instead would drop the very requirement its author wrote.

use authz::Decision;
use policy::{Context, ContextValue};

use super::near_miss::{candidate, GRANTING};
use super::report::Fix;

/// The request context that meets the failed conditions of the first `Allow` that missed only
/// by them, and the sentence saying so; `None` when there is none, or a failed condition is
/// negated (what would meet it is not a value to name).
pub fn meeting(decision: &Decision, context: &Context) -> Option<(Context, String)> {
    for t in decision
        .trace
        .iter()
        .filter(|t| GRANTING.contains(&t.layer))
    {
        for s in &t.statements {
            let near = candidate(s) && s.resource;
            let failed: Vec<_> = s.conditions.iter().filter(|c| !c.result).collect();
            if !near || failed.is_empty() || failed.iter().any(|c| c.operator.base.is_negated()) {
                continue;
            }
            let mut met = context.clone();
            let mut how = Vec::new();
            for c in &failed {
                let value = c.policy_values.first()?;
                // An address range is met by its first address.
                let value = value.split('/').next().unwrap_or(value).to_string();
                how.push(match &*c.key {
                    k if k.eq_ignore_ascii_case("aws:SecureTransport") => "over HTTPS".to_string(),
                    k if k.eq_ignore_ascii_case("aws:SourceIp") => {
                        format!("from an address in {:?}", c.policy_values)
                    }
                    k => format!("with {k} {} {:?}", c.operator, c.policy_values),
                });
                met.insert(c.key.to_string(), ContextValue::Single(value));
            }
            let sentence = format!(
                "send the request {} so that statement {} of {} applies — no policy changes (the least-privilege fix: widening the policy would drop the requirement it states)",
                how.join(", "),
                s.label,
                t.policy
            );
            return Some((met, sentence));
        }
    }
    None
}

/// The fix, when meeting the conditions is enough: re-decided with `decide`.
pub fn propose(
    decision: &Decision,
    context: &Context,
    decide: &dyn Fn(&Context) -> Decision,
) -> Option<Fix> {
    let (met, what) = meeting(decision, context)?;
    let then = decide(&met);
    then.is_allowed().then(|| Fix {
        what,
        statement: None,
        needs: None,
        then: "allowed".to_string(),
    })
}
