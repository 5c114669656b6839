#!/usr/bin/env bash
# The endpoint's benchmark (issue 5): submissions per second and p50/p99 latency against a running
# patrol-server on loopback, with SQLite and — when PATROL_TEST_POSTGRES names a server (scripts/test.sh
# starts one with scripts/setup-postgres.sh) — PostgreSQL. Prints figures; asserts nothing about time.
#   PATROL_BENCH_N=2000 PATROL_BENCH_CONCURRENCY=16 scripts/bench-server.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo bench -p patrol-server --bench submissions
