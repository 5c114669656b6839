#!/usr/bin/env bash
# Installs everything patrol needs on a fresh Debian machine, idempotently (a second run does
# nothing but check). Called by scripts/run.sh and scripts/test.sh; safe to run on its own.
#
#   - Debian packages: a C toolchain for linking, dpkg/iconv for the dictionary source, gzip,
#     Node.js — only the missing ones, with --no-install-recommends (a full upgrade has broken
#     these machines)
#   - rustfmt, clippy and the Rust target wasm32-unknown-unknown
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   - the dictionaries (scripts/setup-dict.sh: Debian's mecab-ipadic, compiled offline)
#
# Nothing is downloaded except from package registries (Debian, crates.io, Rust's toolchain
# channel for the wasm target). Non-interactive: works with CI=true and no standard input.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

log() { echo "setup: $*" >&2; }
die() {
    echo "setup: error: $*" >&2
    exit 1
}

as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@" || die "'$*' needs root (run as root, or allow sudo without a password)"
    else
        die "'$*' needs root"
    fi
}

# --- Debian packages -----------------------------------------------------------------------
command -v dpkg >/dev/null 2>&1 || die "dpkg not found: this script expects Debian or a derivative"
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v iconv >/dev/null 2>&1 || missing+=(libc-bin)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q >&2
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# --- Node.js (node --test with --test-reporter needs 18.15 or later) ------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
((node_major >= 18)) ||
    die "Node.js $(node --version 2>/dev/null || echo '?') is too old: 18 or later is needed for node --test"
log "node $(node --version)"

# --- Rust ------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
    die "Rust is not installed: install rustup (https://rustup.rs, or Debian's 'rustup' package from trixie on), then rerun"
fi
need_rust="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
have_rust="$(rustc --version | cut -d' ' -f2)"
if [[ "$(printf '%s\n%s\n' "$need_rust" "$have_rust" | sort -V | head -n 1)" != "$need_rust" ]]; then
    log "rustc $have_rust is older than $need_rust: updating the stable toolchain"
    rustup toolchain install stable --profile minimal
    rustup default stable
fi
for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi
log "$(rustc --version), target wasm32-unknown-unknown installed"

# --- wasm-bindgen-cli at the locked version ------------------------------------------------
want_bindgen="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$want_bindgen" ]] || die "no wasm-bindgen in Cargo.lock"
have_bindgen="$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2 || true)"
if [[ "$have_bindgen" != "$want_bindgen" ]]; then
    log "installing wasm-bindgen-cli $want_bindgen (have: ${have_bindgen:-none}); ~5 minutes on 2 cores"
    # Not --locked: one of its pinned dependencies is no longer in the registry.
    cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi
log "wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2) (Cargo.lock: $want_bindgen)"

# --- The dictionaries ------------------------------------------------------------------------
scripts/setup-dict.sh
log "ready"
