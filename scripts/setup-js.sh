#!/usr/bin/env bash
# The JavaScript tools from the npm registry, at the versions in package-lock.json (npm ci):
# playwright-core (drives Debian's Chromium), web-ext (lint), typescript (type-checks the
# extension's JSDoc), binaryen (wasm-opt), and the benchmark peers kuromoji and
# lindera-wasm-nodejs-ipadic. Idempotent: skipped when node_modules matches the lock file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
stamp=node_modules/.patrol-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    echo "setup-js: node_modules up to date" >&2
    exit 0
fi
echo "setup-js: npm ci" >&2
npm ci --no-audit --no-fund >&2
echo "$want" >"$stamp"
