#!/usr/bin/env bash
# The main job (for now): set up, build the release binary, and analyse the sample posts in
# examples/sample.jsonl — first the officer's account (--explain), then the JSON Lines output.
#
#   scripts/run.sh [FILE.jsonl] [patrol analyze options, e.g. --jurisdiction 福岡県]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

input=examples/sample.jsonl
if [[ $# -gt 0 && $1 != --* ]]; then
    input="$1"
    shift
fi

scripts/setup.sh
echo "== cargo build --release" >&2
cargo build --release --bin patrol
patrol="${CARGO_TARGET_DIR:-$ROOT/target}/release/patrol"

echo
echo "== patrol analyze --explain $* < $input"
"$patrol" analyze --explain "$@" < "$input"
echo "== patrol analyze $* < $input (JSON Lines, contract fields first)"
"$patrol" analyze "$@" < "$input"
