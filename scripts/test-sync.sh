#!/usr/bin/env bash
# The extension's sync module (extension/src/sync/) and the end-to-end test, in headless Chromium
# against a real patrol-server on temporary SQLite databases:
#   1. tests/browser/sync-units.test.mjs      pure parts in Node (backoff, retry/refuse, keys, texts)
#   2. tests/browser/sync-queue.test.mjs      the queue in Chromium's IndexedDB, scripted endpoint
#      tests/browser/sync-panel.test.mjs      the side panel parts (hostile text, actions, hold blocks the takedown request)
#   3. tests/browser/sync-extension.test.mjs  the built extension + real server: endpoint down for the run,
#                                             worker stopped, lost acknowledgement, tampered chain, privacy
#   4. tests/browser/e2e*.test.mjs            X fixture → flagged → captured → submitted → approved in /inbox/
#   5. tests/browser/sync-bench.mjs N         benchmark: N submissions queued with the endpoint down, then
#                                             delivered (PATROL_SYNC_BENCH=N, default 50; 0 skips it)
# Builds patrol-server (release, $CARGO_TARGET_DIR) unless PATROL_SERVER names a built binary, and the
# extension (scripts/build-extension.sh → extension/dist/) unless PATROL_EXTENSION_DIR names a built one.
# Needs scripts/setup.sh, scripts/setup-js.sh and scripts/setup-browser.sh to have run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

[[ -x /usr/bin/chromium || -n "${CHROMIUM:-}" ]] || { echo "test-sync: chromium missing: run scripts/setup-browser.sh" >&2; exit 1; }
[[ -d node_modules/playwright-core ]] || { echo "test-sync: node_modules missing: run scripts/setup-js.sh" >&2; exit 1; }

if [[ -z "${PATROL_SERVER:-}" ]]; then
    echo "== cargo build -p patrol-server --release"
    cargo build -p patrol-server --release
    export PATROL_SERVER="$TARGET/release/patrol-server"
fi

if [[ -z "${PATROL_EXTENSION_DIR:-}" ]]; then
    echo "== scripts/build-extension.sh"
    scripts/build-extension.sh
    export PATROL_EXTENSION_DIR="$ROOT/extension/dist"
fi

started=$SECONDS
echo "== node --test (sync units, queue, extension against the endpoint, end to end)"
node --test --test-concurrency=1 --test-reporter=spec \
    tests/browser/sync-units.test.mjs tests/browser/sync-queue.test.mjs tests/browser/sync-panel.test.mjs \
    tests/browser/sync-extension.test.mjs tests/browser/e2e*.test.mjs
echo "== sync and end-to-end tests passed in $((SECONDS - started)) s"

# The benchmark of issue 5 "the endpoint down for the length of a run" (figures, and exactly-once checks).
BENCH_N="${PATROL_SYNC_BENCH:-50}"
if [[ "$BENCH_N" != 0 ]]; then
    echo "== node tests/browser/sync-bench.mjs $BENCH_N (endpoint down for the run, then back)"
    node tests/browser/sync-bench.mjs "$BENCH_N" | grep -v '^# evidence captured'
fi
