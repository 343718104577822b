"""Drives the real binary: a running server, requests that fail, `gatehouse doctor` on the
server's live data directory, and each proposed fix applied through the real APIs — after
which the same request succeeds. Prints `passed` when every check holds. argv: the gatehouse
binary, a work directory, the server config."""

import json
import os
import signal
import subprocess
import sys

import boto3
import botocore

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
data = os.path.join(work, "data")
server = subprocess.Popen(
    [binary, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--config", config],
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)
endpoint = server.stdout.readline().strip().removeprefix("listening on ")
ALPHA, BETA = "111111111111", "222222222222"


def client(service, key, secret):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def status(fn):
    try:
        fn()
        return 200
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"]


def doctor(url, key, *extra):
    out = subprocess.run(
        [binary, "doctor", url, "--access-key-id", key, "--data-dir", data, "--json", *extra],
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout)
    assert out.returncode == (0 if report["allowed"] else 1), (out.returncode, report)
    return report


def step(report, name):
    return next(s for s in report["steps"] if s["step"] == name)


try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    alpha.create_bucket(Bucket="doctored")
    alpha.put_object(Bucket="doctored", Key="report.csv", Body=b"q3")
    iam.create_user(UserName="alice")
    keys = iam.create_access_key(UserName="alice")["AccessKey"]
    alice = client("s3", keys["AccessKeyId"], keys["SecretAccessKey"])

    # 1. Same account, no identity policy: one fix, an inline policy of the exact grant.
    read = lambda s3: s3.get_object(Bucket="doctored", Key="report.csv")
    assert status(lambda: read(alice)) == 403
    report = doctor("s3://doctored/report.csv", keys["AccessKeyId"])
    assert report["decision"]["denied_by"] == "identity", report
    [fix] = report["fixes"]
    assert fix["then"] == "allowed" and fix["needs"] is None, fix
    assert fix["statement"] == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::doctored/report.csv"}
    iam.put_user_policy(
        UserName="alice",
        PolicyName="doctor-fix",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [fix["statement"]]}),
    )
    assert status(lambda: read(alice)) == 200
    assert doctor("s3://doctored/report.csv", keys["AccessKeyId"])["allowed"]

    # 2. Cross-account, a bucket-policy deny: narrow the deny, then a grant by the bucket owner.
    deny = {"Sid": "NoBeta", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::doctored/*"}
    alpha.put_bucket_policy(Bucket="doctored", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    assert status(lambda: read(beta)) == 403
    report = doctor("s3://doctored/report.csv", "AKIABETAROOTEXAMPLE0")
    assert report["decision"]["decision"] == "explicitDeny" and report["decision"]["statement"] == "NoBeta", report
    first, second = report["fixes"]
    assert "NoBeta" in first["what"] and first["needs"].startswith("the bucket owner"), first
    assert second["then"] == "allowed" and second["statement"]["Principal"] == {"AWS": f"arn:aws:iam::{BETA}:root"}, second
    alpha.put_bucket_policy(Bucket="doctored", Policy=json.dumps({"Version": "2012-10-17", "Statement": [second["statement"]]}))
    assert status(lambda: read(beta)) == 200

    # 3. A missing key without s3:ListBucket is a 403; a region mismatch is named.
    report = doctor("s3://doctored/missing.csv", keys["AccessKeyId"], "--region", "eu-west-1")
    assert not step(report, "region")["ok"] and "PermanentRedirect" in step(report, "region")["finding"]
    assert "403 AccessDenied rather than reveal it" in step(report, "object")["finding"], report
    assert status(lambda: alice.get_object(Bucket="doctored", Key="missing.csv")) == 403

    # 3b. SSE-KMS: the object is read only if KMS lets the caller decrypt. First a key that
    # delegates to the account (the identity side is missing), then one that does not (the key
    # policy is).
    kms = client("kms", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    delegating = kms.create_key()["KeyMetadata"]["Arn"]
    alpha.put_object(Bucket="doctored", Key="report.csv", Body=b"q3", ServerSideEncryption="aws:kms", SSEKMSKeyId=delegating)
    assert status(lambda: read(alice)) == 403
    report = doctor("s3://doctored/report.csv", keys["AccessKeyId"])
    kms_step = step(report, "kms")
    assert not kms_step["ok"] and "layer identity" in kms_step["finding"], report
    [fix] = report["fixes"]
    assert fix["statement"] == {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": delegating} and fix["then"] == "allowed", fix
    iam.put_user_policy(UserName="alice", PolicyName="doctor-kms-fix",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [fix["statement"]]}))
    assert status(lambda: read(alice)) == 200
    admin = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"},
             "Action": ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:GenerateDataKey", "kms:ScheduleKeyDeletion"],
             "Resource": "*"}
    closed = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [admin]}))["KeyMetadata"]["Arn"]
    iam.put_user_policy(UserName="alice", PolicyName="doctor-kms-fix", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": closed}]}))
    alpha.put_object(Bucket="doctored", Key="report.csv", Body=b"q3", ServerSideEncryption="aws:kms", SSEKMSKeyId=closed)
    assert status(lambda: read(alice)) == 403
    report = doctor("s3://doctored/report.csv", keys["AccessKeyId"])
    assert "layer key" in step(report, "kms")["finding"], report
    [fix] = report["fixes"]
    assert fix["statement"]["Principal"] == {"AWS": f"arn:aws:iam::{ALPHA}:user/alice"} and fix["then"] == "allowed", fix
    kms.put_key_policy(KeyId=closed, PolicyName="default",
                       Policy=json.dumps({"Version": "2012-10-17", "Statement": [admin, fix["statement"]]}))
    assert status(lambda: read(alice)) == 200
    assert doctor("s3://doctored/report.csv", keys["AccessKeyId"])["allowed"]

    # 4. An unknown key stops at the caller.
    report = doctor("s3://doctored/report.csv", "AKIANOSUCHKEY0000000")
    assert not report["allowed"] and "InvalidAccessKeyId" in report["steps"][0]["finding"]
    human = subprocess.run(
        [binary, "doctor", "s3://doctored/report.csv", "--access-key-id", "AKIABETAROOTEXAMPLE0", "--data-dir", data],
        capture_output=True, text=True,
    )
    # BETA's bucket-policy grant stands, but the object is now sealed under a key that does not
    # name BETA: S3 allows, KMS refuses.
    assert human.returncode == 1, human.stdout
    assert "ok   decision s3:GetObject" in human.stdout and "FAIL kms" in human.stdout, human.stdout
    assert status(lambda: read(beta)) == 403
finally:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
print("passed")
