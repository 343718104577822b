//! What S3 checks in a bucket policy beyond IAM's grammar, with PutBucketPolicy's own
//! `MalformedPolicy` texts: only S3 actions that exist, only this bucket's resources, only
//! condition keys that exist, and statements whose actions apply to their resources.
//!
//! Decision (AWS documents no list of these rules): `"Resource": "*"` is refused — a bucket
//! policy governs its own bucket, and S3 answers "Policy has invalid resource" for resources
//! outside it; a wildcard inside the bucket name is accepted when it matches this bucket.

use policy::document::Statement;
use policy::json::Span;
use policy::{validate, wildcard, Finding, Policy, PolicyError, PolicyType};

use crate::catalog::{catalog, ActionPattern};
use crate::s3::split_s3_arn;

/// Validates `text` as the bucket policy of `bucket`.
pub fn check_bucket_policy(text: &str, bucket: &str) -> Result<Policy, PolicyError> {
    let policy = validate(text, PolicyType::Bucket)?;
    let mut findings = Vec::new();
    for s in &policy.statements {
        let path = policy.statement_path(s.index);
        let mut fail = |what: &str, span: Span, message: &str| {
            findings.push(Finding {
                path: format!("{path}.{what}"),
                span,
                message: message.to_string(),
            })
        };
        let action_key = if s.action.negated {
            "NotAction"
        } else {
            "Action"
        };
        if !s.action.items.iter().all(|a| is_s3_action(a)) {
            fail(action_key, s.action.span, "Policy has invalid action");
        }
        if let Some(r) = &s.resource {
            let key = if r.negated { "NotResource" } else { "Resource" };
            if !r.items.iter().all(|item| in_bucket(item, bucket)) {
                fail(key, r.span, "Policy has invalid resource");
            } else if !s.action.negated && !r.negated && !actions_apply(s) {
                fail(
                    action_key,
                    s.action.span,
                    "Action does not apply to any resource(s) in statement",
                );
            }
        }
        for c in &s.conditions {
            if catalog().key_type(&c.key).is_none() {
                fail("Condition", c.span, "Policy has an invalid condition key");
            }
        }
    }
    if findings.is_empty() {
        Ok(policy)
    } else {
        Err(PolicyError { findings })
    }
}

fn is_s3_action(pattern: &str) -> bool {
    if pattern.bytes().all(|b| b == b'*') {
        return true;
    }
    let prefix = pattern.split_once(':').map_or("", |(p, _)| p);
    wildcard::matches(prefix, "s3", true)
        && catalog().check_action_pattern(pattern) == ActionPattern::Matches
}

fn in_bucket(resource: &str, bucket: &str) -> bool {
    match split_s3_arn(resource) {
        Some((name, _)) => wildcard::matches(name, bucket, false),
        None => false,
    }
}

/// With only exact actions and wildcard-free resources, some action must fit some resource's
/// type (`s3:GetObject` on `arn:aws:s3:::bucket` applies to nothing).
fn actions_apply(s: &Statement) -> bool {
    let Some(resources) = &s.resource else {
        return true;
    };
    let exact = s.action.items.iter().all(|a| !wildcard::has_wildcard(a))
        && resources.items.iter().all(|r| !wildcard::has_wildcard(r));
    if !exact {
        return true;
    }
    s.action.items.iter().any(|a| {
        let takes_none = catalog()
            .action(a)
            .is_some_and(|(_, action)| action.resource_types.is_empty());
        takes_none
            || resources
                .items
                .iter()
                .any(|r| catalog().resource_type_of(a, r).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::check_bucket_policy;

    fn message(text: &str) -> String {
        check_bucket_policy(text, "reports")
            .unwrap_err()
            .first()
            .message
            .clone()
    }

    fn stmt(action: &str, resource: &str, condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":{action},"Resource":{resource}{condition}}}]}}"#
        )
    }

    #[test]
    fn s3_rules_with_s3_texts() {
        assert!(check_bucket_policy(
            &stmt(r#""s3:GetObject""#, r#""arn:aws:s3:::reports/*""#, ""),
            "reports"
        )
        .is_ok());
        assert!(check_bucket_policy(
            &stmt(
                r#"["s3:List*","s3:GetObject"]"#,
                r#"["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]"#,
                ""
            ),
            "reports"
        )
        .is_ok());
        assert_eq!(
            message(&stmt(
                r#""s3:GetObjekt""#,
                r#""arn:aws:s3:::reports/*""#,
                ""
            )),
            "Policy has invalid action"
        );
        assert_eq!(
            message(&stmt(
                r#""ec2:RunInstances""#,
                r#""arn:aws:s3:::reports/*""#,
                ""
            )),
            "Policy has invalid action"
        );
        assert_eq!(
            message(&stmt(r#""s3:GetObject""#, r#""arn:aws:s3:::other/*""#, "")),
            "Policy has invalid resource"
        );
        assert_eq!(
            message(&stmt(r#""s3:GetObject""#, r#""*""#, "")),
            "Policy has invalid resource"
        );
        assert_eq!(
            message(&stmt(r#""s3:GetObject""#, r#""arn:aws:s3:::reports""#, "")),
            "Action does not apply to any resource(s) in statement"
        );
        assert_eq!(
            message(&stmt(
                r#""s3:GetObject""#,
                r#""arn:aws:s3:::reports/*""#,
                r#","Condition":{"StringEquals":{"s3:no-such-key":"x"}}"#
            )),
            "Policy has an invalid condition key"
        );
        let no_principal = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#;
        assert_eq!(message(no_principal), "Missing required field Principal");
    }
}
