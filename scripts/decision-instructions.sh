#!/usr/bin/env bash
# Instructions per decision (the benchmark scenario of crates/authz/benches/decision.rs), counted
# by callgrind: repeatable on a shared machine where times are not. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p authz --no-run -q 2>/dev/null
bench=$(ls -t target/release/deps/decision-* | grep -v '\.d$' | head -1)
for name in full traced minimal real real-traced; do
    count() { BENCH_ITERATIONS=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" "$name" 2>&1 | sed -n 's/.*Collected : //p'; }
    a=$(count 1000); b=$(count 2000)
    echo "$name decision: $(( (b - a) / 1000 )) instructions"
done
