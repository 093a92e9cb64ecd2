#!/usr/bin/env bash
# Where the gateway's instructions go, per request: Panjere (release, one
# worker) under callgrind while `fixed_rate` sends 5,000 requests at 500/s,
# instrumentation on only for those. Instruction counts are stable on a
# shared machine where times are not.
#
#   bench/gateway/profile.sh [lookup|inquiry|floor]   # default lookup
#
# `floor` profiles `bare_proxy` (one thread) on the same call instead, for
# the gateway's instructions against the least its HTTP stack costs.
# Prints the instructions per request (the whole process, the background
# probes of the agencies included) and the functions with the most, and
# leaves the profile for callgrind_annotate (its path is printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET=${1:-lookup}
BASE=18100
SERVER_PORT=18200
RATE=500
SECS=10
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; }
trap cleanup EXIT
. bench/gateway/lib.sh
command -v valgrind >/dev/null || { echo "==> installing valgrind (apt-get)"; apt-get install -y valgrind >/dev/null; }

echo "==> building the server and the simulated agencies (release)"
cargo build --release -q -p panjere-server -p panjere-agencies --bin panjere --bin panjere-agencies --example fixed_rate --example bare_proxy
start_agencies
CALLGRIND=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind.out")
if [ "$TARGET" = floor ]; then
    echo "==> starting bare_proxy under callgrind (one thread)"
    "${CALLGRIND[@]}" ./target/release/examples/bare_proxy 127.0.0.1:$SERVER_PORT 127.0.0.1:$POST_PORT "Bearer dev-post-key" 1 > "$WORK/floor.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=($SERVER_PID)
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SERVER_PORT/v1/postal-codes/1314567891" && break; sleep 0.2; done
else
    echo "==> starting Panjere under callgrind (one worker)"
    PANJERE_WORKERS=1 start_server "${CALLGRIND[@]}"
fi
URL="http://127.0.0.1:$SERVER_PORT$LOOKUP_PATH"
ARGS=()
case $TARGET in
    lookup) ;;
    floor) URL="http://127.0.0.1:$SERVER_PORT/v1/postal-codes/1314567891" ;;
    inquiry)
        sign_in
        URL="http://127.0.0.1:$SERVER_PORT$INQUIRY_PATH"
        ARGS=(-m POST -H "Content-Type: application/json" -d "$INQUIRY_BODY" -H "Sec-Fetch-Site: same-origin" -H "Cookie: $COOKIE")
        ;;
    *) echo "usage: bench/gateway/profile.sh [lookup|inquiry|floor]" >&2; exit 2 ;;
esac
# Warm up (connections, caches, prepared statements) at the measured rate
# and for as long, then measure. Each of the pool's 8 connections still
# prepares an audit statement length the first time it is given one (a
# multi-row INSERT, hundreds of thousands of instructions): shown apart
# below.
./target/release/examples/fixed_rate "$URL" "$RATE" "$SECS" 8 "${ARGS[@]}" > /dev/null
callgrind_control -i on "$SERVER_PID" > /dev/null
out=$(./target/release/examples/fixed_rate "$URL" "$RATE" "$SECS" 8 "${ARGS[@]}")
callgrind_control -i off "$SERVER_PID" > /dev/null
callgrind_control -d "$SERVER_PID" > /dev/null
sleep 1
echo "    $out"
sent=$(awk '{ for (i = 1; i < NF; i++) if ($i == "sent") print $(i + 1) }' <<<"$out")
ok=$(awk '{ for (i = 1; i < NF; i++) if ($i == "ok") print $(i + 1) }' <<<"$out")
[ "$ok" = "$sent" ] || { echo "only $ok of $sent requests answered 200" >&2; exit 1; }
profile=$(ls -S "$WORK"/callgrind.out* | head -1)
total=$(callgrind_annotate "$profile" | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1 }')
# Two parts that depend on the run, not the request, are also shown apart:
# the agencies' background probes (a fixed count a second, so more per
# request when callgrind's slowness lowers the rate) and SQLite preparing a
# statement a connection meets for the first time (a bounded count over
# the process's life, so a share only of a short profile).
inclusive=$(callgrind_annotate --inclusive=yes "$profile")
part() { awk -v f="$1" 'index($0, f) { c = $1; gsub(/,/, "", c); print c; exit }' <<<"$inclusive"; }
prober=$(part "Gateway::spawn_prober::{{closure}} [")
prepare=$(part ":sqlite3_prepare_v3 [")
own=$(part "serve::serve::{{closure}}::{{closure}} [")
echo
echo "$TARGET: $(awk -v t="$total" -v n="$sent" 'BEGIN { printf "%d", t / n }') instructions per request ($total over $sent requests)"
awk -v t="$total" -v p="${prober:-0}" -v s="${prepare:-0}" -v n="$sent" \
    'BEGIN { printf "    %d of them the prober, %d preparing statements: %d per request without either\n", p / n, s / n, (t - p - s) / n }'
[ -z "$own" ] || echo "    $(( own / sent )) of them in the request's own task (hyper, axum, the handler)"
echo "functions with the most, inclusive (per request):"
# (Recursive functions, named with a ' suffix, are counted once per level
# by callgrind: left out. The agencies' background probes are the prober.
# sed, not head: under pipefail, head's early exit would end the script
# with SIGPIPE before the profile's path is printed.)
awk -v n="$sent" '/^ *[0-9,]+ \(/ { c = $1; gsub(/,/, "", c); l = $0; sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +(\?\?\?:)?/, "", l); sub(/ \[[^]]*\]$/, "", l); printf "%9d  %s\n", c / n, substr(l, 1, 140) }' <<<"$inclusive" |
    grep -vE "'[0-9]|tokio::runtime|std::sys|__rust_begin|start_thread|call_once|panjere::main|PROGRAM" | sed -n 1,40p
echo
echo "profile: $profile (callgrind_annotate --tree=calling --inclusive=yes $profile)"
