"""Drives the listing and scale benchmark described in listing-bench.sh and prints a table with
the ratio of the largest median to the smallest in each row."""
import contextlib, json, os, shutil, statistics, subprocess, sys, tempfile

from load_bench import AK, SK, client, start_gatehouse

DURATION = os.environ.get("BENCH_DURATION", "3s")
SIZES = [int(s) for s in os.environ.get("LISTING_SIZES", "10000,1000000,10000000").split(",")]
# The bench binary's keys and users (crates/store/benches/listing.rs).
PAGE, STARTS = 1000, 16
SCALES = [10, 10_000]
SCALE_ROWS = ["ListBuckets, all", "ListBuckets, 10", "HEAD by n-th user", "GET by n-th user"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def key(i):
    return f"{i // 10:07}/{i:09}.json"


def user_creds(i):
    return f"AKIAUSER{i:012}", f"secret-{i:08}"


def label(n, unit):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M {unit}"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k {unit}"
    return f"{n} {unit}"


def prepare(work, keys, buckets=1, users=0):
    """The data dir start_gatehouse serves (WORK/gh), filled by the bench binary's bulk path."""
    out = subprocess.run(["cargo", "bench", "-q", "-p", "store", "--bench", "listing", "--", "--prepare",
                          os.path.join(work, "gh"), "--keys", str(keys), "--buckets", str(buckets),
                          "--users", str(users)], capture_output=True, text=True, check=True).stdout
    print(out.strip(), flush=True)


def oha(target, method="GET"):
    """Median latency (µs) at one connection; `target` is a URL or, as a list, URLs taken at
    random."""
    args = ["oha", "-z", DURATION, "-c", "1", "-m", method, "--no-tui", "--output-format", "json"]
    if isinstance(target, list):
        urls = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        urls.write("\n".join(target) + "\n")
        urls.close()
        args += ["--urls-from-file", urls.name]
    else:
        args.append(target)
    try:
        data = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    finally:
        if isinstance(target, list):
            os.remove(urls.name)
    statuses = data.get("statusCodeDistribution", {})
    assert set(statuses) <= {"200"}, f"{method} {target}: {statuses}"
    return data["latencyPercentiles"]["p50"] * 1e6


class Server:
    """A gatehouse serving a data dir the bench binary prepared; stopped and removed on exit."""

    def __init__(self, keys, buckets=1, users=0):
        self.work = tempfile.mkdtemp(prefix="gatehouse-listing-bench-")
        self.proc = None
        try:
            prepare(self.work, keys, buckets, users)
            self.proc, self.url = start_gatehouse(self.work)
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)

    def sign(self, op, creds=(AK, SK), **params):
        return client(self.url, creds).generate_presigned_url(op, Params=params, ExpiresIn=3600)


def listing(s, size):
    """Presigned 1000-key pages after keys spread through the bucket (oha picks among them), and
    the 1000-prefix page with delimiter "/" from the start."""
    starts = [key(i * (size - PAGE - 1) // STARTS) for i in range(STARTS)]
    page = client(s.url).list_objects_v2(Bucket="bench", MaxKeys=PAGE, StartAfter=starts[1])
    assert page["KeyCount"] == PAGE and page["IsTruncated"], page["KeyCount"]
    page = client(s.url).list_objects_v2(Bucket="bench", MaxKeys=PAGE, Delimiter="/")
    assert len(page["CommonPrefixes"]) == min(PAGE, size // 10), page["KeyCount"]
    return ([s.sign("list_objects_v2", Bucket="bench", MaxKeys=PAGE, StartAfter=a) for a in starts],
            s.sign("list_objects_v2", Bucket="bench", MaxKeys=PAGE, Delimiter="/"))


def scale(s, n):
    """With n buckets in the account and n users in the directory: ListBuckets by the root (every
    bucket, whose answer grows with n, and a page of 10), and HeadObject and GetObject (of an
    empty bulk-loaded object) by the n-th user."""
    assert len(client(s.url).list_buckets()["Buckets"]) == n
    user = user_creds(n)
    assert client(s.url, user).get_object(Bucket="bench", Key=key(0))["Body"].read() == b""
    return (s.sign("list_buckets"),
            s.sign("list_buckets", MaxBuckets=10),
            s.sign("head_object", user, Bucket="bench", Key=key(0)),
            s.sign("get_object", user, Bucket="bench", Key=key(0)))


def measure(cases):
    """{column: median µs} for {column: (target, method)}: the median over ROUNDS rounds in which
    the columns take turns, so that a busy spell of the shared machine falls on all alike."""
    medians = {column: [] for column in cases}
    for _ in range(ROUNDS):
        for column, (target, method) in cases.items():
            medians[column].append(oha(target, method))
    return {column: statistics.median(m) for column, m in medians.items()}


def row(name, cells, target):
    values = cells.values()
    text = "".join(f"{col:>14} {v:>9.0f} µs" for col, v in cells.items())
    print(f"{name:22}{text}   largest/smallest {max(values) / min(values):>6.2f}  target {target}")


def main():
    rows = {}  # row -> {column: (target, method)}
    with contextlib.ExitStack() as servers:
        for size in SIZES:
            plain, delimited = listing(servers.enter_context(Server(size)), size)
            rows.setdefault("ListObjectsV2", {})[label(size, "keys")] = (plain, "GET")
            rows.setdefault("ListObjectsV2 /", {})[label(size, "keys")] = (delimited, "GET")
        for n in SCALES:
            targets = scale(servers.enter_context(Server(2 * PAGE, buckets=n, users=n)), n)
            for name, unit, target, method in zip(SCALE_ROWS, ["buckets", "buckets", "users", "users"],
                                                  targets, ["GET", "GET", "HEAD", "GET"]):
                rows.setdefault(name, {})[label(n, unit)] = (target, method)
        results = {name: measure(cases) for name, cases in rows.items()}
    print()
    for name, cells in results.items():
        target = {"ListBuckets, all": "grows with the answer"}.get(name, "~1 (same cost)")
        row(name, cells, "<= 1.5" if name.startswith("ListObjects") else target)


if __name__ == "__main__":
    sys.exit(main())
