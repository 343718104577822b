//! "Is this bucket policy public?" [S3 `access-control-block-public-access`, "The meaning of
//! public"]: a policy is public unless every Allow statement grants only to fixed principals,
//! or is limited by a condition that pins a qualifying key to fixed values.

use policy::document::{Condition, PrincipalKind, Statement};
use policy::operator::BaseOperator;
use policy::{Effect, Policy};

/// Condition keys whose fixed values make a statement non-public (Decision for the last two).
/// The first ten are AWS's list;
/// `aws:PrincipalOrgID` is documented with them in the current page; `aws:PrincipalAccount`
/// and `aws:PrincipalArn` pin the caller to one account just as a fixed principal does (the
/// same judgement Access Analyzer makes) — a choice, to revisit against GetBucketPolicyStatus.
const QUALIFYING_KEYS: [&str; 13] = [
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
];

pub fn is_public(policy: &Policy) -> bool {
    policy.statements.iter().any(is_public_statement)
}

/// The first public statement, for explanations.
pub fn first_public_statement(policy: &Policy) -> Option<&Statement> {
    policy.statements.iter().find(|s| is_public_statement(s))
}

fn is_public_statement(s: &Statement) -> bool {
    if s.effect != Effect::Allow {
        return false;
    }
    let Some(principal) = &s.principal else {
        return true;
    };
    // NotPrincipal with Allow grants to everyone else; Federated principals are public.
    let open = principal.negated
        || principal.entries.iter().any(|e| {
            (e.kind == PrincipalKind::Aws && e.value == "*") || e.kind == PrincipalKind::Federated
        });
    open && !s.conditions.iter().any(pins_to_fixed_values)
}

fn pins_to_fixed_values(c: &Condition) -> bool {
    let key = c.key.to_ascii_lowercase();
    if !QUALIFYING_KEYS.contains(&key.as_str()) || c.operator.if_exists || c.values.is_empty() {
        return false;
    }
    use BaseOperator::*;
    let fixed = |v: &String| !v.contains(['*', '?']) && !v.contains("${");
    match c.operator.base {
        StringEquals | StringEqualsIgnoreCase | ArnEquals => c.values.iter().all(fixed),
        StringLike | ArnLike => c.values.iter().all(fixed),
        IpAddress if key == "aws:sourceip" => c.values.iter().all(|v| narrow_enough(v)),
        _ => false,
    }
    // `aws:userid` patterns such as `AROLEID:*` contain a wildcard and so stay public.
}

/// A CIDR no broader than /8 (IPv4) or /32 (IPv6) is fixed.
fn narrow_enough(cidr: &str) -> bool {
    policy::condition::Cidr::parse(cidr).is_some_and(|c| {
        let min = if c.network.is_ipv4() { 8 } else { 32 };
        c.prefix >= min
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy::parse_policy;

    fn public(text: &str) -> bool {
        is_public(&parse_policy(text).unwrap())
    }

    #[test]
    fn doc_examples() {
        let star = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
        assert!(public(star));
        let fixed = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
        assert!(!public(fixed));
        let ip = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}}"#;
        assert!(!public(ip));
        let wide = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}}"#;
        assert!(public(wide));
        let vpc_like = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}}"#;
        assert!(public(vpc_like));
        let deny_only = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}"#;
        assert!(!public(deny_only));
        let service = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}}"#;
        assert!(!public(service));
    }
}
