"""What server-side encryption costs: 64 MiB PUT and GET, and 1 KiB GETs, plain, SSE-S3 and
SSE-KMS, on one server, in one run (compare the rows with each other, not across runs).

    cargo build --release -p gatehouse
    python3 scripts/sse-bench.py            # starts its own server on a temporary directory
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "gatehouse")
config = os.path.join(root, "crates", "server", "tests", "common", "config.toml")
with tempfile.TemporaryDirectory() as work:
    server = subprocess.Popen(
        [binary, "serve", "--data-dir", os.path.join(work, "data"), "--listen", "127.0.0.1:0", "--config", config],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        endpoint = server.stdout.readline().strip().removeprefix("listening on ")
        kw = dict(endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example")
        s3, kms = boto3.client("s3", **kw), boto3.client("kms", **kw)
        s3.create_bucket(Bucket="bench")
        key = kms.create_key()["KeyMetadata"]["Arn"]
        big, small = os.urandom(64 * 1024 * 1024), os.urandom(1024)
        modes = {"plain": {}, "SSE-S3": {"ServerSideEncryption": "AES256"},
                 "SSE-KMS": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key}}
        for name, extra in modes.items():
            t = time.perf_counter()
            s3.put_object(Bucket="bench", Key="big-" + name, Body=big, **extra)
            put = time.perf_counter() - t
            gets = []
            for _ in range(3):
                t = time.perf_counter()
                body = s3.get_object(Bucket="bench", Key="big-" + name)["Body"].read()
                gets.append(time.perf_counter() - t)
            assert body == big
            s3.put_object(Bucket="bench", Key="small-" + name, Body=small, **extra)
            small_gets = []
            for _ in range(200):
                t = time.perf_counter()
                s3.get_object(Bucket="bench", Key="small-" + name)["Body"].read()
                small_gets.append(time.perf_counter() - t)
            print(f"{name:8} 64 MiB PUT {put * 1000:6.0f} ms   GET median {statistics.median(gets) * 1000:5.0f} ms"
                  f"   1 KiB GET median {statistics.median(small_gets) * 1e6:5.0f} us")
    finally:
        server.terminate()
        server.wait(timeout=30)
sys.exit(0)
