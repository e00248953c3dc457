# `mqtt rr` one-shot against `mosquitto_rr`, both answered by a local `mqtt reply -m ok`, and
# pipelined `mqtt rr -l` against `mqtt reply --echo`: sourced by bench/compare.sh, which
# provides WORK, MQTT (need_binary), free_port, start_broker and stop_broker.
RR_RUNS=${RR_RUNS:-40}
RR_PIPELINE=${RR_PIPELINE:-10000}

# rr_pair: RR_RUNS wall times each of `mqtt rr` and mosquitto_rr, run alternately (the
# machine's noise then falls on both alike): median, min and max in ms, and failures.
rr_pair() {
    python3 - "$RR_RUNS" "$MQTT" "$1" <<'EOF'
import subprocess, sys, time
runs, mqtt, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {
    "mqtt rr": [mqtt, "rr", "-h", "127.0.0.1", "-p", port, "-t", "rr/ok/req", "-m", "ping"],
    "mosquitto_rr": ["mosquitto_rr", "-h", "127.0.0.1", "-p", port, "-V", "5", "-t", "rr/ok/req",
                     "-e", "rr/ok/reply", "-m", "ping", "-W", "10"],
}
times = {k: [] for k in cmds}
failed = {k: 0 for k in cmds}
for _ in range(runs):
    for k, c in cmds.items():
        a = time.perf_counter()
        r = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times[k].append((time.perf_counter() - a) * 1000)
        if r.returncode != 0 or not r.stdout.strip():
            failed[k] += 1
for k, t in times.items():
    t.sort()
    print(f"| {k} | {t[len(t)//2]:.2f} | {t[0]:.2f} | {t[-1]:.2f} | {failed[k]} |")
EOF
}

section_rr() {
    need_binary
    command -v mosquitto_rr >/dev/null || { echo "missing: mosquitto_rr (apt-get install mosquitto-clients)" >&2; exit 1; }
    local port bpid rpid
    port=$(free_port)
    bpid=$(start_broker "$port")
    "$MQTT" reply -h 127.0.0.1 -p "$port" -t rr/ok/req -m ok --no-output 2>"$WORK/reply-ok.err" &
    rpid=$!
    sleep 0.3
    echo "## request/response: one-shot (one process, connect to exit), $RR_RUNS runs each, alternating"
    echo
    echo "| client | median ms | min ms | max ms | failed |"
    echo "|---|---|---|---|---|"
    rr_pair "$port"
    kill "$rpid" 2>/dev/null || true
    wait "$rpid" 2>/dev/null || true

    "$MQTT" reply -h 127.0.0.1 -p "$port" -t rr/echo/req --echo --no-output 2>"$WORK/reply-echo.err" &
    rpid=$!
    sleep 0.3
    seq "$RR_PIPELINE" > "$WORK/requests"
    echo
    echo "## pipelined: $RR_PIPELINE requests from stdin lines against reply --echo"
    echo
    echo "| run | requests | answered | wall s | pairs/s | rr CPU s |"
    echo "|---|---|---|---|---|---|"
    local inflight qos
    for qos in 0 1; do
        for inflight in 64 256; do
            local t0 t1
            t0=$(date +%s.%N)
            /usr/bin/time -f "%U %S" -o "$WORK/rr.time" "$MQTT" rr -h 127.0.0.1 -p "$port" -t rr/echo/req -l \
                -q "$qos" --max-inflight "$inflight" < "$WORK/requests" > "$WORK/rr.out" 2>"$WORK/rr.err" || true
            t1=$(date +%s.%N)
            python3 - "$WORK/rr.out" "$WORK/rr.time" "$t0" "$t1" "$RR_PIPELINE" "q$qos --max-inflight $inflight" <<'EOF'
import json, sys
out, tm, t0, t1, n, label = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
seqs = {json.loads(l).get("request_seq") for l in open(out) if l.strip()}
u, s = map(float, open(tm).read().split()[-2:])
wall = t1 - t0
print(f"| {label} | {n:,} | {len(seqs):,} | {wall:.2f} | {len(seqs)/wall:,.0f} | {u+s:.2f} |")
EOF
        done
    done
    kill "$rpid" 2>/dev/null || true
    wait "$rpid" 2>/dev/null || true
    stop_broker "$bpid"
}
