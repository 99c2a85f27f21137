#!/usr/bin/env bash
# First-visit transfer of a page, as a phone would fetch it with brotli:
# the HTML and the CSS, JS and WASM it references (fonts and images excluded).
# Usage: bench/page-weight.sh http://127.0.0.1:3000 / /sign-in …
set -euo pipefail
base="$1"; shift
size() { curl -s -o /dev/null -H 'Accept-Encoding: br' -w '%{size_download}' "$1"; }
printf '%-24s %8s %8s %8s %8s %8s\n' page html css js wasm total
for path in "$@"; do
  html_file="$(mktemp)"
  curl -s -H 'Accept-Encoding: identity' "$base$path" -o "$html_file"
  html=$(size "$base$path")
  css=0; js=0; wasm=0
  for asset in $(grep -oE '(href|src)="/pkg/[^"]+"' "$html_file" | sed -E 's/.*"(.*)"/\1/' | sort -u); do
    n=$(size "$base$asset")
    case "$asset" in
      *.css) css=$((css + n));;
      *.js) js=$((js + n));;
    esac
  done
  # The island loader imports the module's JS and WASM even when not linked in the HTML.
  if grep -qE 'takamul\.js|\.wasm' "$html_file"; then
    for asset in /pkg/takamul.js /pkg/takamul.wasm; do
      n=$(size "$base$asset")
      case "$asset" in *.wasm) wasm=$n;; *) [ "$js" -eq 0 ] && js=$n;; esac
    done
  fi
  printf '%-24s %8s %8s %8s %8s %8s\n' "$path" "$html" "$css" "$js" "$wasm" $((html + css + js + wasm))
  rm -f "$html_file"
done
