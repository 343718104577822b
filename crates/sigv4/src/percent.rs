//! Percent-encoding as AWS uses it (RFC 3986: everything but unreserved characters, upper-case
//! hex) and decoding of form and query values, on the `percent-encoding` and
//! `form_urlencoded` crates. Works on bytes: no input can split a character.

use std::borrow::Cow;

use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What AWS leaves as it is: `A-Z a-z 0-9 - . _ ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `s` with every byte but `A-Z a-z 0-9 - . _ ~` written `%XX`.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The value of one ASCII hex digit.
pub fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` (and, in form values, `+` as a space); a `%` not followed by two hex digits
/// stays as it is. Invalid UTF-8 after decoding is replaced, never a panic.
pub fn decode(s: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&decode_bytes(s, plus_is_space)).into_owned()
}

/// [`decode`]'s bytes, before any UTF-8 check.
pub fn decode_bytes(s: &str, plus_is_space: bool) -> Vec<u8> {
    if plus_is_space && s.contains('+') {
        percent_decode(s.replace('+', " ").as_bytes()).collect()
    } else {
        percent_decode(s.as_bytes()).collect()
    }
}

/// The form's parameters, in order, decoded (`application/x-www-form-urlencoded`).
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// [`form`] without copies: a name or value is decoded into a new string only when it holds
/// an escape (the checks every request's query goes through).
pub fn form_borrowed(body: &[u8]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(body).collect()
}

/// The first value of parameter `name` in a form, decoded.
pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
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
        assert_eq!(encode("a b/é~"), "a%20b%2F%C3%A9~");
        assert_eq!(
            form(b"Action=ListUsers&&Marker=a+b%2Bc&flag"),
            vec![
                ("Action".to_string(), "ListUsers".to_string()),
                ("Marker".to_string(), "a b+c".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
        assert_eq!(hex_digit(b'f'), Some(15));
        assert_eq!(hex_digit(b'g'), None);
    }
}
