//! What each call the export skipped leaves unknown, and what the import did in its place:
//! a skipped call is unknown, not none (`docs/import-layout.md`, `export.json`) — a bucket
//! whose policy could not be read may well have one.

use super::manifest::Skip;

/// How production may differ from the import.
const DIFFER: &str = "so decisions that depend on it may differ from production";

/// One sentence for a skipped call: whose, what is unknown, what was imported instead.
pub fn meaning(skip: &Skip, region: &str) -> String {
    let Skip {
        call,
        target,
        error,
    } = skip;
    let operation = call.split_once(' ').map_or(call.as_str(), |(_, op)| op);
    let (subject, unknown, instead): (String, &str, String) = match call.as_str() {
        "organizations describe-organization" if error == "AWSOrganizationsNotInUseException" => {
            return format!(
                "account {target}: describe-organization answered {error}: the account is in no organization, so no SCPs or RCPs apply"
            )
        }
        "iam get-account-authorization-details" => (
            format!("account {target}"),
            "its IAM users, groups, roles and managed policies are",
            "none were imported, so no decision of its IAM principals can be examined here".into(),
        ),
        "s3api list-buckets" => (
            format!("account {target}"),
            "its buckets are",
            "none were imported".into(),
        ),
        "s3api get-bucket-location" => (
            format!("bucket {target}"),
            "its region is",
            format!("it was imported in the region list-buckets gave, else in {region}, {DIFFER}"),
        ),
        "s3api get-bucket-policy" => (
            format!("bucket {target}"),
            "its policy is",
            format!("it was imported without one, {DIFFER}"),
        ),
        "s3api get-bucket-acl" => (
            format!("bucket {target}"),
            "its ACL is",
            format!("it was imported with the owner's FULL_CONTROL alone, {DIFFER}"),
        ),
        "s3api get-public-access-block" => (
            format!("bucket {target}"),
            "its Block Public Access settings are",
            format!("it was imported with none, {DIFFER}"),
        ),
        "s3api get-bucket-ownership-controls" => (
            format!("bucket {target}"),
            "its Object Ownership is",
            format!("it was imported as BucketOwnerEnforced (S3's default for new buckets), {DIFFER}"),
        ),
        "s3api get-bucket-encryption" => (
            format!("bucket {target}"),
            "its default encryption is",
            format!("it was imported with none, {DIFFER}"),
        ),
        "s3api get-bucket-versioning" => (
            format!("bucket {target}"),
            "its versioning is",
            format!("it was imported unversioned, {DIFFER}"),
        ),
        "s3control get-public-access-block" => (
            format!("account {target}"),
            "its account-level Block Public Access settings are",
            format!("it was imported with none, {DIFFER} for every bucket of the account"),
        ),
        "organizations describe-organization" => (
            format!("account {target}"),
            "its organization is",
            "none was imported: SCPs and RCPs that apply in production are missing here".into(),
        ),
        "organizations list-roots" => (
            format!("account {target}"),
            "its organization's root and enabled policy types are",
            "the organization was not imported: SCPs and RCPs that apply in production are missing here".into(),
        ),
        "organizations list-accounts" => (
            format!("account {target}"),
            "the organization's accounts' names and e-mail addresses are",
            "its accounts were imported from the tree alone, named by their ids".into(),
        ),
        "organizations list-organizational-units-for-parent" => (
            format!("parent {target}"),
            "the OUs under it are",
            format!("none were imported below it: accounts in them are missing from the tree, {DIFFER}"),
        ),
        "organizations list-children" => (
            format!("parent {target}"),
            "the accounts directly under it are",
            format!("they are missing from the tree, {DIFFER}"),
        ),
        "organizations list-policies" => (
            format!("policy type {target}"),
            "its policies are",
            format!("none were imported, {DIFFER}"),
        ),
        "organizations describe-policy" => (
            format!("policy {target}"),
            "its document is",
            format!("it was not imported: where it is attached, it is missing, {DIFFER}"),
        ),
        "organizations list-targets-for-policy" => (
            format!("policy {target}"),
            "where it is attached is",
            format!("it was imported attached nowhere, {DIFFER}"),
        ),
        "kms list-keys" => (
            format!("region {target}"),
            "its KMS keys are",
            "none were imported: requests that use them fail here (KMS.NotFoundException)".into(),
        ),
        "kms list-aliases" => (
            format!("region {target}"),
            "its KMS aliases are",
            "none were imported: requests that name a key by alias fail here".into(),
        ),
        "kms describe-key" => (
            format!("key {target}"),
            "its state, manager and description are",
            format!("it was imported enabled, as a customer managed key, {DIFFER}"),
        ),
        "kms get-key-policy" => (
            format!("key {target}"),
            "its key policy is",
            "the key was not imported: requests that use it fail here (KMS.NotFoundException)".into(),
        ),
        _ => (
            format!("{call} {target}"),
            "what it returns is",
            DIFFER.trim_start_matches("so ").into(),
        ),
    };
    format!("{subject}: {operation} was skipped ({error}): {unknown} unknown, not none; {instead}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(call: &str, target: &str, error: &str) -> String {
        let skip = Skip {
            call: call.into(),
            target: target.into(),
            error: error.into(),
        };
        meaning(&skip, "us-east-1")
    }

    #[test]
    fn a_skipped_call_is_unknown_not_none() {
        assert_eq!(
            skip("s3api get-bucket-policy", "logs", "AccessDenied"),
            "bucket logs: get-bucket-policy was skipped (AccessDenied): its policy is unknown, not none; it was imported without one, so decisions that depend on it may differ from production"
        );
        assert!(skip("ec2 describe-things", "x", "Throttling").contains("unknown, not none"));
    }

    #[test]
    fn no_organization_is_known_to_be_none() {
        let text = skip(
            "organizations describe-organization",
            "111111111111",
            "AWSOrganizationsNotInUseException",
        );
        assert!(
            text.contains("no SCPs or RCPs apply") && !text.contains("unknown"),
            "{text}"
        );
    }
}
