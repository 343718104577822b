"""Drives the load benchmark described in load-bench.sh and prints a table with ratios."""
import contextlib, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

import boto3
from botocore.config import Config

DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
AK, SK = "AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gatehouse(work, wrapper=()):
    """`wrapper`: a command the server runs under (valgrind). GATEHOUSE_BINARY names another
    build to run (an older one, to compare)."""
    config = os.path.join(work, "gatehouse.toml")
    with open(config, "w") as f:
        f.write(f'[[accounts]]\nid = "111111111111"\nname = "alpha"\nroot_access_key_id = "{AK}"\nroot_secret_access_key = "{SK}"\n')
    binary = os.environ.get("GATEHOUSE_BINARY", "./target/release/gatehouse")
    proc = subprocess.Popen([*wrapper, binary, "serve", "--data-dir", os.path.join(work, "gh"),
                             "--listen", "127.0.0.1:0", "--config", config], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        m = re.match(r"listening on (http://\S+)", line)
        if m:
            return proc, m.group(1)
    raise SystemExit("gatehouse did not start")


@contextlib.contextmanager
def gatehouse_in(prefix, wrapper=()):
    """A release gatehouse serving a fresh temporary data dir, as (process, url, work dir);
    stopped and removed on exit."""
    work = tempfile.mkdtemp(prefix=prefix)
    gh = None
    try:
        gh, url = start_gatehouse(work, wrapper)
        yield gh, url, work
    finally:
        if gh:
            gh.terminate()
            gh.wait()
        shutil.rmtree(work, ignore_errors=True)


def listening(port, name):
    """The URL of a server just started on `port`, once it accepts connections."""
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start")


def start_s3s_fs(work):
    root = os.path.join(work, "fs")
    os.makedirs(root)
    port = free_port()
    proc = subprocess.Popen(["s3s-fs", "--host", "127.0.0.1", "--port", str(port), "--access-key", AK,
                             "--secret-key", SK, root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, listening(port, "s3s-fs")


def start_nginx(work, files):
    """nginx serving the same bytes as static files: one worker, sendfile, tcp_nodelay — the
    issue's reference for what serving a file costs on this machine."""
    www = os.path.join(work, "www", "bench")
    os.makedirs(www)
    os.chmod(work, 0o755)  # nginx's worker drops to an unprivileged user
    for name, data_path in files.items():
        os.link(data_path, os.path.join(www, name))
    port = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    server {{ listen 127.0.0.1:{port}; root {work}/www; }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, listening(port, "nginx")


def dd_fsync(source, work):
    """MiB/s of `dd conv=fsync` writing the same bytes on the same disk: the durable-PUT floor."""
    target = os.path.join(work, "dd.bin")
    start = time.monotonic()
    subprocess.run(["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fsync"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    os.remove(target)
    return os.path.getsize(source) / (1024 * 1024) / elapsed


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


def median(values):
    """The median of throughputs, or of (req/s, µs) pairs taken field by field."""
    if isinstance(values[0], tuple):
        return tuple(statistics.median(v[i] for v in values) for i in range(len(values[0])))
    return statistics.median(values)


def row(label, values, ratio=None, note=""):
    cells = "".join(f"{v:>26}" for v in values)
    ratio_cell = f"{ratio:>9.2f}x" if ratio is not None else f"{'':>10}"
    print(f"{label:18}{cells}{ratio_cell}  {note}")


def rate(r):
    return f"{r[0]:>11,.0f} req/s {r[1]:>6.0f} µs" if isinstance(r, tuple) else f"{r:>20,.0f} MiB/s"


def main():
    work = tempfile.mkdtemp(prefix="gatehouse-bench-")
    big = os.path.join(work, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(64 * 1024 * 1024))
    small = os.path.join(work, "one-kib")
    with open(small, "wb") as f:
        f.write(os.urandom(1024))
    procs = []
    try:
        gh, gh_url = start_gatehouse(work)
        fs, fs_url = start_s3s_fs(work)
        ngx, ngx_url = start_nginx(work, {"one-kib": small, "big.bin": big})
        procs = [gh, fs, ngx]
        # What each server is asked: {server: {row: measurement thunk}}.
        plans = {"gatehouse": {}, "s3s-fs": {}, "nginx": {}}
        for name, url in [("gatehouse", gh_url), ("s3s-fs", fs_url)]:
            s3 = client(url)
            s3.create_bucket(Bucket="bench")
            s3.upload_file(small, "bench", "one-kib")
            s3.upload_file(big, "bench", "big.bin")
            sign = lambda op, s3=s3, **kw: s3.generate_presigned_url(op, Params={"Bucket": "bench", **kw},
                                                                      ExpiresIn=3600)
            plan = plans[name]
            for method, op in [("HEAD", "head_object"), ("GET", "get_object")]:
                for c in (1, 32):
                    plan[f"{method} c={c}"] = lambda u=sign(op, Key="one-kib"), m=method, c=c: oha(u, m, c)
            plan["GET 64 MiB"] = lambda u=sign("get_object", Key="big.bin"): curl_speed([u])
            plan["PUT 64 MiB"] = lambda u=sign("put_object", Key="put.bin"): curl_speed(["-T", big, u])
            if name == "gatehouse":
                user = iam_user(gh_url)
                signed_as_user = client(url, user).generate_presigned_url(
                    "head_object", Params={"Bucket": "bench", "Key": "one-kib"}, ExpiresIn=3600)
                for c in (1, 32):
                    plan[f"HEAD c={c} IAM user"] = lambda c=c: oha(signed_as_user, "HEAD", c)
        for method in ("HEAD", "GET"):
            for c in (1, 32):
                plans["nginx"][f"{method} c={c}"] = lambda m=method, c=c: oha(f"{ngx_url}/bench/one-kib", m, c)
        plans["nginx"]["GET 64 MiB"] = lambda: curl_speed([f"{ngx_url}/bench/big.bin"])
        plans["nginx"]["PUT 64 MiB"] = lambda: dd_fsync(big, work)
        # The machine is shared: each row is measured on every server in turn, ROUNDS times, and
        # the median kept, so a busy spell falls on all of them alike.
        samples = {name: {row: [] for row in plan} for name, plan in plans.items()}
        # The IAM user's HEADs right after the root's, so the two meet the same conditions (after
        # the 64 MiB PUT the disk is still writing back).
        order = ["HEAD c=1", "HEAD c=1 IAM user", "HEAD c=32", "HEAD c=32 IAM user"]
        rows = sorted(plans["gatehouse"], key=lambda r: order.index(r) if r in order else len(order))
        for _ in range(ROUNDS):
            for row_name in rows:
                for name, plan in plans.items():
                    if row_name in plan:
                        samples[name][row_name].append(plan[row_name]())
        results = {name: {row_name: median(values) for row_name, values in rows_.items()}
                   for name, rows_ in samples.items()}
        n = results["nginx"]
        g, f = results["gatehouse"], results["s3s-fs"]
        print(f"{'':18}{'gatehouse':>26}{'nginx (dd for PUT)':>26}{'s3s-fs':>26}{'gh/ref':>10}")
        for key in ("HEAD c=1", "HEAD c=32", "GET c=1", "GET c=32", "GET 64 MiB", "PUT 64 MiB"):
            target = {"HEAD c=32": "target >= 0.40", "GET c=32": "target >= 0.40", "GET 64 MiB": "target >= 0.80",
                      "PUT 64 MiB": "target >= 0.80 of dd conv=fsync",
                      "HEAD c=1": "target: median <= 100 µs", "GET c=1": "target: median <= 100 µs"}[key]
            ref = n[key]
            ratio = (g[key][0] / ref[0]) if isinstance(ref, tuple) else g[key] / ref
            row(key, [rate(g[key]), rate(ref), rate(f[key])], ratio, target)
        for c in (1, 32):
            row(f"GET/HEAD c={c}", [f"{g[f'GET c={c}'][0] / g[f'HEAD c={c}'][0]:>25.2f}x", "", ""], None,
                "target >= 0.80 at 1 KiB")
            user = g[f"HEAD c={c} IAM user"]
            row(f"HEAD c={c} IAM user", [rate(user), "", ""], user[0] / g[f"HEAD c={c}"][0],
                "vs the root's own requests; target >= 0.90")
    finally:
        for p in procs:
            # SIGTERM: nginx's master stops its workers on it; SIGKILL would orphan them.
            p.terminate()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
