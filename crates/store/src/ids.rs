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
