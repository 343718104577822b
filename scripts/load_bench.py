"""Drives the load benchmark described in load-bench.sh and prints a table with ratios."""
import json, os, re, socket, subprocess, sys, tempfile, time

import boto3
from botocore.config import Config

DURATION = os.environ.get("BENCH_DURATION", "10s")
AK, SK = "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gatehouse(work):
    config = os.path.join(work, "gatehouse.toml")
    with open(config, "w") as f:
        f.write(f'[[accounts]]\nid = "111111111111"\nname = "alpha"\nroot_access_key_id = "{AK}"\nroot_secret_access_key = "{SK}"\n')
    proc = subprocess.Popen(["./target/release/gatehouse", "serve", "--data-dir", os.path.join(work, "gh"),
                             "--listen", "127.0.0.1:0", "--config", config], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        m = re.match(r"listening on (http://\S+)", line)
        if m:
            return proc, m.group(1)
    raise SystemExit("gatehouse did not start")


def start_s3s_fs(work):
    root = os.path.join(work, "fs")
    os.makedirs(root)
    port = free_port()
    proc = subprocess.Popen(["s3s-fs", "--host", "127.0.0.1", "--port", str(port), "--access-key", AK,
                             "--secret-key", SK, root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("s3s-fs did not start")


def iam_user(endpoint):
    """An IAM user whose requests go through the directory: a group with a managed policy, an
    inline policy and a permissions boundary. Returns its (access key id, secret)."""
    iam = boto3.client("iam", endpoint_url=endpoint, aws_access_key_id=AK, aws_secret_access_key=SK,
                       region_name="us-east-1")
    iam.create_user(UserName="bench", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="bench")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    iam.put_user_policy(UserName="bench", PolicyName="home", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                "Resource": "arn:aws:s3:::bench/home/${aws:username}/*"}]}))
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def client(endpoint, creds=(AK, SK)):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                        region_name="us-east-1", config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def oha(url, method, connections):
    out = subprocess.run(["oha", "-z", DURATION, "-c", str(connections), "-m", method, "--no-tui",
                          "--output-format", "json", url], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    statuses = data.get("statusCodeDistribution", {})
    assert set(statuses) <= {"200"}, f"{method} {url}: {statuses}"
    return data["summary"]["requestsPerSec"], data["latencyPercentiles"]["p50"] * 1e6


def curl_speed(args):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{speed_download} %{speed_upload}"] + args,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "200", out
    return max(float(out[1]), float(out[2])) / (1024 * 1024)


def main():
    work = tempfile.mkdtemp(prefix="gatehouse-bench-")
    big = os.path.join(work, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(64 * 1024 * 1024))
    procs = []
    try:
        gh, gh_url = start_gatehouse(work)
        fs, fs_url = start_s3s_fs(work)
        procs = [gh, fs]
        results = {}
        for name, url in [("gatehouse", gh_url), ("s3s-fs", fs_url)]:
            s3 = client(url)
            s3.create_bucket(Bucket="bench")
            s3.put_object(Bucket="bench", Key="one-kib", Body=os.urandom(1024))
            s3.upload_file(big, "bench", "big.bin")
            sign = lambda op, **kw: s3.generate_presigned_url(op, Params={"Bucket": "bench", **kw}, ExpiresIn=3600)
            r = {}
            for method, op in [("HEAD", "head_object"), ("GET", "get_object")]:
                for c in (1, 32):
                    r[f"{method} c={c}"] = oha(sign(op, Key="one-kib"), method, c)
            r["GET 64 MiB"] = curl_speed([sign("get_object", Key="big.bin")])
            r["PUT 64 MiB"] = curl_speed(["-T", big, sign("put_object", Key="put.bin")])
            if name == "gatehouse":
                user = iam_user(gh_url)
                signed_as_user = client(url, user).generate_presigned_url(
                    "head_object", Params={"Bucket": "bench", "Key": "one-kib"}, ExpiresIn=3600)
                for c in (1, 32):
                    r[f"HEAD c={c} IAM user"] = oha(signed_as_user, "HEAD", c)
            results[name] = r
        print(f"{'':14}{'gatehouse':>28}{'s3s-fs':>28}{'ratio':>10}")
        for key in results["gatehouse"]:
            g, f = results["gatehouse"][key], results["s3s-fs"].get(key)
            if f is None:
                root = results["gatehouse"][key.removesuffix(" IAM user")]
                print(f"{key:14}{g[0]:>12,.0f} req/s {g[1]:>7.0f} µs{'':>28}{g[0] / root[0]:>8.2f}x  (vs root's own requests)")
                continue
            if isinstance(g, tuple):
                print(f"{key:14}{g[0]:>12,.0f} req/s {g[1]:>7.0f} µs{f[0]:>12,.0f} req/s {f[1]:>7.0f} µs"
                      f"{g[0] / f[0]:>8.2f}x  (median latency {g[1] / f[1]:.2f}x)")
            else:
                print(f"{key:14}{g:>22,.0f} MiB/s{f:>22,.0f} MiB/s{g / f:>9.2f}x")
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    main()
