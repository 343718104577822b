//! `Null` [IAM condition operators, "Condition operator to check existence of condition keys"]:
//! `true` means the key is absent from the request, `false` that it is present.

pub fn matches(policy_says_absent: bool, present: bool) -> bool {
    policy_says_absent != present
}
