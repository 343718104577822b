//! The IAM and STS APIs driven by boto3 against the real server, with AWS's documented behaviour
//! as the expectation: users, groups, roles, access keys, inline and managed policies, tags, the
//! account views, IAM calls authorized like any other, STS identities, AssumeRole's rules,
//! session tags and policies as S3 sees them, and expired temporary credentials.
//!
//! Each script asserts as it goes (a failed assertion exits non-zero and fails the test with
//! its traceback) and prints what the Rust side checks besides.

mod common;

/// Prepends the helpers every script uses to a script's body.
macro_rules! script {
    ($body:literal) => {
        concat!(
            r##"
import sys, json, re, time, urllib.parse
import boto3, botocore
from botocore.config import Config

EP = sys.argv[1]
ACCOUNT = "111111111111"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ALPHA = ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
BETA = ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
AWS_MANAGED = ["AdministratorAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
               "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess"]


def client(service, creds=ALPHA, validate=True):
    """A client signing with (key, secret[, token]): no retries, path-style S3; with
    validate=False boto3 sends what it is given, so the server's own checks answer."""
    cfg = Config(retries={"max_attempts": 1}, parameter_validation=validate,
                 s3={"addressing_style": "path"},
                 request_checksum_calculation="when_required",
                 response_checksum_validation="when_required")
    return boto3.client(service, endpoint_url=EP, region_name="us-east-1",
                        aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                        aws_session_token=creds[2] if len(creds) > 2 else None, config=cfg)


def keys_of(answer):
    """(key, secret) of CreateAccessKey's answer, (key, secret, token) of an STS answer."""
    if "AccessKey" in answer:
        k = answer["AccessKey"]
        return (k["AccessKeyId"], k["SecretAccessKey"])
    c = answer["Credentials"]
    return (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def fails(code, status, fn, **kwargs):
    """Calls fn, which must fail with `code` and HTTP `status` (an int or a tuple of them);
    returns the error's message and the response headers."""
    try:
        fn(**kwargs)
    except botocore.exceptions.ClientError as e:
        r = e.response
        got = (r["Error"].get("Code"), r["ResponseMetadata"]["HTTPStatusCode"])
        statuses = status if isinstance(status, tuple) else (status,)
        assert got[0] == code and got[1] in statuses, \
            f"{fn.__name__}({kwargs}): expected {code} {status}, got {got}: {r['Error'].get('Message')}"
        return {"message": r["Error"].get("Message", ""),
                "headers": r["ResponseMetadata"]["HTTPHeaders"]}
    raise AssertionError(f"{fn.__name__}({kwargs}) succeeded; expected {code} {status}")


def explained(e):
    """The decision, the layer and the policy of a denial's x-gatehouse-* headers."""
    h = e["headers"]
    policy = h.get("x-gatehouse-policy")
    return (h.get("x-gatehouse-decision"), h.get("x-gatehouse-denied-by"),
            urllib.parse.unquote(policy) if policy else None)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trusting(principal, action="sts:AssumeRole", **extra):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, **extra})


def arn(kind, name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def new_user(iam, name, **kwargs):
    """Creates a user with an access key; returns the key."""
    iam.create_user(UserName=name, **kwargs)
    return keys_of(iam.create_access_key(UserName=name))


def names(items, field):
    return [x[field] for x in items]
"##,
            $body
        )
    };
}

use common::boto3_on_new_server as run;

/// Users: create with a path, tags and a boundary; GetUser (also for the caller itself); list
/// by path prefix and page by page; rename and move; delete; AWS's errors and the
/// DeleteConflicts a user's keys, policies and groups cause. Groups and their members.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_groups() {
    let out = run(script!(
        r##"
iam = client("iam")
unchecked = client("iam", validate=False)

boundary = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
created = iam.create_user(UserName="alice", Path="/eng/", PermissionsBoundary=boundary,
                          Tags=[{"Key": "team", "Value": "blue"}])["User"]
assert created["Arn"] == arn("user", "alice", "/eng/"), created
assert (created["UserName"], created["Path"]) == ("alice", "/eng/"), created
assert re.fullmatch(r"AIDA[A-Z0-9]{17}", created["UserId"]), created
assert created["Tags"] == [{"Key": "team", "Value": "blue"}], created
assert created["PermissionsBoundary"] == {
    "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}, created
got = iam.get_user(UserName="alice")["User"]
for field in ("Arn", "UserId", "Path", "Tags", "PermissionsBoundary"):
    assert got[field] == created[field], (field, got)

# GetUser without a name answers for the calling user.
bob = new_user(iam, "bob")
iam.put_user_policy(UserName="bob", PolicyName="self",
                    PolicyDocument=doc(allow("iam:GetUser", arn("user", "bob"))))
me = client("iam", bob).get_user()["User"]
assert (me["UserName"], me["Arn"]) == ("bob", arn("user", "bob")), me

# Lists: by path prefix, and page by page with MaxItems and Marker.
for name in ("carol", "dave"):
    iam.create_user(UserName=name)
assert names(iam.list_users(PathPrefix="/eng/")["Users"], "UserName") == ["alice"]
page = iam.list_users(MaxItems=1)
assert page["IsTruncated"] and page["Marker"], page
listed = []
while True:
    assert len(page["Users"]) == 1, page
    listed += names(page["Users"], "UserName")
    if not page["IsTruncated"]:
        break
    page = iam.list_users(MaxItems=1, Marker=page["Marker"])
assert listed == ["alice", "bob", "carol", "dave"], listed
paginated = [u["UserName"] for p in iam.get_paginator("list_users").paginate(
    PaginationConfig={"PageSize": 3}) for u in p["Users"]]
assert paginated == listed, paginated

# UpdateUser renames and moves; the user's key signs as the renamed user.
dave = keys_of(iam.create_access_key(UserName="dave"))
iam.update_user(UserName="dave", NewUserName="david", NewPath="/ops/")
fails("NoSuchEntity", 404, iam.get_user, UserName="dave")
assert iam.get_user(UserName="david")["User"]["Arn"] == arn("user", "david", "/ops/")
assert names(iam.list_users(PathPrefix="/ops/")["Users"], "UserName") == ["david"]
assert client("sts", dave).get_caller_identity()["Arn"] == arn("user", "david", "/ops/")

iam.delete_user(UserName="carol")
e = fails("NoSuchEntity", 404, iam.get_user, UserName="carol")
assert e["message"] == "The user with name carol cannot be found.", e

# Names are unique whatever their case; bad and missing names are AWS's ValidationErrors.
e = fails("EntityAlreadyExists", 409, iam.create_user, UserName="ALICE")
assert e["message"] == "User with name ALICE already exists.", e
e = fails("ValidationError", 400, iam.create_user, UserName="bad name!")
assert e["message"] == ("1 validation error detected: Value 'bad name!' at 'userName' failed to "
                        "satisfy constraint: Member must satisfy regular expression pattern: "
                        "[\\w+=,.@-]+"), e
e = fails("ValidationError", 400, unchecked.create_user)
assert e["message"] == ("1 validation error detected: Value null at 'userName' failed to satisfy "
                        "constraint: Member must not be null"), e
fails("ValidationError", 400, iam.create_user, UserName="u" * 65)

# DeleteUser refuses while the user has a key, an inline policy, an attached policy, a group.
def conflict(what):
    e = fails("DeleteConflict", 409, iam.delete_user, UserName="bob")
    assert e["message"].startswith("Cannot delete entity, must ") and what in e["message"], e

conflict("access keys")
iam.delete_access_key(UserName="bob", AccessKeyId=bob[0])
conflict("policies")
iam.delete_user_policy(UserName="bob", PolicyName="self")
iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
conflict("detach all policies")
iam.detach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
iam.create_group(GroupName="tmp")
iam.add_user_to_group(GroupName="tmp", UserName="bob")
conflict("group")
iam.remove_user_from_group(GroupName="tmp", UserName="bob")
iam.delete_group(GroupName="tmp")
iam.delete_user(UserName="bob")
assert names(iam.list_users()["Users"], "UserName") == ["alice", "david"]

# Groups and membership.
group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
assert group["Arn"] == arn("group", "devs", "/eng/"), group
assert re.fullmatch(r"AGPA[A-Z0-9]{17}", group["GroupId"]), group
fails("EntityAlreadyExists", 409, iam.create_group, GroupName="Devs")
iam.add_user_to_group(GroupName="devs", UserName="alice")
iam.add_user_to_group(GroupName="devs", UserName="david")
got = iam.get_group(GroupName="devs")
assert got["Group"]["GroupId"] == group["GroupId"], got
assert names(got["Users"], "UserName") == ["alice", "david"], got
assert names(iam.list_groups_for_user(UserName="alice")["Groups"], "GroupName") == ["devs"]
assert names(iam.list_groups(PathPrefix="/eng/")["Groups"], "GroupName") == ["devs"]
fails("NoSuchEntity", 404, iam.add_user_to_group, GroupName="devs", UserName="nobody")
fails("NoSuchEntity", 404, iam.add_user_to_group, GroupName="nogroup", UserName="alice")
e = fails("DeleteConflict", 409, iam.delete_group, GroupName="devs")
assert e["message"] == "Cannot delete entity, must remove users from group first.", e
iam.remove_user_from_group(GroupName="devs", UserName="alice")
assert names(iam.get_group(GroupName="devs")["Users"], "UserName") == ["david"]
assert iam.list_groups_for_user(UserName="alice")["Groups"] == []
iam.remove_user_from_group(GroupName="devs", UserName="david")
iam.delete_group(GroupName="devs")
fails("NoSuchEntity", 404, iam.get_group, GroupName="devs")
assert iam.list_groups()["Groups"] == []
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}

/// Roles (trust policy, MaxSessionDuration, UpdateRole, UpdateAssumeRolePolicy, malformed trust
/// policies), access keys (two at most, Inactive ones refused by STS and S3), and inline
/// policies of users, groups and roles with their size limit and no Principal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_access_keys_and_inline_policies() {
    let out = run(script!(
        r##"
iam = client("iam")
unchecked = client("iam", validate=False)

trust = trusting(ROOT)
role = iam.create_role(RoleName="app", Path="/svc/", AssumeRolePolicyDocument=trust,
                       Description="the app", MaxSessionDuration=7200,
                       Tags=[{"Key": "env", "Value": "prod"}])["Role"]
assert role["Arn"] == arn("role", "app", "/svc/"), role
assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"]), role
# The document comes back URL-encoded, as on AWS, and boto3 decodes it into a dict.
assert role["AssumeRolePolicyDocument"] == json.loads(trust), role
assert (role["MaxSessionDuration"], role["Description"]) == (7200, "the app"), role
assert role["Tags"] == [{"Key": "env", "Value": "prod"}], role
got = iam.get_role(RoleName="app")["Role"]
for field in ("Arn", "RoleId", "AssumeRolePolicyDocument", "MaxSessionDuration", "Description"):
    assert got[field] == role[field], (field, got)
assert names(iam.list_roles(PathPrefix="/svc/")["Roles"], "RoleName") == ["app"]
fails("EntityAlreadyExists", 409, iam.create_role, RoleName="APP", AssumeRolePolicyDocument=trust)

# MaxSessionDuration is one to twelve hours.
for bad, bound in ((3599, "greater than or equal to 3600"), (43201, "less than or equal to 43200")):
    e = fails("ValidationError", 400, unchecked.create_role, RoleName="odd",
              AssumeRolePolicyDocument=trust, MaxSessionDuration=bad)
    assert "'maxSessionDuration'" in e["message"] and bound in e["message"], e
    fails("ValidationError", 400, unchecked.update_role, RoleName="app", MaxSessionDuration=bad)
fails("NoSuchEntity", 404, iam.get_role, RoleName="odd")
e = fails("ValidationError", 400, unchecked.create_role, RoleName="odd")
assert "'assumeRolePolicyDocument'" in e["message"], e

iam.update_role(RoleName="app", Description="still the app", MaxSessionDuration=43200)
got = iam.get_role(RoleName="app")["Role"]
assert (got["Description"], got["MaxSessionDuration"]) == ("still the app", 43200), got
new_trust = trusting("arn:aws:iam::222222222222:root")
iam.update_assume_role_policy(RoleName="app", PolicyDocument=new_trust)
assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"] == json.loads(new_trust)

# A malformed trust policy: MalformedPolicyDocument, saying where.
bad = '{"Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allow" "Action": "sts:AssumeRole"}]}'
e = fails("MalformedPolicyDocument", 400, iam.update_assume_role_policy, RoleName="app",
          PolicyDocument=bad)
assert re.search(r"\(line 3, column \d+\)", e["message"]), e
fails("MalformedPolicyDocument", 400, iam.create_role, RoleName="broken",
      AssumeRolePolicyDocument=bad)
e = fails("MalformedPolicyDocument", 400, iam.create_role, RoleName="broken",
          AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"AWS": ROOT},
                                        "Action": "sts:AssumeRole", "Resource": "*"}))
assert "Has prohibited field Resource" in e["message"], e
e = fails("MalformedPolicyDocument", 400, iam.create_role, RoleName="broken",
          AssumeRolePolicyDocument=doc(allow("sts:AssumeRole")))
assert "Principal" in e["message"], e
fails("NoSuchEntity", 404, iam.get_role, RoleName="broken")
assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"] == json.loads(new_trust)

# Access keys: AKIA... with a 40-character secret, two per user.
iam.create_user(UserName="kim")
k1 = iam.create_access_key(UserName="kim")["AccessKey"]
assert re.fullmatch(r"AKIA[A-Z0-9]{16}", k1["AccessKeyId"]), k1
assert len(k1["SecretAccessKey"]) == 40, k1
assert (k1["Status"], k1["UserName"]) == ("Active", "kim"), k1
k2 = iam.create_access_key(UserName="kim")["AccessKey"]
e = fails("LimitExceeded", 409, iam.create_access_key, UserName="kim")
assert e["message"] == "Cannot exceed quota for AccessKeysPerUser: 2", e

def statuses():
    return {k["AccessKeyId"]: k["Status"]
            for k in iam.list_access_keys(UserName="kim")["AccessKeyMetadata"]}

assert statuses() == {k1["AccessKeyId"]: "Active", k2["AccessKeyId"]: "Active"}
kim = (k1["AccessKeyId"], k1["SecretAccessKey"])
assert client("sts", kim).get_caller_identity()["Arn"] == arn("user", "kim")
iam.update_access_key(UserName="kim", AccessKeyId=kim[0], Status="Inactive")
assert statuses()[kim[0]] == "Inactive"
fails("InvalidClientTokenId", 403, client("sts", kim).get_caller_identity)
fails("InvalidAccessKeyId", 403, client("s3", kim).list_buckets)
e = fails("ValidationError", 400, unchecked.update_access_key, UserName="kim",
          AccessKeyId=kim[0], Status="Sleeping")
assert "[Active, Inactive]" in e["message"], e
iam.update_access_key(UserName="kim", AccessKeyId=kim[0], Status="Active")
assert client("sts", kim).get_caller_identity()["Arn"] == arn("user", "kim")
iam.delete_access_key(UserName="kim", AccessKeyId=kim[0])
assert statuses() == {k2["AccessKeyId"]: "Active"}
fails("InvalidClientTokenId", 403, client("sts", kim).get_caller_identity)
e = fails("NoSuchEntity", 404, iam.delete_access_key, UserName="kim", AccessKeyId=kim[0])
assert e["message"] == f"The Access Key with id {kim[0]} cannot be found.", e
# Without UserName, a user's key calls are about its own keys.
iam.put_user_policy(UserName="kim", PolicyName="own-keys", PolicyDocument=doc(
    allow(["iam:ListAccessKeys", "iam:CreateAccessKey"], arn("user", "kim"))))
kim2 = client("iam", (k2["AccessKeyId"], k2["SecretAccessKey"]))
assert names(kim2.list_access_keys()["AccessKeyMetadata"], "AccessKeyId") == [k2["AccessKeyId"]]
assert kim2.create_access_key()["AccessKey"]["UserName"] == "kim"
assert len(statuses()) == 2

# Inline policies of a user, a group and a role.
iam.create_group(GroupName="crew")
read = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
listing = doc(deny("s3:DeleteObject", "arn:aws:s3:::b/*"),
              allow("s3:ListBucket", "arn:aws:s3:::b",
                    Condition={"StringLike": {"s3:prefix": ["home/*"]}}))
for kind, owner, others in (("user", "kim", ["own-keys"]), ("group", "crew", []),
                            ("role", "app", [])):
    of = {f"{kind.capitalize()}Name": owner}
    put = getattr(iam, f"put_{kind}_policy")
    get = getattr(iam, f"get_{kind}_policy")
    listed = lambda: getattr(iam, f"list_{kind}_policies")(**of)["PolicyNames"]
    delete = getattr(iam, f"delete_{kind}_policy")
    put(**of, PolicyName="read", PolicyDocument=read)
    put(**of, PolicyName="list", PolicyDocument=listing)
    got = get(**of, PolicyName="list")
    assert got["PolicyDocument"] == json.loads(listing), (kind, got)
    assert (got["PolicyName"], got[f"{kind.capitalize()}Name"]) == ("list", owner), got
    assert sorted(listed()) == sorted(["list", "read"] + others), (kind, listed())
    put(**of, PolicyName="read", PolicyDocument=listing)
    assert get(**of, PolicyName="read")["PolicyDocument"] == json.loads(listing), kind
    delete(**of, PolicyName="read")
    assert sorted(listed()) == sorted(["list"] + others), (kind, listed())
    e = fails("NoSuchEntity", 404, get, **of, PolicyName="read")
    assert e["message"] == f"The {kind} policy with name read cannot be found.", e
    fails("NoSuchEntity", 404, delete, **of, PolicyName="read")
    e = fails("MalformedPolicyDocument", 400, put, **of, PolicyName="principal",
              PolicyDocument=doc(allow("s3:GetObject", Principal={"AWS": ROOT})))
    assert "Policy document should not specify a principal." in e["message"], e
    fails("MalformedPolicyDocument", 400, put, **of, PolicyName="broken", PolicyDocument="{")
    assert "principal" not in listed() and "broken" not in listed()
fails("NoSuchEntity", 404, iam.put_user_policy, UserName="nobody", PolicyName="p",
      PolicyDocument=read)
e = fails("DeleteConflict", 409, iam.delete_role, RoleName="app")
assert e["message"] == "Cannot delete entity, must delete policies first.", e
iam.delete_role_policy(RoleName="app", PolicyName="list")
iam.delete_role(RoleName="app")
fails("NoSuchEntity", 404, iam.get_role, RoleName="app")

# A user's inline policies share 2,048 characters, white space not counted.
iam.create_user(UserName="big")
size = lambda text: len("".join(text.split()))
many = [f"arn:aws:s3:::bucket-{i:03}/*" for i in range(100)]
e = fails("LimitExceeded", 409, iam.put_user_policy, UserName="big", PolicyName="huge",
          PolicyDocument=doc(allow("s3:GetObject", many)))
assert e["message"] == "Maximum policy size of 2048 bytes exceeded for user big", e
half = doc(allow("s3:GetObject", many[:45]))
assert 1024 < size(half) <= 2048, size(half)
iam.put_user_policy(UserName="big", PolicyName="one", PolicyDocument=half + " " * 4000)
fails("LimitExceeded", 409, iam.put_user_policy, UserName="big", PolicyName="two",
      PolicyDocument=half)
iam.put_user_policy(UserName="big", PolicyName="one", PolicyDocument=half)
assert iam.list_user_policies(UserName="big")["PolicyNames"] == ["one"]
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}

/// Managed policies (versions, default version, attachments, who they are attached to, the AWS
/// managed ones that nobody may change), tags on users, roles and policies, and the account
/// views GetAccountAuthorizationDetails and GetAccountSummary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_policies_tags_and_account_views() {
    let out = run(script!(
        r##"
iam = client("iam")
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

first = doc(allow("s3:GetObject"))
policy = iam.create_policy(PolicyName="readers", Path="/team/", PolicyDocument=first,
                           Description="read objects",
                           Tags=[{"Key": "owner", "Value": "ops"}])["Policy"]
pa = arn("policy", "readers", "/team/")
assert policy["Arn"] == pa, policy
assert re.fullmatch(r"ANPA[A-Z0-9]{17}", policy["PolicyId"]), policy
assert (policy["DefaultVersionId"], policy["AttachmentCount"], policy["IsAttachable"]) == \
    ("v1", 0, True), policy
assert policy["Tags"] == [{"Key": "owner", "Value": "ops"}], policy
e = fails("EntityAlreadyExists", 409, iam.create_policy, PolicyName="READERS", PolicyDocument=first)
assert e["message"] == "A policy called READERS already exists. Duplicate names are not allowed.", e
got = iam.get_policy(PolicyArn=pa)["Policy"]
assert (got["PolicyId"], got["Description"], got["Path"]) == \
    (policy["PolicyId"], "read objects", "/team/"), got
v1 = iam.get_policy_version(PolicyArn=pa, VersionId="v1")["PolicyVersion"]
assert v1["Document"] == json.loads(first) and v1["IsDefaultVersion"], v1
e = fails("MalformedPolicyDocument", 400, iam.create_policy, PolicyName="bad",
          PolicyDocument=doc(allow("s3:GetObject", Principal="*")))
assert "Policy document should not specify a principal." in e["message"], e
e = fails("NoSuchEntity", 404, iam.get_policy, PolicyArn=arn("policy", "nope"))
assert e["message"] == f"Policy {arn('policy', 'nope')} does not exist or is not attachable.", e

# ListPolicies: Scope Local (the account's), AWS (AWS managed), OnlyAttached.
assert names(iam.list_policies(Scope="Local")["Policies"], "PolicyName") == ["readers"]
aws = {p["PolicyName"]: p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]}
for name in AWS_MANAGED:
    assert aws[name] == f"arn:aws:iam::aws:policy/{name}", aws
assert all(a.startswith("arn:aws:iam::aws:policy/") for a in aws.values()), aws
everything = names(iam.list_policies()["Policies"], "PolicyName")
assert sorted(everything) == sorted(list(aws) + ["readers"]), everything
assert iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"] == []

# Versions: five at most; any may become the default; the default cannot be deleted.
for i in range(2, 6):
    v = iam.create_policy_version(PolicyArn=pa, SetAsDefault=False, PolicyDocument=doc(
        allow("s3:GetObject", f"arn:aws:s3:::b{i}/*")))["PolicyVersion"]
    assert (v["VersionId"], v["IsDefaultVersion"]) == (f"v{i}", False), v
e = fails("LimitExceeded", 409, iam.create_policy_version, PolicyArn=pa, PolicyDocument=first)
assert "5 versions" in e["message"], e
versions = iam.list_policy_versions(PolicyArn=pa)["Versions"]
assert sorted(names(versions, "VersionId")) == ["v1", "v2", "v3", "v4", "v5"], versions
assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v1"], versions
iam.set_default_policy_version(PolicyArn=pa, VersionId="v3")
assert iam.get_policy(PolicyArn=pa)["Policy"]["DefaultVersionId"] == "v3"
assert iam.get_policy_version(PolicyArn=pa, VersionId="v3")["PolicyVersion"]["IsDefaultVersion"]
assert not iam.get_policy_version(PolicyArn=pa, VersionId="v1")["PolicyVersion"]["IsDefaultVersion"]
e = fails("DeleteConflict", 409, iam.delete_policy_version, PolicyArn=pa, VersionId="v3")
assert e["message"] == "Cannot delete the default version of a policy.", e
iam.delete_policy_version(PolicyArn=pa, VersionId="v5")
fails("NoSuchEntity", 404, iam.get_policy_version, PolicyArn=pa, VersionId="v5")
fails("NoSuchEntity", 404, iam.set_default_policy_version, PolicyArn=pa, VersionId="v5")
# Version ids are not reused.
v = iam.create_policy_version(PolicyArn=pa, PolicyDocument=first, SetAsDefault=True)["PolicyVersion"]
assert (v["VersionId"], v["IsDefaultVersion"]) == ("v6", True), v
assert iam.get_policy(PolicyArn=pa)["Policy"]["DefaultVersionId"] == "v6"

# Attached to a user, a group and a role.
iam.create_user(UserName="mo")
iam.create_group(GroupName="ops")
trust = trusting(ROOT)
iam.create_role(RoleName="runner", AssumeRolePolicyDocument=trust)
iam.attach_user_policy(UserName="mo", PolicyArn=pa)
iam.attach_user_policy(UserName="mo", PolicyArn=ADMIN)
iam.attach_group_policy(GroupName="ops", PolicyArn=pa)
iam.attach_role_policy(RoleName="runner", PolicyArn=pa)
readers = {"PolicyName": "readers", "PolicyArn": pa}
admin = {"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}
attached = iam.list_attached_user_policies(UserName="mo")["AttachedPolicies"]
assert sorted(attached, key=lambda p: p["PolicyName"]) == [admin, readers], attached
assert iam.list_attached_group_policies(GroupName="ops")["AttachedPolicies"] == [readers]
assert iam.list_attached_role_policies(RoleName="runner")["AttachedPolicies"] == [readers]
entities = iam.list_entities_for_policy(PolicyArn=pa)
assert entities["PolicyUsers"] == [
    {"UserName": "mo", "UserId": iam.get_user(UserName="mo")["User"]["UserId"]}], entities
assert entities["PolicyGroups"] == [
    {"GroupName": "ops", "GroupId": iam.get_group(GroupName="ops")["Group"]["GroupId"]}], entities
assert entities["PolicyRoles"] == [
    {"RoleName": "runner", "RoleId": iam.get_role(RoleName="runner")["Role"]["RoleId"]}], entities
assert iam.get_policy(PolicyArn=pa)["Policy"]["AttachmentCount"] == 3
assert names(iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"], "PolicyName") == ["readers"]
assert names(iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"], "PolicyName") == \
    ["AdministratorAccess"]
e = fails("DeleteConflict", 409, iam.delete_policy, PolicyArn=pa)
assert e["message"] == "Cannot delete a policy attached to entities.", e
fails("NoSuchEntity", 404, iam.attach_user_policy, UserName="mo", PolicyArn=arn("policy", "nope"))
fails("NoSuchEntity", 404, iam.attach_user_policy, UserName="nobody", PolicyArn=pa)

# The AWS managed policies: there, readable, and nobody's to change.
for name in AWS_MANAGED:
    a = f"arn:aws:iam::aws:policy/{name}"
    got = iam.get_policy(PolicyArn=a)["Policy"]
    assert (got["Arn"], got["Path"], got["PolicyName"]) == (a, "/", name), got
    v = iam.get_policy_version(PolicyArn=a, VersionId=got["DefaultVersionId"])["PolicyVersion"]
    assert v["IsDefaultVersion"] and v["Document"]["Statement"], (name, v)
    fails("AccessDenied", 403, iam.create_policy_version, PolicyArn=a, PolicyDocument=first)
    fails("AccessDenied", 403, iam.delete_policy, PolicyArn=a)
    fails("AccessDenied", 403, iam.set_default_policy_version, PolicyArn=a,
          VersionId=got["DefaultVersionId"])
admin_doc = iam.get_policy_version(PolicyArn=ADMIN, VersionId=iam.get_policy(
    PolicyArn=ADMIN)["Policy"]["DefaultVersionId"])["PolicyVersion"]["Document"]
assert admin_doc["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}], admin_doc

# Tags on users, roles and policies: at most 50; 'aws:' is AWS's.
for kind, target, before in (("user", {"UserName": "mo"}, {}),
                             ("role", {"RoleName": "runner"}, {}),
                             ("policy", {"PolicyArn": pa}, {"owner": "ops"})):
    tag = getattr(iam, f"tag_{kind}")
    untag = getattr(iam, f"untag_{kind}")
    tags = lambda: {t["Key"]: t["Value"] for t in getattr(iam, f"list_{kind}_tags")(**target)["Tags"]}
    tag(**target, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    assert tags() == {**before, "a": "1", "b": "2"}, (kind, tags())
    tag(**target, Tags=[{"Key": "a", "Value": "one"}])
    untag(**target, TagKeys=["b"])
    assert tags() == {**before, "a": "one"}, (kind, tags())
    e = fails("LimitExceeded", 409, tag, **target,
              Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert "50" in e["message"], e
    assert tags() == {**before, "a": "one"}, (kind, tags())
    e = fails("InvalidInput", 400, tag, **target, Tags=[{"Key": "aws:team", "Value": "x"}])
    assert "aws:" in e["message"], e
    assert tags() == {**before, "a": "one"}, (kind, tags())
fails("NoSuchEntity", 404, iam.tag_user, UserName="nobody", Tags=[{"Key": "a", "Value": "1"}])
fails("LimitExceeded", 409, iam.create_user, UserName="tagged",
      Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
fails("NoSuchEntity", 404, iam.get_user, UserName="tagged")
iam.tag_user(UserName="mo", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)])
assert len(iam.list_user_tags(UserName="mo")["Tags"]) == 50

# GetAccountAuthorizationDetails: everything, with the inline documents.
user_doc, group_doc, role_doc = (doc(allow(a)) for a in ("s3:ListBucket", "s3:PutObject", "s3:*"))
iam.put_user_policy(UserName="mo", PolicyName="mo-inline", PolicyDocument=user_doc)
iam.put_group_policy(GroupName="ops", PolicyName="ops-inline", PolicyDocument=group_doc)
iam.put_role_policy(RoleName="runner", PolicyName="runner-inline", PolicyDocument=role_doc)
iam.add_user_to_group(GroupName="ops", UserName="mo")
details = iam.get_account_authorization_details()
assert not details["IsTruncated"]
(mo,) = details["UserDetailList"]
assert (mo["UserName"], mo["Arn"], mo["GroupList"]) == ("mo", arn("user", "mo"), ["ops"]), mo
assert mo["UserPolicyList"] == [{"PolicyName": "mo-inline", "PolicyDocument": json.loads(user_doc)}], mo
assert sorted(mo["AttachedManagedPolicies"], key=lambda p: p["PolicyName"]) == [admin, readers], mo
assert {t["Key"] for t in mo["Tags"]} >= {"a", "k0"}, mo
(ops,) = details["GroupDetailList"]
assert ops["GroupName"] == "ops" and ops["AttachedManagedPolicies"] == [readers], ops
assert ops["GroupPolicyList"] == [{"PolicyName": "ops-inline", "PolicyDocument": json.loads(group_doc)}], ops
(runner,) = details["RoleDetailList"]
assert runner["RoleName"] == "runner" and runner["AttachedManagedPolicies"] == [readers], runner
assert runner["AssumeRolePolicyDocument"] == json.loads(trust), runner
assert runner["RolePolicyList"] == [{"PolicyName": "runner-inline", "PolicyDocument": json.loads(role_doc)}], runner
policies = {p["PolicyName"]: p for p in details["Policies"]}
# AWS managed policies appear when something uses them.
assert sorted(policies) == ["AdministratorAccess", "readers"], sorted(policies)
defaults = [v for v in policies["readers"]["PolicyVersionList"] if v["IsDefaultVersion"]]
assert [(v["VersionId"], v["Document"]) for v in defaults] == [("v6", json.loads(first))], defaults
assert len(policies["readers"]["PolicyVersionList"]) == 5
only_roles = iam.get_account_authorization_details(Filter=["Role"])
assert (only_roles["UserDetailList"], only_roles["GroupDetailList"], only_roles["Policies"]) == ([], [], [])
assert names(only_roles["RoleDetailList"], "RoleName") == ["runner"]

# GetAccountSummary: the counts match what the lists say.
iam.create_user(UserName="second")
summary = iam.get_account_summary()["SummaryMap"]
assert summary["Users"] == len(iam.list_users()["Users"]) == 2, summary
assert summary["Groups"] == len(iam.list_groups()["Groups"]) == 1, summary
assert summary["Roles"] == len(iam.list_roles()["Roles"]) == 1, summary
assert summary["Policies"] == len(iam.list_policies(Scope="Local")["Policies"]) == 1, summary
assert (summary["AccessKeysPerUserQuota"], summary["VersionsPerPolicyQuota"],
        summary["UserPolicySizeQuota"], summary["PolicySizeQuota"]) == (2, 5, 2048, 6144), summary

# Detached everywhere, with only its default version left, the policy can go.
iam.detach_user_policy(UserName="mo", PolicyArn=pa)
iam.detach_group_policy(GroupName="ops", PolicyArn=pa)
iam.detach_role_policy(RoleName="runner", PolicyArn=pa)
fails("NoSuchEntity", 404, iam.detach_role_policy, RoleName="runner", PolicyArn=pa)
assert iam.list_attached_role_policies(RoleName="runner")["AttachedPolicies"] == []
assert iam.list_attached_user_policies(UserName="mo")["AttachedPolicies"] == [admin]
assert iam.list_entities_for_policy(PolicyArn=pa)["PolicyUsers"] == []
for v in iam.list_policy_versions(PolicyArn=pa)["Versions"]:
    if not v["IsDefaultVersion"]:
        iam.delete_policy_version(PolicyArn=pa, VersionId=v["VersionId"])
iam.delete_policy(PolicyArn=pa)
fails("NoSuchEntity", 404, iam.get_policy, PolicyArn=pa)
assert iam.list_policies(Scope="Local")["Policies"] == []
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}

/// IAM calls are authorized like any other: a user with no policy is refused with AWS's message
/// and Gatehouse's explanation headers; an attached policy applies at once; an explicit deny in
/// an inline policy wins; the resource is the user's ARN with its path; a permissions boundary
/// limits IAM calls too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_calls_are_authorized() {
    let out = run(script!(
        r##"
iam = client("iam")
nina = client("iam", new_user(iam, "nina"))

e = fails("AccessDenied", 403, nina.create_user, UserName="other")
print(e["message"])
print(*explained(e))
fails("AccessDenied", 403, nina.get_user)
fails("NoSuchEntity", 404, iam.get_user, UserName="other")

iam.attach_user_policy(UserName="nina", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
assert nina.create_user(UserName="other")["User"]["Arn"] == arn("user", "other")
assert nina.get_user()["User"]["UserName"] == "nina"

iam.put_user_policy(UserName="nina", PolicyName="no-deletes",
                    PolicyDocument=doc(deny("iam:DeleteUser")))
e = fails("AccessDenied", 403, nina.delete_user, UserName="other")
print(e["message"])
print(*explained(e))
iam.delete_user_policy(UserName="nina", PolicyName="no-deletes")
nina.delete_user(UserName="other")

# Read-only: lists and gets, no changes.
iam.detach_user_policy(UserName="nina", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
iam.attach_user_policy(UserName="nina", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
assert names(nina.list_users()["Users"], "UserName") == ["nina"]
fails("AccessDenied", 403, nina.create_user, UserName="other")

# The resource is the user's ARN, path included.
iam.put_user_policy(UserName="nina", PolicyName="contractors", PolicyDocument=doc(
    allow("iam:CreateUser", arn("user", "*", "/contractors/"))))
nina.create_user(UserName="c1", Path="/contractors/")
fails("AccessDenied", 403, nina.create_user, UserName="c2")

# A permissions boundary caps what the identity policies grant, IAM included.
iam.put_user_permissions_boundary(UserName="nina",
                                  PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
e = fails("AccessDenied", 403, nina.list_users)
assert explained(e)[:2] == ("implicitDeny", "permissions_boundary"), explained(e)
iam.delete_user_permissions_boundary(UserName="nina")
assert names(nina.list_users()["Users"], "UserName") == ["c1", "nina"]
"##
    ))
    .await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "User: arn:aws:iam::111111111111:user/nina is not authorized to perform: \
             iam:CreateUser on resource: arn:aws:iam::111111111111:user/other because no \
             identity-based policy allows the iam:CreateUser action",
            "implicitDeny identity None",
            "User: arn:aws:iam::111111111111:user/nina is not authorized to perform: \
             iam:DeleteUser on resource: arn:aws:iam::111111111111:user/other with an explicit \
             deny in an identity-based policy",
            "explicitDeny identity arn:aws:iam::111111111111:user/nina#inline/no-deletes",
        ]
    );
}

/// STS: GetCallerIdentity for root, a user and a role session; AssumeRole's rules (the trust
/// policy naming the user is enough in the same account, naming the account needs an identity
/// allow too, across accounts both sides must allow, root may not, ExternalId, durations, role
/// chaining); bad session tokens; GetSessionToken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_identities_and_assume_role() {
    let out = run(script!(
        r##"
iam = client("iam")
sts = client("sts")
me = sts.get_caller_identity()
assert (me["Account"], me["Arn"], me["UserId"]) == (ACCOUNT, ROOT, ACCOUNT), me

ursula = new_user(iam, "ursula")
usts = client("sts", ursula)
me = usts.get_caller_identity()
assert (me["Account"], me["Arn"]) == (ACCOUNT, arn("user", "ursula")), me
assert me["UserId"] == iam.get_user(UserName="ursula")["User"]["UserId"], me
assert me["UserId"].startswith("AIDA"), me

# Same account, a trust policy naming the user: no identity policy needed.
direct = iam.create_role(RoleName="direct", MaxSessionDuration=7200,
                         AssumeRolePolicyDocument=trusting(arn("user", "ursula")))["Role"]
s = usts.assume_role(RoleArn=direct["Arn"], RoleSessionName="first")
assert s["AssumedRoleUser"] == {
    "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/direct/first",
    "AssumedRoleId": direct["RoleId"] + ":first"}, s
c = s["Credentials"]
assert re.fullmatch(r"ASIA[A-Z0-9]{16}", c["AccessKeyId"]), c
assert len(c["SecretAccessKey"]) == 40 and c["SessionToken"], c
assert abs(c["Expiration"].timestamp() - (time.time() + 3600)) < 120, c
first = keys_of(s)
me = client("sts", first).get_caller_identity()
assert (me["Account"], me["Arn"], me["UserId"]) == (
    ACCOUNT, f"arn:aws:sts::{ACCOUNT}:assumed-role/direct/first", direct["RoleId"] + ":first"), me

e = fails("AccessDenied", 403, sts.assume_role, RoleArn=direct["Arn"], RoleSessionName="root")
assert e["message"] == "Roles may not be assumed by root accounts.", e

# DurationSeconds: up to the role's MaxSessionDuration.
e = fails("ValidationError", 400, usts.assume_role, RoleArn=direct["Arn"],
          RoleSessionName="long", DurationSeconds=7201)
assert e["message"] == \
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", e
long = usts.assume_role(RoleArn=direct["Arn"], RoleSessionName="long", DurationSeconds=7200)
assert abs(long["Credentials"]["Expiration"].timestamp() - (time.time() + 7200)) < 120, long

# Role chaining: a role session gets at most an hour.
iam.create_role(RoleName="second", AssumeRolePolicyDocument=trusting(direct["Arn"]),
                MaxSessionDuration=43200)
chain = client("sts", first)
e = fails("ValidationError", 400, chain.assume_role, RoleArn=arn("role", "second"),
          RoleSessionName="chained", DurationSeconds=3601)
assert "role chaining" in e["message"], e
chained = chain.assume_role(RoleArn=arn("role", "second"), RoleSessionName="chained")
assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/second/chained"

# A trust policy naming the account: the user's identity policy must allow it too.
iam.create_role(RoleName="by-account", AssumeRolePolicyDocument=trusting(ROOT))
e = fails("AccessDenied", 403, usts.assume_role, RoleArn=arn("role", "by-account"),
          RoleSessionName="try")
print(e["message"])
iam.put_user_policy(UserName="ursula", PolicyName="assume", PolicyDocument=doc(
    allow("sts:AssumeRole", arn("role", "by-account"))))
usts.assume_role(RoleArn=arn("role", "by-account"), RoleSessionName="try")
# An explicit deny beats a trust policy naming the user.
iam.put_user_policy(UserName="ursula", PolicyName="not-direct",
                    PolicyDocument=doc(deny("sts:AssumeRole", direct["Arn"])))
fails("AccessDenied", 403, usts.assume_role, RoleArn=direct["Arn"], RoleSessionName="no")
iam.delete_user_policy(UserName="ursula", PolicyName="not-direct")
fails("AccessDenied", 403, usts.assume_role, RoleArn=arn("role", "nope"), RoleSessionName="no")

# Across accounts both the trust policy and the caller's identity policy must allow.
beta = client("iam", BETA)
bert = new_user(beta, "bert")
shared = iam.create_role(RoleName="shared", AssumeRolePolicyDocument=trusting(
    "arn:aws:iam::222222222222:user/bert"))["Role"]
bsts = client("sts", bert)
fails("AccessDenied", 403, bsts.assume_role, RoleArn=shared["Arn"], RoleSessionName="visit")
beta.put_user_policy(UserName="bert", PolicyName="assume",
                     PolicyDocument=doc(allow("sts:AssumeRole")))
visit = bsts.assume_role(RoleArn=shared["Arn"], RoleSessionName="visit")
me = client("sts", keys_of(visit)).get_caller_identity()
assert (me["Account"], me["Arn"]) == (ACCOUNT, f"arn:aws:sts::{ACCOUNT}:assumed-role/shared/visit"), me
fails("AccessDenied", 403, bsts.assume_role, RoleArn=arn("role", "by-account"),
      RoleSessionName="visit")

# sts:ExternalId in the trust policy: missing or wrong is refused.
iam.create_role(RoleName="vendor", AssumeRolePolicyDocument=trusting(
    arn("user", "ursula"), Condition={"StringEquals": {"sts:ExternalId": "open-sesame"}}))
fails("AccessDenied", 403, usts.assume_role, RoleArn=arn("role", "vendor"), RoleSessionName="v1")
fails("AccessDenied", 403, usts.assume_role, RoleArn=arn("role", "vendor"), RoleSessionName="v1",
      ExternalId="wrong-guess")
usts.assume_role(RoleArn=arn("role", "vendor"), RoleSessionName="v1", ExternalId="open-sesame")

# Temporary credentials need their own session token.
fails("InvalidClientTokenId", 403, client("sts", (first[0], first[1], first[2] + "x")).get_caller_identity)
fails("InvalidClientTokenId", 403, client("sts", first[:2]).get_caller_identity)
fails("InvalidClientTokenId", 403, client("iam", (first[0], first[1], "GHnot-the-token")).list_users)

# GetSessionToken: temporary credentials that act as the user.
gst = usts.get_session_token(DurationSeconds=900)
assert abs(gst["Credentials"]["Expiration"].timestamp() - (time.time() + 900)) < 120, gst
user_session = client("sts", keys_of(gst))
me = user_session.get_caller_identity()
assert (me["Arn"], me["UserId"]) == (arn("user", "ursula"), iam.get_user(
    UserName="ursula")["User"]["UserId"]), me
# by-account needs ursula's identity policy: the session has it.
user_session.assume_role(RoleArn=arn("role", "by-account"), RoleSessionName="via-token")
e = fails("AccessDenied", 403, user_session.get_session_token)
assert e["message"] == "Cannot call GetSessionToken with session credentials", e
fails("AccessDenied", 403, client("sts", first).get_session_token)
"##
    ))
    .await;
    assert!(
        out.trim().starts_with(
            "User: arn:aws:iam::111111111111:user/ursula is not authorized to perform: \
             sts:AssumeRole on resource: arn:aws:iam::111111111111:role/by-account"
        ),
        "{out}"
    );
}

/// Session tags need sts:TagSession in the trust policy and become aws:PrincipalTag/* in S3's
/// decisions; an inline session policy narrows what the role grants (denied by the session
/// layer); S3 refuses a wrong session token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_tags_and_session_policies_in_s3() {
    let out = run(script!(
        r##"
iam = client("iam")
s3 = client("s3")
s3.create_bucket(Bucket="tagged")
s3.put_object(Bucket="tagged", Key="k", Body=b"hello")
tess = client("sts", new_user(iam, "tess"))
blue = [{"Key": "team", "Value": "blue"}]

iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trusting(arn("user", "tess")))
iam.put_role_policy(RoleName="reader", PolicyName="by-tag", PolicyDocument=doc(allow(
    "s3:GetObject", "arn:aws:s3:::tagged/*",
    Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})))
e = fails("AccessDenied", 403, tess.assume_role, RoleArn=arn("role", "reader"),
          RoleSessionName="tagged", Tags=blue)
assert "sts:TagSession" in e["message"], e
iam.update_assume_role_policy(RoleName="reader", PolicyDocument=trusting(
    arn("user", "tess"), ["sts:AssumeRole", "sts:TagSession"]))

def session(role, name, **kwargs):
    return client("s3", keys_of(tess.assume_role(RoleArn=arn("role", role),
                                                 RoleSessionName=name, **kwargs)))

as_blue = session("reader", "blue", Tags=blue)
assert as_blue.get_object(Bucket="tagged", Key="k")["Body"].read() == b"hello"
as_red = session("reader", "red", Tags=[{"Key": "team", "Value": "red"}])
e = fails("AccessDenied", 403, as_red.get_object, Bucket="tagged", Key="k")
assert e["message"].startswith(
    f"User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/red is not authorized to perform: "
    "s3:GetObject"), e
fails("AccessDenied", 403, session("reader", "untagged").get_object, Bucket="tagged", Key="k")
# The role's own tag serves when the session sets none; a session tag overrides it.
iam.tag_role(RoleName="reader", Tags=blue)
assert session("reader", "role-tag").get_object(Bucket="tagged", Key="k")["Body"].read() == b"hello"
fails("AccessDenied", 403, session("reader", "red2", Tags=[{"Key": "team", "Value": "red"}]).get_object,
      Bucket="tagged", Key="k")

# An inline session policy narrows the role: s3:* by the role, only ListBucket by the session.
iam.create_role(RoleName="wide", AssumeRolePolicyDocument=trusting(arn("user", "tess")))
iam.put_role_policy(RoleName="wide", PolicyName="all-s3", PolicyDocument=doc(allow("s3:*")))
narrow = session("wide", "narrow", Policy=doc(allow("s3:ListBucket", "arn:aws:s3:::tagged")))
assert names(narrow.list_objects_v2(Bucket="tagged")["Contents"], "Key") == ["k"]
e = fails("AccessDenied", 403, narrow.get_object, Bucket="tagged", Key="k")
assert explained(e)[:2] == ("implicitDeny", "session"), explained(e)
assert "because no session policy allows the s3:GetObject action" in e["message"], e
full = session("wide", "full")
assert full.get_object(Bucket="tagged", Key="k")["Body"].read() == b"hello"
# A session policy never grants more than the role.
iam.delete_role_policy(RoleName="wide", PolicyName="all-s3")
e = fails("AccessDenied", 403, session("wide", "wider", Policy=doc(allow("s3:*"))).get_object,
          Bucket="tagged", Key="k")
assert explained(e)[:2] == ("implicitDeny", "identity"), explained(e)
e = fails("MalformedPolicyDocument", 400, tess.assume_role, RoleArn=arn("role", "wide"),
          RoleSessionName="bad", Policy="{")

# S3 refuses temporary credentials with a wrong token, or none.
creds = keys_of(tess.assume_role(RoleArn=arn("role", "reader"), RoleSessionName="token"))
fails("InvalidToken", 400, client("s3", (creds[0], creds[1], creds[2] + "x")).list_objects_v2,
      Bucket="tagged")
fails("InvalidAccessKeyId", 403, client("s3", creds[:2]).list_objects_v2, Bucket="tagged")
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}

/// Temporary credentials past their expiry: ExpiredToken from STS, IAM and S3. The session is
/// written into the data directory with the store (no waiting fifteen minutes), between two
/// runs of the server; a fresh session written alongside it still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_temporary_credentials_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = common::start_own(dir.path()).await;
        let out = common::boto3(
            script!(
                r##"
iam = client("iam")
iam.create_role(RoleName="expiring", AssumeRolePolicyDocument=trusting(ROOT))
iam.put_role_policy(RoleName="expiring", PolicyName="s3", PolicyDocument=doc(allow("s3:*")))
client("s3").create_bucket(Bucket="still-here")
print("ok")
"##
            ),
            &server.endpoint,
        )
        .await;
        assert_eq!(out.trim(), "ok");
    }
    let (expired, fresh) = {
        let store = store::Store::open(dir.path()).unwrap();
        let role = store
            .entity("111111111111", store::EntityKind::Role, "expiring")
            .unwrap();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let session = |name: &str, expires_ms: i64| {
            let key = store
                .create_session(&store::NewSession {
                    account_id: "111111111111",
                    principal_arn: &format!(
                        "arn:aws:sts::111111111111:assumed-role/expiring/{name}"
                    ),
                    source_arn: &role.arn,
                    source_id: Some(&role.id),
                    session_name: Some(name),
                    source_identity: None,
                    policy: None,
                    policy_arns: &[],
                    tags: &[],
                    expires_ms,
                })
                .unwrap();
            format!(
                "({:?}, {:?}, {:?})",
                key.access_key_id,
                key.secret,
                key.session_token.unwrap()
            )
        };
        (
            session("old", now_ms - 60_000),
            session("new", now_ms + 3_600_000),
        )
    };
    let server = common::start_own(dir.path()).await;
    let script = script!(
        r##"
old, new = @EXPIRED@, @FRESH@
me = client("sts", new).get_caller_identity()
assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/expiring/new", me
assert names(client("s3", new).list_buckets()["Buckets"], "Name") == ["still-here"]
e = fails("ExpiredToken", (400, 403), client("sts", old).get_caller_identity)
print("sts", e["message"])
fails("ExpiredToken", (400, 403), client("iam", old).list_users)
e = fails("ExpiredToken", (400, 403), client("s3", old).list_buckets)
print("s3", e["message"])
fails("ExpiredToken", (400, 403), client("s3", old).list_objects_v2, Bucket="still-here")
"##
    )
    .replace("@EXPIRED@", &expired)
    .replace("@FRESH@", &fresh);
    let out = common::boto3(Box::leak(script.into_boxed_str()), &server.endpoint).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "sts The security token included in the request is expired",
            "s3 The provided token has expired."
        ]
    );
}

/// The finer rules: a policy with extra versions cannot be deleted; a boundary must be the
/// account's own or AWS's; a trust policy may only name principals that exist; GetSessionToken
/// credentials cannot call IAM; root without `UserName` manages its own keys and GetUser
/// answers for it; lists leave out boundaries; ListPolicies' and ListEntitiesForPolicy's
/// filters; AssumeRole checks its parameters before anything else; PackedPolicySize only when
/// the session carries policies or tags; a deleted role's sessions keep their credentials but
/// gain nothing from a new role of the same name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finer_rules() {
    run(script!(
        r##"
iam = client("iam")
pol = doc(allow("s3:GetObject"))

# DeletePolicy refuses a policy that still has non-default versions.
p = iam.create_policy(PolicyName="versions", PolicyDocument=pol)["Policy"]["Arn"]
iam.create_policy_version(PolicyArn=p, PolicyDocument=doc(allow("s3:ListBucket")))
fails("DeleteConflict", 409, iam.delete_policy, PolicyArn=p)
iam.delete_policy_version(PolicyArn=p, VersionId="v2")
iam.delete_policy(PolicyArn=p)

# Another account's customer policy cannot be a boundary, at creation or after.
beta_policy = client("iam", BETA).create_policy(PolicyName="betas", PolicyDocument=pol)["Policy"]["Arn"]
fails("NoSuchEntity", 404, iam.create_user, UserName="u1", PermissionsBoundary=beta_policy)
fails("NoSuchEntity", 404, iam.get_user, UserName="u1")

# A trust policy naming a user that does not exist is refused, with a position.
e = fails("MalformedPolicyDocument", 400, iam.create_role, RoleName="r0",
          AssumeRolePolicyDocument=trusting(arn("user", "nobody")))
assert "Invalid principal in policy" in e["message"] and "line" in e["message"], e

# Credentials from GetSessionToken cannot call IAM (no MFA here); STS GetCallerIdentity works.
tina = new_user(iam, "tina")
iam.attach_user_policy(UserName="tina", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
temp = keys_of(client("sts", tina).get_session_token())
fails("InvalidClientTokenId", 403, client("iam", temp).list_users)
assert client("sts", temp).get_caller_identity()["Arn"] == arn("user", "tina")
assert len(client("iam", tina).list_users()["Users"]) == 1

# What accounts here never have, answered as for an account without it (what tools ask before
# deleting a user or role).
assert iam.list_mfa_devices(UserName="tina")["MFADevices"] == []
assert iam.list_signing_certificates(UserName="tina")["Certificates"] == []
assert iam.list_ssh_public_keys(UserName="tina")["SSHPublicKeys"] == []
assert iam.list_service_specific_credentials(UserName="tina")["ServiceSpecificCredentials"] == []
assert iam.list_account_aliases()["AccountAliases"] == []
assert iam.list_instance_profiles()["InstanceProfiles"] == []
fails("NoSuchEntity", 404, iam.get_login_profile, UserName="tina")
fails("NoSuchEntity", 404, iam.list_mfa_devices, UserName="nobody")


# GetAccessKeyInfo names the account of any key, for callers allowed to ask.
assert client("sts").get_access_key_info(AccessKeyId=BETA[0])["Account"] == "222222222222"
fails("AccessDenied", 403, client("sts", tina).get_access_key_info, AccessKeyId=BETA[0])
fails("InvalidParameterValue", 400, client("sts").get_access_key_info, AccessKeyId="AKIANOTAKEYATALL000")

# Root without UserName: GetUser answers for root, and root manages its own keys.
me = iam.get_user()["User"]
assert (me["UserId"], me["Arn"]) == (ACCOUNT, ROOT), me
root_key = iam.create_access_key()["AccessKey"]
assert "UserName" not in root_key, root_key
listed = [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]
assert root_key["AccessKeyId"] in listed, listed
assert client("sts", keys_of({"AccessKey": root_key})).get_caller_identity()["Arn"] == ROOT
iam.delete_access_key(AccessKeyId=root_key["AccessKeyId"])

# Lists leave out boundaries and tags; Get has them.
iam.create_user(UserName="bounded", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                Tags=[{"Key": "k", "Value": "v"}])
listed = [u for u in iam.list_users()["Users"] if u["UserName"] == "bounded"][0]
assert "PermissionsBoundary" not in listed and "Tags" not in listed, listed
got = iam.get_user(UserName="bounded")["User"]
assert got["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith("AmazonS3ReadOnlyAccess"), got

# Filters: boundary use versus attachment.
ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
used = iam.list_policies(OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")["Policies"]
assert [x["Arn"] for x in used] == [ro], used
attached = iam.list_policies(OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy")["Policies"]
assert [x["PolicyName"] for x in attached] == ["IAMFullAccess"], attached
ents = iam.list_entities_for_policy(PolicyArn=ro)
assert [u["UserName"] for u in ents["PolicyUsers"]] == ["bounded"], ents
ents = iam.list_entities_for_policy(PolicyArn=ro, PolicyUsageFilter="PermissionsPolicy")
assert ents["PolicyUsers"] == [], ents
ents = iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess", EntityFilter="Role")
assert ents["PolicyUsers"] == [] and ents["PolicyRoles"] == [], ents

# AssumeRole validates DurationSeconds before deciding: even an untrusted caller learns that.
role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trusting(arn("user", "tina")))["Role"]
iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=doc(allow("s3:GetObject")))
described = iam.update_role_description(RoleName="reader", Description="reads reports")["Role"]
assert described["Description"] == "reads reports", described
assert iam.list_instance_profiles_for_role(RoleName="reader")["InstanceProfiles"] == []
fails("ValidationError", 400, client("sts", BETA, validate=False).assume_role, RoleArn=role["Arn"],
      RoleSessionName="s", DurationSeconds=899)

# PackedPolicySize only when the session carries policies or tags.
tsts = client("sts", tina)
plain = tsts.assume_role(RoleArn=role["Arn"], RoleSessionName="plain")
assert "PackedPolicySize" not in plain, plain
narrowed = tsts.assume_role(RoleArn=role["Arn"], RoleSessionName="narrow", Policy=pol)
assert 0 < narrowed["PackedPolicySize"] <= 100, narrowed

# A deleted role's session: credentials still valid, permissions gone, and a new role of the
# same name (a new unique id) does not lend it any.
root_s3 = client("s3")
root_s3.create_bucket(Bucket="finer-rules")
root_s3.put_object(Bucket="finer-rules", Key="k", Body=b"x")
session = client("s3", keys_of(plain))
assert session.get_object(Bucket="finer-rules", Key="k")["Body"].read() == b"x"
iam.delete_role_policy(RoleName="reader", PolicyName="read")
iam.delete_role(RoleName="reader")
me = client("sts", keys_of(plain)).get_caller_identity()
assert (me["Arn"], me["UserId"]) == (f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/plain",
                                     role["RoleId"] + ":plain"), me
fails("AccessDenied", 403, session.get_object, Bucket="finer-rules", Key="k")
iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trusting(arn("user", "tina")))
iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=doc(allow("s3:GetObject")))
fails("AccessDenied", 403, session.get_object, Bucket="finer-rules", Key="k")
fresh = client("s3", keys_of(tsts.assume_role(RoleArn=role["Arn"], RoleSessionName="fresh")))
assert fresh.get_object(Bucket="finer-rules", Key="k")["Body"].read() == b"x"
print("ok")
"##
    ))
    .await;
}

/// SimulatePrincipalPolicy answers with the engine that decides real requests: the user's
/// inline, attached and group policies and its boundary, plus inputs; the deciding statement
/// with its position; the boundary's part; context entries for conditions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_simulator() {
    run(script!(
        r##"
iam = client("iam")
iam.create_user(UserName="sam", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3FullAccess")
iam.put_user_policy(UserName="sam", PolicyName="reports", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"},
        {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}))
iam.create_group(GroupName="iam-readers")
iam.add_user_to_group(GroupName="iam-readers", UserName="sam")
iam.attach_group_policy(GroupName="iam-readers", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
sam = arn("user", "sam")

def decide(actions, resources=None, **extra):
    kw = {"PolicySourceArn": sam, "ActionNames": actions, **extra}
    if resources:
        kw["ResourceArns"] = resources
    return iam.simulate_principal_policy(**kw)["EvaluationResults"]

r = decide(["s3:GetObject", "s3:DeleteObject"], ["arn:aws:s3:::reports/q3.csv", "arn:aws:s3:::reports/secret/k"])
got = [(x["EvalActionName"], x["EvalResourceName"].split(":::")[1], x["EvalDecision"]) for x in r]
assert got == [("s3:GetObject", "reports/q3.csv", "allowed"),
               ("s3:GetObject", "reports/secret/k", "explicitDeny"),
               ("s3:DeleteObject", "reports/q3.csv", "implicitDeny"),
               ("s3:DeleteObject", "reports/secret/k", "explicitDeny")], got
m = r[0]["MatchedStatements"][0]
assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("reports", "user"), m
assert m["StartPosition"]["Line"] >= 1 and m["EndPosition"]["Column"] > 0, m
assert r[0]["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] is True, r[0]
assert r[1]["MatchedStatements"][0]["SourcePolicyId"] == "reports", r[1]

# The group's managed policy counts; the boundary (S3 only) stops it.
g = decide(["iam:ListUsers"])[0]
assert g["EvalDecision"] == "implicitDeny", g
assert g["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] is False, g
g = decide(["iam:ListUsers"], PermissionsBoundaryPolicyInputList=[doc(allow("*"))])[0]
assert g["EvalDecision"] == "allowed", g
assert (g["MatchedStatements"][0]["SourcePolicyId"], g["MatchedStatements"][0]["SourcePolicyType"]) == (
    "IAMReadOnlyAccess", "aws-managed"), g

# A group as the source: its policies alone, for a member with nothing else.
grp = iam.simulate_principal_policy(PolicySourceArn=arn("group", "iam-readers"),
                                    ActionNames=["iam:ListUsers", "s3:GetObject"])["EvaluationResults"]
assert [x["EvalDecision"] for x in grp] == ["allowed", "implicitDeny"], grp

# Conditions read the context entries given.
entry = lambda ip: [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip], "ContextKeyType": "ip"}]
assert decide(["s3:PutObject"], ContextEntries=entry("10.1.2.3"))[0]["EvalDecision"] == "allowed"
missing = decide(["s3:PutObject"])[0]
assert (missing["EvalDecision"], missing["MissingContextValues"]) == ("implicitDeny", ["aws:SourceIp"]), missing
assert decide(["s3:PutObject"], ContextEntries=entry("192.0.2.1"))[0]["EvalDecision"] == "implicitDeny"

# Extra policies as inputs; errors as IAM gives them.
assert decide(["s3:ListBucket"], PolicyInputList=[doc(allow("s3:ListBucket"))])[0]["EvalDecision"] == "allowed"
fails("NoSuchEntity", 404, iam.simulate_principal_policy, PolicySourceArn=arn("user", "nobody"), ActionNames=["s3:GetObject"])
fails("MalformedPolicyDocument", 400, iam.simulate_principal_policy, PolicySourceArn=sam,
      ActionNames=["s3:GetObject"], PolicyInputList=['{"Version": "2012-10-17", "Statement": [}'])

# SimulateCustomPolicy: only the policies given.
custom = iam.simulate_custom_policy(PolicyInputList=[doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))],
                                    ActionNames=["s3:GetObject", "s3:PutObject"],
                                    ResourceArns=["arn:aws:s3:::b/k"])["EvaluationResults"]
assert [x["EvalDecision"] for x in custom] == ["allowed", "implicitDeny"], custom
assert custom[0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1", custom[0]
granting = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": sam},
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
fails("InvalidInput", 400, iam.simulate_custom_policy, PolicyInputList=[doc(allow("sqs:*"))],
      ActionNames=["s3:GetObject"], ResourcePolicy=granting)
by_resource = iam.simulate_custom_policy(PolicyInputList=[doc(allow("sqs:*"))], ActionNames=["s3:GetObject"],
                                         ResourceArns=["arn:aws:s3:::b/k"], ResourcePolicy=granting,
                                         CallerArn=sam)["EvaluationResults"][0]
assert by_resource["EvalDecision"] == "allowed", by_resource
assert by_resource["MatchedStatements"][0]["SourcePolicyType"] == "none", by_resource

# Asking is itself authorized.
sam_keys = keys_of(iam.create_access_key(UserName="sam"))
e = fails("AccessDenied", 403, client("iam", sam_keys).simulate_principal_policy, PolicySourceArn=sam, ActionNames=["s3:GetObject"])
assert "iam:SimulatePrincipalPolicy" in e["message"], e
"##
    ))
    .await;
}

/// AWS managed policies: nobody creates versions of them, sets their default version, deletes
/// them or their versions, or tags them — not the account's root, not an administrator, not
/// for a name AWS does not have; AccessDenied (403), and the policy is as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_changes_aws_managed_policies() {
    let out = run(script!(
        r##"
iam = client("iam")
iam.create_user(UserName="admin")
iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
admin = keys_of(iam.create_access_key(UserName="admin"))

for creds in (ALPHA, admin):
    c = client("iam", creds)
    for name in AWS_MANAGED + ["NoSuchPolicyAtAws"]:
        a = f"arn:aws:iam::aws:policy/{name}"
        for fn, kwargs in ((c.create_policy_version, {"PolicyDocument": doc(allow("s3:*")),
                                                        "SetAsDefault": True}),
                           (c.set_default_policy_version, {"VersionId": "v1"}),
                           (c.delete_policy_version, {"VersionId": "v1"}),
                           (c.delete_policy, {}),
                           (c.tag_policy, {"Tags": [{"Key": "owner", "Value": "me"}]}),
                           (c.untag_policy, {"TagKeys": ["owner"]})):
            fails("AccessDenied", 403, fn, PolicyArn=a, **kwargs)

for name in AWS_MANAGED:
    a = f"arn:aws:iam::aws:policy/{name}"
    got = iam.get_policy(PolicyArn=a)["Policy"]
    assert got["DefaultVersionId"] == "v1", got
    versions = iam.list_policy_versions(PolicyArn=a)["Versions"]
    assert names(versions, "VersionId") == ["v1"], versions
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}

/// The roles IAM Identity Center keeps under `/aws-reserved/sso.amazonaws.com/` are changed
/// through Identity Center only: every IAM call that would change one answers
/// UnmodifiableEntity (400), after authorization, and changes nothing; reading them works.
/// Nobody creates a role under `/aws-reserved/`, so the test writes one into the data directory
/// with the store, as Identity Center would have, between two runs of the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_center_roles_are_only_modifiable_by_aws() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::start_own(dir.path()).await);
    {
        let store = store::Store::open(dir.path()).unwrap();
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;
        let role = "AWSReservedSSO_Admins_0123456789abcdef";
        store
            .create_entity(&store::NewEntity {
                account_id: "111111111111",
                kind: store::EntityKind::Role,
                name: role,
                path: "/aws-reserved/sso.amazonaws.com/",
                description: None,
                trust_policy: Some(trust),
                trust_bindings: &[],
                max_session_s: Some(3600),
                boundary_arn: None,
                tags: &[("team".into(), "ops".into())],
            })
            .unwrap();
        let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        store
            .put_inline_policy(
                "111111111111",
                store::EntityKind::Role,
                role,
                "AwsSSOInlinePolicy",
                inline,
            )
            .unwrap();
        store
            .attach_policy(
                "111111111111",
                store::EntityKind::Role,
                role,
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
            )
            .unwrap();
    }
    let server = common::start_own(dir.path()).await;
    let out = common::boto3(
        script!(
            r##"
iam = client("iam")
SSO = "AWSReservedSSO_Admins_0123456789abcdef"
PATH = "/aws-reserved/sso.amazonaws.com/"
role = iam.get_role(RoleName=SSO)["Role"]
assert (role["Path"], role["Arn"]) == (PATH, arn("role", SSO, PATH)), role

def state():
    r = iam.get_role(RoleName=SSO)["Role"]
    return (r.get("Description"), r["MaxSessionDuration"], r["AssumeRolePolicyDocument"],
            r.get("PermissionsBoundary"), iam.list_role_tags(RoleName=SSO)["Tags"],
            iam.list_role_policies(RoleName=SSO)["PolicyNames"],
            names(iam.list_attached_role_policies(RoleName=SSO)["AttachedPolicies"], "PolicyArn"))
before = state()
assert before[4:] == ([{"Key": "team", "Value": "ops"}], ["AwsSSOInlinePolicy"],
                      ["arn:aws:iam::aws:policy/ReadOnlyAccess"]), before

changes = (
    (iam.update_role, {"Description": "mine now", "MaxSessionDuration": 7200}),
    (iam.update_role_description, {"Description": "mine now"}),
    (iam.update_assume_role_policy, {"PolicyDocument": trusting("*")}),
    (iam.delete_role, {}),
    (iam.put_role_policy, {"PolicyName": "extra", "PolicyDocument": doc(allow("*"))}),
    (iam.delete_role_policy, {"PolicyName": "AwsSSOInlinePolicy"}),
    (iam.attach_role_policy, {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    (iam.detach_role_policy, {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    (iam.put_role_permissions_boundary,
     {"PermissionsBoundary": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}),
    (iam.delete_role_permissions_boundary, {}),
    (iam.tag_role, {"Tags": [{"Key": "team", "Value": "me"}]}),
    (iam.untag_role, {"TagKeys": ["team"]}),
)
for fn, kwargs in changes:
    e = fails("UnmodifiableEntity", 400, fn, RoleName=SSO, **kwargs)
    assert e["message"] == f"Cannot perform the operation on the protected role '{SSO}' - this role is only modifiable by AWS", e
assert state() == before, state()

# Authorization comes first: a caller without permission is denied, as for any role.
nobody = new_user(iam, "nobody")
fails("AccessDenied", 403, client("iam", nobody).delete_role, RoleName=SSO)

# Roles under /aws-reserved/ are AWS's to create.
e = fails("InvalidInput", 400, iam.create_role, RoleName="Imposter", Path=PATH,
          AssumeRolePolicyDocument=trusting(ROOT))
assert "/aws-reserved/" in e["message"], e
fails("NoSuchEntity", 404, iam.get_role, RoleName="Imposter")
print("ok")
"##
        ),
        &server.endpoint,
    )
    .await;
    assert_eq!(out.trim(), "ok");
}

/// An AWS managed policy's usage counts are the viewing account's own: an attachment in one
/// account is not seen from another (GetPolicy's AttachmentCount and
/// PermissionsBoundaryUsageCount, ListPolicies' OnlyAttached, GetAccountAuthorizationDetails).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_managed_policy_counts_are_per_account() {
    let out = run(script!(
        r##"
iam, beta = client("iam"), client("iam", BETA)
policy = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
iam.create_user(UserName="reader")
iam.attach_user_policy(UserName="reader", PolicyArn=policy)
iam.create_user(UserName="bounded", PermissionsBoundary=policy)
mine, theirs = iam.get_policy(PolicyArn=policy)["Policy"], beta.get_policy(PolicyArn=policy)["Policy"]
assert (mine["AttachmentCount"], mine["PermissionsBoundaryUsageCount"]) == (1, 1), mine
assert (theirs["AttachmentCount"], theirs["PermissionsBoundaryUsageCount"]) == (0, 0), theirs
attached = lambda c: [p["Arn"] for p in c.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]]
assert policy in attached(iam) and policy not in attached(beta), (attached(iam), attached(beta))
details = lambda c: [p["Arn"] for p in c.get_account_authorization_details(Filter=["AWSManagedPolicy"])["Policies"]]
assert policy in details(iam) and policy not in details(beta)
print("ok")
"##
    ))
    .await;
    assert_eq!(out.trim(), "ok");
}
