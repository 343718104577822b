//! The Query protocol on the S3 port, driven by boto3 (installed with pip when missing): STS
//! GetCallerIdentity, AWS-shaped errors for a bad signature and for actions not built yet.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_answers_on_the_same_port() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start(dir.path()).await;
    let script = r#"
import sys, boto3, botocore
def sts(secret):
    return boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                        aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key=secret)
me = sts("alpha-root-secret-example").get_caller_identity()
print(me["Account"], me["Arn"], me["UserId"])
try:
    sts("wrong").get_caller_identity()
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example")
try:
    iam.list_users()
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
"#;
    let stdout = common::boto3(script, &server.endpoint).await;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "111111111111 arn:aws:iam::111111111111:root 111111111111",
            "SignatureDoesNotMatch 403",
            "InvalidAction"
        ]
    );
    // Query requests are in the audit trail under their action, with the verified caller.
    let events = common::audit_events(dir.path()).await;
    let named: Vec<(&str, Option<&str>)> = events
        .iter()
        .map(|e| {
            let name = e.get("eventName").and_then(|v| v.as_str()).unwrap_or("");
            let arn = e
                .get("userIdentity")
                .and_then(|i| i.get("arn"))
                .and_then(|v| v.as_str());
            (name, arn)
        })
        .collect();
    let root = Some("arn:aws:iam::111111111111:root");
    assert!(named.contains(&("GetCallerIdentity", root)), "{named:?}");
    assert!(named.contains(&("ListUsers", root)), "{named:?}");
}
