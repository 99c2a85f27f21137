#!/usr/bin/env bash
# Release build: server + islands WASM (wasm-release profile, wasm-opt),
# then brotli/gzip copies of the static assets.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cargo leptos build --release
"$SERVER_BIN" precompress "$LEPTOS_SITE_ROOT"
wasm="$LEPTOS_SITE_ROOT/pkg/takamul.wasm"
if [ -f "$wasm" ]; then
  printf 'WASM: %s bytes raw, %s bytes brotli, %s bytes gzip\n' \
    "$(stat -c %s "$wasm")" "$(stat -c %s "$wasm.br")" "$(stat -c %s "$wasm.gz")"
fi
