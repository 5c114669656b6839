#!/usr/bin/env bash
# Hostile pages (issue 6): the normaliser's unit tests and the hostile golden cases (homoglyphs,
# zero-width and bidi characters inside keywords) through `patrol analyze`, then the gallery of
# tests/fixtures/hostile/ in Chromium with the built extension (tests/browser/hostile.test.mjs):
# payloads that must never run, CSS that must not hide the badge, edited posts, 10,000-deep markup,
# 100,000 posts; and every field of a case as a payload in the supervisors' inbox and the demo page
# served by patrol-server (tests/browser/hostile-www.test.mjs). Prints the measured figures. Runnable alone after scripts/setup.sh, setup-js.sh and
# setup-browser.sh; exits non-zero on failure. HOSTILE_POSTS=N makes the many-posts page smaller.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [[ -z "${PATROL_TEST_SH:-}" ]]; then
    echo "== cargo test: the normaliser's unit tests, the golden cases, the hostile-text spans"
    cargo test --release -p patrol --lib normalize::
    cargo test --release -p patrol --test golden --test hostile_text
    echo "== builds (patrol-server, scripts/build-wasm.sh, scripts/build-extension.sh)"
    cargo build --release -p patrol-server
    scripts/build-wasm.sh
    scripts/build-extension.sh
fi
export PATROL_SERVER="${PATROL_SERVER:-$CARGO_TARGET_DIR/release/patrol-server}"

echo "== browser tests (Chromium): tests/browser/hostile.test.mjs (extension), hostile-www.test.mjs (inbox, demo page)"
log="$(mktemp)"
set +e
node --test --test-concurrency=1 --test-reporter=spec tests/browser/hostile.test.mjs tests/browser/hostile-www.test.mjs 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "== figures"
grep -h '^FIGURE ' "$log" | sed 's/^FIGURE /  /' || true
rm -f "$log"
exit "$status"
