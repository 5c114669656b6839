#!/usr/bin/env bash
# The endpoint under attack (issue 6): schemathesis against the served OpenAPI document with a token of each role,
# the exhaustive authorisation matrix, the limits and the inbox's HTTP surface (Rust, SQLite + PostgreSQL), and the
# inbox in headless Chromium (hostile fields, cookie flags, cross-origin form posts, logout).
#
#   scripts/test-apisec.sh            builds patrol-server, runs everything, prints the figures
#   PATROL_TEST_SH=1                  (scripts/test.sh) the release build and the cargo tests already ran: the test
#                                     binaries are re-run only for their figures
#   PATROL_TEST_POSTGRES=URL          also run schemathesis against a server on a fresh PostgreSQL database (and the
#                                     Rust tests there); without it a throw-away cluster is started
#                                     (scripts/setup-postgres.sh, port PATROL_PG_PORT, default 55441) and stopped
#   APISEC_EXAMPLES=N                 schemathesis examples per operation on SQLite (default 15; half that on
#                                     PostgreSQL; the whole script stays within 5 minutes)
#   APISEC_SEED=N                     schemathesis seed (default fixed, so a run is reproducible)
# Exits non-zero on any failure: a 5xx, a response that does not match the document, an undocumented status or
# content type, a matrix cell that disagrees with the table, a limit or header test, a browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SERVER="${PATROL_SERVER:-$CARGO_TARGET_DIR/release/patrol-server}"
export PATROL_SERVER="$SERVER"
EXAMPLES="${APISEC_EXAMPLES:-15}"
# PostgreSQL runs the same operations with half the examples (the script stays within 5 minutes).
PG_EXAMPLES=$(( (EXAMPLES + 1) / 2 ))
SEED="${APISEC_SEED:-20261122}"
SCHEMATHESIS_VERSION=4.32.5
VENV="$ROOT/build/venv-schemathesis"
started=$SECONDS
say() { echo "test-apisec: $*"; }

WORK="$(mktemp -d /tmp/patrol-apisec.XXXXXX)"
OWN_PG=""
cleanup() {
    # The servers were started inside command substitutions: their ids are in files.
    for f in "$WORK"/*.pid; do
        [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    if [ -n "$OWN_PG" ]; then
        PATROL_PG_PORT="$OWN_PG" PATROL_PG_DIR="/tmp/pg-apisec-$OWN_PG" scripts/setup-postgres.sh --stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- set-up -----------------------------------------------------------------------------------------------------
if [ -z "${PATROL_TEST_SH:-}" ]; then
    say "cargo build -p patrol-server --release"
    cargo build -q -p patrol-server --release
fi
[ -x "$SERVER" ] || { say "patrol-server not built at $SERVER" >&2; exit 1; }
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV (PyPI)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ -z "${PATROL_TEST_POSTGRES:-}" ]; then
    OWN_PG="${PATROL_PG_PORT:-55441}"
    PATROL_TEST_POSTGRES="$(PATROL_PG_PORT="$OWN_PG" PATROL_PG_DIR="/tmp/pg-apisec-$OWN_PG" scripts/setup-postgres.sh)"
    export PATROL_TEST_POSTGRES
fi
say "PostgreSQL at $PATROL_TEST_POSTGRES"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A fresh server on DATABASE with one user per role (tokens in $WORK/<label>.<role>) and a little data, so that
# the id routes find real objects too.
start_server() {
    local label="$1" database="$2" port
    port="$(free_port)"
    for role in admin supervisor officer volunteer; do
        "$SERVER" user add --database "$database" --name "apisec-$role" --role "$role" --unit 熊本中央署 \
            > "$WORK/$label.$role" || { say "FAILED: user add ($label, $role)" >&2; return 1; }
        [ -s "$WORK/$label.$role" ] || { say "FAILED: no token for $role ($label)" >&2; return 1; }
    done
    "$SERVER" --listen "127.0.0.1:$port" --database "$database" --rate-limit 0 > "$WORK/$label.log" 2>&1 &
    echo "$!" > "$WORK/$label.pid"
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null || { say "FAILED: $label server did not start" >&2; return 1; }
    "$VENV/bin/python" - "http://127.0.0.1:$port" "$WORK/$label" "$ROOT" <<'PY' || { say "FAILED: seeding $label" >&2; return 1; }
import json, sys, urllib.request
base, prefix, root = sys.argv[1:4]
tok = {r: open(f"{prefix}.{r}").read().strip() for r in ("admin", "supervisor", "officer", "volunteer")}
def call(role, method, path, body):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + tok[role], "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
for i in range(1, 4):
    post = {"site": "x", "url": f"https://x.com/seed{i}/status/{1000 + i}", "text": "今夜、橋から飛び降ります", "author_handle": "@seed", "media": [], "profile": ""}
    analysis = {"categories": ["suicide_notice"], "minor": False, "region": "in", "inquiry": True,
                "urgency": {"level": "high", "timing": [{"start": 0, "end": 2}], "specific": [], "explicit": [{"start": 5, "end": 10}], "doubt": []}}
    call("officer", "POST", "/api/submissions", {"idempotency_key": f"seed-case-{i:04}", "kind": "case", "post": post, "analysis": analysis,
         "forms": [{"form": "provider_inquiry", "html": "<p>照会書</p>"}], "note": "seed"})
    post["url"] = f"https://x.com/vol{i}/status/{2000 + i}"
    call("volunteer", "POST", "/api/submissions", {"idempotency_key": f"seed-report-{i:04}", "kind": "report", "post": post, "analysis": analysis})
    call("supervisor", "POST", "/api/holds", {"url": f"https://x.com/hold{i}/status/{3000 + i}", "reason": "捜査中", "contact": "内線"})
    call("officer", "POST", "/api/takedowns", {"url": f"https://x.com/td{i}/status/{4000 + i}", "method": "form", "foreign": True, "administrator": "Example"})
    call("admin", "POST", "/api/providers", {"domain": f"seed{i}.example.jp", "name": "プロバイダ"})
profile = json.load(open(f"{root}/profiles/x.json"))
call("admin", "POST", "/api/site-profiles", {"version": "2026.11.22.1", "profiles": [profile]})
PY
    echo "$port"
}

# --- schemathesis -----------------------------------------------------------------------------------------------
run_schemathesis() {
    local label="$1" port="$2" role="$3" examples="$4" out
    out="$WORK/st.$label.$role.txt"
    # One worker: CPython 3.11.7's ast.parse is not thread-safe under hypothesis (an "AST constructor recursion
    # depth mismatch" runtime error with 2 workers).
    # Run from the temp dir: schemathesis keeps its example database (.schemathesis/) in the working directory.
    if ! (cd "$WORK" && "$VENV/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
        -H "Authorization: Bearer $(cat "$WORK/$label.$role")" \
        --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
        --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$SEED" -w 1 \
        --no-color > "$out" 2>&1); then
        say "schemathesis FAILED on $label as $role:" >&2
        sed -n '/FAILURES\|ERRORS/,/SUMMARY/p' "$out" | head -150 >&2
        grep -E 'Test cases|failures|errors' "$out" >&2 || true
        return 1
    fi
    local n
    n="$(grep -Eo '[0-9]+ generated' "$out" | head -1 | grep -Eo '[0-9]+')"
    echo "$n" > "$WORK/st.$label.$role.count"
    say "schemathesis on $label as $role: $n cases, 0 failures ($(grep -Eo '[0-9]+ passed' "$out" | head -1))"
}

# Two lanes at once (the machine has two cores): SQLite, and PostgreSQL on a fresh database of the cluster.
PSQL="$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1)"
[ -n "$PSQL" ] || { say "FAILED: no psql to create the PostgreSQL database" >&2; exit 1; }
PG_DB="apisec_$$_$RANDOM"
"$PSQL" -q "$PATROL_TEST_POSTGRES" -c "CREATE DATABASE $PG_DB" >/dev/null
lane() {
    local label="$1" database="$2" examples="$3" port role
    port="$(start_server "$label" "$database")" || return 1
    for role in admin supervisor officer volunteer; do
        run_schemathesis "$label" "$port" "$role" "$examples" || return 1
    done
    if grep -q panicked "$WORK/$label.log"; then
        say "patrol-server panicked under schemathesis on $label:" >&2
        grep -A3 panicked "$WORK/$label.log" >&2
        return 1
    fi
}
lane sqlite "sqlite://$WORK/apisec.db" "$EXAMPLES" > "$WORK/lane.sqlite" 2>&1 &
sqlite_lane=$!
lane postgres "${PATROL_TEST_POSTGRES%/*}/$PG_DB" "$PG_EXAMPLES" > "$WORK/lane.postgres" 2>&1 &
pg_lane=$!
lanes_ok=1
wait "$sqlite_lane" || lanes_ok=0
wait "$pg_lane" || lanes_ok=0
cat "$WORK/lane.sqlite" "$WORK/lane.postgres"
[ "$lanes_ok" = 1 ] || { say "FAILED: schemathesis" >&2; exit 1; }
ST_TOTAL=$(cat "$WORK"/st.*.count | awk '{s+=$1} END {print s}')
say "schemathesis: $ST_TOTAL cases in all (4 roles × SQLite and PostgreSQL, $EXAMPLES / $PG_EXAMPLES examples per operation, seed $SEED)"

# --- Rust: the authorisation matrix, limits, cookies and headers -------------------------------------------------
rust_tests() {
    local t
    for t in authz_matrix apisec_limits; do
        if [ -n "${PATROL_TEST_SH:-}" ]; then
            # Already run by the workspace's cargo test: re-run the built binary for its figures.
            local bin
            bin="$(ls -t "$CARGO_TARGET_DIR"/release/deps/"$t"-* 2>/dev/null | grep -v '\.d$' | head -1)"
            [ -x "$bin" ] || { say "no built test binary for $t" >&2; return 1; }
            "$bin" --test-threads 2 --nocapture 2>&1 || return 1
        else
            cargo test -q -p patrol-server --release --test "$t" -- --nocapture 2>&1 || return 1
        fi
    done
}
rust_log="$WORK/rust.log"
if ! rust_tests > "$rust_log"; then
    grep -E 'panicked|disagree|got [0-9]+, table|FAILED' -A3 "$rust_log" | head -80 >&2
    say "FAILED: Rust tests" >&2
    exit 1
fi
if grep -q "PostgreSQL run skipped" "$rust_log"; then
    say "FAILED: a PostgreSQL run was skipped" >&2
    exit 1
fi
grep -Eo 'authz matrix: .*' "$rust_log" | sed 's/^/test-apisec: /'
say "Rust: $(grep -Eo 'test result: ok\. [0-9]+ passed' "$rust_log" | awk '{s+=$4} END {print s}') tests passed (matrix, named refusals, limits, NUL, cookies, page headers; SQLite and PostgreSQL)"

# --- Chromium: the inbox with hostile fields, cookies, CSRF, logout ----------------------------------------------
say "node --test tests/browser/apisec-inbox.test.mjs"
node --test --test-concurrency=1 --test-reporter=spec tests/browser/apisec-inbox.test.mjs

say "all green in $((SECONDS - started)) s"
