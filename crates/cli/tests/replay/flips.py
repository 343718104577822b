"""`gatehouse replay` against the server's own answers: a recorded mix of requests by several
callers, a proposed bucket policy, the flips replay reports — and then the policy applied
through the real API and the same requests sent again: exactly the reported requests change
their answer. Prints `passed`. argv: the gatehouse binary, a work directory, the server config."""

import json
import os
import subprocess
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from served import Served, status  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
served = Served(binary, work, config)
client = served.client
BUCKET = "replayed"



def replay(*extra):
    out = subprocess.run(
        [binary, "replay", "--data-dir", served.data, "--json", *extra],
        capture_output=True,
        text=True,
    )
    assert out.returncode in (0, 1), (out.returncode, out.stderr)
    result = json.loads(out.stdout)
    assert out.returncode == (1 if result["flips"] else 0), result
    return result


try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    alpha.create_bucket(Bucket=BUCKET)
    for key in ("public/a.txt", "private/b.txt"):
        alpha.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
                ],
            }
        ),
    )
    keys = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = client("s3", keys["AccessKeyId"], keys["SecretAccessKey"])
    time.sleep(1.1)  # the window starts after the setup's requests
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    # The recorded mix: each (caller, request) once.
    mix = {
        "reader public": lambda: reader.get_object(Bucket=BUCKET, Key="public/a.txt"),
        "reader private": lambda: reader.get_object(Bucket=BUCKET, Key="private/b.txt"),
        "beta public": lambda: beta.get_object(Bucket=BUCKET, Key="public/a.txt"),
        "beta private": lambda: beta.get_object(Bucket=BUCKET, Key="private/b.txt"),
        "beta list": lambda: beta.list_objects_v2(Bucket=BUCKET),
        "alpha private": lambda: alpha.get_object(Bucket=BUCKET, Key="private/b.txt"),
    }
    before = {name: status(fn) for name, fn in mix.items()}
    assert before == {
        "reader public": 200,
        "reader private": 200,
        "beta public": 403,
        "beta private": 403,
        "beta list": 403,
        "alpha private": 200,
    }, before
    time.sleep(1.1)

    # Nothing proposed: nothing flips, and every S3 decision of the window is re-decided.
    baseline = replay("--since", since)
    assert baseline["flips"] == [] and baseline["drifted"] == 0, baseline
    assert baseline["redecided"] == baseline["decisions"] >= len(mix), baseline

    # The proposal: beta may read public/*, and nobody outside the account admin may read
    # private/* — a deny that also catches the reader (and, being for every principal, alpha).
    proposed = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BetaReadsPublic",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/public/*",
            },
            {
                "Sid": "PrivateIsPrivate",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/private/*",
                "Condition": {"StringNotEquals": {"aws:PrincipalType": "Account"}},
            },
        ],
    }
    path = os.path.join(work, "proposed.json")
    with open(path, "w") as f:
        json.dump(proposed, f, indent=2)
    result = replay("--since", since, "--bucket-policy", f"{BUCKET}={path}")
    flips = {(f["principal"], f["action"], f["resource"], f["change"]): f for f in result["flips"]}
    reader_arn = "arn:aws:iam::111111111111:user/reader"
    expected = {
        ("arn:aws:iam::222222222222:root", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/public/a.txt", "denied → allowed"),
        (reader_arn, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/private/b.txt", "allowed → denied"),
    }
    assert set(flips) == expected, flips
    grant = flips[("arn:aws:iam::222222222222:root", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/public/a.txt", "denied → allowed")]
    assert grant["statement"] == "BetaReadsPublic", grant
    deny = flips[(reader_arn, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/private/b.txt", "allowed → denied")]
    assert (deny["layer"], deny["statement"]) == ("resource", "PrivateIsPrivate"), deny
    assert all(len(f["requests"]) == 1 for f in result["flips"]), result

    # The human form names the same.
    text = subprocess.run(
        [binary, "replay", "--data-dir", served.data, "--since", since, "--bucket-policy", f"{BUCKET}={path}"],
        capture_output=True,
        text=True,
    ).stdout
    assert "denied → allowed: arn:aws:iam::222222222222:root s3:GetObject" in text, text
    assert "statement PrivateIsPrivate" in text, text

    # A malformed proposal is refused with its position, and nothing is replayed.
    bad = os.path.join(work, "bad.json")
    with open(bad, "w") as f:
        f.write('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}')
    out = subprocess.run(
        [binary, "replay", "--data-dir", served.data, "--since", since, "--bucket-policy", f"{BUCKET}={bad}"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "line 1" in out.stderr, (out.returncode, out.stderr)

    # The policy applied for real: exactly the reported requests change their answer.
    alpha.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(proposed))
    after = {name: status(fn) for name, fn in mix.items()}
    changed = {name for name in mix if (before[name] == 200) != (after[name] == 200)}
    assert changed == {"beta public", "reader private"}, (before, after)
    print("passed")
finally:
    served.stop()
