#!/usr/bin/env bash
# Listing and scale benchmark (not a test), issue 16, through the server: for each size in
# LISTING_SIZES (default 10000,1000000,10000000) a data dir whose bucket `bench` holds that many
# keys, loaded by the store bench's bulk path (`cargo bench -p store --bench listing -- --prepare`);
# then presigned ListObjectsV2 pages of 1000 keys (after keys spread through the bucket) and of
# 1000 common prefixes (delimiter "/"), driven by oha at one connection; and ListBuckets with 10
# vs 10,000 buckets, HeadObject and GetObject by the 10th vs the 10,000th IAM user. Prints median
# latencies and the ratio of the largest to the smallest. Installs oha and boto3 when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v oha >/dev/null || cargo install oha --locked
python3 -c "import boto3" 2>/dev/null || python3 -m pip install --quiet boto3
cargo build --release -q -p gatehouse
cargo bench -q -p store --bench listing --no-run
exec python3 scripts/listing_bench.py "$@"
