//! Account ids as a `Principal` names them.

/// The account a `{"AWS": ...}` value names when it names an account: a 12-digit id or
/// `arn:PARTITION:iam::ID:root`.
pub fn account_of(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let (service, account, resource) = account_arn(value)?;
    (service == "iam" && resource == "root").then_some(account)
}

/// The account of an IAM or STS ARN (`arn:aws:iam::111122223333:role/reader`,
/// `arn:aws:sts::111122223333:assumed-role/reader/s`): only a caller of that account can be
/// the principal it names.
pub fn arn_account(value: &str) -> Option<&str> {
    let (service, account, _) = account_arn(value)?;
    matches!(service, "iam" | "sts").then_some(account)
}

/// An ARN with no region and a 12-digit account, as (service, account, resource).
fn account_arn(value: &str) -> Option<(&str, &str, &str)> {
    let mut parts = value.splitn(6, ':');
    let (arn, _partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn == "arn" && region.is_empty() && is_account_id(account))
        .then_some((service, account, resource))
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}
