//! VPC endpoints from the config: a listener per endpoint; what arrives there carries
//! `aws:SourceVpce`/`aws:SourceVpc` and no `aws:SourceIp`, and faces the endpoint's policy as
//! the `vpc_endpoint` layer with AWS's message [S3 `troubleshoot-403-errors`; VPC
//! `vpc-endpoints-s3`, "Endpoint policies"; IAM `reference_policies_condition-keys`].

mod common;

use server::config::Config;

const CONFIG: &str = r#"
explain_denials = "all"
[[accounts]]
id = "111111111111"
name = "alpha"
root_access_key_id = "AKIAALPHAROOTEXAMPLE"
root_secret_access_key = "alpha-root-secret-example"
[[vpc_endpoints]]
id = "vpce-0guarded"
vpc = "vpc-0a1b2c3d"
account = "111111111111"
listen = "127.0.0.1:0"
policy_file = "guarded.json"
[[vpc_endpoints]]
id = "vpce-0open"
vpc = "vpc-0a1b2c3d"
account = "111111111111"
listen = "127.0.0.1:0"
"#;

/// The guarded endpoint: everything on the `open-*` buckets but deleting, nothing elsewhere.
const GUARDED: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "OpenBuckets", "Effect": "Allow", "Principal": "*", "Action": "*",
   "Resource": ["arn:aws:s3:::open-*", "arn:aws:s3:::open-*/*"]},
  {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"}
]}"#;

const SCRIPT: &str = r#"
import json, sys, urllib.parse, boto3, botocore
main, guarded, open_ = sys.argv[1].split("|")
def s3(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example",
        config=botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
direct, via_guarded, via_open = s3(main), s3(guarded), s3(open_)
ROOT = "arn:aws:iam::111111111111:root"

def denied(fn, layer, message, decision, policy=None, statement=None):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        h = {k: urllib.parse.unquote(v) for k, v in e.response["ResponseMetadata"]["HTTPHeaders"].items()}
        got = (e.response["Error"]["Code"], e.response["Error"]["Message"], h.get("x-gatehouse-denied-by"),
               h.get("x-gatehouse-decision"), h.get("x-gatehouse-policy"), h.get("x-gatehouse-statement"))
        want = ("AccessDenied", message, layer, decision, policy, statement)
        assert got == want, f"\n  got  {got}\n  want {want}"
        return
    raise SystemExit(f"not denied: {message}")

for b in ("open-data", "closed-data"):
    direct.create_bucket(Bucket=b)
    direct.put_object(Bucket=b, Key="k", Body=b"x")

# 1. The endpoint policy's explicit deny: deleting through the guarded endpoint.
via_guarded.put_object(Bucket="open-data", Key="k2", Body=b"y")
denied(lambda: via_guarded.delete_object(Bucket="open-data", Key="k2"), "vpc_endpoint",
       f'User: {ROOT} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::open-data/k2" with an explicit deny in a VPC endpoint policy',
       "explicitDeny", "vpce-0guarded", "NoDeletes")
direct.delete_object(Bucket="open-data", Key="k2")

# 2. Nothing allows a bucket outside the policy: an implicit deny by the endpoint.
denied(lambda: via_guarded.get_object(Bucket="closed-data", Key="k"), "vpc_endpoint",
       f'User: {ROOT} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::closed-data/k" because no VPC endpoint policy allows the s3:GetObject action',
       "implicitDeny")
assert via_open.get_object(Bucket="closed-data", Key="k")["Body"].read() == b"x"

# 3. A bucket policy requiring the open endpoint: refused directly, allowed through it.
direct.put_bucket_policy(Bucket="closed-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::closed-data/*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0open"}}}]}))
denied(lambda: direct.get_object(Bucket="closed-data", Key="k"), "resource",
       f'User: {ROOT} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::closed-data/k" with an explicit deny in a resource-based policy',
       "explicitDeny", "arn:aws:s3:::closed-data", "OnlyThroughTheEndpoint")
assert via_open.get_object(Bucket="closed-data", Key="k")["Body"].read() == b"x"

# 4. Through an endpoint aws:SourceIp is absent, so a NotIpAddress deny matches: the pitfall
# AWS's pages warn of (use aws:VpcSourceIp).
direct.put_bucket_policy(Bucket="closed-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "OnlyLoopback", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::closed-data/*", "Condition": {"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}))
assert direct.get_object(Bucket="closed-data", Key="k")["Body"].read() == b"x"
denied(lambda: via_open.get_object(Bucket="closed-data", Key="k"), "resource",
       f'User: {ROOT} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::closed-data/k" with an explicit deny in a resource-based policy',
       "explicitDeny", "arn:aws:s3:::closed-data", "OnlyLoopback")
direct.put_bucket_policy(Bucket="closed-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "OnlyLoopbackInTheVpc", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::closed-data/*", "Condition": {"NotIpAddress": {"aws:VpcSourceIp": "127.0.0.0/8"}}}]}))
assert via_open.get_object(Bucket="closed-data", Key="k")["Body"].read() == b"x"
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_policies_and_source_vpce() {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = tempfile::tempdir().unwrap();
    std::fs::write(config_dir.path().join("guarded.json"), GUARDED).unwrap();
    let config_file = config_dir.path().join("config.toml");
    std::fs::write(&config_file, CONFIG).unwrap();
    let config = Config::load(&config_file).unwrap();
    let server = common::start_configured(dir.path(), config, None).await;
    let endpoint = |id: &str| {
        server
            .vpc_endpoints
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, url)| url.clone())
            .unwrap()
    };
    let endpoints: &'static str = Box::leak(
        format!(
            "{}|{}|{}",
            server.endpoint,
            endpoint("vpce-0guarded"),
            endpoint("vpce-0open")
        )
        .into_boxed_str(),
    );
    let out = common::boto3(SCRIPT, endpoints).await;
    assert_eq!(out.trim(), "ok");
    // The doctor, on the live data directory, asked about the same delete through the guarded
    // endpoint: the endpoint policy's statement, and the fix to narrow it.
    let doctor =
        server::diagnose::Doctor::open(dir.path(), Config::load(&config_file).unwrap()).unwrap();
    let ask = |via: Option<&str>| {
        doctor.examine(&server::diagnose::Examination {
            who: server::diagnose::Who::AccessKey("AKIAALPHAROOTEXAMPLE".into()),
            bucket: "open-data".into(),
            key: Some("k".into()),
            action: "s3:DeleteObject".into(),
            region: None,
            source_ip: None,
            via_vpce: via.map(str::to_string),
            tls: false,
        })
    };
    let through = ask(Some("vpce-0guarded"));
    let decision = through.decision.as_ref().unwrap();
    assert_eq!(
        (decision.denied_by.as_deref(), decision.statement.as_deref()),
        (Some("vpc_endpoint"), Some("NoDeletes"))
    );
    assert!(through.fixes[0].what.contains("NoDeletes"), "{through:?}");
    assert_eq!(through.fixes[0].then, "allowed");
    assert!(ask(None).allowed, "directly, the delete is allowed");
    let unknown = ask(Some("vpce-unknown"));
    assert!(!unknown.allowed && unknown.steps[0].finding.contains("not one of"));
}

#[test]
fn a_malformed_endpoint_policy_stops_the_start() {
    let config_dir = tempfile::tempdir().unwrap();
    std::fs::write(config_dir.path().join("guarded.json"), "{\"Statement\": 1}").unwrap();
    let config_file = config_dir.path().join("config.toml");
    std::fs::write(&config_file, CONFIG).unwrap();
    let config = Config::load(&config_file).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let error = rt
        .block_on(server::serve::bind(server::serve::ServeOptions {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse().unwrap(),
            config,
            tls: None,
        }))
        .err()
        .expect("the start is refused")
        .to_string();
    assert!(error.contains("vpce-0guarded"), "{error}");
}
