#!/usr/bin/env bash
# Compare `mqtt` with mosquitto's own clients against one local mosquitto, in one run.
#
#   bench/compare.sh            # pub and sub comparisons (and bench, when present)
#   bench/compare.sh pubsub     # only `mqtt pub -l` vs `mosquitto_pub -l`, `mqtt sub` vs `mosquitto_sub -F %j`
#   N=50000 bench/compare.sh    # fewer messages
#
# Needs: mosquitto, mosquitto-clients, GNU time (/usr/bin/time), a release build (built here).
# Figures: end-to-end messages per second (first publish to last message received) and the
# client's CPU seconds (user + system) from /usr/bin/time, with mqtt/mosquitto ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"

N=${N:-200000}
MQTT=${MQTT:-target/release/mqtt}
WHAT=${1:-all}
TIMEOUT=${TIMEOUT:-120}

for tool in mosquitto mosquitto_pub mosquitto_sub /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install mosquitto mosquitto-clients time)" >&2; exit 1; }
done
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet

work=$(mktemp -d)
chmod 755 "$work"
broker_pid=""
cleanup() {
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# mosquitto with its queue limits raised, so that no message is dropped for being counted.
start_broker() {
    PORT=$(free_port)
    cat >"$work/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
set_tcp_nodelay true
CONF
    chmod 644 "$work/mosquitto.conf"
    mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
    broker_pid=$!
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "mosquitto did not start: $(cat "$work/mosquitto.log")" >&2
    exit 1
}

now() { date +%s.%N; }

# Neither subscriber says when its SUBSCRIBE is acknowledged: give it a moment.
settle() { sleep 0.5; }

lines_file="$work/lines"
python3 -c "
import sys
with open('$lines_file', 'w') as f:
    for i in range($N):
        f.write('message %08d payload-payload-payload\n' % i)
"
# mosquitto_pub -l loses messages past 65,535 at QoS 1/2 (its packet ids wrap), so QoS 1/2 are
# also compared on a run it survives.
SMALL=${SMALL:-60000}
small_file="$work/lines.small"
head -n "$SMALL" "$lines_file" >"$small_file"

results="$work/results"
: >"$results"

# row CLIENT DIRECTION QOS RECEIVED SECONDS CPU
row() {
    printf '%s %s %s %s %s %s\n' "$@" >>"$results"
}

# pub CLIENT QOS [LINES COUNT LABEL]: CLIENT publishes the lines, mosquitto_sub counts them.
pub_case() {
    local client=$1 qos=$2 file=${3:-$lines_file} count=${4:-$N} label=${5:-pub} topic="cmp/pub/$1/$2"
    timeout "$TIMEOUT" mosquitto_sub -p "$PORT" -t "$topic" -q "$qos" -C "$count" >"$work/sub.out" 2>/dev/null &
    local sub=$!
    settle
    local t0
    t0=$(now)
    case $client in
        mqtt) /usr/bin/time -f '%U %S' -o "$work/time" "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l --no-output <"$file" ;;
        mosquitto) /usr/bin/time -f '%U %S' -o "$work/time" mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l <"$file" ;;
    esac
    wait "$sub" || true
    local t1
    t1=$(now)
    local got cpu
    got=$(wc -l <"$work/sub.out")
    cpu=$(awk '{print $1 + $2}' "$work/time")
    row "$client" "$label" "$qos" "$got" "$(echo "$t1 - $t0" | bc -l)" "$cpu"
}

# sub CLIENT QOS: `mqtt pub -l` publishes N lines, CLIENT receives them as JSON lines.
sub_case() {
    local client=$1 qos=$2 topic="cmp/sub/$1/$2"
    case $client in
        mqtt) /usr/bin/time -f '%U %S' -o "$work/time" timeout "$TIMEOUT" "$MQTT" sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -C "$N" >"$work/sub.out" 2>/dev/null & ;;
        mosquitto) /usr/bin/time -f '%U %S' -o "$work/time" timeout "$TIMEOUT" mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -C "$N" -F %j >"$work/sub.out" 2>/dev/null & ;;
    esac
    local sub=$!
    settle
    local t0
    t0=$(now)
    "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l --no-output <"$lines_file"
    wait "$sub" || true
    local t1
    t1=$(now)
    local got cpu
    got=$(wc -l <"$work/sub.out")
    cpu=$(awk '{print $1 + $2}' "$work/time")
    row "$client" sub "$qos" "$got" "$(echo "$t1 - $t0" | bc -l)" "$cpu"
}

report() {
    echo
    printf '%-10s %-9s %-4s %9s %9s %10s %8s %12s\n' client run qos received seconds msg/s cpu_s cpu_us/msg
    while read -r client dir qos got secs cpu; do
        awk -v c="$client" -v d="$dir" -v q="$qos" -v g="$got" -v s="$secs" -v u="$cpu" 'BEGIN {
            printf "%-10s %-9s %-4s %9d %9.2f %10.0f %8.2f %12.2f\n", c, d, q, g, s, g / s, u, (g > 0 ? u * 1e6 / g : 0) }'
    done <"$results"
    echo
    echo "ratios mqtt/mosquitto (throughput higher is better; CPU per message lower is better):"
    awk '
        { key = $2 " qos" $3; rate = $4 / $5; cpu = ($4 > 0 ? $6 / $4 : 0)
          if ($1 == "mqtt") { mr[key] = rate; mc[key] = cpu } else { or[key] = rate; oc[key] = cpu } }
        END { for (k in mr) if (k in or)
                printf "  %-14s throughput x%.2f   cpu/msg x%.2f\n", k, mr[k] / or[k], (oc[k] > 0 ? mc[k] / oc[k] : 0) }
    ' "$results" | sort
}

pubsub_section() {
    echo "== pub and sub: $N messages of $(head -1 "$lines_file" | wc -c) bytes, mosquitto $(mosquitto -h | head -1 | awk '{print $3}')"
    start_broker
    for qos in 0 1 2; do
        for client in mqtt mosquitto; do
            pub_case "$client" "$qos"
        done
    done
    for qos in 1 2; do
        for client in mqtt mosquitto; do
            pub_case "$client" "$qos" "$small_file" "$SMALL" "pub${SMALL}"
        done
    done
    for qos in 0 1 2; do
        for client in mqtt mosquitto; do
            sub_case "$client" "$qos"
        done
    done
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
    report
}

case $WHAT in
    pubsub) pubsub_section ;;
    all)
        pubsub_section
        if declare -F bench_section >/dev/null; then bench_section; fi
        ;;
    *) echo "usage: $0 [all|pubsub]" >&2; exit 2 ;;
esac
