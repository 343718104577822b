#!/usr/bin/env bash
# Memory benchmark (not a test): see scripts/memory_bench.py. MEMORY_LOAD and MEMORY_SOAK set the
# two runs' seconds (60 and 600 by default). Installs oha and boto3 when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v oha >/dev/null || cargo install oha --locked
python3 -c "import boto3" 2>/dev/null || python3 -m pip install --quiet boto3
cargo build --release -q -p gatehouse
exec python3 scripts/memory_bench.py "$@"
