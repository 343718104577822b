"""Server-side encryption for S3 end to end: SSE-S3 (`AES256`) and SSE-KMS (`aws:kms`) on
PutObject, CopyObject and multipart uploads, bucket default encryption, and SSE-KMS's second
authorization under KMS's rules.

Every SSE-KMS write asks kms:GenerateDataKey on the key, every SSE-KMS read (GetObject,
HeadObject, a copy source, UploadPart) asks kms:Decrypt, on behalf of the caller, with
kms:ViaService `s3.us-east-1.amazonaws.com`, kms:CallerAccount and the encryption context
`aws:s3:arn` = the object's ARN (the bucket's ARN with an S3 Bucket Key): the key policy must
allow the caller or delegate to its account before identity policies count; grants add;
across accounts both the key policy and the caller's identity policies must allow. A refusal
is S3's 403 AccessDenied in KMS's words ("... kms:Decrypt on resource: <key ARN> because no
identity-based policy allows the kms:Decrypt action": the key ARN unquoted, the key policy
phrased as a resource-based policy) with Gatehouse's x-gatehouse-* headers (denied-by
`identity` or `key`). A disabled key is HTTP 400 KMS.DisabledException, a key pending deletion
400 KMS.KMSInvalidStateException [S3 `UsingKMSEncryption`, `troubleshoot-403-errors`; KMS
`services-s3`, `conditions-kms`].

Gatehouse's one decision here that differs from today's AWS: a bucket without a default
encryption configuration stores objects unencrypted (AWS applies SSE-S3 to every new object
since January 2023); no scenario relies on either behaviour.

The suite shares a long-lived server with other suites: buckets, aliases and users get
unique() names, and every scenario removes what it made (buckets emptied and deleted, aliases
and users deleted, keys scheduled for deletion after 7 days). The AWS managed key `aws/s3`
stays: AWS made it once per account and never deletes it.

Usage: python3 sse.py ENDPOINT [scenario_name ...]
"""

import base64
import json
import os
import re
import sys
from contextlib import contextmanager

import botocore

import lib
from kms import (
    ADMINISTER,
    REGION,
    UUID,
    Made,
    alias_arn,
    default_policy,
    every,
    expect_kms_denied,
    kms_of,
    refused,
)
from lib import (
    ALPHA,
    BETA,
    S3_FULL,
    allow,
    check,
    create_bucket,
    create_user,
    equal,
    expect_denied,
    expect_error,
    get_bytes,
    md5,
    message,
    policy,
    put_bucket_policy,
    root,
    run,
    s3_arn,
    unique,
)

ALPHA_ROOT = f"arn:aws:iam::{ALPHA}:root"
BETA_ROOT = f"arn:aws:iam::{BETA}:root"
VIA_S3 = f"s3.{REGION}.amazonaws.com"
MANAGED = "alias/aws/s3"
AES = ("AES256", None, False)
MIB = 1024 * 1024
# About 200 KiB, not a multiple of the 64 KiB chunks an implementation may encrypt in.
SIZE = 200 * 1024 + 123
# Ranges that start, end and cross 64 KiB boundaries, the whole chunk between two of them, the
# first and the last byte, suffix and open-ended ranges, and one whose end runs past the object
# (S3 serves what there is).
RANGES = [
    "0-0",
    "65535-65536",
    "65530-65545",
    "65536-131071",
    "131000-140000",
    "60000-200000",
    f"{SIZE - 1}-{SIZE - 1}",
    "-1",
    "-70000",
    "150000-",
    f"{SIZE - 10}-{SIZE + 1000}",
]


def kms_key_arn_pattern(account=ALPHA):
    return f"arn:aws:kms:{REGION}:{account}:key/{UUID}"


def matches(pattern, value, what):
    check(
        isinstance(value, str) and re.fullmatch(pattern, value) is not None,
        f"{what}: {value!r} does not match {pattern}",
    )


def sse_kms(arn, bucket_key=False):
    """What an SSE-KMS object's responses say: (algorithm, key ARN, S3 Bucket Key)."""
    return ("aws:kms", arn, bucket_key)


def encryption(answer):
    """What a response says of its object's encryption: x-amz-server-side-encryption, the
    key ARN (x-amz-server-side-encryption-aws-kms-key-id) and whether an S3 Bucket Key is used
    (x-amz-server-side-encryption-bucket-key-enabled; absent and false are the same)."""
    return (
        answer.get("ServerSideEncryption"),
        answer.get("SSEKMSKeyId"),
        bool(answer.get("BucketKeyEnabled", False)),
    )


def same_bytes(got, expected, what):
    """Compares two bodies by length and MD5: a failure prints those, not 200 KiB of bytes."""
    equal((len(got), md5(got)), (len(expected), md5(expected)), f"{what} (length, MD5)")


def expect_object(s3, bucket, key, body, expected, what):
    """GetObject returns `body` and HeadObject its length, both with the encryption headers
    `expected` (see `encryption`)."""
    got = s3.get_object(Bucket=bucket, Key=key)
    equal(got["ResponseMetadata"]["HTTPStatusCode"], 200, f"{what}: GetObject status")
    same_bytes(got["Body"].read(), body, f"{what}: GetObject's bytes")
    equal(encryption(got), expected, f"{what}: GetObject's encryption headers")
    head = s3.head_object(Bucket=bucket, Key=key)
    equal(head["ContentLength"], len(body), f"{what}: HeadObject's ContentLength")
    equal(encryption(head), expected, f"{what}: HeadObject's encryption headers")


def span(spec, size):
    """The inclusive (first, last) bytes a `bytes=` range `spec` names in an object of `size`."""
    first, last = spec.split("-")
    if first == "":
        return max(size - int(last), 0), size - 1
    return int(first), size - 1 if last == "" else min(int(last), size - 1)


def expect_ranges(s3, bucket, key, body, specs, what, expected=None):
    """Each ranged GetObject is a 206 with the right Content-Range and bytes (and, when
    `expected` is given, the encryption headers)."""
    for spec in specs:
        first, last = span(spec, len(body))
        answer = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={spec}")
        equal(answer["ResponseMetadata"]["HTTPStatusCode"], 206, f"{what}: bytes={spec} status")
        equal(answer.get("ContentRange"), f"bytes {first}-{last}/{len(body)}", f"{what}: bytes={spec} Content-Range")
        same_bytes(answer["Body"].read(), body[first : last + 1], f"{what}: bytes={spec}")
        if expected is not None:
            equal(encryption(answer), expected, f"{what}: bytes={spec} encryption headers")


def expect_kms_refused(fn, principal_arn, action, key_arn, layer, head=False, explicit=False, statement=None):
    """Calls `fn`, an S3 request that must be refused by the KMS authorization of SSE-KMS: S3's
    403 AccessDenied with KMS's text for `action` on the key (layer `identity` or `key`, the
    key policy phrased as a resource-based policy) and the x-gatehouse-* headers; an explicit
    deny names the key ARN as the policy and `statement`. A HEAD has only status and headers."""
    phrase = {"key": "resource", "identity": "identity"}[layer]
    return expect_denied(
        fn,
        layer,
        None if head else message(principal_arn, action, key_arn, phrase, explicit=explicit),
        decision="explicitDeny" if explicit else "implicitDeny",
        policy_id=key_arn if explicit else None,
        statement=statement,
        head=head,
    )


def expect_missing(bucket, key, what):
    """Nothing was stored under `key` of ALPHA's `bucket` (its root gets 404 on HEAD)."""
    try:
        answer = root("s3").head_object(Bucket=bucket, Key=key)
    except botocore.exceptions.ClientError as e:
        equal(e.response["ResponseMetadata"]["HTTPStatusCode"], 404, f"{what}: HEAD {key} status")
        return
    raise lib.Failure(f"{what}: {key} was stored anyway: {encryption(answer)}, {answer.get('ContentLength')} bytes")


def default_encryption(algorithm, key=None, bucket_key=None):
    """A ServerSideEncryptionConfiguration of one rule."""
    by_default = {"SSEAlgorithm": algorithm}
    if key is not None:
        by_default["KMSMasterKeyID"] = key
    rule = {"ApplyServerSideEncryptionByDefault": by_default}
    if bucket_key is not None:
        rule["BucketKeyEnabled"] = bucket_key
    return {"Rules": [rule]}


def context_header(context):
    """x-amz-server-side-encryption-context: base64 of the JSON encryption context."""
    return base64.b64encode(json.dumps(context).encode()).decode()


def put_user_policy(principal, name, *statements, account=ALPHA):
    root("iam", account).put_user_policy(
        UserName=principal.name, PolicyName=name, PolicyDocument=json.dumps(policy(*statements))
    )


def s3_rw(bucket):
    """s3:GetObject and s3:PutObject on every object of `bucket`."""
    return allow(["s3:GetObject", "s3:PutObject"], s3_arn(bucket, "*"))


def empty_and_delete(bucket, account=ALPHA):
    """Aborts the bucket's multipart uploads, deletes its objects, then the bucket."""
    s3 = root("s3", account)
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


class Things(Made):
    """kms.Made (aliases, keys, users) and buckets, emptied and deleted first."""

    def __init__(self):
        super().__init__()
        self.buckets = []  # (account, bucket name)

    def bucket(self, account=ALPHA):
        name = create_bucket(account)
        self.buckets.append((account, name))
        return name

    def user(self, account=ALPHA, inline=None, managed=()):
        principal = create_user(account=account, inline=inline, managed=managed)
        self.users.append((account, principal.name))
        return principal

    def remove(self):
        problems = []
        for account, name in self.buckets:
            try:
                empty_and_delete(name, account)
            except Exception as e:
                problems.append(f"bucket {name} of {account}: {e}")
        try:
            super().remove()
        except lib.Failure as e:
            problems.append(str(e))
        if problems:
            raise lib.Failure("could not clean up:\n  " + "\n  ".join(problems))


@contextmanager
def made():
    """Things removed at the end, whatever happened. A failure to remove them fails the
    scenario (unless the scenario already failed: then it is printed)."""
    things = Things()
    try:
        yield things
    except BaseException:
        try:
            things.remove()
        except Exception as e:
            sys.stderr.write(f"after the failure, {e}\n")
        raise
    things.remove()


def scenario_s01_sse_s3_put_get_head_and_ranges():
    """PutObject with ServerSideEncryption AES256: the PutObject, GetObject and HeadObject
    responses say AES256 and name no KMS key; the ETag is the MD5 of the data, as for any
    SSE-S3 object put in one request; the bytes come back whole and in ranges that cross 64 KiB
    boundaries (206 with Content-Range, the last byte, suffix and open ranges, an end past the
    object), and a range starting at the object's size is 416 InvalidRange. An empty object
    round-trips. SSE-S3 needs no KMS permission: an IAM user with only s3:PutObject and
    s3:GetObject writes and reads an AES256 object [S3 `UsingServerSideEncryption`,
    `specifying-s3-encryption`, `range-get-olap`; S3 API `PutObject` (ETag), `GetObject`
    (Range), `HeadObject`, `Object` ("ETag ... Objects created by the PUT Object ... and
    encrypted by SSE-S3 or plaintext, have ETags that are an MD5 digest of their object
    data")]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        body = os.urandom(SIZE)
        put = s3.put_object(Bucket=bucket, Key="report.bin", Body=body, ServerSideEncryption="AES256")
        equal(encryption(put), AES, "PutObject's encryption headers")
        equal(put["ETag"], f'"{md5(body)}"', "an SSE-S3 object's ETag is the MD5 of its data")
        expect_object(s3, bucket, "report.bin", body, AES, "the SSE-S3 object")
        expect_ranges(s3, bucket, "report.bin", body, RANGES, "the SSE-S3 object", AES)
        expect_error(
            lambda: s3.get_object(Bucket=bucket, Key="report.bin", Range=f"bytes={SIZE}-"),
            416,
            "InvalidRange",
        )

        empty = s3.put_object(Bucket=bucket, Key="empty", Body=b"", ServerSideEncryption="AES256")
        equal(encryption(empty), AES, "PutObject of an empty object: encryption headers")
        expect_object(s3, bucket, "empty", b"", AES, "the empty SSE-S3 object")

        user = m.user(inline={"s3": policy(s3_rw(bucket))})
        small = b"written by a user without any KMS permission"
        put = user.s3.put_object(Bucket=bucket, Key="by-user.txt", Body=small, ServerSideEncryption="AES256")
        equal(encryption(put), AES, "the user's PutObject: encryption headers")
        expect_object(user.s3, bucket, "by-user.txt", small, AES, "the user's SSE-S3 object")
        same_bytes(get_bytes(user.s3, bucket, "report.bin"), body, "the user reads the root's SSE-S3 object")


def scenario_s02_sse_kms_with_a_customer_managed_key():
    """PutObject with aws:kms and SSEKMSKeyId naming a customer managed key by its ARN, its
    key id, an alias name and an alias ARN: every response (PutObject, GetObject, HeadObject,
    ranged GetObject) names the key by its ARN; the bytes come back whole and in ranges across
    64 KiB boundaries. BucketKeyEnabled on the request is echoed by PutObject and HeadObject. An
    SSEKMSEncryptionContext (base64 JSON) is accepted and the object reads back. After
    UpdateAlias moves the alias to a second key, a new PutObject by the alias uses the second
    key, and the earlier object still names (and reads with) the first [S3
    `UsingKMSEncryption`, `specifying-kms-encryption`, `bucket-key`; S3 API `PutObject`
    (SSEKMSKeyId: "key ID, key ARN, or key alias"; SSEKMSEncryptionContext), `GetObject`,
    `HeadObject`; KMS `kms-alias`]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s02")
        arn = key["Arn"]
        name = f"alias/{unique('gatehouse-sse')}"
        m.alias(kms, name, key["KeyId"])

        body = os.urandom(SIZE)
        put = s3.put_object(
            Bucket=bucket, Key="by-arn.bin", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
        )
        equal(encryption(put), sse_kms(arn), "PutObject by key ARN: encryption headers")
        expect_object(s3, bucket, "by-arn.bin", body, sse_kms(arn), "the SSE-KMS object")
        expect_ranges(s3, bucket, "by-arn.bin", body, RANGES, "the SSE-KMS object", sse_kms(arn))

        for how, key_id in (
            ("key-id", key["KeyId"]),
            ("alias-name", name),
            ("alias-arn", alias_arn(name)),
        ):
            small = f"named by {how}".encode()
            put = s3.put_object(
                Bucket=bucket, Key=f"by-{how}.txt", Body=small, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
            )
            equal(encryption(put), sse_kms(arn), f"PutObject by {how}: encryption headers")
            expect_object(s3, bucket, f"by-{how}.txt", small, sse_kms(arn), f"the object put by {how}")

        put = s3.put_object(
            Bucket=bucket,
            Key="bucket-key.txt",
            Body=b"with an S3 Bucket Key",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=arn,
            BucketKeyEnabled=True,
        )
        equal(encryption(put), sse_kms(arn, True), "PutObject with BucketKeyEnabled: encryption headers")
        expect_object(s3, bucket, "bucket-key.txt", b"with an S3 Bucket Key", sse_kms(arn, True), "the Bucket Key object")

        put = s3.put_object(
            Bucket=bucket,
            Key="with-context.txt",
            Body=b"with an encryption context",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=arn,
            SSEKMSEncryptionContext=context_header({"project": "gatehouse", "stage": "test"}),
        )
        equal(encryption(put), sse_kms(arn), "PutObject with an encryption context: encryption headers")
        expect_object(s3, bucket, "with-context.txt", b"with an encryption context", sse_kms(arn), "the object with a context")

        second = m.key(Description="gatehouse sse s02, second")
        kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
        put = s3.put_object(
            Bucket=bucket, Key="after-update.txt", Body=b"second key", ServerSideEncryption="aws:kms", SSEKMSKeyId=name
        )
        equal(encryption(put), sse_kms(second["Arn"]), "PutObject by the alias after UpdateAlias")
        expect_object(s3, bucket, "after-update.txt", b"second key", sse_kms(second["Arn"]), "the second key's object")
        expect_object(s3, bucket, "by-alias-name.txt", b"named by alias-name", sse_kms(arn), "the earlier object")


def scenario_s03_aws_managed_key_aws_s3():
    """aws:kms without a key id uses the AWS managed key aws/s3 of the bucket owner's account,
    made on first use: the responses name a key ARN of ALPHA; ListAliases shows alias/aws/s3
    (its AliasArn, that key as TargetKeyId); DescribeKey of alias/aws/s3 shows that key, Enabled,
    KeyManager AWS. The account's other buckets use the same key, whether the request names no
    key, names `alias/aws/s3`, or the bucket's default encryption is aws:kms without a
    KMSMasterKeyID. BETA's bucket gets BETA's own aws/s3 key [S3 `UsingKMSEncryption` ("If you
    don't specify a customer managed key, Amazon S3 automatically creates an AWS managed key
    (aws/s3) in your AWS account the first time that you add an object encrypted with SSE-KMS
    to a bucket"), `bucket-encryption`; KMS `concepts` ("AWS managed keys"); KMS API
    `ListAliases`, `DescribeKey` (KeyManager)]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        body = b"under the AWS managed key"
        put = s3.put_object(Bucket=bucket, Key="managed.txt", Body=body, ServerSideEncryption="aws:kms")
        algorithm, arn, bucket_key = encryption(put)
        equal((algorithm, bucket_key), ("aws:kms", False), "PutObject with aws:kms and no key id")
        matches(kms_key_arn_pattern(ALPHA), arn, "the AWS managed key's ARN")
        key_id = arn.rsplit("/", 1)[1]
        expect_object(s3, bucket, "managed.txt", body, sse_kms(arn), "the aws/s3 object")

        listed = [
            (a.get("AliasArn"), a.get("TargetKeyId"))
            for a in every(kms, "list_aliases", "Aliases")
            if a["AliasName"] == MANAGED
        ]
        equal(listed, [(alias_arn(MANAGED), key_id)], "ListAliases' alias/aws/s3")
        for by in (MANAGED, key_id, arn):
            described = kms.describe_key(KeyId=by)["KeyMetadata"]
            equal(
                (described["Arn"], described["KeyManager"], described["KeyState"], described["Enabled"]),
                (arn, "AWS", "Enabled", True),
                f"DescribeKey of the AWS managed key by {by}",
            )

        second = m.bucket()
        put = s3.put_object(Bucket=second, Key="again.txt", Body=b"again", ServerSideEncryption="aws:kms")
        equal(encryption(put), sse_kms(arn), "the account's second bucket: the same aws/s3 key")
        put = s3.put_object(
            Bucket=second, Key="named.txt", Body=b"named", ServerSideEncryption="aws:kms", SSEKMSKeyId=MANAGED
        )
        equal(encryption(put), sse_kms(arn), "SSEKMSKeyId alias/aws/s3")
        s3.put_bucket_encryption(Bucket=second, ServerSideEncryptionConfiguration=default_encryption("aws:kms"))
        put = s3.put_object(Bucket=second, Key="plain.txt", Body=b"by default")
        equal(encryption(put), sse_kms(arn), "a plain PutObject under a default of aws:kms without a key")
        expect_object(s3, second, "plain.txt", b"by default", sse_kms(arn), "the default-encrypted object")

        beta_s3 = root("s3", BETA)
        beta_bucket = m.bucket(BETA)
        put = beta_s3.put_object(Bucket=beta_bucket, Key="beta.txt", Body=b"beta's", ServerSideEncryption="aws:kms")
        beta_arn = encryption(put)[1]
        matches(kms_key_arn_pattern(BETA), beta_arn, "BETA's AWS managed key's ARN")
        described = root("kms", BETA).describe_key(KeyId=MANAGED)["KeyMetadata"]
        equal((described["Arn"], described["KeyManager"]), (beta_arn, "AWS"), "BETA's DescribeKey alias/aws/s3")
        expect_object(beta_s3, beta_bucket, "beta.txt", b"beta's", sse_kms(beta_arn), "BETA's aws/s3 object")


def scenario_s04_aws_managed_key_serves_its_account_through_s3_only():
    """The aws/s3 key's policy is AWS's: every principal of the account may use it through S3
    (Principal "*" with kms:CallerAccount = the account and kms:ViaService = s3), and the
    account may only describe, get and list it directly. So an ALPHA IAM user with s3:PutObject
    and s3:GetObject and no KMS permission at all writes and reads aws/s3 objects; the same
    user, once IAM allows it every KMS action, is refused KMS Encrypt with alias/aws/s3 called
    directly by the key policy (denied-by key), and may DescribeKey it. A BETA user granted s3:GetObject by the bucket policy and kms:Decrypt on
    ALPHA's keys by its identity policy reads the bucket's unencrypted object but is refused
    the aws/s3 object by the key policy (kms:CallerAccount is BETA) [S3 `UsingKMSEncryption`
    ("you can't use the AWS managed key (aws/s3) for cross-account access"); KMS `concepts`
    ("AWS managed keys": their key policies), `services-s3` ("Key policy of the AWS managed
    key"), `conditions-kms` (kms:ViaService, kms:CallerAccount)]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        user = m.user(inline={"s3": policy(s3_rw(bucket))})
        body = b"a user without KMS permissions"
        put = user.s3.put_object(Bucket=bucket, Key="managed.txt", Body=body, ServerSideEncryption="aws:kms")
        arn = encryption(put)[1]
        matches(kms_key_arn_pattern(ALPHA), arn, "the AWS managed key's ARN")
        expect_object(user.s3, bucket, "managed.txt", body, sse_kms(arn), "the user's aws/s3 object")
        # Directly, not through S3: even with IAM allowing every KMS action, the key policy
        # neither allows nor delegates kms:Encrypt (without the identity allow the refusal would
        # be reported as the identity policy's, as in kms.py's k7).
        put_user_policy(user, "kms-all", allow("kms:*", "*"))
        expect_kms_denied(
            lambda: kms_of(user).encrypt(KeyId=MANAGED, Plaintext=b"x"),
            "key",
            refused(user.arn, "kms:Encrypt", arn, "key"),
        )
        equal(
            kms_of(user).describe_key(KeyId=MANAGED)["KeyMetadata"]["Arn"],
            arn,
            "DescribeKey of aws/s3, delegated to the account",
        )

        s3.put_object(Bucket=bucket, Key="plain.txt", Body=b"not encrypted with KMS")
        reader = m.user(
            account=BETA,
            inline={
                "read": policy(
                    allow("s3:GetObject", s3_arn(bucket, "*")),
                    allow("kms:Decrypt", f"arn:aws:kms:{REGION}:{ALPHA}:key/*"),
                )
            },
        )
        put_bucket_policy(
            bucket,
            {
                "Sid": "BetaReads",
                "Effect": "Allow",
                "Principal": {"AWS": reader.arn},
                "Action": "s3:GetObject",
                "Resource": s3_arn(bucket, "*"),
            },
        )
        equal(get_bytes(reader.s3, bucket, "plain.txt"), b"not encrypted with KMS", "BETA's reader, no KMS object")
        expect_kms_refused(
            lambda: reader.s3.get_object(Bucket=bucket, Key="managed.txt"), reader.arn, "kms:Decrypt", arn, "key"
        )
        expect_kms_refused(
            lambda: reader.s3.head_object(Bucket=bucket, Key="managed.txt"),
            reader.arn,
            "kms:Decrypt",
            arn,
            "key",
            head=True,
        )


def scenario_s05_kms_permissions_of_the_caller():
    """An ALPHA user with s3:GetObject and s3:PutObject on the bucket and no KMS permission is
    refused PutObject with aws:kms on a key with the default key policy: 403 AccessDenied
    "... kms:GenerateDataKey on resource: <key ARN> because no identity-based policy allows the
    kms:GenerateDataKey action", denied-by identity, and nothing is stored. An identity allow
    of kms:GenerateDataKey conditioned on kms:ViaService s3 and kms:CallerAccount lets it
    upload (but not call GenerateDataKey directly). GetObject and HeadObject are refused for
    kms:Decrypt (ALPHA's root reads) until kms:Decrypt is allowed — here only with
    kms:EncryptionContext:aws:s3:arn = the object's ARN, so another object of the same key
    stays refused. A key whose policy delegates only administration to the account and allows
    use to one named user: that user writes and reads; the first user, now allowed kms:* by
    IAM, and ALPHA's root are refused kms:GenerateDataKey and kms:Decrypt by the key policy
    (denied-by key). With an explicit Deny of kms:Decrypt for the user in the key policy the
    refusal is "with an explicit deny in a resource-based policy", the key ARN as the policy,
    the statement's Sid [S3 `UsingKMSEncryption` ("Permissions"), `troubleshoot-403-errors`;
    KMS `services-s3` ("Amazon S3 encryption context"), `conditions-kms` (kms:ViaService,
    kms:CallerAccount, kms:EncryptionContext:), `control-access`, `key-policy-default`]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s05, default policy")
        arn = key["Arn"]
        user = m.user(inline={"s3": policy(s3_rw(bucket))})

        def user_put(object_key, key_id=arn, body=b"q3 numbers"):
            return lambda: user.s3.put_object(
                Bucket=bucket, Key=object_key, Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
            )

        expect_kms_refused(user_put("report.txt"), user.arn, "kms:GenerateDataKey", arn, "identity")
        expect_missing(bucket, "report.txt", "the refused upload")

        put_user_policy(
            user,
            "kms-write",
            allow(
                "kms:GenerateDataKey",
                arn,
                Condition={"StringEquals": {"kms:ViaService": VIA_S3, "kms:CallerAccount": ALPHA}},
            ),
        )
        equal(encryption(user_put("report.txt")()), sse_kms(arn), "the user's upload: encryption headers")
        expect_kms_denied(
            lambda: kms_of(user).generate_data_key(KeyId=arn, KeySpec="AES_256"),
            "identity",
            refused(user.arn, "kms:GenerateDataKey", arn, "identity"),
        )
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="report.txt"), user.arn, "kms:Decrypt", arn, "identity"
        )
        expect_kms_refused(
            lambda: user.s3.head_object(Bucket=bucket, Key="report.txt"),
            user.arn,
            "kms:Decrypt",
            arn,
            "identity",
            head=True,
        )
        equal(get_bytes(s3, bucket, "report.txt"), b"q3 numbers", "ALPHA's root reads")

        put_user_policy(
            user,
            "kms-read",
            allow(
                "kms:Decrypt",
                arn,
                Condition={
                    "StringEquals": {
                        "kms:EncryptionContext:aws:s3:arn": s3_arn(bucket, "report.txt"),
                        "kms:ViaService": VIA_S3,
                    }
                },
            ),
        )
        expect_object(user.s3, bucket, "report.txt", b"q3 numbers", sse_kms(arn), "the user's read")
        user_put("other.txt", body=b"other")()
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="other.txt"), user.arn, "kms:Decrypt", arn, "identity"
        )

        writer = m.user(inline={"s3": policy(s3_rw(bucket))})
        closed = m.key(
            Description="gatehouse sse s05, use by one user",
            Policy=json.dumps(
                policy(
                    ADMINISTER,
                    {
                        "Sid": "UseByWriter",
                        "Effect": "Allow",
                        "Principal": {"AWS": writer.arn},
                        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                        "Resource": "*",
                    },
                )
            ),
        )
        closed_arn = closed["Arn"]
        put = writer.s3.put_object(
            Bucket=bucket, Key="closed.txt", Body=b"closed", ServerSideEncryption="aws:kms", SSEKMSKeyId=closed_arn
        )
        equal(encryption(put), sse_kms(closed_arn), "the named writer's upload")
        expect_object(writer.s3, bucket, "closed.txt", b"closed", sse_kms(closed_arn), "the named writer's read")

        put_user_policy(user, "kms-all", allow("kms:*", "*"))
        expect_kms_refused(user_put("mine.txt", closed_arn), user.arn, "kms:GenerateDataKey", closed_arn, "key")
        expect_missing(bucket, "mine.txt", "the refused upload")
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="closed.txt"), user.arn, "kms:Decrypt", closed_arn, "key"
        )
        expect_kms_refused(
            lambda: user.s3.head_object(Bucket=bucket, Key="closed.txt"),
            user.arn,
            "kms:Decrypt",
            closed_arn,
            "key",
            head=True,
        )
        # ALPHA's root is only the key's administrator.
        expect_kms_refused(
            lambda: s3.get_object(Bucket=bucket, Key="closed.txt"), ALPHA_ROOT, "kms:Decrypt", closed_arn, "key"
        )

        deny = {
            "Sid": "NoDecryptForUser",
            "Effect": "Deny",
            "Principal": {"AWS": user.arn},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
        kms.put_key_policy(
            KeyId=closed_arn,
            PolicyName="default",
            Policy=json.dumps(policy(default_policy()["Statement"][0], deny)),
        )
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="closed.txt"),
            user.arn,
            "kms:Decrypt",
            closed_arn,
            "key",
            explicit=True,
            statement="NoDecryptForUser",
        )
        expect_kms_refused(
            lambda: user.s3.head_object(Bucket=bucket, Key="closed.txt"),
            user.arn,
            "kms:Decrypt",
            closed_arn,
            "key",
            head=True,
            explicit=True,
            statement="NoDecryptForUser",
        )
        equal(get_bytes(s3, bucket, "closed.txt"), b"closed", "ALPHA's root reads after the delegation")
        equal(encryption(user_put("mine.txt", closed_arn)()), sse_kms(closed_arn), "the user's upload, delegated")


def scenario_s06_kms_grants():
    """A user with s3:GetObject and s3:PutObject and no KMS identity policy is refused an
    SSE-KMS object (kms:Decrypt, denied-by identity) until CreateGrant gives it Decrypt on the
    key: then it reads (GetObject, HeadObject, a range), but still may not upload with the key
    (kms:GenerateDataKey). A grant of GenerateDataKey constrained by EncryptionContextSubset
    {"aws:s3:arn": one object's ARN} lets it upload that object and no other. After RevokeGrant
    it is refused again. On a key whose policy delegates only administration to the account, a
    grant of GenerateDataKey and Decrypt is enough for the user to write and read (before it,
    the refusal is reported as the identity policy's: neither policy allows) [KMS `grants`
    ("grants ... allow ... without changing the key policy or IAM policy"),
    `create-grant-overview` ("EncryptionContextSubset"), `services-s3` ("aws:s3:arn"); KMS API
    `CreateGrant`, `RevokeGrant`]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s06")
        key_id, arn = key["KeyId"], key["Arn"]
        user = m.user(inline={"s3": policy(s3_rw(bucket))})
        body = os.urandom(SIZE)
        s3.put_object(Bucket=bucket, Key="granted.bin", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="granted.bin"), user.arn, "kms:Decrypt", arn, "identity"
        )

        read = kms.create_grant(KeyId=key_id, GranteePrincipal=user.arn, Operations=["Decrypt"], Name="s3-read")
        expect_object(user.s3, bucket, "granted.bin", body, sse_kms(arn), "the grantee's read")
        expect_ranges(user.s3, bucket, "granted.bin", body, ["65530-65545", "-1"], "the grantee's ranged read")

        def user_put(object_key, key_id=arn):
            return lambda: user.s3.put_object(
                Bucket=bucket, Key=object_key, Body=b"upload", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
            )

        expect_kms_refused(user_put("uploads/allowed.txt"), user.arn, "kms:GenerateDataKey", arn, "identity")
        kms.create_grant(
            KeyId=arn,
            GranteePrincipal=user.arn,
            Operations=["GenerateDataKey"],
            Constraints={"EncryptionContextSubset": {"aws:s3:arn": s3_arn(bucket, "uploads/allowed.txt")}},
            Name="s3-upload-one-object",
        )
        equal(encryption(user_put("uploads/allowed.txt")()), sse_kms(arn), "the grantee's upload")
        expect_object(user.s3, bucket, "uploads/allowed.txt", b"upload", sse_kms(arn), "the grantee's upload read")
        expect_kms_refused(user_put("uploads/other.txt"), user.arn, "kms:GenerateDataKey", arn, "identity")
        expect_missing(bucket, "uploads/other.txt", "the upload outside the grant's constraint")

        kms.revoke_grant(KeyId=key_id, GrantId=read["GrantId"])
        expect_kms_refused(
            lambda: user.s3.get_object(Bucket=bucket, Key="granted.bin"), user.arn, "kms:Decrypt", arn, "identity"
        )

        closed = m.key(Description="gatehouse sse s06, administration only", Policy=json.dumps(policy(ADMINISTER)))
        closed_arn = closed["Arn"]
        # Neither the key policy nor an identity policy allows: reported as the identity
        # policy's, as in kms.py's k7.
        expect_kms_refused(user_put("closed.txt", closed_arn), user.arn, "kms:GenerateDataKey", closed_arn, "identity")
        kms.create_grant(
            KeyId=closed["KeyId"],
            GranteePrincipal=user.arn,
            Operations=["GenerateDataKey", "Decrypt"],
            Name="s3-use",
        )
        equal(encryption(user_put("closed.txt", closed_arn)()), sse_kms(closed_arn), "upload under the grant")
        expect_object(user.s3, bucket, "closed.txt", b"upload", sse_kms(closed_arn), "read under the grant")


def scenario_s07_cross_account_needs_the_key_policy_and_the_identity_policy():
    """ALPHA's bucket policy grants BETA's user s3:GetObject and s3:PutObject; the user's
    identity policy allows those and kms:Decrypt and kms:GenerateDataKey on ALPHA's key ARN.
    While the key policy names only ALPHA, the user is refused ALPHA's SSE-KMS object
    (kms:Decrypt, denied-by key, "because no resource-based policy allows") on GET and HEAD, and
    an upload with the key (kms:GenerateDataKey). Once ALPHA's key policy allows BETA's account
    those actions through S3 (kms:ViaService), the user reads the object and uploads one that
    ALPHA's root reads. A BETA user with the same S3 grants but no KMS identity policy is still
    refused (denied-by identity): across accounts both sides must allow [S3
    `troubleshoot-403-errors` ("KMS key permissions"), `UsingKMSEncryption` ("cross-account");
    KMS `key-policy-modifying-external-accounts`, `conditions-kms` (kms:ViaService)]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s07, shared with BETA")
        arn = key["Arn"]
        body = b"for beta"
        s3.put_object(Bucket=bucket, Key="shared.txt", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        reader = m.user(
            account=BETA,
            inline={"alpha": policy(s3_rw(bucket), allow(["kms:Decrypt", "kms:GenerateDataKey"], arn))},
        )
        bare = m.user(account=BETA, inline={"alpha-s3": policy(s3_rw(bucket))})
        put_bucket_policy(
            bucket,
            {
                "Sid": "BetaUsers",
                "Effect": "Allow",
                "Principal": {"AWS": [reader.arn, bare.arn]},
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": s3_arn(bucket, "*"),
            },
        )
        reader.s3.put_object(Bucket=bucket, Key="unencrypted.txt", Body=b"no kms")
        equal(get_bytes(reader.s3, bucket, "unencrypted.txt"), b"no kms", "the bucket policy lets BETA's user in")

        def reader_put(object_key):
            return lambda: reader.s3.put_object(
                Bucket=bucket, Key=object_key, Body=b"from beta", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
            )

        expect_kms_refused(
            lambda: reader.s3.get_object(Bucket=bucket, Key="shared.txt"), reader.arn, "kms:Decrypt", arn, "key"
        )
        expect_kms_refused(
            lambda: reader.s3.head_object(Bucket=bucket, Key="shared.txt"),
            reader.arn,
            "kms:Decrypt",
            arn,
            "key",
            head=True,
        )
        expect_kms_refused(reader_put("from-beta.txt"), reader.arn, "kms:GenerateDataKey", arn, "key")
        expect_missing(bucket, "from-beta.txt", "the refused upload")

        share = {
            "Sid": "AllowBetaThroughS3",
            "Effect": "Allow",
            "Principal": {"AWS": BETA_ROOT},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": VIA_S3}},
        }
        kms.put_key_policy(
            KeyId=arn, PolicyName="default", Policy=json.dumps(policy(default_policy()["Statement"][0], share))
        )
        expect_object(reader.s3, bucket, "shared.txt", body, sse_kms(arn), "BETA's user reads ALPHA's object")
        equal(encryption(reader_put("from-beta.txt")()), sse_kms(arn), "BETA's upload with ALPHA's key")
        equal(get_bytes(s3, bucket, "from-beta.txt"), b"from beta", "ALPHA's root reads BETA's upload")
        expect_kms_refused(
            lambda: bare.s3.get_object(Bucket=bucket, Key="shared.txt"), bare.arn, "kms:Decrypt", arn, "identity"
        )


def scenario_s08_disabled_and_pending_deletion_keys():
    """With the key disabled, GetObject of its object is 400 KMS.DisabledException (HEAD: 400),
    and so are PutObject, CreateMultipartUpload and CopyObject from the object (which store
    nothing); an SSE-S3 upload still works. EnableKey restores reads. With the key pending
    deletion every one of them is 400 KMS.KMSInvalidStateException. CancelKeyDeletion leaves
    the key disabled (KMS.DisabledException); EnableKey restores reads and writes [S3
    `UsingKMSEncryption`, S3 API `ErrorResponses` ("KMS.DisabledException",
    "KMS.KMSInvalidStateException"); KMS `key-state` ("Key states and their effect"),
    `deleting-keys`]."""
    s3 = root("s3")
    kms = root("kms")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s08")
        key_id, arn = key["KeyId"], key["Arn"]
        body = os.urandom(SIZE)
        s3.put_object(Bucket=bucket, Key="state.bin", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)

        def refused_everywhere(code, suffix):
            expect_error(lambda: s3.get_object(Bucket=bucket, Key="state.bin"), 400, code)
            expect_error(lambda: s3.get_object(Bucket=bucket, Key="state.bin", Range="bytes=0-9"), 400, code)
            expect_error(lambda: s3.head_object(Bucket=bucket, Key="state.bin"), 400, "400")
            expect_error(
                lambda: s3.put_object(
                    Bucket=bucket, Key=f"new-{suffix}", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
                ),
                400,
                code,
            )
            expect_error(
                lambda: s3.create_multipart_upload(
                    Bucket=bucket, Key=f"multipart-{suffix}", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
                ),
                400,
                code,
            )
            expect_error(
                lambda: s3.copy_object(
                    Bucket=bucket,
                    Key=f"copy-{suffix}",
                    CopySource={"Bucket": bucket, "Key": "state.bin"},
                    ServerSideEncryption="AES256",
                ),
                400,
                code,
            )
            for stored in (f"new-{suffix}", f"copy-{suffix}"):
                expect_missing(bucket, stored, "a refused write")
            equal(
                [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])],
                [],
                "no multipart upload started",
            )

        kms.disable_key(KeyId=key_id)
        refused_everywhere("KMS.DisabledException", "disabled")
        put = s3.put_object(Bucket=bucket, Key="aes.txt", Body=b"sse-s3", ServerSideEncryption="AES256")
        equal(encryption(put), AES, "an SSE-S3 upload while the key is disabled")
        kms.enable_key(KeyId=key_id)
        expect_object(s3, bucket, "state.bin", body, sse_kms(arn), "after EnableKey")

        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        refused_everywhere("KMS.KMSInvalidStateException", "pending")
        kms.cancel_key_deletion(KeyId=key_id)
        expect_error(lambda: s3.get_object(Bucket=bucket, Key="state.bin"), 400, "KMS.DisabledException")
        kms.enable_key(KeyId=key_id)
        expect_object(s3, bucket, "state.bin", body, sse_kms(arn), "after CancelKeyDeletion and EnableKey")
        put = s3.put_object(
            Bucket=bucket, Key="after.txt", Body=b"after", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
        )
        equal(encryption(put), sse_kms(arn), "an upload after EnableKey")


def scenario_s09_bucket_default_encryption():
    """GetBucketEncryption of a bucket without a configuration is 404
    ServerSideEncryptionConfigurationNotFoundError. PutBucketEncryption with aws:kms, a customer
    managed key's ARN and BucketKeyEnabled: GetBucketEncryption returns the rule; a plain
    PutObject is encrypted with that key and an S3 Bucket Key (PutObject, GetObject and
    HeadObject say so). With a Bucket Key the encryption context is the bucket's ARN: a user
    allowed kms:Decrypt only for kms:EncryptionContext:aws:s3:arn = the bucket's ARN reads; one
    allowed only for the object's ARN is refused. Headers on the request win over the default
    (AES256). PutBucketEncryption with AES256 replaces the rule; new plain objects are SSE-S3,
    the earlier object keeps its key. DeleteBucketEncryption removes the configuration
    (GetBucketEncryption is 404 again); objects keep their encryption. A user without
    s3:PutEncryptionConfiguration and s3:GetEncryptionConfiguration is refused both calls [S3
    `bucket-encryption`, `default-bucket-encryption`, `bucket-key` ("the bucket ARN as the
    encryption context"); S3 API `PutBucketEncryption`, `GetBucketEncryption`,
    `DeleteBucketEncryption`, `ErrorResponses`; Service Authorization Reference for S3
    (PutEncryptionConfiguration, GetEncryptionConfiguration)]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s09")
        arn = key["Arn"]
        expect_error(
            lambda: s3.get_bucket_encryption(Bucket=bucket), 404, "ServerSideEncryptionConfigurationNotFoundError"
        )
        s3.put_object(Bucket=bucket, Key="before.txt", Body=b"before any default")

        configuration = default_encryption("aws:kms", arn, True)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=configuration)
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        equal(
            [(r["ApplyServerSideEncryptionByDefault"], r.get("BucketKeyEnabled")) for r in rules],
            [({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": arn}, True)],
            "GetBucketEncryption's rules",
        )
        body = os.urandom(SIZE)
        put = s3.put_object(Bucket=bucket, Key="default.bin", Body=body)
        equal(encryption(put), sse_kms(arn, True), "a plain PutObject under the default: encryption headers")
        expect_object(s3, bucket, "default.bin", body, sse_kms(arn, True), "the default-encrypted object")
        expect_ranges(s3, bucket, "default.bin", body, RANGES[:4], "the default-encrypted object")

        def decrypt_for(arn_in_context):
            return allow(
                "kms:Decrypt", arn, Condition={"StringEquals": {"kms:EncryptionContext:aws:s3:arn": arn_in_context}}
            )

        read = allow("s3:GetObject", s3_arn(bucket, "*"))
        by_bucket = m.user(inline={"read": policy(read, decrypt_for(s3_arn(bucket)))})
        by_object = m.user(inline={"read": policy(read, decrypt_for(s3_arn(bucket, "default.bin")))})
        same_bytes(get_bytes(by_bucket.s3, bucket, "default.bin"), body, "a reader for the bucket's ARN")
        expect_kms_refused(
            lambda: by_object.s3.get_object(Bucket=bucket, Key="default.bin"),
            by_object.arn,
            "kms:Decrypt",
            arn,
            "identity",
        )

        put = s3.put_object(Bucket=bucket, Key="explicit.txt", Body=b"explicit", ServerSideEncryption="AES256")
        equal(encryption(put), AES, "the request's AES256 wins over the default")
        expect_object(s3, bucket, "explicit.txt", b"explicit", AES, "the explicitly SSE-S3 object")

        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=default_encryption("AES256"))
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        equal(
            [(r["ApplyServerSideEncryptionByDefault"], r.get("BucketKeyEnabled", False)) for r in rules],
            [({"SSEAlgorithm": "AES256"}, False)],
            "GetBucketEncryption's rules after the AES256 default",
        )
        put = s3.put_object(Bucket=bucket, Key="sse-s3.txt", Body=b"sse-s3 by default")
        equal(encryption(put), AES, "a plain PutObject under the AES256 default")
        expect_object(s3, bucket, "sse-s3.txt", b"sse-s3 by default", AES, "the AES256-by-default object")
        expect_object(s3, bucket, "default.bin", body, sse_kms(arn, True), "the earlier object keeps its key")

        s3.delete_bucket_encryption(Bucket=bucket)
        expect_error(
            lambda: s3.get_bucket_encryption(Bucket=bucket), 404, "ServerSideEncryptionConfigurationNotFoundError"
        )
        expect_object(s3, bucket, "sse-s3.txt", b"sse-s3 by default", AES, "after DeleteBucketEncryption")
        expect_object(s3, bucket, "default.bin", body, sse_kms(arn, True), "after DeleteBucketEncryption")
        equal(get_bytes(s3, bucket, "before.txt"), b"before any default", "the object from before any default")

        expect_denied(
            lambda: by_bucket.s3.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration=default_encryption("AES256")
            ),
            "identity",
            message(by_bucket.arn, "s3:PutEncryptionConfiguration", s3_arn(bucket), "identity"),
        )
        expect_denied(
            lambda: by_bucket.s3.get_bucket_encryption(Bucket=bucket),
            "identity",
            message(by_bucket.arn, "s3:GetEncryptionConfiguration", s3_arn(bucket), "identity"),
        )


def scenario_s10_multipart_upload_with_sse_kms():
    """CreateMultipartUpload with aws:kms and a key: its response and CompleteMultipartUpload's
    name the key's ARN; two parts (5 MiB and 100 KiB) complete into an object whose bytes come
    back whole, in ranges across the part boundary and its 64 KiB neighbours, and whose HEAD
    says aws:kms with the key. Under an AES256 bucket default a plain CreateMultipartUpload is
    SSE-S3. A user with S3 permissions but no KMS permission is refused CreateMultipartUpload
    (kms:GenerateDataKey); allowed that, it starts the upload but is refused UploadPart
    (kms:Decrypt); allowed that too, it uploads, completes and reads [S3 `mpuoverview`
    ("Multipart upload and permissions": "you must have permission to the kms:Decrypt and
    kms:GenerateDataKey actions"), `UsingKMSEncryption`; S3 API `CreateMultipartUpload`,
    `UploadPart`, `CompleteMultipartUpload`]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s10")
        arn = key["Arn"]
        first, second = os.urandom(5 * MIB), os.urandom(100 * 1024 + 7)
        body = first + second
        created = s3.create_multipart_upload(
            Bucket=bucket, Key="big.bin", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
        )
        equal(encryption(created), sse_kms(arn), "CreateMultipartUpload's encryption headers")
        upload = created["UploadId"]
        parts = []
        for number, data in ((1, first), (2, second)):
            answer = s3.upload_part(Bucket=bucket, Key="big.bin", UploadId=upload, PartNumber=number, Body=data)
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        done = s3.complete_multipart_upload(
            Bucket=bucket, Key="big.bin", UploadId=upload, MultipartUpload={"Parts": parts}
        )
        equal(encryption(done), sse_kms(arn), "CompleteMultipartUpload's encryption headers")
        expect_object(s3, bucket, "big.bin", body, sse_kms(arn), "the multipart SSE-KMS object")
        p = len(first)
        expect_ranges(
            s3,
            bucket,
            "big.bin",
            body,
            ["0-0", f"{p - 10}-{p + 10}", f"{p - 1}-{p}", f"{p}-{p}", f"{p - 65536}-{p + 65536}", f"{p - 70000}-", "-1"],
            "the multipart SSE-KMS object",
            sse_kms(arn),
        )

        plain = m.bucket()
        s3.put_bucket_encryption(Bucket=plain, ServerSideEncryptionConfiguration=default_encryption("AES256"))
        created = s3.create_multipart_upload(Bucket=plain, Key="one-part.bin")
        equal(encryption(created), AES, "CreateMultipartUpload under an AES256 default")
        answer = s3.upload_part(
            Bucket=plain, Key="one-part.bin", UploadId=created["UploadId"], PartNumber=1, Body=second
        )
        done = s3.complete_multipart_upload(
            Bucket=plain,
            Key="one-part.bin",
            UploadId=created["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": answer["ETag"]}]},
        )
        equal(encryption(done), AES, "CompleteMultipartUpload under an AES256 default")
        expect_object(s3, plain, "one-part.bin", second, AES, "the one-part SSE-S3 upload")

        user = m.user(inline={"s3": policy(s3_rw(bucket))})

        def start():
            return user.s3.create_multipart_upload(
                Bucket=bucket, Key="user.bin", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn
            )

        expect_kms_refused(start, user.arn, "kms:GenerateDataKey", arn, "identity")
        put_user_policy(user, "kms-write", allow("kms:GenerateDataKey", arn))
        created = start()
        equal(encryption(created), sse_kms(arn), "the user's CreateMultipartUpload")
        upload = created["UploadId"]

        def part():
            return user.s3.upload_part(Bucket=bucket, Key="user.bin", UploadId=upload, PartNumber=1, Body=second)

        expect_kms_refused(part, user.arn, "kms:Decrypt", arn, "identity")
        put_user_policy(user, "kms-read", allow("kms:Decrypt", arn))
        etag = part()["ETag"]
        done = user.s3.complete_multipart_upload(
            Bucket=bucket,
            Key="user.bin",
            UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
        equal(encryption(done), sse_kms(arn), "the user's CompleteMultipartUpload")
        expect_object(user.s3, bucket, "user.bin", second, sse_kms(arn), "the user's multipart object")


def scenario_s11_copy_object_changes_encryption():
    """CopyObject from an SSE-KMS object to a new key with AES256: the response and the copy
    say AES256 and name no key; the bytes (whole and ranged) are the source's. From an
    unencrypted object to aws:kms with a key: the copy names the key. From that copy to a second
    key: the second key. Into a bucket whose default is AES256, a copy without encryption
    headers takes the destination's default. A user allowed kms:GenerateDataKey but not
    kms:Decrypt is refused a copy from the SSE-KMS object (kms:Decrypt on the source's key,
    denied-by identity) yet copies the unencrypted object to aws:kms [S3 `copy-object`
    ("Using the copy operation, you can ... change the server-side encryption"),
    `UsingKMSEncryption`, `bucket-encryption` ("copy ... the default encryption of the
    destination bucket"); S3 API `CopyObject`]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s11")
        other = m.key(Description="gatehouse sse s11, second")
        arn, other_arn = key["Arn"], other["Arn"]
        body = os.urandom(SIZE)
        s3.put_object(Bucket=bucket, Key="src-kms.bin", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)

        def copy(client, source, target, target_bucket=bucket, **params):
            return client.copy_object(
                Bucket=target_bucket, Key=target, CopySource={"Bucket": bucket, "Key": source}, **params
            )

        answer = copy(s3, "src-kms.bin", "dst-aes.bin", ServerSideEncryption="AES256")
        equal(encryption(answer), AES, "CopyObject SSE-KMS to AES256: encryption headers")
        expect_object(s3, bucket, "dst-aes.bin", body, AES, "the AES256 copy")
        expect_ranges(s3, bucket, "dst-aes.bin", body, ["65530-65545", "-1"], "the AES256 copy")

        plain_body = os.urandom(SIZE)
        s3.put_object(Bucket=bucket, Key="src-plain.bin", Body=plain_body)
        answer = copy(s3, "src-plain.bin", "dst-kms.bin", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        equal(encryption(answer), sse_kms(arn), "CopyObject plain to aws:kms: encryption headers")
        expect_object(s3, bucket, "dst-kms.bin", plain_body, sse_kms(arn), "the SSE-KMS copy")
        expect_ranges(s3, bucket, "dst-kms.bin", plain_body, ["65530-65545", "-1"], "the SSE-KMS copy")

        answer = copy(s3, "dst-kms.bin", "dst-other.bin", ServerSideEncryption="aws:kms", SSEKMSKeyId=other_arn)
        equal(encryption(answer), sse_kms(other_arn), "CopyObject to a second key: encryption headers")
        expect_object(s3, bucket, "dst-other.bin", plain_body, sse_kms(other_arn), "the copy under the second key")

        target = m.bucket()
        s3.put_bucket_encryption(Bucket=target, ServerSideEncryptionConfiguration=default_encryption("AES256"))
        answer = copy(s3, "src-kms.bin", "copied.bin", target_bucket=target)
        equal(encryption(answer), AES, "CopyObject without headers into an AES256-default bucket")
        expect_object(s3, target, "copied.bin", body, AES, "the copy in the AES256-default bucket")

        user = m.user(inline={"s3": policy(s3_rw(bucket)), "kms": policy(allow("kms:GenerateDataKey", arn))})
        expect_kms_refused(
            lambda: copy(user.s3, "src-kms.bin", "user-copy.bin", ServerSideEncryption="AES256"),
            user.arn,
            "kms:Decrypt",
            arn,
            "identity",
        )
        expect_missing(bucket, "user-copy.bin", "the refused copy")
        answer = copy(user.s3, "src-plain.bin", "user-kms.bin", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        equal(encryption(answer), sse_kms(arn), "the user's copy to aws:kms")
        equal(get_bytes(s3, bucket, "user-kms.bin"), plain_body, "the user's copy's bytes")


def scenario_s12_bucket_policy_conditions_on_encryption_headers():
    """A bucket policy denying s3:PutObject when s3:x-amz-server-side-encryption is Null refuses
    a plain PutObject ("with an explicit deny in a resource-based policy", denied-by resource,
    the bucket's ARN and the Sid) even while the bucket's default encryption would encrypt it
    (the condition key is the request's header), and refuses a plain CopyObject and
    CreateMultipartUpload (both ask s3:PutObject); uploads with AES256 or aws:kms pass.
    Requiring StringEquals-aws:kms (a Deny on StringNotEquals) refuses AES256. Requiring one key
    (a Deny on StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id) refuses another
    key and AES256 (a negated operator matches when the key is absent) and allows the key's
    ARN [S3 `amazon-s3-policy-keys` ("Require SSE-KMS for all objects written to a bucket"),
    `UsingKMSEncryption` ("Requiring server-side encryption"), `specifying-s3-encryption`;
    IAM `reference_policies_elements_condition_operators` ("Null", "...the condition key is
    not present ... negated ... returns true")]."""
    s3 = root("s3")
    with made() as m:
        bucket = m.bucket()
        key = m.key(Description="gatehouse sse s12")
        other = m.key(Description="gatehouse sse s12, another key")
        arn, other_arn = key["Arn"], other["Arn"]
        user = m.user(managed=[S3_FULL], inline={"kms": policy(allow(["kms:GenerateDataKey", "kms:Decrypt"], "*"))})

        def deny_put(sid, condition):
            put_bucket_policy(
                bucket,
                {
                    "Sid": sid,
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:PutObject",
                    "Resource": s3_arn(bucket, "*"),
                    "Condition": condition,
                },
            )

        def refused_put(fn, object_key, sid):
            expect_denied(
                fn,
                "resource",
                message(user.arn, "s3:PutObject", s3_arn(bucket, object_key), "resource", explicit=True),
                decision="explicitDeny",
                policy_id=s3_arn(bucket),
                statement=sid,
            )
            expect_missing(bucket, object_key, f"the upload refused by {sid}")

        def put(object_key, **params):
            return lambda: user.s3.put_object(Bucket=bucket, Key=object_key, Body=b"data", **params)

        s3.put_object(Bucket=bucket, Key="source.txt", Body=b"source", ServerSideEncryption="AES256")
        deny_put("RequireEncryptionHeader", {"Null": {"s3:x-amz-server-side-encryption": "true"}})
        refused_put(put("plain.txt"), "plain.txt", "RequireEncryptionHeader")
        refused_put(
            lambda: user.s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "source.txt"}),
            "copy.txt",
            "RequireEncryptionHeader",
        )
        refused_put(
            lambda: user.s3.create_multipart_upload(Bucket=bucket, Key="multipart.bin"),
            "multipart.bin",
            "RequireEncryptionHeader",
        )
        equal(encryption(put("aes.txt", ServerSideEncryption="AES256")()), AES, "an AES256 upload")
        equal(
            encryption(put("kms.txt", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)()),
            sse_kms(arn),
            "an aws:kms upload",
        )
        created = user.s3.create_multipart_upload(Bucket=bucket, Key="multipart.bin", ServerSideEncryption="AES256")
        user.s3.abort_multipart_upload(Bucket=bucket, Key="multipart.bin", UploadId=created["UploadId"])
        copied = user.s3.copy_object(
            Bucket=bucket,
            Key="copy-aes.txt",
            CopySource={"Bucket": bucket, "Key": "source.txt"},
            ServerSideEncryption="AES256",
        )
        equal(copied.get("ServerSideEncryption"), "AES256", "a CopyObject that asks for AES256")
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=default_encryption("AES256"))
        refused_put(put("plain-with-default.txt"), "plain-with-default.txt", "RequireEncryptionHeader")

        deny_put("RequireKms", {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}})
        refused_put(put("aes-2.txt", ServerSideEncryption="AES256"), "aes-2.txt", "RequireKms")
        refused_put(put("plain-2.txt"), "plain-2.txt", "RequireKms")
        equal(
            encryption(put("kms-2.txt", ServerSideEncryption="aws:kms", SSEKMSKeyId=other_arn)()),
            sse_kms(other_arn),
            "an aws:kms upload under RequireKms",
        )

        deny_put("RequireOurKey", {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": arn}})
        refused_put(
            put("other-key.txt", ServerSideEncryption="aws:kms", SSEKMSKeyId=other_arn), "other-key.txt", "RequireOurKey"
        )
        refused_put(put("aes-3.txt", ServerSideEncryption="AES256"), "aes-3.txt", "RequireOurKey")
        equal(
            encryption(put("our-key.txt", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)()),
            sse_kms(arn),
            "an upload with the required key",
        )
        expect_object(user.s3, bucket, "our-key.txt", b"data", sse_kms(arn), "the upload with the required key")


if __name__ == "__main__":
    run(globals())
