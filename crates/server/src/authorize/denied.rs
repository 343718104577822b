//! A denial as every protocol reports it (AWS's message and the `x-gatehouse-*` headers), and
//! its S3 form.

use authz::{AuthzRequest, Decision};
use http::HeaderValue;

use crate::caller::Caller;
use crate::config::ExplainDenials;
use crate::state::Gatehouse;

/// A denial as every protocol reports it: AWS's message, and the `x-gatehouse-*` headers for
/// the callers `explain_denials` admits (percent-encoded, RFC 3986).
#[derive(Debug)]
pub struct Denied {
    pub message: String,
    pub headers: Vec<(&'static str, HeaderValue)>,
    /// No decision could be made (a policy that cannot be read, a verification mismatch):
    /// answered as the protocol's internal error, never as a decision.
    pub internal: bool,
    /// An explicit deny (which nothing, not even a KMS grant, overrides).
    pub explicit: bool,
}

impl Denied {
    /// No decision could be made because of `fault` (a store that cannot answer): logged, and
    /// answered as the protocol's internal error.
    pub fn fault(fault: impl std::fmt::Display) -> Denied {
        eprintln!("gatehouse: no decision could be made: {fault}");
        Denied::internal()
    }

    pub fn internal() -> Denied {
        Denied {
            message: "We encountered an internal error. Please try again.".into(),
            headers: Vec::new(),
            internal: true,
            explicit: false,
        }
    }
}

pub fn denied(
    gatehouse: &Gatehouse,
    caller: &Caller,
    request: &AuthzRequest,
    d: &Decision,
) -> Denied {
    let message = d
        .message
        .clone()
        .unwrap_or_else(|| "Access Denied".to_string());
    let explanation = Explanation {
        verdict: d.verdict.as_str(),
        layer: d.denied_by.unwrap_or(authz::Layer::Identity),
        policy: d.policy.as_deref(),
        statement: d.statement.as_deref(),
    };
    let headers = explanation.headers(
        gatehouse,
        caller,
        request.action,
        request.resource_account,
        authz::message::same_organization(request.context),
    );
    Denied {
        message,
        headers,
        internal: false,
        explicit: d.verdict == authz::Verdict::ExplicitDeny,
    }
}

/// What a denial's `x-gatehouse-*` headers say.
pub struct Explanation<'a> {
    pub verdict: &'a str,
    pub layer: authz::Layer,
    pub policy: Option<&'a str>,
    pub statement: Option<&'a str>,
}

impl Explanation<'_> {
    /// The headers, for the callers `explain_denials` admits (percent-encoded, RFC 3986).
    pub fn headers(
        &self,
        gatehouse: &Gatehouse,
        caller: &Caller,
        action: &str,
        resource_account: &str,
        same_organization: bool,
    ) -> Vec<(&'static str, HeaderValue)> {
        let admitted = match gatehouse.config.explain_denials {
            ExplainDenials::All => true,
            ExplainDenials::None => false,
            ExplainDenials::SameAccount => authz::message::gets_enhanced(
                caller.principal(),
                action,
                resource_account,
                same_organization,
                self.layer,
            ),
        };
        let mut headers = Vec::new();
        if admitted {
            let mut put = |name: &'static str, value: &str| {
                if let Ok(v) = HeaderValue::from_str(&sigv4::percent::encode(value)) {
                    headers.push((name, v));
                }
            };
            put("x-gatehouse-decision", self.verdict);
            put("x-gatehouse-denied-by", self.layer.as_str());
            if let Some(p) = self.policy {
                put("x-gatehouse-policy", p);
            }
            if let Some(s) = self.statement {
                put("x-gatehouse-statement", s);
            }
        }
        headers
    }
}
