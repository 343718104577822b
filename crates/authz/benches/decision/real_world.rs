//! A decision shaped like production's, written the way people write policies: 24 context
//! keys; 5 identity policies of 8 statements with `${aws:username}` and
//! `${aws:PrincipalTag/team}` resources, `IfExists` operators, a `NotAction` region deny and an
//! `aws:ResourceOrgID` data-perimeter deny; a 20-statement bucket policy with 12 denies on
//! `aws:SecureTransport`, `s3:TlsVersion`, `s3:signatureversion`, `s3:authType`, encryption
//! headers, `NotPrincipal` and `NotIpAddress`; a 4-statement boundary; 2 SCP levels with a
//! `NotAction` region deny.

use authz::s3::{BlockPublicAccess, ObjectOwnership, S3Facts};
use authz::{NamedPolicy, OrgLevel, Policies};
use policy::{Context, RequestPrincipal};

use super::{alice, doc, named};

const ACCOUNT: &str = "111122223333";
const BUCKET: &str = "analytics-prod";

fn identity_policy(p: usize) -> NamedPolicy {
    let mut s = Vec::new();
    for i in 0..8 {
        s.push(match (p * 8 + i) % 8 {
            0 => format!(
                r#"{{"Sid":"Home{p}{i}","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{BUCKET}/home/${{aws:username}}/*"}}"#
            ),
            1 => format!(
                r#"{{"Sid":"Team{p}{i}","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::{BUCKET}/teams/${{aws:PrincipalTag/team}}/*","Condition":{{"StringEqualsIfExists":{{"s3:ExistingObjectTag/classification":["internal","public"]}}}}}}"#
            ),
            2 => format!(
                r#"{{"Sid":"List{p}{i}","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{BUCKET}","Condition":{{"StringLikeIfExists":{{"s3:prefix":["home/${{aws:username}}/*","teams/${{aws:PrincipalTag/team}}/*"]}}}}}}"#
            ),
            3 => format!(
                r#"{{"Sid":"Regions{p}{i}","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*"],"Resource":"*","Condition":{{"StringNotEquals":{{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}}}}"#
            ),
            4 => format!(
                r#"{{"Sid":"Perimeter{p}{i}","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{{"StringNotEqualsIfExists":{{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}}}}}"#
            ),
            5 => format!(
                r#"{{"Sid":"Ddb{p}{i}","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:*:{ACCOUNT}:table/${{aws:PrincipalTag/team}}-*","Condition":{{"NumericLessThanEquals":{{"aws:MultiFactorAuthAge":"3600"}}}}}}"#
            ),
            6 => format!(
                r#"{{"Sid":"Kms{p}{i}","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:*:{ACCOUNT}:key/*","Condition":{{"StringLike":{{"kms:ViaService":"s3.*.amazonaws.com"}}}}}}"#
            ),
            _ => format!(
                r#"{{"Sid":"Logs{p}{i}","Effect":"Allow","Action":["logs:PutLogEvents","logs:CreateLogStream"],"Resource":"arn:aws:logs:*:{ACCOUNT}:log-group:/team/${{aws:PrincipalTag/team}}/*"}}"#
            ),
        });
    }
    named(&format!("arn:aws:iam::{ACCOUNT}:policy/eng-{p}"), &doc(&s))
}

fn bucket_policy() -> NamedPolicy {
    let deny = |sid: &str, body: &str| {
        format!(
            r#"{{"Sid":"{sid}","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"],{body}}}"#
        )
    };
    let mut s = vec![
        deny(
            "Tls",
            r#""Condition":{"Bool":{"aws:SecureTransport":"false"}}"#,
        ),
        deny(
            "TlsVersion",
            r#""Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}"#,
        ),
        deny(
            "SigV4",
            r#""Condition":{"StringNotEquals":{"s3:signatureversion":"AWS4-HMAC-SHA256"}}"#,
        ),
        deny(
            "NoPresign",
            r#""Condition":{"StringEquals":{"s3:authType":"REST-QUERY-STRING"}}"#,
        ),
        deny(
            "Offices",
            r#""Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24","192.0.2.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}"#,
        ),
        deny(
            "OrgOnly",
            r#""Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#,
        ),
        format!(
            r#"{{"Sid":"Kms","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::{BUCKET}/*","Condition":{{"StringNotEqualsIfExists":{{"s3:x-amz-server-side-encryption":"aws:kms"}}}}}}"#
        ),
        format!(
            r#"{{"Sid":"KmsKey","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::{BUCKET}/*","Condition":{{"StringNotEqualsIfExists":{{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}}}}"#
        ),
        format!(
            r#"{{"Sid":"NoAcl","Effect":"Deny","Principal":"*","Action":"s3:PutObjectAcl","Resource":"arn:aws:s3:::{BUCKET}/*"}}"#
        ),
        format!(
            r#"{{"Sid":"Admins","Effect":"Deny","NotPrincipal":{{"AWS":["arn:aws:iam::{ACCOUNT}:role/admin","arn:aws:iam::{ACCOUNT}:root"]}},"Action":["s3:DeleteBucket","s3:PutBucketPolicy"],"Resource":"arn:aws:s3:::{BUCKET}"}}"#
        ),
        format!(
            r#"{{"Sid":"Versions","Effect":"Deny","Principal":"*","Action":"s3:DeleteObjectVersion","Resource":"arn:aws:s3:::{BUCKET}/*","Condition":{{"Null":{{"aws:MultiFactorAuthAge":"true"}}}}}}"#
        ),
        format!(
            r#"{{"Sid":"Replication","Effect":"Deny","Principal":"*","Action":"s3:ReplicateObject","Resource":"arn:aws:s3:::{BUCKET}/*","Condition":{{"StringNotEquals":{{"aws:PrincipalAccount":"{ACCOUNT}"}}}}}}"#
        ),
    ];
    for i in 0..8 {
        s.push(format!(
            r#"{{"Sid":"Partner{i}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{:012}:role/reader"}},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/shared/{i}/*"],"Condition":{{"IpAddress":{{"aws:SourceIp":"10.{i}.0.0/16"}}}}}}"#,
            500000000000u64 + i
        ));
    }
    named(&format!("arn:aws:s3:::{BUCKET}"), &doc(&s))
}

fn scp(id: &str, text: &str) -> NamedPolicy {
    named(id, text)
}

pub struct Scenario {
    pub policies: Policies,
    pub s3: S3Facts,
    pub context: Context,
    pub principal: RequestPrincipal,
    pub action: &'static str,
    pub resource: String,
}

pub fn scenario() -> Scenario {
    let full =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let regions = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","cloudfront:*","route53:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}}}]}"#;
    let boundary = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}},{{"Sid":"Data","Effect":"Allow","Action":["dynamodb:*","kms:*","logs:*"],"Resource":"*"}},{{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}},{{"Sid":"NoBoundaryEdit","Effect":"Deny","Action":"iam:DeleteUserPermissionsBoundary","Resource":"arn:aws:iam::{ACCOUNT}:user/*"}}]}}"#
    );
    let policies = Policies {
        identity: (0..5).map(identity_policy).collect(),
        resource: Some(bucket_policy()),
        permissions_boundary: Some(named(
            &format!("arn:aws:iam::{ACCOUNT}:policy/boundary"),
            &boundary,
        )),
        session: vec![],
        scp: vec![
            OrgLevel {
                target: "r-root".into(),
                policies: vec![scp("p-FullAWSAccess", full)],
            },
            OrgLevel {
                target: "ou-eng".into(),
                policies: vec![scp("p-FullAWSAccess", full), scp("p-regions", regions)],
            },
        ],
        rcp: vec![],
        vpc_endpoint: None,
    };
    let s3 = S3Facts {
        bucket_owner: ACCOUNT.into(),
        object_owner: ACCOUNT.into(),
        object_ownership: ObjectOwnership::BucketOwnerEnforced,
        account_block_public_access: BlockPublicAccess::ALL_ON,
        bucket_block_public_access: BlockPublicAccess::ALL_ON,
        ..S3Facts::default()
    };
    let (context, principal) = alice(&[
        ("aws:SourceIp", "203.0.113.9"),
        ("aws:SecureTransport", "true"),
        ("aws:RequestedRegion", "us-east-1"),
        ("aws:username", "alice"),
        ("aws:userid", "AIDAEXAMPLEALICE00001"),
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"),
        ("aws:PrincipalAccount", ACCOUNT),
        ("aws:PrincipalType", "User"),
        ("aws:PrincipalOrgID", "o-a1b2c3d4e5"),
        ("aws:PrincipalIsAWSService", "false"),
        ("aws:PrincipalTag/team", "growth"),
        ("aws:PrincipalTag/cost-center", "cc-42"),
        ("aws:ResourceOrgID", "o-a1b2c3d4e5"),
        ("aws:ResourceAccount", ACCOUNT),
        ("aws:ViaAWSService", "false"),
        ("aws:CurrentTime", "2026-11-24T00:00:00Z"),
        ("aws:EpochTime", "1795478400"),
        (
            "aws:UserAgent",
            "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17",
        ),
        ("s3:ResourceAccount", ACCOUNT),
        ("s3:authType", "REST-HEADER"),
        ("s3:signatureversion", "AWS4-HMAC-SHA256"),
        ("s3:TlsVersion", "1.3"),
        ("s3:x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ("s3:ExistingObjectTag/classification", "internal"),
    ]);
    Scenario {
        policies,
        s3,
        context,
        principal,
        action: "s3:GetObject",
        resource: format!("arn:aws:s3:::{BUCKET}/teams/growth/2026/11/events.parquet"),
    }
}
