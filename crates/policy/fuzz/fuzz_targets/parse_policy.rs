//! `cargo fuzz run parse_policy` (from crates/policy): any text either parses, validates for
//! every policy type, compiles and evaluates — or is refused with a finding that has a position
//! inside the text. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy::{validate, CompiledPolicy, Context, ContextValue, PolicyType, PrincipalType, Request, RequestPrincipal};

const TYPES: [PolicyType; 12] = [
    PolicyType::UserInline,
    PolicyType::GroupInline,
    PolicyType::RoleInline,
    PolicyType::Managed,
    PolicyType::PermissionsBoundary,
    PolicyType::Session,
    PolicyType::Bucket,
    PolicyType::Key,
    PolicyType::Trust,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::VpcEndpoint,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1) as u32 + 1;
    let mut context = Context::new();
    context.insert("aws:username", ContextValue::Single("alice".into()));
    context.insert("aws:SourceIp", ContextValue::Single("203.0.113.9".into()));
    context.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into(), "b".into()]));
    let principal = RequestPrincipal {
        kind: PrincipalType::User,
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        account: Some("111122223333".into()),
        role_arn: None,
        canonical_id: None,
        unique_id: None,
        has_permissions_boundary: false,
    };
    for kind in TYPES {
        match validate(text, kind) {
            Ok(policy) => {
                let compiled = CompiledPolicy::compile(policy);
                for (action, resource) in [("s3:getobject", "arn:aws:s3:::b/home/alice/x"), ("s3:listallmybuckets", "*")] {
                    let request = Request::new(action, resource, &principal, &context);
                    let fast = compiled.evaluate(&request);
                    let (traced, _) = compiled.evaluate_traced(&request);
                    assert_eq!(fast.deny.is_some(), traced.deny.is_some());
                    assert_eq!(fast.allow.is_some(), traced.allow.is_some());
                }
            }
            Err(e) => assert!(e.findings.iter().all(|f| f.span.start.line <= lines)),
        }
    }
});
