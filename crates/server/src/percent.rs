//! Percent-encoding as AWS uses it (RFC 3986: everything but unreserved characters, upper-case
//! hex) and decoding of form and query values. Works on bytes: no input can split a character.

/// `s` with every byte but `A-Z a-z 0-9 - . _ ~` written `%XX`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The value of one ASCII hex digit.
pub fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` (and, in form values, `+` as a space); a `%` not followed by two hex digits
/// stays as it is. Invalid UTF-8 after decoding is replaced, never a panic.
pub fn decode(s: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&decode_bytes(s, plus_is_space)).into_owned()
}

/// [`decode`]'s bytes, before any UTF-8 check.
pub fn decode_bytes(s: &str, plus_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_digit(b[i + 1]), hex_digit(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b[i] == b'+' {
            b' '
        } else {
            b[i]
        });
        i += 1;
    }
    out
}

/// The form's parameters, in order, decoded.
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_odd_input() {
        for s in ["plain", "a b&c=d", "élève/日本", "%", "100%", "~-._"] {
            assert_eq!(decode(&encode(s), false), s);
        }
        assert_eq!(decode("a+b%20c", true), "a b c");
        assert_eq!(decode("a+b", false), "a+b");
        assert_eq!(decode("%zz%4", false), "%zz%4");
        assert_eq!(
            decode("**%%%%%yІ", true),
            "**%%%%%yІ",
            "no panic inside a character"
        );
        assert_eq!(decode("%e2%82%ac", false), "€");
    }
}
