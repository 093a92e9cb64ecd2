#!/usr/bin/env bash
# Scale-out benchmark: a catalog read and a signed-in inquiry (tax
# clearance: session in the store, the gateway's call to the tax agency,
# the audit log) with wrk, on
#   sqlite    one instance, embedded SQLite, sessions in it, limits in memory
#   pg1       one instance on PostgreSQL + Redis, direct
#   lb1       one instance on PostgreSQL + Redis behind HAProxy
#   lb3       three instances on PostgreSQL + Redis behind HAProxy
# printing requests/s, p50/p99 and the CPU time per request of the
# instances, of PostgreSQL + Redis, and of HAProxy. On 2 cores everything
# (wrk, agencies, instances, databases, balancer) shares the same cores:
# lb3 shows the overhead of more processes, not scaling. A benchmark, not a
# test.
#
#   bench/scale/run.sh [seconds per run, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
CONNS=${2:-32}
BASE=18100          # agencies on BASE+1..; admin BASE+90
PORTS=(18201 18202 18203)
LB_PORT=18300
PG=${PANJERE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
REDIS=${PANJERE_BENCH_REDIS:-redis://127.0.0.1:6379}
WORK=$(mktemp -d)
DB="panjere_bench_$$"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "==> installing $2 (apt-get)"; apt-get install -y "$2" >/dev/null; }; }
need wrk wrk
need haproxy haproxy

echo "==> building the server and the simulated agencies (release)"
cargo build --release -q -p panjere-server -p panjere-agencies --bin panjere --bin panjere-agencies

echo "==> starting the simulated agencies"
./target/release/panjere-agencies --base-port $((BASE + 1)) --admin-port $((BASE + 90)) > "$WORK/agencies.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "AGENCIES READY" "$WORK/agencies.log" && break; sleep 0.2; done
AGENCY_ENV=()
while read -r _ id url; do
    AGENCY_ENV+=("PANJERE_AGENCY_$(tr 'a-z-' 'A-Z_' <<<"$id")_URL=$url")
done < <(grep '^AGENCY ' "$WORK/agencies.log")
SMS_URL=$(grep '^AGENCY sms ' "$WORK/agencies.log" | awk '{print $3}')

psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null

# start_instance NAME PORT [extra env...]
start_instance() {
    local name=$1 port=$2; shift 2
    env "${AGENCY_ENV[@]}" PANJERE_PORT="$port" PANJERE_INSTANCE="$name" PANJERE_DATA_DIR="$WORK/$name" \
        PANJERE_LOG=warn PANJERE_LOG_FORMAT=json PANJERE_DIST="$WORK/no-client" PANJERE_WORKERS=1 \
        PANJERE_CONFIG="$WORK/panjere.toml" "$@" ./target/release/panjere > "$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && return; sleep 0.2; done
    echo "instance $name did not start: $(tail -5 "$WORK/$name.log")"; exit 1
}
# The benchmark signs in from one address many times over: a roomy limit.
printf '[auth]\naddress_limit = 100000\n' > "$WORK/panjere.toml"
SHARED=(PANJERE_DATABASE_URL="$PG/$DB" PANJERE_REDIS_URL="$REDIS" PANJERE_REDIS_PREFIX="panjere-bench-$$:" PANJERE_TRUST_FORWARDED=true)

start_balancer() { # servers...
    local cfg="$WORK/haproxy.cfg"
    sed -n '1,/^    # servers$/p' deploy/haproxy.cfg | sed "s/bind 127.0.0.1:8080/bind 127.0.0.1:$LB_PORT/" > "$cfg"
    local i=1
    for port in "$@"; do echo "    server panjere-$i 127.0.0.1:$port" >> "$cfg"; i=$((i + 1)); done
    haproxy -db -f "$cfg" > "$WORK/haproxy.log" 2>&1 &
    LB_PID=$!
    PIDS+=($LB_PID)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$LB_PORT/api/health" >/dev/null && return; sleep 0.1; done
}

# sign_in URL: a session cookie (the one-time code read from the SMS
# simulator's outbox).
sign_in() {
    local url=$1 jar="$WORK/jar.$RANDOM"
    curl -sf -c "$jar" -H 'Content-Type: application/json' -H "Origin: $url" \
        -d '{"national_code":"0076229645","mobile":"09121111111"}' "$url/api/auth/start" >/dev/null
    local code
    code=$(curl -sf -H 'Authorization: Bearer dev-sms-key' "$SMS_URL/outbox?mobile=09121111111" |
        python3 -c 'import json,re,sys; print(re.search(r"\d{6}", json.load(sys.stdin)["items"][0]["text"]).group())')
    curl -sf -b "$jar" -c "$jar" -H 'Content-Type: application/json' -H "Origin: $url" \
        -d "{\"code\":\"$code\"}" "$url/api/auth/verify" >/dev/null
    awk '$6 ~ /panjere/ {print $6 "=" $7}' "$jar"
}

ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
store_pids() { pgrep -f "postgres: .*$DB|redis-server" | tr '\n' ' '; }
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000 } }'; }

cat > "$WORK/inquiry.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"values":{}}'
wrk.headers["Content-Type"] = "application/json"
LUA

# measure SETUP KIND URL INSTANCE_PIDS...
measure() {
    local setup=$1 kind=$2 url=$3; shift 3
    local cookie path args=()
    case $kind in
        catalog) path="/api/catalog/services" ;;
        inquiry) path="/api/services/tax-clearance/inquiry"; cookie=$(sign_in "$url")
                 args=(-s "$WORK/inquiry.lua" -H "Cookie: $cookie" -H "Origin: $url") ;;
    esac
    local lb=${LB_PID:-}
    local i0 s0 l0 out i1 s1 l1
    # shellcheck disable=SC2046
    i0=$(ticks "$@"); s0=$(ticks $(store_pids)); l0=$(ticks $lb)
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "${args[@]}" "$url$path")
    # (database connections opened during the run count whole)
    # shellcheck disable=SC2046
    i1=$(ticks "$@"); s1=$(ticks $(store_pids)); l1=$(ticks $lb)
    local rps p50 p99 n errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); errors=${errors:-0}
    per() { awk -v d="$1" -v n="$n" -v hz="$HZ" 'BEGIN { printf "%.0f", d / hz * 1e6 / n }'; }
    printf "%-7s %-8s %10s %8s %8s %7s %12s %12s %10s\n" "$setup" "$kind" "$rps" "$p50" "$p99" "$errors" \
        "$(per $((i1 - i0)))" "$(per $((s1 - s0)))" "$(per $((l1 - l0)))"
}

echo
echo "==> wrk -t2 -c$CONNS -d${SECS}s on $(nproc) cores (everything shares them)"
printf "%-7s %-8s %10s %8s %8s %7s %12s %12s %10s\n" setup request "req/s" "p50 ms" "p99 ms" non-2xx "instance us" "pg+redis us" "haproxy us"

start_instance sqlite "${PORTS[0]}"
SQLITE_PID=${PIDS[-1]}
measure sqlite catalog "http://127.0.0.1:${PORTS[0]}" "$SQLITE_PID"
measure sqlite inquiry "http://127.0.0.1:${PORTS[0]}" "$SQLITE_PID"
kill "$SQLITE_PID"; sleep 1

start_instance panjere-1 "${PORTS[0]}" "${SHARED[@]}"
P1=${PIDS[-1]}
measure pg1 catalog "http://127.0.0.1:${PORTS[0]}" "$P1"
measure pg1 inquiry "http://127.0.0.1:${PORTS[0]}" "$P1"

start_balancer "${PORTS[0]}"
measure lb1 catalog "http://127.0.0.1:$LB_PORT" "$P1"
measure lb1 inquiry "http://127.0.0.1:$LB_PORT" "$P1"
kill "$LB_PID"; sleep 0.5

start_instance panjere-2 "${PORTS[1]}" "${SHARED[@]}"
P2=${PIDS[-1]}
start_instance panjere-3 "${PORTS[2]}" "${SHARED[@]}"
P3=${PIDS[-1]}
start_balancer "${PORTS[@]}"
measure lb3 catalog "http://127.0.0.1:$LB_PORT" "$P1" "$P2" "$P3"
measure lb3 inquiry "http://127.0.0.1:$LB_PORT" "$P1" "$P2" "$P3"
echo "(CPU: microseconds of CPU time per request, user + system; instance = every Panjere process together)"
