#!/usr/bin/env bash
# Debian's Chromium for the browser tests (driven by playwright-core with
# executablePath /usr/bin/chromium; test tools cannot download browsers here), poppler-utils
# for pdftotext (the forms' PDF checks), CJK fonts so Japanese renders in screenshots and PDFs,
# and openssl for the local HTTPS server that serves fixtures under real host names.
# Only what is missing, with --no-install-recommends (a full install has pulled in a broken
# systemd upgrade on these machines). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
    echo "setup-browser: installing ${missing[*]}" >&2
    run() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo -n "$@"; fi; }
    run apt-get update -q >&2
    run apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
echo "setup-browser: $(chromium --version 2>/dev/null || echo 'chromium ?')" >&2
