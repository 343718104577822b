//! `GATEHOUSE_ONE_SERVER=1`: one long-lived server for every test, emptied before each test
//! through the APIs, as a user would empty an account — so every test runs on a store with
//! history (deleted buckets and users, reused names, old keys) behind it. With
//! `GATEHOUSE_ONE_SERVER_ENDPOINT` it is a server already running (`scripts/one-server.sh`
//! starts one `gatehouse serve` for every suite); without, one per test binary.

use std::sync::OnceLock;

use super::Server;

static SHARED: OnceLock<(String, String)> = OnceLock::new();

/// The running server `GATEHOUSE_ONE_SERVER_ENDPOINT` names, or one started on a thread and
/// runtime of its own (it outlives each test's runtime). Returns its endpoint and address.
fn launch() -> (String, String) {
    if let Ok(endpoint) = std::env::var("GATEHOUSE_ONE_SERVER_ENDPOINT") {
        let addr = endpoint
            .split_once("://")
            .map_or(endpoint.as_str(), |(_, a)| a)
            .trim_end_matches('/')
            .to_string();
        return (endpoint, addr);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap().keep();
            let server = super::start_own(&dir).await;
            eprintln!("one server: {} on {}", server.endpoint, dir.display());
            tx.send((server.endpoint.clone(), server.addr.clone()))
                .unwrap();
            std::future::pending::<()>().await
        })
    });
    rx.recv().unwrap()
}

/// The shared server, with nothing left in either account.
pub async fn emptied() -> Server {
    let (endpoint, addr) = SHARED.get_or_init(launch).clone();
    super::boto3(EMPTY_ACCOUNTS, &endpoint).await;
    Server {
        endpoint,
        addr,
        vpc_endpoints: Vec::new(),
        task: None,
    }
}

/// Deletes, in each configured account, every object version and upload and bucket, the
/// account's Block Public Access, and every IAM user, group, role and customer managed policy.
const EMPTY_ACCOUNTS: &str = r#"
import sys, urllib.parse, boto3
from botocore.config import Config
ep = sys.argv[1]
server = urllib.parse.urlsplit(ep).netloc

def to_server(request, **_):
    # S3 Control puts the account id in front of the host name: keep that signed Host header
    # and send the request to the server itself.
    parts = urllib.parse.urlsplit(request.url)
    request.headers["Host"] = parts.netloc
    request.url = urllib.parse.urlunsplit(parts._replace(netloc=server))

ACCOUNTS = [("111111111111", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example"),
            ("222222222222", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")]
path = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
for account, key, secret in ACCOUNTS:
    creds = dict(endpoint_url=ep, aws_access_key_id=key, aws_secret_access_key=secret)
    s3 = boto3.client("s3", region_name="us-east-1", config=path, **creds)
    for b in s3.list_buckets().get("Buckets", []):
        name = b["Name"]
        # First, since a policy may deny even the root user everything else; the root user
        # can always delete its bucket's policy. (boto3 follows a region redirect.)
        s3.delete_bucket_policy(Bucket=name)
        region = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
        c = boto3.client("s3", region_name=region, config=path, **creds)
        for page in c.get_paginator("list_object_versions").paginate(Bucket=name):
            gone = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            if gone:
                out = c.delete_objects(Bucket=name, Delete={"Objects": gone, "Quiet": True})
                assert not out.get("Errors"), out["Errors"]
        for u in c.list_multipart_uploads(Bucket=name).get("Uploads", []):
            c.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
        c.delete_bucket(Bucket=name)
    control = boto3.client("s3control", region_name="us-east-1", config=path, **creds)
    control.meta.events.register("before-send.s3-control", to_server)
    control.delete_public_access_block(AccountId=account)
    iam = boto3.client("iam", region_name="us-east-1", **creds)
    def clear(kind, name):
        inline = getattr(iam, f"list_{kind}_policies")(**{f"{kind.capitalize()}Name": name})
        for p in inline["PolicyNames"]:
            getattr(iam, f"delete_{kind}_policy")(**{f"{kind.capitalize()}Name": name, "PolicyName": p})
        attached = getattr(iam, f"list_attached_{kind}_policies")(**{f"{kind.capitalize()}Name": name})
        for p in attached["AttachedPolicies"]:
            getattr(iam, f"detach_{kind}_policy")(**{f"{kind.capitalize()}Name": name, "PolicyArn": p["PolicyArn"]})
    for u in iam.list_users()["Users"]:
        name = u["UserName"]
        for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
        for g in iam.list_groups_for_user(UserName=name)["Groups"]:
            iam.remove_user_from_group(GroupName=g["GroupName"], UserName=name)
        clear("user", name)
        iam.delete_user(UserName=name)
    for g in iam.list_groups()["Groups"]:
        clear("group", g["GroupName"])
        iam.delete_group(GroupName=g["GroupName"])
    for r in iam.list_roles()["Roles"]:
        clear("role", r["RoleName"])
        iam.delete_role(RoleName=r["RoleName"])
    for p in iam.list_policies(Scope="Local")["Policies"]:
        for v in iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]:
            if not v["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=p["Arn"], VersionId=v["VersionId"])
        iam.delete_policy(PolicyArn=p["Arn"])
"#;
