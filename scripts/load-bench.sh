#!/usr/bin/env bash
# Load benchmark (not a test): presigned HeadObject and GetObject of a 1 KiB object with full
# authorization, driven by oha at 1 and 32 connections, against Gatehouse and against s3s-fs
# 0.14.1 (which authorizes nothing) in the same run; then 64 MiB GET and durable PUT throughput
# with curl on presigned URLs — beside nginx serving the same bytes as static files (one worker,
# sendfile, tcp_nodelay) and, for the durable PUT, dd conv=fsync on the same disk. Installs oha,
# s3s-fs, nginx and boto3 when missing. Each row is measured on every server in turn, BENCH_ROUNDS
# times (3), for BENCH_DURATION each (5s); the median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v oha >/dev/null || cargo install oha --locked
command -v s3s-fs >/dev/null || cargo install s3s-fs --version =0.14.1 --features binary --locked
python3 -c "import boto3" 2>/dev/null || python3 -m pip install --quiet boto3
command -v nginx >/dev/null || { apt-get update -q && apt-get install -y -q nginx-light || apt-get install -y -q nginx; }
command -v curl >/dev/null || { apt-get update -q && apt-get install -y -q curl; }
cargo build --release -q -p gatehouse
exec python3 scripts/load_bench.py "$@"
