"""Real-world 403s with roles and accounts: bucket policies granting a role, cross-account
reads, session policies, and AssumeRole refused by the trust policy.

Usage: python3 roles.py ENDPOINT [scenario_name ...]
"""

import json

from lib import (
    ALPHA,
    BETA,
    S3_FULL,
    allow,
    assume,
    create_bucket,
    create_role,
    create_user,
    equal,
    expect_denied,
    get_bytes,
    message,
    policy,
    put_bucket_policy,
    run,
    s3_arn,
)


def scenario_07_bucket_policy_grants_a_role():
    """A bucket policy whose Principal is a role ARN grants that role's sessions: a user
    assumes the role (trusted by it, same account) and reads with no identity policy at all."""
    bucket = create_bucket(objects={"data.json": b"{}"})
    user = create_user()
    role = create_role([user.arn])
    put_bucket_policy(
        bucket,
        {
            "Sid": "ReadForRole",
            "Effect": "Allow",
            "Principal": {"AWS": role},
            "Action": "s3:GetObject",
            "Resource": s3_arn(bucket, "*"),
        },
    )
    session = assume(user, role, session="reader")
    role_name = role.split("/")[-1]
    equal(session.arn, f"arn:aws:sts::{ALPHA}:assumed-role/{role_name}/reader", "session ARN")
    equal(get_bytes(session.s3, bucket, "data.json"), b"{}", "the session's read")


def scenario_08_cross_account_needs_both_sides():
    """Across accounts both sides must allow: the caller's identity policy and the bucket
    policy. Either alone is a 403 (S3 gives callers from other accounts the plain "Access
    Denied" text); both together read."""
    bucket = create_bucket(objects={"export.csv": b"x,y"})
    read = policy(allow("s3:GetObject", s3_arn(bucket, "*")))

    with_identity = create_user(account=BETA, inline={"read-alpha": read})
    expect_denied(
        lambda: with_identity.s3.get_object(Bucket=bucket, Key="export.csv"),
        "resource",
        "Access Denied",
    )

    put_bucket_policy(
        bucket,
        {
            "Sid": "CrossAccountRead",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{BETA}:root"},
            "Action": "s3:GetObject",
            "Resource": s3_arn(bucket, "*"),
        },
    )
    without_identity = create_user(account=BETA)
    expect_denied(
        lambda: without_identity.s3.get_object(Bucket=bucket, Key="export.csv"),
        "identity",
        "Access Denied",
    )

    equal(get_bytes(with_identity.s3, bucket, "export.csv"), b"x,y", "read with both sides")


def scenario_16_session_policy():
    """AssumeRole with an inline session Policy allowing only s3:ListBucket: the session's
    permissions are the intersection, so GetObject is refused by the session policy even
    though the role has AmazonS3FullAccess."""
    bucket = create_bucket(objects={"k": b"v"})
    user = create_user()
    role = create_role([user.arn], managed=[S3_FULL])
    session_policy = policy(allow("s3:ListBucket", "*"))
    session = assume(user, role, session="listonly", Policy=json.dumps(session_policy))
    listed = session.s3.list_objects_v2(Bucket=bucket)
    equal([o["Key"] for o in listed.get("Contents", [])], ["k"], "listed keys")
    expect_denied(
        lambda: session.s3.get_object(Bucket=bucket, Key="k"),
        "session",
        message(session.arn, "s3:GetObject", s3_arn(bucket, "k"), "session"),
    )
    # Without the session policy the same role reads.
    full = assume(user, role, session="full")
    equal(get_bytes(full.s3, bucket, "k"), b"v", "read without a session policy")


def scenario_17_untrusted_assume_role():
    """AssumeRole on a role whose trust policy names someone else: STS answers 403
    AccessDenied "User: ... is not authorized to perform: sts:AssumeRole on resource: ROLE",
    even though the caller's own policy allows sts:AssumeRole; the trusted user succeeds.
    (The exact text is scenario_17b's.)"""
    trusted = create_user()
    mallory = create_user(inline={"assume": policy(allow("sts:AssumeRole", "*"))})
    role = create_role([trusted.arn])
    expect_denied(
        lambda: mallory.sts.assume_role(RoleArn=role, RoleSessionName="attempt"),
        "trust",
        message_prefix=(
            f"User: {mallory.arn} is not authorized to perform: sts:AssumeRole on resource: {role}"
        ),
    )
    session = assume(trusted, role, session="ok")
    equal(session.sts.get_caller_identity()["Arn"], session.arn, "the trusted user's session")


def scenario_17b_untrusted_assume_role_exact_message():
    """AssumeRole refused by the trust policy carries exactly AWS's text, "User: ARN is not
    authorized to perform: sts:AssumeRole on resource: ROLE because no role trust policy allows
    the sts:AssumeRole action" (the phrase IAM's troubleshooting page gives for a missing trust
    grant, reference §5.2; older STS messages quoted in the wild end at the role ARN)."""
    trusted = create_user()
    mallory = create_user(inline={"assume": policy(allow("sts:AssumeRole", "*"))})
    role = create_role([trusted.arn])
    expect_denied(
        lambda: mallory.sts.assume_role(RoleArn=role, RoleSessionName="attempt"),
        "trust",
        f"User: {mallory.arn} is not authorized to perform: sts:AssumeRole on resource: {role}"
        " because no role trust policy allows the sts:AssumeRole action",
    )


if __name__ == "__main__":
    run(globals())
