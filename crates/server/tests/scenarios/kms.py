"""AWS KMS end to end: the API (JSON 1.1, `TrentService.*`, SigV4 service "kms", us-east-1) on
the same port as S3, IAM, STS and Organizations, and its authorization: a key policy must allow
the caller, or delegate to the caller's account (the default policy's "Enable IAM User
Permissions" statement), before identity policies count; across accounts both the key policy
and the caller's identity policies must allow; an explicit deny in the key policy wins; grants
allow their grantee the operations they list, within their constraints, until revoked or
retired. Symmetric keys only (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT).

Refusals are KMS's: HTTP 400 with the JSON error code AccessDeniedException and AWS's enhanced
text ("... because no resource-based policy allows the kms:Decrypt action" — the key policy is
phrased as a resource-based policy, and KMS does not quote the key ARN), with Gatehouse's
x-gatehouse-* headers (denied-by `key` for the key policy, the key ARN as the policy).

The suite shares a long-lived server with other suites: aliases and users get unique() names,
and every scenario removes what it made (aliases and users deleted; keys, which cannot be
deleted at once, scheduled for deletion after 7 days).

Usage: python3 kms.py ENDPOINT [scenario_name ...]
"""

import datetime
import json
import re
import sys
import uuid
from contextlib import contextmanager

import botocore

import lib
from lib import (
    ALPHA,
    BETA,
    allow,
    check,
    client,
    create_user,
    equal,
    expect_error,
    gatehouse_headers,
    message,
    policy,
    root,
    run,
    unique,
)

REGION = "us-east-1"
ALPHA_ROOT = f"arn:aws:iam::{ALPHA}:root"
BETA_ROOT = f"arn:aws:iam::{BETA}:root"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


def default_policy(account=ALPHA):
    """The key policy CreateKey gives a key when the request has none [KMS
    `key-policy-default`, "Default key policy"]."""
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


# The key administrators' statement of the console's default key policy [KMS
# `key-policy-default`, "Allows key administrators to administer the KMS key"], here naming the
# account: it delegates the administrative actions (CreateGrant, RevokeGrant, PutKeyPolicy,
# ScheduleKeyDeletion, ...) to IAM, and none of the cryptographic ones.
ADMINISTER = {
    "Sid": "KeyAdministrators",
    "Effect": "Allow",
    "Principal": {"AWS": ALPHA_ROOT},
    "Action": [
        "kms:Create*",
        "kms:Describe*",
        "kms:Enable*",
        "kms:List*",
        "kms:Put*",
        "kms:Update*",
        "kms:Revoke*",
        "kms:Disable*",
        "kms:Get*",
        "kms:Delete*",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
    ],
    "Resource": "*",
}


def kms_of(principal):
    """A KMS client as an IAM user or a role session."""
    return client("kms", principal.key, principal.secret, principal.token)


def key_arn(key_id, account=ALPHA):
    return f"arn:aws:kms:{REGION}:{account}:key/{key_id}"


def alias_arn(name, account=ALPHA):
    """`name` is the whole alias name, `alias/...`."""
    return f"arn:aws:kms:{REGION}:{account}:{name}"


def every(api, operation, key, **params):
    """Every item of a List* operation, all pages."""
    items = []
    for page in api.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


def code_of(error):
    return error.response["Error"]["Code"]


def matches(pattern, value, what):
    check(
        isinstance(value, str) and re.fullmatch(pattern, value) is not None,
        f"{what}: {value!r} does not match {pattern}",
    )


def expect_kms_denied(
    fn, layer, message_text=None, decision="implicitDeny", policy_id=None, statement=None
):
    """Calls `fn`, which must fail as KMS refuses: HTTP 400, error code AccessDeniedException,
    AWS's message `message_text` exactly (when given), and the x-gatehouse-* headers: decision,
    denied-by `layer`, and the deciding policy and statement (both absent when `policy_id` is
    None, as for an implicit deny) [KMS API `CommonErrors` AccessDeniedException; KMS
    `troubleshooting-access-denied`]. Returns the ClientError."""
    try:
        result = fn()
    except botocore.exceptions.ClientError as e:
        error = e
    else:
        raise lib.Failure(
            f"expected 400 AccessDeniedException, the request succeeded: {result!r:.300}"
        )
    equal(error.response["ResponseMetadata"]["HTTPStatusCode"], 400, "HTTP status")
    equal(code_of(error), "AccessDeniedException", "error code")
    if message_text is not None:
        equal(error.response["Error"]["Message"], message_text, "AccessDeniedException message")
    h = gatehouse_headers(error.response)
    equal(h.get("decision"), decision, "x-gatehouse-decision")
    equal(h.get("denied-by"), layer, "x-gatehouse-denied-by")
    equal(h.get("policy"), policy_id, "x-gatehouse-policy")
    equal(h.get("statement"), statement, "x-gatehouse-statement")
    return error


def refused(principal_arn, action, arn, layer, explicit=False):
    """AWS's text for a KMS refusal: the key policy is "resource-based", the ARN unquoted."""
    phrase = {"key": "resource", "identity": "identity"}[layer]
    return message(principal_arn, action, arn, phrase, explicit=explicit)


def delete_user(name, account=ALPHA):
    """Deletes a user and everything that would keep IAM from deleting it."""
    iam = root("iam", account)
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=p)
    for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
    iam.delete_user(UserName=name)


class Made:
    """What a scenario made, to be removed at its end: aliases (deleted), keys (scheduled for
    deletion in 7 days, the shortest window), users (deleted)."""

    def __init__(self):
        self.aliases = []  # (kms client, alias name)
        self.keys = []  # (kms client, key id)
        self.users = []  # (account, user name)

    def key(self, kms=None, **params):
        """A new key of `kms`'s account (ALPHA's root by default); its KeyMetadata. `kms` must
        be allowed to schedule the key's deletion."""
        kms = kms or root("kms")
        metadata = kms.create_key(**params)["KeyMetadata"]
        self.keys.append((kms, metadata["KeyId"]))
        return metadata

    def alias(self, kms, name, target):
        kms.create_alias(AliasName=name, TargetKeyId=target)
        self.aliases.append((kms, name))

    def user(self, account=ALPHA, inline=None):
        principal = create_user(account=account, inline=inline)
        self.users.append((account, principal.name))
        return principal

    def remove(self):
        problems = []
        for kms, name in self.aliases:
            try:
                kms.delete_alias(AliasName=name)
            except botocore.exceptions.ClientError as e:
                if code_of(e) != "NotFoundException":  # the scenario deleted it itself
                    problems.append(f"DeleteAlias {name}: {e}")
        for kms, key_id in self.keys:
            try:
                kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
            except botocore.exceptions.ClientError as e:
                state = None
                try:
                    state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
                except Exception:
                    pass
                if state != "PendingDeletion":
                    problems.append(f"ScheduleKeyDeletion {key_id}: {e}")
        for account, name in self.users:
            try:
                delete_user(name, account)
            except Exception as e:
                problems.append(f"DeleteUser {name} of {account}: {e}")
        if problems:
            raise lib.Failure("could not clean up:\n  " + "\n  ".join(problems))


@contextmanager
def made():
    """A Made whose things are removed at the end, whatever happened. A failure to remove them
    fails the scenario (unless the scenario already failed: then it is printed)."""
    things = Made()
    try:
        yield things
    except BaseException:
        try:
            things.remove()
        except Exception as e:
            sys.stderr.write(f"after the failure, {e}\n")
        raise
    things.remove()


def scenario_k1_create_describe_encrypt_decrypt_data_keys_reencrypt():
    """A key made without a policy gets the default key policy (GetKeyPolicy "default",
    ListKeyPolicies ["default"]) and AWS's metadata (a UUID KeyId, the key ARN, Enabled,
    SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, AWS_KMS, CUSTOMER). Encrypt/Decrypt round trips, with the
    key ARN as KeyId; the same plaintext encrypts differently each time; an encryption context
    must be given back exactly (in any order) — missing, changed, extra or unexpected context is
    InvalidCiphertextException. GenerateDataKey returns a data key whose ciphertext decrypts to
    it (AES_256 32 bytes, AES_128 16, NumberOfBytes as asked), GenerateDataKeyWithoutPlaintext
    only the ciphertext. ReEncrypt moves a ciphertext to a second key and context [KMS
    `key-policy-default`, `concepts` "Encryption context", `encrypt_context`, `data-keys`; KMS
    API `CreateKey`, `DescribeKey`, `GetKeyPolicy`, `Encrypt`, `Decrypt`, `GenerateDataKey`,
    `GenerateDataKeyWithoutPlaintext`, `ReEncrypt`]."""
    kms = root("kms")
    with made() as m:
        before = datetime.datetime.now(datetime.timezone.utc)
        created = m.key(Description="gatehouse kms scenario k1")
        key_id = created["KeyId"]
        arn = key_arn(key_id)
        matches(UUID, key_id, "KeyId")
        equal(created["Arn"], arn, "Arn")
        equal(created["AWSAccountId"], ALPHA, "AWSAccountId")
        equal(created["Description"], "gatehouse kms scenario k1", "Description")
        equal(created["Enabled"], True, "Enabled")
        equal(created["KeyState"], "Enabled", "KeyState")
        equal(created["KeyUsage"], "ENCRYPT_DECRYPT", "KeyUsage")
        equal(created["KeySpec"], "SYMMETRIC_DEFAULT", "KeySpec")
        equal(created["Origin"], "AWS_KMS", "Origin")
        equal(created["KeyManager"], "CUSTOMER", "KeyManager")
        equal(created["EncryptionAlgorithms"], ["SYMMETRIC_DEFAULT"], "EncryptionAlgorithms")
        check("DeletionDate" not in created, f"no DeletionDate on a new key: {created}")
        check(
            isinstance(created["CreationDate"], datetime.datetime)
            and created["CreationDate"] >= before - datetime.timedelta(minutes=5),
            f"CreationDate is now: {created['CreationDate']!r}",
        )
        for by in (key_id, arn):
            described = kms.describe_key(KeyId=by)["KeyMetadata"]
            equal(described, created, f"DescribeKey by {by}")
        equal(
            json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]),
            default_policy(),
            "the default key policy",
        )
        equal(every(kms, "list_key_policies", "PolicyNames", KeyId=key_id), ["default"], "ListKeyPolicies")

        plaintext = b"the quarterly numbers"
        first = kms.encrypt(KeyId=key_id, Plaintext=plaintext)
        equal(first["KeyId"], arn, "Encrypt's KeyId")
        equal(first["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT", "Encrypt's EncryptionAlgorithm")
        blob = first["CiphertextBlob"]
        check(plaintext not in blob, "the ciphertext does not contain the plaintext")
        second = kms.encrypt(KeyId=arn, Plaintext=plaintext)["CiphertextBlob"]
        check(second != blob, "two encryptions of the same plaintext differ")
        for ciphertext in (blob, second):
            answer = kms.decrypt(CiphertextBlob=ciphertext)
            equal(answer["Plaintext"], plaintext, "Decrypt's Plaintext")
            equal(answer["KeyId"], arn, "Decrypt's KeyId")
            equal(answer["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT", "Decrypt's EncryptionAlgorithm")
        equal(kms.decrypt(CiphertextBlob=blob, KeyId=arn)["Plaintext"], plaintext, "Decrypt with KeyId")
        expect_error(
            lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "q3"}),
            400,
            "InvalidCiphertextException",
        )

        context = {"department": "finance", "purpose": "q3"}
        bound = kms.encrypt(KeyId=key_id, Plaintext=plaintext, EncryptionContext=context)["CiphertextBlob"]
        reordered = {"purpose": "q3", "department": "finance"}
        equal(
            kms.decrypt(CiphertextBlob=bound, EncryptionContext=reordered)["Plaintext"],
            plaintext,
            "Decrypt with the same context in another order",
        )
        for wrong in (None, {"department": "finance", "purpose": "q4"}, {"department": "finance"},
                      dict(context, extra="x")):
            params = {} if wrong is None else {"EncryptionContext": wrong}
            expect_error(
                lambda params=params: kms.decrypt(CiphertextBlob=bound, **params),
                400,
                "InvalidCiphertextException",
            )

        data_context = {"file": "report.csv"}
        data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=data_context)
        equal(len(data_key["Plaintext"]), 32, "an AES_256 data key's length")
        equal(data_key["KeyId"], arn, "GenerateDataKey's KeyId")
        equal(
            kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=data_context)["Plaintext"],
            data_key["Plaintext"],
            "the data key's ciphertext decrypts to the data key",
        )
        equal(len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]), 16, "AES_128")
        equal(len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=64)["Plaintext"]), 64, "NumberOfBytes 64")
        without = kms.generate_data_key_without_plaintext(KeyId=arn, KeySpec="AES_256")
        check("Plaintext" not in without, f"GenerateDataKeyWithoutPlaintext has no Plaintext: {sorted(without)}")
        equal(without["KeyId"], arn, "GenerateDataKeyWithoutPlaintext's KeyId")
        equal(len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]), 32, "its data key")

        other = m.key(Description="gatehouse kms scenario k1, second key")
        other_arn = other["Arn"]
        new_context = {"department": "finance", "purpose": "archive"}
        moved = kms.re_encrypt(
            CiphertextBlob=bound,
            SourceEncryptionContext=context,
            DestinationKeyId=other["KeyId"],
            DestinationEncryptionContext=new_context,
        )
        equal(moved["SourceKeyId"], arn, "ReEncrypt's SourceKeyId")
        equal(moved["KeyId"], other_arn, "ReEncrypt's KeyId")
        answer = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext=new_context)
        equal((answer["Plaintext"], answer["KeyId"]), (plaintext, other_arn), "Decrypt after ReEncrypt")
        expect_error(
            lambda: kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext=context),
            400,
            "InvalidCiphertextException",
        )
        expect_error(
            lambda: kms.re_encrypt(CiphertextBlob=bound, DestinationKeyId=other["KeyId"]),
            400,
            "InvalidCiphertextException",
        )


def scenario_k2_key_policy_must_allow_or_delegate_to_iam():
    """An ALPHA IAM user whose identity policy allows kms:Encrypt, kms:Decrypt and
    kms:DescribeKey uses a key with the default policy (its root statement delegates to IAM);
    a user without identity policies is refused by IAM ("because no identity-based policy
    allows"). On a key whose policy delegates only the administrative actions to the account
    and allows use only to one named user, the same allowed user describes the key (delegated)
    but is refused Encrypt by the key policy: "because no resource-based policy allows the
    kms:Encrypt action", x-gatehouse-denied-by key. The named user, with no identity policy at
    all, encrypts and decrypts [KMS `control-access` ("Unless the key policy explicitly allows
    it, you cannot use IAM policies to allow access to a KMS key"), `key-policy-default`
    ("Allows access to the AWS account and enables IAM policies"), `iam-policies`]."""
    kms = root("kms")
    with made() as m:
        allowed = m.user(inline={"use-keys": policy(allow(USE, f"arn:aws:kms:{REGION}:{ALPHA}:key/*"))})
        named = m.user()
        nobody = m.user()

        delegating = m.key(Description="gatehouse kms k2, default policy")
        delegating_arn = delegating["Arn"]
        blob = kms_of(allowed).encrypt(KeyId=delegating_arn, Plaintext=b"by IAM")["CiphertextBlob"]
        equal(kms_of(allowed).decrypt(CiphertextBlob=blob)["Plaintext"], b"by IAM", "the allowed user decrypts")
        equal(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"by IAM", "ALPHA's root decrypts")
        expect_kms_denied(
            lambda: kms_of(nobody).encrypt(KeyId=delegating_arn, Plaintext=b"x"),
            "identity",
            refused(nobody.arn, "kms:Encrypt", delegating_arn, "identity"),
        )
        expect_kms_denied(
            lambda: kms_of(nobody).decrypt(CiphertextBlob=blob),
            "identity",
            refused(nobody.arn, "kms:Decrypt", delegating_arn, "identity"),
        )

        only_named = policy(
            ADMINISTER,
            {
                "Sid": "UseByName",
                "Effect": "Allow",
                "Principal": {"AWS": named.arn},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            },
        )
        closed = m.key(Description="gatehouse kms k2, named user only", Policy=json.dumps(only_named))
        closed_arn = closed["Arn"]
        equal(
            json.loads(kms.get_key_policy(KeyId=closed_arn, PolicyName="default")["Policy"]),
            only_named,
            "GetKeyPolicy of a key made with a policy",
        )
        equal(
            kms_of(allowed).describe_key(KeyId=closed_arn)["KeyMetadata"]["Arn"],
            closed_arn,
            "DescribeKey, delegated by the administrators' statement",
        )
        expect_kms_denied(
            lambda: kms_of(allowed).encrypt(KeyId=closed_arn, Plaintext=b"x"),
            "key",
            refused(allowed.arn, "kms:Encrypt", closed_arn, "key"),
        )
        expect_kms_denied(
            lambda: kms_of(allowed).encrypt(KeyId=closed["KeyId"], Plaintext=b"x"),
            "key",
            refused(allowed.arn, "kms:Encrypt", closed_arn, "key"),
        )
        closed_blob = kms_of(named).encrypt(KeyId=closed_arn, Plaintext=b"by name")["CiphertextBlob"]
        equal(kms_of(named).decrypt(CiphertextBlob=closed_blob)["Plaintext"], b"by name", "the named user decrypts")
        expect_kms_denied(
            lambda: kms_of(allowed).decrypt(CiphertextBlob=closed_blob),
            "key",
            refused(allowed.arn, "kms:Decrypt", closed_arn, "key"),
        )
        # ALPHA's root is only a key administrator here: it is refused Decrypt too.
        expect_kms_denied(
            lambda: kms.decrypt(CiphertextBlob=closed_blob),
            "key",
            refused(ALPHA_ROOT, "kms:Decrypt", closed_arn, "key"),
        )
        # The named user is named for Encrypt, Decrypt and DescribeKey only.
        expect_kms_denied(
            lambda: kms_of(named).generate_data_key(KeyId=closed_arn, KeySpec="AES_256"),
            "identity",
            refused(named.arn, "kms:GenerateDataKey", closed_arn, "identity"),
        )


def scenario_k3_explicit_deny_in_the_key_policy_wins():
    """A key policy with the default delegation plus a Deny of kms:Decrypt naming one user: the
    user, whose identity policy allows every use of every key, still encrypts but is refused
    Decrypt "with an explicit deny in a resource-based policy", x-gatehouse-decision
    explicitDeny, denied-by key, the key's ARN as the policy and the statement's Sid; another
    user with the same identity policy decrypts. When the Deny is replaced by PutKeyPolicy
    with one that has no Sid, the statement is named by its 0-based index [KMS
    `key-policy-overview`, IAM `reference_policies_evaluation-logic` ("an explicit deny in any
    policy overrides any allows"); KMS API `PutKeyPolicy`]."""
    kms = root("kms")
    with made() as m:
        everything = {"use-keys": policy(allow("kms:*", "*"))}
        denied = m.user(inline=everything)
        other = m.user(inline=everything)
        deny = {
            "Sid": "NoDecryptForOneUser",
            "Effect": "Deny",
            "Principal": {"AWS": denied.arn},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
        delegation = default_policy()["Statement"][0]
        key = m.key(
            Description="gatehouse kms k3",
            Policy=json.dumps(policy(delegation, deny)),
        )
        arn = key["Arn"]
        blob = kms_of(denied).encrypt(KeyId=arn, Plaintext=b"sealed")["CiphertextBlob"]
        equal(kms_of(other).decrypt(CiphertextBlob=blob)["Plaintext"], b"sealed", "the other user decrypts")
        expect_kms_denied(
            lambda: kms_of(denied).decrypt(CiphertextBlob=blob),
            "key",
            refused(denied.arn, "kms:Decrypt", arn, "key", explicit=True),
            decision="explicitDeny",
            policy_id=arn,
            statement="NoDecryptForOneUser",
        )
        unnamed = {k: v for k, v in deny.items() if k != "Sid"}
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy(delegation, unnamed)))
        expect_kms_denied(
            lambda: kms_of(denied).decrypt(CiphertextBlob=blob, KeyId=arn),
            "key",
            refused(denied.arn, "kms:Decrypt", arn, "key", explicit=True),
            decision="explicitDeny",
            policy_id=arn,
            statement="1",
        )
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(default_policy()))
        equal(kms_of(denied).decrypt(CiphertextBlob=blob)["Plaintext"], b"sealed", "after the Deny is gone")


def scenario_k4_cross_account_needs_the_key_policy_and_the_identity_policy():
    """BETA's user whose identity policy allows kms:Encrypt and kms:Decrypt on ALPHA's key ARN
    is refused by the key policy while it names only ALPHA ("because no resource-based policy
    allows the kms:Decrypt action", denied-by key). Once ALPHA's key policy also allows BETA's
    account, the user decrypts ALPHA's ciphertext and encrypts by the key ARN (ALPHA decrypts
    it), and BETA's root needs nothing more; a BETA user without an identity policy is still
    refused by IAM, even when the key policy names that user itself: across accounts both sides
    must allow [KMS `key-policy-modifying-external-accounts` ("Allowing users in other accounts
    to use a KMS key": "the key policy ... and IAM policies in the external account"),
    `cross-account-console`]."""
    kms = root("kms")
    with made() as m:
        key = m.key(Description="gatehouse kms k4, shared with BETA")
        arn = key["Arn"]
        reader = m.user(
            account=BETA,
            inline={"alpha-key": policy(allow(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], arn))},
        )
        bare = m.user(account=BETA)
        beta_root = root("kms", BETA)
        blob = kms.encrypt(KeyId=arn, Plaintext=b"for beta", EncryptionContext={"to": "beta"})["CiphertextBlob"]
        expect_kms_denied(
            lambda: kms_of(reader).decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"}),
            "key",
            refused(reader.arn, "kms:Decrypt", arn, "key"),
        )
        expect_kms_denied(
            lambda: kms_of(reader).encrypt(KeyId=arn, Plaintext=b"x"),
            "key",
            refused(reader.arn, "kms:Encrypt", arn, "key"),
        )
        expect_kms_denied(
            lambda: beta_root.decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"}),
            "key",
            refused(BETA_ROOT, "kms:Decrypt", arn, "key"),
        )

        share = {
            "Sid": "AllowBetaToUse",
            "Effect": "Allow",
            "Principal": {"AWS": BETA_ROOT},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
        }
        delegation = default_policy()["Statement"][0]
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy(delegation, share)))
        answer = kms_of(reader).decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"})
        equal((answer["Plaintext"], answer["KeyId"]), (b"for beta", arn), "BETA's user decrypts")
        back = kms_of(reader).encrypt(KeyId=arn, Plaintext=b"from beta")
        equal(back["KeyId"], arn, "BETA's Encrypt's KeyId")
        equal(kms.decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"], b"from beta", "ALPHA decrypts BETA's")
        equal(kms_of(reader).describe_key(KeyId=arn)["KeyMetadata"]["AWSAccountId"], ALPHA, "BETA describes it")
        equal(
            beta_root.decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"})["Plaintext"],
            b"for beta",
            "BETA's root decrypts",
        )
        expect_kms_denied(
            lambda: kms_of(bare).decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"}),
            "identity",
            refused(bare.arn, "kms:Decrypt", arn, "identity"),
        )
        # Shared actions only: GenerateDataKey is not in the key policy's statement for BETA.
        expect_kms_denied(
            lambda: beta_root.generate_data_key(KeyId=arn, KeySpec="AES_256"),
            "key",
            refused(BETA_ROOT, "kms:GenerateDataKey", arn, "key"),
        )

        by_name = dict(share, Sid="AllowBetaUserByName", Principal={"AWS": bare.arn})
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy(delegation, by_name)))
        expect_kms_denied(
            lambda: kms_of(bare).decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"}),
            "identity",
            refused(bare.arn, "kms:Decrypt", arn, "identity"),
        )
        # Now the policy names that one user, not BETA: BETA's other user is refused again.
        expect_kms_denied(
            lambda: kms_of(reader).decrypt(CiphertextBlob=blob, EncryptionContext={"to": "beta"}),
            "key",
            refused(reader.arn, "kms:Decrypt", arn, "key"),
        )


def scenario_k5_disable_enable_schedule_and_cancel_deletion():
    """DisableKey: KeyState Disabled, Enabled false, and Encrypt, Decrypt and GenerateDataKey
    fail with DisabledException; EnableKey restores them. ScheduleKeyDeletion with a window
    under 7 days is a ValidationException; with 7 days the key is PendingDeletion with a
    DeletionDate 7 days ahead, and using it is KMSInvalidStateException, as is scheduling it
    again. CancelKeyDeletion leaves it Disabled (DisabledException), without a DeletionDate;
    EnableKey makes the old ciphertext decrypt again [KMS `enabling-keys`, `deleting-keys`
    ("When you cancel key deletion ... its key state is Disabled"), `key-state`; KMS API
    `ScheduleKeyDeletion`, `CancelKeyDeletion`]."""
    kms = root("kms")
    with made() as m:
        key = m.key(Description="gatehouse kms k5")
        key_id, arn = key["KeyId"], key["Arn"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"state")["CiphertextBlob"]

        kms.disable_key(KeyId=key_id)
        described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        equal((described["KeyState"], described["Enabled"]), ("Disabled", False), "after DisableKey")
        expect_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), 400, "DisabledException")
        expect_error(lambda: kms.decrypt(CiphertextBlob=blob), 400, "DisabledException")
        expect_error(lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"), 400, "DisabledException")
        kms.enable_key(KeyId=key_id)
        described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        equal((described["KeyState"], described["Enabled"]), ("Enabled", True), "after EnableKey")
        equal(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"state", "Decrypt after EnableKey")

        expect_error(
            lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=6), 400, "ValidationException"
        )
        now = datetime.datetime.now(datetime.timezone.utc)
        scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        equal(scheduled["KeyId"], arn, "ScheduleKeyDeletion's KeyId")
        equal(scheduled["KeyState"], "PendingDeletion", "ScheduleKeyDeletion's KeyState")
        equal(scheduled["PendingWindowInDays"], 7, "ScheduleKeyDeletion's PendingWindowInDays")
        deletion = scheduled["DeletionDate"]
        check(
            now + datetime.timedelta(days=6) < deletion <= now + datetime.timedelta(days=8),
            f"DeletionDate about 7 days ahead of {now}: {deletion}",
        )
        described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        equal(
            (described["KeyState"], described["Enabled"], described.get("DeletionDate")),
            ("PendingDeletion", False, deletion),
            "DescribeKey when pending deletion",
        )
        expect_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), 400, "KMSInvalidStateException")
        expect_error(lambda: kms.decrypt(CiphertextBlob=blob), 400, "KMSInvalidStateException")
        expect_error(
            lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7), 400, "KMSInvalidStateException"
        )

        equal(kms.cancel_key_deletion(KeyId=key_id)["KeyId"], arn, "CancelKeyDeletion's KeyId")
        described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        equal((described["KeyState"], described["Enabled"]), ("Disabled", False), "after CancelKeyDeletion")
        check("DeletionDate" not in described, f"no DeletionDate after CancelKeyDeletion: {described}")
        expect_error(lambda: kms.decrypt(CiphertextBlob=blob), 400, "DisabledException")
        kms.enable_key(KeyId=key_id)
        equal(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"state", "Decrypt after cancel and enable")


def scenario_k6_aliases():
    """CreateAlias names a key: Encrypt and DescribeKey take the alias name or the alias ARN;
    ListAliases (all, or for one KeyId) shows AliasName, AliasArn and the TargetKeyId; a second
    CreateAlias of the same name is AlreadyExistsException; UpdateAlias points it at another
    key (new ciphertexts are the other key's, old ones still decrypt); an alias is the
    account's own, so BETA's `alias/...` finds nothing (NotFoundException); after DeleteAlias
    the name is NotFoundException [KMS `kms-alias`, `alias-manage`, `alias-using`; KMS API
    `CreateAlias`, `ListAliases`, `UpdateAlias`, `DeleteAlias`]."""
    kms = root("kms")
    with made() as m:
        first = m.key(Description="gatehouse kms k6, first")
        second = m.key(Description="gatehouse kms k6, second")
        name = f"alias/{unique('gatehouse-kms')}"
        m.alias(kms, name, first["KeyId"])

        by_name = kms.encrypt(KeyId=name, Plaintext=b"via alias")
        equal(by_name["KeyId"], first["Arn"], "Encrypt by alias name: KeyId")
        by_arn = kms.encrypt(KeyId=alias_arn(name), Plaintext=b"via alias arn")
        equal(by_arn["KeyId"], first["Arn"], "Encrypt by alias ARN: KeyId")
        equal(kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"], first["KeyId"], "DescribeKey by alias")
        equal(kms.decrypt(CiphertextBlob=by_name["CiphertextBlob"])["Plaintext"], b"via alias", "Decrypt")

        entry = {"AliasName": name, "AliasArn": alias_arn(name), "TargetKeyId": first["KeyId"]}

        def listed(**params):
            return [
                {k: a.get(k) for k in ("AliasName", "AliasArn", "TargetKeyId")}
                for a in every(kms, "list_aliases", "Aliases", **params)
                if a["AliasName"] == name
            ]

        equal(listed(), [entry], "ListAliases")
        equal(listed(KeyId=first["KeyId"]), [entry], "ListAliases for the first key")
        equal(listed(KeyId=second["KeyId"]), [], "ListAliases for the second key")
        expect_error(
            lambda: kms.create_alias(AliasName=name, TargetKeyId=second["KeyId"]), 400, "AlreadyExistsException"
        )
        expect_error(lambda: root("kms", BETA).encrypt(KeyId=name, Plaintext=b"x"), 400, "NotFoundException")

        kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
        equal(kms.encrypt(KeyId=name, Plaintext=b"x")["KeyId"], second["Arn"], "Encrypt by alias after UpdateAlias")
        equal(listed(KeyId=second["KeyId"]), [dict(entry, TargetKeyId=second["KeyId"])], "after UpdateAlias")
        equal(listed(KeyId=first["KeyId"]), [], "the first key's aliases after UpdateAlias")
        answer = kms.decrypt(CiphertextBlob=by_name["CiphertextBlob"])
        equal((answer["Plaintext"], answer["KeyId"]), (b"via alias", first["Arn"]), "old ciphertext")

        kms.delete_alias(AliasName=name)
        equal(listed(), [], "ListAliases after DeleteAlias")
        expect_error(lambda: kms.encrypt(KeyId=name, Plaintext=b"x"), 400, "NotFoundException")
        expect_error(lambda: kms.delete_alias(AliasName=name), 400, "NotFoundException")


def scenario_k7_grants():
    """On a key whose policy delegates only administration to the account, a user with no
    policy at all is refused Encrypt ("because no identity-based policy allows", denied-by
    identity) until CreateGrant gives it Encrypt and Decrypt with the constraint
    EncryptionContextSubset {"purpose": "reports"}: then it encrypts and decrypts with that
    context (and more), and is refused without it or with another. ListGrants shows both grants
    (GrantId, Name, GranteePrincipal, RetiringPrincipal, Operations, Constraints, the key ARN).
    RevokeGrant by ALPHA's root ends the first grant; the retiring principal (itself without
    policies) retires the second with RetireGrant, which a stranger may not [KMS `grants`,
    `create-grant-overview` ("Using grant constraints"), `grant-manage` ("Retiring and revoking
    grants"); KMS API `CreateGrant`, `ListGrants`, `RevokeGrant`, `RetireGrant`]."""
    kms = root("kms")
    with made() as m:
        grantee = m.user()
        writer = m.user()
        retirer = m.user()
        key = m.key(Description="gatehouse kms k7", Policy=json.dumps(policy(ADMINISTER)))
        key_id, arn = key["KeyId"], key["Arn"]
        reports = {"purpose": "reports", "quarter": "q3"}
        expect_kms_denied(
            lambda: kms_of(grantee).encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext=reports),
            "identity",
            refused(grantee.arn, "kms:Encrypt", arn, "identity"),
        )

        constraints = {"EncryptionContextSubset": {"purpose": "reports"}}
        first = kms.create_grant(
            KeyId=key_id,
            GranteePrincipal=grantee.arn,
            Operations=["Encrypt", "Decrypt"],
            Constraints=constraints,
            Name="reports-only",
        )
        check(isinstance(first.get("GrantId"), str) and first["GrantId"], f"a GrantId: {first}")
        check(isinstance(first.get("GrantToken"), str) and first["GrantToken"], f"a GrantToken: {first}")
        blob = kms_of(grantee).encrypt(KeyId=arn, Plaintext=b"granted", EncryptionContext=reports)["CiphertextBlob"]
        equal(
            kms_of(grantee).decrypt(CiphertextBlob=blob, EncryptionContext=reports)["Plaintext"],
            b"granted",
            "the grantee decrypts",
        )
        for outside in ({}, {"purpose": "payroll"}):
            expect_error(
                lambda outside=outside: kms_of(grantee).encrypt(
                    KeyId=arn, Plaintext=b"x", EncryptionContext=outside
                ),
                400,
                "AccessDeniedException",
            )
        second = kms.create_grant(
            KeyId=arn,
            GranteePrincipal=writer.arn,
            RetiringPrincipal=retirer.arn,
            Operations=["Encrypt"],
            Name="writer",
        )
        payroll = {"purpose": "payroll"}
        other_blob = kms_of(writer).encrypt(KeyId=arn, Plaintext=b"payroll", EncryptionContext=payroll)[
            "CiphertextBlob"
        ]
        expect_error(
            lambda: kms_of(grantee).decrypt(CiphertextBlob=other_blob, EncryptionContext=payroll),
            400,
            "AccessDeniedException",
        )
        # The writer's grant is for Encrypt alone.
        expect_error(
            lambda: kms_of(writer).decrypt(CiphertextBlob=other_blob, EncryptionContext=payroll),
            400,
            "AccessDeniedException",
        )

        grants = {g["GrantId"]: g for g in every(kms, "list_grants", "Grants", KeyId=key_id)}
        equal(sorted(grants), sorted([first["GrantId"], second["GrantId"]]), "ListGrants' GrantIds")
        g1, g2 = grants[first["GrantId"]], grants[second["GrantId"]]
        equal(
            (g1["KeyId"], g1["Name"], g1["GranteePrincipal"], sorted(g1["Operations"]), g1.get("Constraints")),
            (arn, "reports-only", grantee.arn, ["Decrypt", "Encrypt"], constraints),
            "the first grant",
        )
        equal(
            (g2["KeyId"], g2["Name"], g2["GranteePrincipal"], g2.get("RetiringPrincipal"), g2["Operations"]),
            (arn, "writer", writer.arn, retirer.arn, ["Encrypt"]),
            "the second grant",
        )

        kms.revoke_grant(KeyId=key_id, GrantId=first["GrantId"])
        expect_kms_denied(
            lambda: kms_of(grantee).decrypt(CiphertextBlob=blob, EncryptionContext=reports),
            "identity",
            refused(grantee.arn, "kms:Decrypt", arn, "identity"),
        )
        equal(
            [g["GrantId"] for g in every(kms, "list_grants", "Grants", KeyId=key_id)],
            [second["GrantId"]],
            "ListGrants after RevokeGrant",
        )

        expect_error(
            lambda: kms_of(grantee).retire_grant(KeyId=arn, GrantId=second["GrantId"]),
            400,
            "AccessDeniedException",
        )
        kms_of(retirer).retire_grant(KeyId=arn, GrantId=second["GrantId"])
        expect_kms_denied(
            lambda: kms_of(writer).encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext=payroll),
            "identity",
            refused(writer.arn, "kms:Encrypt", arn, "identity"),
        )
        equal(every(kms, "list_grants", "Grants", KeyId=key_id), [], "ListGrants after RetireGrant")


def scenario_k8_errors_isolation_and_tags():
    """NotFoundException for a key that does not exist (by id and by ARN) and for another
    account's key by its bare id; IncorrectKeyException when Decrypt's KeyId is not the
    ciphertext's key; InvalidCiphertextException for a ciphertext with a flipped byte or that
    is no ciphertext at all; MalformedPolicyDocumentException for PutKeyPolicy with broken JSON
    or with a statement without a Principal, and for CreateKey with broken JSON (the key policy
    is unchanged); ValidationException for a 4097-byte plaintext (4096 is the limit). ListKeys shows an account's own keys only (BETA's does not show
    ALPHA's, and BETA's root is refused DescribeKey by ALPHA's key policy). Tags given to
    CreateKey, TagResource (adding and overwriting) and UntagResource show in ListResourceTags
    [KMS API `Decrypt` (IncorrectKeyException, InvalidCiphertextException), `PutKeyPolicy`,
    `Encrypt` (Plaintext "Maximum length of 4096"), `ListKeys`, `CommonErrors`; KMS
    `tagging-keys`]."""
    kms = root("kms")
    beta = root("kms", BETA)
    with made() as m:
        key = m.key(
            Description="gatehouse kms k8",
            Tags=[{"TagKey": "team", "TagValue": "storage"}],
        )
        key_id, arn = key["KeyId"], key["Arn"]
        other = m.key(Description="gatehouse kms k8, other")

        missing = str(uuid.uuid4())
        expect_error(lambda: kms.describe_key(KeyId=missing), 400, "NotFoundException")
        expect_error(lambda: kms.encrypt(KeyId=key_arn(missing), Plaintext=b"x"), 400, "NotFoundException")
        expect_error(lambda: beta.describe_key(KeyId=key_id), 400, "NotFoundException")

        blob = kms.encrypt(KeyId=key_id, Plaintext=b"which key")["CiphertextBlob"]
        expect_error(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=other["KeyId"]), 400, "IncorrectKeyException")
        flipped = blob[:-1] + bytes([blob[-1] ^ 0x01])
        expect_error(lambda: kms.decrypt(CiphertextBlob=flipped), 400, "InvalidCiphertextException")
        expect_error(
            lambda: kms.decrypt(CiphertextBlob=b"this is not a ciphertext at all, just bytes"),
            400,
            "InvalidCiphertextException",
        )

        expect_error(
            lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy='{"Version": "2012-10-17", "Statement": ['),
            400,
            "MalformedPolicyDocumentException",
        )
        no_principal = policy({"Sid": "NoPrincipal", "Effect": "Allow", "Action": "kms:*", "Resource": "*"})
        expect_error(
            lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(no_principal)),
            400,
            "MalformedPolicyDocumentException",
        )
        expect_error(
            lambda: kms.create_key(Description="gatehouse kms k8, broken", Policy="not json"),
            400,
            "MalformedPolicyDocumentException",
        )
        equal(
            json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]),
            default_policy(),
            "the key policy after the refused PutKeyPolicy calls",
        )

        expect_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097), 400, "ValidationException")
        big = kms.encrypt(KeyId=key_id, Plaintext=b"y" * 4096)["CiphertextBlob"]
        equal(kms.decrypt(CiphertextBlob=big)["Plaintext"], b"y" * 4096, "a 4096-byte plaintext")

        alpha_keys = every(kms, "list_keys", "Keys")
        check({"KeyId": key_id, "KeyArn": arn} in alpha_keys, f"ALPHA's ListKeys lists {arn}")
        check(all(k["KeyArn"].startswith(f"arn:aws:kms:{REGION}:{ALPHA}:key/") for k in alpha_keys),
              f"ALPHA's ListKeys lists ALPHA's keys only: {alpha_keys}")
        beta_keys = every(beta, "list_keys", "Keys")
        check(all(k["KeyArn"].startswith(f"arn:aws:kms:{REGION}:{BETA}:key/") for k in beta_keys),
              f"BETA's ListKeys lists BETA's keys only: {beta_keys}")
        check(key_id not in [k["KeyId"] for k in beta_keys], "BETA's ListKeys does not list ALPHA's key")
        expect_kms_denied(
            lambda: beta.describe_key(KeyId=arn),
            "key",
            refused(BETA_ROOT, "kms:DescribeKey", arn, "key"),
        )

        def tags():
            return sorted(
                ((t["TagKey"], t["TagValue"]) for t in every(kms, "list_resource_tags", "Tags", KeyId=key_id)),
            )

        equal(tags(), [("team", "storage")], "the tags given to CreateKey")
        kms.tag_resource(
            KeyId=arn,
            Tags=[{"TagKey": "env", "TagValue": "test"}, {"TagKey": "team", "TagValue": "platform"}],
        )
        equal(tags(), [("env", "test"), ("team", "platform")], "after TagResource")
        kms.untag_resource(KeyId=key_id, TagKeys=["team"])
        equal(tags(), [("env", "test")], "after UntagResource")
        expect_error(
            lambda: kms.tag_resource(KeyId=missing, Tags=[{"TagKey": "a", "TagValue": "b"}]), 400, "NotFoundException"
        )



def scenario_k9_key_policy_lockout_safety_check():
    """CreateKey and PutKeyPolicy refuse a key policy that would not let the caller make a
    later PutKeyPolicy request (MalformedPolicyDocumentException), unless the request sets
    BypassPolicyLockoutSafetyCheck — not tried here, it would leave a key nobody can manage. The
    refused policy still lets ALPHA's root describe the key and schedule its deletion, so a
    server that wrongly accepts it leaves nothing behind [KMS API `PutKeyPolicy`, `CreateKey`
    (BypassPolicyLockoutSafetyCheck: "the key policy must allow the principal that is making
    the ... request to make a subsequent PutKeyPolicy request"); KMS `key-policy-default`
    ("Prevents lockout")]."""
    kms = root("kms")
    lockout = policy(
        {
            "Sid": "EverythingButPutKeyPolicy",
            "Effect": "Allow",
            "Principal": {"AWS": ALPHA_ROOT},
            "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:Describe*",
                "kms:Get*",
                "kms:List*",
                "kms:ScheduleKeyDeletion",
            ],
            "Resource": "*",
        }
    )
    with made() as m:
        key = m.key(Description="gatehouse kms k9")
        expect_error(
            lambda: kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(lockout)),
            400,
            "MalformedPolicyDocumentException",
        )
        equal(
            json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]),
            default_policy(),
            "the key policy after the refused PutKeyPolicy",
        )
        try:
            created = kms.create_key(Description="gatehouse kms k9, locked out", Policy=json.dumps(lockout))
        except botocore.exceptions.ClientError as e:
            equal(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "HTTP status")
            equal(code_of(e), "MalformedPolicyDocumentException", "error code")
        else:
            m.keys.append((kms, created["KeyMetadata"]["KeyId"]))
            raise lib.Failure(f"CreateKey accepted a policy without kms:PutKeyPolicy: {created['KeyMetadata']['Arn']}")


if __name__ == "__main__":
    run(globals())
