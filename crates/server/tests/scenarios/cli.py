"""Scenarios 1, 3, 4 and 17 again, through the aws CLI as people meet them: the exit code, and
the AccessDenied message on stderr. A HEAD has no body, so the CLI prints only "Forbidden";
there the x-gatehouse-* headers (read from `--debug` output, and with boto3) carry the
explanation.

Usage: python3 cli.py ENDPOINT [scenario_name ...]
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import lib
from lib import (
    allow,
    create_bucket,
    create_role,
    create_user,
    equal,
    expect_denied,
    message,
    policy,
    put_bucket_policy,
    root,
    run,
    s3_arn,
    S3_FULL,
)


def aws_command():
    """`aws` when on PATH, else the awscli module of this Python (pip installs it there)."""
    found = shutil.which("aws")
    return [found] if found else [sys.executable, "-m", "awscli"]


def aws(principal, *args, debug=False):
    """Runs the aws CLI as `principal`; returns (exit code, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as home:
        config = os.path.join(home, "config")
        with open(config, "w") as f:
            f.write("[default]\ns3 =\n    addressing_style = path\n")
        env = principal.env()
        env["AWS_CONFIG_FILE"] = config
        env["HOME"] = home
        command = aws_command() + list(args) + (["--debug"] if debug else [])
        done = subprocess.run(
            command, env=env, cwd=home, capture_output=True, text=True, timeout=120
        )
    return done.returncode, done.stdout, done.stderr


def debug_headers(stderr):
    """The x-gatehouse-* headers of the last response botocore logged with --debug."""
    found = {}
    for line in stderr.splitlines():
        if "Response headers:" not in line:
            continue
        found = {
            name[len("x-gatehouse-") :]: urllib.parse.unquote(value)
            for name, value in re.findall(r"'(x-gatehouse-[a-z-]+)': '([^']*)'", line)
        }
    return found


def expect_cli_error(code, stderr, operation, error_code, text, prefix=False):
    """A failed CLI call: non-zero exit, and AWS's error line on stderr, exactly (botocore
    puts "(reached max retries: N)" after the operation when it kept retry metadata)."""
    lib.check(code != 0, f"the aws CLI exited 0; stderr: {stderr}")
    pattern = re.compile(
        rf"An error occurred \({re.escape(error_code)}\) when calling the "
        rf"{re.escape(operation)} operation(?: \(reached max retries: \d+\))?: (.*)"
    )
    found = [m.group(1) for m in map(pattern.fullmatch, stderr.splitlines()) if m]
    lib.check(
        found,
        f"stderr has no ({error_code}) error line for {operation}:\n{stderr[-2000:]}",
    )
    got = found[-1].strip()
    if prefix:
        lib.check(
            got.startswith(text),
            f"the {operation} error message on stderr:\n  expected to start with {text!r}\n"
            f"  got {got!r}",
        )
    else:
        equal(got, text, f"the {operation} error message on stderr")


def scenario_20a_cli_no_identity_policy():
    """aws s3api get-object as a user with no identity policy: exit code non-zero, and
    stderr carries AWS's "no identity-based policy allows the s3:GetObject action"."""
    bucket = create_bucket(objects={"report.csv": b"a,b\n"})
    user = create_user()
    code, _, stderr = aws(
        user, "s3api", "get-object", "--bucket", bucket, "--key", "report.csv", "out.csv"
    )
    expect_cli_error(
        code,
        stderr,
        "GetObject",
        "AccessDenied",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "report.csv"), "identity"),
    )


def scenario_20b_cli_head_missing_key_without_list_bucket():
    """aws s3api head-object on a missing key without s3:ListBucket: the CLI can show only
    "(403) ... Forbidden"; the x-gatehouse-* headers (seen with --debug, and by boto3) say
    which layer refused; with s3:ListBucket the CLI shows 404 Not Found."""
    bucket = create_bucket(objects={"present.txt": b"here"})
    user = create_user(inline={"read": policy(allow("s3:GetObject", s3_arn(bucket, "*")))})
    head = ("s3api", "head-object", "--bucket", bucket, "--key", "absent.txt")
    code, _, stderr = aws(user, *head)
    expect_cli_error(code, stderr, "HeadObject", "403", "Forbidden")
    code, _, stderr = aws(user, *head, debug=True)
    lib.check(code != 0, "head-object --debug exited 0")
    headers = debug_headers(stderr)
    equal(headers.get("decision"), "implicitDeny", "x-gatehouse-decision (--debug)")
    equal(headers.get("denied-by"), "identity", "x-gatehouse-denied-by (--debug)")
    expect_denied(
        lambda: user.s3.head_object(Bucket=bucket, Key="absent.txt"), "identity", head=True
    )
    root("iam").put_user_policy(
        UserName=user.name,
        PolicyName="list",
        PolicyDocument=json.dumps(policy(allow("s3:ListBucket", s3_arn(bucket)))),
    )
    code, _, stderr = aws(user, *head)
    expect_cli_error(code, stderr, "HeadObject", "404", "Not Found")


def scenario_20c_cli_bucket_policy_deny():
    """aws s3api get-object refused by a bucket-policy Deny: stderr names "an explicit deny
    in a resource-based policy"; --debug shows the policy and statement headers."""
    bucket = create_bucket(objects={"k": b"v"})
    user = create_user(managed=[S3_FULL])
    put_bucket_policy(
        bucket,
        {
            "Sid": "DenyThisUser",
            "Effect": "Deny",
            "Principal": {"AWS": user.arn},
            "Action": "s3:GetObject",
            "Resource": s3_arn(bucket, "*"),
        },
    )
    code, _, stderr = aws(
        user, "s3api", "get-object", "--bucket", bucket, "--key", "k", "out", debug=True
    )
    expect_cli_error(
        code,
        stderr,
        "GetObject",
        "AccessDenied",
        message(user.arn, "s3:GetObject", s3_arn(bucket, "k"), "resource", explicit=True),
    )
    headers = debug_headers(stderr)
    equal(headers.get("denied-by"), "resource", "x-gatehouse-denied-by (--debug)")
    equal(headers.get("policy"), s3_arn(bucket), "x-gatehouse-policy (--debug)")
    equal(headers.get("statement"), "DenyThisUser", "x-gatehouse-statement (--debug)")


def untrusted_assume_role_cli():
    """Mallory (allowed sts:AssumeRole by her own policy) and a role trusting only another
    user; returns (mallory, trusted, role, the assume-role arguments)."""
    trusted = create_user()
    mallory = create_user(inline={"assume": policy(allow("sts:AssumeRole", "*"))})
    role = create_role([trusted.arn])
    args = ("sts", "assume-role", "--role-arn", role, "--role-session-name", "attempt")
    return mallory, trusted, role, args


def scenario_20d_cli_untrusted_assume_role():
    """aws sts assume-role on a role that trusts someone else: exit code non-zero, AWS's
    "is not authorized to perform: sts:AssumeRole on resource: ROLE" on stderr, and
    x-gatehouse-denied-by: trust with --debug; the trusted user gets credentials. (The exact
    text is scenario_20e's.)"""
    mallory, trusted, role, args = untrusted_assume_role_cli()
    code, _, stderr = aws(mallory, *args)
    expect_cli_error(
        code,
        stderr,
        "AssumeRole",
        "AccessDenied",
        f"User: {mallory.arn} is not authorized to perform: sts:AssumeRole on resource: {role}"
        " because no role trust policy allows the sts:AssumeRole action",
        prefix=True,
    )
    code, _, stderr = aws(mallory, *args, debug=True)
    lib.check(code != 0, "assume-role --debug exited 0")
    headers = debug_headers(stderr)
    equal(headers.get("decision"), "implicitDeny", "x-gatehouse-decision (--debug)")
    equal(headers.get("denied-by"), "trust", "x-gatehouse-denied-by (--debug)")
    code, stdout, stderr = aws(trusted, *args)
    equal(code, 0, f"the trusted user's assume-role (stderr: {stderr})")
    lib.check(json.loads(stdout)["Credentials"]["SessionToken"], "a session token")


def scenario_20e_cli_untrusted_assume_role_exact_message():
    """aws sts assume-role refused by the trust policy prints exactly AWS's text, "User: ARN
    is not authorized to perform: sts:AssumeRole on resource: ROLE because no role trust policy allows
    the sts:AssumeRole action" (the phrase IAM's troubleshooting page gives for a missing trust
    grant, reference §5.2; older STS messages quoted in the wild end at the role ARN)."""
    mallory, _, role, args = untrusted_assume_role_cli()
    code, _, stderr = aws(mallory, *args)
    expect_cli_error(
        code,
        stderr,
        "AssumeRole",
        "AccessDenied",
        f"User: {mallory.arn} is not authorized to perform: sts:AssumeRole on resource: {role}"
        " because no role trust policy allows the sts:AssumeRole action",
    )


if __name__ == "__main__":
    run(globals())
