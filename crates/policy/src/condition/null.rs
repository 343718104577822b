//! `Null` [IAM condition operators, "Condition operator to check existence of condition keys"]:
//! `true` means the key is absent from the request, `false` that it is present.

pub fn parse(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub fn matches(policy_says_absent: bool, present: bool) -> bool {
    policy_says_absent != present
}
