//! `cargo fuzz run sigv4` (from crates/server): arbitrary Authorization headers, query strings,
//! form bodies and dates through the Query protocol's parsing (the form, then the parameters as
//! IAM and STS read them) and Gatehouse's SigV4 verifier —
//! never a panic, never an accepted signature without the secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4::{verify, SignedRequest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(4, '\n');
    let auth = parts.next().unwrap_or("");
    let query = parts.next().unwrap_or("");
    let date = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("").as_bytes();
    let headers = vec![
        ("authorization".to_string(), auth.to_string()),
        ("x-amz-date".to_string(), date.to_string()),
        ("host".to_string(), "iam.amazonaws.com".to_string()),
    ];
    let request = SignedRequest { method: "POST", path: "/", query, headers: &headers, body };
    let regions = vec!["us-east-1".to_string()];
    // A random signature must never verify against a real secret.
    let result = verify(&request, &["iam", "sts"], &regions, |_| Some("secret".to_string()), 1_795_478_400);
    assert!(result.is_err());
    // The parameters as the IAM and STS handlers read them.
    use server::api::query::params::{Params, Shape};
    let params = Params(sigv4::percent::form(body));
    let _ = params.list("PolicyArns", "arn");
    let _ = params.tags("Tags");
    let _ = params.int("MaxItems", 1, 1000);
    let _ = params.shaped("UserName", Shape::Name { max: 64 });
    let _ = params.optional("Path", Shape::Path);
    let _ = params.optional("Description", Shape::Text { max: 1000 });
});
