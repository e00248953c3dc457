#!/usr/bin/env bash
# Build the Debian package with cargo-deb, install it with dpkg -i, check it as a user would
# find it (mqtt --version, man -w mqtt-sub, bash completing `mqtt su<TAB>` to `sub`, the
# completions and docs where they belong), then remove it. Run as root (or with sudo); .ci/run
# runs it after the tests.
#
#   scripts/package-test.sh                  # the release profile, as scripts/release.sh builds
#   scripts/package-test.sh --profile dev    # reuse the test build's binary (what CI does)
set -euo pipefail

cd "$(dirname "$0")/.."

profile=release
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) profile="$2"; shift 2 ;;
        --profile=*) profile="${1#--profile=}"; shift ;;
        *) echo "usage: $0 [--profile PROFILE]" >&2; exit 2 ;;
    esac
done

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "need root to run: $*" >&2
        exit 1
    fi
}

fail() {
    echo "package-test: FAILED: $*" >&2
    exit 1
}

for tool in dpkg man bash; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install man-db for man)"
done
if dpkg-query -W -f='${Status}' mqtt 2>/dev/null | grep -q 'install ok installed'; then
    fail "a package named mqtt is installed already; this test would replace and remove it"
fi

# cargo-deb: a few minutes to compile once per machine, then cached in ~/.cargo/bin.
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install --locked cargo-deb
fi

out=target/package-test
rm -rf "$out"
mkdir -p "$out"
cargo deb --profile "$profile" --output "$out/" >/dev/null
deb=$(ls "$out"/mqtt_*.deb)
echo "built $deb ($(stat -c %s "$deb") bytes)"

cleanup() {
    as_root dpkg -r mqtt >/dev/null 2>&1 || true
}
trap cleanup EXIT
# The man pages go in even where dpkg is told to leave documentation out (slim images).
as_root dpkg -i --path-include='/usr/share/man/man1/mqtt*' \
    --path-include='/usr/share/doc/mqtt/*' "$deb"

check() {
    local what="$1"
    shift
    if "$@"; then
        echo "ok: $what"
    else
        fail "$what"
    fi
}

version=$(/usr/bin/mqtt --version)
check "mqtt --version says the package's version ($version)" \
    test "$version" = "mqtt $(dpkg-query -W -f='${Version}' mqtt | sed 's/-[^-]*$//')"
check "mqtt on PATH is the packaged one" test "$(command -v mqtt)" = /usr/bin/mqtt
man_page=$(man -w mqtt-sub)
check "man -w mqtt-sub finds the page in /usr/share/man/man1 ($man_page)" \
    test "${man_page#/usr/share/man/man1/mqtt-sub.1}" != "$man_page"
check "man mqtt-bench-pub renders" sh -c 'MANPAGER=cat man mqtt-bench-pub 2>/dev/null | grep -q -- --prometheus'

# bash -i, with the installed completion sourced, completing `mqtt su<TAB>`.
completed=$(bash --norc -i 2>/dev/null <<'EOF'
source /usr/share/bash-completion/completions/mqtt
complete -p mqtt | grep -q -- '-F _mqtt' || echo "no completion registered for mqtt"
COMP_LINE='mqtt su'
COMP_POINT=${#COMP_LINE}
COMP_WORDS=(mqtt su)
COMP_CWORD=1
_mqtt mqtt su mqtt
echo "completions:${COMPREPLY[*]}"
EOF
)
check "bash completes 'mqtt su<TAB>' to 'sub' (got: ${completed##*completions:})" \
    test "${completed##*completions:}" = "sub"

for f in /usr/share/zsh/vendor-completions/_mqtt \
    /usr/share/fish/vendor_completions.d/mqtt.fish \
    /usr/share/doc/mqtt/README.md \
    /usr/share/doc/mqtt/LICENSE-MIT \
    /usr/share/doc/mqtt/LICENSE-APACHE \
    /usr/share/doc/mqtt/copyright; do
    check "$f is installed" test -s "$f"
done
if command -v zsh >/dev/null; then
    check "zsh reads _mqtt" zsh -n /usr/share/zsh/vendor-completions/_mqtt
fi

cleanup
trap - EXIT
check "dpkg -r removes it" test ! -e /usr/bin/mqtt
echo "package-test: OK"
