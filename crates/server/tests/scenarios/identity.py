"""Real-world S3 403s decided on the caller's side: identity policies (users, groups, policy
variables, condition keys), explicit denies and permissions boundaries.

Usage: python3 identity.py ENDPOINT [scenario_name ...]
"""

import json

from lib import (
    ALPHA,
    S3_FULL,
    allow,
    create_bucket,
    create_group,
    create_user,
    equal,
    expect_denied,
    expect_error,
    get_bytes,
    message,
    policy,
    root,
    run,
    s3_arn,
    unique,
)


def scenario_01_no_identity_policy():
    """A new IAM user with nothing attached cannot read: no identity-based policy allows it."""
    bucket = create_bucket(objects={"report.csv": b"a,b\n"})
    user = create_user()
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="report.csv"),
        "identity",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "report.csv"), "identity"),
    )
    # HEAD has no body: the explanation is in the headers alone.
    expect_denied(
        lambda: user.s3.head_object(Bucket=bucket, Key="report.csv"), "identity", head=True
    )


def scenario_02_bucket_arn_for_object_action():
    """`Resource` names the bucket ARN (arn:aws:s3:::b) for s3:GetObject, which acts on
    objects (arn:aws:s3:::b/*): the statement never matches; fixing the ARN fixes the read."""
    bucket = create_bucket(objects={"k.txt": b"hello"})
    user = create_user(
        inline={"read": policy(allow("s3:GetObject", s3_arn(bucket)))},
    )
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="k.txt"),
        "identity",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "k.txt"), "identity"),
    )
    root("iam").put_user_policy(
        UserName=user.name,
        PolicyName="read",
        PolicyDocument=json.dumps(policy(allow("s3:GetObject", s3_arn(bucket, "*")))),
    )
    equal(get_bytes(user.s3, bucket, "k.txt"), b"hello", "body after the fix")


def scenario_03_missing_key_without_list_bucket():
    """A key that does not exist answers 403 to a caller without s3:ListBucket (S3 will not
    say whether it exists), 404 NoSuchKey once s3:ListBucket is allowed [S3 GetObject,
    HeadObject "Permissions"]."""
    bucket = create_bucket(objects={"present.txt": b"here"})
    user = create_user(
        inline={"read": policy(allow("s3:GetObject", s3_arn(bucket, "*")))},
    )
    equal(get_bytes(user.s3, bucket, "present.txt"), b"here", "existing key")
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="absent.txt"),
        "identity",
        message(user.arn, "s3:ListBucket", s3_arn(bucket), "identity"),
    )
    expect_denied(
        lambda: user.s3.head_object(Bucket=bucket, Key="absent.txt"), "identity", head=True
    )
    root("iam").put_user_policy(
        UserName=user.name,
        PolicyName="list",
        PolicyDocument=json.dumps(policy(allow("s3:ListBucket", s3_arn(bucket)))),
    )
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="absent.txt"), 404, "NoSuchKey")
    expect_error(lambda: user.s3.head_object(Bucket=bucket, Key="absent.txt"), 404, "404")


def scenario_09_identity_explicit_deny():
    """An inline Deny beats AmazonS3FullAccess: an explicit deny in an identity-based policy
    wins over any allow [IAM policy evaluation logic]."""
    bucket = create_bucket(objects={"secret.txt": b"s"})
    user = create_user(
        managed=[S3_FULL],
        inline={
            "no-reads": policy(
                {
                    "Sid": "NoReads",
                    "Effect": "Deny",
                    "Action": "s3:GetObject",
                    "Resource": s3_arn(bucket, "*"),
                }
            )
        },
    )
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="secret.txt"),
        "identity",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "secret.txt"), "identity", explicit=True),
        decision="explicitDeny",
        policy_id=f"arn:aws:iam::{ALPHA}:user/{user.name}#inline/no-reads",
        statement="NoReads",
    )
    # Everything the deny does not name is still allowed by AmazonS3FullAccess.
    user.s3.put_object(Bucket=bucket, Key="other.txt", Body=b"o")


def scenario_10_group_membership():
    """Permissions granted through a group: the user reads once added, and is refused on the
    very next request after being removed."""
    bucket = create_bucket(objects={"team.txt": b"team data"})
    iam = root("iam")
    group = create_group(allow("s3:GetObject", s3_arn(bucket, "*")))
    user = create_user()
    denial = message(user.arn, "s3:GetObject", s3_arn(bucket, "team.txt"), "identity")
    expect_denied(lambda: user.s3.get_object(Bucket=bucket, Key="team.txt"), "identity", denial)
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    equal(get_bytes(user.s3, bucket, "team.txt"), b"team data", "body as a member")
    iam.remove_user_from_group(GroupName=group, UserName=user.name)
    expect_denied(lambda: user.s3.get_object(Bucket=bucket, Key="team.txt"), "identity", denial)


def scenario_11_username_home_prefixes():
    """One policy for everyone with `${aws:username}` in the Resource: each user reaches only
    their own home prefix."""
    bucket = create_bucket()
    iam = root("iam")
    home = iam.create_policy(
        PolicyName=unique("home"),
        PolicyDocument=json.dumps(
            policy(
                allow(
                    ["s3:GetObject", "s3:PutObject"],
                    s3_arn(bucket, "home/${aws:username}/*"),
                )
            )
        ),
    )["Policy"]["Arn"]
    alice = create_user(name=unique("alice"), managed=[home])
    bob = create_user(name=unique("bob"), managed=[home])
    alice.s3.put_object(Bucket=bucket, Key=f"home/{alice.name}/notes.txt", Body=b"alice")
    bob.s3.put_object(Bucket=bucket, Key=f"home/{bob.name}/notes.txt", Body=b"bob")
    equal(get_bytes(alice.s3, bucket, f"home/{alice.name}/notes.txt"), b"alice", "own prefix")
    other = f"home/{bob.name}/notes.txt"
    expect_denied(
        lambda: alice.s3.get_object(Bucket=bucket, Key=other),
        "identity",
        message(alice.arn, "s3:GetObject", s3_arn(bucket, other), "identity"),
    )
    expect_denied(
        lambda: alice.s3.put_object(Bucket=bucket, Key=other, Body=b"overwrite"),
        "identity",
        message(alice.arn, "s3:PutObject", s3_arn(bucket, other), "identity"),
    )
    equal(get_bytes(bob.s3, bucket, other), b"bob", "bob's object untouched")


def scenario_13_list_bucket_prefix_condition():
    """ListBucket allowed only with `s3:prefix` like home/alice/*: listing that prefix works,
    listing the bucket root (no prefix) is refused."""
    bucket = create_bucket(objects={"home/a/1.txt": b"1", "home/b/2.txt": b"2", "top.txt": b"t"})
    user = create_user(
        inline={
            "list-home": policy(
                allow(
                    "s3:ListBucket",
                    s3_arn(bucket),
                    Condition={"StringLike": {"s3:prefix": ["home/a/*"]}},
                )
            )
        },
    )
    listed = user.s3.list_objects_v2(Bucket=bucket, Prefix="home/a/")
    equal([o["Key"] for o in listed.get("Contents", [])], ["home/a/1.txt"], "listed keys")
    denial = message(user.arn, "s3:ListBucket", s3_arn(bucket), "identity")
    expect_denied(lambda: user.s3.list_objects_v2(Bucket=bucket), "identity", denial)
    expect_denied(
        lambda: user.s3.list_objects_v2(Bucket=bucket, Prefix="home/b/"), "identity", denial
    )


def scenario_15_permissions_boundary():
    """AmazonS3FullAccess under a permissions boundary that allows only s3:GetObject: reads
    work, writes are refused by the boundary."""
    bucket = create_bucket(objects={"k": b"v"})
    iam = root("iam")
    boundary = iam.create_policy(
        PolicyName=unique("only-get"),
        PolicyDocument=json.dumps(policy(allow("s3:GetObject", "*"))),
    )["Policy"]["Arn"]
    user = create_user(managed=[S3_FULL])
    iam.put_user_permissions_boundary(UserName=user.name, PermissionsBoundary=boundary)
    equal(get_bytes(user.s3, bucket, "k"), b"v", "read within the boundary")
    expect_denied(
        lambda: user.s3.put_object(Bucket=bucket, Key="new", Body=b"x"),
        "permissions_boundary",
        message(user.arn, "s3:PutObject", s3_arn(bucket, "new"), "permissions_boundary"),
    )


if __name__ == "__main__":
    run(globals())
