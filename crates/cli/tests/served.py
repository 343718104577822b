"""What the binary's Python-driven tests share: a real `gatehouse serve` on a fresh data
directory under the work directory, boto3 clients for it, and its clean stop."""

import os
import signal
import subprocess

import boto3
import botocore


class Served:
    def __init__(self, binary, work, config):
        self.data = os.path.join(work, "data")
        self.process = subprocess.Popen(
            [binary, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", "--config", config],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.endpoint = self.process.stdout.readline().strip().removeprefix("listening on ")

    def client(self, service, key, secret):
        """A client that tries once, path-style."""
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    def stop(self):
        """A clean stop (SIGTERM): the trail is synced before the process exits."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def status(fn):
    """The HTTP status a client call answered: 200, or its error's."""
    try:
        fn()
        return 200
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"]


def policy(*statements):
    """A policy document of `statements`, as the APIs take it."""
    import json

    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def reads(bucket):
    """The statement letting its principal read every object of `bucket`."""
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}


ALPHA, BETA = "111111111111", "222222222222"
ALPHA_KEYS = ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example")
BETA_KEYS = ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example")


def organization_with_beta(served, *policy_types):
    """The first account's organization with `policy_types` enabled at its root and the
    second account (222222222222) invited and joined: (the management account's
    Organizations client, the root's id)."""
    org = served.client("organizations", *ALPHA_KEYS)
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    for kind in policy_types:
        org.enable_policy_type(RootId=root_id, PolicyType=kind)
    target = {"Type": "ACCOUNT", "Id": "222222222222"}
    handshake = org.invite_account_to_organization(Target=target)["Handshake"]["Id"]
    served.client("organizations", *BETA_KEYS).accept_handshake(HandshakeId=handshake)
    return org, root_id
