//! Evaluating one layer's policies against the request: the first deny and the first allow,
//! with the statement-by-statement trace when an explanation is asked for.

use std::sync::Arc;

use policy::{Outcome, Request};

use crate::decision::PolicyTrace;
use crate::input::{AuthzRequest, NamedPolicy, OrgLevel};
use crate::layer::Layer;

pub(super) struct Evaluator<'a, 'r> {
    pub req: &'a AuthzRequest<'r>,
    pub request: Request<'a>,
    pub trace: Option<Vec<PolicyTrace>>,
}

/// A deny or allow pointing at one statement of one policy.
#[derive(Clone, Copy)]
pub(super) struct Hit<'p> {
    pub policy: &'p NamedPolicy,
    pub statement: u32,
}

impl Hit<'_> {
    pub fn names(&self) -> (Option<Arc<str>>, Option<Arc<str>>) {
        (
            Some(self.policy.id.clone()),
            Some(self.policy.policy.statement_label(self.statement)),
        )
    }
}

/// One layer's policies evaluated: the first deny and the first allow (by ways the caller was
/// named, for resource policies).
#[derive(Default, Clone, Copy)]
pub(super) struct LayerResult<'p> {
    pub deny: Option<Hit<'p>>,
    pub allow: Option<Hit<'p>>,
    pub outcome: Outcome,
}

impl<'a> Evaluator<'a, '_> {
    /// `allows`: whether an allow of this policy could still be reported (a trace shows every
    /// statement either way).
    fn evaluate(
        &mut self,
        layer: Layer,
        level: Option<&str>,
        np: &'a NamedPolicy,
        allows: bool,
    ) -> Outcome {
        match &mut self.trace {
            None if allows => np.policy.evaluate(&self.request),
            None => np.policy.evaluate_denies(&self.request),
            Some(traces) => {
                let (outcome, statements) = np.policy.evaluate_traced(&self.request);
                traces.push(PolicyTrace {
                    layer,
                    policy: np.id.clone(),
                    level: level.map(str::to_string),
                    result: if outcome.deny.is_some() {
                        "deny"
                    } else if outcome.allow.is_some() {
                        "allow"
                    } else {
                        "none"
                    },
                    statements,
                });
                outcome
            }
        }
    }

    pub fn layer(
        &mut self,
        layer: Layer,
        policies: impl IntoIterator<Item = &'a NamedPolicy>,
    ) -> LayerResult<'a> {
        let mut result = LayerResult::default();
        for np in policies {
            let outcome = self.evaluate(layer, None, np, result.allow.is_none());
            if result.deny.is_none() {
                result.deny = outcome.deny.map(|statement| Hit {
                    policy: np,
                    statement,
                });
            }
            if result.allow.is_none() {
                result.allow = outcome.allow.map(|statement| Hit {
                    policy: np,
                    statement,
                });
                result.outcome = outcome;
            }
        }
        result
    }

    /// SCPs or RCPs: a deny at any level, and the first level with no allow.
    pub fn org_levels(
        &mut self,
        layer: Layer,
        levels: &'a [OrgLevel],
    ) -> (Option<Hit<'a>>, Option<&'a OrgLevel>) {
        let mut deny = None;
        let mut missing = None;
        for level in levels {
            let mut allowed = false;
            for np in &level.policies {
                let outcome = self.evaluate(layer, Some(&level.target), np, !allowed);
                if deny.is_none() {
                    deny = outcome.deny.map(|statement| Hit {
                        policy: np,
                        statement,
                    });
                }
                allowed |= outcome.allow.is_some();
            }
            if !allowed && missing.is_none() {
                missing = Some(level);
            }
        }
        (deny, missing)
    }
}
