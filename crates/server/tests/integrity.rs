//! Decisions depend on what the store holds now (issue 11): a stored policy that no longer
//! parses refuses the requests it governs instead of vanishing, and the verification mode
//! (on in every test server) answers 500 when a cache disagrees with the store.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::{alpha, beta};

const GRANT_BETA: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"BetaReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}"#;

/// A bucket `shared` of alpha's with one object and a policy that lets beta read it.
async fn shared_bucket(server: &common::Server) {
    let s3 = alpha(server);
    s3.create_bucket().bucket("shared").send().await.unwrap();
    s3.put_object()
        .bucket("shared")
        .key("doc.txt")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket("shared")
        .policy(GRANT_BETA)
        .send()
        .await
        .unwrap();
}

/// Rewrites the bucket's current policy text behind the server's back.
fn rewrite_current_policy(dir: &std::path::Path, document: &str) {
    let db = rusqlite::Connection::open(dir.join("meta.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE bucket_policies SET document = ?1
             WHERE bucket_id = (SELECT id FROM buckets WHERE name = 'shared')
               AND version = (SELECT MAX(version) FROM bucket_policies
                              WHERE bucket_id = (SELECT id FROM buckets WHERE name = 'shared'))",
            [document],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn status_and_code<T>(
    result: Result<T, aws_sdk_s3::error::SdkError<impl aws_sdk_s3::error::ProvideErrorMetadata>>,
) -> (u16, Option<String>) {
    match result {
        Ok(_) => (200, None),
        Err(e) => {
            let status = e.raw_response().map(|r| r.status().as_u16()).unwrap_or(0);
            (
                status,
                e.as_service_error()
                    .and_then(|s| s.code())
                    .map(str::to_string),
            )
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_policy_that_no_longer_parses_refuses_every_request_it_governs() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = common::start_own(dir.path()).await;
        shared_bucket(&server).await;
        let read = beta(&server)
            .get_object()
            .bucket("shared")
            .key("doc.txt")
            .send()
            .await;
        assert_eq!(status_and_code(read).0, 200);
    }
    // As if a newer build's rules no longer accepted it (or the text were damaged): it must not
    // count as "no policy", which would silently drop any Deny it holds.
    rewrite_current_policy(
        dir.path(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny""#,
    );
    let server = common::start_own(dir.path()).await;
    for client in [beta(&server), alpha(&server)] {
        let read = client
            .get_object()
            .bucket("shared")
            .key("doc.txt")
            .send()
            .await;
        assert_eq!(
            status_and_code(read),
            (500, Some("InternalError".to_string()))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_answers_500_when_a_cache_disagrees_with_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
    shared_bucket(&server).await;
    let beta = beta(&server);
    // Cached now: the bucket, its policy, beta's caller.
    let read = beta
        .get_object()
        .bucket("shared")
        .key("doc.txt")
        .send()
        .await;
    assert_eq!(status_and_code(read).0, 200);
    // Changed behind the server's back (no write through the store, so no cache knows): the
    // cached decision allows, the store's denies.
    rewrite_current_policy(
        dir.path(),
        &GRANT_BETA
            .replace("\"Allow\"", "\"Deny\"")
            .replace("BetaReads", "NoBeta"),
    );
    let read = beta
        .get_object()
        .bucket("shared")
        .key("doc.txt")
        .send()
        .await;
    assert_eq!(
        status_and_code(read),
        (500, Some("InternalError".to_string()))
    );
}

/// AWS binds a Principal ARN to the user's unique id when the policy is saved: a user deleted
/// and created again under the same name is someone else [IAM
/// `reference_policies_elements_principal`].
const RECREATED_USER: &str = r#"
import sys, json, boto3, botocore
from botocore.config import Config
ep = sys.argv[1]
cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
def client(service, key, secret):
    return boto3.client(service, endpoint_url=ep, region_name="us-east-1", config=cfg,
                        aws_access_key_id=key, aws_secret_access_key=secret)
root = ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
iam, s3 = client("iam", *root), client("s3", *root)
def new_carol():
    user = iam.create_user(UserName="carol")["User"]
    k = iam.create_access_key(UserName="carol")["AccessKey"]
    return user, client("s3", k["AccessKeyId"], k["SecretAccessKey"])
def denied(fn, code="AccessDenied"):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response["Error"]
        return e.response["Error"].get("Message", "")
    raise AssertionError("expected " + code)

old, carol = new_carol()
s3.create_bucket(Bucket="bound")
s3.put_object(Bucket="bound", Key="doc.txt", Body=b"for carol")
arn = old["Arn"]
policy = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Carol", "Effect": "Allow", "Principal": {"AWS": arn}, "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::bound/*"},
    {"Sid": "NotCarol", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::bound/*",
     "Condition": {"StringNotEquals": {"aws:PrincipalArn": arn}}}]}
s3.put_bucket_policy(Bucket="bound", Policy=json.dumps(policy))
assert carol.get_object(Bucket="bound", Key="doc.txt")["Body"].read() == b"for carol"
assert json.loads(s3.get_bucket_policy(Bucket="bound")["Policy"]) == policy

for k in iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]:
    iam.delete_access_key(UserName="carol", AccessKeyId=k["AccessKeyId"])
iam.delete_user(UserName="carol")
new, carol = new_carol()
assert new["UserId"] != old["UserId"]
denied(lambda: carol.get_object(Bucket="bound", Key="doc.txt"))

# Read back, the Principal shows the old unique id; a condition's ARN is text and stays.
shown = json.loads(s3.get_bucket_policy(Bucket="bound")["Policy"])
assert shown["Statement"][0]["Principal"] == {"AWS": old["UserId"]}, shown
assert shown["Statement"][1]["Condition"] == policy["Statement"][1]["Condition"], shown

# Saved again, the policy names the new carol.
s3.put_bucket_policy(Bucket="bound", Policy=json.dumps(policy))
assert carol.get_object(Bucket="bound", Key="doc.txt")["Body"].read() == b"for carol"

# A user no one has is not a principal.
policy["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::111111111111:user/nobody"}
message = denied(lambda: s3.put_bucket_policy(Bucket="bound", Policy=json.dumps(policy)),
                 "MalformedPolicy")
assert message == "Invalid principal in policy", message
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_policy_names_the_user_it_was_saved_with_not_a_namesake() {
    let out = common::boto3_on_new_server(RECREATED_USER).await;
    assert_eq!(out.trim(), "ok");
}

/// A role with a trust policy alice may use; prints alice's key and secret.
const TRUSTING_ROLE: &str = r#"
import sys, json, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example")
iam = boto3.client("iam", **kw)
alice = iam.create_user(UserName="alice")["User"]["Arn"]
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "sts:AssumeRole"}]}
iam.create_role(RoleName="trusting", AssumeRolePolicyDocument=json.dumps(trust))
key = iam.create_access_key(UserName="alice")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;

/// AssumeRole as the user whose key is argv[2], argv[3]; prints the error code or "ok".
const ASSUME_TRUSTING: &str = r#"
import sys, boto3, botocore
from botocore.config import Config
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                   config=Config(retries={"max_attempts": 1}))
try:
    sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/trusting", RoleSessionName="s1")
    print("ok")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
"#;

/// A stored trust policy that no longer parses refuses AssumeRole as a service failure (500),
/// never as an answer decided without it (issue 11, "fail closed").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trust_policy_that_no_longer_parses_is_a_service_failure() {
    let dir = tempfile::tempdir().unwrap();
    let keys = {
        let server = common::start_own(dir.path()).await;
        let keys = common::boto3(TRUSTING_ROLE, &server.endpoint).await;
        let script = format!(
            "import sys\nsys.argv += {:?}\n{ASSUME_TRUSTING}",
            keys.split_whitespace().collect::<Vec<_>>()
        );
        let script: &'static str = Box::leak(script.into_boxed_str());
        assert_eq!(common::boto3(script, &server.endpoint).await.trim(), "ok");
        script
    };
    let db = rusqlite::Connection::open(dir.path().join("meta.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE policy_documents SET document = '{\"Version\":\"2012-10-17\",\"Statement\":['
             WHERE digest = (SELECT trust_digest FROM iam_entities WHERE name = 'trusting')",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let server = common::start_own(dir.path()).await;
    assert_eq!(
        common::boto3(keys, &server.endpoint).await.trim(),
        "ServiceFailure 500"
    );
}
