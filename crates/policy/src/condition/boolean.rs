//! `Bool` [IAM condition operators, "Boolean condition operators"]: `true` or `false`,
//! compared without regard to case. Policy variables are substituted (DESIGN.md's decision on
//! reference §8.4: the operators page allows them).

use crate::variables::TextRef;

pub fn matches(policy: TextRef<'_>, request: &str) -> bool {
    let p = policy.text.trim();
    (p.eq_ignore_ascii_case("true") || p.eq_ignore_ascii_case("false"))
        && p.eq_ignore_ascii_case(request.trim())
}
