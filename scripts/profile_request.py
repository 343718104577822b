"""Profiles one kind of request (not a test): a release `gatehouse serve` answers presigned
HEAD or GET of a 1 KiB object from oha (one connection unless told) while `perf record` samples it; prints
the inclusive share of the hottest functions (docs/performance.md reads its steps from this).

    python3 scripts/profile_request.py HEAD|GET [seconds] [connections]

Needs a release build, oha, perf and boto3 (scripts/load-bench.sh installs them)."""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from load_bench import client, start_gatehouse  # noqa: E402


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    seconds = sys.argv[2] if len(sys.argv) > 2 else "5"
    connections = sys.argv[3] if len(sys.argv) > 3 else "1"
    work = tempfile.mkdtemp(prefix="gatehouse-profile-")
    gh = None
    try:
        gh, url = start_gatehouse(work)
        s3 = client(url)
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="one-kib", Body=os.urandom(1024))
        op = {"HEAD": "head_object", "GET": "get_object"}[method]
        signed = s3.generate_presigned_url(op, Params={"Bucket": "bench", "Key": "one-kib"}, ExpiresIn=3600)
        load = subprocess.Popen(["oha", "-z", f"{int(seconds) + 2}s", "-c", connections, "-m", method, "--no-tui", signed],
                                stdout=subprocess.DEVNULL)
        data = os.path.join(work, "perf.data")
        subprocess.run(["perf", "record", "-q", "-F", "2999", "--call-graph", "dwarf,16384", "-o", data, "-p", str(gh.pid), "--", "sleep",
                        seconds], check=True, stderr=subprocess.DEVNULL)
        load.wait()
        report = subprocess.run(["perf", "report", "-i", data, "--children", "--stdio", "--no-demangle",
                                 "--percent-limit", "1.5", "-g", "none", "--sort", "symbol"],
                                capture_output=True, text=True, check=True).stdout
        if os.environ.get("PROFILE_RAW"):
            with open(os.environ["PROFILE_RAW"], "w") as f:
                f.write(report)
        for line in report.splitlines():
            if line and not line.startswith("#"):
                print(line[:160])
    finally:
        if gh:
            gh.kill()
            gh.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
