//! String operators: `StringEquals`, `StringEqualsIgnoreCase`, `StringLike` and their negations
//! [IAM condition operators, "String condition operators"]. Values compare case-sensitively
//! except under `...IgnoreCase`; only `*Like` has wildcards.

use crate::operator::BaseOperator;
use crate::variables::TextRef;
use crate::wildcard;

pub fn matches(positive: BaseOperator, policy: TextRef<'_>, request: &str) -> bool {
    match positive {
        BaseOperator::StringEquals => policy.text == request,
        BaseOperator::StringEqualsIgnoreCase => equal_ignoring_case(policy.text, request),
        BaseOperator::StringLike => wildcard::matches_masked(
            policy.text.as_bytes(),
            policy.literal,
            request.as_bytes(),
            false,
        ),
        _ => false,
    }
}

fn equal_ignoring_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}
