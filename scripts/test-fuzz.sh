#!/usr/bin/env bash
# Fuzzing (issue 6, "Fuzzing"): builds the five cargo-fuzz targets of fuzz/ (libFuzzer with
# AddressSanitizer, optimised, debug assertions and overflow checks on) and runs each for a short,
# fixed time from its committed seeds (fuzz/corpus/<target>/, which also holds every crash input
# found so far, so each run replays them). Fails on any crash, timeout or out-of-memory.
# Prints, per target, the executions, executions per second and the corpus it ended with.
#
#   scripts/test-fuzz.sh                   # every target, FUZZ_SECONDS (default 45) each
#   FUZZ_SECONDS=10 scripts/test-fuzz.sh analyze forms
#
# cargo fuzz needs nightly-only flags: the stable toolchain accepts them with RUSTC_BOOTSTRAP=1.
# cargo-fuzz is installed here from crates.io if missing. The dictionary must be built
# (scripts/setup-dict.sh, run by scripts/setup.sh). Long runs: scripts/fuzz-long.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-45}"
ALL_TARGETS=(normalize analyze site_extract canonical_chain forms)
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --locked
fi
if [[ ! -f build/dict/ipadic.pdic ]]; then
  echo "build/dict/ipadic.pdic is missing: run scripts/setup-dict.sh first" >&2
  exit 1
fi

WORK_LOG="$(mktemp /tmp/patrol-fuzz-test.XXXXXX)"
trap 'rm -f "$WORK_LOG"' EXIT
echo "== cargo fuzz build -O -a (ASan, debug assertions) into $FUZZ_TARGET_DIR"
build_start=$SECONDS
# (cargo fuzz build takes one target or none: all are built unless exactly one is asked for.)
one=()
if [[ ${#TARGETS[@]} -eq 1 ]]; then one=("${TARGETS[0]}"); fi
build_log="$(mktemp /tmp/patrol-fuzz-build.XXXXXX)"
if ! RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a --target-dir "$FUZZ_TARGET_DIR" "${one[@]}" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "cargo fuzz build failed" >&2
  exit 1
fi
grep -Ev '^\s+(Compiling|Checking|Downloaded|Downloading)' "$build_log" || true
rm -f "$build_log"
BIN_DIR="$FUZZ_TARGET_DIR/x86_64-unknown-linux-gnu/release"
for t in "${TARGETS[@]}"; do
  [[ -x "$BIN_DIR/$t" ]] || { echo "fuzz target $t was not built ($BIN_DIR/$t)" >&2; exit 1; }
done
echo "build: $((SECONDS - build_start)) s"

echo "== the targets' checks are live on the seeds (cargo test --release, fuzz/tests/)"
test_start=$SECONDS
if ! cargo test --release --manifest-path fuzz/Cargo.toml --target-dir "$FUZZ_TARGET_DIR" >"$WORK_LOG" 2>&1; then
  cat "$WORK_LOG" >&2
  echo "fuzz: the seed tests failed" >&2
  exit 1
fi
grep -E '^test |^test result' "$WORK_LOG" || true
echo "seed tests: $((SECONDS - test_start)) s"

WORK="$(mktemp -d /tmp/patrol-fuzz.XXXXXX)"
trap 'rm -rf "$WORK" "$WORK_LOG"' EXIT
passed=0
failed=0
run_start=$SECONDS
printf '%-16s %10s %9s %8s %s\n' target executions exec/s corpus result
for t in "${TARGETS[@]}"; do
  corpus="$WORK/corpus-$t"
  mkdir -p "$corpus" "$WORK/artifacts-$t"
  cp fuzz/corpus/"$t"/* "$corpus"/
  log="$WORK/$t.log"
  status=0
  # -timeout: one input taking longer is a failure (a hang); the 100 KB time bound itself is
  # measured natively by `cargo run --release --example long_post`.
  "$BIN_DIR/$t" "$corpus" \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$WORK/artifacts-$t/" -close_fd_mask=1 >"$log" 2>&1 || status=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
  speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
  size="$(ls "$corpus" | wc -l)"
  if [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
    printf '%-16s %10s %9s %8s %s\n' "$t" "$execs" "$speed" "$size" ok
  else
    failed=$((failed + 1))
    printf '%-16s %10s %9s %8s %s\n' "$t" "$execs" "$speed" "$size" "FAILED (exit $status)"
    grep -E -A40 'panicked|ERROR: libFuzzer|ERROR: AddressSanitizer|==ERROR' "$log" | head -60 >&2 || tail -40 "$log" >&2
    for a in "$WORK/artifacts-$t"/*; do
      [[ -e "$a" ]] || continue
      mkdir -p fuzz/artifacts/"$t"
      cp "$a" fuzz/artifacts/"$t"/
      echo "crash input kept: fuzz/artifacts/$t/$(basename "$a") (replay: $BIN_DIR/$t fuzz/artifacts/$t/$(basename "$a"))" >&2
    done
  fi
done
echo "fuzzing: $((SECONDS - run_start)) s for ${#TARGETS[@]} targets at ${SECONDS_EACH} s each"
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
