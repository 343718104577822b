//! Identifiers the store makes: blob ids, version ids, upload ids, canonical user ids.

/// `n` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS generator does not fail on the platforms we run on; if it ever did, an id must
    // not be predictable, so stop rather than continue with zeros.
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    hex(&buf)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// An S3 canonical user id: 64 hex digits, one per account.
pub fn canonical_user_id() -> String {
    random_hex(32)
}

/// A version id for a versioned bucket: opaque, URL-safe, 32 characters, as S3's are.
pub fn version_id() -> String {
    random_hex(16)
}

pub fn blob_id() -> String {
    random_hex(16)
}

pub fn upload_id() -> String {
    random_hex(24)
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    // 32 and 64 divide 256: every symbol is equally likely.
    buf.iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect()
}

/// An IAM unique id: a four-letter kind prefix (`AIDA`, `AROA`, `AGPA`, `ANPA`) and 17 more
/// upper-case characters, 21 in all as IAM's [IAM `reference_identifiers`, unique ids].
pub fn iam_unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_from(UPPER_ALNUM, 17))
}

/// `AKIA...` (long-term) or `ASIA...` (temporary): 20 characters.
pub fn access_key_id(prefix: &str) -> String {
    format!("{prefix}{}", random_from(UPPER_ALNUM, 16))
}

const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// 40 characters from the base64 alphabet, as AWS's secret keys.
pub fn secret_access_key() -> String {
    random_from(SECRET_ALPHABET, 40)
}

/// An opaque session token (256 random bits).
pub fn session_token() -> String {
    format!("GH{}", random_from(SECRET_ALPHABET, 171))
}
