"""`gatehouse who-can` against the server's own answers: a directory with users (one through
a group, one only over TLS, one explicitly denied), a role, another account, an account outside
the directory and anonymous callers; who-can's list, and then each listed principal that has
credentials reads the object for real and each unlisted one is refused. Prints `passed`.
argv: the gatehouse binary, a work directory, the server config."""

import json
import os
import subprocess
import sys

import boto3

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from served import Served, status, policy  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
served = Served(binary, work, config)
client = served.client
BUCKET, KEY = "who-reads", "report.csv"
ALPHA, BETA, OUTSIDER = "111111111111", "222222222222", "999999999999"



def who_can(*extra):
    out = subprocess.run(
        [binary, "who-can", "s3:GetObject", f"s3://{BUCKET}/{KEY}", "--data-dir", served.data, *extra],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    alpha.create_bucket(Bucket=BUCKET)
    alpha.put_object(Bucket=BUCKET, Key=KEY, Body=b"q3")
    read = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}

    users = {}
    for name in ("grouped", "tls-only", "denied", "nobody", "operator"):
        iam.create_user(UserName=name)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        users[name] = client("s3", k["AccessKeyId"], k["SecretAccessKey"])
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="read", PolicyDocument=policy(read))
    iam.add_user_to_group(GroupName="readers", UserName="grouped")
    iam.add_user_to_group(GroupName="readers", UserName="denied")
    iam.put_user_policy(
        UserName="tls-only",
        PolicyName="read",
        PolicyDocument=policy({**read, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
    )
    iam.put_user_policy(
        UserName="operator",
        PolicyName="assume",
        PolicyDocument=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )
    iam.create_role(
        RoleName="auditor",
        AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"}, "Action": "sts:AssumeRole"}
        ),
    )
    alpha.put_bucket_policy(
        Bucket=BUCKET,
        Policy=policy(
            {
                "Sid": "Partners",
                "Effect": "Allow",
                "Principal": {"AWS": [BETA, f"arn:aws:iam::{OUTSIDER}:root"]},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            },
            {
                "Sid": "Auditor",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:role/auditor"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            },
            {
                "Sid": "NotDenied",
                "Effect": "Deny",
                "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/denied"},
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            },
        ),
    )

    answer = json.loads(who_can("--json"))
    allowed = {e["principal"]: e for e in answer["allowed"]}
    conditional = {e["principal"]: e for e in answer["conditional"]}
    user = lambda n: f"arn:aws:iam::{ALPHA}:user/{n}"
    assert set(allowed) == {
        f"arn:aws:iam::{ALPHA}:root",
        user("grouped"),
        f"arn:aws:iam::{ALPHA}:role/auditor",
        f"arn:aws:iam::{BETA}:root",
        f"arn:aws:iam::{OUTSIDER}:root",
    }, allowed
    assert set(conditional) == {user("tls-only")}, conditional
    assert answer["examined"] == 2 + 5 + 1 + 1 + 1, answer  # roots, users, role, outsider, anonymous
    grouped = allowed[user("grouped")]["granted_by"]
    assert [(g["layer"], g["policy"]) for g in grouped] == [
        ("identity", f"arn:aws:iam::{ALPHA}:group/readers#inline/read")
    ], grouped
    assert [g["statement"] for g in allowed[f"arn:aws:iam::{BETA}:root"]["granted_by"]] == ["Partners"]
    assert allowed[f"arn:aws:iam::{OUTSIDER}:root"]["kind"] == "account"
    tls = conditional[user("tls-only")]["granted_by"][0]["conditions"]
    assert tls == [{"key": "aws:SecureTransport", "operator": "Bool", "values": ["true"], "met": False}], tls

    # The human form says the same.
    text = who_can()
    assert "allowed: 5" in text and "allowed only when the conditions hold: 1" in text, text
    assert "when aws:SecureTransport Bool" in text, text

    # Against the server: the listed read, the unlisted are refused.
    k = iam.create_access_key(UserName="operator")["AccessKey"]
    sts = client("sts", k["AccessKeyId"], k["SecretAccessKey"])
    role = sts.assume_role(RoleArn=f"arn:aws:iam::{ALPHA}:role/auditor", RoleSessionName="audit")["Credentials"]
    auditor = boto3.client(
        "s3",
        endpoint_url=served.endpoint,
        region_name="us-east-1",
        aws_access_key_id=role["AccessKeyId"],
        aws_secret_access_key=role["SecretAccessKey"],
        aws_session_token=role["SessionToken"],
    )
    get = lambda s3: status(lambda: s3.get_object(Bucket=BUCKET, Key=KEY))
    for name, s3 in [("alpha", alpha), ("grouped", users["grouped"]), ("auditor", auditor), ("beta", beta)]:
        assert get(s3) == 200, name
    for name in ("tls-only", "denied", "nobody", "operator"):
        assert get(users[name]) == 403, name

    # A public grant: anonymous joins the list (Block Public Access is off for this bucket).
    alpha.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    alpha.put_bucket_policy(
        Bucket=BUCKET,
        Policy=policy({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}),
    )
    answer = json.loads(who_can("--json"))
    assert "anonymous" in {e["principal"] for e in answer["allowed"]}, answer
    print("passed")
finally:
    served.stop()
