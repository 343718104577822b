//! What the Query (IAM, STS) and JSON (Organizations, KMS) protocols share before their APIs
//! see a request: Gatehouse's own SigV4 verification (s3s verifies only S3's), the access key
//! resolved once, the session token and its expiry — and the audit told who called.

use http::request::Parts;
use sigv4::verify::{verify, SigError, SignedRequest, Verified};

use crate::caller::{Caller, Connection, Resolved};
use crate::state::Gatehouse;

/// Why a signed request is refused before its API sees it.
pub enum Refusal {
    Signature(SigError),
    ExpiredToken,
}

/// CloudTrail's `eventSource` of a request signed for `service`.
pub fn event_source(service: &str) -> &'static str {
    match service {
        "sts" => "sts.amazonaws.com",
        "organizations" => "organizations.amazonaws.com",
        "kms" => "kms.amazonaws.com",
        _ => "iam.amazonaws.com",
    }
}

/// Verifies the request's signature for one of `services` and resolves its caller.
/// `form_token`: a session token carried as a form parameter (the Query protocol's
/// `X-Amz-Security-Token`/`SecurityToken`), when the header is absent.
pub fn authenticate(
    gatehouse: &Gatehouse,
    parts: &Parts,
    body: &[u8],
    services: &[&str],
    form_token: Option<&str>,
    request_id: &str,
) -> Result<(Caller, Verified), Refusal> {
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.to_string(), v.to_string())))
        .collect();
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        body,
    };
    let store = &gatehouse.store;
    let verified = verify(
        &signed,
        services,
        &gatehouse.config.regions,
        |k| {
            store
                .access_key(k)
                .ok()
                .flatten()
                .filter(|key| key.active)
                .map(|key| key.secret.clone())
        },
        audit::clock::now_secs() as i64,
    )
    .map_err(Refusal::Signature)?;
    let resolved = Resolved::of(gatehouse, Some(&verified.access_key));
    gatehouse.audit.note(request_id, |p| {
        p.identity = Some(resolved.audit_identity());
        p.region = Some(verified.region.clone());
        p.source = Some(event_source(&verified.service));
    });
    let Some(key) = resolved.key.clone() else {
        return Err(Refusal::Signature(SigError::InvalidClientTokenId));
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let token = header("x-amz-security-token").or(form_token);
    if !crate::identity::token_matches(&key, token) {
        return Err(Refusal::Signature(SigError::InvalidClientTokenId));
    }
    if crate::identity::expired(&key) {
        return Err(Refusal::ExpiredToken);
    }
    let caller = Caller::new(
        gatehouse,
        parts.extensions.get::<Connection>().cloned(),
        resolved,
        Some(verified.region.clone()),
        parts
            .uri
            .query()
            .is_some_and(|q| q.contains("X-Amz-Signature=")),
        header("user-agent"),
    );
    Ok((caller, verified))
}
