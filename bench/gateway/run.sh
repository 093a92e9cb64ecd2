#!/usr/bin/env bash
# Gateway benchmark: one agency operation (post office: postal code ->
# address) called (a) directly on the simulator, (b) through Panjere's
# gateway (GET /api/lookup/post.address, audit logging on), (c) through nginx
# as a plain reverse proxy (upstream keepalive, no access log, workers =
# cores), and (d) through `bare_proxy` (server/examples): a proxy on the
# gateway's own HTTP stack (hyper, a runtime per core, kept-alive upstream)
# doing nothing else, the floor for any gateway built on it. All on loopback,
# in one run, with wrk. A benchmark, not a test.
#
#   bench/gateway/run.sh [seconds per target, default 15] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-15}
CONNS=${2:-64}
THREADS=2
BASE=17100            # agencies on BASE+1.. (post is the 9th), server, nginx
SERVER_PORT=17200
NGINX_PORT=17300
FLOOR_PORT=17400
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "==> installing $2 (apt-get)"; apt-get install -y "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light

echo "==> building the server and the simulated agencies (release)"
cargo build --release -q -p panjere-server -p panjere-agencies --bin panjere --bin panjere-agencies --example bare_proxy

echo "==> starting the simulated agencies"
./target/release/panjere-agencies --base-port $((BASE + 1)) --admin-port $((BASE + 50)) > "$WORK/agencies.log" 2>&1 &
PIDS+=($!)
POST_PORT=$((BASE + 9))
for _ in $(seq 50); do grep -q "AGENCIES READY" "$WORK/agencies.log" && break; sleep 0.2; done

echo "==> starting Panjere (release, request logs at warn; the audit log is on)"
env PANJERE_PORT=$SERVER_PORT PANJERE_DATA_DIR="$WORK/var" PANJERE_LOG=warn PANJERE_LOG_FORMAT=json \
    $(for i in $(seq 1 10); do id=$(sed -n "${i}p" <<'IDS'
SABT_AHVAL
CRA
SMS
TRAFFIC_POLICE
PASSPORT_POLICE
TAX
CUSTOMS
SOCIAL_SECURITY
POST
CONSCRIPTION
IDS
); echo "PANJERE_AGENCY_${id}_URL=http://127.0.0.1:$((BASE + i))"; done) \
    ./target/release/panjere > "$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$SERVER_PORT/api/health" >/dev/null && break; sleep 0.2; done

echo "==> starting nginx ($(nproc) workers, upstream keepalive, no access log)"
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
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
PIDS+=($!)
sleep 0.5

echo "==> starting bare_proxy ($(nproc) threads)"
./target/release/examples/bare_proxy 127.0.0.1:$FLOOR_PORT 127.0.0.1:$POST_PORT "Bearer dev-post-key" "$(nproc)" &
PIDS+=($!)
sleep 0.3

DIRECT="http://127.0.0.1:$POST_PORT/v1/postal-codes/1314567891"
GATEWAY="http://127.0.0.1:$SERVER_PORT/api/lookup/post.address?postal_code=1314567891"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/v1/postal-codes/1314567891"
FLOOR_URL="http://127.0.0.1:$FLOOR_PORT/v1/postal-codes/1314567891"
curl -sf -H "Authorization: Bearer dev-post-key" "$DIRECT" >/dev/null
curl -sf "$GATEWAY" >/dev/null
curl -sf "$NGINX_URL" >/dev/null
curl -sf "$FLOOR_URL" >/dev/null

# CPU time (user + system, all threads) of the processes whose command line
# matches, in clock ticks.
ticks() { local t=0 p; for p in $(pgrep -f "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
SIM_PATTERN="target/release/panjere-agencies"
SERVER_PATTERN="target/release/panjere$"
NGINX_PATTERN="nginx: worker"
FLOOR_PATTERN="examples/bare_proxy"

# wrk's latency figures to milliseconds
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000 } }'; }
run() { # name url proxy-pattern [header]
    local out sim0 proxy0 sim1 proxy1
    sim0=$(ticks "$SIM_PATTERN"); proxy0=$(ticks "$3")
    if [ -n "${4:-}" ]; then out=$(wrk -t$THREADS -c"$CONNS" -d"${SECS}s" --latency -H "$4" "$2"); else out=$(wrk -t$THREADS -c"$CONNS" -d"${SECS}s" --latency "$2"); fi
    sim1=$(ticks "$SIM_PATTERN"); proxy1=$(ticks "$3")
    echo "$out" > "$WORK/$1.txt"
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); errors=${errors:-0}
    local n proxy_us sim_us
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    proxy_us=$(awk -v d=$((proxy1 - proxy0)) -v n="$n" -v hz="$HZ" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }')
    sim_us=$(awk -v d=$((sim1 - sim0)) -v n="$n" -v hz="$HZ" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }')
    [ "$1" = direct ] && proxy_us="-"
    printf "%-8s %12s %10s %10s %8s %12s %12s\n" "$1" "$rps" "$p50" "$p99" "$errors" "$proxy_us" "$sim_us"
    eval "RPS_$1=$rps P50_$1=$p50 P99_$1=$p99 CPU_$1=$proxy_us"
}

echo
echo "==> wrk -t$THREADS -c$CONNS -d${SECS}s on $(nproc) cores (all processes share them)"
printf "%-8s %12s %10s %10s %8s %12s %12s\n" target "requests/s" "p50 ms" "p99 ms" non-2xx "proxy CPU" "agency CPU"
run direct "$DIRECT" "$SERVER_PATTERN" "Authorization: Bearer dev-post-key"
run gateway "$GATEWAY" "$SERVER_PATTERN"
run nginx "$NGINX_URL" "$NGINX_PATTERN"
run floor "$FLOOR_URL" "$FLOOR_PATTERN"
echo "(CPU: microseconds of CPU time per request, user + system, every thread of the process)"
echo
awk -v g="$RPS_gateway" -v n="$RPS_nginx" -v gp="$P99_gateway" -v np="$P99_nginx" -v dp="$P99_direct" -v gc="$CPU_gateway" -v nc="$CPU_nginx" -v f="$RPS_floor" -v fc="$CPU_floor" -v fp="$P99_floor" 'BEGIN {
    printf "CPU per proxied request: gateway %.1f us, nginx %.1f us (%.2fx)\n", gc, nc, gc / nc
    printf "gateway/nginx throughput: %.2fx (target >= 1.0)\n", g / n
    printf "p99 added over direct: gateway %.2f ms (target <= 1 ms), nginx %.2f ms\n", gp - dp, np - dp
    printf "floor (bare hyper proxy): %.2fx nginx throughput, %.1f us CPU per request (%.2fx nginx), p99 added %.2f ms\n", f / n, fc, fc / nc, fp - dp
    printf "what the gateway adds to the floor: %.1f us CPU per request\n", gc - fc
}'
rows=$(sqlite3 "$WORK/var/panjere.db" "SELECT COUNT(*) FROM audit_log WHERE operation = 'post.address'" 2>/dev/null || echo "?")
echo "audit rows written for post.address during the run: $rows"
