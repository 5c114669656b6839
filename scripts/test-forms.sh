#!/usr/bin/env bash
# The forms (issue 4): unit tests of src/forms, the golden documents and the CLI contract of
# `patrol prefill` (tests/forms/main.rs), the wasm build against the native command
# (tests/forms/wasm.test.mjs), and every golden printed to A4 PDF in headless Chromium with its
# text extracted by pdftotext (tests/browser/forms-pdf.test.mjs).
# Runs alone once scripts/setup.sh, setup-js.sh and setup-browser.sh have run. Exits non-zero on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
started=$SECONDS
step() { echo; echo "== [forms $((SECONDS - started))s] $*"; }

# Under scripts/test.sh (PATROL_TEST_SH=1) the Rust tests ran in the workspace's release run and the wasm
# module is in build/wasm/nodejs.
if [[ -z "${PATROL_TEST_SH:-}" ]]; then
step "cargo test --release -p patrol --lib forms (units: dates, escaping, data, quoting)"
cargo test --release -p patrol --lib forms

step "cargo test --release -p patrol --test forms (goldens, CLI contract, hostile text in every form)"
cargo test --release -p patrol --test forms

step "wasm build for the comparison (own output dir: $TARGET/forms-wasm/nodejs)"
cargo build -p patrol-wasm --target wasm32-unknown-unknown --release
wasm-bindgen --target nodejs --out-dir "$TARGET/forms-wasm/nodejs" "$TARGET/wasm32-unknown-unknown/release/patrol_wasm.wasm"
# wasm-bindgen's nodejs output is CommonJS; the root package.json says "type": "module".
echo '{"type": "commonjs"}' >"$TARGET/forms-wasm/nodejs/package.json"
wasm_dir="$TARGET/forms-wasm/nodejs"
else
wasm_dir="$ROOT/build/wasm/nodejs"
fi

step "node --test tests/forms/wasm.test.mjs (wasm renderForm == patrol prefill)"
PATROL_BIN="${PATROL_BIN:-$TARGET/release/patrol}" PATROL_WASM="$wasm_dir" \
    node --test --test-reporter=spec tests/forms/wasm.test.mjs

step "node --test tests/browser/forms-pdf.test.mjs (A4 PDF in Chromium, pdftotext, page counts)"
node --test --test-reporter=spec tests/browser/forms-pdf.test.mjs

echo
echo "forms: all steps passed in $((SECONDS - started))s"
