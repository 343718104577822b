//! Glob matching with IAM's two wildcards: `*` (any run of characters, `/` and `:` included)
//! and `?` (exactly one character).
//!
//! Used for Action, Resource and the `*Like` condition operators. ARN segments are split by the
//! caller before matching when `*` must not cross `:` (ArnLike, Resource).

/// Does `pattern` match the whole of `text`? `ignore_case` folds ASCII case (actions, condition
/// key names, `StringEqualsIgnoreCase`-style comparisons).
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    matches_masked(pattern.as_bytes(), None, text.as_bytes(), ignore_case)
}

/// Like [`matches`], but a byte whose `literal` flag is set never acts as a wildcard: the text a
/// policy variable substitutes is matched literally (`${aws:username}` = `Bob*` is no pattern).
pub fn matches_masked(
    pattern: &[u8],
    literal: Option<&[bool]>,
    text: &[u8],
    ignore_case: bool,
) -> bool {
    matches_bytes(pattern, literal, text, ignore_case)
}

/// Does `pattern` contain a wildcard at all? A pattern without one is compared for equality.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.bytes().any(|b| b == b'*' || b == b'?')
}

fn eq(a: u8, b: u8, ignore_case: bool) -> bool {
    a == b || (ignore_case && a.eq_ignore_ascii_case(&b))
}

/// Iterative glob with single backtrack point: linear in practice, no recursion, no allocation.
/// `?` matches one *character*: when it meets a UTF-8 lead byte it consumes the whole code point.
fn matches_bytes(p: &[u8], literal: Option<&[bool]>, t: &[u8], ignore_case: bool) -> bool {
    let wild = |i: usize, c: u8| p[i] == c && !literal.is_some_and(|l| l[i]);
    // The common shapes — no wildcard, or one trailing `*` — are a comparison, not a glob.
    let first_wild = (0..p.len()).find(|&i| wild(i, b'*') || wild(i, b'?'));
    let same = |a: &[u8], b: &[u8]| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    match first_wild {
        None => return same(p, t),
        Some(i) if i + 1 == p.len() && p[i] == b'*' => {
            return t.len() >= i && same(&p[..i], &t[..i]);
        }
        _ => {}
    }
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && wild(pi, b'*') {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && wild(pi, b'?') {
            pi += 1;
            ti += utf8_len(t[ti]);
        } else if pi < p.len() && eq(p[pi], t[ti], ignore_case) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` swallow one more character and retry from there.
            let next = st + utf8_len(t[st]);
            star = Some((sp, next));
            pi = sp + 1;
            ti = next;
        } else {
            return false;
        }
    }
    while pi < p.len() && wild(pi, b'*') {
        pi += 1;
    }
    pi == p.len() && ti <= t.len()
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        // A continuation byte cannot start a character in valid UTF-8; step over it alone.
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_and_question() {
        assert!(matches("s3:*Object*", "s3:GetObjectTagging", false));
        assert!(matches("s3:Get?bject", "s3:GetObject", false));
        assert!(!matches("s3:Get?bject", "s3:GetObjec", false));
        assert!(matches("*", "", false));
        assert!(matches("a*b*c", "aXXbYYc", false));
        assert!(!matches("a*b*c", "aXXbYY", false));
        assert!(matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b/c",
            false
        ));
        assert!(!matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket",
            false
        ));
    }

    #[test]
    fn case_folding_is_opt_in() {
        assert!(matches("S3:getobject", "s3:GetObject", true));
        assert!(!matches("S3:getobject", "s3:GetObject", false));
    }

    #[test]
    fn question_mark_takes_a_whole_character() {
        assert!(matches("caf?", "café", false));
        assert!(matches("?", "€", false));
        assert!(!matches("??", "€", false));
    }
}

/// A pattern prepared for repeated matching: most IAM patterns are `*`, a plain string, or a
/// prefix followed by one `*` (`s3:Get*`, `reports/home/*`), which need no glob at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Glob {
    Any,
    Exact(String),
    Prefix(String),
    General(String),
}

impl Glob {
    /// `ignore_case` patterns are stored lower-cased and must be matched against lower-cased
    /// text.
    pub fn new(pattern: &str, ignore_case: bool) -> Glob {
        let p = if ignore_case {
            pattern.to_ascii_lowercase()
        } else {
            pattern.to_string()
        };
        if p == "*" {
            Glob::Any
        } else if !has_wildcard(&p) {
            Glob::Exact(p)
        } else if p.ends_with('*') && !has_wildcard(&p[..p.len() - 1]) {
            Glob::Prefix(p[..p.len() - 1].to_string())
        } else {
            Glob::General(p)
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Glob::Any => true,
            Glob::Exact(s) => s == text,
            Glob::Prefix(s) => text.starts_with(s.as_str()),
            Glob::General(p) => matches(p, text, false),
        }
    }
}

#[cfg(test)]
mod glob_tests {
    use super::Glob;

    #[test]
    fn shapes_agree_with_the_general_matcher() {
        for (pattern, text) in [
            ("*", "x"),
            ("s3:get*", "s3:getobject"),
            ("s3:get*", "s3:put"),
            ("a?c", "abc"),
            ("abc", "abc"),
            ("ab*c", "abxc"),
        ] {
            assert_eq!(
                Glob::new(pattern, false).matches(text),
                super::matches(pattern, text, false),
                "{pattern} {text}"
            );
        }
        assert!(matches!(Glob::new("S3:Get*", true), Glob::Prefix(ref p) if p == "s3:get"));
    }
}
