//! What each kind of policy may contain, and how large it may be.
//!
//! The grammar is shared ([`crate::parse`]); the rules here differ by where a policy is used:
//! identity-side policies may not name a principal, resource-side ones must, role trust
//! policies take no `Resource`, SCPs no principal, RCPs only `"Principal": "*"`. Sizes follow
//! IAM's quotas (`reference_iam-quotas`: whitespace not counted), STS's 2,048-character session
//! policies, Organizations' 5,120 characters, S3's 20 KB bucket policies and KMS's 32 KB key
//! policies.

use crate::document::{Policy, PrincipalKind};
use crate::error::{Finding, PolicyError};
use crate::json::{self, Json, Span};
use crate::parse::policy_from_json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    UserInline,
    GroupInline,
    RoleInline,
    Managed,
    PermissionsBoundary,
    Session,
    Bucket,
    Key,
    Trust,
    Scp,
    Rcp,
    VpcEndpoint,
}

enum Measure {
    /// IAM: "IAM doesn't count white space when calculating the size of a policy".
    NonWhitespaceChars,
    Chars,
    Bytes,
}

impl PolicyType {
    fn limit(self) -> (usize, Measure) {
        use Measure::*;
        match self {
            PolicyType::UserInline => (2_048, NonWhitespaceChars),
            PolicyType::GroupInline => (5_120, NonWhitespaceChars),
            PolicyType::RoleInline => (10_240, NonWhitespaceChars),
            PolicyType::Managed | PolicyType::PermissionsBoundary => (6_144, NonWhitespaceChars),
            // The default quota for role trust policies; AWS lets accounts raise it to 4,096.
            PolicyType::Trust => (2_048, NonWhitespaceChars),
            PolicyType::Session => (2_048, Chars),
            PolicyType::Scp | PolicyType::Rcp => (5_120, Chars),
            PolicyType::Bucket => (20 * 1024, Bytes),
            PolicyType::VpcEndpoint => (20 * 1024, Chars),
            PolicyType::Key => (32 * 1024, Bytes),
        }
    }

    fn identity_side(self) -> bool {
        matches!(
            self,
            PolicyType::UserInline
                | PolicyType::GroupInline
                | PolicyType::RoleInline
                | PolicyType::Managed
                | PolicyType::PermissionsBoundary
                | PolicyType::Session
        )
    }
}

/// Parses `text` and checks it for `kind`, size included.
pub fn validate(text: &str, kind: PolicyType) -> Result<Policy, PolicyError> {
    let (limit, measure) = kind.limit();
    let size = match measure {
        Measure::NonWhitespaceChars => text.chars().filter(|c| !c.is_whitespace()).count(),
        Measure::Chars => text.chars().count(),
        Measure::Bytes => text.len(),
    };
    if size > limit {
        return Err(PolicyError {
            findings: vec![Finding {
                path: String::new(),
                span: Span::default(),
                message: format!("Policy document is too large: {size} exceeds the {limit} limit for this policy type"),
            }],
        });
    }
    validate_json(&json::parse(text)?, kind)
}

/// Checks an already-parsed document for `kind` (no size limit: the text is someone else's).
pub fn validate_json(json: &Json, kind: PolicyType) -> Result<Policy, PolicyError> {
    let policy = policy_from_json(json)?;
    let findings = rule_findings(&policy, kind);
    if findings.is_empty() {
        Ok(policy)
    } else {
        Err(PolicyError { findings })
    }
}

fn rule_findings(policy: &Policy, kind: PolicyType) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &policy.statements {
        let path = policy.statement_path(s.index);
        let mut fail = |what: &str, span: Span, message: &str| {
            out.push(Finding {
                path: if what.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{what}")
                },
                span,
                message: message.to_string(),
            });
        };
        match (&s.principal, kind) {
            (Some(p), k) if k.identity_side() || k == PolicyType::Scp => {
                fail(
                    if p.negated {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    },
                    p.span,
                    "Policy document should not specify a principal.",
                );
            }
            (Some(p), PolicyType::Trust | PolicyType::Rcp) if p.negated => {
                fail(
                    "NotPrincipal",
                    p.span,
                    "NotPrincipal is not supported in this policy type",
                );
            }
            (Some(p), PolicyType::Rcp)
                if !p
                    .entries
                    .iter()
                    .all(|e| e.kind == PrincipalKind::Aws && e.value == "*") =>
            {
                fail(
                    "Principal",
                    p.span,
                    "A resource control policy's Principal must be \"*\"",
                );
            }
            (None, PolicyType::Bucket | PolicyType::Trust | PolicyType::Key | PolicyType::Rcp) => {
                fail("", s.span, "Missing required field Principal");
            }
            _ => {}
        }
        match (&s.resource, kind) {
            (None, k) if k.identity_side() || k == PolicyType::Bucket => {
                fail("", s.span, "Policy statement must contain resources.");
            }
            (Some(r), PolicyType::Trust) => {
                fail(
                    if r.negated { "NotResource" } else { "Resource" },
                    r.span,
                    "Has prohibited field Resource",
                );
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW_GET: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;

    #[test]
    fn identity_policies_name_no_principal() {
        assert!(validate(ALLOW_GET, PolicyType::Managed).is_ok());
        let with_principal =
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#;
        let err = validate(with_principal, PolicyType::UserInline).unwrap_err();
        assert_eq!(err.first().path, "Statement.Principal");
        assert!(validate(with_principal, PolicyType::Bucket).is_ok());
    }

    #[test]
    fn resource_policies_need_a_principal_and_trust_policies_no_resource() {
        let err = validate(ALLOW_GET, PolicyType::Bucket).unwrap_err();
        assert_eq!(err.first().message, "Missing required field Principal");
        let trust = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
        assert_eq!(
            validate(trust, PolicyType::Trust).unwrap_err().first().path,
            "Statement[0].Resource"
        );
    }

    #[test]
    fn sizes_are_measured_as_each_service_measures() {
        let padded = format!("{}{}", " ".repeat(3000), ALLOW_GET);
        assert!(
            validate(&padded, PolicyType::UserInline).is_ok(),
            "IAM ignores whitespace"
        );
        assert!(
            validate(&padded, PolicyType::Session).is_err(),
            "STS counts every character"
        );
    }

    #[test]
    fn errors_carry_line_and_column() {
        let text = "{\n  \"Statement\": {\n    \"Effect\": \"Maybe\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}";
        let err = validate(text, PolicyType::Managed).unwrap_err();
        let f = err.first();
        assert_eq!(f.path, "Statement.Effect");
        assert_eq!((f.span.start.line, f.span.start.column), (3, 15));
    }
}
