//! ACLs, Object Ownership and Block Public Access driven by boto3 (and, twice, the aws CLI)
//! against the real server, with AWS's documented behaviour as the expectation: who owns what
//! another account writes under each ownership mode and what the bucket owner may then read;
//! what BucketOwnerEnforced refuses; public ACLs read anonymously and across accounts; each
//! Block Public Access setting at bucket and account level (S3 Control); GetBucketPolicyStatus
//! for the policies of "The meaning of public"; grants to another account's canonical id.
//!
//! Each script asserts as it goes (a failed assertion exits non-zero and fails the test with
//! its traceback) and prints what the Rust side checks besides. A check where the server
//! differs from AWS stays written with AWS's expectation, commented out with `# DIFFERS FROM
//! AWS:`.

mod common;

/// Prepends the helpers every script uses to a script's body.
macro_rules! script {
    ($body:literal) => {
        concat!(
            r##"
import sys, os, json, shutil, subprocess, tempfile, urllib.parse
import boto3, botocore
from botocore.config import Config

EP = sys.argv[1]
SERVER = urllib.parse.urlsplit(EP).netloc
ALPHA_ID, BETA_ID = "111111111111", "222222222222"
ALPHA = ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
BETA = ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
ALPHA_ROOT = f"arn:aws:iam::{ALPHA_ID}:root"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def config(**extra):
    return Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"},
                  request_checksum_calculation="when_required",
                  response_checksum_validation="when_required", **extra)


def client(service, creds=ALPHA):
    """A client signing with (key, secret): no retries, path-style S3."""
    return boto3.client(service, endpoint_url=EP, region_name="us-east-1",
                        aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                        config=config())


def anonymous():
    """An S3 client that signs nothing."""
    return boto3.client("s3", endpoint_url=EP, region_name="us-east-1",
                        config=config(signature_version=botocore.UNSIGNED))


def _to_server(request, **_):
    # boto3 puts the account id in front of the host name; keep that signed Host header and
    # send the request to the server itself.
    parts = urllib.parse.urlsplit(request.url)
    request.headers["Host"] = parts.netloc
    request.url = urllib.parse.urlunsplit(parts._replace(netloc=SERVER))


def control(creds=ALPHA):
    """An S3 Control client (account-level Block Public Access)."""
    c = client("s3control", creds)
    c.meta.events.register("before-send.s3-control", _to_server)
    return c


def fails(code, status, fn, *args, **kwargs):
    """Calls fn, which must fail with `code` and HTTP `status` (a HEAD's code is its status);
    returns the error's message and the response headers."""
    what = f"{getattr(fn, '__name__', fn)}{args or ''}{kwargs or ''}"
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        r = e.response
        got = (r["Error"].get("Code"), r["ResponseMetadata"]["HTTPStatusCode"])
        assert got == (code, status), \
            f"{what}: expected {code} {status}, got {got}: {r['Error'].get('Message')}"
        return {"message": r["Error"].get("Message", ""),
                "headers": r["ResponseMetadata"]["HTTPHeaders"]}
    raise AssertionError(f"{what} succeeded; expected {code} {status}")


def explained(e):
    """(decision, denied-by, policy, statement) of a denial's x-gatehouse-* headers."""
    h = e["headers"]
    get = lambda name: urllib.parse.unquote(h[name]) if name in h else None
    return (get("x-gatehouse-decision"), get("x-gatehouse-denied-by"),
            get("x-gatehouse-policy"), get("x-gatehouse-statement"))


def enhanced(principal, action, resource, reason):
    return f'User: {principal} is not authorized to perform: {action} on resource: "{resource}" {reason}'


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def new_user(iam, name, managed=(), inline=None):
    """Creates an IAM user with an access key; returns the key."""
    iam.create_user(UserName=name)
    for arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    for policy_name, document in (inline or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return (k["AccessKeyId"], k["SecretAccessKey"])


def owner_of(s3, bucket, key):
    return s3.get_object_acl(Bucket=bucket, Key=key)["Owner"]["ID"]


def grants(answer):
    """GetBucketAcl's or GetObjectAcl's grants as (grantee id or URI, permission), sorted."""
    return sorted((g["Grantee"].get("ID") or g["Grantee"].get("URI"), g["Permission"])
                  for g in answer["Grants"])


a, b = client("s3"), client("s3", BETA)
A = a.list_buckets()["Owner"]["ID"]
B = b.list_buckets()["Owner"]["ID"]
assert A != B and A and B, (A, B)
"##,
            $body
        )
    };
}

use common::boto3_on_new_server as run;

/// Another account writes into an ObjectWriter bucket through a bucket ACL WRITE grant: without
/// `bucket-owner-full-control` it owns an object the bucket owner's root and administrator
/// cannot read (the object ACL is the only grant); with it, both read. Under
/// BucketOwnerPreferred `bucket-owner-full-control` hands the object to the bucket owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_writes_and_who_owns_them() {
    let out = run(script!(
        r##"
admin = client("s3", new_user(client("iam"), "admin", managed=[ADMIN]))

a.create_bucket(Bucket="writer", ObjectOwnership="ObjectWriter")
a.put_bucket_acl(Bucket="writer", GrantWrite=f'id="{B}"', GrantFullControl=f'id="{A}"')
assert grants(a.get_bucket_acl(Bucket="writer")) == sorted([(A, "FULL_CONTROL"), (B, "WRITE")])

# Without bucket-owner-full-control the writer owns the object and the ACL grants only it.
b.put_object(Bucket="writer", Key="foreign", Body=b"beta's")
acl = b.get_object_acl(Bucket="writer", Key="foreign")
assert acl["Owner"]["ID"] == B, acl
assert grants(acl) == [(B, "FULL_CONTROL")], acl
for who, s3, arn in (("root", a, ALPHA_ROOT), ("admin", admin, f"arn:aws:iam::{ALPHA_ID}:user/admin")):
    e = fails("403", 403, s3.head_object, Bucket="writer", Key="foreign")
    print(who, "HEAD", explained(e))
    assert explained(e) == ("implicitDeny", "acl", None, None), (who, e)
    for action, call in (("s3:GetObject", s3.get_object), ("s3:GetObjectAcl", s3.get_object_acl)):
        e = fails("AccessDenied", 403, call, Bucket="writer", Key="foreign")
        print(who, action, explained(e), e["message"])
        assert explained(e) == ("implicitDeny", "acl", None, None), (who, action, e)
        assert e["message"] == enhanced(arn, action, "arn:aws:s3:::writer/foreign",
                                        f"because no resource-based policy allows the {action} action"), e
# The bucket owner still may delete it [S3 `how-s3-evaluates-access-control`].
b.put_object(Bucket="writer", Key="doomed", Body=b"x")
a.delete_object(Bucket="writer", Key="doomed")
fails("404", 404, a.head_object, Bucket="writer", Key="doomed")

# With bucket-owner-full-control the writer still owns it, and the owner's account reads it.
b.put_object(Bucket="writer", Key="shared", Body=b"shared", ACL="bucket-owner-full-control")
for s3 in (a, admin):
    assert s3.head_object(Bucket="writer", Key="shared")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket="writer", Key="shared")["Body"].read() == b"shared"
acl = a.get_object_acl(Bucket="writer", Key="shared")
assert acl["Owner"]["ID"] == B, acl
assert grants(acl) == sorted([(B, "FULL_CONTROL"), (A, "FULL_CONTROL")]), acl

# BucketOwnerPreferred: bucket-owner-full-control makes the bucket owner the owner.
a.create_bucket(Bucket="preferred", ObjectOwnership="BucketOwnerPreferred")
assert a.get_bucket_ownership_controls(Bucket="preferred")["OwnershipControls"]["Rules"] == [
    {"ObjectOwnership": "BucketOwnerPreferred"}]
a.put_bucket_acl(Bucket="preferred", GrantWrite=f'id="{B}"', GrantFullControl=f'id="{A}"')
b.put_object(Bucket="preferred", Key="handed-over", Body=b"1", ACL="bucket-owner-full-control")
assert owner_of(a, "preferred", "handed-over") == A
assert a.get_object(Bucket="preferred", Key="handed-over")["Body"].read() == b"1"
b.put_object(Bucket="preferred", Key="kept", Body=b"2")
assert owner_of(b, "preferred", "kept") == B
e = fails("403", 403, admin.head_object, Bucket="preferred", Key="kept")
assert explained(e)[:2] == ("implicitDeny", "acl"), e
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// BucketOwnerEnforced: the bucket owner owns whatever is written, with or without
/// `bucket-owner-full-control`; any other ACL is AccessControlListNotSupported; the mode cannot
/// be set over a bucket ACL that grants others; CreateBucket refuses a public ACL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bucket_owner_enforced() {
    let out = run(script!(
        r##"
a.create_bucket(Bucket="enforced")
assert a.get_bucket_ownership_controls(Bucket="enforced")["OwnershipControls"]["Rules"] == [
    {"ObjectOwnership": "BucketOwnerEnforced"}]
a.put_bucket_policy(Bucket="enforced", Policy=doc(allow(
    "s3:PutObject", "arn:aws:s3:::enforced/*", Principal={"AWS": f"arn:aws:iam::{BETA_ID}:root"})))

b.put_object(Bucket="enforced", Key="with", Body=b"1", ACL="bucket-owner-full-control")
b.put_object(Bucket="enforced", Key="without", Body=b"2")
b.put_object(Bucket="enforced", Key="equivalent", Body=b"3", GrantFullControl=f'id="{A}"')
for key, body in (("with", b"1"), ("without", b"2"), ("equivalent", b"3")):
    assert a.head_object(Bucket="enforced", Key=key)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert a.get_object(Bucket="enforced", Key=key)["Body"].read() == body
    acl = a.get_object_acl(Bucket="enforced", Key=key)
    assert acl["Owner"]["ID"] == A, (key, acl)
    assert grants(acl) == [(A, "FULL_CONTROL")], (key, acl)
assert grants(a.get_bucket_acl(Bucket="enforced")) == [(A, "FULL_CONTROL")]

# Any other ACL: 400 AccessControlListNotSupported, whoever writes.
for s3 in (a, b):
    e = fails("AccessControlListNotSupported", 400, s3.put_object, Bucket="enforced", Key="public",
              Body=b"x", ACL="public-read")
    assert e["message"] == "The bucket does not allow ACLs", e
fails("AccessControlListNotSupported", 400, b.put_object, Bucket="enforced", Key="granted",
      Body=b"x", GrantRead=f'id="{B}"')
fails("AccessControlListNotSupported", 400, a.put_bucket_acl, Bucket="enforced", ACL="public-read")
fails("AccessControlListNotSupported", 400, a.put_object_acl, Bucket="enforced", Key="with",
      ACL="public-read")
# The owner's FULL_CONTROL alone, in the XML form, is accepted [S3 PutObjectAcl].
owner_only = {"Owner": {"ID": A}, "Grants": [
    {"Grantee": {"Type": "CanonicalUser", "ID": A}, "Permission": "FULL_CONTROL"}]}
a.put_object_acl(Bucket="enforced", Key="with", AccessControlPolicy=owner_only)
fails("AccessControlListNotSupported", 400, a.put_object_acl, Bucket="enforced", Key="with",
      AccessControlPolicy={"Owner": {"ID": A}, "Grants": owner_only["Grants"] + [
          {"Grantee": {"Type": "CanonicalUser", "ID": B}, "Permission": "READ"}]})
fails("404", 404, a.head_object, Bucket="enforced", Key="public")

# BucketOwnerEnforced cannot be set while the bucket ACL grants another account.
a.create_bucket(Bucket="granted", ObjectOwnership="ObjectWriter")
a.put_bucket_acl(Bucket="granted", GrantWrite=f'id="{B}"', GrantFullControl=f'id="{A}"')
enforce = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
fails("InvalidBucketAclWithObjectOwnership", 400, a.put_bucket_ownership_controls,
      Bucket="granted", OwnershipControls=enforce)
assert a.get_bucket_ownership_controls(Bucket="granted")["OwnershipControls"]["Rules"] == [
    {"ObjectOwnership": "ObjectWriter"}]
a.put_bucket_acl(Bucket="granted", ACL="private")
a.put_bucket_ownership_controls(Bucket="granted", OwnershipControls=enforce)
assert a.get_bucket_ownership_controls(Bucket="granted")["OwnershipControls"]["Rules"] == enforce["Rules"]

# CreateBucket with a public ACL: refused by the default ownership, else by Block Public Access.
fails("InvalidBucketAclWithObjectOwnership", 400, a.create_bucket, Bucket="public-enforced",
      ACL="public-read")
fails("InvalidBucketAclWithBlockPublicAccessError", 400, a.create_bucket, Bucket="public-writer",
      ACL="public-read", ObjectOwnership="ObjectWriter")
for name in ("public-enforced", "public-writer"):
    fails("404", 404, a.head_bucket, Bucket=name)
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// A `public-read` object: anonymous readers and the other account's root read it; an IAM user
/// of the other account needs its own identity-policy allow even for an AllUsers grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_acl_read_anonymously_and_across_accounts() {
    let out = run(script!(
        r##"
a.create_bucket(Bucket="public", ObjectOwnership="ObjectWriter")
a.delete_public_access_block(Bucket="public")
a.put_object(Bucket="public", Key="page", Body=b"hello", ACL="public-read")
a.put_object(Bucket="public", Key="private", Body=b"secret")
assert (ALL_USERS, "READ") in grants(a.get_object_acl(Bucket="public", Key="page"))

anon = anonymous()
assert anon.get_object(Bucket="public", Key="page")["Body"].read() == b"hello"
assert anon.head_object(Bucket="public", Key="page")["ResponseMetadata"]["HTTPStatusCode"] == 200
e = fails("AccessDenied", 403, anon.get_object, Bucket="public", Key="private")
assert e["message"] == "Access Denied", e
print("anonymous private", explained(e))
assert explained(e) == ("implicitDeny", "resource", None, None), e

biam = client("iam", BETA)
carol = client("s3", new_user(biam, "carol"))
e = fails("AccessDenied", 403, carol.get_object, Bucket="public", Key="page")
print("beta user without policy", explained(e), e["message"])
assert explained(e) == ("implicitDeny", "identity", None, None), e
# Across accounts S3 gives the plain text [S3 403 page, "Access denied message examples"].
assert e["message"] == "Access Denied", e
assert b.get_object(Bucket="public", Key="page")["Body"].read() == b"hello"

biam.put_user_policy(UserName="carol", PolicyName="read",
                     PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::public/*")))
assert carol.get_object(Bucket="public", Key="page")["Body"].read() == b"hello"
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// Each Block Public Access setting switched on and off, on the bucket and then for the account
/// (S3 Control): BlockPublicAcls on every write path, IgnorePublicAcls on reads and on the ACL
/// shown, BlockPublicPolicy on PutBucketPolicy, RestrictPublicBuckets on a public policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_public_access_bucket_and_account() {
    let out = run(script!(
        r##"
BK = "bpa"
anon = anonymous()
admin = client("s3", new_user(client("iam"), "admin", managed=[ADMIN]))
SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_POLICY = doc(allow("s3:GetObject", f"arn:aws:s3:::{BK}/*", Principal="*", Sid="Everyone"))
# The guide's example: one public statement, one for another account (non-public by itself).
MIXED_POLICY = doc(allow("s3:GetObject", f"arn:aws:s3:::{BK}/plain", Principal="*", Sid="Everyone"),
                   allow("s3:GetObject", f"arn:aws:s3:::{BK}/for-beta", Sid="Beta",
                         Principal={"AWS": f"arn:aws:iam::{BETA_ID}:root"}))
BETA_POLICY = doc(allow("s3:GetObject", f"arn:aws:s3:::{BK}/*",
                        Principal={"AWS": f"arn:aws:iam::{BETA_ID}:root"}, Sid="Beta"))


def flags(*on):
    return {s: s in on for s in SETTINGS}


def set_bucket(*on):
    a.put_public_access_block(Bucket=BK, PublicAccessBlockConfiguration=flags(*on))


def set_account(*on):
    ctl.put_public_access_block(AccountId=ALPHA_ID, PublicAccessBlockConfiguration=flags(*on))


def public_acl_writes(refused):
    """Every write path with a public ACL: refused with AWS's text, or accepted."""
    calls = [
        ("s3:PutObject", "new", lambda: a.put_object(Bucket=BK, Key="new", Body=b"n", ACL="public-read")),
        ("s3:PutObject", "granted", lambda: a.put_object(Bucket=BK, Key="granted", Body=b"g",
                                                         GrantRead=f'uri="{ALL_USERS}"')),
        ("s3:PutObject", "authenticated", lambda: a.put_object(Bucket=BK, Key="authenticated", Body=b"a",
                                                               ACL="authenticated-read")),
        ("s3:PutObjectAcl", "page", lambda: a.put_object_acl(Bucket=BK, Key="page", ACL="public-read")),
        ("s3:PutBucketAcl", None, lambda: a.put_bucket_acl(Bucket=BK, ACL="public-read")),
        ("s3:PutObject", "copy", lambda: a.copy_object(Bucket=BK, Key="copy", ACL="public-read",
                                                      CopySource={"Bucket": BK, "Key": "page"})),
        ("s3:PutObject", "upload", lambda: a.create_multipart_upload(Bucket=BK, Key="upload",
                                                                    ACL="public-read")),
    ]
    for action, key, call in calls:
        resource = f"arn:aws:s3:::{BK}" + (f"/{key}" if key else "")
        if refused:
            e = fails("AccessDenied", 403, call)
            assert e["message"] == enhanced(ALPHA_ROOT, action, resource,
                "because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access."), e
            print("BlockPublicAcls", action, explained(e))
            assert explained(e)[:2] == ("explicitDeny", "s3_block_public_access"), e
        else:
            call()
    if refused:
        for key in ("new", "granted", "authenticated", "copy"):
            fails("404", 404, a.head_object, Bucket=BK, Key=key)
        assert a.list_multipart_uploads(Bucket=BK).get("Uploads", []) == []
    else:
        for key in ("new", "granted", "copy"):
            assert (ALL_USERS, "READ") in grants(a.get_object_acl(Bucket=BK, Key=key)), key
        assert (AUTHENTICATED, "READ") in grants(a.get_object_acl(Bucket=BK, Key="authenticated"))
        assert (ALL_USERS, "READ") in grants(a.get_bucket_acl(Bucket=BK))
        # Leave the bucket as it was.
        a.put_bucket_acl(Bucket=BK, ACL="private")
        for key in ("new", "granted", "authenticated", "copy"):
            a.delete_object(Bucket=BK, Key=key)
        for u in a.list_multipart_uploads(Bucket=BK).get("Uploads", []):
            a.abort_multipart_upload(Bucket=BK, Key=u["Key"], UploadId=u["UploadId"])


def anonymous_read(key, allowed):
    if allowed:
        assert anon.get_object(Bucket=BK, Key=key)["Body"].read(), key
        return None
    e = fails("AccessDenied", 403, anon.get_object, Bucket=BK, Key=key)
    assert e["message"] == "Access Denied", e
    return e


def ignoring(where, set_on, set_off):
    set_on("IgnorePublicAcls")
    e = anonymous_read("page", False)
    print(where, "IgnorePublicAcls", explained(e))
    assert explained(e) == ("implicitDeny", "s3_block_public_access", None, None), e
    # AuthenticatedUsers is public too: another account's root loses its read.
    e = fails("AccessDenied", 403, b.get_object, Bucket=BK, Key="signed-only")
    assert explained(e) == ("implicitDeny", "s3_block_public_access", None, None), e
    # GetObjectAcl shows the effective ACL: the public grant is left out.
    assert grants(a.get_object_acl(Bucket=BK, Key="page")) == [(A, "FULL_CONTROL")]
    assert grants(a.get_object_acl(Bucket=BK, Key="signed-only")) == [(A, "FULL_CONTROL")]
    set_off()
    anonymous_read("page", True)
    assert b.get_object(Bucket=BK, Key="signed-only")["Body"].read() == b"signed"
    assert (ALL_USERS, "READ") in grants(a.get_object_acl(Bucket=BK, Key="page"))


def blocking_policies(where, set_on, set_off):
    set_on("BlockPublicPolicy")
    e = fails("AccessDenied", 403, a.put_bucket_policy, Bucket=BK, Policy=PUBLIC_POLICY)
    print(where, "BlockPublicPolicy", explained(e))
    assert explained(e)[:2] == ("explicitDeny", "s3_block_public_access"), e
    assert e["message"] == enhanced(ALPHA_ROOT, "s3:PutBucketPolicy", f"arn:aws:s3:::{BK}",
        "because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access."), e
    fails("NoSuchBucketPolicy", 404, a.get_bucket_policy, Bucket=BK)
    a.put_bucket_policy(Bucket=BK, Policy=BETA_POLICY)
    set_off()
    a.put_bucket_policy(Bucket=BK, Policy=PUBLIC_POLICY)
    a.delete_bucket_policy(Bucket=BK)


def restricting(where, set_on, set_off):
    a.put_bucket_policy(Bucket=BK, Policy=MIXED_POLICY)
    anonymous_read("plain", True)
    assert b.get_object(Bucket=BK, Key="plain")["Body"].read() == b"plain"
    assert b.get_object(Bucket=BK, Key="for-beta")["Body"].read() == b"beta"
    set_on("RestrictPublicBuckets")
    # Once the policy is public, even its non-public cross-account statement stops granting.
    denials = [anonymous_read("plain", False),
               fails("AccessDenied", 403, b.get_object, Bucket=BK, Key="plain"),
               fails("AccessDenied", 403, b.get_object, Bucket=BK, Key="for-beta")]
    for e in denials:
        print(where, "RestrictPublicBuckets", explained(e), e["message"])
        # The explicit deny AWS describes "with an explicit deny in a resource-based policy";
        # anonymous and cross-account callers get the plain text.
        assert e["message"] == "Access Denied", e
        assert explained(e) == ("explicitDeny", "s3_block_public_access",
                                f"arn:aws:s3:::{BK}", "Everyone"), e
    for s3 in (a, admin):
        assert s3.get_object(Bucket=BK, Key="plain")["Body"].read() == b"plain"
    set_off()
    anonymous_read("plain", True)
    assert b.get_object(Bucket=BK, Key="for-beta")["Body"].read() == b"beta"
    # A policy that is not public is not restricted.
    a.put_bucket_policy(Bucket=BK, Policy=BETA_POLICY)
    set_on("RestrictPublicBuckets")
    assert b.get_object(Bucket=BK, Key="for-beta")["Body"].read() == b"beta"
    set_off()
    a.delete_bucket_policy(Bucket=BK)


a.create_bucket(Bucket=BK, ObjectOwnership="ObjectWriter")
a.put_object(Bucket=BK, Key="plain", Body=b"plain")
a.put_object(Bucket=BK, Key="for-beta", Body=b"beta")
a.put_object(Bucket=BK, Key="page", Body=b"page")
# A new bucket has all four settings on.
assert a.get_public_access_block(Bucket=BK)["PublicAccessBlockConfiguration"] == flags(*SETTINGS)
public_acl_writes(refused=True)
e = fails("AccessDenied", 403, a.put_bucket_policy, Bucket=BK, Policy=PUBLIC_POLICY)
a.delete_public_access_block(Bucket=BK)
fails("NoSuchPublicAccessBlockConfiguration", 404, a.get_public_access_block, Bucket=BK)
a.put_object(Bucket=BK, Key="page", Body=b"page", ACL="public-read")
a.put_object(Bucket=BK, Key="signed-only", Body=b"signed", ACL="authenticated-read")
anonymous_read("page", True)
fails("AccessDenied", 403, anon.get_object, Bucket=BK, Key="signed-only")
assert b.get_object(Bucket=BK, Key="signed-only")["Body"].read() == b"signed"

# ---- Bucket level, one setting at a time.
def bucket_off():
    set_bucket()
    # A configuration with every setting false is still a configuration.
    assert a.get_public_access_block(Bucket=BK)["PublicAccessBlockConfiguration"] == flags()

set_bucket("BlockPublicAcls")
assert a.get_public_access_block(Bucket=BK)["PublicAccessBlockConfiguration"] == flags("BlockPublicAcls")
public_acl_writes(refused=True)
anonymous_read("page", True)  # ACLs already in place stay in force
a.put_object(Bucket=BK, Key="private-acl", Body=b"p", ACL="private")  # non-public ACLs pass
bucket_off()
public_acl_writes(refused=False)

ignoring("bucket", set_bucket, bucket_off)
blocking_policies("bucket", set_bucket, bucket_off)
restricting("bucket", set_bucket, bucket_off)
a.delete_public_access_block(Bucket=BK)

# ---- Account level (S3 Control), the bucket's own settings deleted.
ctl = control()
e = fails("NoSuchPublicAccessBlockConfiguration", 404, ctl.get_public_access_block, AccountId=ALPHA_ID)
# Another account's settings are not the caller's to see or change.
e = fails("AccessDenied", 403, ctl.get_public_access_block, AccountId=BETA_ID)
print("another account's AccountId", explained(e), e["message"])
fails("AccessDenied", 403, ctl.put_public_access_block, AccountId=BETA_ID,
      PublicAccessBlockConfiguration=flags(*SETTINGS))
fails("AccessDenied", 403, ctl.delete_public_access_block, AccountId=BETA_ID)
fails("NoSuchPublicAccessBlockConfiguration", 404, control(BETA).get_public_access_block,
      AccountId=BETA_ID)

def account_off():
    set_account()
    # As for buckets, an all-false configuration is one.
    assert ctl.get_public_access_block(AccountId=ALPHA_ID)["PublicAccessBlockConfiguration"] == flags()
    ctl.delete_public_access_block(AccountId=ALPHA_ID)
    fails("NoSuchPublicAccessBlockConfiguration", 404, ctl.get_public_access_block, AccountId=ALPHA_ID)

set_account("BlockPublicAcls")
assert ctl.get_public_access_block(AccountId=ALPHA_ID)["PublicAccessBlockConfiguration"] == flags("BlockPublicAcls")
# The account's settings are not the bucket's: GetPublicAccessBlock on the bucket shows none.
fails("NoSuchPublicAccessBlockConfiguration", 404, a.get_public_access_block, Bucket=BK)
public_acl_writes(refused=True)
anonymous_read("page", True)
account_off()
public_acl_writes(refused=False)

ignoring("account", set_account, account_off)
blocking_policies("account", set_account, account_off)
restricting("account", set_account, account_off)

# Another account's settings do not reach this account's buckets.
control(BETA).put_public_access_block(AccountId=BETA_ID, PublicAccessBlockConfiguration=flags(*SETTINGS))
assert control(BETA).get_public_access_block(AccountId=BETA_ID)["PublicAccessBlockConfiguration"] == flags(*SETTINGS)
anonymous_read("page", True)
a.put_object(Bucket=BK, Key="still-public", Body=b"s", ACL="public-read")
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// GetBucketPolicyStatus for the policies of the Block Public Access guide's "The meaning of
/// public": a policy is public unless every Allow is limited to fixed values of the qualifying
/// keys (CIDRs no broader than /8), and no policy at all is NoSuchBucketPolicy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bucket_policy_status() {
    let out = run(script!(
        r##"
a.create_bucket(Bucket="status")
a.delete_public_access_block(Bucket="status")
e = fails("NoSuchBucketPolicy", 404, a.get_bucket_policy_status, Bucket="status")


def statement(principal="*", condition=None, effect="Allow"):
    s = {"Effect": effect, "Principal": principal, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::status/*"}
    if condition:
        s["Condition"] = condition
    return s


cases = [
    ("Principal * without a condition", [statement()], True),
    ("aws:SourceIp 10.0.0.0/8", [statement(condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})], False),
    ("aws:SourceIp 203.0.113.0/24", [statement(condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})], False),
    ("aws:SourceIp 0.0.0.0/1", [statement(condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}})], True),
    ("aws:SourceIp IPv6 /32", [statement(condition={"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})], False),
    ("aws:SourceIp IPv6 /16", [statement(condition={"IpAddress": {"aws:SourceIp": "2001::/16"}})], True),
    ("Principal a fixed account", [statement({"AWS": f"arn:aws:iam::{BETA_ID}:root"})], False),
    ("Principal a fixed account id", [statement({"AWS": BETA_ID})], False),
    ("aws:SourceVpce fixed", [statement(condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})], False),
    ("aws:SourceVpc fixed", [statement(condition={"StringEquals": {"aws:SourceVpc": "vpc-91237329"}})], False),
    ("StringLike aws:SourceVpc vpc-*", [statement(condition={"StringLike": {"aws:SourceVpc": "vpc-*"}})], True),
    ("aws:SourceAccount fixed", [statement(condition={"StringEquals": {"aws:SourceAccount": BETA_ID}})], False),
    ("aws:PrincipalOrgID fixed", [statement(condition={"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}})], False),
    ("a Deny for everyone only", [statement(effect="Deny")], False),
    ("one public statement among fixed ones", [statement({"AWS": BETA_ID}), statement()], True),
]
for name, statements, public in cases:
    a.put_bucket_policy(Bucket="status", Policy=doc(*statements))
    got = a.get_bucket_policy_status(Bucket="status")["PolicyStatus"]["IsPublic"]
    print(name, got)
    assert got is public, (name, got)
a.delete_bucket_policy(Bucket="status")
fails("NoSuchBucketPolicy", 404, a.get_bucket_policy_status, Bucket="status")
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// An object ACL grant to another account's canonical id: that account's root reads; its IAM
/// users read only with their own identity allow. Grantees that resolve to no account, and a
/// canned ACL together with grant headers, are 400s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_to_another_account() {
    let out = run(script!(
        r##"
a.create_bucket(Bucket="grants", ObjectOwnership="ObjectWriter")
a.put_object(Bucket="grants", Key="shared", Body=b"shared",
             GrantRead=f'id="{B}"', GrantFullControl=f'id="{A}"')
a.put_object(Bucket="grants", Key="mine", Body=b"mine")
acl = a.get_object_acl(Bucket="grants", Key="shared")
assert acl["Owner"]["ID"] == A, acl
assert grants(acl) == sorted([(A, "FULL_CONTROL"), (B, "READ")]), acl

assert b.get_object(Bucket="grants", Key="shared")["Body"].read() == b"shared"
e = fails("AccessDenied", 403, b.get_object, Bucket="grants", Key="mine")
assert e["message"] == "Access Denied", e
print("beta root, ungranted object", explained(e))
assert explained(e)[:2] == ("implicitDeny", "resource"), e
# READ is not READ_ACP.
fails("AccessDenied", 403, b.get_object_acl, Bucket="grants", Key="shared")

biam = client("iam", BETA)
reader = client("s3", new_user(biam, "reader", inline={
    "get": doc(allow("s3:GetObject", "arn:aws:s3:::grants/*"))}))
nobody = client("s3", new_user(biam, "nobody"))
assert reader.get_object(Bucket="grants", Key="shared")["Body"].read() == b"shared"
e = fails("AccessDenied", 403, nobody.get_object, Bucket="grants", Key="shared")
print("beta user without policy", explained(e))
assert explained(e) == ("implicitDeny", "identity", None, None), e
assert e["message"] == "Access Denied", e
e = fails("AccessDenied", 403, reader.get_object, Bucket="grants", Key="mine")
assert explained(e)[:2] == ("implicitDeny", "resource"), e

# PutObjectAcl grants the same way.
a.put_object_acl(Bucket="grants", Key="mine", GrantRead=f'id="{B}"', GrantFullControl=f'id="{A}"')
assert reader.get_object(Bucket="grants", Key="mine")["Body"].read() == b"mine"

# Grantees that resolve to no account.
fails("UnresolvableGrantByEmailAddress", 400, a.put_object, Bucket="grants", Key="e-mail",
      Body=b"x", GrantRead='emailAddress="nobody@example.com"')
fails("UnresolvableGrantByEmailAddress", 400, a.put_object_acl, Bucket="grants", Key="mine",
      GrantRead='emailAddress="nobody@example.com"')
unknown = "0" * 64
fails("InvalidArgument", 400, a.put_object, Bucket="grants", Key="unknown", Body=b"x",
      GrantRead=f'id="{unknown}"')
fails("InvalidArgument", 400, a.put_object_acl, Bucket="grants", Key="mine", GrantRead=f'id="{unknown}"')
fails("InvalidArgument", 400, a.put_bucket_acl, Bucket="grants", GrantRead=f'id="{unknown}"')

# A canned ACL and grant headers together.
for call, kwargs in ((a.put_object, {"Key": "both", "Body": b"x"}),
                     (a.put_object_acl, {"Key": "mine"}),
                     (a.put_bucket_acl, {})):
    e = fails("InvalidRequest", 400, call, Bucket="grants", ACL="private", GrantRead=f'id="{B}"', **kwargs)
    assert e["message"] == "Specifying both Canned ACLs and Header Grants is not allowed", e
for key in ("e-mail", "unknown", "both"):
    fails("404", 404, a.head_object, Bucket="grants", Key=key)
# The refused PutObjectAcls left the grants as they were.
assert grants(a.get_object_acl(Bucket="grants", Key="mine")) == sorted([(A, "FULL_CONTROL"), (B, "READ")])
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// The aws CLI: `put-object --acl public-read` on a BucketOwnerEnforced bucket fails with
/// AccessControlListNotSupported; `get-bucket-policy-status` before and after a public policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli() {
    let out = run(script!(
        r##"
if not shutil.which("aws"):
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "awscli"], check=True)
env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
env.update(AWS_ACCESS_KEY_ID=ALPHA[0], AWS_SECRET_ACCESS_KEY=ALPHA[1],
           AWS_DEFAULT_REGION="us-east-1", AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE="/dev/null",
           AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")


def aws(*args):
    return subprocess.run(["aws", "--endpoint-url", EP, "s3api", *args, "--output", "json"],
                          env=env, capture_output=True, text=True, timeout=120)


a.create_bucket(Bucket="cli")
with tempfile.NamedTemporaryFile() as f:
    f.write(b"body")
    f.flush()
    r = aws("put-object", "--bucket", "cli", "--key", "public", "--acl", "public-read", "--body", f.name)
    assert r.returncode != 0, r
    assert "AccessControlListNotSupported" in r.stderr and "The bucket does not allow ACLs" in r.stderr, r.stderr
    r = aws("put-object", "--bucket", "cli", "--key", "owned", "--acl", "bucket-owner-full-control",
            "--body", f.name)
    assert r.returncode == 0, r.stderr

r = aws("get-bucket-policy-status", "--bucket", "cli")
assert r.returncode != 0 and "NoSuchBucketPolicy" in r.stderr, r
a.delete_public_access_block(Bucket="cli")
a.put_bucket_policy(Bucket="cli", Policy=doc(allow("s3:GetObject", "arn:aws:s3:::cli/*", Principal="*")))
r = aws("get-bucket-policy-status", "--bucket", "cli")
assert r.returncode == 0, r.stderr
assert json.loads(r.stdout) == {"PolicyStatus": {"IsPublic": True}}, r.stdout
a.put_bucket_policy(Bucket="cli", Policy=doc(allow(
    "s3:GetObject", "arn:aws:s3:::cli/*", Principal="*",
    Condition={"IpAddress": {"aws:SourceIp": "192.168.0.0/16"}})))
r = aws("get-bucket-policy-status", "--bucket", "cli")
assert json.loads(r.stdout) == {"PolicyStatus": {"IsPublic": False}}, (r.stdout, r.stderr)
print("ok")
"##
    ))
    .await;
    println!("{out}");
    assert!(out.ends_with("ok\n"), "{out}");
}

/// S3 Control calls reach the audit trail like S3's, under their operation and caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_settings_calls_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start_own(dir.path()).await;
    common::boto3(
        script!(
            r##"
ctl = control()
ctl.put_public_access_block(AccountId=ALPHA_ID, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
assert ctl.get_public_access_block(AccountId=ALPHA_ID)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
"##
        ),
        &server.endpoint,
    )
    .await;
    let events = common::audit_events(dir.path()).await;
    let seen: Vec<(String, Option<String>)> = events
        .iter()
        .map(|e| {
            let name = e.get("eventName").and_then(|v| v.as_str()).unwrap_or("");
            let arn = e
                .get("userIdentity")
                .and_then(|i| i.get("arn"))
                .and_then(|v| v.as_str());
            (name.to_string(), arn.map(str::to_string))
        })
        .collect();
    let root = Some("arn:aws:iam::111111111111:root".to_string());
    assert!(
        seen.contains(&("PutPublicAccessBlock".into(), root.clone())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("GetPublicAccessBlock".into(), root)),
        "{seen:?}"
    );
}
