#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for patrol-server's tests and benchmark, and prints its URL on
# standard output (one line). Installs Debian's postgresql if it is missing. Idempotent: a cluster already running
# on the port is reused. Stop it with: scripts/setup-postgres.sh --stop
#   PATROL_PG_PORT (default 55432), PATROL_PG_DIR (default /tmp/patrol-pg-$PORT)
set -euo pipefail
PORT="${PATROL_PG_PORT:-55432}"
DIR="${PATROL_PG_DIR:-/tmp/patrol-pg-$PORT}"
URL="postgres://patrol@127.0.0.1:$PORT/postgres"

bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

if ! BIN="$(bindir)"; then
    echo "setup-postgres: installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN="$(bindir)"
fi

# PostgreSQL refuses to run as root: use the postgres account the package creates (or the caller if not root).
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    AS=(runuser -u postgres --)
else
    AS=()
fi

if [ "${1:-}" = "--stop" ]; then
    "${AS[@]}" "$BIN/pg_ctl" -D "$DIR" -m immediate stop >&2 || true
    exit 0
fi

if "${AS[@]}" "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    echo "$URL"
    exit 0
fi

if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
    "${AS[@]}" "$BIN/initdb" -D "$DIR" -U patrol --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
# Throw-away data: durability settings off for speed are NOT used, so the benchmark measures a real commit path.
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c max_connections=200" start >&2
echo "$URL"
