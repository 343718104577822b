"""Golden tests of `gatehouse doctor`'s report for a person: a real server, one scenario per
layer of AWS's authorization built through the real APIs (boto3), `gatehouse doctor` on the
server's data directory, and its output — with what is random normalized into placeholders —
compared with `golden/doctor/NAME.txt`; a mismatch prints a unified diff and fails. Each file
starts with the command (as `$ gatehouse doctor ...`) and ends with its exit status (0 allowed,
1 denied). Run with GATEHOUSE_BLESS=1 in the environment to (re)write the golden files instead
of comparing — then read every changed file: it must say what AWS would. Prints `passed`.
argv: the gatehouse binary, a work directory, the server config."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from served import Served, status, policy, organization_with_beta, ALPHA, BETA, reads  # noqa: E402
from compare import Golden  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
golden = Golden(os.path.join(HERE, "doctor"))


def user(account, name):
    return f"arn:aws:iam::{account}:user/{name}"


def refused(fn):
    """The message of the 403 a client call was answered (the server's own words, which the
    doctor's "AWS says" line must repeat)."""
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
        return e.response["Error"]["Message"]
    raise AssertionError("the request was not refused")


def doctor(name, url, *args, exit_status, has=()):
    """Runs `gatehouse doctor URL ARGS` on the live data directory, checks its exit status and
    that its report has each of `has`, and compares the report with `doctor/NAME.txt`."""
    out = subprocess.run(
        [binary, "doctor", url, *args, "--data-dir", served.data, "--config", config],
        capture_output=True,
        text=True,
    )
    assert out.returncode == exit_status, (name, out.returncode, out.stdout, out.stderr)
    assert out.stderr == "", (name, out.stderr)
    for part in has:
        assert part in out.stdout, f"{name}: {part!r} not in:\n{out.stdout}"
    golden.check(name, f"$ gatehouse doctor {' '.join([url, *args])}\n{out.stdout}(exit status {out.returncode})\n")
    return out.stdout


served = Served(binary, work, config)
client = served.client
try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta_iam = client("iam", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")

    def alpha_user(name, *statements, **extra):
        """An IAM user of ALPHA with `statements` as its inline policy, and its S3 client."""
        iam.create_user(UserName=name, **extra)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="grants", PolicyDocument=policy(*statements))
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return k, client("s3", k["AccessKeyId"], k["SecretAccessKey"])

    def bucket(name, key="report.csv", **extra):
        alpha.create_bucket(Bucket=name, **extra)
        alpha.put_object(Bucket=name, Key=key, Body=b"q3")

    # The plain case: the identity policy allows the read, S3 answers 200.
    bucket("plain")
    k, reader = alpha_user("reader", reads("plain"))
    reader_keys = (k["AccessKeyId"], k["SecretAccessKey"])
    assert status(lambda: reader.get_object(Bucket="plain", Key="report.csv")) == 200
    doctor("allowed", "s3://plain/report.csv", "--as", user(ALPHA, "reader"), exit_status=0,
           has=["ok   decision s3:GetObject on arn:aws:s3:::plain/report.csv: allowed"])

    # The commonest policy mistake: s3:GetObject on the bucket's ARN, which names no object.
    bucket("arn-mistake")
    _, mistaken = alpha_user("mistaken", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::arn-mistake"})
    says = refused(lambda: mistaken.get_object(Bucket="arn-mistake", Key="report.csv"))
    doctor("bucket-arn-without-star", "s3://arn-mistake/report.csv", "--as", user(ALPHA, "mistaken"), exit_status=1,
           has=[f"AWS says: {says}", "why not:", "arn:aws:s3:::arn-mistake, the bucket, not on its objects", "arn:aws:s3:::arn-mistake/*"])

    # A missing key read by a caller without s3:ListBucket: 403, not 404 (the server's message
    # names s3:ListBucket). The decision on s3:GetObject itself is an allow, so the doctor exits
    # 0 although its object step fails.
    bucket("no-listing")
    _, unlisted = alpha_user("unlisted", reads("no-listing"))
    says = refused(lambda: unlisted.get_object(Bucket="no-listing", Key="missing.csv"))
    assert "s3:ListBucket" in says, says
    doctor("missing-key-without-listbucket", "s3://no-listing/missing.csv", "--as", user(ALPHA, "unlisted"),
           exit_status=1, has=["FAIL object", "may not s3:ListBucket", "403 AccessDenied rather than reveal it",
                               "then: 404 NoSuchKey"])

    # A request signed for another region than the bucket's: the server answers 301
    # PermanentRedirect naming the bucket's region (boto3 would follow it, so it is signed by hand).
    request = AWSRequest(method="GET", url=f"{served.endpoint}/plain/report.csv")
    S3SigV4Auth(Credentials(*reader_keys), "s3", "eu-west-1").add_auth(request)
    try:
        urllib.request.urlopen(urllib.request.Request(request.url, headers=dict(request.headers)))
        raise AssertionError("a request signed for eu-west-1 was answered 200")
    except urllib.error.HTTPError as e:
        assert (e.code, e.headers["x-amz-bucket-region"]) == (301, "us-east-1"), (e.code, e.headers)
        assert "<Code>PermanentRedirect</Code>" in e.read().decode()
    doctor("region-mismatch", "s3://plain/report.csv", "--as", user(ALPHA, "reader"), "--region", "eu-west-1",
           exit_status=0, has=["FAIL region", "301 PermanentRedirect (x-amz-bucket-region: us-east-1)", "sign for us-east-1"])

    # An object BETA wrote into ALPHA's bucket without bucket-owner-full-control: BETA owns it,
    # and ALPHA's user is refused whatever ALPHA's policies say.
    alpha.create_bucket(Bucket="dropbox", ObjectOwnership="ObjectWriter")
    alpha.put_bucket_policy(Bucket="dropbox", Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"}, "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::dropbox/*"}))
    beta.put_object(Bucket="dropbox", Key="delivery.csv", Body=b"d")
    _, collector = alpha_user("collector", reads("dropbox"))
    says = refused(lambda: collector.get_object(Bucket="dropbox", Key="delivery.csv"))
    doctor("cross-account-object-without-bucket-owner-full-control", "s3://dropbox/delivery.csv",
           "--as", user(ALPHA, "collector"), exit_status=1,
           has=[f"AWS says: {says}", "bucket-owner-full-control", f"needs: the object's owner, account {BETA}"])

    # A public bucket (Block Public Access off for it): anyone may read unsigned, but a signed
    # request by BETA's user is judged by BETA's policies too, and it has none.
    bucket("public-site", key="index.html")
    alpha.delete_public_access_block(Bucket="public-site")
    alpha.put_bucket_policy(Bucket="public-site", Policy=policy(
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::public-site/*"}))
    beta_iam.create_user(UserName="visitor")
    k = beta_iam.create_access_key(UserName="visitor")["AccessKey"]
    visitor = client("s3", k["AccessKeyId"], k["SecretAccessKey"])
    says = refused(lambda: visitor.get_object(Bucket="public-site", Key="index.html"))
    unsigned = boto3.client("s3", endpoint_url=served.endpoint, region_name="us-east-1", config=botocore.config.Config(
        signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    assert status(lambda: unsigned.get_object(Bucket="public-site", Key="index.html")) == 200
    doctor("signed-cross-account-to-public-bucket", "s3://public-site/index.html", "--as", user(BETA, "visitor"),
           exit_status=1, has=[f"AWS says: {says}", "anonymous", "an unsigned request would be allowed"])
    doctor("anonymous-to-public-bucket", "s3://public-site/index.html", "--anonymous", exit_status=0,
           has=["ok   decision"])

    # SSE-KMS under a key whose policy names only its administrator: it does not delegate to
    # IAM (no statement for the account), so no identity policy can let anyone else decrypt.
    admin_keys, admin_s3 = alpha_user("key-admin", {"Effect": "Allow", "Action": ["kms:CreateKey", "s3:PutObject"], "Resource": "*"})
    admin_kms = client("kms", admin_keys["AccessKeyId"], admin_keys["SecretAccessKey"])
    key = admin_kms.create_key(Policy=policy(
        {"Sid": "KeyAdministrator", "Effect": "Allow", "Principal": {"AWS": user(ALPHA, "key-admin")},
         "Action": "kms:*", "Resource": "*"}))["KeyMetadata"]["Arn"]
    alpha.create_bucket(Bucket="vault")
    admin_s3.put_object(Bucket="vault", Key="secret.csv", Body=b"s", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    _, vaulted = alpha_user("vault-reader", {"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"})
    says = refused(lambda: vaulted.get_object(Bucket="vault", Key="secret.csv"))
    doctor("kms-key-policy-not-delegating", "s3://vault/secret.csv", "--as", user(ALPHA, "vault-reader"),
           exit_status=1, has=[says, "FAIL kms", "layer key"])

    # A permissions boundary that allows listing only: the identity policy's read is capped.
    bucket("bounded")
    iam.create_policy(PolicyName="only-lists", PolicyDocument=policy(
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))
    _, capped = alpha_user("capped", reads("bounded"),
                           PermissionsBoundary=f"arn:aws:iam::{ALPHA}:policy/only-lists")
    says = refused(lambda: capped.get_object(Bucket="bounded", Key="report.csv"))
    doctor("permissions-boundary", "s3://bounded/report.csv", "--as", user(ALPHA, "capped"), exit_status=1,
           has=[f"AWS says: {says}", "permissions_boundary"])

    # A role session whose session policy allows listing only: the role's read is capped.
    bucket("sessions")
    iam.create_role(RoleName="session-reader", AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="session-reader", PolicyName="reads", PolicyDocument=policy(reads("sessions")))
    # A root user may not assume a role: a user does.
    assumer, _ = alpha_user("assumer", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Resource": f"arn:aws:iam::{ALPHA}:role/session-reader"})
    sts = client("sts", assumer["AccessKeyId"], assumer["SecretAccessKey"])
    session = sts.assume_role(RoleArn=f"arn:aws:iam::{ALPHA}:role/session-reader", RoleSessionName="narrow",
                              Policy=policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))["Credentials"]
    narrow = boto3.client("s3", endpoint_url=served.endpoint, region_name="us-east-1",
                          aws_access_key_id=session["AccessKeyId"], aws_secret_access_key=session["SecretAccessKey"],
                          aws_session_token=session["SessionToken"],
                          config=botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    says = refused(lambda: narrow.get_object(Bucket="sessions", Key="report.csv"))
    doctor("session-policy", "s3://sessions/report.csv", "--access-key-id", session["AccessKeyId"], exit_status=1,
           has=[f"AWS says: {says}", "assumed-role/session-reader/narrow", "session"])

    # An identity allow on a condition the request does not meet: TLS only, asked over HTTP.
    bucket("tls-only")
    _, plain_http = alpha_user("plain-http", {**reads("tls-only"), "Sid": "OverTls",
                                              "Condition": {"Bool": {"aws:SecureTransport": "true"}}})
    says = refused(lambda: plain_http.get_object(Bucket="tls-only", Key="report.csv"))
    doctor("condition-not-met", "s3://tls-only/report.csv", "--as", user(ALPHA, "plain-http"), exit_status=1,
           has=[f"AWS says: {says}", "why not:", "aws:SecureTransport", '["false"]', "send the request over HTTPS",
                "no policy changes"])
    # The fix it names, taken: the same request over HTTPS is allowed.
    doctor("condition-met-over-https", "s3://tls-only/report.csv", "--as", user(ALPHA, "plain-http"), "--tls",
           exit_status=0, has=["allowed"])

    # A bucket policy's explicit deny beats the user's allow.
    # (The user exists first: a bucket policy naming an unknown principal is refused.)
    bucket("guarded")
    _, intern = alpha_user("intern", reads("guarded"))
    alpha.put_bucket_policy(Bucket="guarded", Policy=policy(
        {"Sid": "NoIntern", "Effect": "Deny", "Principal": {"AWS": user(ALPHA, "intern")}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::guarded/*"}))
    says = refused(lambda: intern.get_object(Bucket="guarded", Key="report.csv"))
    doctor("explicit-deny-in-bucket-policy", "s3://guarded/report.csv", "--as", user(ALPHA, "intern"), exit_status=1,
           has=[f"AWS says: {says}", "explicitDeny", "NoIntern"])

    # A service control policy: BETA joins ALPHA's organization and an SCP denies its reads,
    # though ALPHA's bucket grants BETA and BETA's user allows itself the read. Last, since it
    # changes what every BETA principal may do.
    bucket("shared")
    alpha.put_bucket_policy(Bucket="shared", Policy=policy(
        {"Sid": "BetaReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}))
    beta_iam.create_user(UserName="analyst")
    beta_iam.put_user_policy(UserName="analyst", PolicyName="grants", PolicyDocument=policy(reads("shared")))
    k = beta_iam.create_access_key(UserName="analyst")["AccessKey"]
    analyst = client("s3", k["AccessKeyId"], k["SecretAccessKey"])
    assert status(lambda: analyst.get_object(Bucket="shared", Key="report.csv")) == 200
    org, root_id = organization_with_beta(served, "SERVICE_CONTROL_POLICY")
    scp = org.create_policy(Name="no-reads", Description="", Type="SERVICE_CONTROL_POLICY", Content=policy(
        {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=BETA)
    says = refused(lambda: analyst.get_object(Bucket="shared", Key="report.csv"))
    doctor("scp-deny", "s3://shared/report.csv", "--as", user(BETA, "analyst"), exit_status=1,
           has=[f"AWS says: {says}", "scp", "NoReads", "needs: the organization's management account"])
finally:
    served.stop()
golden.finish()
print("passed")
