//! `Bool` [IAM condition operators, "Boolean condition operators"]: `true` or `false`,
//! compared without regard to case. Policy variables are substituted (DESIGN.md's decision on
//! reference §8.4: the operators page allows them).

use crate::variables::TextRef;

/// `Some(true|false)` for a boolean's text; anything else is no boolean and matches nothing.
pub fn parse(text: &str) -> Option<bool> {
    // Requests carry the canonical spellings; policies may not.
    match text {
        "true" => return Some(true),
        "false" => return Some(false),
        _ => {}
    }
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub fn matches(policy: TextRef<'_>, request: &str) -> bool {
    parse(policy.text).is_some_and(|p| parse(request) == Some(p))
}
