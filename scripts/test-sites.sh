#!/usr/bin/env bash
# Site profiles (issue 3): the patrol-sites crate (profile validation, golden extraction on every
# fixture, hostile pages, signed bundles), `patrol scan` on every fixture (extraction + the
# analyzer's categories, exit 3 for an unrecognised page, a 10,000-post page timed), and the
# JavaScript engine in headless Chromium on the same fixtures (identical output, late-rendered X
# articles, 300 generated hostile pages compared with the native engine, a Rust-signed bundle
# verified with WebCrypto).
# Runnable alone after scripts/setup*.sh; builds what it needs into $CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# Under scripts/test.sh (PATROL_TEST_SH=1) the crate's tests have run in the workspace's release run and the
# binaries and examples are built (release): reuse them rather than rebuild in another profile.
if [[ -z "${PATROL_TEST_SH:-}" ]]; then
echo "== patrol-sites: profiles, golden extraction, robustness, bundles"
cargo test -q -p patrol-sites 2>&1 | grep -E '^(test result|running|error|failures|---- )|posts .* ms' || true
cargo test -q -p patrol-sites >/dev/null 2>&1 || { cargo test -p patrol-sites; exit 1; }
cargo test -q -p patrol-sites --test robustness -- --nocapture ten_thousand 2>&1 | grep -E 'posts .* ms' || true
fi

echo "== patrol scan on every fixture"
[[ -n "${PATROL_BIN:-}" ]] || cargo build -q --release --bin patrol
node tests/fixtures/sites/check-scan.mjs "${PATROL_BIN:-$CARGO_TARGET_DIR/release/patrol}"

echo "== extract.js in Chromium on the same fixtures; Rust-signed bundle verified by bundle.js"
if [[ -n "${PATROL_TEST_SH:-}" ]]; then
  examples="$CARGO_TARGET_DIR/release/examples"
else
  cargo build -q -p patrol-sites --example sign_bundle --example extract_page
  examples="$CARGO_TARGET_DIR/debug/examples"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! PATROL_SIGN_BUNDLE="$examples/sign_bundle" PATROL_EXTRACT_PAGE="$examples/extract_page" node --test tests/browser/extract.test.mjs >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
grep -E '^(# (tests|pass|fail) |not ok|# \\# |ok )' "$log" || true
echo "test-sites: all passed"
