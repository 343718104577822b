"""Instructions per request on the server's own threads (not a test): a release `gatehouse
serve` under callgrind answers N presigned HEAD or GET requests for a 1 KiB object from oha on
one connection, after a warm-up; callgrind's count from the warm-up's end to the last answer,
divided by N. Repeatable to a few hundred instructions where times on this machine swing by
2x: compare two builds by this, and by times only in one run.

    python3 scripts/request_instructions.py HEAD|GET [requests] [top]

With REQUEST_CALLER=iam the requests are an IAM user's (load_bench.iam_user: a group, an
inline policy and a boundary), not the account root's.

Prints the total, the share of SHA-256 (valgrind runs it in software: on the machine it is
SHA-NI and a few thousand instructions, so the total without it is the figure to compare),
the steps of docs/performance.md, and the `top` functions by their own instructions.
Needs a release build, valgrind, oha and boto3 (scripts/load-bench.sh installs the last two)."""
import collections, glob, os, re, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from load_bench import client, gatehouse_in, iam_user  # noqa: E402
from request_steps import demangled, step_costs  # noqa: E402


class Profile:
    """A callgrind file's functions: own instructions, and instructions of calls by callee."""

    def __init__(self, path):
        self.own = collections.Counter()
        self.called = collections.Counter()
        names, fn, call = {}, None, False

        def name(v):
            m = re.match(r"\((\d+)\)(?: (.*))?", v)
            if not m:
                return v
            if m.group(2):
                names[m.group(1)] = m.group(2)
            return names.get(m.group(1), v)

        for line in open(path, errors="replace"):
            if line.startswith("fn="):
                fn = name(line[3:].strip())
            elif line.startswith("cfn="):
                callee = name(line[4:].strip())
            elif line.startswith("calls="):
                call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                if call:
                    # Recursive calls (`'2` suffixes) would count twice.
                    if callee != fn and "'" not in callee:
                        self.called[callee] += int(parts[1])
                    call = False
                else:
                    self.own[fn] += int(parts[1])
            elif line.startswith(("fl=", "fi=", "fe=", "ob=", "cfi=", "cfl=", "cob=")):
                name(line.split("=", 1)[1].strip())

def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    out = f"/tmp/gatehouse-callgrind-{os.getpid()}.out"
    wrapper = ("valgrind", "-q", "--tool=callgrind", f"--callgrind-out-file={out}")
    with gatehouse_in("gatehouse-instructions-", wrapper) as (gh, url, work):
        s3 = client(url)
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="one-kib", Body=os.urandom(1024))
        if os.environ.get("REQUEST_CALLER") == "iam":
            s3 = client(url, iam_user(url))
        op = {"HEAD": "head_object", "GET": "get_object"}[method]
        signed = s3.generate_presigned_url(op, Params={"Bucket": "bench", "Key": "one-kib"}, ExpiresIn=3600)
        oha = ["oha", "-c", "1", "-m", method, "--no-tui", signed]
        subprocess.run(oha[:1] + ["-n", "300"] + oha[1:], capture_output=True, check=True)
        time.sleep(0.5)
        subprocess.run(["callgrind_control", "--zero", str(gh.pid)], capture_output=True, check=True)
        subprocess.run(oha[:1] + ["-n", str(n)] + oha[1:], capture_output=True, check=True)
        time.sleep(0.5)  # the audit writer's share of the last requests
        subprocess.run(["callgrind_control", "--dump", str(gh.pid)], capture_output=True, check=True)
    dumps = [f for f in glob.glob(out + ".*")]
    profile = Profile(max(dumps, key=os.path.getmtime))
    for f in glob.glob(out + "*"):
        os.remove(f)
    total = sum(profile.own.values()) / n
    sha = sum(c for f, c in profile.own.items() if "sha256" in f and "compress" in f) / n
    print(f"{method}, one connection, {n} requests: {total:,.0f} instructions per request, "
          f"{total - sha:,.0f} without SHA-256 ({sha:,.0f} in software under valgrind)")
    for step, cost in step_costs(profile.called, demangled):
        print(f"  {step:52} {cost / n:9,.0f}")
    print("own instructions, the most first:")
    for f, c in profile.own.most_common(top):
        print(f"  {c / n:9,.0f}  {f[:120]}")


if __name__ == "__main__":
    main()
