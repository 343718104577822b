//! Gatehouse's own SigV4 verifier, for what s3s 0.14.1 cannot verify: the IAM and STS Query
//! protocol (`POST /`, form body, credential scope `iam`/`sts`) [AWS "Signature Version 4
//! signing process"]. Header and query-string signatures; the comparison is constant-time.
//! Pure: the caller passes the request's parts, the secret lookup and the time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::percent::encode;

type HmacSha256 = Hmac<Sha256>;

/// The parts of a request a signature covers.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent (already percent-encoded).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Every header, names in any case; repeated names appear repeatedly.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// Who signed, once verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key: String,
    pub region: String,
    pub service: String,
}

/// Why a signature was refused, as AWS's Query APIs name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// No signature at all.
    Missing,
    /// `IncompleteSignature` / malformed Authorization.
    Malformed(String),
    InvalidClientTokenId,
    SignatureDoesNotMatch,
    /// More than 15 minutes from the server's clock.
    RequestExpired,
    /// The scope names another service than the endpoint serves.
    WrongService(String),
    /// The scope's region is not one the server serves.
    WrongRegion(String),
}

struct Auth {
    access_key: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
    amz_date: String,
    /// `X-Amz-Expires` of a query-string signature.
    expires: Option<i64>,
}

fn header<'a>(r: &'a SignedRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    crate::percent::form(query.as_bytes())
}

fn parse(r: &SignedRequest) -> Result<Auth, SigError> {
    if let Some(auth) = header(r, "authorization") {
        let rest = auth
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .ok_or_else(|| SigError::Malformed("Unsupported signature algorithm".into()))?;
        let mut credential = None;
        let mut signed = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (k, v) = part.trim().split_once('=').ok_or_else(|| {
                SigError::Malformed(format!(
                    "Authorization header requires a key=value pair: {part}"
                ))
            })?;
            match k {
                "Credential" => credential = Some(v.to_string()),
                "SignedHeaders" => signed = Some(v.to_string()),
                "Signature" => signature = Some(v.to_string()),
                _ => {}
            }
        }
        let missing = |what: &str| {
            SigError::Malformed(format!("Authorization header requires '{what}' parameter"))
        };
        let amz_date = header(r, "x-amz-date").ok_or_else(|| SigError::Malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header".into()))?;
        return scope(
            credential.ok_or_else(|| missing("Credential"))?,
            signed.ok_or_else(|| missing("SignedHeaders"))?,
            signature.ok_or_else(|| missing("Signature"))?,
            amz_date.to_string(),
            None,
        );
    }
    let q = query_pairs(r.query);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match get("X-Amz-Algorithm").as_deref() {
        None => Err(SigError::Missing),
        Some("AWS4-HMAC-SHA256") => {
            let need = |k: &str| {
                get(k).ok_or_else(|| {
                    SigError::Malformed(format!("AWS query-string parameters must include '{k}'"))
                })
            };
            let expires = need("X-Amz-Expires")?
                .parse::<i64>()
                .ok()
                .filter(|e| (1..=604_800).contains(e))
                .ok_or_else(|| {
                    SigError::Malformed("X-Amz-Expires must be between 1 and 604800 seconds".into())
                })?;
            scope(
                need("X-Amz-Credential")?,
                need("X-Amz-SignedHeaders")?,
                need("X-Amz-Signature")?,
                need("X-Amz-Date")?,
                Some(expires),
            )
        }
        Some(_) => Err(SigError::Malformed(
            "Unsupported signature algorithm".into(),
        )),
    }
}

fn scope(
    credential: String,
    signed: String,
    signature: String,
    amz_date: String,
    expires: Option<i64>,
) -> Result<Auth, SigError> {
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 || parts[4] != "aws4_request" {
        return Err(SigError::Malformed(format!(
            "Credential should be scoped to a valid region and service: {credential}"
        )));
    }
    Ok(Auth {
        access_key: parts[0].to_string(),
        date: parts[1].to_string(),
        region: parts[2].to_string(),
        service: parts[3].to_string(),
        signed_headers: signed.split(';').map(str::to_string).collect(),
        signature,
        amz_date,
        expires,
    })
}

/// Seconds since the epoch of an `X-Amz-Date` (`20261124T101112Z`).
fn epoch(amz_date: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(amz_date, format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

fn canonical_request(r: &SignedRequest, a: &Auth) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(r.query)
        .into_iter()
        .filter(|(k, _)| !(a.expires.is_some() && k == "X-Amz-Signature"))
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = String::new();
    for name in &a.signed_headers {
        let values: Vec<String> = r
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    // The payload hash is always the body's own, never the `x-amz-content-sha256` header's
    // claim: the Query APIs have no unsigned payloads, so a captured signed request replayed
    // with another body must fail (the header, when signed, is still compared as a header).
    let payload = hex(&Sha256::digest(r.body));
    let path = if r.path.is_empty() { "/" } else { r.path };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        r.method,
        path,
        query,
        headers,
        a.signed_headers.join(";"),
        payload
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Verifies `r`'s SigV4 signature. `services`: the scopes this endpoint answers (`iam`,
/// `sts`); `regions`: the configured regions (IAM and STS are global, so any of them);
/// `secret`: the secret of an access key; `now`: seconds since the epoch.
pub fn verify(
    r: &SignedRequest,
    services: &[&str],
    regions: &[String],
    secret: impl FnOnce(&str) -> Option<String>,
    now: i64,
) -> Result<Verified, SigError> {
    let a = parse(r)?;
    if !services.contains(&a.service.as_str()) {
        return Err(SigError::WrongService(a.service));
    }
    if !regions.contains(&a.region) {
        return Err(SigError::WrongRegion(a.region));
    }
    let when = epoch(&a.amz_date)
        .ok_or_else(|| SigError::Malformed(format!("Invalid X-Amz-Date: {}", a.amz_date)))?;
    if !a.amz_date.starts_with(&a.date) {
        return Err(SigError::SignatureDoesNotMatch);
    }
    // A query-string signature lives for X-Amz-Expires; a header signature 15 minutes either
    // side of the server's clock.
    let expired = match a.expires {
        Some(expires) => now > when + expires || when - now > 15 * 60,
        None => (now - when).abs() > 15 * 60,
    };
    if expired {
        return Err(SigError::RequestExpired);
    }
    if !a.signed_headers.iter().any(|h| h == "host") {
        return Err(SigError::Malformed(
            "Signed headers must include 'host'".into(),
        ));
    }
    let secret = secret(&a.access_key).ok_or(SigError::InvalidClientTokenId)?;
    let canonical = canonical_request(r, &a);
    let scope = format!("{}/{}/{}/aws4_request", a.date, a.region, a.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        a.amz_date,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), &a.date);
    for part in [a.region.as_str(), a.service.as_str(), "aws4_request"] {
        key = hmac(&key, part);
    }
    let given: Vec<u8> = (0..a.signature.len() / 2)
        .filter_map(|i| {
            a.signature
                .get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(to_sign.as_bytes());
    // verify_slice compares in constant time.
    mac.verify_slice(&given)
        .map_err(|_| SigError::SignatureDoesNotMatch)?;
    Ok(Verified {
        access_key: a.access_key,
        region: a.region,
        service: a.service,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn amz_dates() {
        assert_eq!(super::epoch("19700101T000000Z"), Some(0));
        assert_eq!(super::epoch("20200101T010101Z"), Some(1_577_836_800 + 3661));
        for bad in [
            "20201301T000000Z",
            "2020010T000000Z",
            "20200101T000000",
            "x",
        ] {
            assert_eq!(super::epoch(bad), None, "{bad}");
        }
    }
}
