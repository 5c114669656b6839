#!/usr/bin/env bash
# The supervisors' pages (www/inbox/) in headless Chromium against a real patrol-server on a
# temporary SQLite database: builds the server if needed, then runs tests/browser/inbox*.test.mjs.
# Needs scripts/setup-js.sh (node_modules) and scripts/setup-browser.sh (/usr/bin/chromium).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if [[ -z "${PATROL_SERVER:-}" ]]; then
    echo "== cargo build -p patrol-server --release"
    cargo build -p patrol-server --release
    export PATROL_SERVER="$TARGET/release/patrol-server"
fi

[[ -x /usr/bin/chromium || -n "${CHROMIUM:-}" ]] || { echo "chromium missing: run scripts/setup-browser.sh" >&2; exit 1; }
[[ -d node_modules/playwright-core ]] || { echo "node_modules missing: run scripts/setup-js.sh" >&2; exit 1; }

echo "== tsc --checkJs www/inbox/js (types of the pages' modules)"
node_modules/.bin/tsc --allowJs --checkJs --noEmit --target es2022 --module es2022 --moduleResolution bundler \
    --lib dom,es2022,dom.iterable --strict false --noUnusedLocals --noUnusedParameters www/inbox/js/app.js

if [[ ! -f build/wasm/nodejs/patrol_wasm.js ]]; then
    echo "== scripts/build-wasm.sh (the tests analyse their posts as the extension does)"
    scripts/build-wasm.sh
fi

echo "== node --test tests/browser/inbox*.test.mjs"
started=$SECONDS
node --test --test-concurrency=1 --test-reporter=spec tests/browser/inbox*.test.mjs
echo "== inbox browser tests passed in $((SECONDS - started)) s"
