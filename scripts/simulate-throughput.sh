#!/usr/bin/env bash
# Throughput of `gatehouse simulate` on 10,000 scenarios in JSON lines: the documented cases of
# crates/authz/tests/cases, repeated (malformed ones left out). Prints scenarios per second.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$count" "$work/scenarios.jsonl" <<'PY'
import glob, json, sys
count, out = int(sys.argv[1]), sys.argv[2]
cases = [c["scenario"] for f in sorted(glob.glob("crates/authz/tests/cases/*.json"))
         for c in json.load(open(f)) if not c["expect"].get("error")]
with open(out, "w") as f:
    for i in range(count):
        f.write(json.dumps(cases[i % len(cases)], separators=(",", ":")) + "\n")
PY
cargo build --release -q -p gatehouse
python3 - "$work" <<'PY'
import subprocess, sys, time
work = sys.argv[1]
with open(f"{work}/scenarios.jsonl") as inp, open(f"{work}/answers.jsonl", "w") as out:
    start = time.perf_counter()
    subprocess.run(["./target/release/gatehouse", "simulate", "--input", "-"], stdin=inp, stdout=out, check=True)
    seconds = time.perf_counter() - start
n = sum(1 for _ in open(f"{work}/answers.jsonl"))
print(f"{n} scenarios in {seconds:.3f} s: {n / seconds:,.0f} scenarios/s "
      f"({seconds / n * 1e6:.1f} us each: parse, compile, decide with trace, write JSON)")
PY
