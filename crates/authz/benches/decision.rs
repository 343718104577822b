//! `cargo bench -p authz`: the cost of one full S3 authorization — 5 identity policies with 40
//! statements in all, a 20-statement bucket policy with conditions, 2 SCP levels, a permissions
//! boundary, ACLs on (ObjectWriter) and Block Public Access on — without and with the trace.
//! Prints the median of 30 samples; compare ratios within one run (the machine is shared).

use std::hint::black_box;
use std::time::Instant;

use authz::s3::{BlockPublicAccess, Grant, Grantee, ObjectOwnership, Permission, S3Facts};
use authz::{authorize, AuthzRequest, NamedPolicy, OrgLevel, Policies};
use policy::{parse_policy, Context, ContextValue, RequestPrincipal};

#[path = "decision/real_world.rs"]
mod real_world;

pub fn named(id: &str, text: &str) -> NamedPolicy {
    NamedPolicy::compile(id, parse_policy(text).unwrap())
}

/// A request context of `pairs`, and the IAM user alice (with a permissions boundary) asking
/// in it.
pub fn alice(pairs: &[(&str, &str)]) -> (Context, RequestPrincipal) {
    let mut context = Context::new();
    for (k, v) in pairs {
        context.insert(k.to_string(), ContextValue::Single(v.to_string()));
    }
    let mut principal =
        authz::principal::parse_principal("arn:aws:iam::111122223333:user/alice", &context)
            .unwrap();
    principal.has_permissions_boundary = true;
    (context, principal)
}

pub fn doc(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// Identity policy `p` of 8 statements over many services and buckets, one of which grants
/// the benchmarked read.
fn identity_policy(p: usize) -> String {
    let mut s = Vec::new();
    for i in 0..8 {
        let stmt = match i % 4 {
            0 => format!(
                r#"{{"Sid":"Ec2{p}{i}","Effect":"Allow","Action":["ec2:Describe*","ec2:StartInstances"],"Resource":"*"}}"#
            ),
            1 => format!(
                r#"{{"Sid":"Bucket{p}{i}","Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::team-{p}-{i}/*"}}"#
            ),
            2 => format!(
                r#"{{"Sid":"Dynamo{p}{i}","Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/t{p}{i}","Condition":{{"StringEquals":{{"aws:RequestedRegion":"us-east-1"}}}}}}"#
            ),
            _ => format!(
                r#"{{"Sid":"Home{p}{i}","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::reports/home/${{aws:username}}/*","Condition":{{"Bool":{{"aws:SecureTransport":"true"}}}}}}"#
            ),
        };
        s.push(stmt);
    }
    doc(&s)
}

fn bucket_policy() -> String {
    let mut s = Vec::new();
    for i in 0..18 {
        s.push(format!(
            r#"{{"Sid":"Partner{i}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{:012}:root"}},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/shared/{i}/*"],"Condition":{{"IpAddress":{{"aws:SourceIp":"10.{i}.0.0/16"}}}}}}"#,
            500000000000u64 + i
        ));
    }
    s.push(r#"{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::reports/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#.into());
    s.push(r#"{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]},"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}"#.into());
    doc(&s)
}

fn main() {
    let full_access =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let guardrail = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoLeaving","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},{"Sid":"KeepTrail","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*"}]}"#;
    let policies = Policies {
        identity: (0..5)
            .map(|p| {
                named(
                    &format!("arn:aws:iam::111122223333:policy/p{p}"),
                    &identity_policy(p),
                )
            })
            .collect(),
        resource: Some(named("arn:aws:s3:::reports", &bucket_policy())),
        permissions_boundary: Some(named(
            "arn:aws:iam::111122223333:policy/boundary",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","dynamodb:*"],"Resource":"*"}]}"#,
        )),
        session: vec![],
        scp: vec![
            OrgLevel {
                target: "r-root".into(),
                policies: vec![named("p-FullAWSAccess", full_access)],
            },
            OrgLevel {
                target: "ou-eng".into(),
                policies: vec![
                    named("p-FullAWSAccess", full_access),
                    named("p-guardrail", guardrail),
                ],
            },
        ],
        rcp: vec![],
        vpc_endpoint: None,
    };
    let s3 = S3Facts {
        bucket_owner: "111122223333".into(),
        object_owner: "111122223333".into(),
        object_ownership: ObjectOwnership::ObjectWriter,
        bucket_acl: vec![Grant {
            grantee: Grantee::CanonicalUser("c0ffee".into()),
            permission: Permission::FullControl,
        }],
        object_acl: vec![Grant {
            grantee: Grantee::CanonicalUser("c0ffee".into()),
            permission: Permission::FullControl,
        }],
        account_block_public_access: BlockPublicAccess::ALL_ON,
        bucket_block_public_access: BlockPublicAccess::ALL_ON,
        canonical_ids: [("111122223333".to_string(), "c0ffee".to_string())].into(),
    };
    let (context, principal) = alice(&[
        ("aws:SourceIp", "203.0.113.9"),
        ("aws:SecureTransport", "true"),
        ("aws:RequestedRegion", "us-east-1"),
        ("aws:username", "alice"),
        ("aws:userid", "AIDAEXAMPLEALICE00001"),
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"),
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:PrincipalType", "User"),
        ("aws:CurrentTime", "2026-11-24T00:00:00Z"),
        ("aws:EpochTime", "1795478400"),
        ("s3:ResourceAccount", "111122223333"),
        ("s3:authType", "REST-HEADER"),
        ("s3:signatureversion", "AWS4-HMAC-SHA256"),
    ]);
    let request = AuthzRequest {
        principal: &principal,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::reports/home/alice/2026/q3.csv",
        resource_account: "111122223333",
        context: &context,
        policies: &policies,
        s3: Some(&s3),
    };
    assert!(
        authorize(&request, false).is_allowed(),
        "the benchmarked request is allowed"
    );
    // The floor, for the ratio: one identity policy of one statement, nothing else.
    let minimal_policies = Policies {
        identity: vec![named(
            "arn:aws:iam::111122223333:policy/one",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#,
        )],
        ..Policies::default()
    };
    let minimal = AuthzRequest {
        policies: &minimal_policies,
        s3: None,
        ..request
    };
    assert!(authorize(&minimal, false).is_allowed());
    let real = real_world::scenario();
    let real_request = AuthzRequest {
        principal: &real.principal,
        action: real.action,
        resource: &real.resource,
        resource_account: "111122223333",
        context: &real.context,
        policies: &real.policies,
        s3: Some(&real.s3),
    };
    assert!(
        authorize(&real_request, false).is_allowed(),
        "the real-world request is allowed: {:?}",
        authorize(&real_request, true).explanation
    );
    let statements: usize = policies
        .identity
        .iter()
        .map(|p| p.policy.statement_count())
        .sum();
    println!("scenario: {statements} identity statements in 5 policies, 20-statement bucket policy, 2 SCP levels, boundary, ACLs, BPA on");
    // `cargo bench -p authz -- full minimal` runs only the benchmarks named (full, traced, minimal).
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // `BENCH_ITERATIONS=N` runs each benchmark N times and prints no timing: for instruction
    // counts under `valgrind --tool=callgrind`, which, unlike time, this shared machine cannot
    // disturb.
    let fixed: Option<u64> = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok());
    for (name, label, request, trace) in [
        ("full", "decision without trace", &request, false),
        ("traced", "decision with trace", &request, true),
        ("minimal", "minimal decision", &minimal, false),
        ("real", "real-world decision", &real_request, false),
        ("real-traced", "real-world with trace", &real_request, true),
    ] {
        if !filter.is_empty() && !filter.iter().any(|f| f == name) {
            continue;
        }
        if let Some(n) = fixed {
            for _ in 0..n {
                black_box(authorize(black_box(request), trace));
            }
            continue;
        }
        let ns = median_ns(|| black_box(authorize(black_box(request), trace)).is_allowed());
        println!("{label:<24} median {ns:>9.1} ns");
    }
}

/// Median over 30 samples of the per-call time, each sample long enough (~20 ms) to swamp the
/// clock's resolution.
fn median_ns(mut f: impl FnMut() -> bool) -> f64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        if start.elapsed().as_millis() >= 20 {
            break;
        }
        iters *= 2;
    }
    let mut samples: Vec<f64> = (0..30)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}
