#!/usr/bin/env bash
# Lighthouse (mobile preset, Debian Chromium) on the marketplace home, a
# product page and the course list of a running server. Prints Performance, LCP, CLS and
# Accessibility per page. Usage: bench/lighthouse.sh [http://127.0.0.1:3000]
# Installs the npm package `lighthouse` into the tools folder on first use.
set -euo pipefail
base="${1:-http://127.0.0.1:3000}"
tools="${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}"
[ -x "$tools/node_modules/.bin/lighthouse" ] || (cd "$tools" && npm install --no-audit --no-fund lighthouse)
export CHROME_PATH=/usr/bin/chromium
product=$(curl -s "$base/market" | grep -oE '/market/products/[0-9]+' | head -1)
out="$(mktemp -d)"
printf '%-28s %12s %8s %6s %14s\n' page performance lcp_ms cls accessibility
for path in /market "$product" /courses; do
  "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet --output=json --output-path="$out/report.json" \
    --only-categories=performance,accessibility --form-factor=mobile --screenEmulation.mobile \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1
  python3 - "$out/report.json" "$path" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(f'{sys.argv[2]:<28} {c["performance"]["score"]*100:>12.0f} {a["largest-contentful-paint"]["numericValue"]:>8.0f} '
      f'{a["cumulative-layout-shift"]["numericValue"]:>6.3f} {c["accessibility"]["score"]*100:>14.0f}')
PY
done
rm -rf "$out"
