#!/usr/bin/env bash
# The soak: mixed load from many simulated citizens while a fault driver
# takes agencies down, hangs them, slows and garbles their answers, and the
# server is killed with SIGKILL and started again; then it checks that no
# acknowledged submission was lost or duplicated, and prints answers by
# status, audit rows against agency calls, p50/p99 per journey, the peak
# memory and the panics. A benchmark, not a test (see server/examples/soak.rs).
#
#   bench/soak/run.sh [minutes, default 20] [kills, default 3] [citizens, default 40]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p panjere-server -p panjere-agencies --bins --example soak
target/release/examples/soak --minutes "${1:-20}" --kills "${2:-3}" --citizens "${3:-40}"
