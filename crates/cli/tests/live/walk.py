"""Drives `gatehouse doctor --live` end to end: a real server, a 403 set up through the real
APIs for each layer the server implements, the walk run against the server's endpoint with the
caller's own credentials (the SDK's chain, from the environment only), and then the walk's fix
applied through the real APIs by whoever it says must apply it — after which the request
answers 200. Where a caller cannot read a layer (the bucket policy, IAM, another account's
bucket, a key policy, an object ACL, the organization's policies, a session policy) the walk
must say so — that layer a suspect, first when AWS's message names it — rather than blame a
layer it could read. Every walk is checked read-only: each call it lists is a Get, List, Head,
Describe or Simulate operation of its own plan, and the server's state (buckets, objects,
ACLs, IAM, keys, the organization) is the same after it. `--dry-run` makes no call at all.
Prints `passed` when every check holds. argv: the gatehouse binary, a work directory, the
server config."""

import json
import os
import re
import socket
import subprocess
import sys

import boto3
import botocore

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from served import Served, status, policy, organization_with_beta, ALPHA, BETA  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
NOWHERE = os.path.join(work, "no-aws-config-here")

# What each caller is given to see its own layers (not in the partial-visibility scenarios).
LOOK = {
    "Sid": "Look",
    "Effect": "Allow",
    "Action": ["iam:Get*", "iam:List*", "iam:SimulatePrincipalPolicy", "s3:GetBucket*", "s3:GetObjectAcl",
               "s3:ListAllMyBuckets", "s3:ListBucket", "kms:GetKeyPolicy", "organizations:Describe*",
               "organizations:List*"],
    "Resource": "*",
}
# The same without IAM: a caller who cannot read its own policies.
S3_LOOK = {"Sid": "S3Look", "Effect": "Allow", "Resource": "*",
           "Action": ["s3:GetBucket*", "s3:GetObjectAcl", "s3:ListAllMyBuckets", "s3:ListBucket"]}
READ_ONLY = re.compile(r"(Get|List|Head|Describe|Simulate)[A-Za-z0-9]*")
SERVICES = r"(?:sts|s3|iam|kms|organizations)"


def get(bucket):
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}


class Caller:
    """Credentials, as boto3 clients and as the environment the walk's SDK chain reads."""

    def __init__(self, key, secret, token=None):
        self.key, self.secret, self.token = key, secret, token

    def client(self, service):
        return boto3.client(
            service,
            endpoint_url=served.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.key,
            aws_secret_access_key=self.secret,
            aws_session_token=self.token,
            config=botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    def env(self):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": work,
            "AWS_ACCESS_KEY_ID": self.key,
            "AWS_SECRET_ACCESS_KEY": self.secret,
            "AWS_REGION": "us-east-1",
            # Nothing of the host's AWS configuration may reach the walk.
            "AWS_CONFIG_FILE": NOWHERE,
            "AWS_SHARED_CREDENTIALS_FILE": NOWHERE,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        if self.token:
            env["AWS_SESSION_TOKEN"] = self.token
        return env

    def reads(self, bucket, key):
        """The status of the request under examination: GetObject."""
        return status(lambda: self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def user(root, name, *statements, look=True, **create):
    """An IAM user of `root`'s account with LOOK (unless told not) and `statements`."""
    iam = root.client("iam")
    iam.create_user(UserName=name, **create)
    if look:
        iam.put_user_policy(UserName=name, PolicyName="walk-reads", PolicyDocument=policy(LOOK))
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="work", PolicyDocument=policy(*statements))
    keys = iam.create_access_key(UserName=name)["AccessKey"]
    return Caller(keys["AccessKeyId"], keys["SecretAccessKey"])


def statements_of(s3, bucket):
    try:
        return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchBucketPolicy", e
        return []


def add_to_bucket_policy(s3, bucket, statement):
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(*statements_of(s3, bucket), statement))


def remove_from_bucket_policy(s3, bucket, sid):
    kept = [s for s in statements_of(s3, bucket) if s.get("Sid") != sid]
    assert len(kept) < len(statements_of(s3, bucket)), (bucket, sid)
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(*kept))


# --- read-only by construction -----------------------------------------------------------


def planned_operations(text):
    """The operations a `--dry-run` plan lists ("s3 GetBucketPolicy, GetBucketAcl ...")."""
    ops = set()
    for line in text.splitlines():
        for group in re.findall(SERVICES + r" ([A-Z]\w+(?:, [A-Z]\w+)*)", line):
            ops.update(group.split(", "))
    return ops


def dry_run(url, caller, endpoint):
    out = subprocess.run(
        [binary, "doctor", url, "--live", "--endpoint-url", endpoint, "--dry-run"],
        env=caller.env(), capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
    ops = planned_operations(out.stdout)
    assert {"GetCallerIdentity", "HeadObject", "GetObject", "GetBucketPolicy", "GetObjectAcl", "GetKeyPolicy",
            "ListPoliciesForTarget", "SimulatePrincipalPolicy"} <= ops, out.stdout
    assert all(READ_ONLY.fullmatch(op) for op in ops), ops
    return ops


def attempt(fn):
    try:
        return fn()
    except botocore.exceptions.ClientError as e:
        return ("error", e.response["Error"]["Code"])


def state():
    """All a walk could change, read by the accounts' roots: each bucket's policy, ACL, Object
    Ownership and Block Public Access; each object's ETag, size, date and ACL; the users, roles
    and customer managed policies of both accounts with their documents; every key's policy;
    the organization's policies and where they are attached."""
    roots = (ALPHA_ROOT, BETA_ROOT)
    snap = {}
    for root in roots:
        s3, iam = root.client("s3"), root.client("iam")
        for b in s3.list_buckets()["Buckets"]:
            name = b["Name"]
            acl = attempt(lambda: s3.get_bucket_acl(Bucket=name))
            snap[f"bucket {name}"] = (
                attempt(lambda: s3.get_bucket_policy(Bucket=name)["Policy"]),
                acl if isinstance(acl, tuple) else (acl["Owner"], acl["Grants"]),
                attempt(lambda: s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]),
                attempt(lambda: s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]),
            )
            for o in s3.list_objects_v2(Bucket=name).get("Contents", []):
                key = o["Key"]
                acls = [attempt(lambda r=r: r.client("s3").get_object_acl(Bucket=name, Key=key)["Grants"]) for r in roots]
                snap[f"object {name}/{key}"] = (o["ETag"], o["Size"], str(o["LastModified"]), acls)
        for u in iam.list_users()["Users"]:
            name = u["UserName"]
            inline = {p: iam.get_user_policy(UserName=name, PolicyName=p)["PolicyDocument"]
                      for p in iam.list_user_policies(UserName=name)["PolicyNames"]}
            attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
            keys = [k["AccessKeyId"] + k["Status"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]]
            snap[f"user {u['Arn']}"] = (inline, attached, iam.get_user(UserName=name)["User"].get("PermissionsBoundary"), keys)
        for r in iam.list_roles()["Roles"]:
            name = r["RoleName"]
            inline = {p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                      for p in iam.list_role_policies(RoleName=name)["PolicyNames"]}
            snap[f"role {r['Arn']}"] = (inline, iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"],
                                        iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"])
        for p in iam.list_policies(Scope="Local")["Policies"]:
            version = iam.get_policy_version(PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"])["PolicyVersion"]
            snap[f"policy {p['Arn']}"] = (p["DefaultVersionId"], p["AttachmentCount"], version["Document"])
        kms = root.client("kms")
        for k in kms.list_keys()["Keys"]:
            snap[f"key {k['KeyArn']}"] = attempt(lambda: kms.get_key_policy(KeyId=k["KeyId"], PolicyName="default")["Policy"])
    org = ALPHA_ROOT.client("organizations")
    snap["organization"] = attempt(lambda: org.describe_organization()["Organization"])
    if not isinstance(snap["organization"], tuple):
        for kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            listed = attempt(lambda: org.list_policies(Filter=kind)["Policies"])
            snap[f"org policies {kind}"] = listed
            for p in listed if isinstance(listed, list) else []:
                snap[f"org policy {p['Id']}"] = (
                    org.describe_policy(PolicyId=p["Id"])["Policy"]["Content"],
                    sorted(t["TargetId"] for t in org.list_targets_for_policy(PolicyId=p["Id"])["Targets"]),
                )
    return snap


def walk(url, caller, *extra):
    """`doctor URL --live` as `caller`, checked: exit status 1 exactly when it says denied,
    every call read-only and of its plan, and nothing on the server changed by it."""
    before = state()
    out = subprocess.run(
        [binary, "doctor", url, "--live", "--endpoint-url", served.endpoint, "--json", *extra],
        env=caller.env(), capture_output=True, text=True, timeout=300,
    )
    assert out.returncode in (0, 1), (out.returncode, out.stdout, out.stderr)
    report = json.loads(out.stdout)
    assert out.returncode == (1 if report["denied"] else 0), (out.returncode, report)
    assert report["allowed"] == (not report["denied"]), report
    calls = report["calls"]
    assert calls and calls[0]["call"] == "sts GetCallerIdentity", calls
    for c in calls:
        service, operation = c["call"].split(" ")[:2]
        assert re.fullmatch(SERVICES, service) and READ_ONLY.fullmatch(operation), f"a write: {c}"
        assert operation in PLANNED, f"a call not in the --dry-run plan: {c}"
    assert state() == before, f"the walk of {url} changed the server's state"
    return report


def named(report):
    """The layer the walk names: the engine's, the KMS step's, else the likeliest suspect,
    else the one AWS's message names."""
    if report["decision"]["denied_by"]:
        return report["decision"]["denied_by"]
    kms = [s for s in report["steps"] if s["step"] == "kms" and not s["ok"]]
    if kms:
        return re.search(r"\((\w+)\)", kms[0]["finding"]).group(1)
    if report["suspects"]:
        return report["suspects"][0]["layer"]
    return (report["observed"]["named_layer"] or [None])[0]


def step(report, name):
    return next(s for s in report["steps"] if s["step"] == name)


def called(report, call, target):
    return next(c for c in report["calls"] if c["call"] == call and c["target"] == target)


def allowed_again(url, caller, bucket, key):
    """After the fix: the request answers 200, and a new walk says so (exit 0)."""
    assert caller.reads(bucket, key) == 200, (bucket, key)
    report = walk(url, caller)
    assert not report["denied"] and report["observed"]["status"] == 206 and not report["fixes"], report
    return report


served = Served(binary, work, config)
try:
    ALPHA_ROOT = Caller("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    BETA_ROOT = Caller("AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    alpha, beta = ALPHA_ROOT.client("s3"), BETA_ROOT.client("s3")
    alpha_iam = ALPHA_ROOT.client("iam")

    # 0. --dry-run makes no call: not to a port nothing listens on, not to one that would
    # accept. Its plan is every operation a walk may call, all read-only.
    dry_run("s3://walked/report.csv", Caller("AKIANOSUCHKEY0000000", "bogus"), "http://127.0.0.1:9")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        PLANNED = dry_run("s3://walked/report.csv", ALPHA_ROOT, f"http://127.0.0.1:{listener.getsockname()[1]}")
        listener.setblocking(False)
        try:
            listener.accept()
            raise AssertionError("--dry-run connected to the endpoint")
        except BlockingIOError:
            pass

    for bucket in ("walked", "denying", "guarded", "granted", "shared", "vault"):
        alpha.create_bucket(Bucket=bucket)
        alpha.put_object(Bucket=bucket, Key="report.csv", Body=b"q3")

    # 1. identity: no identity policy grants the read; the walk names it, AWS's message agrees,
    # and the exact grant, put as an inline policy, turns the 403 into a 200.
    alice = user(ALPHA_ROOT, "alice")
    assert alice.reads("walked", "report.csv") == 403
    report = walk("s3://walked/report.csv", alice)
    assert named(report) == "identity" and report["decision"]["decision"] == "implicitDeny", report
    assert report["observed"]["named_layer"] == ["identity", False] and step(report, "verdict")["ok"], report
    assert report["observed"]["head_status"] == 403 and report["observed"]["exists"] is True, report
    assert not report["suspects"], report
    fix = report["fixes"][0]
    assert fix["needs"] is None and fix["then"] == "allowed", fix
    assert fix["statement"] == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::walked/report.csv"}, fix
    alpha_iam.put_user_policy(UserName="alice", PolicyName="doctor-fix", PolicyDocument=policy(fix["statement"]))
    allowed_again("s3://walked/report.csv", alice, "walked", "report.csv")

    # 2. resource: the bucket policy denies the caller by name; the fix narrows that statement,
    # in the caller's own account.
    dan = user(ALPHA_ROOT, "dan", get("denying"))
    alpha.put_bucket_policy(Bucket="denying", Policy=policy(
        {"Sid": "OwnerReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"},
         "Action": "s3:GetBucketPolicy", "Resource": "arn:aws:s3:::denying"},
        {"Sid": "NoDan", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/dan"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::denying/*"}))
    assert dan.reads("denying", "report.csv") == 403
    report = walk("s3://denying/report.csv", dan)
    decision = report["decision"]
    assert named(report) == "resource" and decision["decision"] == "explicitDeny", report
    assert decision["statement"] == "NoDan" and decision["policy"] == "arn:aws:s3:::denying", report
    assert report["observed"]["named_layer"] == ["resource", True] and step(report, "verdict")["ok"], report
    fix = report["fixes"][0]
    assert "NoDan" in fix["what"] and fix["needs"] is None and fix["then"] == "allowed", fix
    remove_from_bucket_policy(alpha, "denying", "NoDan")
    allowed_again("s3://denying/report.csv", dan, "denying", "report.csv")

    # 3. resource, across accounts: BETA's user may read the bucket's settings (the bucket
    # owner let it) but nothing grants the read. S3's message to another account is the plain
    # one; the walk still names the bucket policy, and the bucket owner must apply the grant.
    bob = user(BETA_ROOT, "bob", get("shared"))
    bob_arn = f"arn:aws:iam::{BETA}:user/bob"
    alpha.put_bucket_policy(Bucket="shared", Policy=policy(
        {"Sid": "BobLooks", "Effect": "Allow", "Principal": {"AWS": bob_arn},
         "Action": ["s3:GetBucket*", "s3:ListBucket", "s3:GetObjectAcl"],
         "Resource": ["arn:aws:s3:::shared", "arn:aws:s3:::shared/*"]}))
    assert bob.reads("shared", "report.csv") == 403
    report = walk("s3://shared/report.csv", bob)
    assert named(report) == "resource" and report["decision"]["decision"] == "implicitDeny", report
    assert report["observed"]["message"] == "Access Denied" and report["observed"]["named_layer"] is None, report
    fix = report["fixes"][0]
    assert fix["needs"].startswith("the bucket owner") and fix["then"] == "allowed", fix
    assert fix["statement"]["Principal"] == {"AWS": bob_arn} and fix["statement"]["Action"] == "s3:GetObject", fix
    add_to_bucket_policy(alpha, "shared", fix["statement"])  # as the bucket owner
    allowed_again("s3://shared/report.csv", bob, "shared", "report.csv")

    # 4. partial visibility, another account: BETA's carl can read nothing of ALPHA's bucket.
    # His own identity policy (read, and allowing) is not blamed: the bucket policy, which he
    # cannot read, is the first suspect.
    carl = user(BETA_ROOT, "carl", get("shared"))
    carl_arn = f"arn:aws:iam::{BETA}:user/carl"
    assert carl.reads("shared", "report.csv") == 403
    report = walk("s3://shared/report.csv", carl)
    assert report["decision"]["denied_by"] is None and report["decision"]["policy"].startswith(carl_arn), report
    assert named(report) == "resource" and "not readable" in report["suspects"][0]["why"], report
    assert called(report, "s3 GetBucketPolicy", "shared")["outcome"].startswith("403"), report
    assert not step(report, "verdict")["ok"] and not report["fixes"], report
    add_to_bucket_policy(alpha, "shared", {"Effect": "Allow", "Principal": {"AWS": carl_arn}, "Action": "s3:GetObject",
                                           "Resource": "arn:aws:s3:::shared/report.csv"})
    allowed_again("s3://shared/report.csv", carl, "shared", "report.csv")

    # 5. partial visibility, the bucket policy: pat may not read it, and it denies him.
    pat = user(ALPHA_ROOT, "pat", get("guarded"), {"Effect": "Deny", "Action": "s3:GetBucketPolicy", "Resource": "*"})
    alpha.put_bucket_policy(Bucket="guarded", Policy=policy(
        {"Sid": "OwnerReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"},
         "Action": "s3:GetBucketPolicy", "Resource": "arn:aws:s3:::guarded"},
        {"Sid": "NoPat", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/pat"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::guarded/*"}))
    assert pat.reads("guarded", "report.csv") == 403
    report = walk("s3://guarded/report.csv", pat)
    assert report["decision"]["denied_by"] is None, report
    assert report["observed"]["named_layer"] == ["resource", True], report
    assert named(report) == "resource" and "not readable" in report["suspects"][0]["why"], report
    remove_from_bucket_policy(alpha, "guarded", "NoPat")
    allowed_again("s3://guarded/report.csv", pat, "guarded", "report.csv")

    # 6. partial visibility, IAM: ivy cannot read her own policies; one of them denies the read
    # that the (readable) bucket policy grants. The bucket policy is not blamed; IAM is the
    # first suspect, as AWS's message says.
    ivy = user(ALPHA_ROOT, "ivy", S3_LOOK, {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}, look=False)
    alpha.put_bucket_policy(Bucket="granted", Policy=policy(
        {"Sid": "Ivy", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/ivy"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::granted/*"}))
    assert ivy.reads("granted", "report.csv") == 403
    report = walk("s3://granted/report.csv", ivy)
    assert report["decision"]["denied_by"] is None and report["decision"]["statement"] == "Ivy", report
    assert report["observed"]["named_layer"] == ["identity", True], report
    assert named(report) == "identity" and "iam:GetUser" in report["suspects"][0]["why"], report
    assert called(report, "iam GetUser", "ivy")["outcome"].startswith("403"), report
    alpha_iam.put_user_policy(UserName="ivy", PolicyName="work", PolicyDocument=policy(S3_LOOK))
    allowed_again("s3://granted/report.csv", ivy, "granted", "report.csv")
    # 6b. Without the bucket policy nothing grants: the engine's identity verdict rests on
    # policies it could not read, and says so; its fix works. Afterwards the read succeeds
    # while IAM is still unreadable: the walk reports access, not the engine's blind guess.
    alpha.delete_bucket_policy(Bucket="granted")
    assert ivy.reads("granted", "report.csv") == 403
    report = walk("s3://granted/report.csv", ivy)
    assert named(report) == "identity" and report["suspects"][0]["layer"] == "identity", report
    assert not step(report, "verdict")["ok"], report
    fix = report["fixes"][0]
    assert fix["then"] == "allowed" and fix["needs"] is None, fix
    alpha_iam.put_user_policy(UserName="ivy", PolicyName="doctor-fix", PolicyDocument=policy(fix["statement"]))
    report = allowed_again("s3://granted/report.csv", ivy, "granted", "report.csv")
    assert step(report, "verdict")["ok"] and "could not be read" in step(report, "verdict")["finding"], report

    # 7. key: an SSE-KMS object whose key policy does not let the caller decrypt. HEAD is
    # refused alike, so the key is learned from AWS's message; the fix is the key owner's.
    kms = ALPHA_ROOT.client("kms")
    admin = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"},
             "Action": ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:GenerateDataKey",
                        "kms:ScheduleKeyDeletion"], "Resource": "*"}
    kay_looks = {"Sid": "KayLooks", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/kay"},
                 "Action": "kms:GetKeyPolicy", "Resource": "*"}
    key = kms.create_key(Policy=policy(admin, kay_looks))["KeyMetadata"]["Arn"]
    alpha.put_object(Bucket="vault", Key="secret.csv", Body=b"s", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    decrypt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    kay = user(ALPHA_ROOT, "kay", get("vault"), decrypt)
    assert kay.reads("vault", "report.csv") == 200 and kay.reads("vault", "secret.csv") == 403
    report = walk("s3://vault/secret.csv", kay)
    assert report["observed"]["kms_key"] == key and report["observed"]["named_layer"] == ["key", False], report
    assert named(report) == "key" and not step(report, "kms")["ok"] and step(report, "verdict")["ok"], report
    fix = report["fixes"][0]
    assert fix["statement"] == {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key,
                                "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/kay"}}, fix
    assert fix["needs"] is None and fix["then"] == "allowed", fix
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy(admin, kay_looks, fix["statement"]))
    allowed_again("s3://vault/secret.csv", kay, "vault", "secret.csv")
    # 7b. partial visibility, the key policy: kim may not read it (the key policy delegates to
    # IAM, and her identity policies leave kms:GetKeyPolicy out).
    no_key_reads = dict(LOOK, Action=[a for a in LOOK["Action"] if not a.startswith("kms:")])
    kim = user(ALPHA_ROOT, "kim", no_key_reads, get("vault"), decrypt, look=False)
    assert kim.reads("vault", "secret.csv") == 403
    report = walk("s3://vault/secret.csv", kim)
    assert report["decision"]["denied_by"] is None and named(report) == "key", report
    assert report["suspects"] and "not readable" in report["suspects"][0]["why"], report
    assert called(report, "kms GetKeyPolicy", key)["outcome"].startswith("400"), report
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy(admin, kay_looks, fix["statement"], {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/kim"}, "Action": "kms:Decrypt", "Resource": "*"}))
    allowed_again("s3://vault/secret.csv", kim, "vault", "secret.csv")

    # 8. permissions boundary: the identity policy allows, the boundary (the reads only) does not.
    alpha_iam.create_policy(PolicyName="reads-only", PolicyDocument=policy(LOOK))
    boundary = f"arn:aws:iam::{ALPHA}:policy/reads-only"
    bea = user(ALPHA_ROOT, "bea", get("walked"), PermissionsBoundary=boundary)
    assert bea.reads("walked", "report.csv") == 403
    report = walk("s3://walked/report.csv", bea)
    assert named(report) == "permissions_boundary", report
    assert report["observed"]["named_layer"] == ["permissions_boundary", False] and step(report, "verdict")["ok"], report
    fix = report["fixes"][0]
    assert "permissions boundary" in fix["what"] and fix["needs"] is None and fix["then"] == "allowed", fix
    alpha_iam.create_policy_version(PolicyArn=boundary, SetAsDefault=True, PolicyDocument=policy(LOOK, fix["statement"]))
    allowed_again("s3://walked/report.csv", bea, "walked", "report.csv")

    # 9. session policy: the role allows, the session's own policy (never readable) does not.
    alpha_iam.create_role(RoleName="reader", AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:root"}, "Action": "sts:AssumeRole"}))
    alpha_iam.put_role_policy(RoleName="reader", PolicyName="reads", PolicyDocument=policy(LOOK, get("walked")))
    sam = user(ALPHA_ROOT, "sam", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ALPHA}:role/reader"})

    def session(name, *statements):
        c = sam.client("sts").assume_role(RoleArn=f"arn:aws:iam::{ALPHA}:role/reader", RoleSessionName=name,
                                          Policy=policy(*statements))["Credentials"]
        return Caller(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    narrow = session("narrow", LOOK)
    assert narrow.reads("walked", "report.csv") == 403
    report = walk("s3://walked/report.csv", narrow)
    assert report["caller"]["kind"] == "assumed-role" and report["decision"]["denied_by"] is None, report
    assert report["decision"]["policy"] == f"arn:aws:iam::{ALPHA}:role/reader#inline/reads", report
    assert report["observed"]["named_layer"] == ["session", False] and named(report) == "session", report
    wider = session("wider", LOOK, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::walked/report.csv"})
    allowed_again("s3://walked/report.csv", wider, "walked", "report.csv")

    # 10. object ACL: BETA wrote the object into ALPHA's ObjectWriter bucket and owns it; it let
    # ALPHA read the ACL but not the object. The fix is the object owner's.
    alpha.create_bucket(Bucket="dropbox", ObjectOwnership="ObjectWriter")
    alpha.put_bucket_policy(Bucket="dropbox", Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"}, "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::dropbox/*"}))
    alpha_canonical = alpha.list_buckets()["Owner"]["ID"]
    beta.put_object(Bucket="dropbox", Key="delivery.csv", Body=b"d", GrantReadACP=f"id={alpha_canonical}")
    beta.put_object(Bucket="dropbox", Key="hidden.csv", Body=b"h")
    col = user(ALPHA_ROOT, "col", get("dropbox"))
    assert col.reads("dropbox", "delivery.csv") == 403
    report = walk("s3://dropbox/delivery.csv", col)
    assert named(report) == "acl" and step(report, "verdict")["ok"], report
    fix = report["fixes"][0]
    assert fix["needs"].startswith("the object's owner") and "bucket-owner-full-control" in fix["what"], fix
    assert fix["then"] == "allowed", fix
    beta.put_object_acl(Bucket="dropbox", Key="delivery.csv", ACL="bucket-owner-full-control")  # as the object's owner
    allowed_again("s3://dropbox/delivery.csv", col, "dropbox", "delivery.csv")
    # 10b. partial visibility, the object ACL: not even readable by the bucket owner's users.
    assert col.reads("dropbox", "hidden.csv") == 403
    report = walk("s3://dropbox/hidden.csv", col)
    assert report["decision"]["denied_by"] is None and named(report) == "acl", report
    assert called(report, "s3 GetObjectAcl", "dropbox/hidden.csv")["outcome"].startswith("403"), report
    beta.put_object_acl(Bucket="dropbox", Key="hidden.csv", ACL="bucket-owner-full-control")
    allowed_again("s3://dropbox/hidden.csv", col, "dropbox", "hidden.csv")

    # 11. Block Public Access: vic relied on a public-read object ACL that IgnorePublicAcls now
    # sets aside. S3 shows the effective ACL (no public grant), so the engine sees no grant at
    # all (identity); AWS's message names a resource-based policy, and the walk puts Block
    # Public Access first among what it cannot see. Its fix, a grant by name, works.
    alpha.create_bucket(Bucket="public-site", ObjectOwnership="BucketOwnerPreferred")
    alpha.delete_public_access_block(Bucket="public-site")
    alpha.put_object(Bucket="public-site", Key="index.html", Body=b"hi", ACL="public-read")
    vic = user(ALPHA_ROOT, "vic")
    assert vic.reads("public-site", "index.html") == 200
    alpha.put_public_access_block(Bucket="public-site", PublicAccessBlockConfiguration={
        "IgnorePublicAcls": True, "BlockPublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    assert vic.reads("public-site", "index.html") == 403
    report = walk("s3://public-site/index.html", vic)
    assert report["observed"]["named_layer"] == ["resource", False] and not step(report, "verdict")["ok"], report
    assert report["suspects"][0]["layer"] == "s3_block_public_access", report
    assert "IgnorePublicAcls" in report["suspects"][0]["why"], report
    fix = report["fixes"][0]
    assert fix["then"] == "allowed" and fix["needs"] is None, fix
    alpha_iam.put_user_policy(UserName="vic", PolicyName="doctor-fix", PolicyDocument=policy(fix["statement"]))
    allowed_again("s3://public-site/index.html", vic, "public-site", "index.html")

    # 12. Organizations: BETA joins ALPHA's organization. A member cannot read the policies
    # over it: the SCP, then the RCP, is the first suspect, as AWS's message says, and the
    # management account's detaching it is the fix.
    org, root_id = organization_with_beta(served, "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
    beta.create_bucket(Bucket="members")
    beta.put_object(Bucket="members", Key="report.csv", Body=b"m")
    mel = user(BETA_ROOT, "mel", get("members"))
    deny_reads = {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
    scp = org.create_policy(Name="no-reads", Description="", Type="SERVICE_CONTROL_POLICY",
                            Content=policy(deny_reads))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=BETA)
    assert mel.reads("members", "report.csv") == 403
    report = walk("s3://members/report.csv", mel)
    assert report["decision"]["denied_by"] is None and report["observed"]["named_layer"] == ["scp", True], report
    assert named(report) == "scp" and "not readable" in report["suspects"][0]["why"], report
    org.detach_policy(PolicyId=scp, TargetId=BETA)  # as the management account
    allowed_again("s3://members/report.csv", mel, "members", "report.csv")

    rcp = org.create_policy(Name="no-reads-r", Description="", Type="RESOURCE_CONTROL_POLICY",
                            Content=policy(dict(deny_reads, Principal="*")))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=rcp, TargetId=BETA)
    al = user(ALPHA_ROOT, "al", get("members"))
    beta.put_bucket_policy(Bucket="members", Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ALPHA}:user/al"},
         "Action": ["s3:GetObject", "s3:GetBucket*", "s3:ListBucket", "s3:GetObjectAcl"],
         "Resource": ["arn:aws:s3:::members", "arn:aws:s3:::members/*"]}))
    for reader in (mel, al):  # the bucket's own account, and the management account's user
        assert reader.reads("members", "report.csv") == 403
        report = walk("s3://members/report.csv", reader)
        assert report["decision"]["denied_by"] is None and report["observed"]["named_layer"] == ["rcp", True], report
        assert named(report) == "rcp", report
    org.detach_policy(PolicyId=rcp, TargetId=BETA)  # as the management account
    allowed_again("s3://members/report.csv", mel, "members", "report.csv")
    allowed_again("s3://members/report.csv", al, "members", "report.csv")
finally:
    served.stop()
print("passed")
