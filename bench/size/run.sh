#!/usr/bin/env bash
# The client's weight, from the built dist/ (run `cargo xtask build` first):
# raw, gzip -9 and brotli (the .br files the server sends) bytes of the main
# wasm module, js, css and fonts, and the whole first load of the home and
# service pages (index.html + js + split loader + Intl warm-up worker +
# main wasm + css + both fonts). Then what each lazily loaded module adds when first needed (it
# and the shared chunks it needs, from dist/modules.json, which the build
# writes), and what the main module's bytes are spent on
# (wasm_top.py, on the split main module before wasm-bindgen and wasm-opt,
# which still has function names).
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

APP=$(ls -d dist/app-*/ | head -1)
WASM=${APP}panjere-app_bg.wasm
JS="${APP}panjere-app.js ${APP}__wasm_split.js dist/warm-intl.js"
CSS=$(ls dist/main-*.css)
FONTS=$(ls dist/fonts/*.woff2)
printf '%-22s %12s %12s %12s\n' "bytes" "raw" "gzip -9" "brotli"
row "wasm (main module)" $WASM
row "js (glue, loader, worker)" $JS
row "css" $CSS
row "index.html" dist/index.html
for f in $FONTS; do row "font $(basename "$f" .woff2)" "$f"; done
row "first load (total)" dist/index.html $JS $WASM $CSS $FONTS
echo "(fonts are woff2, already compressed: they are sent as they are)"
row "all wasm modules" ${APP}*.wasm

echo
echo "Opening a lazily loaded module first fetches (brotli bytes, module + shared chunks):"
python3 - dist dist/modules.json <<'PY'
import json, os, sys
dist, modules = sys.argv[1], json.load(open(sys.argv[2]))
size = lambda url: os.path.getsize(dist + url + ".br") if os.path.exists(dist + url + ".br") else os.path.getsize(dist + url)
rows = sorted(((sum(size(u) for u in urls), name, len(urls)) for name, urls in modules.items()), reverse=True)
for total, name, n in rows:
    print(f"  {name:<28} {total:>9}  ({n} files)")
PY

PRE=target/wasm-split/panjere-app.wasm
if [ -f "$PRE" ]; then
  echo
  python3 bench/size/wasm_top.py "$PRE" "$TOP"
fi
