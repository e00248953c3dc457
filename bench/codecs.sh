# Payload codecs (issue #14): `mqtt sub --payload sparkplug` against `mqtt sub --payload base64`
# on the same stream: N (200,000) Sparkplug B DDATA messages of 20 metrics each, published at
# QoS 0 as fast as `mqtt pub --repeat` goes, from a payload `mqtt pub --encode sparkplug` makes.
# Sourced by bench/compare.sh: `bench/compare.sh codecs`. Reports the receive rate and the
# subscriber's CPU per message (user + system, /usr/bin/time) of each, and their ratios.

codecs_ddata() {
    python3 -c '
import json
kinds = [("Double", 21.5), ("Int32", -7), ("Boolean", True), ("Float", 3.25), ("Int64", 1700000000000)]
metrics = []
for i in range(20):
    dt, v = kinds[i % len(kinds)]
    metrics.append({"alias": i + 1, "timestamp": 1700000000000 + i, "datatype": dt, "value": v})
print(json.dumps({"timestamp": 1700000000123, "seq": 1, "metrics": metrics}))
'
}

# codecs_case FORMAT: one run; appends "FORMAT received seconds cpu_s" to $results.
codecs_case() {
    local format=$1 topic="spBv1.0/bench/DDATA/edge/dev"
    /usr/bin/time -f '%U %S' -o "$WORK/codecs/time" timeout 120 "$MQTT" sub -h 127.0.0.1 -p "$PORT" \
        -t "$topic" -C "$N" --payload "$format" >"$WORK/codecs/sub.out" 2>/dev/null &
    local sub=$!
    sleep 0.5
    local t0 t1
    t0=$(date +%s.%N)
    "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" --encode sparkplug -f "$WORK/codecs/ddata.json" \
        --repeat "$N" --no-output
    wait "$sub" || true
    t1=$(date +%s.%N)
    local got cpu
    got=$(wc -l <"$WORK/codecs/sub.out")
    cpu=$(awk '{print $1 + $2}' "$WORK/codecs/time")
    echo "$format $got $(echo "$t1 - $t0" | bc -l) $cpu" >>"$results"
}

section_codecs() {
    need_binary
    N="${N:-200000}"
    mkdir -p "$WORK/codecs"
    codecs_ddata >"$WORK/codecs/ddata.json"
    PORT=$(free_port)
    broker_pid=$(start_broker "$PORT")
    results="$WORK/codecs/results"
    : >"$results"
    local size
    size=$("$MQTT" sub -h 127.0.0.1 -p "$PORT" -t probe -C 1 --payload hex -W 5s --format '{payload_size}' &
        sleep 0.3
        "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t probe --encode sparkplug -f "$WORK/codecs/ddata.json" --no-output
        wait)
    echo "## payload codecs: sub --payload sparkplug vs base64, $N DDATA messages of 20 metrics ($size bytes), QoS 0"
    for _ in $(seq "$TRIALS"); do
        codecs_case base64
        codecs_case sparkplug
    done
    echo
    printf '%-10s %9s %9s %10s %8s %12s\n' payload received seconds msg/s cpu_s cpu_us/msg
    while read -r format got secs cpu; do
        awk -v f="$format" -v g="$got" -v s="$secs" -v u="$cpu" 'BEGIN {
            printf "%-10s %9d %9.2f %10.0f %8.2f %12.2f\n", f, g, s, (s > 0 ? g / s : 0), u, (g > 0 ? u * 1e6 / g : 0) }'
    done <"$results"
    awk -v n="$N" '
        { got[$1] += $2; secs[$1] += $3; cpu[$1] += $4; if ($2 < n) lost[$1] = 1 }
        END {
            rb = got["base64"] / secs["base64"]; rs = got["sparkplug"] / secs["sparkplug"]
            printf "\nsparkplug/base64: message rate x%.2f (target >= 0.80), CPU per message x%.2f%s\n",
                rs / rb, (cpu["sparkplug"] / got["sparkplug"]) / (cpu["base64"] / got["base64"]),
                ((lost["base64"] || lost["sparkplug"]) ? "  (a run received fewer than N: see above)" : "") }
    ' "$results"
    kill "$broker_pid" 2>/dev/null || true
    broker_pid=
}
