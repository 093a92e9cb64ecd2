#!/usr/bin/env bash
# The cost of durable commits on the submit path: SQLite WAL with
# synchronous = NORMAL against FULL (the server's setting). A benchmark, not
# a test; run it on the disk the server's data directory is on.
#
#   bench/durability/run.sh [submits, default 2000] [directory, default: a temporary one]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --release -q -p panjere-server --example submit_durability -- "${1:-2000}" ${2:+"$2"}
