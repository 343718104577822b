//! Percent-encoding as AWS uses it (RFC 3986: everything but unreserved characters, upper-case
//! hex) and decoding of form and query values, on the `percent-encoding` and
//! `form_urlencoded` crates. Works on bytes: no input can split a character.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

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
    lossy(decode_bytes(s, plus_is_space))
}

/// [`decode`]'s bytes, before any UTF-8 check.
pub fn decode_bytes(s: &str, plus_is_space: bool) -> Vec<u8> {
    decode_raw(s.as_bytes(), plus_is_space)
}

/// `%XX` decoded where both digits are hex (a `%` without them stays as it is, as
/// `percent-encoding` leaves it), and `+` as a space in form values.
fn decode_raw(raw: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        let escape = (b == b'%')
            .then(|| Some(hex_digit(*raw.get(i + 1)?)? << 4 | hex_digit(*raw.get(i + 2)?)?))
            .flatten();
        match escape {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if plus_is_space && b == b'+' { b' ' } else { b });
                i += 1;
            }
        }
    }
    out
}

/// Decoded bytes as text, invalid UTF-8 replaced.
fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
    // memchr's word-at-a-time search: a presigned URL's query is some 300 bytes, and a
    // byte-at-a-time split of it cost a HEAD more than its authorization decision.
    let mut start = 0;
    let ends = memchr::memchr_iter(b'&', body).chain([body.len()]);
    for pair in ends.map(|end| &body[std::mem::replace(&mut start, end + 1)..end]) {
        if pair.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = match memchr::memchr(b'=', pair) {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let wanted = if raw_name.is_ascii() && !escaped(raw_name) {
            // Decoding would change nothing: the bytes are the name.
            names.iter().position(|n| n.as_bytes() == raw_name)
        } else {
            let name = form_component(raw_name);
            names.iter().position(|n| *n == name)
        };
        if let Some(i) = wanted {
            if found[i].is_none() {
                found[i] = Some(form_component(raw_value));
            }
        }
    }
    found
}

fn escaped(raw: &[u8]) -> bool {
    memchr::memchr2(b'%', b'+', raw).is_some()
}

/// One name or value of a form, decoded as `form_urlencoded` decodes it; borrowed when
/// decoding would change nothing.
fn form_component(raw: &[u8]) -> Cow<'_, str> {
    if !escaped(raw) {
        if let Ok(text) = std::str::from_utf8(raw) {
            return Cow::Borrowed(text);
        }
    }
    Cow::Owned(lossy(decode_raw(raw, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_agree_with_the_whole_form_decoded() {
        let queries: [&[u8]; 7] = [
            b"X-Amz-Credential=AKIA%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=60",
            b"a=1&a=2&b&=c&&d=%41%4&e+f=g+h&X%2DAmz-Expires=3",
            b"name=%E2%82%AC&name%3D=x&%FF=y",
            b"",
            b"=&==&a==b",
            b"\xff=raw&d=\xfe\xff&b=%&e f=\xc3\xa9",
            "name=\u{e9}t\u{e9}&a=\u{20ac}+%2B".as_bytes(),
        ];
        for q in queries {
            let all = form(q);
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
            let got = form_values(q, names);
            for (name, value) in names.iter().zip(got) {
                assert_eq!(value.map(|v| v.into_owned()), first(name), "{q:?} {name:?}");
            }
        }
    }

    #[test]
    fn decoding_agrees_with_percent_encoding_and_form_urlencoded_on_every_short_input() {
        // Every string of up to five bytes over an alphabet with escapes, bad escapes, plus
        // signs and half a UTF-8 character.
        let alphabet = [b'%', b'a', b'F', b'0', b'+', b'g', 0xC3, 0xA9];
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..5 {
            let longer: Vec<Vec<u8>> = inputs
                .iter()
                .filter(|s| s.len() == inputs.last().unwrap().len())
                .flat_map(|s| alphabet.iter().map(move |&b| [s.as_slice(), &[b]].concat()))
                .collect();
            inputs.extend(longer);
        }
        for raw in &inputs {
            let expected: Vec<u8> = percent_encoding::percent_decode(raw).collect();
            assert_eq!(decode_raw(raw, false), expected, "{raw:?}");
            let pair = [b"n=", raw.as_slice()].concat();
            let (_, value) = form_urlencoded::parse(&pair).next().unwrap();
            assert_eq!(form_component(raw), value, "{raw:?}");
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
