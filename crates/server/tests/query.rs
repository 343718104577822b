//! The Query protocol on the S3 port, driven by boto3 (installed with pip when missing): STS
//! GetCallerIdentity, IAM ListUsers, AWS-shaped errors for a bad signature and for actions not
//! built yet.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_answers_on_the_same_port() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
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
print(len(iam.list_users()["Users"]))
try:
    iam.list_saml_providers()
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
            "0",
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

/// AWS's Query APIs also take `GET /?Action=...`, here presigned with the official signer and
/// sent over a raw socket; an unsigned one is refused, and S3's `GET /` is still ListBuckets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_requests_may_come_as_presigned_gets() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start(dir.path()).await;
    let uri = format!(
        "http://{}/?Action=GetCallerIdentity&Version=2011-06-15",
        server.addr
    );
    let request = common::sign_as_alpha_root(
        "GET",
        &uri,
        &[("host", server.addr.as_str())],
        b"",
        "sts",
        "us-east-1",
        aws_sigv4::http_request::SignatureLocation::QueryParams,
        std::time::SystemTime::now(),
    );
    let presigned = request.uri().path_and_query().unwrap().to_string();

    let (status, _, body) = common::raw(&server.addr, &format!("GET {presigned} HTTP/1.1")).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<Arn>arn:aws:iam::111111111111:root</Arn>"),
        "{body}"
    );
    let (_, _, unsigned) = common::raw(
        &server.addr,
        "GET /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1",
    )
    .await;
    assert!(
        unsigned.contains("<Code>MissingAuthenticationToken</Code>"),
        "{unsigned}"
    );
    let (status, _, list_buckets) = common::raw(&server.addr, "GET / HTTP/1.1").await;
    assert_eq!(status, 403, "{list_buckets}");
    assert!(list_buckets.contains("<Error><Code>"), "{list_buckets}");
}

/// IAM calls are decided and audited like S3 calls: a user without IAM permissions gets AWS's
/// AccessDenied with the x-gatehouse-* headers, and the audit trail keeps the denial's trace and,
/// for an allowed request, the digests of the identity documents that allowed it and the
/// principal's keys — enough to re-evaluate either decision later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_decisions_are_explained_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
    let script = r#"
import sys, json, boto3, botocore
def client(service, key, secret):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)
root = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
root.create_user(UserName="carol", Tags=[{"Key": "team", "Value": "blue"}])
key = root.create_access_key(UserName="carol")["AccessKey"]
carol = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
try:
    carol.list_users()
    print("allowed?")
except botocore.exceptions.ClientError as e:
    h = e.response["ResponseMetadata"]["HTTPHeaders"]
    print(e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    print(e.response["Error"]["Message"])
    print(h.get("x-gatehouse-decision"), h.get("x-gatehouse-denied-by"))
root.put_user_policy(UserName="carol", PolicyName="list", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                   "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}))
print(len(carol.list_users()["Users"]))
"#;
    let stdout = common::boto3(script, &server.endpoint).await;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "403 AccessDenied",
            "User: arn:aws:iam::111111111111:user/carol is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action",
            "implicitDeny identity",
            "1",
        ]
    );
    let events = common::audit_events(dir.path()).await;
    let decisions: Vec<String> = events
        .iter()
        .filter(|e| e.get("eventName").and_then(|v| v.as_str()) == Some("ListUsers"))
        .filter_map(|e| e.get("additionalEventData"))
        .filter_map(|d| d.get("gatehouseDecisions"))
        .map(|d| format!("{d:?}"))
        .collect();
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert!(decisions[0].contains("implicitDeny"), "{}", decisions[0]);
    assert!(decisions[0].contains("trace"), "{}", decisions[0]);
    assert!(decisions[1].contains("allowed"), "{}", decisions[1]);
    assert!(
        decisions[1].contains("arn:aws:iam::111111111111:user/carol#inline/list"),
        "{}",
        decisions[1]
    );
    assert!(decisions[1].contains("digest"), "{}", decisions[1]);
    // Each document with the layer it was consulted in (a policy can be attached and be a
    // boundary at once), in the trail's own text.
    let raw: String = std::fs::read_dir(dir.path().join("audit"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        raw.contains(r#"{"layer":"identity","id":"arn:aws:iam::111111111111:user/carol#inline/list","digest":""#),
        "{raw}"
    );
    assert!(
        decisions[1].contains("aws:PrincipalTag/team"),
        "{}",
        decisions[1]
    );
}
