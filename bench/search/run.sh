#!/usr/bin/env bash
# Search benchmark: the catalog search's index build and query times at
# 313, 1,252, 5,008 and 20,032 services (the catalog and copies of it under
# new ids; one more row at 5,008 whose copies have names of their own),
# with the linear search it replaced as the baseline (checked to answer the
# same). Twice: natively (release build) and in Debian's Chromium, the same
# code built for wasm32 with the client's release profile (`wasm-release`:
# opt-level z, LTO) and wasm-opt -Oz, as the client's search module is.
# A benchmark, not a test. Targets (issue 23) at 5,000 services: a query
# <= 0.2 ms p99 natively and <= 1 ms p99 in the browser, index build
# <= 50 ms.
#
#   bench/search/run.sh [rounds of the 14 queries, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-20}
OUT=target/search-bench
mkdir -p "$OUT"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "==> native (release)"
cargo run --release -q -p panjere-search-bench -- "$ROUNDS" --write-index "$OUT/index.json"

echo
echo "==> browser: building for wasm32 (wasm-release, wasm-bindgen, wasm-opt -Oz)"
cargo build -q -p panjere-search-bench --lib --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --out-dir "$OUT/pkg" target/wasm32-unknown-unknown/wasm-release/panjere_search_bench.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$OUT/pkg/panjere_search_bench_bg.wasm" -o "$OUT/pkg/panjere_search_bench_bg.wasm" 2>/dev/null
echo "==> browser: Chromium ($(/usr/bin/chromium --version 2>/dev/null | head -1)), linear baseline up to 5,008 services"
node bench/search/browser.mjs "$OUT" "$ROUNDS" 5008
