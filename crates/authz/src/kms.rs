//! Which KMS requests a key policy governs. A key policy is the resource policy of one key: it
//! governs requests on that key, and only those. Requests on no key (`kms:ListKeys`,
//! `kms:ListAliases`, `kms:CreateKey`) and the alias side of `kms:CreateAlias`, `DeleteAlias`
//! and `UpdateAlias` follow IAM policies alone [KMS `key-policies`: key policies control access
//! to KMS keys; KMS `alias-access`: "you control access to aliases by using IAM policies"].

use crate::catalog::catalog;

/// Does a key policy govern `action_lower` (`kms:…`, lower-case) on `resource`? True for an
/// action the catalogue does not know (the stricter reading) and for a key action on `*`.
pub(crate) fn on_key(action_lower: &str, resource: &str) -> bool {
    let cat = catalog();
    let Some((_, action)) = cat.action(action_lower) else {
        return true;
    };
    action.resource_types.iter().any(|r| r.name == "key")
        && cat.resource_type_of(action_lower, resource) != Some("alias")
}

#[cfg(test)]
mod tests {
    use super::on_key;

    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const ALIAS: &str = "arn:aws:kms:us-east-1:111122223333:alias/reports";

    #[test]
    fn key_policies_govern_requests_on_keys_only() {
        assert!(on_key("kms:decrypt", KEY));
        assert!(on_key("kms:createalias", KEY));
        assert!(!on_key("kms:createalias", ALIAS));
        assert!(!on_key("kms:deletealias", ALIAS));
        assert!(!on_key("kms:updatealias", ALIAS));
        assert!(!on_key("kms:listkeys", "*"));
        assert!(!on_key("kms:listaliases", "*"));
        assert!(!on_key("kms:createkey", "*"));
        assert!(on_key("kms:nosuchaction", KEY));
    }
}
