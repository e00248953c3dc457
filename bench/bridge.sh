# `mqtt bridge` and `mqtt ls` (issue #15). Sourced by bench/compare.sh:
#   bench/compare.sh bridge   # the bridge against `mqtt sub | mqtt pub --jsonl`, QoS 0 and 1
#   bench/compare.sh ls       # `mqtt ls`'s CPU on a 100,000 msg/s firehose
# bridge: N (200,000) messages of 64 bytes published to broker A as fast as `mqtt pub --repeat`
# goes; the time is from the publish's start until a subscriber on broker B has all N. The
# broker rate is the same stream through one broker (pub to A, sub on A), for QoS 1.

# bridge_case LABEL QOS CARRIER...: one run; appends "LABEL QOS received seconds" to $results.
# CARRIER is run in the background as is (`pipe` or `bridge`), `direct` runs none.
bridge_case() {
    local label=$1 qos=$2 carrier=$3 sub_port=$PORT_B
    [ "$carrier" = direct ] && sub_port=$PORT_A
    timeout 120 "$MQTT" sub -h 127.0.0.1 -p "$sub_port" -t 'in/#' -q "$qos" -C "$N" \
        --format '{payload_size}' >"$WORK/bridge/sub.out" 2>/dev/null &
    local sub=$! cpid=""
    case $carrier in
        pipe)
            (timeout 120 "$MQTT" sub -h 127.0.0.1 -p "$PORT_A" -t 'in/#' -q "$qos" \
                | timeout 120 "$MQTT" pub -h 127.0.0.1 -p "$PORT_B" --jsonl -q "$qos" --no-output) &
            cpid=$!
            ;;
        bridge)
            timeout 120 "$MQTT" bridge --from "mqtt://127.0.0.1:$PORT_A" --to "mqtt://127.0.0.1:$PORT_B" \
                -t 'in/#' -q "$qos" --quiet 2>/dev/null &
            cpid=$!
            ;;
    esac
    sleep 0.7
    local t0 t1
    t0=$(date +%s.%N)
    "$MQTT" pub -h 127.0.0.1 -p "$PORT_A" -t in/x -q "$qos" --repeat "$N" \
        -m 0123456789012345678901234567890123456789012345678901234567890123 --no-output
    wait "$sub" || true
    t1=$(date +%s.%N)
    if [ -n "$cpid" ]; then
        pkill -P "$cpid" 2>/dev/null || true
        kill "$cpid" 2>/dev/null || true
        wait "$cpid" 2>/dev/null || true
    fi
    echo "$label $qos $(wc -l <"$WORK/bridge/sub.out") $(echo "$t1 - $t0" | bc -l)" >>"$results"
}

section_bridge() {
    need_binary
    N="${N:-200000}"
    mkdir -p "$WORK/bridge"
    PORT_A=$(free_port)
    PORT_B=$(free_port)
    start_broker "$PORT_A" >/dev/null
    start_broker "$PORT_B" >/dev/null
    results="$WORK/bridge/results"
    : >"$results"
    echo "## bridge: $N messages of 64 bytes from broker A to broker B"
    for _ in $(seq "$TRIALS"); do
        bridge_case sub-pub-jsonl 0 pipe
        bridge_case bridge 0 bridge
        bridge_case one-broker 1 direct
        bridge_case sub-pub-jsonl 1 pipe
        bridge_case bridge 1 bridge
    done
    echo
    printf '%-14s %3s %9s %9s %10s\n' carrier qos received seconds msg/s
    sort -k2,2 -k1,1 "$results" | while read -r label qos got secs; do
        awk -v l="$label" -v q="$qos" -v g="$got" -v s="$secs" \
            'BEGIN { printf "%-14s %3s %9d %9.2f %10.0f\n", l, q, g, s, g / s }'
    done
    echo
}

section_ls() {
    need_binary
    local secs=10 rate="${RATE:-100000}"
    mkdir -p "$WORK/ls"
    PORT=$(free_port)
    broker_pid=$(start_broker "$PORT")
    echo "## ls: a $rate msg/s firehose (64 bytes, 10 topics, QoS 0) for ${secs} s"
    for _ in $(seq "$TRIALS"); do
        /usr/bin/time -f '%U %S %e' -o "$WORK/ls/time" "$MQTT" ls -h 127.0.0.1 -p "$PORT" \
            --for "$((secs + 1))s" >"$WORK/ls/out" 2>/dev/null &
        local ls=$!
        sleep 0.5
        "$MQTT" bench pub -h 127.0.0.1 -p "$PORT" -c 10 -t 'fh/%i' -s 64 \
            --rate "$rate" --duration "${secs}s" >/dev/null 2>&1 || true
        wait "$ls" || true
        python3 - "$WORK/ls/time" "$WORK/ls/out" <<'PY'
import json, sys
u, s, e = map(float, open(sys.argv[1]).read().split()[:3])
summ = [json.loads(l) for l in open(sys.argv[2]) if '"ls_summary"' in l][0]
print(f"ls: {summ['messages']} messages on {summ['topics']} topics in {e:.1f} s, "
      f"cpu {u + s:.2f} s = {100 * (u + s) / e:.0f}% of a core "
      f"({1e6 * (u + s) / max(summ['messages'], 1):.2f} us/msg)")
PY
    done
    echo
}
