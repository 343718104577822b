//! What was found, as the [`Decision`] every caller reads: the verdict, the deciding layer,
//! policy and statement, AWS's message for a denial, and — when asked — the explanation and
//! the trace.

use super::evaluator::Evaluator;
use super::found::Found;
use crate::decision::{Decision, Verdict};
use crate::message;

pub(super) fn finish(eval: Evaluator, found: Found) -> Decision {
    let req = eval.req;
    let p = req.principal;
    let resource_account = req
        .s3
        .map_or(req.resource_account, |s| s.bucket_owner.as_str());
    let explain = eval.trace.is_some();
    match found {
        Found::Allowed {
            policy,
            statement,
            how,
        } => Decision {
            verdict: Verdict::Allowed,
            denied_by: None,
            explanation: match (&policy, &statement) {
                _ if !explain => String::new(),
                (Some(pol), Some(st)) => format!(
                    "{} may perform {} on {}: statement {st} of {pol} allows it.",
                    p.arn, req.action, req.resource
                ),
                _ => format!(
                    "{} may perform {} on {}: {how}.",
                    p.arn, req.action, req.resource
                ),
            },
            policy,
            statement,
            message: None,
            trace: eval.trace.unwrap_or_default(),
        },
        Found::Denied {
            layer,
            explicit,
            policy,
            statement,
            why,
        } => {
            let same_org = message::same_organization(req.context);
            let message =
                if message::gets_enhanced(p, req.action, resource_account, same_org, layer) {
                    message::enhanced(p, req.action, req.resource, layer, explicit)
                } else {
                    message::PLAIN.to_string()
                };
            let place = match (&policy, &statement) {
                _ if !explain => String::new(),
                (Some(pol), Some(st)) => format!(" (statement {st} of {pol})"),
                _ => String::new(),
            };
            Decision {
                verdict: if explicit {
                    Verdict::ExplicitDeny
                } else {
                    Verdict::ImplicitDeny
                },
                denied_by: Some(layer),
                explanation: if explain {
                    format!(
                        "{} may not perform {} on {}: {why}{place} [layer {layer}].",
                        p.arn, req.action, req.resource
                    )
                } else {
                    String::new()
                },
                policy,
                statement,
                message: Some(message),
                trace: eval.trace.unwrap_or_default(),
            }
        }
    }
}
