"""Drives the real binary: a server on a fresh data directory, three requests (an explicit
deny by a bucket-policy condition, an implicit deny by the identity layer, an allowed read),
a clean stop, then `gatehouse explain` on each request id. Prints `passed` when every check
holds. argv: the gatehouse binary, a work directory, the server config."""

import json
import os
import subprocess
import sys

import botocore

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from served import Served  # noqa: E402

binary, work, config = sys.argv[1], sys.argv[2], sys.argv[3]
served = Served(binary, work, config)
data, endpoint, client = served.data, served.endpoint, served.client


def refused(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
        return e.response["ResponseMetadata"]["RequestId"]
    raise SystemExit("the request was not refused")


try:
    alpha = client("s3", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    beta = client("s3", "AKIABETAROOTEXAMPLE0", "beta-root-secret-example")
    alpha.create_bucket(Bucket="explained")
    alpha.put_object(Bucket="explained", Key="k", Body=b"x")
    alpha.put_bucket_policy(Bucket="explained", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoBeta", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::explained/*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": "222222222222"}}}]}))
    explicit = refused(lambda: beta.get_object(Bucket="explained", Key="k"))
    iam = client("iam", "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
    iam.create_user(UserName="nobody")
    keys = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = client("s3", keys["AccessKeyId"], keys["SecretAccessKey"])
    implicit = refused(lambda: nobody.get_object(Bucket="explained", Key="k"))
    allowed = alpha.get_object(Bucket="explained", Key="k")["ResponseMetadata"]["RequestId"]
    # An allowed read by a user whose policy, and the bucket's, change afterwards: explain
    # re-evaluates it from the versions the trail recorded, not from today's.
    iam.create_user(UserName="reader")
    read = lambda effect, condition: json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": effect, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::explained/*",
         **({"Condition": condition} if condition else {})}]})
    iam.put_user_policy(UserName="reader", PolicyName="read",
                        PolicyDocument=read("Allow", {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    keys = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = client("s3", keys["AccessKeyId"], keys["SecretAccessKey"])
    allowed_then = reader.get_object(Bucket="explained", Key="k")["ResponseMetadata"]["RequestId"]
    iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=read("Deny", None))
    alpha.delete_bucket_policy(Bucket="explained")
    refused(lambda: reader.get_object(Bucket="explained", Key="k"))
finally:
    served.stop()


def explain(request_id, *extra):
    return subprocess.run(
        [binary, "explain", request_id, "--data-dir", data, *extra],
        capture_output=True,
        text=True,
    )


def shows(request_id, *parts):
    out = explain(request_id)
    assert out.returncode == 0, out.stderr
    for part in parts:
        assert part in out.stdout, f"{part!r} not in:\n{out.stdout}"


shows(
    explicit,
    "GetObject (s3.amazonaws.com) by arn:aws:iam::222222222222:root",
    "answered 403 AccessDenied",
    "decision: explicitDeny",
    "denied by: resource",
    "deciding statement: NoBeta of arn:aws:s3:::explained",
    "Deny NoBeta (line 1, column",
    "principal matches; action matches; resource matches",
    'condition StringEquals aws:PrincipalAccount ["222222222222"]: the request has ["222222222222"] → true',
)
shows(
    implicit,
    "by arn:aws:iam::111111111111:user/nobody",
    "decision: implicitDeny",
    "denied by: identity",
    'AWS would say: User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::explained/k" because no identity-based policy allows the s3:GetObject action',
    # The bucket policy was consulted too: its statement does not apply to this caller.
    "Deny NoBeta (line 1, column",
    'condition StringEquals aws:PrincipalAccount ["222222222222"]: the request has ["111111111111"] → false',
)
shows(allowed, "answered 200", "decision: allowed", "consulted: arn:aws:s3:::explained version 1")
shows(
    allowed_then,
    "allowing statement: Read of arn:aws:iam::111111111111:user/reader#inline/read",
    "re-evaluated with the trace:",
    "with the bucket policy as it was then (version 1)",
    "with the caller's 1 identity-side documents as they were then (by digest)",
    "Allow Read (line 1, column",
    'condition IpAddress aws:SourceIp ["127.0.0.0/8"]: the request has ["127.0.0.1"] → true',
)
again = json.loads(explain(allowed_then, "--json").stdout)
reevaluated = again["additionalEventData"]["gatehouseDecisions"][0]["reevaluated"]
assert reevaluated["answer"]["decision"] == "allowed", reevaluated
assert reevaluated["answer"]["statement"] == "Read", reevaluated
as_json = json.loads(explain(explicit, "--json").stdout)
assert as_json["requestID"] == explicit
assert as_json["additionalEventData"]["gatehouseDecisions"][0]["answer"]["statement"] == "NoBeta"
missing = explain("NOSUCHREQUEST")
assert missing.returncode == 1 and "no request NOSUCHREQUEST" in missing.stderr, missing
print("passed")
