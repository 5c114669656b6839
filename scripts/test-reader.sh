#!/usr/bin/env bash
# The second reader (issue 2, src/reader): unit tests of features, training, scoring and decisions;
# tests/reader.rs (retraining from the corpus reproduces rules/reader.tsv byte for byte, an added flag
# cites its clause and quotes the post, no child category without a child, the on/off switch);
# then the leave-one-part-out CV tables on the 27 tuning parts (never heldout), with the nested
# estimate (thresholds chosen without the part scored): about 9 minutes on two cores.
# Runs alone once scripts/setup.sh has run. Exits non-zero on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
started=$SECONDS
step() { echo; echo "== [reader $((SECONDS - started))s] $*"; }

# Under scripts/test.sh (PATROL_TEST_SH=1) the Rust tests ran in the workspace's release run.
if [[ -z "${PATROL_TEST_SH:-}" ]]; then
step "cargo test --release -p patrol --lib reader (features, model file, training, decisions)"
cargo test --release -p patrol --lib reader

step "cargo test --release -p patrol --test reader (weights not stale, added flag, switch)"
cargo test --release -p patrol --test reader
fi

step "patrol reader cv --nested (leave-one-part-out on dev…dev27)"
cargo build --release -p patrol --bin patrol
"$TARGET/release/patrol" reader cv --nested
