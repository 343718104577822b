"""Profiles one kind of request (not a test): a release `gatehouse serve` answers presigned
HEAD or GET of a 1 KiB object from oha (one connection unless told) while `perf record` samples
it; prints each step of the request path with its inclusive share of the server's samples
(docs/performance.md's table), then the hottest functions (PROFILE_RAW=FILE keeps the report).

    python3 scripts/profile_request.py HEAD|GET [seconds] [connections]

Needs a release build, oha, perf and boto3 (scripts/load-bench.sh installs them)."""
import os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
from load_bench import client, gatehouse_in  # noqa: E402
from request_steps import mangled, step_costs  # noqa: E402


# The steps only perf sees (the kernel's, hyper's) and the GET's body, around the request
# path's own steps (request_steps.py), by patterns over perf's symbol names.
BEFORE = [
    ("kernel: write the response (writev)", r"__GI___writev"),
    ("kernel: read the request (recv)", r"__libc_recv"),
    ("kernel: wait for the socket (epoll_wait)", r"\bepoll_wait"),
    ("hyper: parse the request head", r"Http1Transaction\$GT\$5parse"),
]
AFTER = [("response body (GET)", r"byte_stream")]


def steps(report):
    shares = {}
    for line in report.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+[\d.]+%\s+\[[.k]\]\s+(\S+)", line)
        if m:
            shares[m.group(2)] = max(shares.get(m.group(2), 0.0), float(m.group(1)))

    def share(pattern):
        return max((v for name, v in shares.items() if re.search(pattern, name)), default=0.0)

    rows = [(name, share(p)) for name, p in BEFORE]
    rows += list(step_costs(shares, mangled))
    rows += [(name, share(p)) for name, p in AFTER]
    for name, value in rows:
        if value:
            print(f"  {name:52} {value:5.1f}%")


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    seconds = sys.argv[2] if len(sys.argv) > 2 else "5"
    connections = sys.argv[3] if len(sys.argv) > 3 else "1"
    with gatehouse_in("gatehouse-profile-") as (gh, url, work):
        s3 = client(url)
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="one-kib", Body=os.urandom(1024))
        op = {"HEAD": "head_object", "GET": "get_object"}[method]
        signed = s3.generate_presigned_url(op, Params={"Bucket": "bench", "Key": "one-kib"}, ExpiresIn=3600)
        load = subprocess.Popen(["oha", "-z", f"{int(seconds) + 2}s", "-c", connections, "-m", method, "--no-tui", signed],
                                stdout=subprocess.DEVNULL)
        data = os.path.join(work, "perf.data")
        subprocess.run(["perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,16384", "-o", data, "-p", str(gh.pid), "--", "sleep",
                        seconds], check=True, stderr=subprocess.DEVNULL)
        load.wait()
        report = subprocess.run(["perf", "report", "-i", data, "--children", "--stdio", "--no-demangle",
                                 "--percent-limit", "0.3", "-g", "none", "--sort", "symbol"],
                                capture_output=True, text=True, check=True).stdout
        if os.environ.get("PROFILE_RAW"):
            with open(os.environ["PROFILE_RAW"], "w") as f:
                f.write(report)
        print(f"{method}, {connections} connection(s): inclusive share of the server's samples")
        steps(report)
        print("hottest functions:")
        for line in [l for l in report.splitlines() if l and not l.startswith("#")][:40]:
            print(line[:160])


if __name__ == "__main__":
    main()
