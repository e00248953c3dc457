#!/usr/bin/env bash
# Build what a release ships: the release binary (LTO, stripped) and the Debian package
# (cargo-deb), then print their sizes and sha256 sums.
#
#   scripts/release.sh              # target/release/mqtt and target/debian/mqtt_<version>-1_<arch>.deb
#   scripts/release.sh --musl       # also a static binary, where the musl target is installed
#
# A static binary (no glibc needed, for any Linux of the architecture) needs the musl target:
#   rustup target add x86_64-unknown-linux-musl    # and musl-tools for its linker on Debian
#   cargo build --release --target x86_64-unknown-linux-musl
# which writes target/x86_64-unknown-linux-musl/release/mqtt. ring (TLS) compiles C and
# assembly, so musl-gcc (musl-tools) must be on PATH.
set -euo pipefail

cd "$(dirname "$0")/.."

musl=false
for arg in "$@"; do
    case "$arg" in
        --musl) musl=true ;;
        *) echo "usage: $0 [--musl]" >&2; exit 2 ;;
    esac
done

if ! cargo deb --version >/dev/null 2>&1; then
    echo "cargo-deb is missing: installing it (a few minutes, once)" >&2
    cargo install --locked cargo-deb
fi

cargo build --release --locked
artifacts=(target/release/mqtt)

# cargo deb builds the same release binary (already up to date) and packages it.
deb=$(cargo deb --locked --output target/debian/ | tail -n 1)
artifacts+=("$deb")

if $musl; then
    musl_target="$(uname -m)-unknown-linux-musl"
    if ! rustup target list --installed 2>/dev/null | grep -qx "$musl_target"; then
        echo "the $musl_target target is not installed: rustup target add $musl_target" >&2
        exit 1
    fi
    cargo build --release --locked --target "$musl_target"
    artifacts+=("target/$musl_target/release/mqtt")
fi

echo
printf '%-50s %12s  %s\n' "artifact" "bytes" "sha256"
for f in "${artifacts[@]}"; do
    printf '%-50s %12s  %s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
done
