#!/usr/bin/env bash
# Builds the analyzer's WebAssembly module and its JavaScript glue into build/wasm/{nodejs,web}/
# (wasm-bindgen-cli at the Cargo.lock version, installed by scripts/setup.sh). The extension and
# the demo page use build/wasm/web; the Node tests and benchmarks use build/wasm/nodejs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build -p patrol-wasm --target wasm32-unknown-unknown --release
wasm="$TARGET/wasm32-unknown-unknown/release/patrol_wasm.wasm"
for target in nodejs web; do
    wasm-bindgen --target "$target" --remove-name-section --out-dir "build/wasm/$target" "$wasm"
done
# wasm-bindgen's nodejs output is CommonJS; the root package.json says "type": "module".
echo '{"type": "commonjs"}' >build/wasm/nodejs/package.json
bg=build/wasm/web/patrol_wasm_bg.wasm
echo "wasm (after wasm-bindgen): $(stat -c %s "$bg") bytes raw, $(gzip -9c "$bg" | wc -c) bytes gzip -9" >&2
