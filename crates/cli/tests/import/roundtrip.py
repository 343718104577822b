"""`gatehouse import` end to end: a live server configured through boto3 (users, a group, a
role, managed policies with versions, a boundary, bucket policies, an ACL, Block Public Access,
Object Ownership, SSE-KMS with a key policy, an organization with an OU and an SCP), exported by
the real `scripts/export-aws.sh` with the aws CLI, imported into a new data directory; then
`gatehouse doctor --as` decides a matrix of principals x objects x actions on the original and
on the import, and every decision must be the same. Prints `passed`.
argv: the gatehouse binary, a work directory, the server config."""

import json
import os
import shutil
import subprocess
import sys

import botocore

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from served import Served, policy, organization_with_beta, ALPHA, BETA  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
ALPHA_KEYS = ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
BETA_KEYS = ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
ALPHA_ROOT, BETA_ROOT = f"arn:aws:iam::{ALPHA}:root", f"arn:aws:iam::{BETA}:root"
ALICE, BOB = f"arn:aws:iam::{ALPHA}:user/alice", f"arn:aws:iam::{ALPHA}:user/team/bob"
DEPLOYER = f"arn:aws:iam::{ALPHA}:role/deployer"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
SECRET = "secret.txt"


def allow(actions, resources, sid=None, **extra):
    s = {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
    return {"Sid": sid, **s} if sid else s


def build(served):
    """The configuration to export, made through the server's own APIs."""
    s3 = served.client("s3", *ALPHA_KEYS)
    iam = served.client("iam", *ALPHA_KEYS)
    kms = served.client("kms", *ALPHA_KEYS)
    orgs = served.client("organizations", *ALPHA_KEYS)

    # IAM: alice reads through a group; bob writes through a managed policy (two versions)
    # inside a boundary that does not let him write; a role alice may assume that only writes.
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="read", PolicyDocument=policy(
        allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*",
                                                   "arn:aws:s3:::vault", "arn:aws:s3:::vault/*"], sid="Read")))
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    boundary = iam.create_policy(PolicyName="no-writes", PolicyDocument=policy(
        allow(["s3:GetObject", "s3:ListBucket", "s3:GetBucketPolicy"], "*", sid="ReadOnly")))["Policy"]["Arn"]
    writers = iam.create_policy(PolicyName="writers", Path="/team/", PolicyDocument=policy(
        allow("s3:GetObject", "*")))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=writers, SetAsDefault=True, PolicyDocument=policy(
        allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketPolicy"], "*", sid="Write")))
    # Versions v2 (the default) and v3 remain: the import must keep their ids.
    iam.create_policy_version(PolicyArn=writers, PolicyDocument=policy(allow("s3:ListBucket", "*", sid="Next")))
    iam.delete_policy_version(PolicyArn=writers, VersionId="v1")
    iam.create_user(UserName="bob", Path="/team/", PermissionsBoundary=boundary,
                    Tags=[{"Key": "team", "Value": "data"}, {"Key": "cost-center", "Value": "42"}])
    iam.attach_user_policy(UserName="bob", PolicyArn=writers)
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="deployer", PolicyName="deploy", PolicyDocument=policy(
        allow("s3:PutObject", "arn:aws:s3:::reports/*", sid="Deploy")))
    iam.attach_role_policy(RoleName="deployer", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")

    # reports: a bucket policy with a cross-account grant and a deny naming bob.
    s3.create_bucket(Bucket="reports")
    s3.put_bucket_policy(Bucket="reports", Policy=policy(
        allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"], ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
              sid="BetaReads", Principal={"AWS": BETA_ROOT}),
        {"Sid": "NoBobPolicy", "Effect": "Deny", "Principal": {"AWS": BOB}, "Action": "s3:GetBucketPolicy",
         "Resource": "arn:aws:s3:::reports"}))
    s3.put_bucket_versioning(Bucket="reports", VersioningConfiguration={"Status": "Enabled"})

    # open: ObjectWriter, no Block Public Access, an ACL granting every signed-in caller READ
    # (and BETA's canonical user READ_ACP, which no export can map back to an account).
    s3.create_bucket(Bucket="open")
    s3.delete_public_access_block(Bucket="open")
    s3.put_bucket_ownership_controls(Bucket="open", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    owner = s3.get_bucket_acl(Bucket="open")["Owner"]
    beta_canonical = served.client("s3", *BETA_KEYS).list_buckets()["Owner"]["ID"]
    s3.put_bucket_acl(Bucket="open", AccessControlPolicy={"Owner": {"ID": owner["ID"]}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": AUTHENTICATED}, "Permission": "READ"},
        {"Grantee": {"Type": "CanonicalUser", "ID": beta_canonical}, "Permission": "READ_ACP"}]})

    # locked: a public bucket policy that Block Public Access (RestrictPublicBuckets) sets aside.
    s3.create_bucket(Bucket="locked")
    s3.delete_public_access_block(Bucket="locked")
    s3.put_bucket_policy(Bucket="locked", Policy=policy(
        allow("s3:GetObject", "arn:aws:s3:::locked/*", sid="Public", Principal="*")))
    s3.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})

    # vault: default SSE-KMS under a key whose policy lets alice decrypt, and nobody else.
    admin = allow(["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:GenerateDataKey", "kms:CreateAlias"], "*",
                  sid="Admin", Principal={"AWS": ALPHA_ROOT})
    use = allow(["kms:Decrypt", "kms:GenerateDataKey"], "*", sid="AliceUses", Principal={"AWS": ALICE})
    key = kms.create_key(Description="vault key", Policy=policy(admin, use))["KeyMetadata"]
    kms.create_alias(AliasName="alias/vault", TargetKeyId=key["KeyId"])
    s3.create_bucket(Bucket="vault")
    s3.put_bucket_encryption(Bucket="vault", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
        "BucketKeyEnabled": False}]})
    s3.put_object(Bucket="vault", Key=SECRET, Body=b"the numbers")

    # The organization: BETA invited, moved into an OU whose SCP denies s3:PutObject.
    orgs, root = organization_with_beta(served, "SERVICE_CONTROL_POLICY")
    ou = orgs.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    orgs.move_account(AccountId=BETA, SourceParentId=root, DestinationParentId=ou)
    scp = orgs.create_policy(Name="no-writes", Type="SERVICE_CONTROL_POLICY", Description="no writes",
                             Content=policy({"Sid": "NoPuts", "Effect": "Deny", "Action": "s3:PutObject",
                                             "Resource": "*"}))["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=scp, TargetId=ou)
    return key["Arn"]


def aws_cli_present():
    return shutil.which("aws") is not None or subprocess.run(
        [sys.executable, "-m", "awscli", "--version"], capture_output=True).returncode == 0


def export(endpoint, out):
    """scripts/export-aws.sh as the alpha root, with no configuration of the host's."""
    if not aws_cli_present():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "awscli"], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ALPHA_KEYS[0], AWS_SECRET_ACCESS_KEY=ALPHA_KEYS[1],
               AWS_CONFIG_FILE=os.path.join(work, "no-aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(work, "no-aws-credentials"))
    done = subprocess.run(["bash", os.path.join(REPO, "scripts", "export-aws.sh"), out,
                           "--endpoint-url", endpoint, "--region", "us-east-1"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def import_(export_dir, data_dir, *extra):
    return subprocess.run([binary, "import", export_dir, "--data-dir", data_dir, *extra],
                          capture_output=True, text=True)


def doctor(data, url, arn, action):
    out = subprocess.run([binary, "doctor", url, "--as", arn, "--action", action, "--data-dir", data, "--json"],
                         capture_output=True, text=True)
    assert out.returncode in (0, 1), (url, arn, action, out.stdout, out.stderr)
    return json.loads(out.stdout)


def decision_of(report):
    """What must agree: allowed, the decision with its deciding layer, policy and statement,
    every policy consulted with its result, and KMS's step for an SSE-KMS object."""
    d = report.get("decision") or {}
    layers = [(l["layer"], l["policy"], l["result"]) for l in report["layers"]]
    kms = [(s["ok"], s["finding"]) for s in report["steps"] if s["step"] == "kms"]
    return (report["allowed"], d.get("decision"), d.get("denied_by"), d.get("policy"), d.get("statement"), layers, kms)


def layers_of(decision):
    """The layers a cell shows: for a denial, the deciding one (`key` when KMS refused the
    read); for an allowed request, each layer whose policy allowed it (and `key` for a read KMS
    allowed)."""
    allowed, _, denied_by, _, _, layers, kms = decision
    if kms and not kms[0][0]:
        return {("key", False)} if "(layer key)" in kms[0][1] else {("kms", False)}
    if not allowed:
        return {(denied_by, False)}
    granted = {(layer, True) for layer, _, result in layers if result == "allow" and layer != "scp"}
    return granted | ({("key", True)} if kms else set())


def check_report(report):
    counts = report["imported"]
    assert counts["iam"]["users"] == 2 and counts["iam"]["groups"] == 1 and counts["iam"]["roles"] == 1, counts
    # no-writes v1, writers v2 and v3, AmazonS3ReadOnlyAccess v1 (AWS managed, attached to the role)
    assert counts["iam"]["customer managed policies"] == 2 and counts["iam"]["AWS managed policies"] == 1, counts
    assert counts["iam"]["policy versions"] == 4 and counts["iam"]["tags"] == 2, counts
    assert counts["iam"]["permissions boundaries"] == 1 and counts["iam"]["group memberships"] == 1, counts
    assert counts["s3"]["buckets"] == 4 and counts["s3"]["bucket policies"] == 2, counts
    assert counts["organizations"]["organizational units"] == 1 and counts["organizations"]["accounts"] == 2, counts
    assert counts["kms"]["keys"] == 1 and counts["kms"]["aliases"] == 1, counts
    assert counts["accounts"]["accounts"] == 2, counts
    [skip] = report["unknown"]
    assert skip["call"] == "s3control get-public-access-block" and skip["target"] == ALPHA, skip
    assert "unknown, not none" in skip["meaning"], skip
    assert any("READ_ACP" in a["why"] for a in report["approximated"]), report["approximated"]
    assert report["refused"] == [], report["refused"]


def normalized(directory):
    """An export's files, without what no import can keep: the dates IAM, S3 and KMS stamp
    when a thing is made here, S3's display names (an account's, for a canonical id the import
    cannot map), and the endpoint in the s3control skip."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()
                    if not (k.endswith("Date") or k == "DisplayName" or k == "time")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    files = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            doc = strip(json.load(open(path)))
            if name == "export.json":
                doc["skipped"] = [(s["call"], s["target"]) for s in doc["skipped"]]
            files[os.path.relpath(path, directory)] = doc
    return files


def check_reexport(first, second):
    """The import, served and exported again, is the export it was made from."""
    a, b = normalized(first), normalized(second)
    assert sorted(a) == sorted(b), (sorted(set(a) ^ set(b)))
    differing = [name for name in a if a[name] != b[name]]
    assert not differing, "\n".join(f"{n}:\n{a[n]}\n{b[n]}" for n in differing)


def check_refusals(export_dir, new_dir):
    """An unusable export is refused with status 1 and leaves nothing behind."""
    broken = os.path.join(work, "broken-export")
    shutil.copytree(export_dir, broken)
    manifest = os.path.join(broken, "export.json")
    doc = json.load(open(manifest))
    json.dump({**doc, "format": "gatehouse-export-2"}, open(manifest, "w"))
    target = os.path.join(work, "never")
    done = import_(broken, target)
    assert done.returncode == 1 and "format" in done.stderr and not os.path.exists(target), done.stderr
    json.dump({**doc, "account": "333333333333"}, open(manifest, "w"))
    done = import_(broken, target)
    assert done.returncode == 1 and "333333333333" in done.stderr and not os.path.exists(target), done.stderr
    os.remove(manifest)
    done = import_(broken, target)
    assert done.returncode == 1 and "export.json" in done.stderr and not os.path.exists(target), done.stderr
    done = import_(export_dir, new_dir)
    assert done.returncode == 2 and "not empty" in done.stderr, (done.returncode, done.stderr)


served = Served(binary, work, config)
copy = None
try:
    key_arn = build(served)
    export_dir = os.path.join(work, "export")
    export(served.endpoint, export_dir)

    imported = os.path.join(work, "imported")
    done = import_(export_dir, os.path.join(imported, "data"), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    check_report(json.loads(done.stdout))
    check_refusals(export_dir, os.path.join(imported, "data"))

    # A server on the import (its roots get the config's credentials): exported again, it
    # gives the same export; and as no object bytes are exported, the SSE-KMS object is
    # written again, under the imported key.
    copy = Served(binary, imported, config)
    again = os.path.join(work, "export-again")
    export(copy.endpoint, again)
    check_reexport(export_dir, again)
    copy.client("s3", *ALPHA_KEYS).put_object(Bucket="vault", Key=SECRET, Body=b"the numbers")
    copy.stop()
    copy = None

    principals = [ALPHA_ROOT, ALICE, BOB, DEPLOYER, BETA_ROOT]
    targets = [("reports", "data.csv"), ("vault", SECRET), ("open", "notes.txt"), ("locked", "x.txt")]
    actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketPolicy"]
    seen, differences = set(), []
    for arn in principals:
        for bucket, key in targets:
            for action in actions:
                url = f"s3://{bucket}/{key}" if action in ("s3:GetObject", "s3:PutObject") else f"s3://{bucket}"
                original = decision_of(doctor(served.data, url, arn, action))
                copied = decision_of(doctor(os.path.join(imported, "data"), url, arn, action))
                if original != copied:
                    differences.append((arn, url, action, original, copied))
                seen |= layers_of(original)
    assert not differences, "\n".join(map(str, differences))
    for layer in ("identity", "resource", "permissions_boundary", "scp", "s3_block_public_access", "key"):
        assert (layer, False) in seen, (layer, sorted(seen, key=str))
    for layer in ("identity", "resource", "permissions_boundary", "key"):
        assert (layer, True) in seen, (layer, sorted(seen, key=str))
    print("passed")
finally:
    if copy is not None:
        copy.stop()
    served.stop()
