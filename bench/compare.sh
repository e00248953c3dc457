#!/usr/bin/env bash
# Performance comparisons on this machine, loopback only.
#
#   bench/compare.sh                 # every section
#   bench/compare.sh pubsub          # only `mqtt pub -l`/`mqtt sub` vs mosquitto_pub/mosquitto_sub
#   bench/compare.sh bench           # only the `mqtt bench` section
#   bench/compare.sh core            # the figures a change to the client core must keep
#   bench/compare.sh rr              # `mqtt rr` vs mosquitto_rr, and pipelined rr/reply
#   bench/compare.sh codecs          # `sub --payload sparkplug` vs `--payload base64`
#   bench/compare.sh replay          # `pub --replay` timing error at 1,000 msg/s
#   bench/compare.sh bridge          # `mqtt bridge` vs `mqtt sub | mqtt pub --jsonl`
#   bench/compare.sh ls              # `mqtt ls` on a 100,000 msg/s firehose
#   TRIALS=5 bench/compare.sh bench  # more trials (the cores may be shared with other work)
#   BROKER_EXTRA='max_inflight_messages 1000' bench/compare.sh bridge   # extra broker settings
#
# Each section is a function named section_<name>; add new comparisons as new sections.
# Needs mosquitto and python3. Uses target/release/mqtt (built when missing) or $MQTT_BIN.
# Every broker is started here on 127.0.0.1 with `max_queued_messages 0` (counts must hold) and
# `set_tcp_nodelay true` (otherwise Nagle's algorithm delays its acknowledgements by ~2 ms).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/mqtt-compare.XXXXXX)"
chmod 755 "$WORK"
TRIALS="${TRIALS:-3}"
MQTT="${MQTT_BIN:-}"
BROKERS=()

cleanup() {
    [ -n "${broker_pid:-}" ] && kill "$broker_pid" 2>/dev/null || true
    for pid in "${BROKERS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

need_binary() {
    if [ -z "$MQTT" ]; then
        MQTT="${CARGO_TARGET_DIR:-$ROOT/target}/release/mqtt"
        (cd "$ROOT" && cargo build --release --quiet)
    fi
    [ -x "$MQTT" ] || { echo "no mqtt binary at $MQTT" >&2; exit 1; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_broker PORT: a mosquitto on 127.0.0.1:PORT; prints its pid.
start_broker() {
    local port=$1 conf="$WORK/mosquitto-$1.conf"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nset_tcp_nodelay true\nlog_dest none\n' \
        "$port" > "$conf"
    # BROKER_EXTRA: more lines for every broker's configuration (e.g. 'max_inflight_messages 1000').
    [ -n "${BROKER_EXTRA:-}" ] && printf '%b\n' "$BROKER_EXTRA" >> "$conf"
    chmod 644 "$conf"
    mosquitto -c "$conf" >/dev/null 2>&1 &
    local pid=$!
    BROKERS+=("$pid")
    for _ in $(seq 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2).close()" 2>/dev/null && break
        sleep 0.05
    done
    echo "$pid"
}

stop_broker() {
    kill "$1" 2>/dev/null || true
    while kill -0 "$1" 2>/dev/null; do sleep 0.02; done
}

# CPU ticks (user + system) of a process, and of the whole machine (busy, all cores).
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# run_bench LABEL mqtt-bench-args...: one row of the results table, against a fresh broker
# (on $PORT, which the arguments name), so that no run inherits another's backlog.
# msg/s is what the subscriber received per second when there is one, else what was published
# (acknowledged at QoS 1/2). CPU figures are over the whole run, in % of one core.
run_bench() {
    local label=$1 bpid
    shift
    bpid=$(start_broker "$PORT")
    local json="$WORK/run.json" hz
    hz=$(getconf CLK_TCK)
    local b0 m0 t0 b1 m1 t1
    b0=$(proc_ticks "$bpid"); m0=$(busy_ticks); t0=$(date +%s.%N)
    "$MQTT" bench "$@" --no-progress --json "$json" >/dev/null 2>"$WORK/run.err" || {
        echo "| $label | failed: $(tail -1 "$WORK/run.err") |"
        stop_broker "$bpid"
        return 0
    }
    b1=$(proc_ticks "$bpid"); m1=$(busy_ticks); t1=$(date +%s.%N)
    stop_broker "$bpid"
    python3 - "$json" "$label" "$hz" "$b0" "$b1" "$m0" "$m1" "$t0" "$t1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
label = sys.argv[2]
hz, b0, b1, m0, m1, t0, t1 = map(float, sys.argv[3:])
wall = t1 - t0
broker = (b1 - b0) / hz / wall * 100
mine = d["cpu"]["user_s"] + d["cpu"]["system_s"]
mqtt = mine / wall * 100
others = max(0.0, (m1 - m0) / hz / wall * 100 - broker - mqtt)
tp = d["throughput"]
rate = tp["received_per_s"] if d["subscribers"] else (tp["acked_per_s"] if d["qos"] else tp["sent_per_s"])
msgs = d["sent"] + d["received"]
per_msg = mine * 1e6 / msgs if msgs else 0
e2e = d["latency_us"].get("end_to_end", {})
notes = ", ".join(f"{k} {v}" for k, v in {**d["errors"], **d["connect_failures"]}.items())
ratio = mqtt / broker if broker else 0
print(f"| {label} | {rate:,.0f} | {d['lost']:,} | {e2e.get('p50', '-')} | {e2e.get('p99', '-')} "
      f"| {broker:.0f}% | {mqtt:.0f}% | {ratio:.3f} | {per_msg:.2f} | {others:.0f}% |" + (f" {notes} |" if notes else ""))
EOF
}

table_header() {
    echo
    echo "| run | msg/s | lost | e2e p50 µs | e2e p99 µs | broker CPU | mqtt CPU | mqtt/broker | mqtt CPU µs/msg | other CPU |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
}

# A raw round trip through the broker: one connection publishes at QoS 0 to a topic it is
# subscribed to and waits for the message, 2000 times, with plain sockets (MQTT 3.1.1);
# back to back ("hot"), or paced at 1,000 per second like the bench run ("paced").
raw_round_trip() {
    python3 - "$@" <<'EOF'
import socket, struct, sys, time
port = int(sys.argv[1]); paced = len(sys.argv) > 2
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
def packet(first, body):
    n, rl = len(body), b""
    while True:
        b = n % 128; n //= 128
        rl += bytes([b | (128 if n else 0)])
        if not n: break
    return bytes([first]) + rl + body
def string(x): return struct.pack(">H", len(x)) + x
def read_packet():
    first = s.recv(1); mult, n = 1, 0
    while True:
        b = s.recv(1)[0]; n += (b & 127) * mult; mult *= 128
        if b < 128: break
    body = b""
    while len(body) < n: body += s.recv(n - len(body))
    return first[0], body
s.sendall(packet(0x10, string(b"MQTT") + bytes([4, 2]) + struct.pack(">H", 60) + string(b"rtt-probe"))); read_packet()
s.sendall(packet(0x82, struct.pack(">H", 1) + string(b"rtt/probe") + b"\x00")); read_packet()
msg = packet(0x30, string(b"rtt/probe") + b"x" * 64)
times = []; nxt = time.perf_counter_ns()
for i in range(2200):
    if paced:
        nxt += 1_000_000
        while time.perf_counter_ns() < nxt - 300_000: time.sleep(0.0002)
        while time.perf_counter_ns() < nxt: pass
    t = time.perf_counter_ns(); s.sendall(msg); read_packet()
    if i >= 200: times.append((time.perf_counter_ns() - t) / 1000)
times.sort(); print(f"p50 {times[len(times)//2]:.0f} p90 {times[int(len(times)*0.9)]:.0f} p99 {times[int(len(times)*0.99)]:.0f}")
EOF
}

section_bench() {
    need_binary
    echo "## mqtt bench ($(nproc) cores, $(mosquitto -h 2>/dev/null | head -1 | awk '{print $1, $2, $3}'))"
    PORT=$(free_port)
    local h=(-h 127.0.0.1 -p "$PORT")

    echo
    echo "### Saturation: 10 publishers and 1 subscriber in one process, 64-byte payloads"
    echo "Offered rate stepped up until the subscriber no longer receives it, then as fast as"
    echo "mosquitto takes it (QoS 1: 32 in flight per publisher, capped by mosquitto's receive"
    echo "maximum of 20; QoS 0: at most 1,024 messages per publisher not yet confirmed by a PINGRESP)."
    table_header
    local qos rate
    for qos in 0 1; do
        for rate in 20000 40000 60000 80000 100000; do
            if [ "$qos" = 1 ] && [ "$rate" -gt 60000 ]; then continue; fi
            run_bench "pubsub q$qos --rate $rate" pubsub "${h[@]}" -c 10 -q "$qos" -s 64 --rate "$rate" --duration 5s --warmup 1s
        done
        for _ in $(seq "$TRIALS"); do
            run_bench "pubsub q$qos as fast as possible" pubsub "${h[@]}" -c 10 -q "$qos" -s 64 --duration 5s --warmup 1s
        done
    done

    echo
    echo "### Equal connection counts with the MQTTX CLI's figures (publishers and 1 subscriber)"
    table_header
    local c
    for c in "10 0" "100 0" "100 1"; do
        set -- $c
        for _ in $(seq "$TRIALS"); do
            run_bench "pubsub -c $1 q$2" pubsub "${h[@]}" -c "$1" -q "$2" -s 64 --duration 5s --warmup 1s
        done
    done
    echo
    echo "Publishing only (msg/s = confirmed by the broker: PUBACK at QoS 1, PINGRESP at QoS 0):"
    table_header
    for c in "10 0" "100 0" "100 1"; do
        set -- $c
        for _ in $(seq "$TRIALS"); do
            run_bench "pub -c $1 q$2" pub "${h[@]}" -c "$1" -q "$2" -s 64 --duration 5s --warmup 1s
        done
    done

    echo
    echo "### Latency at 1,000 msg/s against a raw round trip"
    local bpid
    bpid=$(start_broker "$PORT")
    echo
    echo "raw loopback round trip through the broker (python sockets, QoS 0, 64 bytes), in µs:"
    echo "back to back: $(raw_round_trip "$PORT"); paced at 1,000/s: $(raw_round_trip "$PORT" paced)"
    stop_broker "$bpid"
    table_header
    for _ in $(seq "$TRIALS"); do
        run_bench "pubsub -c 1 --rate 1000 q0" pubsub "${h[@]}" -c 1 -q 0 -s 64 --rate 1000 --duration 5s --warmup 1s
        run_bench "pubsub -c 10 --rate 1000 q1" pubsub "${h[@]}" -c 10 -q 1 -s 64 --rate 1000 --duration 5s --warmup 1s
    done

    echo
    echo "### Connections"
    echo
    conn_idle 19500
    local ports=() pids=() hosts="" k
    for k in 0 1 2; do
        ports+=("$(free_port)")
        pids+=("$(start_broker "${ports[$k]}")")
        hosts="$hosts${hosts:+,}127.0.0.1:${ports[$k]}"
    done
    local runs=()
    for k in 0 1 2; do
        "$MQTT" bench conn -h "$hosts" -c 50000 --shard "$k/3" --connect-rate 4000 \
            --source-ip "127.0.0.$((k * 4 + 1))-127.0.0.$((k * 4 + 4))" --duration 10s --no-progress \
            --json "$WORK/shard$k.json" >/dev/null 2>"$WORK/shard$k.err" &
        runs+=($!)
    done
    for k in 0 1 2; do wait "${runs[$k]}" || true; done
    "$MQTT" bench merge "$WORK"/shard{0,1,2}.json > "$WORK/merged.json"
    for k in 0 1 2; do stop_broker "${pids[$k]}"; done
    python3 - "$WORK/merged.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"three --shard processes, three mosquittos: {d['connected']:,} of {d['clients']:,} connected, "
      f"{d['connect_failed']} failed, peak RSS {d['peak_rss_bytes']/2**20:.1f} MiB in all = "
      f"{d['peak_rss_bytes']/max(1,d['connected'])/1024:.2f} KiB per connection, "
      f"connect p50 {d['latency_us']['connect']['p50']} µs")
EOF
}

# conn_idle N: N idle connections in one process against one mosquitto: KiB per connection.
conn_idle() {
    local bpid
    bpid=$(start_broker "$PORT")
    "$MQTT" bench conn -h 127.0.0.1 -p "$PORT" -c "$1" --source-ip 127.0.0.1-127.0.0.4 --duration 5s \
        --no-progress --json "$WORK/conn.json" >/dev/null 2>"$WORK/conn.err" || true
    stop_broker "$bpid"
    python3 - "$WORK/conn.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"one process, one mosquitto: {d['connected']:,} of {d['clients']:,} connected, "
      f"{d['connect_failed']} failed, peak RSS {d['peak_rss_bytes']/2**20:.1f} MiB = "
      f"{d['peak_rss_bytes']/max(1,d['connected'])/1024:.2f} KiB per connection")
EOF
}

# The start-up time of `mqtt --version`: median and 90th percentile wall time of 200 runs.
startup() {
    python3 - "$MQTT" <<'EOF'
import subprocess, sys, time
t = []
for _ in range(200):
    a = time.perf_counter(); subprocess.run([sys.argv[1], "--version"], stdout=subprocess.DEVNULL); t.append(time.perf_counter() - a)
t.sort(); print(f"mqtt --version: median {t[100]*1000:.2f} ms, p90 {t[180]*1000:.2f} ms (200 runs)")
EOF
}

# The figures a change to the client core must keep (issue #11): the flood at QoS 0 and 1 and
# mqtt's CPU as a share of the broker's, latency at 1,000 msg/s, idle connections, start-up.
# (`pub -l` and `sub` against mosquitto's clients: section pubsub.)
section_core() {
    need_binary
    echo "## core figures: $MQTT"
    PORT=$(free_port)
    local h=(-h 127.0.0.1 -p "$PORT") qos
    table_header
    for qos in 0 1; do
        for _ in $(seq "$TRIALS"); do
            run_bench "pubsub -c 10 q$qos as fast as possible" pubsub "${h[@]}" -c 10 -q "$qos" -s 64 --duration 5s --warmup 1s
        done
    done
    for _ in $(seq "$TRIALS"); do
        run_bench "pubsub -c 1 --rate 1000 q0" pubsub "${h[@]}" -c 1 -q 0 -s 64 --rate 1000 --duration 5s --warmup 1s
    done
    echo
    conn_idle 19500
    startup
}

# The pub/sub comparison lives in its own file.
# shellcheck source=bench/pubsub.sh
source "$ROOT/bench/pubsub.sh"
# Request/response: `mqtt rr` against mosquitto_rr, and pipelined.
# shellcheck source=bench/rr.sh
source "$ROOT/bench/rr.sh"
# Payload codecs: Sparkplug B decoding against base64 on the same stream.
# shellcheck source=bench/codecs.sh
source "$ROOT/bench/codecs.sh"
# Replay: `pub --jsonl --replay` timing error at 1,000 msg/s.
# shellcheck source=bench/replay.sh
source "$ROOT/bench/replay.sh"
# Bridge and ls: `mqtt bridge` against a sub | pub pipe, `mqtt ls`'s CPU on a firehose.
# shellcheck source=bench/bridge.sh
source "$ROOT/bench/bridge.sh"

main() {
    local sections=("$@")
    if [ ${#sections[@]} -eq 0 ]; then
        sections=($(declare -F | awk '{print $3}' | sed -n 's/^section_//p'))
    fi
    for s in "${sections[@]}"; do
        "section_$s"
    done
}

main "$@"
