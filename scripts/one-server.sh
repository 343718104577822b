#!/usr/bin/env bash
# The end-to-end suites in one sequence on one long-lived `gatehouse serve` (issue 11): each
# test starts on accounts emptied through the APIs, so history (deleted buckets, users, roles and
# keys, reused names) from every earlier test of every suite is behind it. Tests that need a
# server of their own (restarts, the data directory, the audit files) keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p gatehouse
work=$(mktemp -d)
GATEHOUSE_VERIFY_DECISIONS=1 target/debug/gatehouse serve --data-dir "$work/data" \
    --listen 127.0.0.1:0 --config crates/server/tests/common/config.toml \
    >"$work/stdout" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/stdout" && break
    sleep 0.1
done
endpoint=$(sed -n 's/^listening on //p' "$work/stdout")
[ -n "$endpoint" ] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
echo "== one server: $endpoint"
export GATEHOUSE_ONE_SERVER=1 GATEHOUSE_ONE_SERVER_ENDPOINT="$endpoint"
for suite in s3_sdk iam_api acl_ownership scenarios regions query sigv4 integrity; do
    echo "== $suite on the one server"
    if ! cargo test -p server --test "$suite" -- --test-threads=1; then
        echo "== the server's log:"; tail -50 "$work/server.log"
        exit 1
    fi
done
# Verification mode answers 500 on any cached/uncached difference: none may have occurred.
if grep -q "VERIFY MISMATCH" "$work/server.log"; then
    echo "== verification mismatches in the server's log:"; grep "VERIFY MISMATCH" "$work/server.log"
    exit 1
fi
