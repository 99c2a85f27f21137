#!/usr/bin/env bash
# Lighthouse (mobile preset, Debian Chromium) on the marketplace home, a
# product page and the course list of a running server, in Arabic (the
# language cookie) and English (the browser's en-US). Prints Performance, LCP,
# CLS and Accessibility per page, and what the LCP is. Usage: bench/lighthouse.sh [http://127.0.0.1:3000]
# Installs the npm package `lighthouse` into the tools folder on first use.
set -euo pipefail
base="${1:-http://127.0.0.1:3000}"
tools="${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}"
[ -x "$tools/node_modules/.bin/lighthouse" ] || (cd "$tools" && npm install --no-audit --no-fund lighthouse)
export CHROME_PATH=/usr/bin/chromium
product=$(curl -s "$base/market" | grep -oE '/market/products/[0-9]+' | head -1)
out="$(mktemp -d)"
printf '%-28s %12s %8s %6s %14s\n' page performance lcp_ms cls accessibility
for lang in ar en; do
for path in /market "$product" /courses; do
  headers='{}'; [ "$lang" = ar ] && headers='{"Cookie":"i18n_pref_locale=ar"}'
  "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet --output=json --output-path="$out/report.json" \
    --extra-headers="$headers" \
    --only-categories=performance,accessibility --form-factor=mobile --screenEmulation.mobile \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1
  python3 - "$out/report.json" "$path ($lang)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(f'{sys.argv[2]:<28} {c["performance"]["score"]*100:>12.0f} {a["largest-contentful-paint"]["numericValue"]:>8.0f} '
      f'{a["cumulative-layout-shift"]["numericValue"]:>6.3f} {c["accessibility"]["score"]*100:>14.0f}')
# What the LCP is and where its time goes (TTFB, load delay, load time, render delay).
def tables(details):
    if details.get("type") == "table":
        yield details
    for item in details.get("items", []):
        if isinstance(item, dict) and item.get("type") == "table":
            yield item
for table in tables(a.get("largest-contentful-paint-element", {}).get("details", {})):
    for row in table.get("items", []):
        if "node" in row:
            print("    element:", row["node"].get("snippet", "")[:110])
        elif "phase" in row:
            print(f'    {row["phase"]:<22} {row.get("timing", 0):>7.0f} ms')
PY
done
done
rm -rf "$out"
