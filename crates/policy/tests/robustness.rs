//! Bad input gets an error with a place, never a panic: generated and mutated documents through
//! every policy type (the cargo-fuzz target in `fuzz/` explores further, outside CI).

use policy::{
    validate, CompiledPolicy, Context, PolicyType, PrincipalType, Request, RequestPrincipal,
};
use proptest::prelude::*;

const SEED: &str = r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/a"]},"NotAction":["s3:Get*"],"Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},{"Effect":"Deny","NotPrincipal":"*","Action":"*","NotResource":["*"]}]}"#;

const TYPES: [PolicyType; 6] = [
    PolicyType::Managed,
    PolicyType::Bucket,
    PolicyType::Trust,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::Session,
];

fn check(text: &str) {
    let lines = text.split('\n').count() as u32;
    let principal = RequestPrincipal {
        kind: PrincipalType::User,
        arn: "arn:aws:iam::111122223333:user/a".into(),
        account: Some("111122223333".into()),
        role_arn: None,
        canonical_id: None,
        unique_id: None,
        has_permissions_boundary: true,
    };
    let context = Context::new();
    for kind in TYPES {
        match validate(text, kind) {
            Ok(policy) => {
                let compiled = CompiledPolicy::compile(policy);
                let request =
                    Request::new("s3:getobject", "arn:aws:s3:::b/a/x", &principal, &context);
                let fast = compiled.evaluate(&request);
                let (traced, _) = compiled.evaluate_traced(&request);
                assert_eq!(
                    (fast.allow.is_some(), fast.deny.is_some()),
                    (traced.allow.is_some(), traced.deny.is_some())
                );
            }
            Err(e) => {
                assert!(!e.findings.is_empty());
                for f in &e.findings {
                    assert!(
                        f.span.start.line >= 1 && f.span.start.line <= lines.max(1),
                        "{f} outside the text"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_policies_never_panic(cut in 0..SEED.len(), insert in "[\\[\\]{}\",:*?$\\\\a-zA-Z0-9 \n]{0,6}", drop in 0usize..5) {
        let mut text: String = SEED.chars().take(cut).collect();
        text.push_str(&insert);
        text.extend(SEED.chars().skip(cut + drop));
        check(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
        check(&text);
    }
}
