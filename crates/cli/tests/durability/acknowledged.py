"""Every acknowledged write has its audit event on disk (issue 11): the real `gatehouse serve`
takes concurrent PutObjects from boto3 and is killed with SIGKILL the moment the last one is
answered; after the kill, the audit files hold an event for every request id a client got a
2xx for. Then a clean shutdown: started again on the same data directory, it answers reads
(whose events are not synced one by one) and is sent SIGTERM the moment the last is answered;
it exits 0 and every read's event is in the trail. argv: the binary, a work directory.
"""

import concurrent.futures
import glob
import json
import os
import signal
import subprocess
import sys

import boto3
from botocore.config import Config

BINARY, WORK = sys.argv[1], sys.argv[2]
CONFIG = """
[[accounts]]
id = "111111111111"
name = "alpha"
root_access_key_id = "AKIAALPHAROOTEXAMPLE"
root_secret_access_key = "alpha-root-secret-example"
"""

with open(os.path.join(WORK, "config.toml"), "w") as f:
    f.write(CONFIG)
data = os.path.join(WORK, "data")


def start():
    server = subprocess.Popen(
        [BINARY, "serve", "--data-dir", data, "--listen", "127.0.0.1:0",
         "--config", os.path.join(WORK, "config.toml")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        if line.startswith("listening on "):
            return server, line.split()[-1]
    raise AssertionError("the server did not start")


def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIAALPHAROOTEXAMPLE",
                        aws_secret_access_key="alpha-root-secret-example",
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}, max_pool_connections=16))


def recorded():
    ids = set()
    for path in glob.glob(os.path.join(data, "audit", "*.jsonl")):
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    ids.add(json.loads(line)["requestID"])
    return ids


# 1. Acknowledged writes survive SIGKILL.
server, endpoint = start()
s3 = client(endpoint)
acknowledged = [s3.create_bucket(Bucket="durable")["ResponseMetadata"]["RequestId"]]


def put(i):
    answer = s3.put_object(Bucket="durable", Key=f"k{i}", Body=b"x" * 100)
    return answer["ResponseMetadata"]["RequestId"]


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    acknowledged += list(pool.map(put, range(200)))
os.kill(server.pid, signal.SIGKILL)
server.wait()
missing = [r for r in acknowledged if r not in recorded()]
assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged writes have no event: {missing[:5]}"

# 2. A clean shutdown loses no event, reads included.
server, endpoint = start()
s3 = client(endpoint)


def get(i):
    answer = s3.get_object(Bucket="durable", Key=f"k{i}")
    answer["Body"].read()
    return answer["ResponseMetadata"]["RequestId"]


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    reads = list(pool.map(get, range(100)))
server.send_signal(signal.SIGTERM)
rest = server.communicate(timeout=30)[0]
assert server.returncode == 0, f"exit status {server.returncode}"
assert "stopped" in rest, rest
missing = [r for r in reads if r not in recorded()]
assert not missing, f"{len(missing)} of {len(reads)} reads have no event after SIGTERM: {missing[:5]}"
print(f"passed: {len(acknowledged)} acknowledged writes in the trail after SIGKILL, "
      f"{len(reads)} reads after SIGTERM")
