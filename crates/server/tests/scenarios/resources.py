"""Real-world S3 403s decided by the bucket policy (explicit denies, conditions, NotPrincipal,
same-account grants) and by operations that need more than one permission.

Usage: python3 resources.py ENDPOINT [scenario_name ...]
"""

from lib import (
    ALPHA,
    S3_FULL,
    allow,
    create_bucket,
    create_user,
    equal,
    expect_denied,
    get_bytes,
    md5,
    message,
    policy,
    put_bucket_policy,
    root,
    run,
    s3_arn,
)


def scenario_04_bucket_policy_explicit_deny():
    """A bucket policy that denies one user wins over that user's AmazonS3FullAccess: an
    explicit deny in a resource-based policy."""
    bucket = create_bucket(objects={"payroll.csv": b"1,2,3"})
    contractor = create_user(managed=[S3_FULL])
    employee = create_user(managed=[S3_FULL])
    put_bucket_policy(
        bucket,
        {
            "Sid": "DenyContractor",
            "Effect": "Deny",
            "Principal": {"AWS": contractor.arn},
            "Action": "s3:GetObject",
            "Resource": s3_arn(bucket, "*"),
        },
    )
    expect_denied(
        lambda: contractor.s3.get_object(Bucket=bucket, Key="payroll.csv"),
        "resource",
        message(
            contractor.arn,
            "s3:GetObject",
            s3_arn(bucket, "payroll.csv"),
            "resource",
            explicit=True,
        ),
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="DenyContractor",
    )
    expect_denied(
        lambda: contractor.s3.head_object(Bucket=bucket, Key="payroll.csv"),
        "resource",
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="DenyContractor",
        head=True,
    )
    equal(get_bytes(employee.s3, bucket, "payroll.csv"), b"1,2,3", "another user's read")


def scenario_05_source_ip_condition():
    """A bucket policy that denies every request not from the corporate range 10.0.0.0/8
    refuses a client on 127.0.0.1; an Allow limited to 127.0.0.1/32 grants it."""
    bucket = create_bucket(objects={"k": b"v"})
    user = create_user(managed=[S3_FULL])
    put_bucket_policy(
        bucket,
        {
            "Sid": "OnlyFromCorporateNetwork",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": s3_arn(bucket, "*"),
            "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
    )
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="k"),
        "resource",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "k"), "resource", explicit=True),
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="OnlyFromCorporateNetwork",
    )
    # aws:SourceIp is the connection's address: a client claiming a corporate address in
    # X-Forwarded-For is still refused.
    spoofing = user.s3
    spoofing.meta.events.register(
        "before-sign.s3.GetObject",
        lambda request, **_: request.headers.__setitem__("X-Forwarded-For", "10.1.2.3"),
    )
    expect_denied(
        lambda: spoofing.get_object(Bucket=bucket, Key="k"),
        "resource",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "k"), "resource", explicit=True),
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="OnlyFromCorporateNetwork",
    )

    # The grant side: a user with no identity policy, allowed from 127.0.0.1/32 only.
    local = create_bucket(objects={"k": b"local"})
    reader = create_user()
    put_bucket_policy(
        local,
        {
            "Sid": "FromLoopback",
            "Effect": "Allow",
            "Principal": {"AWS": reader.arn},
            "Action": "s3:GetObject",
            "Resource": s3_arn(local, "*"),
            "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}},
        },
    )
    equal(get_bytes(reader.s3, local, "k"), b"local", "read from 127.0.0.1")


def scenario_06_same_account_bucket_policy_grant():
    """In the bucket owner's account a bucket policy naming the user is enough: no identity
    policy is needed [IAM policy evaluation logic, same-account resource-based policies]."""
    bucket = create_bucket(objects={"shared.txt": b"shared"})
    user = create_user()
    expect_denied(
        lambda: user.s3.get_object(Bucket=bucket, Key="shared.txt"),
        "identity",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "shared.txt"), "identity"),
    )
    put_bucket_policy(
        bucket,
        {
            "Sid": "ReadForUser",
            "Effect": "Allow",
            "Principal": {"AWS": user.arn},
            "Action": "s3:GetObject",
            "Resource": s3_arn(bucket, "*"),
        },
    )
    equal(get_bytes(user.s3, bucket, "shared.txt"), b"shared", "body")


def scenario_12_not_principal_deny():
    """A bucket policy Deny with NotPrincipal (one user and the account root): every other
    principal is denied, the listed user is not."""
    bucket = create_bucket(objects={"k": b"v"})
    alice = create_user(managed=[S3_FULL])
    bob = create_user(managed=[S3_FULL])
    put_bucket_policy(
        bucket,
        {
            "Sid": "OnlyAlice",
            "Effect": "Deny",
            "NotPrincipal": {"AWS": [alice.arn, f"arn:aws:iam::{ALPHA}:root"]},
            "Action": "s3:*",
            "Resource": [s3_arn(bucket), s3_arn(bucket, "*")],
        },
    )
    equal(get_bytes(alice.s3, bucket, "k"), b"v", "the listed user's read")
    expect_denied(
        lambda: bob.s3.get_object(Bucket=bucket, Key="k"),
        "resource",
        message(bob.arn, "s3:GetObject", s3_arn(bucket, "k"), "resource", explicit=True),
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="OnlyAlice",
    )
    expect_denied(
        lambda: bob.s3.list_objects_v2(Bucket=bucket),
        "resource",
        message(bob.arn, "s3:ListBucket", s3_arn(bucket), "resource", explicit=True),
        decision="explicitDeny",
        policy_id=s3_arn(bucket),
        statement="OnlyAlice",
    )


def scenario_14_secure_transport_over_http():
    """The usual "HTTPS only" bucket policy (Deny when aws:SecureTransport is false) refuses
    every request made over plain HTTP."""
    bucket = create_bucket(objects={"k": b"v"})
    user = create_user(managed=[S3_FULL])
    put_bucket_policy(
        bucket,
        {
            "Sid": "AllowSSLRequestsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [s3_arn(bucket), s3_arn(bucket, "*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
    for action, call, resource in [
        ("s3:GetObject", lambda: user.s3.get_object(Bucket=bucket, Key="k"), s3_arn(bucket, "k")),
        (
            "s3:PutObject",
            lambda: user.s3.put_object(Bucket=bucket, Key="n", Body=b"x"),
            s3_arn(bucket, "n"),
        ),
        ("s3:ListBucket", lambda: user.s3.list_objects_v2(Bucket=bucket), s3_arn(bucket)),
    ]:
        expect_denied(
            call,
            "resource",
            message(user.arn, action, resource, "resource", explicit=True),
            decision="explicitDeny",
            policy_id=s3_arn(bucket),
            statement="AllowSSLRequestsOnly",
        )


def scenario_18_copy_object_needs_both_sides():
    """CopyObject needs s3:GetObject on the source and s3:PutObject on the destination; a
    caller missing either is refused, naming the missing action [S3 CopyObject]."""
    src = create_bucket(objects={"orig.txt": b"original bytes"})
    dst = create_bucket()
    read_src = allow("s3:GetObject", s3_arn(src, "*"))
    write_dst = allow("s3:PutObject", s3_arn(dst, "*"))
    copy_source = {"Bucket": src, "Key": "orig.txt"}

    reader = create_user(inline={"p": policy(read_src)})
    expect_denied(
        lambda: reader.s3.copy_object(CopySource=copy_source, Bucket=dst, Key="copy.txt"),
        "identity",
        message(reader.arn, "s3:PutObject", s3_arn(dst, "copy.txt"), "identity"),
    )
    writer = create_user(inline={"p": policy(write_dst)})
    expect_denied(
        lambda: writer.s3.copy_object(CopySource=copy_source, Bucket=dst, Key="copy.txt"),
        "identity",
        message(writer.arn, "s3:GetObject", s3_arn(src, "orig.txt"), "identity"),
    )
    expect_denied_absent(dst, "copy.txt")
    both = create_user(inline={"p": policy(read_src, write_dst)})
    answer = both.s3.copy_object(CopySource=copy_source, Bucket=dst, Key="copy.txt")
    equal(answer["ResponseMetadata"]["HTTPStatusCode"], 200, "CopyObject status")
    equal(get_bytes(root("s3"), dst, "copy.txt"), b"original bytes", "copied bytes")


def expect_denied_absent(bucket, key):
    """The refused copies wrote nothing."""
    listed = root("s3").list_objects_v2(Bucket=bucket)
    equal([o["Key"] for o in listed.get("Contents", [])], [], f"keys in {bucket} ({key})")


def scenario_19_denied_delete_leaves_object_intact():
    """A DeleteObject (and a DeleteObjects entry) refused with 403 changes nothing: the
    object's bytes and ETag are exactly as before."""
    body = bytes(range(256)) * 64 + b"\x00tail"
    bucket = create_bucket(objects={"keep.bin": body})
    before = root("s3").head_object(Bucket=bucket, Key="keep.bin")
    user = create_user(inline={"read": policy(allow("s3:GetObject", s3_arn(bucket, "*")))})
    expect_denied(
        lambda: user.s3.delete_object(Bucket=bucket, Key="keep.bin"),
        "identity",
        message(user.arn, "s3:DeleteObject", s3_arn(bucket, "keep.bin"), "identity"),
    )
    answer = user.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "keep.bin"}]})
    equal(answer.get("Deleted", []), [], "DeleteObjects deleted")
    equal(
        [(e["Key"], e["Code"]) for e in answer.get("Errors", [])],
        [("keep.bin", "AccessDenied")],
        "DeleteObjects errors",
    )
    after = root("s3").get_object(Bucket=bucket, Key="keep.bin")
    got = after["Body"].read()
    equal(len(got), len(body), "length")
    equal(md5(got), md5(body), "MD5 of the bytes")
    equal(got, body, "bytes")
    equal(after["ETag"], before["ETag"], "ETag")
    equal(after["ETag"], f'"{md5(body)}"', "ETag is the MD5")
    equal(get_bytes(user.s3, bucket, "keep.bin"), body, "the user still reads it")


if __name__ == "__main__":
    run(globals())
