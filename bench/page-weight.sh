#!/usr/bin/env bash
# What a phone downloads per page (issue 20's budgets): the islands' JS + WASM
# as the release build ships them (scripts/build-wasm.sh: wasm-release
# profile, wasm-bindgen, wasm-opt -Oz, the glue minified; brotli), and for
# each page whether it loads them at once (an island page), on demand (the
# basket's pages: `public/basket.js`), or not at all. Budget: a page that loads WASM, at most 80 KB brotli of JS +
# WASM; public pages without an island, zero.
# Usage: bench/page-weight.sh [base URL of a running server, default: start one]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="$(mktemp -d)"
trap 'rm -rf "$out"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true' EXIT

echo "== the islands' WebAssembly, release build"
scripts/build-wasm.sh wasm-release "$out"
cp public/basket.js "$out/"
# The server's own precompression (the same brotli the site is served with).
"$SERVER_BIN" precompress "$out" >/dev/null
br() { stat -c %s "$1.br"; }
wasm_br=$(br "$out/takamul.wasm"); js_br=$(br "$out/takamul.js"); loader_br=$(br "$out/basket.js")
printf '%-28s %10s %10s\n' file raw brotli
printf '%-28s %10s %10s\n' takamul.wasm "$(stat -c %s "$out/takamul.wasm")" "$wasm_br"
printf '%-28s %10s %10s\n' takamul.js "$(stat -c %s "$out/takamul.js")" "$js_br"
printf '%-28s %10s %10s\n' basket.js "$(stat -c %s "$out/basket.js")" "$loader_br"
total=$((wasm_br + js_br))
printf 'JS + WASM of an island page: %d bytes brotli (budget 81920): %s\n' "$total" \
  "$([ "$total" -le 81920 ] && echo within || echo OVER)"

base="${1:-}"
if [ -z "$base" ]; then
  export E2E_ADDR=127.0.0.1:3190
  bash scripts/e2e-server.sh >/dev/null 2>&1 & server_pid=$!
  base="http://$E2E_ADDR"
  for _ in $(seq 60); do curl -sf "$base/healthz" >/dev/null && break; sleep 1; done
fi
echo
echo "== pages (anonymous visitor; signed-in pages are measured by their path's rule)"
printf '%-34s %-10s %s\n' page scripts "JS + WASM brotli at first visit"
for path in / /market /market/search?q=%D8%B9%D8%B3%D9%84 /market/shops/1 /market/products/1 /training /sign-in; do
  html="$(curl -s "$base$path")"
  if grep -q 'pkg/takamul.js' <<<"$html" && grep -q 'hydrateIslands\|__hydrateIsland' <<<"$html"; then
    printf '%-34s %-10s %d\n' "$path" islands "$total"
  elif grep -q 'src="/basket.js"' <<<"$html"; then
    printf '%-34s %-10s %d (+%d at the first "add")\n' "$path" on-demand "$loader_br" "$total"
  else
    printf '%-34s %-10s %d\n' "$path" none 0
  fi
done
