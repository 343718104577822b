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
    // SigV2: header `AWS AKID:sig` or presigned `AWSAccessKeyId=...&Signature=...`.
    if auth.starts_with("AWS ")
        || (query_param(query, "AWSAccessKeyId").is_some()
            && query_param(query, "Signature").is_some())
    {
        return refusal(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
    // The credential scope must name s3 (0.14.1 accepts any service). Parts: key, date,
    // region, service, terminator.
    if let Some(scope) = credential(auth).or_else(|| query_param(query, "X-Amz-Credential")) {
        let parts: Vec<&str> = scope.split('/').collect();
        if parts.len() == 5 && parts[3] != "s3" {
            return refusal(
                400,
                "AuthorizationHeaderMalformed",
                format!("The authorization header is malformed; incorrect service \"{}\". This endpoint belongs to \"s3\".", parts[3]),
            );
        }
    }
    if let Some(expires) = query_param(query, "X-Amz-Expires") {
        if expires.parse::<u64>().map_or(true, |s| s > 604_800) {
            return refusal(
                400,
                "AuthorizationQueryParametersError",
                "X-Amz-Expires must be less than a week (in seconds) that is; 604800",
            );
        }
    }
    // Header auth: every x-amz-* header must be signed.
    if let Some(signed) = auth
        .split("SignedHeaders=")
        .nth(1)
        .map(|s| s.split(',').next().unwrap_or(""))
    {
        let signed: Vec<&str> = signed.split(';').collect();
        let mut names = header_names;
        if names.any(|k| k.starts_with("x-amz-") && !signed.contains(&k)) {
            return refusal(
                403,
                "AccessDenied",
                "There were headers present in the request which were not signed",
            );
        }
    }
    None
}

/// `AKID/DATE/REGION/SERVICE/aws4_request` from a SigV4 Authorization header.
fn credential(auth: &str) -> Option<String> {
    let rest = auth.split("Credential=").nth(1)?;
    Some(rest.split(',').next()?.trim().to_string())
}

/// A query parameter's value, with `%2F` decoded (what credential scopes contain).
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.replace("%2F", "/").replace("%2f", "/"))
    })
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
    }
}
