#!/usr/bin/env bash
# patrol-server (issue 5): starts a throw-away PostgreSQL, runs the same API test suite on SQLite and PostgreSQL,
# the running-server tests (command line, user add, pages, kill -9 mid-run), and prints the benchmark figures.
# Exits non-zero on any failure, including a PostgreSQL run that was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

PG_URL="$(scripts/setup-postgres.sh)"
export PATROL_TEST_POSTGRES="$PG_URL"
echo "test-server: PostgreSQL at $PG_URL"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test -p patrol-server --release -- --nocapture 2>&1 | tee "$log" | grep -E '^test |test result|kill -9 run|panicked' || true
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo "test-server: FAILED (cargo test exit $status)" >&2
    grep -E 'panicked|FAILED' -A6 "$log" >&2 || true
    exit 1
fi
if grep -q "PostgreSQL run skipped" "$log"; then
    echo "test-server: FAILED: a PostgreSQL run was skipped" >&2
    exit 1
fi
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s}')
pg=$(grep -Ec '::postgres \.\.\. ok|_postgres \.\.\. ok' "$log" || true)
echo "test-server: $passed tests passed ($pg of them on PostgreSQL)"

echo "test-server: benchmark (figures, not a timed test)"
scripts/bench-server.sh 2>/dev/null | grep 'patrol-server bench'
