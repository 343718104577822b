//! The config's `[organization]`: built at start as its management account would build it
//! through the API (both policy types enabled), and kept as the API left it across restarts.

mod common;

const CONFIG: &str = r#"
explain_denials = "all"
[[accounts]]
id = "111111111111"
name = "alpha"
root_access_key_id = "AKIAALPHAROOTEXAMPLE"
root_secret_access_key = "alpha-root-secret-example"
[[accounts]]
id = "222222222222"
name = "beta"
root_access_key_id = "AKIABETAROOTEXAMPLE0"
root_secret_access_key = "beta-root-secret-example"
[organization]
management_account = "111111111111"
members = ["222222222222"]
"#;

const CLIENTS: &str = r#"
import boto3, json, sys
def client(service, key, secret):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)
alpha = client("organizations", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
beta = client("organizations", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
beta_s3 = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
"#;

/// At first start: the organization exists, BETA is a member under the root, both policy
/// types are enabled; an SCP attached through the API then binds BETA.
const FIRST: &str = r#"
org = beta.describe_organization()["Organization"]
assert org["MasterAccountId"] == "111111111111", org
root = alpha.list_roots()["Roots"][0]
assert sorted(t["Type"] for t in root["PolicyTypes"]) == ["RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY"], root
assert alpha.list_parents(ChildId="222222222222")["Parents"][0]["Id"] == root["Id"]
beta_s3.list_buckets()
p = alpha.create_policy(Name="no-listing", Description="", Type="SERVICE_CONTROL_POLICY",
    Content=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
alpha.attach_policy(PolicyId=p["Policy"]["PolicySummary"]["Id"], TargetId="222222222222")
try:
    beta_s3.list_buckets()
    raise SystemExit("the SCP did not bind BETA")
except beta_s3.exceptions.ClientError as e:
    assert e.response["ResponseMetadata"]["HTTPHeaders"]["x-gatehouse-denied-by"] == "scp", e.response
print(org["Id"])
"#;

/// After a restart: the same organization, and the SCP the API attached still binds.
const AGAIN: &str = r#"
print(beta.describe_organization()["Organization"]["Id"])
try:
    beta_s3.list_buckets()
    raise SystemExit("the restart undid the SCP")
except beta_s3.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "AccessDenied", e.response
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_organization_is_built_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let first = {
        let server = common::start_with(dir.path(), CONFIG, None).await;
        let script: &'static str = Box::leak(format!("{CLIENTS}{FIRST}").into_boxed_str());
        common::boto3(script, &server.endpoint).await
    };
    let server = common::start_with(dir.path(), CONFIG, None).await;
    let script: &'static str = Box::leak(format!("{CLIENTS}{AGAIN}").into_boxed_str());
    let again = common::boto3(script, &server.endpoint).await;
    assert!(first.trim().starts_with("o-"), "{first}");
    assert_eq!(first.trim(), again.trim());
}
