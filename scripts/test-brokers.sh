#!/usr/bin/env bash
# The MQTT brokers the integration tests run against, besides mosquitto (which .ci/run installs):
#
#   rumqttd 0.20.0    cargo install               $DIR/rumqttd/bin/rumqttd
#   amqtt 0.12.1      Python venv + pip           $DIR/amqtt/bin/amqtt
#   aedes-cli 1.0.2   npm, in a folder            $DIR/aedes/node_modules/.bin/aedes
#   RabbitMQ          apt (rabbitmq-server)       /usr/sbin/rabbitmq-server (MQTT plugin built in)
#
# DIR is ${MQTT_TEST_BROKERS:-$HOME/.cache/mqtt-test-brokers}, once per machine; the tests look
# there (tests/support/brokers.rs). Nothing is started here: each test run starts its own
# brokers on free loopback ports.
#
#   scripts/test-brokers.sh install   install what is missing (idempotent; seconds when done)
#   scripts/test-brokers.sh status    print what is installed where; exit 1 when something is not
set -euo pipefail

DIR=${MQTT_TEST_BROKERS:-$HOME/.cache/mqtt-test-brokers}
RUMQTTD_VERSION=0.20.0
AMQTT_VERSION=0.12.1
AEDES_CLI_VERSION=1.0.2

rumqttd_bin="$DIR/rumqttd/bin/rumqttd"
amqtt_bin="$DIR/amqtt/bin/amqtt"
aedes_bin="$DIR/aedes/node_modules/.bin/aedes"
# A marker written after an install completed: a half-done venv or npm folder does not count.
amqtt_done="$DIR/amqtt/.installed-$AMQTT_VERSION"
aedes_done="$DIR/aedes/.installed-$AEDES_CLI_VERSION"

export PATH="$PATH:/usr/sbin:/sbin:$HOME/.cargo/bin"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "need root to run: $*" >&2
        return 1
    fi
}

apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_rumqttd() {
    [ -x "$rumqttd_bin" ] && grep -q "\"rumqttd $RUMQTTD_VERSION " "$DIR/rumqttd/.crates.toml" 2>/dev/null
}
have_amqtt() { [ -x "$amqtt_bin" ] && [ -e "$amqtt_done" ]; }
have_aedes() { [ -x "$aedes_bin" ] && [ -e "$aedes_done" ]; }
have_rabbitmq() { [ -x /usr/sbin/rabbitmq-server ] && [ -x /usr/sbin/rabbitmqctl ]; }

# Run "$@" and print how long it took, as "<name>: <seconds> s".
timed() {
    local name=$1 start
    shift
    start=$(date +%s)
    "$@"
    echo "$name: installed in $(($(date +%s) - start)) s"
}

install_rumqttd() {
    # Not --locked: rumqttd 0.20.0's lock file does not build on current rustc.
    cargo install rumqttd --version "$RUMQTTD_VERSION" --root "$DIR/rumqttd" --quiet
}

install_amqtt() {
    rm -rf "$DIR/amqtt"
    if ! python3 -m venv "$DIR/amqtt" 2>/dev/null; then
        apt_install python3-venv
        rm -rf "$DIR/amqtt"
        python3 -m venv "$DIR/amqtt"
    fi
    "$DIR/amqtt/bin/pip" install --quiet --disable-pip-version-check "amqtt==$AMQTT_VERSION"
    touch "$amqtt_done"
}

install_aedes() {
    command -v npm >/dev/null || apt_install nodejs npm
    rm -rf "$DIR/aedes"
    mkdir -p "$DIR/aedes"
    (cd "$DIR/aedes" && npm install --silent --no-audit --no-fund --no-save "aedes-cli@$AEDES_CLI_VERSION")
    touch "$aedes_done"
}

install_rabbitmq() {
    apt_install rabbitmq-server
    # The package may start a service where an init system runs: the tests start their own
    # nodes, and a system one would only hold the default ports.
    if command -v service >/dev/null; then
        as_root service rabbitmq-server stop >/dev/null 2>&1 || true
    fi
}

install() {
    mkdir -p "$DIR"
    # One installer at a time per machine.
    exec 9>"$DIR/.lock"
    flock 9
    have_rabbitmq || timed rabbitmq install_rabbitmq
    have_amqtt || timed amqtt install_amqtt
    have_aedes || timed aedes install_aedes
    have_rumqttd || timed rumqttd install_rumqttd
    status
}

status() {
    local missing=0
    report() {
        if "$2"; then
            printf '%-9s %s\n' "$1" "$3"
        else
            printf '%-9s MISSING (scripts/test-brokers.sh install)\n' "$1"
            missing=1
        fi
    }
    report rumqttd have_rumqttd "$rumqttd_bin ($RUMQTTD_VERSION)"
    report amqtt have_amqtt "$amqtt_bin ($AMQTT_VERSION)"
    report aedes have_aedes "$aedes_bin (aedes-cli $AEDES_CLI_VERSION)"
    report rabbitmq have_rabbitmq "/usr/sbin/rabbitmq-server ($(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null || echo '?'))"
    return "$missing"
}

case "${1:-}" in
    install) install ;;
    status) status ;;
    *)
        echo "usage: $0 install|status" >&2
        exit 2
        ;;
esac
