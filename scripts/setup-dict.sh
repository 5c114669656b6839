#!/usr/bin/env bash
# Builds patrol's dictionaries offline from Debian's mecab-ipadic package.
#
#   build/ipadic/mecab-ipadic_*.deb   the package (apt-get download, Debian's registry only)
#   build/ipadic/src/                 its .csv/.def files converted from EUC-JP to UTF-8
#   build/dict/full/                  the full IPADIC compiled by lindera's DictionaryBuilder
#                                     (lindera's directory format; the tests' reference)
#   build/dict/ipadic.pdic            patrol's compact container (crates/patrol-dict)
#
# Idempotent and cached: when the outputs exist and build/dict/.stamp matches
# the package, the converted source and the builder's code, it does nothing.
#
# Options:
#   --force    rebuild even when the stamp matches
#   --verify   rebuild into a scratch directory and check that every output
#              file is byte-identical to the existing one (determinism)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

IPADIC_DIR=build/ipadic
SRC="$IPADIC_DIR/src"
DICT=build/dict
FULL="$DICT/full"
PDIC="$DICT/ipadic.pdic"
STAMP="$DICT/.stamp"
FULL_FILES=(metadata.json char_def.bin unk.bin matrix.mtx dict.trie dict.valsidx dict.vals dict.wordsidx dict.words)

force=0
verify=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        --verify) verify=1 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "setup-dict.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

log() { echo "setup-dict: $*" >&2; }

fetch_help() {
    cat >&2 <<EOF
setup-dict: cannot get the Debian package mecab-ipadic.
It is fetched from Debian's package registry only. On a Debian/Ubuntu machine run:

    mkdir -p $ROOT/$IPADIC_DIR
    cd $ROOT/$IPADIC_DIR
    apt-get update                  # as root, if the download below fails
    apt-get download mecab-ipadic   # writes mecab-ipadic_<version>_all.deb here

then run scripts/setup-dict.sh again (it unpacks the .deb with
'dpkg -x mecab-ipadic_*.deb DIR' and converts DIR/usr/share/mecab/dic/ipadic/*.csv,*.def
from EUC-JP to UTF-8 with iconv into $IPADIC_DIR/src/).
EOF
    exit 1
}

find_deb() {
    local debs=("$IPADIC_DIR"/mecab-ipadic_*_all.deb)
    [[ -e "${debs[0]}" ]] || return 1
    # Newest version last in version order.
    printf '%s\n' "${debs[@]}" | sort -V | tail -n 1
}

download_deb() {
    command -v apt-get >/dev/null 2>&1 || { log "apt-get not found"; fetch_help; }
    mkdir -p "$IPADIC_DIR"
    log "downloading mecab-ipadic from Debian's registry (apt-get download)"
    if ! (cd "$IPADIC_DIR" && apt-get download mecab-ipadic); then
        log "download failed; running apt-get update and retrying"
        if ! apt-get update >&2 || ! (cd "$IPADIC_DIR" && apt-get download mecab-ipadic); then
            fetch_help
        fi
    fi
}

ensure_source() {
    [[ -d "$SRC" ]] && return 0
    local deb
    if ! deb="$(find_deb)"; then
        download_deb
        deb="$(find_deb)" || fetch_help
    fi
    for tool in dpkg iconv; do
        command -v "$tool" >/dev/null 2>&1 || { log "$tool is required to unpack $deb"; exit 1; }
    done
    log "unpacking $deb and converting EUC-JP -> UTF-8"
    local tmp
    tmp="$(mktemp -d "$IPADIC_DIR/unpack.XXXXXX")"
    dpkg -x "$deb" "$tmp/root"
    local dic="$tmp/root/usr/share/mecab/dic/ipadic"
    if ! compgen -G "$dic/*.csv" >/dev/null; then
        rm -rf "$tmp"
        log "$deb has no $dic/*.csv: not the expected mecab-ipadic package"
        exit 1
    fi
    mkdir "$tmp/src"
    local f
    for f in "$dic"/*.csv "$dic"/*.def; do
        iconv -f EUC-JP -t UTF-8 "$f" > "$tmp/src/$(basename "$f")"
    done
    mv "$tmp/src" "$SRC"
    rm -rf "$tmp"
}

# Hash of everything the outputs depend on.
compute_stamp() {
    local deb deb_hash src_hash code_hash lock_hash
    if deb="$(find_deb)"; then
        deb_hash="$(sha256sum "$deb" | cut -d' ' -f1)"
    else
        deb_hash=absent
    fi
    src_hash="$(cd "$SRC" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
    code_hash="$(find tools/dictgen crates/patrol-dict scripts/setup-dict.sh -type f \
        -not -path '*/target/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
    # The lindera/crawdad versions the builder links (pinned, but say so).
    lock_hash="$(grep -A1 -E '^name = "(lindera-dictionary|crawdad|rkyv)"' Cargo.lock | sha256sum | cut -d' ' -f1)"
    printf 'deb %s\nsrc %s\ncode %s\nlock %s\n' "$deb_hash" "$src_hash" "$code_hash" "$lock_hash"
}

outputs_exist() {
    [[ -f "$PDIC" ]] || return 1
    local f
    for f in "${FULL_FILES[@]}"; do
        [[ -f "$FULL/$f" ]] || return 1
    done
}

run_dictgen() { # FULL_DIR PDIC_FILE [extra args]
    local full="$1" pdic="$2"
    shift 2
    cargo run --quiet --release -p patrol-dictgen -- --src "$SRC" --full "$full" --out "$pdic" "$@"
}

ensure_source
mkdir -p "$DICT"
stamp="$(compute_stamp)"

if [[ $verify == 1 ]]; then
    outputs_exist || { log "nothing to verify: run scripts/setup-dict.sh first"; exit 1; }
    scratch="$(mktemp -d "$DICT/verify.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    log "rebuilding into $scratch to check determinism"
    run_dictgen "$scratch/full" "$scratch/ipadic.pdic" --no-brotli >/dev/null
    status=0
    for f in "${FULL_FILES[@]}"; do
        cmp -s "$FULL/$f" "$scratch/full/$f" || { log "DIFFERS: full/$f"; status=1; }
    done
    cmp -s "$PDIC" "$scratch/ipadic.pdic" || { log "DIFFERS: ipadic.pdic"; status=1; }
    if [[ $status == 0 ]]; then
        log "deterministic: a rebuild gives byte-identical files ($(sha256sum "$PDIC" | cut -c1-16)… ipadic.pdic)"
    fi
    exit $status
fi

if [[ $force == 0 ]] && outputs_exist && [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$stamp" ]]; then
    log "up to date ($PDIC, $FULL/)"
    exit 0
fi

log "building $FULL/ and $PDIC"
rm -f "$STAMP"
run_dictgen "$FULL" "$PDIC"
printf '%s\n' "$stamp" > "$STAMP"
log "done: $(sha256sum "$PDIC" | cut -c1-16)… $PDIC"
