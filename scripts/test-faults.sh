#!/usr/bin/env bash
# Faults (issue 6): the endpoint with its disk full (a 8 MiB tmpfs under the SQLite database, or RLIMIT_FSIZE
# where mounting is not permitted), its database file locked by another process, PostgreSQL stopped and started
# while eight clients submit (server/tests/faults.rs); and the extension's queue against an endpoint answering
# 507/503, a 500 with a non-JSON body and a connection reset mid-response (tests/browser/faults-queue.test.mjs).
# Prints the figures; exits non-zero on any failure, including a PostgreSQL run that was skipped.
#   PATROL_TEST_SH=1: the release builds (patrol-server, the extension) are already done.
#   PATROL_TEST_POSTGRES + PATROL_FAULTS_PG_DIR: use that cluster (it is stopped and started by the test);
#   otherwise a throw-away cluster is started on port 55442 in /tmp/pg-faults.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

OWN_PG=""
if [ -z "${PATROL_FAULTS_PG_DIR:-}" ]; then
    export PATROL_PG_PORT="${PATROL_PG_PORT_FAULTS:-55442}"
    export PATROL_PG_DIR=/tmp/pg-faults
    export PATROL_FAULTS_PG_DIR="$PATROL_PG_DIR"
    PATROL_TEST_POSTGRES="$(scripts/setup-postgres.sh)"
    export PATROL_TEST_POSTGRES
    OWN_PG=1
fi
echo "test-faults: PostgreSQL at $PATROL_TEST_POSTGRES (data $PATROL_FAULTS_PG_DIR)"

log="$(mktemp)"
# The cluster this script started is stopped at the end (it was left running).
trap 'rm -f "$log"; if [ -n "$OWN_PG" ]; then scripts/setup-postgres.sh --stop >/dev/null 2>&1 || true; fi' EXIT
set +e
PATROL_FAULTS_REQUIRE_PG=1 cargo test -p patrol-server --release --test faults -- --nocapture --test-threads 1 2>&1 | tee "$log" \
    | grep -E '^test |test result|^faults|panicked|skipped'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "test-faults: FAILED (cargo test exit $status)" >&2
    grep -E 'panicked' -A6 "$log" >&2 || true
    exit 1
fi
if grep -q "run skipped" "$log"; then
    echo "test-faults: FAILED: the PostgreSQL restart was skipped" >&2
    exit 1
fi

if [ "${PATROL_TEST_SH:-}" != "1" ]; then
    scripts/build-extension.sh >/dev/null
fi
if [ -f tests/browser/faults-queue.test.mjs ]; then
    node --test tests/browser/faults-queue.test.mjs 2>&1 | tee "$log" | grep -E 'faults queue|^# (pass|fail)|^not ok|^ok' || true
    if ! grep -q '^# fail 0' "$log"; then
        echo "test-faults: FAILED (browser)" >&2
        grep -E 'not ok|Error|assert' -A8 "$log" >&2 | head -60 || true
        exit 1
    fi
fi
echo "test-faults: all fault tests passed"
