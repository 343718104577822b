#!/usr/bin/env bash
# Every test: each suite in isolation (a server per test), then the end-to-end suites in one
# sequence on one long-lived server per suite. Every test server runs in verification mode.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace
bash scripts/one-server.sh
