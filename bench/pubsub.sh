# `mqtt pub -l` vs `mosquitto_pub -l` and `mqtt sub` vs `mosquitto_sub -F %j`: sourced by
# bench/compare.sh, which provides WORK, MQTT (need_binary) and free_port.
#
# N messages (default 200,000) of 42 bytes through one mosquitto with its queue limits raised;
# figures are end to end (first publish to last message received) and the client's CPU seconds
# (user + system, from /usr/bin/time).
N=${N:-200000}
TIMEOUT=${TIMEOUT:-120}
broker_pid=""

# mosquitto with its queue limits raised, so that no message is dropped for being counted.
ps_start_broker() {
    PORT=$(free_port)
    cat >"$WORK/pubsub/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
set_tcp_nodelay true
CONF
    chmod 644 "$WORK/pubsub/mosquitto.conf"
    mosquitto -c "$WORK/pubsub/mosquitto.conf" >"$WORK/pubsub/mosquitto.log" 2>&1 &
    broker_pid=$!
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "mosquitto did not start: $(cat "$WORK/pubsub/mosquitto.log")" >&2
    exit 1
}

ps_now() { date +%s.%N; }

# wait_quiet PID FILE: wait for the subscriber PID, but stop it once FILE has not grown for 3 s
# after the publisher is done (mosquitto_pub -l at QoS 1/2 loses messages, and waiting for them
# would take the whole TIMEOUT).
wait_quiet() {
    local pid=$1 file=$2 last=-1 now quiet=0
    while kill -0 "$pid" 2>/dev/null; do
        now=$(stat -c %s "$file" 2>/dev/null || echo 0)
        if [ "$now" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; last=$now; fi
        if [ "$quiet" -ge 30 ]; then kill "$pid" 2>/dev/null || true; break; fi
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
}

# Neither subscriber says when its SUBSCRIBE is acknowledged: give it a moment.
ps_settle() { sleep 0.5; }

# mosquitto_pub -l loses messages past 65,535 at QoS 1/2 (its packet ids wrap), so QoS 1/2 are
# also compared on SMALL lines, a run it survives.
ps_make_lines() {
    lines_file="$WORK/pubsub/lines"
    python3 -c "
with open('$lines_file', 'w') as f:
    for i in range($N):
        f.write('message %08d payload-payload-payload\n' % i)
"
    SMALL=${SMALL:-60000}
    small_file="$WORK/pubsub/lines.small"
    head -n "$SMALL" "$lines_file" >"$small_file"
    results="$WORK/pubsub/results"
    : >"$results"
}

# ps_row CLIENT DIRECTION QOS RECEIVED SECONDS CPU
ps_row() {
    printf '%s %s %s %s %s %s\n' "$@" >>"$results"
}

# pub CLIENT QOS [LINES COUNT LABEL]: CLIENT publishes the lines, mosquitto_sub counts them.
pub_case() {
    local client=$1 qos=$2 file=${3:-$lines_file} count=${4:-$N} label=${5:-pub} topic="cmp/pub/$1/$2"
    timeout "$TIMEOUT" mosquitto_sub -p "$PORT" -t "$topic" -q "$qos" -C "$count" >"$WORK/pubsub/sub.out" 2>/dev/null &
    local sub=$!
    ps_settle
    local t0
    t0=$(ps_now)
    case $client in
        mqtt) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l --no-output <"$file" ;;
        mosquitto) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l <"$file" ;;
    esac
    wait_quiet "$sub" "$WORK/pubsub/sub.out"
    local t1
    t1=$(ps_now)
    local got cpu
    got=$(wc -l <"$WORK/pubsub/sub.out")
    cpu=$(awk '{print $1 + $2}' "$WORK/pubsub/time")
    # A run that lost messages has no meaningful end time.
    if [ "$got" -lt "$count" ]; then t1=$t0; fi
    ps_row "$client" "$label" "$qos" "$got" "$(echo "$t1 - $t0" | bc -l)" "$cpu"
}

# pubonly CLIENT QOS: CLIENT publishes SMALL lines with no subscriber; seconds until it exits
# (mqtt exits after the last acknowledgement; mosquitto_pub when it thinks it is done).
pubonly_case() {
    local client=$1 qos=$2 topic="cmp/pubonly/$1/$2" t0 t1 cpu
    t0=$(ps_now)
    case $client in
        mqtt) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l --no-output <"$small_file" ;;
        mosquitto) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l <"$small_file" ;;
    esac
    t1=$(ps_now)
    cpu=$(awk '{print $1 + $2}' "$WORK/pubsub/time")
    ps_row "$client" "pubonly" "$qos" "$SMALL" "$(echo "$t1 - $t0" | bc -l)" "$cpu"
}

# sub CLIENT QOS: `mqtt pub -l` publishes N lines, CLIENT receives them as JSON lines.
sub_case() {
    local client=$1 qos=$2 topic="cmp/sub/$1/$2"
    case $client in
        mqtt) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" timeout "$TIMEOUT" "$MQTT" sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -C "$N" >"$WORK/pubsub/sub.out" 2>/dev/null & ;;
        mosquitto) /usr/bin/time -f '%U %S' -o "$WORK/pubsub/time" timeout "$TIMEOUT" mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -C "$N" -F %j >"$WORK/pubsub/sub.out" 2>/dev/null & ;;
    esac
    local sub=$!
    ps_settle
    local t0
    t0=$(ps_now)
    "$MQTT" pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l --no-output <"$lines_file"
    wait "$sub" || true
    local t1
    t1=$(ps_now)
    local got cpu
    got=$(wc -l <"$WORK/pubsub/sub.out")
    cpu=$(awk '{print $1 + $2}' "$WORK/pubsub/time")
    ps_row "$client" sub "$qos" "$got" "$(echo "$t1 - $t0" | bc -l)" "$cpu"
}

ps_report() {
    echo
    printf '%-10s %-9s %-4s %9s %9s %10s %8s %12s\n' client run qos received seconds msg/s cpu_s cpu_us/msg
    while read -r client dir qos got secs cpu; do
        awk -v c="$client" -v d="$dir" -v q="$qos" -v g="$got" -v s="$secs" -v u="$cpu" 'BEGIN {
            r = (s > 0 ? sprintf("%.0f", g / s) : "lost")
            printf "%-10s %-9s %-4s %9d %9.2f %10s %8.2f %12.2f\n", c, d, q, g, s, r, u, (g > 0 ? u * 1e6 / g : 0) }'
    done <"$results"
    echo
    echo "ratios mqtt/mosquitto over all trials (throughput higher is better; CPU per message lower"
    echo "is better; runs that lost messages are left out of the throughput):"
    awk '
        { key = $2 " qos" $3; who = ($1 == "mqtt" ? "m" : "o")
          if ($5 > 0) { got[who, key] += $4; secs[who, key] += $5 }
          cpu[who, key] += $6; all[who, key] += $4; keys[key] = 1 }
        END { for (k in keys) if (secs["m", k] > 0 && secs["o", k] > 0) {
                mr = got["m", k] / secs["m", k]; orr = got["o", k] / secs["o", k]
                mc = cpu["m", k] / all["m", k]; oc = cpu["o", k] / all["o", k]
                printf "  %-14s throughput x%.2f   cpu/msg x%.2f\n", k, mr / orr, mc / oc } }
    ' "$results" | sort
}

section_pubsub() {
    need_binary
    for tool in mosquitto_pub mosquitto_sub /usr/bin/time bc; do
        command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install mosquitto-clients time bc)" >&2; exit 1; }
    done
    mkdir -p "$WORK/pubsub" && chmod 755 "$WORK/pubsub"
    ps_make_lines
    echo "== pub and sub: $N messages of $(head -1 "$lines_file" | wc -c) bytes, mosquitto $(mosquitto -h | head -1 | awk '{print $3}')"
    ps_start_broker
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
    for qos in 1 2; do
        for client in mqtt mosquitto; do
            pubonly_case "$client" "$qos"
        done
    done
    # QoS 0 receiving varies most between runs: alternate the clients over TRIALS runs.
    local t
    for t in $(seq "${TRIALS:-3}"); do
        for client in mqtt mosquitto; do
            sub_case "$client" 0
        done
    done
    for qos in 1 2; do
        for client in mqtt mosquitto; do
            sub_case "$client" "$qos"
        done
    done
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
    ps_report
}


# `bench/compare.sh oneshot`: a one-shot `printf 'a\nb\nc\n' | mqtt pub -l -q N` against a
# mosquitto with its default settings (Nagle's algorithm on, as most brokers run), against
# mosquitto_pub the same way: median, min and max of ONESHOT_RUNS wall times in ms, run
# alternately. Before TCP_QUICKACK (ARCHITECTURE.md) mqtt's -q 1 and -q 2 took 48 ms here: the
# broker held the second acknowledgement until our delayed ACK of the first.
ONESHOT_RUNS=${ONESHOT_RUNS:-30}
section_oneshot() {
    need_binary
    mkdir -p "$WORK/oneshot"
    local port conf pid
    port=$(free_port)
    conf="$WORK/oneshot/mosquitto.conf"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n' \
        "$port" >"$conf"
    chmod 644 "$conf"
    mosquitto -c "$conf" >/dev/null 2>&1 &
    pid=$!
    BROKERS+=("$pid")
    for _ in $(seq 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2).close()" 2>/dev/null && break
        sleep 0.05
    done
    echo "## one-shot pub of 3 lines, default mosquitto (Nagle on), $ONESHOT_RUNS runs each"
    echo
    echo "| client | QoS | median ms | min | max |"
    echo "|---|---|---|---|---|"
    python3 - "$ONESHOT_RUNS" "$MQTT" "$port" <<'PY'
import subprocess, sys, time
runs, mqtt, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for qos in ["0", "1", "2"]:
    cmds = {
        "mqtt pub -l": [mqtt, "pub", "-h", "127.0.0.1", "-p", port, "-t", "o", "-l", "-q", qos,
                        "--no-output"],
        "mosquitto_pub -l": ["mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "o", "-l",
                             "-q", qos],
    }
    times = {k: [] for k in cmds}
    for _ in range(runs):
        for k, c in cmds.items():
            a = time.perf_counter()
            subprocess.run(c, input=b"a\nb\nc\n", stdout=subprocess.DEVNULL, check=True)
            times[k].append((time.perf_counter() - a) * 1000)
    for k, t in times.items():
        t.sort()
        print(f"| {k} | {qos} | {t[len(t)//2]:.1f} | {t[0]:.1f} | {t[-1]:.1f} |")
PY
    stop_broker "$pid"
    echo
}
