//! `BinaryEquals` [IAM condition operators, "Binary condition operators"]: the policy holds the
//! base64 of the bytes; the request value (base64 too) is compared byte for byte.

use base64::Engine;

pub fn decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}
