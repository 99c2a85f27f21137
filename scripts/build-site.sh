#!/usr/bin/env bash
# Builds what the server serves, without cargo-leptos: the server binary
# (profile $TAKAMUL_PROFILE), the site folder (public/ assets and the minified
# stylesheet), the islands' WASM when the app has islands, and brotli/gzip
# copies of the static files. `cargo leptos` is only needed for `make dev`'s
# live reload; these are the same steps, in a script one can read.
set -euo pipefail
source "$(dirname "$0")/env.sh"
log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

log "server ($TAKAMUL_PROFILE profile)"
cargo build -p server --profile "$TAKAMUL_PROFILE"

log "site: $LEPTOS_SITE_ROOT"
pkg="$LEPTOS_SITE_ROOT/$LEPTOS_SITE_PKG_DIR"
mkdir -p "$pkg"
cp -r public/. "$LEPTOS_SITE_ROOT/"
# The same browser targets cargo-leptos used (`browserquery = "defaults"`).
lightningcss --minify --bundle --targets defaults style/main.css -o "$pkg/$LEPTOS_OUTPUT_NAME.css"

if app_has_islands; then
  if [ "$TAKAMUL_PROFILE" = dev ]; then wasm_profile=dev; else wasm_profile=wasm-release; fi
  log "islands: WASM ($wasm_profile profile)"
  scripts/build-wasm.sh "$wasm_profile" "$pkg"
else
  log "no #[island] in app/src: no WASM to build"
  rm -f "$pkg/$LEPTOS_OUTPUT_NAME.js" "$pkg/$LEPTOS_OUTPUT_NAME.wasm"*
fi

"$SERVER_BIN" precompress "$LEPTOS_SITE_ROOT"
wasm="$pkg/$LEPTOS_OUTPUT_NAME.wasm"
if [ -f "$wasm" ]; then
  printf 'WASM: %s bytes raw, %s bytes brotli, %s bytes gzip\n' \
    "$(stat -c %s "$wasm")" "$(stat -c %s "$wasm.br")" "$(stat -c %s "$wasm.gz")"
fi
