//! Security warnings: statements that grant more than they seem to [IAM Access Analyzer
//! policy checks: "Security warning" findings].

use policy::document::PrincipalKind;
use policy::{Effect, PolicyType, Statement};

use super::finding::{child, name, Finding, Severity};

fn warn(
    out: &mut Vec<Finding>,
    code: &'static str,
    path: String,
    span: policy::json::Span,
    message: String,
) {
    out.push(Finding::at(
        Severity::SecurityWarning,
        code,
        path,
        span,
        message,
    ));
}

/// Does an action pattern cover `iam:PassRole`?
fn covers_pass_role(pattern: &str) -> bool {
    policy::wildcard::matches(pattern, "iam:PassRole", true)
}

pub fn statement(path: &str, s: &Statement, kind: PolicyType, out: &mut Vec<Finding>) {
    if s.effect != Effect::Allow {
        return;
    }
    let resource_side = matches!(
        kind,
        PolicyType::Bucket | PolicyType::Key | PolicyType::Trust | PolicyType::VpcEndpoint
    );
    if let Some(p) = &s.principal {
        let everyone = p
            .entries
            .iter()
            .any(|e| e.value == "*" && e.kind == PrincipalKind::Aws);
        if p.negated {
            warn(
                out,
                "ALLOW_WITH_NOT_PRINCIPAL",
                child(path, "NotPrincipal"),
                p.span,
                format!(
                    "statement {} allows every principal except those listed, the anonymous public included",
                    name(s)
                ),
            );
        } else if everyone && resource_side && s.conditions.is_empty() {
            warn(
                out,
                "PUBLIC_ACCESS",
                child(path, "Principal"),
                p.span,
                format!(
                    "statement {} allows anyone, the anonymous public included (Principal \"*\" without a condition); name the accounts or add a condition such as aws:PrincipalOrgID",
                    name(s)
                ),
            );
        }
    }
    if s.action.negated {
        warn(
            out,
            "ALLOW_WITH_NOT_ACTION",
            child(path, "NotAction"),
            s.action.span,
            format!(
                "statement {} allows every action except {} — including actions of services added later; list the actions to allow instead",
                name(s),
                s.action.items.join(", ")
            ),
        );
    }
    if let Some(r) = s.resource.as_ref().filter(|r| r.negated) {
        warn(
            out,
            "ALLOW_WITH_NOT_RESOURCE",
            child(path, "NotResource"),
            r.span,
            format!(
                "statement {} allows its actions on every resource except {}; list the resources instead",
                name(s),
                r.items.join(", ")
            ),
        );
    }
    let every_resource = s
        .resource
        .as_ref()
        .is_some_and(|r| !r.negated && r.items.iter().any(|i| i == "*"));
    if !s.action.negated && every_resource && s.action.items.iter().any(|a| covers_pass_role(a)) {
        warn(
            out,
            "PASS_ROLE_WITH_STAR",
            child(path, "Resource"),
            s.resource.as_ref().map(|r| r.span).unwrap_or(s.span),
            format!(
                "statement {} allows iam:PassRole on every role: the caller can hand any role, and its permissions, to a service; name the roles",
                name(s)
            ),
        );
    }
}
