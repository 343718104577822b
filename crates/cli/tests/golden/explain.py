"""Golden tests of `gatehouse explain`'s report for a person: a real server, real requests made
with boto3 (refused by the identity layer; by a bucket policy's explicit deny on aws:SourceIp;
for want of the bucket owner's grant across accounts; by a service control policy; and one
allowed), then `gatehouse explain REQUEST-ID` on the server's data directory for each — polled
for up to 5 s, the audit trail being written asynchronously — and its output, with what is
random (request ids, timestamps, ...) normalized into placeholders, compared with
`golden/explain/NAME.txt`; a mismatch prints a unified diff and fails. Each file starts with the
request as made and the status it was answered. Run with GATEHOUSE_BLESS=1 in the environment
to (re)write the golden files instead of comparing — then read every changed file: it must say
what AWS would. Prints `passed`. argv: the gatehouse binary, a work directory, the server
config."""

import json
import os
import subprocess
import sys
import time

import botocore

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from served import Served, policy, organization_with_beta, ALPHA, BETA, reads  # noqa: E402
from compare import Golden  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
golden = Golden(os.path.join(HERE, "explain"))


def answered(fn):
    """(status, request id, error code and message or None) of a client call."""
    try:
        meta = fn()["ResponseMetadata"]
        return meta["HTTPStatusCode"], meta["RequestId"], None
    except botocore.exceptions.ClientError as e:
        meta, error = e.response["ResponseMetadata"], e.response["Error"]
        return meta["HTTPStatusCode"], meta["RequestId"], f"{error['Code']}: {error['Message']}"


def explain(request_id):
    """`gatehouse explain REQUEST-ID` once the trail has the request (within 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        out = subprocess.run(
            [binary, "explain", request_id, "--data-dir", served.data], capture_output=True, text=True
        )
        if out.returncode != 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert out.returncode == 0, (request_id, out.returncode, out.stdout, out.stderr)
    assert out.stderr == "", out.stderr
    return out.stdout


def case(name, what, fn, status, has=()):
    """Makes the request `fn` (described by `what`), checks the status it was answered, and
    compares `gatehouse explain` on its request id with `explain/NAME.txt`; the explanation
    must have each of `has` and repeat the error the client was given."""
    got, request_id, error = answered(fn)
    assert got == status, (name, got, error)
    text = explain(request_id)
    assert request_id in text, text
    for part in has + ((f"answered {status} {error}",) if error else (f"answered {status}\n",)):
        assert part in text, f"{name}: {part!r} not in:\n{text}"
    golden.check(name, f"# {what}: answered {status}\n$ gatehouse explain {request_id}\n{text}")


served = Served(binary, work, config)
client = served.client
try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta_iam = client("iam", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")

    def iam_user(iam, name, *statements):
        """An IAM user with `statements` as its inline policy, and its S3 client."""
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="grants", PolicyDocument=policy(*statements))
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return client("s3", k["AccessKeyId"], k["SecretAccessKey"])

    def bucket(name, *statements):
        alpha.create_bucket(Bucket=name)
        alpha.put_object(Bucket=name, Key="report.csv", Body=b"q3")
        if statements:
            alpha.put_bucket_policy(Bucket=name, Policy=policy(*statements))

    # Allowed: the user's identity policy grants the read.
    bucket("plain")
    reader = iam_user(iam, "reader", reads("plain"))
    case("allowed", "alpha's user reader reads s3://plain/report.csv, its policy allowing it",
         lambda: reader.get_object(Bucket="plain", Key="report.csv"), 200,
         has=("decision: allowed", "allowing statement: 0 of arn:aws:iam::111111111111:user/reader#inline/grants"))

    # The identity layer: a user with no policy at all.
    nobody = iam_user(iam, "nobody")
    case("identity-implicit-deny", "alpha's user nobody, without any policy, reads s3://plain/report.csv",
         lambda: nobody.get_object(Bucket="plain", Key="report.csv"), 403,
         has=("decision: implicitDeny", "denied by: identity"))

    # A bucket policy's explicit deny on aws:SourceIp: reads only from the office's network.
    remote = iam_user(iam, "remote", reads("office-only"))
    bucket("office-only", {"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::office-only/*",
                           "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}})
    case("bucket-policy-source-ip-deny", "alpha's user remote, allowed by its policy, reads s3://office-only/report.csv "
         "from 127.0.0.1; the bucket policy denies every address outside 203.0.113.0/24",
         lambda: remote.get_object(Bucket="office-only", Key="report.csv"), 403,
         has=("decision: explicitDeny", "denied by: resource", "OfficeOnly", "aws:SourceIp", "127.0.0.1"))

    # Across accounts, without the bucket owner's grant: BETA's user allows itself the read,
    # ALPHA's bucket has no policy.
    bucket("private")
    outsider = iam_user(beta_iam, "outsider", reads("private"))
    case("cross-account-missing-grant", "beta's user outsider, allowed by its own policy, reads alpha's "
         "s3://private/report.csv, whose bucket has no policy",
         lambda: outsider.get_object(Bucket="private", Key="report.csv"), 403,
         has=("decision: implicitDeny", "denied by: resource"))

    # A service control policy: BETA joins ALPHA's organization and an SCP denies its reads,
    # though both sides allow this one. Last, since it changes what every BETA principal may do.
    bucket("shared", {"Sid": "BetaReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"},
                      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"})
    analyst = iam_user(beta_iam, "analyst", reads("shared"))
    org, root_id = organization_with_beta(served, "SERVICE_CONTROL_POLICY")
    scp = org.create_policy(Name="no-reads", Description="", Type="SERVICE_CONTROL_POLICY", Content=policy(
        {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=BETA)
    case("scp-deny", "beta's user analyst, allowed by its policy and by alpha's bucket policy, reads "
         "s3://shared/report.csv; an SCP on beta denies s3:GetObject",
         lambda: analyst.get_object(Bucket="shared", Key="report.csv"), 403,
         has=("decision: explicitDeny", "denied by: scp", "NoReads"))
finally:
    served.stop()
golden.finish()
print("passed")
