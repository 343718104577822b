"""Memory benchmark (not a test): the resident set of a release `gatehouse serve` idle, under
256 connections of 1 MiB GETs, and over a long run at 32 connections (allowed 1 KiB GETs beside
refused anonymous ones, whose denials carry a trace), sampled from /proc/PID/status.

    MEMORY_LOAD=60 MEMORY_SOAK=600 python3 scripts/memory_bench.py

Targets (issue 16): idle <= 40 MB, <= 200 MB under the 256 connections, no growth over the soak."""
import os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from load_bench import client, gatehouse_in  # noqa: E402

LOAD = int(os.environ.get("MEMORY_LOAD", "60"))
SOAK = int(os.environ.get("MEMORY_SOAK", "600"))


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def sampled(pid, runs, every=1.0):
    """Runs the commands in `runs` together, sampling RSS every `every` seconds until all end."""
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for cmd in runs]
    samples = []
    while any(p.poll() is None for p in procs):
        samples.append((time.monotonic(), rss_mb(pid)))
        time.sleep(every)
    for p in procs:
        assert p.wait() == 0, p.args
    return samples


def oha(url, connections, seconds):
    return ["oha", "-z", f"{seconds}s", "-c", str(connections), "--no-tui", url]


def main():
    with gatehouse_in("gatehouse-memory-") as (gh, url, _):
        time.sleep(1)
        idle_start = rss_mb(gh.pid)
        s3 = client(url)
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="one-mib", Body=os.urandom(1 << 20))
        s3.put_object(Bucket="bench", Key="one-kib", Body=os.urandom(1024))
        sign = lambda key: s3.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": key},
                                                     ExpiresIn=7200)
        load = sampled(gh.pid, [oha(sign("one-mib"), 256, LOAD)])
        time.sleep(2)
        after_load = rss_mb(gh.pid)
        refused = f"{url}/bench/one-kib"  # anonymous: 403 with a trace in the audit record
        soak = sampled(gh.pid, [oha(sign("one-kib"), 28, SOAK), oha(refused, 4, SOAK)], every=5.0)
        start = soak[0][0]
        minutes = {}
        for t, mb in soak:
            minutes.setdefault(int((t - start) // 60), []).append(mb)
        print(f"idle after start             {idle_start:7.1f} MB   target <= 40")
        print(f"256 conns x 1 MiB GET, {LOAD}s   peak {max(mb for _, mb in load):7.1f} MB   target <= 200")
        print(f"idle after that load         {after_load:7.1f} MB")
        print(f"soak, 32 connections, {SOAK}s, RSS by minute (mean MB):")
        for m, values in sorted(minutes.items()):
            print(f"  minute {m:2}: {sum(values) / len(values):7.1f}  (max {max(values):.1f})")
        first, last = minutes[min(minutes)], minutes[max(minutes)]
        print(f"growth, last minute vs first: {sum(last) / len(last) - sum(first) / len(first):+.1f} MB")


if __name__ == "__main__":
    main()
