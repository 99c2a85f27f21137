#!/usr/bin/env bash
# Server-only crates never enter the WebAssembly build (issue 20): the
# `hydrate` dependency tree for wasm32 must name none of them. Each would add
# weight to every island page, or fail to build for the browser at all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
server_only=(
  sqlx tokio axum hyper leptos_axum reqwest rustls ring jsonwebtoken
  rust_xlsxwriter calamine csv zip image webp object_store brotli flate2
  encoding_rs icu_calendar quick_cache tempfile tracing-subscriber chrono
)
tree="$(cargo tree -p app --no-default-features --features hydrate \
  --target wasm32-unknown-unknown -e normal --prefix none | awk '{print $1}' | sort -u)"
found=()
for crate in "${server_only[@]}"; do
  if grep -qx "$crate" <<<"$tree"; then found+=("$crate"); fi
done
if [ "${#found[@]}" -gt 0 ]; then
  echo "server-only crates in the hydrate (WASM) build: ${found[*]}" >&2
  echo "(cargo tree -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -i <crate> shows why)" >&2
  exit 1
fi
echo "the hydrate (WASM) build holds no server-only crate ($(wc -l <<<"$tree") crates checked)"
