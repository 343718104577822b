//! Account ids as a `Principal` names them.

/// The account a `{"AWS": ...}` value names when it names an account: a 12-digit id or
/// `arn:PARTITION:iam::ID:root`.
pub fn account_of(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let mut parts = value.splitn(6, ':');
    let (arn, _partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn == "arn"
        && service == "iam"
        && region.is_empty()
        && resource == "root"
        && is_account_id(account))
    .then_some(account)
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}
