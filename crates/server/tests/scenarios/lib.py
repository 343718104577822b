"""Shared helpers for the scenario suite: clients for the two configured accounts, IAM users
with keys, AWS's AccessDenied texts, and `expect_denied`, which checks a 403 the way a person
debugging S3 would read it: status, error code, AWS's message, and Gatehouse's x-gatehouse-*
headers (percent-encoded, RFC 3986).

Every scenario module calls `run(globals())` at the bottom: it runs each `scenario_*` function
(or only those named on the command line after the endpoint), prints PASS/FAIL per scenario and
exits non-zero when one failed, with the reason on stderr. A scenario marked
`@differs_from_aws(...)` keeps AWS's expectation and runs only with `--differences`.
"""

import hashlib
import itertools
import json
import os
import sys
import traceback
import urllib.parse

import boto3
import botocore
from botocore.config import Config

ALPHA = "111111111111"
BETA = "222222222222"
ROOT_KEYS = {
    ALPHA: ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example"),
    BETA: ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example"),
}
S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"

# One attempt: a 403 (or anything else) must come back as it is, not after retries.
CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"},
    s3={"addressing_style": "path"},
    signature_version="s3v4",
)

ENDPOINT = None
_counter = itertools.count(1)


def unique(stem):
    """A bucket, user or role name no other scenario of this server uses."""
    return f"{stem}-{os.getpid()}-{next(_counter)}"


def client(service, key, secret, token=None):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=CONFIG,
    )


def root(service, account=ALPHA):
    key, secret = ROOT_KEYS[account]
    return client(service, key, secret)


class Principal:
    """An IAM user (or a role session) with its ARN, keys and clients."""

    def __init__(self, arn, key, secret, token=None, name=None):
        self.arn = arn
        self.name = name
        self.key = key
        self.secret = secret
        self.token = token
        self.s3 = client("s3", key, secret, token)
        self.sts = client("sts", key, secret, token)
        self.iam = client("iam", key, secret, token)

    def env(self):
        """Environment for the aws CLI acting as this principal."""
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("AWS_"):
                del env[k]
        env.update(
            AWS_ACCESS_KEY_ID=self.key,
            AWS_SECRET_ACCESS_KEY=self.secret,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL=ENDPOINT,
            AWS_MAX_ATTEMPTS="1",
            AWS_RETRY_MODE="standard",
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_PAGER="",
        )
        if self.token:
            env["AWS_SESSION_TOKEN"] = self.token
        return env


def create_user(name=None, account=ALPHA, managed=(), inline=None, path="/"):
    """A new IAM user with an access key; `inline` is {policy name: document}."""
    iam = root("iam", account)
    name = name or unique("user")
    arn = iam.create_user(UserName=name, Path=path)["User"]["Arn"]
    for policy_arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    for policy_name, document in (inline or {}).items():
        iam.put_user_policy(
            UserName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Principal(arn, key["AccessKeyId"], key["SecretAccessKey"], name=name)


def create_role(trusted_arns, name=None, account=ALPHA, managed=(), inline=None):
    """A role whose trust policy lets `trusted_arns` call sts:AssumeRole."""
    iam = root("iam", account)
    name = name or unique("role")
    trust = policy(
        {
            "Sid": "Trust",
            "Effect": "Allow",
            "Principal": {"AWS": list(trusted_arns)},
            "Action": "sts:AssumeRole",
        }
    )
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
        "Role"
    ]["Arn"]
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    for policy_name, document in (inline or {}).items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    return arn


def assume(principal, role_arn, session="s1", **kwargs):
    """AssumeRole as `principal`; the session as a Principal."""
    answer = principal.sts.assume_role(RoleArn=role_arn, RoleSessionName=session, **kwargs)
    c = answer["Credentials"]
    return Principal(
        answer["AssumedRoleUser"]["Arn"],
        c["AccessKeyId"],
        c["SecretAccessKey"],
        c["SessionToken"],
    )


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions, resources, **extra):
    return dict(Effect="Allow", Action=actions, Resource=resources, **extra)


def create_group(*statements, account=ALPHA):
    """A new group whose inline policy "read" holds `statements` (none: no policy)."""
    iam = root("iam", account)
    name = unique("readers")
    iam.create_group(GroupName=name)
    if statements:
        iam.put_group_policy(
            GroupName=name, PolicyName="read", PolicyDocument=json.dumps(policy(*statements))
        )
    return name


def create_bucket(account=ALPHA, objects=None):
    """A bucket of `account` (its root creates it) holding `objects` ({key: bytes})."""
    s3 = root("s3", account)
    name = unique("bucket")
    s3.create_bucket(Bucket=name)
    for key, body in (objects or {}).items():
        s3.put_object(Bucket=name, Key=key, Body=body)
    return name


def put_bucket_policy(bucket, *statements, account=ALPHA):
    root("s3", account).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy(*statements)))


def s3_arn(bucket, key=None):
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


PHRASES = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "permissions_boundary": "permissions boundary",
    "session": "session policy",
    "trust": "role trust policy",
    # AWS Organizations' layers [S3 troubleshoot-403-errors, "Access denied message examples"].
    "scp": "service control policy",
    "rcp": "resource control policy",
    "vpc_endpoint": "VPC endpoint policy",
}


def message(principal_arn, action, resource, layer, explicit=False):
    """AWS's enhanced AccessDenied text [S3 troubleshoot-403-errors, "Access denied message
    examples"; IAM troubleshoot_access-denied]: S3 quotes the resource ARN, IAM and STS do not."""
    on = f'"{resource}"' if action.startswith("s3:") else resource
    phrase = PHRASES[layer]
    if explicit:
        article = "an" if phrase[0] in "aeiou" else "a"
        reason = f"with an explicit deny in {article} {phrase}"
    else:
        reason = f"because no {phrase} allows the {action} action"
    return (
        f"User: {principal_arn} is not authorized to perform: {action} on resource: {on} {reason}"
    )


class Failure(AssertionError):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def equal(got, expected, what):
    if got != expected:
        raise Failure(f"{what}:\n  expected {expected!r}\n  got      {got!r}")


def gatehouse_headers(response):
    """The x-gatehouse-* headers of a boto3 response or error response, percent-decoded."""
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    return {
        k[len("x-gatehouse-") :]: urllib.parse.unquote(v)
        for k, v in headers.items()
        if k.startswith("x-gatehouse-")
    }


def expect_denied(
    fn,
    layer,
    message_text=None,
    decision="implicitDeny",
    policy_id=None,
    statement=None,
    head=False,
    message_prefix=None,
):
    """Calls `fn`, which must fail with HTTP 403 AccessDenied carrying `message_text` exactly
    (or starting with `message_prefix`) and the x-gatehouse-* headers: decision, denied-by
    `layer`, and the deciding policy and statement (both absent when `policy_id` is None, as for
    an implicit deny). A HEAD response has no body, so only its status and headers are checked.
    Returns the ClientError."""
    try:
        result = fn()
    except botocore.exceptions.ClientError as e:
        error = e
    else:
        raise Failure(f"expected 403 AccessDenied, the request succeeded: {result!r:.300}")
    meta = error.response["ResponseMetadata"]
    equal(meta["HTTPStatusCode"], 403, "HTTP status")
    if head:
        equal(error.response["Error"]["Code"], "403", "error code of a HEAD (no body)")
    else:
        equal(error.response["Error"]["Code"], "AccessDenied", "error code")
        got = error.response["Error"]["Message"]
        if message_text is not None:
            equal(got, message_text, "AccessDenied message")
        if message_prefix is not None:
            check(
                got.startswith(message_prefix),
                f"AccessDenied message:\n  expected to start with {message_prefix!r}\n"
                f"  got {got!r}",
            )
    h = gatehouse_headers(error.response)
    equal(h.get("decision"), decision, "x-gatehouse-decision")
    equal(h.get("denied-by"), layer, "x-gatehouse-denied-by")
    equal(h.get("policy"), policy_id, "x-gatehouse-policy")
    equal(h.get("statement"), statement, "x-gatehouse-statement")
    return error


def expect_error(fn, status, code):
    """Calls `fn`, which must fail with `status` and error `code` (a HEAD's code is its status)."""
    try:
        result = fn()
    except botocore.exceptions.ClientError as e:
        equal(e.response["ResponseMetadata"]["HTTPStatusCode"], status, "HTTP status")
        equal(e.response["Error"]["Code"], code, "error code")
        return e
    raise Failure(f"expected {status} {code}, the request succeeded: {result!r:.300}")


def get_bytes(s3, bucket, key):
    answer = s3.get_object(Bucket=bucket, Key=key)
    equal(answer["ResponseMetadata"]["HTTPStatusCode"], 200, "GetObject status")
    return answer["Body"].read()


def md5(data):
    return hashlib.md5(data).hexdigest()


def differs_from_aws(difference):
    """Marks a scenario whose AWS expectation Gatehouse does not meet yet. The expectation
    stays AWS's; the scenario runs only with `--differences`, so the difference is recorded
    (and reported) rather than hidden by bending the test to the server."""

    def mark(fn):
        fn.differs_from_aws = difference
        return fn

    return mark


def run(namespace):
    """Runs this module's scenarios against argv[1]: all of them except those marked
    `differs_from_aws`, or with `--differences` only the marked ones; further arguments name
    the scenarios to run."""
    global ENDPOINT
    ENDPOINT = sys.argv[1]
    args = sys.argv[2:]
    differences = "--differences" in args
    wanted = [a for a in args if a != "--differences"]
    scenarios = [
        (name, fn)
        for name, fn in namespace.items()
        if name.startswith("scenario_") and callable(fn)
    ]
    scenarios.sort(key=lambda item: item[1].__code__.co_firstlineno)
    if wanted:
        unknown = set(wanted) - {name for name, _ in scenarios}
        if unknown:
            sys.exit(f"no such scenario: {sorted(unknown)}")
        scenarios = [(n, f) for n, f in scenarios if n in wanted]
    selected = []
    for name, fn in scenarios:
        marked = getattr(fn, "differs_from_aws", None)
        if bool(marked) == differences:
            selected.append((name, fn))
        elif marked:
            print(f"MARKED {name}: differs from AWS: {marked}", flush=True)
    failed = []
    for name, fn in selected:
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        try:
            fn()
        except Exception:
            failed.append(name)
            print(f"FAIL {name}: {doc}", flush=True)
            sys.stderr.write(f"--- FAIL {name}: {doc}\n{traceback.format_exc()}\n")
        else:
            print(f"PASS {name}: {doc}", flush=True)
    if failed:
        sys.stderr.write(f"{len(failed)} of {len(selected)} scenarios failed: {failed}\n")
        sys.exit(1)
