#!/usr/bin/env bash
# The main job: set up, build everything (the analyzer, its WebAssembly module, the extension,
# the agency endpoint) and start the endpoint on its embedded SQLite database with the
# supervisors' pages, ready for the extension.
#
#   scripts/run.sh                 # endpoint on http://127.0.0.1:8080, database var/patrol.db
#   PORT=9000 PATROL_DB=/srv/patrol.db PATROL_UNIT='熊本県警察本部 少年課' scripts/run.sh
#
# On the first run (no database yet) it creates three accounts for the unit PATROL_UNIT (an
# administrator, a supervisor and an officer) and prints their API tokens once (the database keeps
# only their hashes). More accounts:
#   target/release/patrol-server user add --database sqlite://var/patrol.db --name NAME --role ROLE --unit UNIT
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PORT="${PORT:-8080}"
DB="${PATROL_DB:-$ROOT/var/patrol.db}"
UNIT="${PATROL_UNIT:-熊本県警察本部 少年課}"

step() { echo; echo "== $*" >&2; }

step "set-up (Rust, wasm target, wasm-bindgen-cli, dictionary, npm tools)"
scripts/setup.sh
scripts/setup-js.sh

step "the extension (analyzer → WebAssembly, profiles, dictionary → extension/dist/ and extension/dist.zip)"
scripts/build-extension.sh

step "cargo build --release (patrol, patrol-server)"
cargo build --release --workspace --bins
server="$TARGET/release/patrol-server"

mkdir -p "$(dirname "$DB")"
if [[ ! -f "$DB" ]]; then
    step "first run: accounts for $UNIT"
    # Shown once and stored nowhere but hashed in the database; lost tokens are replaced with `user add`.
    for pair in "admin:管理者" "supervisor:当直責任者" "officer:巡回担当"; do
        role="${pair%%:*}"
        name="${pair#*:}"
        token="$("$server" user add --database "sqlite://$DB" --name "$name" --role "$role" --unit "$UNIT")"
        printf '%-10s %s\t%s\n' "$role" "$name" "$token"
    done
    echo "(these API tokens are shown once: note them now; the database keeps only their hashes)"
fi

cat <<EOF

==============================================================================================
 拡張機能の読み込み方 (Chromium / Chrome)
   1. chrome://extensions を開き、右上の「デベロッパー モード」をオンにする
   2. 「パッケージ化されていない拡張機能を読み込む」で次のフォルダを選ぶ:
        $ROOT/extension/dist
   3. 拡張機能のオプション画面で、エンドポイント http://127.0.0.1:$PORT と
      担当者のトークン・役割・所属・管轄（都道府県）を設定する
   配布用 zip: $ROOT/extension/dist.zip

 Loading the extension (Chromium / Chrome)
   1. Open chrome://extensions and turn on "Developer mode"
   2. "Load unpacked" and choose: $ROOT/extension/dist
   3. In the extension's options, set the endpoint http://127.0.0.1:$PORT and the user's token,
      role, unit and jurisdiction (prefecture)

 監督者の受信箱 / Supervisors' inbox:   http://127.0.0.1:$PORT/inbox/
 デモ（解析のお試し） / Demo page:     http://127.0.0.1:$PORT/demo/
 API (OpenAPI):                         http://127.0.0.1:$PORT/api/openapi.json
==============================================================================================

EOF

step "patrol-server --listen 127.0.0.1:$PORT --database sqlite://$DB (Ctrl-C stops it)"
exec "$server" --listen "127.0.0.1:$PORT" --database "sqlite://$DB"
