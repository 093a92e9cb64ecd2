# Shared by run.sh and profile.sh (sourced, not run): the simulated
# agencies, Panjere pointed at them, and a signed-in test citizen. The
# caller sets WORK (a scratch directory), BASE (agencies on BASE+1…, their
# admin on BASE+95) and SERVER_PORT, and keeps the PIDS array for cleanup.

# Starts the 74 simulated agencies; sets SIM_PID and POST_PORT.
start_agencies() {
    ./target/release/panjere-agencies --base-port $((BASE + 1)) --admin-port $((BASE + 95)) > "$WORK/agencies.log" 2>&1 &
    SIM_PID=$!
    PIDS+=($SIM_PID)
    POST_PORT=$((BASE + 9))
    for _ in $(seq 50); do grep -q "AGENCIES READY" "$WORK/agencies.log" && break; sleep 0.2; done
    grep -q "AGENCIES READY" "$WORK/agencies.log" || { cat "$WORK/agencies.log" >&2; exit 1; }
}

# Starts Panjere (release, request logs at warn, the audit log on) with
# every agency's URL, under the command given as arguments if any (e.g.
# valgrind); sets SERVER_PID and waits for its health check.
start_server() {
    env PANJERE_PORT=$SERVER_PORT PANJERE_DATA_DIR="$WORK/var" PANJERE_LOG=warn PANJERE_LOG_FORMAT=json ${PANJERE_WORKERS:+PANJERE_WORKERS=$PANJERE_WORKERS} \
        $(i=0; for id in $(awk '/^\[\[system\]\]/ {getline; gsub(/[" ]/, ""); sub(/^id=/, ""); print}' agencies/systems.toml); do
            i=$((i + 1)); echo "PANJERE_AGENCY_$(tr 'a-z-' 'A-Z_' <<<"$id")_URL=http://127.0.0.1:$((BASE + i))"; done) \
        "$@" ./target/release/panjere > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=($SERVER_PID)
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$SERVER_PORT/api/health" >/dev/null && return; sleep 0.2; done
    cat "$WORK/server.log" >&2
    exit 1
}

# Signs a test citizen in, the one-time code read from the SMS simulator's
# outbox; sets COOKIE (the Cookie header's value), JAR (curl's cookie
# file), SAME (curl's same-origin JSON headers) and INQUIRY_BODY.
sign_in() {
    JAR="$WORK/cookies"
    SAME=(-H "Sec-Fetch-Site: same-origin" -H "Content-Type: application/json")
    local national_code=0078912342 mobile=09129999999 started sms code=
    started=$(curl -sS --fail-with-body -c "$JAR" -b "$JAR" "${SAME[@]}" -d "{\"national_code\":\"$national_code\",\"mobile\":\"$mobile\"}" \
        "http://127.0.0.1:$SERVER_PORT/api/auth/start") || { echo "sign-in refused: $started" >&2; exit 1; }
    sms=$(curl -sf -H "Authorization: Bearer dev-admin-key" "http://127.0.0.1:$((BASE + 95))/agencies" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sms"])')
    for _ in $(seq 50); do
        code=$(curl -sf -H "Authorization: Bearer dev-sms-key" "$sms/outbox?mobile=$mobile" |
            python3 -c 'import json,re,sys; m=[re.search(r"\d{6}", i["text"]) for i in json.load(sys.stdin)["items"]]; print(next((x.group(0) for x in m if x), ""))')
        [ -n "$code" ] && break
        sleep 0.2
    done
    curl -sf -c "$JAR" -b "$JAR" "${SAME[@]}" -d "{\"code\":\"$code\"}" "http://127.0.0.1:$SERVER_PORT/api/auth/verify" >/dev/null
    # The jar marks the HttpOnly session cookie with a #HttpOnly_ prefix.
    COOKIE=$(sed 's/^#HttpOnly_//' "$JAR" | awk '!/^#/ && NF >= 7 {print $6 "=" $7}' | paste -sd';' | sed 's/;/; /g')
    INQUIRY_BODY='{"values":{"postal_code":"1314567891"}}'
}

LOOKUP_PATH="/api/lookup/post.address?postal_code=1314567891"
INQUIRY_PATH="/api/services/postal-code-address/inquiry"
