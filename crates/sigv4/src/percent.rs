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

/// The first value of each parameter of `names` in a form, decoded as [`form`] decodes it. Only
/// those values are decoded, and a name only when it holds an escape: every request's query
/// goes through this, and a presigned URL's other values (its credential, its signature) are
/// long and escaped.
pub fn form_values<'a, const N: usize>(
    body: &'a [u8],
    names: [&str; N],
) -> [Option<Cow<'a, str>>; N] {
    let mut found = [const { None }; N];
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let raw_name = pair.split(|&b| b == b'=').next().unwrap_or(pair);
        let escaped = raw_name.iter().any(|&b| b == b'%' || b == b'+');
        let name: Cow<str> = if escaped {
            form_urlencoded::parse(raw_name)
                .next()
                .map_or(Cow::Borrowed(""), |(name, _)| name)
        } else {
            String::from_utf8_lossy(raw_name)
        };
        if let Some(i) = names.iter().position(|n| *n == name) {
            if found[i].is_none() {
                found[i] = form_urlencoded::parse(pair).next().map(|(_, value)| value);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_agree_with_the_whole_form_decoded() {
        let queries = [
            "X-Amz-Credential=AKIA%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=60",
            "a=1&a=2&b&=c&&d=%41%4&e+f=g+h&X%2DAmz-Expires=3",
            "name=%E2%82%AC&name%3D=x&%FF=y",
            "",
            "=&==&a==b",
        ];
        for q in queries {
            let all = form(q.as_bytes());
            let first = |name: &str| all.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let names = [
                "X-Amz-Credential",
                "X-Amz-Expires",
                "a",
                "b",
                "",
                "e f",
                "name=",
                "\u{fffd}",
                "d",
                "missing",
            ];
            let got = form_values(q.as_bytes(), names);
            for (name, value) in names.iter().zip(got) {
                assert_eq!(value.map(|v| v.into_owned()), first(name), "{q:?} {name:?}");
            }
        }
    }

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
