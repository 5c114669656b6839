#!/usr/bin/env bash
# The extension-side review fixes (T3, S5, S4, S9, C2) in headless Chromium on the built extension:
# - tests/browser/capture.test.mjs: evidence capture through the side panel's button on an X fixture
#   (crop size = post rectangle × device-pixel ratio, media region blurred in the panel, no plaintext in
#   IndexedDB, finalised form's SHA-256 in the log, exported archive accepted by `patrol verify`, a
#   tampered image refused), volunteers get no button; a content-script context gets no token, no
#   settings, no storage.local;
# - tests/browser/profile-updates.test.mjs: signed profile bundles from a real patrol-server picked up,
#   rollback / tampered / altered-in-storage refused with a Japanese state on the options page;
# - tests/browser/extfix-sync.test.mjs: takedown request blocked for any hold and while the lookup is
#   unknown; permalink null + content key; evidence matched by key only.
# Runnable alone after scripts/setup*.sh; builds the extension, `patrol` and `patrol-server` (release,
# into $CARGO_TARGET_DIR) unless PATROL_EXTENSION_DIR / PATROL_BIN and PATROL_SERVER name built ones. Exits non-zero on any failure; prints the measured figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ -z "${PATROL_EXTENSION_DIR:-}" ]; then
    echo "== build the extension (scripts/build-extension.sh)"
    scripts/build-extension.sh
fi
if [ -z "${PATROL_BIN:-}" ] || [ -z "${PATROL_SERVER:-}" ]; then
    echo "== cargo build --release -p patrol -p patrol-server ($TARGET)"
    cargo build -q --release -p patrol -p patrol-server
fi
export PATROL_BIN="${PATROL_BIN:-$TARGET/release/patrol}"
export PATROL_SERVER="${PATROL_SERVER:-$TARGET/release/patrol-server}"

echo "== browser tests (Chromium): capture, profile updates, sync fixes"
node --test --test-concurrency=1 \
    tests/browser/tab-shot.test.mjs tests/browser/capture.test.mjs tests/browser/profile-updates.test.mjs tests/browser/extfix-sync.test.mjs
