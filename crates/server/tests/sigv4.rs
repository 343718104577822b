//! Gatehouse's own SigV4 verifier (for the IAM/STS Query protocol) against requests signed by
//! the official `aws-sigv4` crate: header and query-string signatures, repeated and unsorted
//! parameters, non-ASCII, an expired date, a wrong service, a region not served.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::SignatureLocation;
use sigv4::{verify, SigError, SignedRequest};

mod common;

const AK: &str = "AKIAALPHAROOTEXAMPLE";
const SK: &str = "alpha-root-secret-example";

struct Signed {
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: i64,
}

/// Signs a POST to `https://iam.amazonaws.com{path_and_query}` as the aws CLI would.
fn signed(
    service: &str,
    region: &str,
    path_and_query: &str,
    body: &str,
    location: SignatureLocation,
    at: SystemTime,
) -> Signed {
    let uri = format!("https://iam.amazonaws.com{path_and_query}");
    let request = common::sign_as_alpha_root(
        "POST",
        &uri,
        &[
            ("host", "iam.amazonaws.com"),
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
        ],
        body.as_bytes(),
        service,
        region,
        location,
        at,
    );
    Signed {
        path: request.uri().path().to_string(),
        query: request.uri().query().unwrap_or("").to_string(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        at: at.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64,
    }
}

fn check(
    s: &Signed,
    services: &[&str],
    secret: &str,
    now: i64,
) -> Result<sigv4::Verified, SigError> {
    let regions = vec!["us-east-1".to_string(), "us-west-2".to_string()];
    let request = SignedRequest {
        method: "POST",
        path: &s.path,
        query: &s.query,
        headers: &s.headers,
        body: &s.body,
    };
    verify(
        &request,
        services,
        &regions,
        |k| (k == AK).then(|| secret.to_string()),
        now,
    )
}

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";

#[test]
fn header_signatures_verify_and_tampering_does_not() {
    let at = SystemTime::now();
    let s = signed(
        "iam",
        "us-west-2",
        "/",
        LIST_USERS,
        SignatureLocation::Headers,
        at,
    );
    let ok = check(&s, &["iam", "sts"], SK, s.at).unwrap();
    assert_eq!(
        (
            ok.access_key.as_str(),
            ok.region.as_str(),
            ok.service.as_str()
        ),
        (AK, "us-west-2", "iam")
    );
    assert_eq!(
        check(&s, &["iam"], "wrong-secret", s.at),
        Err(SigError::SignatureDoesNotMatch)
    );
    let mut tampered = signed(
        "iam",
        "us-west-2",
        "/",
        LIST_USERS,
        SignatureLocation::Headers,
        at,
    );
    tampered.body = b"Action=DeleteUser&UserName=alice&Version=2010-05-08".to_vec();
    assert_eq!(
        check(&tampered, &["iam"], SK, s.at),
        Err(SigError::SignatureDoesNotMatch)
    );
    let other_key = Signed {
        headers: s
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.replace(AK, "AKIAUNKNOWNEXAMPLE00")))
            .collect(),
        ..signed(
            "iam",
            "us-west-2",
            "/",
            LIST_USERS,
            SignatureLocation::Headers,
            at,
        )
    };
    assert_eq!(
        check(&other_key, &["iam"], SK, s.at),
        Err(SigError::InvalidClientTokenId)
    );
}

#[test]
fn scope_time_and_region_rules() {
    let at = SystemTime::now();
    let s = signed(
        "iam",
        "us-west-2",
        "/",
        LIST_USERS,
        SignatureLocation::Headers,
        at,
    );
    assert_eq!(
        check(&s, &["sts"], SK, s.at),
        Err(SigError::WrongService("iam".into()))
    );
    assert_eq!(
        check(&s, &["iam"], SK, s.at + 16 * 60),
        Err(SigError::RequestExpired)
    );
    assert_eq!(
        check(&s, &["iam"], SK, s.at - 16 * 60),
        Err(SigError::RequestExpired)
    );
    assert!(check(&s, &["iam"], SK, s.at + 14 * 60).is_ok());
    let far = signed(
        "iam",
        "ap-south-1",
        "/",
        LIST_USERS,
        SignatureLocation::Headers,
        at,
    );
    assert_eq!(
        check(&far, &["iam"], SK, far.at),
        Err(SigError::WrongRegion("ap-south-1".into()))
    );
    let old = signed(
        "sts",
        "us-east-1",
        "/",
        "Action=GetCallerIdentity&Version=2011-06-15",
        SignatureLocation::Headers,
        at - Duration::from_secs(3600),
    );
    assert_eq!(
        check(&old, &["sts"], SK, old.at + 3600),
        Err(SigError::RequestExpired)
    );
}

#[test]
fn query_string_signatures_with_repeated_unsorted_and_non_ascii_parameters() {
    let at = SystemTime::now();
    let query = "/?Version=2010-05-08&Action=TagUser&UserName=%C3%A9l%C3%A8ve&Tags.member.2.Key=b&Tags.member.1.Key=a&Tags.member.1.Key=a2";
    let s = signed(
        "iam",
        "us-east-1",
        query,
        "",
        SignatureLocation::QueryParams,
        at,
    );
    assert!(s.query.contains("X-Amz-Signature="), "{}", s.query);
    check(&s, &["iam"], SK, s.at).unwrap();
    let tampered = Signed {
        query: s.query.replace("%C3%A9l%C3%A8ve", "alice"),
        ..signed(
            "iam",
            "us-east-1",
            query,
            "",
            SignatureLocation::QueryParams,
            at,
        )
    };
    assert_eq!(
        check(&tampered, &["iam"], SK, s.at),
        Err(SigError::SignatureDoesNotMatch)
    );
    let header_signed = signed(
        "iam",
        "us-east-1",
        query,
        "",
        SignatureLocation::Headers,
        at,
    );
    check(&header_signed, &["iam"], SK, header_signed.at).unwrap();
}

#[test]
fn unsigned_requests_are_missing_a_signature() {
    let request = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &[],
        body: b"",
    };
    assert_eq!(
        verify(&request, &["iam"], &["us-east-1".to_string()], |_| None, 0),
        Err(SigError::Missing)
    );
}

/// A captured request that carried `x-amz-content-sha256` cannot be replayed with another body:
/// the Query APIs hash the body they received, whatever the header claims (issue 11).
#[test]
fn a_signed_payload_hash_header_does_not_let_the_body_change() {
    use sha2::{Digest, Sha256};
    let body = LIST_USERS.as_bytes();
    let hash: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let at = SystemTime::now();
    let request = common::sign_as_alpha_root(
        "POST",
        "https://iam.amazonaws.com/",
        &[
            ("host", "iam.amazonaws.com"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-amz-content-sha256", &hash),
        ],
        body,
        "iam",
        "us-east-1",
        SignatureLocation::Headers,
        at,
    );
    let mut s = Signed {
        path: "/".into(),
        query: String::new(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect(),
        body: body.to_vec(),
        at: at.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64,
    };
    assert!(s.headers.iter().any(|(k, _)| k == "x-amz-content-sha256"));
    assert!(check(&s, &["iam"], SK, s.at).is_ok());
    s.body = b"Action=DeleteUser&UserName=alice&Version=2010-05-08".to_vec();
    assert_eq!(
        check(&s, &["iam"], SK, s.at),
        Err(SigError::SignatureDoesNotMatch)
    );
}
