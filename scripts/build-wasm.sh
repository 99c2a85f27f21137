#!/usr/bin/env bash
# The islands' WebAssembly and its JS glue as the site serves them: cargo
# (wasm32, `hydrate`) → wasm-bindgen → in release, wasm-opt -Oz and the glue
# minified (esbuild). Used by build-site.sh and bench/page-weight.sh, so the
# budget is measured on what is shipped.
# Usage: scripts/build-wasm.sh <dev|wasm-release> <output folder>
set -euo pipefail
source "$(dirname "$0")/env.sh"
profile="$1"
out="$2"
if [ "$profile" = dev ]; then dir=debug; else dir="$profile"; fi
# Its own target folder, so the hydrate features never invalidate the server's crates.
CARGO_TARGET_DIR="$CARGO_TARGET_DIR/front" cargo build -p app --lib \
  --target wasm32-unknown-unknown --no-default-features --features hydrate --profile "$profile"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$LEPTOS_OUTPUT_NAME" \
  "$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/$dir/app.wasm"
mv "$out/${LEPTOS_OUTPUT_NAME}_bg.wasm" "$out/$LEPTOS_OUTPUT_NAME.wasm"
if [ "$profile" != dev ]; then
  wasm-opt -Oz --converge --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/$LEPTOS_OUTPUT_NAME.wasm" -o "$out/$LEPTOS_OUTPUT_NAME.wasm"
  # The glue is plain ES: minified it is about 6 KB brotli instead of 8.
  esbuild "$out/$LEPTOS_OUTPUT_NAME.js" --minify --format=esm --target=es2020 \
    --log-level=warning --allow-overwrite --outfile="$out/$LEPTOS_OUTPUT_NAME.js"
fi
