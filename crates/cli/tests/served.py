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
