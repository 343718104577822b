#!/usr/bin/env bash
# Every test: the layering check (no import cycle among any crate's modules), each suite in
# isolation (a server per test), then the end-to-end suites in one sequence on one long-lived
# `gatehouse serve`. Every test server runs in verification mode.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/module-cycles.py crates/*/src
cargo test --workspace
bash scripts/one-server.sh
