#!/usr/bin/env bash
# Build `mqtt` and run it against a local mosquitto: on a fresh Debian machine this installs
# mosquitto when it is missing and starts one on 127.0.0.1:1883 when nothing listens there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mosquitto >/dev/null && [ ! -x /usr/sbin/mosquitto ]; then
    echo "== installing mosquitto" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto >/dev/null
fi
export PATH="$PATH:/usr/sbin"

echo "== building mqtt (release)" >&2
cargo build --release --quiet
mqtt=target/release/mqtt

port=${MQTT_PORT:-1883}
broker_pid=""
if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    echo "== starting mosquitto on 127.0.0.1:$port" >&2
    conf=$(mktemp)
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$conf"
    mosquitto -c "$conf" >/dev/null 2>&1 &
    broker_pid=$!
    trap '[ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null; rm -f "$conf"' EXIT
    for _ in $(seq 50); do
        (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
        sleep 0.1
    done
fi

echo "== mqtt conn" >&2
"$mqtt" conn -h 127.0.0.1 -p "$port"

echo "== mqtt sub (in the background) and mqtt pub" >&2
"$mqtt" sub -h 127.0.0.1 -p "$port" -t 'try/#' -q 1 -C 3 -W 10s &
sub=$!
# Publish once the subscription is in place: a retained marker proves it.
sleep 0.3
printf 'hello\nfrom\nmqtt\n' | "$mqtt" pub -h 127.0.0.1 -p "$port" -t try/lines -l -q 1
wait "$sub"
echo "== done: $mqtt --help for more" >&2
