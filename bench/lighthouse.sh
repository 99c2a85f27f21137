#!/usr/bin/env bash
# Lighthouse (mobile preset, Debian Chromium) on the marketplace home, a
# product page and the course list of a running server (`public`), and on the
# island pages of issue 20 as their users see them (`signed-in`): the
# registration wizard of a family, the product form of a family with a shop
# (opened over HTTP when missing) and the trainer's attendance sheet, signed
# in through the Nafath simulator (bench/sign-in.py) with the session cookie
# passed in --extra-headers. In Arabic (the language cookie) and English (the
# browser's en-US). Prints Performance, Total Blocking Time, LCP, CLS and
# Accessibility per page, and what the LCP is. Issue 20's goal on the island
# pages: performance >= 95 and TBT <= 100 ms (the release build counts).
# Usage: bench/lighthouse.sh [http://127.0.0.1:3000] [public|signed-in|all]
# Installs the npm package `lighthouse` into the tools folder on first use.
set -euo pipefail
base="${1:-http://127.0.0.1:3000}"
mode="${2:-all}"
here="$(cd "$(dirname "$0")" && pwd)"
tools="${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}"
[ -x "$tools/node_modules/.bin/lighthouse" ] || (cd "$tools" && npm install --no-audit --no-fund lighthouse)
export CHROME_PATH=/usr/bin/chromium
out="$(mktemp -d)"
# One line per page to measure: its path and the session cookie it is seen with (or "-").
pages=()
if [ "$mode" != signed-in ]; then
  product=$(curl -s "$base/market" | grep -oE '/market/products/[0-9]+' | head -1)
  pages+=("/market -" "$product -" "/courses -")
fi
if [ "$mode" != public ]; then
  # The demo's people on a fresh database: a family with no household yet (the
  # wizard), and the trainer, who gets a shop and a draft product for the form.
  family=$(python3 "$here/sign-in.py" "$base" 1000000065)
  pages+=("/household $family")
  { read -r seller; read -r editor; } < <(python3 "$here/sign-in.py" "$base" 1000000057 --product)
  pages+=("$editor $seller")
  trainer=$(python3 "$here/sign-in.py" "$base" 1000000057)
  course=$(curl -s -H "Cookie: $trainer" "$base/training" | grep -oE '/training/courses/[0-9]+' | head -1)
  pages+=("$course/attendance $trainer")
fi
printf '%-34s %12s %7s %8s %6s %14s\n' page performance tbt_ms lcp_ms cls accessibility
for lang in ar en; do
for entry in "${pages[@]}"; do
  path="${entry%% *}"; session="${entry#* }"
  cookie=""; [ "$session" != - ] && cookie="$session"
  [ "$lang" = ar ] && cookie="${cookie:+$cookie; }i18n_pref_locale=ar"
  headers='{}'; [ -n "$cookie" ] && headers="{\"Cookie\":\"$cookie\"}"
  "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet --output=json --output-path="$out/report.json" \
    --extra-headers="$headers" \
    --only-categories=performance,accessibility --form-factor=mobile --screenEmulation.mobile \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1
  [ -n "${LIGHTHOUSE_KEEP:-}" ] && cp "$out/report.json" "$out/$(tr / _ <<<"$path")-$lang.json"
  python3 - "$out/report.json" "$path ($lang)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(f'{sys.argv[2]:<34} {c["performance"]["score"]*100:>12.0f} {a["total-blocking-time"]["numericValue"]:>7.0f} '
      f'{a["largest-contentful-paint"]["numericValue"]:>8.0f} '
      f'{a["cumulative-layout-shift"]["numericValue"]:>6.3f} {c["accessibility"]["score"]*100:>14.0f}')
# A signed-in page that answered the sign-in page instead is not measured.
if r.get("finalDisplayedUrl", r.get("finalUrl", "")).split("?")[0].endswith("/sign-in"):
    print("    NOT SIGNED IN: the page redirected to /sign-in")
# Below the goal: the diagnostics that say why (main-thread time, blocking resources).
if c["performance"]["score"] < 0.95 or a["total-blocking-time"]["numericValue"] > 100:
    for key in ("first-contentful-paint", "speed-index", "interactive", "server-response-time",
                "render-blocking-resources", "render-blocking-insight", "bootup-time",
                "mainthread-work-breakdown", "long-tasks", "total-byte-weight", "unused-javascript"):
        audit = a.get(key)
        if audit and audit.get("displayValue"):
            print(f'    {audit["title"][:60]:<60} {audit["displayValue"]}')
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
if [ -n "${LIGHTHOUSE_KEEP:-}" ]; then echo "reports: $out"; else rm -rf "$out"; fi
