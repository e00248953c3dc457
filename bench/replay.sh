# `mqtt pub --jsonl --replay` timing error at 1,000 msg/s: a capture of REPLAY_N records 1 ms
# apart is replayed at --speed 1x while `mqtt sub` records what arrives. Sourced by
# bench/compare.sh, which provides WORK, MQTT (need_binary), TRIALS, free_port, start_broker
# and stop_broker.
#
# Two figures per run: the sender's (the `replayed` record: how late each message was handed
# to the session after its time) and the receiver's (each arrival's offset from the first
# arrival against its record's offset from the first record, as `sub` timestamps them:
# includes the broker and both processes' wake-ups).
REPLAY_N=${REPLAY_N:-10000}

section_replay() {
    need_binary
    local port bpid run spid
    port=$(free_port)
    python3 - "$REPLAY_N" > "$WORK/capture.jsonl" <<'PY'
import datetime, json, sys
n = int(sys.argv[1])
t0 = datetime.datetime(2026, 12, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)
for i in range(n):
    t = (t0 + datetime.timedelta(milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    print(json.dumps({"type": "message", "time": t, "topic": "replay/x", "qos": 0,
                      "retain": False, "payload": f"{i:06d}" + "x" * 94}))
PY
    echo "## pub --replay timing at 1,000 msg/s ($REPLAY_N records 1 ms apart, QoS 0, 100 B, --speed 1x)"
    echo
    echo "| run | sent | received | sender late p50 ms | p99 ms | max ms | late >1 ms | receiver error p50 ms | p99 ms | max ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for run in $(seq "$TRIALS"); do
        bpid=$(start_broker "$port")
        "$MQTT" sub -h 127.0.0.1 -p "$port" -t 'replay/#' -C "$REPLAY_N" -W 60s \
            > "$WORK/replay-sub.out" 2>"$WORK/replay-sub.err" &
        spid=$!
        sleep 0.3
        "$MQTT" pub -h 127.0.0.1 -p "$port" --jsonl --replay --no-output < "$WORK/capture.jsonl" \
            > "$WORK/replay-pub.out" 2>"$WORK/replay-pub.err" || true
        wait "$spid" || true
        python3 - "$WORK/capture.jsonl" "$WORK/replay-sub.out" "$WORK/replay-pub.out" "$run" <<'PY'
import datetime, json, sys
def t(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
cap = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
summary = [json.loads(l) for l in open(sys.argv[3]) if l.strip()][-1]
want = {c["payload"][:6]: t(c["time"]) for c in cap}
first_cap, first_got = t(cap[0]["time"]), t(got[0]["time"])
errs = sorted(abs((t(g["time"]) - first_got) - (want[g["payload"][:6]] - first_cap)) * 1000
              for g in got)
q = lambda p: errs[min(len(errs) - 1, int(p * len(errs)))]
lm = summary["lateness_ms"]
print(f"| {sys.argv[4]} | {summary['messages']:,} | {len(got):,} | {lm['p50']:.3f} | "
      f"{lm['p99']:.3f} | {lm['max']:.3f} | {summary['late']} | {q(0.5):.3f} | "
      f"{q(0.99):.3f} | {errs[-1]:.3f} |")
PY
        stop_broker "$bpid"
    done
}
