"""Drives the real binary: a running server, requests that fail, `gatehouse doctor` on the
server's live data directory, and each proposed fix applied through the real APIs — after
which the same request succeeds. Prints `passed` when every check holds. argv: the gatehouse
binary, a work directory, the server config."""

import json
import os
import subprocess
import sys

import boto3
import botocore

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from served import Served, status, policy, organization_with_beta, ALPHA, BETA  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
served = Served(binary, work, config)
data, endpoint, client = served.data, served.endpoint, served.client



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
    # BETA's bucket-policy grant stands, but the key does not name BETA: S3 allows, KMS refuses.
    report = doctor("s3://doctored/report.csv", "AKIABETAROOTEXAMPLE0")
    assert step(report, "decision")["ok"] and not step(report, "kms")["ok"], report
    assert status(lambda: read(beta)) == 403

    # 3c. A permissions boundary: the identity policy allows, the boundary does not.
    alpha.put_object(Bucket="doctored", Key="plain.csv", Body=b"p")
    iam.create_policy(PolicyName="only-lists", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    boundary = f"arn:aws:iam::{ALPHA}:policy/only-lists"
    iam.create_user(UserName="bounded", PermissionsBoundary=boundary)
    iam.put_user_policy(UserName="bounded", PolicyName="reads", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::doctored/*"}]}))
    bounded_keys = iam.create_access_key(UserName="bounded")["AccessKey"]
    bounded = client("s3", bounded_keys["AccessKeyId"], bounded_keys["SecretAccessKey"])
    read_plain = lambda s3: s3.get_object(Bucket="doctored", Key="plain.csv")
    assert status(lambda: read_plain(bounded)) == 403
    report = doctor("s3://doctored/plain.csv", bounded_keys["AccessKeyId"])
    assert report["decision"]["denied_by"] == "permissions_boundary", report
    [fix] = report["fixes"]
    assert "permissions boundary" in fix["what"] and fix["then"] == "allowed", fix
    iam.create_policy_version(PolicyArn=boundary, SetAsDefault=True, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}, fix["statement"]]}))
    assert status(lambda: read_plain(bounded)) == 200

    # 3d. A session policy: the role allows, the session's policy does not.
    role_trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(role_trust))
    iam.put_role_policy(RoleName="reader", PolicyName="reads", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::doctored/*"}]}))
    iam.put_user_policy(UserName="alice", PolicyName="assume", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ALPHA}:role/reader"}]}))
    sts = client("sts", keys["AccessKeyId"], keys["SecretAccessKey"])
    session = sts.assume_role(RoleArn=f"arn:aws:iam::{ALPHA}:role/reader", RoleSessionName="narrow", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))["Credentials"]
    report = doctor("s3://doctored/plain.csv", session["AccessKeyId"])
    assert report["decision"]["denied_by"] == "session", report
    [fix] = report["fixes"]
    assert "assume the role again" in fix["what"] and fix["then"] == "allowed", fix
    again = sts.assume_role(RoleArn=f"arn:aws:iam::{ALPHA}:role/reader", RoleSessionName="wider", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}, fix["statement"]]}))["Credentials"]
    wider = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=again["AccessKeyId"],
                         aws_secret_access_key=again["SecretAccessKey"], aws_session_token=again["SessionToken"],
                         config=botocore.config.Config(s3={"addressing_style": "path"}))
    assert status(lambda: read_plain(wider)) == 200

    # 3e. A service control policy: BETA joins ALPHA's organization, an SCP denies its reads.
    org, root_id = organization_with_beta(served, "SERVICE_CONTROL_POLICY")
    scp = org.create_policy(Name="no-reads", Description="", Type="SERVICE_CONTROL_POLICY", Content=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=BETA)
    alpha.put_bucket_policy(Bucket="doctored", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::doctored/plain.csv"}]}))
    assert status(lambda: read_plain(beta)) == 403
    report = doctor("s3://doctored/plain.csv", "AKIABETAROOTEXAMPLE0")
    assert report["decision"]["denied_by"] == "scp" and report["decision"]["statement"] == "NoReads", report
    assert report["fixes"][0]["needs"] == "the organization's management account" and report["fixes"][0]["then"] == "allowed", report
    org.detach_policy(PolicyId=scp, TargetId=BETA)
    assert status(lambda: read_plain(beta)) == 200
    org.remove_account_from_organization(AccountId=BETA)
    org.delete_policy(PolicyId=scp)
    org.delete_organization()

    # 3f. An object another account wrote without bucket-owner-full-control: only its owner
    # can let the bucket owner's users read it.
    alpha.create_bucket(Bucket="dropbox", ObjectOwnership="ObjectWriter")
    alpha.put_bucket_policy(Bucket="dropbox", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::dropbox/*"}]}))
    beta.put_object(Bucket="dropbox", Key="delivery.csv", Body=b"d")
    iam.create_user(UserName="collector")
    iam.put_user_policy(UserName="collector", PolicyName="reads", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dropbox/*"}]}))
    collector_keys = iam.create_access_key(UserName="collector")["AccessKey"]
    collector = client("s3", collector_keys["AccessKeyId"], collector_keys["SecretAccessKey"])
    fetch = lambda: collector.get_object(Bucket="dropbox", Key="delivery.csv")
    assert status(fetch) == 403
    report = doctor("s3://dropbox/delivery.csv", collector_keys["AccessKeyId"])
    assert report["decision"]["denied_by"] == "acl", report
    [fix] = report["fixes"]
    assert "bucket-owner-full-control" in fix["what"] and fix["needs"] == f"the object's owner, account {BETA}", fix
    assert fix["then"] == "allowed", fix
    beta.put_object_acl(Bucket="dropbox", Key="delivery.csv", ACL="bucket-owner-full-control")
    assert status(fetch) == 200

    # 3g. A public ACL grant that IgnorePublicAcls sets aside: grant the reader by name instead
    # of making the bucket public again.
    alpha.create_bucket(Bucket="public-site", ObjectOwnership="BucketOwnerPreferred")
    alpha.delete_public_access_block(Bucket="public-site")
    alpha.put_object(Bucket="public-site", Key="index.html", Body=b"hi", ACL="public-read")
    page = lambda: beta.get_object(Bucket="public-site", Key="index.html")
    assert status(page) == 200
    alpha.put_public_access_block(Bucket="public-site", PublicAccessBlockConfiguration={
        "IgnorePublicAcls": True, "BlockPublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    assert status(page) == 403
    report = doctor("s3://public-site/index.html", "AKIABETAROOTEXAMPLE0")
    assert report["decision"]["denied_by"] == "s3_block_public_access", report
    [fix] = report["fixes"]
    assert "instead of turning it off" in fix["what"] and fix["then"] == "allowed", fix
    alpha.put_bucket_policy(Bucket="public-site", Policy=json.dumps({"Version": "2012-10-17", "Statement": [fix["statement"]]}))
    assert status(page) == 200

    # 4. An unknown key stops at the caller.
    report = doctor("s3://doctored/report.csv", "AKIANOSUCHKEY0000000")
    assert not report["allowed"] and "InvalidAccessKeyId" in report["steps"][0]["finding"]
    human = subprocess.run(
        [binary, "doctor", "s3://doctored/report.csv", "--access-key-id", "AKIABETAROOTEXAMPLE0", "--data-dir", data],
        capture_output=True, text=True,
    )
    # The bucket policy now names plain.csv only: the human report shows the failing decision
    # and its fix.
    assert human.returncode == 1, human.stdout
    assert "FAIL decision s3:GetObject" in human.stdout and "fix 1: add to the bucket policy of doctored" in human.stdout, human.stdout
    assert status(lambda: read(beta)) == 403
finally:
    served.stop()
print("passed")
