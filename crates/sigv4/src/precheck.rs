//! The checks the front door makes on a request's authentication parts before s3s verifies
//! the signature — what AWS refuses and s3s 0.14.1 would accept (reference dependencies §7).
//! Pure: strings in, a refusal out; fuzzed (`fuzz/`).

/// An error response: HTTP status, AWS error code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refusal(status: u16, code: &'static str, message: impl Into<String>) -> Option<Refusal> {
    Some(Refusal {
        status,
        code,
        message: message.into(),
    })
}

/// `auth`: the Authorization header (or ""), `query`: the raw query string, `header_names`:
/// the request's header names, lower-case.
pub fn precheck<'a>(
    auth: &str,
    query: &str,
    header_names: impl Iterator<Item = &'a str>,
) -> Option<Refusal> {
    // One pass over the query for the parameters the checks read.
    let [v2_key, v2_signature, credential_param, expires, signed_param] =
        crate::percent::form_values(
            query.as_bytes(),
            [
                "AWSAccessKeyId",
                "Signature",
                "X-Amz-Credential",
                "X-Amz-Expires",
                "X-Amz-SignedHeaders",
            ],
        );
    // SigV2: header `AWS AKID:sig` or presigned `AWSAccessKeyId=...&Signature=...`.
    if auth.starts_with("AWS ") || (v2_key.is_some() && v2_signature.is_some()) {
        return refusal(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
    // The credential scope must name s3 (0.14.1 accepts any service). Parts: key, date,
    // region, service, terminator.
    if let Some(scope) = credential(auth).or(credential_param.as_deref()) {
        let parts = scope.split('/');
        let service = parts.clone().nth(3).filter(|_| parts.count() == 5);
        if let Some(service) = service.filter(|s| *s != "s3") {
            return refusal(
                400,
                "AuthorizationHeaderMalformed",
                format!("The authorization header is malformed; incorrect service \"{service}\". This endpoint belongs to \"s3\"."),
            );
        }
    }
    if let Some(expires) = expires {
        if let Some(refusal) = expires_refusal(&expires) {
            return Some(refusal);
        }
    }
    // Every x-amz-* header must be signed, in a header signature and in a presigned URL alike:
    // otherwise a presigned PUT plus an unsigned `x-amz-copy-source` or `x-amz-acl` becomes
    // another request authorized as the URL's signer [AWS S3 API, "Authenticating Requests:
    // Using Query Parameters": "all x-amz-* headers … must be signed"].
    let signed = (!auth.is_empty())
        .then(|| auth.split("SignedHeaders=").nth(1))
        .flatten()
        .map(|s| s.split(',').next().unwrap_or(""))
        .or(signed_param.as_deref());
    if let Some(signed) = signed {
        let presigned = auth.is_empty();
        let mut names = header_names;
        if names.any(|k| {
            k.starts_with("x-amz-")
                && !signed.split(';').any(|s| s == k)
                && !(presigned && UNSIGNED_IN_PRESIGNED.contains(&k))
        }) {
            return refusal(
                403,
                "AccessDenied",
                "There were headers present in the request which were not signed",
            );
        }
    }
    None
}

/// The x-amz-* headers a presigned URL's user may add unsigned. Decision [memory]: only the
/// payload hash — a presigned URL's payload is `UNSIGNED-PAYLOAD` whatever the header says,
/// so the header changes nothing that was authorized.
const UNSIGNED_IN_PRESIGNED: &[&str] = &["x-amz-content-sha256"];

/// AWS's refusals of an `X-Amz-Expires` outside 1..=604800 seconds (400
/// AuthorizationQueryParametersError). Decision: 0 is refused too (the issue's rule, "below
/// 1"); AWS's text for it is not documented, so it gets the non-negative text's sibling.
fn expires_refusal(expires: &str) -> Option<Refusal> {
    let message = match expires.parse::<i64>() {
        Err(_) => "X-Amz-Expires should be a number",
        Ok(s) if s < 0 => "X-Amz-Expires must be non-negative",
        Ok(0) => "X-Amz-Expires must be greater than 0",
        Ok(s) if s > 604_800 => {
            "X-Amz-Expires must be less than a week (in seconds) that is; 604800"
        }
        Ok(_) => return None,
    };
    refusal(400, "AuthorizationQueryParametersError", message)
}

/// The largest body an S3 request that is not object data may carry: s3s buffers such bodies
/// (XML configurations, DeleteObjects, CompleteMultipartUpload) up to this and no further.
pub const MAX_BUFFERED_BODY: u64 = 20 * 1024 * 1024;

/// The subresources of an object whose PUT body is an XML document, not the object's bytes.
const OBJECT_XML_SUBRESOURCES: &[&str] = &["acl", "tagging", "retention", "legal-hold"];

/// Whether the request's body is object data (PutObject, UploadPart, a browser form POST),
/// which streams to disk, rather than a document the operation buffers. Path-style requests:
/// `/bucket` or `/bucket/key`.
pub fn is_object_data(method: &str, path: &str, query: &str) -> bool {
    let mut names = query
        .split('&')
        .map(|kv| kv.split_once('=').map_or(kv, |(k, _)| k));
    let has_key = path
        .trim_start_matches('/')
        .split_once('/')
        .is_some_and(|(_, key)| !key.is_empty());
    match method {
        "PUT" => has_key && !names.any(|n| OBJECT_XML_SUBRESOURCES.contains(&n)),
        "POST" => !has_key && query.is_empty(),
        _ => false,
    }
}

/// Refuses, before a byte of it is read, a body the operation would buffer and that is over
/// [`MAX_BUFFERED_BODY`] (400 MaxMessageLengthExceeded, as AWS answers an oversize request
/// document) or of unknown length (411 MissingContentLength). Object data — PutObject,
/// UploadPart, a browser form POST — streams to disk under its own limits. Requests are
/// path-style: `/bucket` or `/bucket/key`.
pub fn body_refusal(
    method: &str,
    path: &str,
    query: &str,
    content_length: Option<u64>,
    chunked: bool,
) -> Option<Refusal> {
    if is_object_data(method, path, query) {
        return None;
    }
    match content_length {
        Some(n) if n > MAX_BUFFERED_BODY => {
            refusal(400, "MaxMessageLengthExceeded", "Your request was too big.")
        }
        None if chunked => refusal(
            411,
            "MissingContentLength",
            "You must provide the Content-Length HTTP header.",
        ),
        _ => None,
    }
}

/// `AKID/DATE/REGION/SERVICE/aws4_request` from a SigV4 Authorization header.
fn credential(auth: &str) -> Option<&str> {
    let rest = auth.split("Credential=").nth(1)?;
    Some(rest.split(',').next()?.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusals() {
        let none = std::iter::empty();
        assert_eq!(
            precheck("AWS AK:sig", "", none).unwrap().code,
            "InvalidRequest"
        );
        assert_eq!(
            precheck(
                "",
                "AWSAccessKeyId=AK&Signature=s&Expires=1",
                std::iter::empty()
            )
            .unwrap()
            .code,
            "InvalidRequest"
        );
        let v4 = "AWS4-HMAC-SHA256 Credential=AK/20261124/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0";
        assert_eq!(
            precheck(v4, "", std::iter::empty()).unwrap().code,
            "AuthorizationHeaderMalformed"
        );
        let s3 = v4.replace("/sts/", "/s3/");
        assert_eq!(
            precheck(&s3, "", ["host", "x-amz-date"].into_iter())
                .unwrap()
                .status,
            403
        );
        assert_eq!(
            precheck(
                &s3.replace("host,", "host;x-amz-date,"),
                "",
                ["host", "x-amz-date"].into_iter()
            ),
            None
        );
        assert_eq!(
            precheck("", "X-Amz-Expires=604801", std::iter::empty())
                .unwrap()
                .code,
            "AuthorizationQueryParametersError"
        );
        assert_eq!(
            precheck("", "X-Amz-Expires=604800", std::iter::empty()),
            None
        );
        assert_eq!(precheck("", "", std::iter::empty()), None);
        for bad in ["0", "-1", "soon"] {
            let query = format!("X-Amz-Expires={bad}");
            assert_eq!(
                precheck("", &query, std::iter::empty()).unwrap().status,
                400,
                "{bad}"
            );
        }
        let presigned = "X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-amz-acl";
        let sent = |names: &'static [&'static str]| precheck("", presigned, names.iter().copied());
        assert_eq!(sent(&["host", "x-amz-acl"]), None);
        assert_eq!(sent(&["host", "x-amz-content-sha256"]), None);
        assert_eq!(sent(&["host", "x-amz-copy-source"]).unwrap().status, 403);
    }

    #[test]
    fn buffered_bodies_are_bounded_before_they_are_read() {
        let big = Some(MAX_BUFFERED_BODY + 1);
        let code = |m, p, q, n, c| body_refusal(m, p, q, n, c).map(|r| r.code);
        assert_eq!(
            code("PUT", "/b", "policy", big, false),
            Some("MaxMessageLengthExceeded")
        );
        assert_eq!(
            code("POST", "/b", "delete", big, false),
            Some("MaxMessageLengthExceeded")
        );
        assert_eq!(
            code("PUT", "/b/k", "tagging", big, false),
            Some("MaxMessageLengthExceeded")
        );
        assert_eq!(
            code("POST", "/b/k", "uploadId=u", big, false),
            Some("MaxMessageLengthExceeded")
        );
        assert_eq!(
            code("PUT", "/b", "", big, false),
            Some("MaxMessageLengthExceeded")
        );
        assert_eq!(
            code("PUT", "/b", "policy", None, true),
            Some("MissingContentLength")
        );
        assert_eq!(code("PUT", "/b", "policy", Some(20_000), false), None);
        assert_eq!(code("PUT", "/b/k", "", big, false), None);
        assert_eq!(
            code("PUT", "/b/k", "partNumber=1&uploadId=u", big, false),
            None
        );
        assert_eq!(code("PUT", "/b/k", "", None, true), None);
        assert_eq!(code("POST", "/b", "", big, false), None);
    }
}
