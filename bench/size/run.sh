#!/usr/bin/env bash
# The client's weight, from the built dist/ (run `cargo xtask build` first):
# raw, gzip -9 and brotli (the .br files the server sends) bytes of the wasm,
# js, css and fonts, and the whole first load (index.html + js + wasm + css +
# both fonts). Then what the wasm bytes are spent on (wasm_top.py, from the
# release build before wasm-opt, which still has function names).
# Budget (issue 7): first load <= 250 KB brotli. A benchmark, not a test.
#
#   bench/size/run.sh [top N functions, default 25]
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=${1:-25}
[ -f dist/index.html ] || { echo "dist/ is not built: run cargo xtask build" >&2; exit 1; }

row() { # label files...
  local label=$1; shift
  local raw=0 gz=0 br=0 f
  for f in "$@"; do
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    if [ -f "$f.br" ]; then br=$((br + $(stat -c %s "$f.br"))); else br=$((br + $(stat -c %s "$f"))); fi
  done
  printf '%-22s %12s %12s %12s\n' "$label" "$raw" "$gz" "$br"
}

WASM=$(ls dist/*_bg.wasm)
JS=$(ls dist/panjere-app-*.js)
CSS=$(ls dist/main-*.css)
FONTS=$(ls dist/fonts/*.woff2)
printf '%-22s %12s %12s %12s\n' "bytes" "raw" "gzip -9" "brotli"
row "wasm" $WASM
row "js" $JS
row "css" $CSS
row "index.html" dist/index.html
for f in $FONTS; do row "font $(basename "$f" .woff2)" "$f"; done
row "first load (total)" dist/index.html $JS $WASM $CSS $FONTS
echo "(fonts are woff2, already compressed: they are sent as they are)"

PRE=target/wasm32-unknown-unknown/wasm-release/panjere-app.wasm
if [ -f "$PRE" ]; then
  echo
  python3 bench/size/wasm_top.py "$PRE" "$TOP"
fi
