//! A scenario that cannot be read names the JSON path, line and column of what is wrong.

use authz::simulate::read_scenario;
use policy::json;

/// Reads `text` and returns its error as (path, line, column, message).
fn error(text: &str) -> (String, u32, u32, String) {
    let doc = json::parse(text).unwrap();
    let e = read_scenario(&doc).expect_err("the scenario should be refused");
    (e.path, e.pos.line, e.pos.column, e.message)
}

const REQUEST: &str = r#""request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#;

#[test]
fn an_unknown_field_points_at_its_key() {
    let (path, line, column, message) = error(&format!("{{{REQUEST},\n  \"polices\": []}}"));
    assert_eq!((path.as_str(), line, column), ("polices", 2, 3));
    assert!(message.contains("unknown field `polices`"), "{message}");
}

#[test]
fn a_missing_field_points_at_its_object() {
    let (path, line, column, message) =
        error("{\"request\":\n {\"principal\": \"arn:aws:iam::111122223333:root\", \"action\": \"s3:GetObject\"}}");
    assert_eq!((path.as_str(), line, column), ("request", 2, 2));
    assert!(message.contains("missing field `resource`"), "{message}");
}

#[test]
fn an_action_without_a_service_points_at_the_action() {
    let (path, line, column, message) = error(
        "{\"request\": {\"principal\": \"arn:aws:iam::111122223333:root\",\n \"action\": \"GetObject\", \"resource\": \"*\"}}",
    );
    assert_eq!((path.as_str(), line, column), ("request.action", 2, 12));
    assert_eq!(message, "an action is written service:Action");
}

#[test]
fn an_unreadable_principal_points_at_the_principal() {
    let (path, line, column, _) = error(
        "{\"request\": {\"principal\": \"alice\", \"action\": \"s3:GetObject\", \"resource\": \"*\"}}",
    );
    assert_eq!((path.as_str(), line, column), ("request.principal", 1, 27));
}

#[test]
fn a_policy_error_points_into_the_document() {
    let (path, line, column, _) = error(&format!(
        "{{{REQUEST}, \"policies\": {{\"identity\": [{{\"id\": \"p\", \"document\":\n  {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Perhaps\", \"Action\": \"*\", \"Resource\": \"*\"}}]}}}}]}}}}"
    ));
    assert_eq!(path, "policies.identity[0].document.Statement[0].Effect");
    assert_eq!((line, column), (2, 54));
}

#[test]
fn a_policy_given_as_unparsable_text_points_at_the_string() {
    let (path, line, column, message) = error(&format!(
        "{{{REQUEST}, \"policies\": {{\"resource\":\n {{\"id\": \"b\", \"document\": \"{{not json\"}}}}}}"
    ));
    assert_eq!(
        (path.as_str(), line, column),
        ("policies.resource.document", 2, 26)
    );
    assert!(message.starts_with("policy text:"), "{message}");
}

#[test]
fn an_unknown_grantee_type_points_at_the_type() {
    let (path, line, column, message) = error(&format!(
        "{{{REQUEST}, \"s3\": {{\"object_ownership\": \"ObjectWriter\", \"bucket_acl\":\n [{{\"grantee\": {{\"type\": \"Email\", \"id\": \"x\"}}, \"permission\": \"READ\"}}]}}}}"
    ));
    assert_eq!(
        (path.as_str(), line, column),
        ("s3.bucket_acl[0].grantee.type", 2, 24)
    );
    assert!(message.contains("Email"), "{message}");
}

#[test]
fn a_canonical_user_without_an_id_points_at_the_grantee() {
    let (path, _, _, message) = error(&format!(
        "{{{REQUEST}, \"s3\": {{\"object_ownership\": \"ObjectWriter\", \"object_acl\":\n [{{\"grantee\": {{\"type\": \"CanonicalUser\"}}, \"permission\": \"READ\"}}]}}}}"
    ));
    assert_eq!(path, "s3.object_acl[0].grantee");
    assert!(message.contains("`id`"), "{message}");
}

#[test]
fn acl_grants_on_an_enforced_bucket_point_at_s3() {
    let (path, line, column, message) = error(&format!(
        "{{{REQUEST},\n \"s3\": {{\"bucket_acl\": [{{\"grantee\": {{\"type\": \"Group\", \"uri\": \"http://acs.amazonaws.com/groups/global/AllUsers\"}}, \"permission\": \"READ\"}}]}}}}"
    ));
    assert_eq!((path.as_str(), line, column), ("s3", 2, 8));
    assert!(message.contains("BucketOwnerEnforced"), "{message}");
}

#[test]
fn a_context_value_of_the_wrong_kind_points_at_it() {
    let (path, line, column, _) = error(
        "{\"request\": {\"principal\": \"arn:aws:iam::111122223333:root\", \"action\": \"s3:GetObject\", \"resource\": \"*\",\n \"context\": {\"aws:SourceIp\": [\"10.0.0.1\", {\"x\": 1}]}}}",
    );
    assert_eq!(
        (path.as_str(), line, column),
        ("request.context.aws:SourceIp[1]", 2, 43)
    );
}

#[test]
fn a_service_principal_needs_a_resource_account() {
    let (path, _, _, message) = error(
        "{\"request\": {\"principal\": \"s3.amazonaws.com\", \"action\": \"s3:GetObject\", \"resource\": \"*\"}}",
    );
    assert_eq!(path, "request");
    assert!(message.contains("resource_account"), "{message}");
}

#[test]
fn metadata_fields_are_accepted_and_null_is_absent() {
    let doc = json::parse(&format!(
        "{{{REQUEST}, \"name\": \"n\", \"cite\": [\"x\"], \"expect\": {{\"decision\": \"deny\"}}, \"policies\": null, \"s3\": null}}"
    ))
    .unwrap();
    let scenario = read_scenario(&doc).unwrap();
    assert_eq!(scenario.action, "s3:GetObject");
    assert!(scenario.s3.is_some(), "an s3 action gets default facts");
}
