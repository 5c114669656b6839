#!/usr/bin/env bash
# Everything the project needs on a fresh Debian machine, idempotently: the wasm target and the
# offline IPADIC dictionary (from Debian's mecab-ipadic package; nothing else is downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v rustup >/dev/null 2>&1; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
fi
bash scripts/setup-dict.sh
