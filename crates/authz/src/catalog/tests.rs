//! Spot checks of the catalogue against the SAR pages it transcribes:
//! S3: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>,
//! STS: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html>,
//! IAM: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>,
//! KMS: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html>,
//! Organizations: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html>,
//! global keys: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>.

use super::*;

fn action(full: &str) -> &'static Action {
    catalog()
        .action(full)
        .unwrap_or_else(|| panic!("{full} is in the catalogue"))
        .1
}

fn resource_names(full: &str) -> Vec<(String, bool)> {
    action(full)
        .resource_types
        .iter()
        .map(|r| (r.name.clone(), r.required))
        .collect()
}

#[test]
fn every_data_file_parses() {
    for &(file, text) in data::SERVICES.iter().chain([&data::GLOBAL_KEYS]) {
        if let Err(e) = parse::parse(file, text) {
            panic!("{e}");
        }
    }
    let catalog = catalog();
    assert_eq!(catalog.services().len(), data::SERVICES.len());
    // The SAR (2026) lists 180 S3 actions, 16 STS actions and 190 IAM actions.
    assert_eq!(catalog.service("s3").unwrap().actions.len(), 180);
    assert_eq!(catalog.service("STS").unwrap().actions.len(), 16);
    assert_eq!(catalog.service("iam").unwrap().actions.len(), 190);
    assert_eq!(catalog.service("kms").unwrap().actions.len(), 56);
    assert_eq!(catalog.service("organizations").unwrap().actions.len(), 63);
    assert_eq!(catalog.service("s3").unwrap().name, "Amazon S3");
}

#[test]
fn actions_are_found_case_insensitively() {
    let (service, get) = catalog().action("s3:getobject").unwrap();
    assert_eq!(
        (service.prefix.as_str(), get.name.as_str()),
        ("s3", "GetObject")
    );
    assert!(catalog().action("S3:GETOBJECT").is_some());
    assert!(catalog().action("s3:NoSuchThing").is_none());
    assert!(catalog().action("foo:GetObject").is_none());
    assert!(catalog().action("GetObject").is_none());
}

#[test]
fn get_object_is_read_on_objects_and_sees_existing_tags() {
    // SAR: GetObject, Read, resource types accesspointobject and object (since 2025 neither is
    // starred; earlier versions listed `object*`), condition keys incl. s3:ExistingObjectTag/<key>.
    let get = action("s3:GetObject");
    assert_eq!(get.access_level, AccessLevel::Read);
    assert_eq!(
        resource_names("s3:GetObject"),
        [
            ("accesspointobject".to_string(), false),
            ("object".to_string(), false)
        ]
    );
    assert!(catalog().carries_key("s3:GetObject", Some("object"), "s3:ExistingObjectTag/team"));
    assert!(catalog().carries_key("s3:GetObject", None, "S3:existingobjecttag/Team"));
    // "When granting permissions for the PUT Object and DELETE Object operations, this
    // condition key is not supported" (S3 User Guide, tagging-and-policies); the SAR agrees.
    assert!(!catalog().carries_key("s3:PutObject", Some("object"), "s3:ExistingObjectTag/team"));
    assert!(!catalog().carries_key(
        "s3:DeleteObject",
        Some("object"),
        "s3:ExistingObjectTag/team"
    ));
}

#[test]
fn listing_keys_belong_to_list_bucket_and_list_bucket_versions() {
    for list in ["s3:ListBucket", "s3:ListBucketVersions"] {
        assert_eq!(action(list).access_level, AccessLevel::List);
        for key in ["s3:prefix", "s3:delimiter", "s3:max-keys"] {
            assert!(
                catalog().carries_key(list, Some("bucket"), key),
                "{list} {key}"
            );
        }
    }
    assert!(!catalog().carries_key("s3:ListBucketMultipartUploads", Some("bucket"), "s3:prefix"));
    assert!(!catalog().carries_key("s3:GetObject", Some("object"), "s3:max-keys"));
}

#[test]
fn list_all_my_buckets_has_no_resource_type() {
    assert!(action("s3:ListAllMyBuckets").resource_types.is_empty());
    assert!(action("sts:GetCallerIdentity").resource_types.is_empty());
}

#[test]
fn create_bucket_and_put_object_header_keys() {
    for key in [
        "s3:x-amz-acl",
        "s3:locationconstraint",
        "s3:LocationConstraint",
        "s3:x-amz-object-ownership",
        "s3:x-amz-grant-read",
        "aws:RequestTag/env",
    ] {
        assert!(
            catalog().carries_key("s3:CreateBucket", Some("bucket"), key),
            "{key}"
        );
    }
    assert_eq!(
        resource_names("s3:CreateBucket"),
        [("bucket".to_string(), true)]
    );
    for key in [
        "s3:x-amz-server-side-encryption",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:x-amz-acl",
        "s3:x-amz-copy-source",
        "s3:RequestObjectTag/team",
        "s3:if-none-match",
        "s3:object-lock-mode",
    ] {
        assert!(
            catalog().carries_key("s3:PutObject", Some("object"), key),
            "{key}"
        );
    }
    assert!(!catalog().carries_key("s3:PutObject", Some("object"), "s3:x-amz-object-ownership"));
    assert!(!catalog().carries_key("s3:PutObject", Some("object"), "s3:locationconstraint"));
}

#[test]
fn version_id_is_only_on_version_actions() {
    let s3 = catalog().service("s3").unwrap();
    let with_version_id: Vec<&str> = s3
        .actions
        .iter()
        .filter(|a| catalog().carries_key(&format!("s3:{}", a.name), None, "s3:versionid"))
        .map(|a| a.name.as_str())
        .collect();
    assert!(with_version_id.contains(&"GetObjectVersion"));
    assert!(with_version_id.contains(&"PutObjectVersionAcl"));
    assert!(with_version_id.contains(&"DeleteObjectVersion"));
    for name in &with_version_id {
        assert!(name.contains("Version"), "{name} carries s3:versionid");
    }
    for plain in [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjectAcl",
    ] {
        assert!(
            !catalog().carries_key(plain, Some("object"), "s3:VersionId"),
            "{plain}"
        );
    }
}

#[test]
fn access_levels_follow_the_sar() {
    // SAR (2026): "Permissions management, Write", "Tagging, Write".
    let acl = action("s3:PutBucketPolicy");
    assert_eq!(acl.access_level, AccessLevel::PermissionsManagement);
    assert_eq!(
        acl.access_levels,
        [AccessLevel::PermissionsManagement, AccessLevel::Write]
    );
    assert_eq!(
        action("s3:PutObjectTagging").access_level,
        AccessLevel::Tagging
    );
    assert_eq!(action("s3:PutObject").access_levels, [AccessLevel::Write]);
    assert_eq!(action("sts:AssumeRole").access_level, AccessLevel::Write);
    assert_eq!(
        action("iam:AttachRolePolicy").access_levels,
        [AccessLevel::PermissionsManagement, AccessLevel::Write]
    );
    assert_eq!(action("iam:ListUsers").access_level, AccessLevel::List);
    assert_eq!(
        action("iam:TagUser").access_levels,
        [AccessLevel::Tagging, AccessLevel::Write]
    );
    assert_eq!(
        action("sts:GetCallerIdentity").access_level,
        AccessLevel::Read
    );
}

#[test]
fn resource_level_keys_come_with_the_resource_type() {
    // SAR resource types table: bucket and object carry s3:BucketTag/${TagKey} and
    // aws:ResourceTag/${TagKey}; accesspointobject carries the data-access-point keys.
    assert!(catalog().carries_key("s3:GetObject", Some("object"), "s3:BucketTag/team"));
    assert!(!catalog().carries_key("s3:GetObject", None, "s3:BucketTag/team"));
    assert!(catalog().carries_key(
        "s3:GetObject",
        Some("accesspointobject"),
        "s3:DataAccessPointArn"
    ));
    assert!(!catalog().carries_key("s3:GetObject", Some("object"), "s3:AccessPointTag/x"));
    // Nearly every S3 action lists the signature keys; InitiateReplication lists only
    // s3:ResourceAccount.
    assert!(catalog().carries_key("s3:GetObject", None, "s3:signatureversion"));
    assert!(catalog().carries_key("s3:ListAllMyBuckets", None, "s3:authType"));
    assert!(!catalog().carries_key("s3:InitiateReplication", None, "s3:authType"));
}

#[test]
fn assume_role_keys() {
    let assume = action("sts:AssumeRole");
    assert_eq!(
        resource_names("sts:AssumeRole"),
        [("role".to_string(), true)]
    );
    assert!(assume
        .condition_keys
        .iter()
        .any(|k| k == "sts:TransitiveTagKeys"));
    for key in [
        "sts:ExternalId",
        "sts:RoleSessionName",
        "sts:SourceIdentity",
        "sts:TransitiveTagKeys",
        "aws:TagKeys",
        "aws:RequestTag/Project",
        "saml:sub",
        "iam:ResourceTag/team",
    ] {
        assert!(
            catalog().carries_key("sts:AssumeRole", Some("role"), key),
            "{key}"
        );
    }
    assert!(!catalog().carries_key("sts:AssumeRole", Some("role"), "sts:TaskPolicyArn"));
    assert!(catalog().carries_key("sts:AssumeRoot", Some("root-user"), "sts:TaskPolicyArn"));
    // Web-identity keys, some of them templated (`token.actions.githubusercontent.com/${SubPath}:…`).
    for key in [
        "token.actions.githubusercontent.com:repository",
        "token.actions.githubusercontent.com/myorg:repository",
        "gitlab.com:project_id",
        "sts:RoleAuthorizedByIdp",
    ] {
        assert!(
            catalog().carries_key("sts:AssumeRoleWithWebIdentity", Some("role"), key),
            "{key}"
        );
    }
    assert!(!catalog().carries_key("sts:AssumeRole", Some("role"), "gitlab.com:project_id"));
    assert!(!catalog().carries_key("sts:GetSessionToken", None, "sts:ExternalId"));
}

#[test]
fn global_keys_are_always_carried() {
    assert!(catalog().carries_key("s3:GetObject", Some("object"), "aws:SourceIp"));
    assert!(catalog().carries_key("s3:ListAllMyBuckets", None, "aws:PrincipalTag/Team"));
    assert!(catalog().carries_key("sts:AssumeRole", Some("role"), "ec2:SourceInstanceArn"));
    assert!(catalog().is_global_key("AWS:SecureTransport"));
    assert!(!catalog().is_global_key("aws:NoSuchKey"));
    assert!(!catalog().carries_key("s3:GetObject", None, "aws:NoSuchKey"));
    assert!(!catalog().carries_key("s3:NoSuchThing", None, "s3:prefix"));
}

#[test]
fn check_action_pattern_cases() {
    let c = catalog();
    assert_eq!(c.check_action_pattern("*"), ActionPattern::Matches);
    assert_eq!(c.check_action_pattern("s3:*"), ActionPattern::Matches);
    assert_eq!(c.check_action_pattern("s3:Get*"), ActionPattern::Matches);
    assert_eq!(
        c.check_action_pattern("S3:getobject"),
        ActionPattern::Matches
    );
    assert_eq!(
        c.check_action_pattern("s3:Get?bject"),
        ActionPattern::Matches
    );
    assert_eq!(
        c.check_action_pattern("sts:Assume*"),
        ActionPattern::Matches
    );
    assert_eq!(
        c.check_action_pattern("s*:GetObject"),
        ActionPattern::Matches
    );
    assert_eq!(c.check_action_pattern("*:*"), ActionPattern::Matches);
    assert_eq!(
        c.check_action_pattern("s3:NoSuchThing"),
        ActionPattern::UnknownAction
    );
    assert_eq!(
        c.check_action_pattern("s3:Frobnicate*"),
        ActionPattern::UnknownAction
    );
    assert_eq!(c.check_action_pattern("s3:"), ActionPattern::UnknownAction);
    assert_eq!(
        c.check_action_pattern("sts:GetObject"),
        ActionPattern::UnknownAction
    );
    assert_eq!(
        c.check_action_pattern("foo:Bar"),
        ActionPattern::UnknownService
    );
    assert_eq!(
        c.check_action_pattern("GetObject"),
        ActionPattern::UnknownService
    );
    assert_eq!(c.check_action_pattern(""), ActionPattern::UnknownService);
}

#[test]
fn key_types() {
    let c = catalog();
    assert_eq!(c.key_type("s3:max-keys"), Some(KeyType::Numeric));
    assert_eq!(c.key_type("S3:Max-Keys"), Some(KeyType::Numeric));
    assert_eq!(c.key_type("aws:SourceIp"), Some(KeyType::IpAddress));
    assert_eq!(c.key_type("aws:PrincipalTag/Team"), Some(KeyType::String));
    assert_eq!(c.key_type("aws:TagKeys"), Some(KeyType::ArrayOfString));
    assert_eq!(c.key_type("aws:SecureTransport"), Some(KeyType::Bool));
    assert_eq!(c.key_type("aws:CurrentTime"), Some(KeyType::Date));
    assert_eq!(c.key_type("aws:PrincipalArn"), Some(KeyType::Arn));
    assert_eq!(
        c.key_type("s3:ExistingObjectTag/team"),
        Some(KeyType::String)
    );
    assert_eq!(
        c.key_type("s3:x-amz-server-side-encryption-aws-kms-key-id"),
        Some(KeyType::Arn)
    );
    assert_eq!(
        c.key_type("s3:object-lock-retain-until-date"),
        Some(KeyType::Date)
    );
    assert_eq!(c.key_type("s3:TlsVersion"), Some(KeyType::Numeric));
    assert_eq!(
        c.key_type("sts:RequestContextProviders"),
        Some(KeyType::ArrayOfArn)
    );
    assert_eq!(c.key_type("saml:cn"), Some(KeyType::ArrayOfString));
    assert_eq!(c.key_type("aws:NoSuchKey"), None);
    assert_eq!(c.key_type("aws:PrincipalTag/"), None);
    assert!(KeyType::ArrayOfString.is_array());
    assert_eq!(KeyType::ArrayOfArn.element(), KeyType::Arn);
}

#[test]
fn resource_type_of_picks_the_fitting_type() {
    let c = catalog();
    assert_eq!(
        c.resource_type_of("s3:ListBucket", "arn:aws:s3:::b"),
        Some("bucket")
    );
    assert_eq!(
        c.resource_type_of("s3:GetObject", "arn:aws:s3:::b/k"),
        Some("object")
    );
    assert_eq!(
        c.resource_type_of("s3:GetObject", "arn:aws:s3:::b/dir/k:1"),
        Some("object")
    );
    assert_eq!(c.resource_type_of("s3:GetObject", "arn:aws:s3:::b"), None);
    assert_eq!(
        c.resource_type_of(
            "s3:GetObject",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k"
        ),
        Some("accesspointobject")
    );
    assert_eq!(
        c.resource_type_of(
            "s3:ListBucket",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"
        ),
        Some("accesspoint")
    );
    assert_eq!(
        c.resource_type_of("sts:AssumeRole", "arn:aws:iam::111122223333:role/path/r"),
        Some("role")
    );
    assert_eq!(
        c.resource_type_of(
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/division/alice"
        ),
        Some("user")
    );
    assert_eq!(
        c.resource_type_of("iam:CreateUser", "arn:aws:iam::111122223333:role/r"),
        None
    );
    assert_eq!(
        c.resource_type_of("s3:ListAllMyBuckets", "arn:aws:s3:::b"),
        None
    );
    assert_eq!(c.resource_type_of("s3:NoSuchThing", "arn:aws:s3:::b"), None);
}

#[test]
fn every_resource_type_pattern_is_fittable() {
    // Each service's ARN patterns, with their placeholders filled, fit their own type.
    for service in catalog().services() {
        for rt in &service.resource_types {
            let sample = rt
                .arn
                .split("${")
                .enumerate()
                .map(|(i, part)| match (i, part.split_once('}')) {
                    (0, _) | (_, None) => part.to_string(),
                    (_, Some((_, rest))) => format!("x{rest}"),
                })
                .collect::<String>();
            assert!(
                arn::fit(&rt.arn, &sample).is_some(),
                "{} {}",
                rt.name,
                sample
            );
        }
    }
}

#[test]
fn iam_actions_that_gatehouse_serves() {
    // SAR: CreateUser needs `user` and takes the boundary and tag keys; ListUsers has no
    // resource type; PassRole and AttachRolePolicy carry their own keys.
    assert_eq!(
        resource_names("iam:CreateUser"),
        [("user".to_string(), true)]
    );
    for key in [
        "iam:PermissionsBoundary",
        "aws:RequestTag/team",
        "aws:TagKeys",
    ] {
        assert!(
            catalog().carries_key("iam:CreateUser", Some("user"), key),
            "{key}"
        );
    }
    assert!(catalog().carries_key("iam:PassRole", Some("role"), "iam:PassedToService"));
    assert!(catalog().carries_key("iam:AttachRolePolicy", Some("role"), "iam:PolicyARN"));
    assert!(!catalog().carries_key("iam:CreateUser", Some("user"), "iam:PolicyARN"));
    assert!(action("iam:ListUsers").resource_types.is_empty());
}

#[test]
fn kms_and_organizations_spot_checks() {
    // SAR: Decrypt needs a `key` and sees the encryption context; kms:ViaService is how a key
    // policy limits a key to use through S3.
    assert_eq!(resource_names("kms:Decrypt"), [("key".to_string(), true)]);
    assert_eq!(action("kms:Decrypt").access_level, AccessLevel::Write);
    for key in [
        "kms:EncryptionContext:aws:s3:arn",
        "kms:ViaService",
        "kms:CallerAccount",
    ] {
        assert!(
            catalog().carries_key("kms:Decrypt", Some("key"), key),
            "{key}"
        );
        assert!(
            catalog().carries_key("kms:GenerateDataKey", Some("key"), key),
            "{key}"
        );
    }
    assert!(action("organizations:DescribeOrganization")
        .resource_types
        .is_empty());
    // TagResource's `policy` row carries organizations:PolicyType on its own.
    assert!(catalog().carries_key(
        "organizations:TagResource",
        Some("policy"),
        "organizations:PolicyType"
    ));
    assert_eq!(
        catalog().resource_type_of(
            "organizations:DescribePolicy",
            "arn:aws:organizations::111111111111:policy/o-abc123defg/service_control_policy/p-abcd1234"
        ),
        Some("policy")
    );
}
