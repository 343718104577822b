//! The AWS managed policies people attach most, present in every data directory under
//! `arn:aws:iam::aws:policy/NAME`, as AWS publishes them [AWS Managed Policy Reference Guide].

use store::{Store, StoreError};

/// Name, description and document.
const POLICIES: &[(&str, &str, &str)] = &[
    (
        "AdministratorAccess",
        "Provides full access to AWS services and resources.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    (
        "AmazonS3FullAccess",
        "Provides full access to all buckets via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#,
    ),
    (
        "AmazonS3ReadOnlyAccess",
        "Provides read only access to all buckets via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
    ),
    // Decision: AWS's ReadOnlyAccess lists read actions of every AWS service (thousands of
    // entries); this one lists those of the services Gatehouse serves, which is what it grants
    // here either way.
    (
        "ReadOnlyAccess",
        "Provides read-only access to AWS services and resources.",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyActions","Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","kms:Describe*","kms:Get*","kms:List*","organizations:Describe*","organizations:List*","sts:GetAccessKeyInfo","sts:GetCallerIdentity"],"Resource":"*"}]}"#,
    ),
    (
        "IAMFullAccess",
        "Provides full access to IAM via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "IAMReadOnlyAccess",
        "Provides read only access to IAM via the AWS Management Console.",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
    ),
];

/// Creates the AWS managed policies a data directory does not have yet.
pub fn ensure(store: &Store) -> Result<(), StoreError> {
    for (name, description, document) in POLICIES {
        match store.managed_policy(&format!("arn:aws:iam::aws:policy/{name}")) {
            Ok(_) => {}
            Err(StoreError::NoSuchEntity(_)) => {
                store.create_managed_policy(None, name, "/", Some(description), document, &[])?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_document_is_a_valid_managed_policy() {
        for (name, _, doc) in super::POLICIES {
            assert!(
                policy::validate(doc, policy::PolicyType::Managed).is_ok(),
                "{name}"
            );
        }
    }
}
