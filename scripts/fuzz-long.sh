#!/usr/bin/env bash
# Long fuzzing runs (issue 6, "Fuzzing"), outside CI: each target for SECONDS (default 3600), on
# as many cores as JOBS (default: all but one), from the committed seeds plus a local corpus that
# grows across runs (fuzz/corpus-local/<target>/, not committed). Crash inputs are kept in
# fuzz/artifacts/<target>/.
#
#   scripts/fuzz-long.sh                         # every target, an hour each
#   SECONDS_EACH=600 scripts/fuzz-long.sh analyze   # one target, ten minutes
#
# After a crash: replay it with the printed command, fix the cause, add a regression test named
# for what it guards (in the crate whose code failed), and copy the input into
# fuzz/corpus/<target>/ so that scripts/test-fuzz.sh replays it on every run. To fold what a long
# run found back into the committed seeds without growing them much:
#   "$BIN_DIR/<target>" -merge=1 fuzz/corpus/<target> fuzz/corpus-local/<target>
# (then keep the committed corpus at a few dozen small files).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/fuzz}"
SECONDS_EACH="${SECONDS_EACH:-3600}"
CORES="$(nproc)"
JOBS="${JOBS:-$(( CORES > 1 ? CORES - 1 : 1 ))}"
ALL_TARGETS=(normalize analyze site_extract canonical_chain forms)
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a --target-dir "$FUZZ_TARGET_DIR"
BIN_DIR="$FUZZ_TARGET_DIR/x86_64-unknown-linux-gnu/release"

status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus-local/$t" "fuzz/artifacts/$t"
  echo "== $t: ${SECONDS_EACH} s on $JOBS job(s)"
  # -fork keeps fuzzing after a crash (each found input is written to the artifacts folder).
  "$BIN_DIR/$t" "fuzz/corpus-local/$t" "fuzz/corpus/$t" \
    -fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" || status=1
  found=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "$t: $found crash/timeout input(s) in fuzz/artifacts/$t/"
  for a in "fuzz/artifacts/$t"/*; do
    [[ -e "$a" ]] && echo "  replay: $BIN_DIR/$t $a"
  done
  [[ $found -eq 0 ]] || status=1
done
exit $status
