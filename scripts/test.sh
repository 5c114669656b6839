#!/usr/bin/env bash
# Every test: set-up, formatting, lints, the WebAssembly build and its Node test, all Rust tests
# (unit, CLI, golden, dictionary golden, evaluation), then the evaluation report printed.
# Stops at the first failing step. Works from a clean clone with CI=true and no standard input.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
started=$SECONDS

step() { echo; echo "== [$((SECONDS - started))s] $*"; }

step "scripts/setup.sh"
scripts/setup.sh

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "scripts/build-wasm.sh"
scripts/build-wasm.sh

step "cargo build --release --bin patrol (for the wasm/native comparison)"
cargo build --release --bin patrol

step "node --test crates/patrol-wasm/tests/analyzer.test.mjs"
PATROL_BIN="$TARGET/release/patrol" node --test --test-reporter=spec crates/patrol-wasm/tests/analyzer.test.mjs

step "cargo test --workspace --release --no-fail-fast"
cargo test --workspace --release --no-fail-fast

step "evaluation (cargo test --release --test evaluation -- --nocapture)"
cargo test --release --test evaluation -- --nocapture
