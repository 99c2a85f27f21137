#!/usr/bin/env bash
# Marketplace at scale: generates N published products (default 100 000, across
# N/10 shops, with photos) once, then measures with wrk (64 connections):
# - home and search requests per second, side by side with nginx serving the
#   same HTML bytes as static files (same tool, same run);
# - search latency p50/p95/p99 over a mix of Arabic queries and filters, with
#   pages kept in memory (the default) and, on a second server, without (every
#   request renders: what a crawler walking new filter combinations costs);
# - the first-visit brotli transfer of the public pages (bench/page-weight.sh).
# Usage: bench/market.sh [sqlite|postgres] [N]   (release build first: make build)
set -euo pipefail
cd "$(dirname "$0")/.."
# The release binary (make build) is what a benchmark measures.
export TAKAMUL_PROFILE="${TAKAMUL_PROFILE:-release}"
source scripts/env.sh
engine="${1:-sqlite}"; n="${2:-100000}"
work=/var/tmp/takamul-bench; mkdir -p "$work"
port=3200; nginx_port=3201; duration="${BENCH_SECONDS:-10}"
export TAKAMUL_PHOTO_DIR="$work/market-$engine-$n-photos"
if [ "$engine" = postgres ]; then
  admin="${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
  db="takamul_bench_market_$n"
  psql "$admin" -qtc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || psql "$admin" -qc "CREATE DATABASE $db"
  export DATABASE_URL="${admin%/*}/$db"
  existing=$(psql "$DATABASE_URL" -qtAc "SELECT COUNT(*) FROM products" 2>/dev/null || echo 0)
else
  export DATABASE_URL="sqlite://$work/market-$n.db"
  existing=$(sqlite3 "$work/market-$n.db" "SELECT COUNT(*) FROM products" 2>/dev/null || echo 0)
fi
if [ "${existing:-0}" -lt "$n" ]; then
  "$SERVER_BIN" seed --demo --products "$n"
fi
uncached_port=3202
wait_up() { for _ in $(seq 60); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.5; done; }
LEPTOS_SITE_ADDR="127.0.0.1:$port" "$SERVER_BIN" serve >"$work/market-server.log" 2>&1 &
server=$!
trap 'kill $server ${uncached:-} 2>/dev/null; [ -n "${nginx_pid:-}" ] && kill $nginx_pid 2>/dev/null; true' EXIT
# One at a time: the first applies any new migration (SQLite has no
# migration lock for a second server to wait on).
wait_up $port
LEPTOS_SITE_ADDR="127.0.0.1:$uncached_port" TAKAMUL_PAGE_CACHE_MB=0 \
  "$SERVER_BIN" serve >"$work/market-server-uncached.log" 2>&1 &
uncached=$!
wait_up $uncached_port

# The same bytes as static files behind nginx.
static="$work/nginx"; mkdir -p "$static/root"
q=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("معمول"))')
curl -s "http://127.0.0.1:$port/market" -o "$static/root/market.html"
curl -s "http://127.0.0.1:$port/market/search?q=$q" -o "$static/root/search.html"
cat >"$static/nginx.conf" <<CONF
worker_processes 2;
pid $static/nginx.pid;
error_log $static/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; }
  server { listen 127.0.0.1:$nginx_port; root $static/root; }
}
CONF
nginx -c "$static/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 1

# wrk prints req/s and, through this script, the latency percentiles.
cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
# A mix of searches: Arabic words with and without the article or diacritics, filters, sorts, pages.
mix=()
for word in "معمول" "المعمول" "مَعْمُول" "بخور" "كعك بالسمسم" "جلابية مطرز" "صابون طبيعي" "بهارات"; do
  e=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$word")
  mix+=("/market/search?q=$e" "/market/search?q=$e&sort=price_low&page=2")
done
mix+=("/market/search?category=sweets&max=100" "/market/search?city=1&delivery=1&available=1")
{
  echo 'local paths = {'
  printf '  "%s",\n' "${mix[@]}"
  echo '}'
  cat <<'LUA'
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
} >"$work/searches.lua"
cat "$work/percentiles.lua" >>"$work/searches.lua"

run() { # label url [script]
  printf '%-34s' "$1"
  wrk -t2 -c64 -d"${duration}s" -s "${3:-$work/percentiles.lua}" "$2" | awk '/Requests\/sec/ {printf "%10.0f req/s\n", $2} /p50/ {print}'
}
echo "== $engine, $n products, 64 connections, ${duration}s each"
run "home, takamul" "http://127.0.0.1:$port/market"
run "home, nginx (same bytes)" "http://127.0.0.1:$nginx_port/market.html"
run "search 'معمول', takamul" "http://127.0.0.1:$port/market/search?q=$q"
run "search 'معمول', nginx (same bytes)" "http://127.0.0.1:$nginx_port/search.html"
run "search mix (18 queries), takamul" "http://127.0.0.1:$port" "$work/searches.lua"
echo "== the same server with no page kept in memory (TAKAMUL_PAGE_CACHE_MB=0)"
run "home, rendered each time" "http://127.0.0.1:$uncached_port/market"
run "search 'معمول', rendered each time" "http://127.0.0.1:$uncached_port/market/search?q=$q"
run "search mix, rendered each time" "http://127.0.0.1:$uncached_port" "$work/searches.lua"
echo "== each search of the mix alone, rendered each time: median of 9 sequential requests, ms"
for path in "${mix[@]}"; do
  for _ in $(seq 9); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$uncached_port$path"
  done | sort -n | sed -n 5p | awk -v p="$path" '{printf "  %7.1f  %s\n", $1 * 1000, p}'
done
product=$(grep -oE '/market/products/[0-9]+' "$static/root/market.html" | head -1)
echo "== first-visit transfer (brotli), bytes"
bench/page-weight.sh "http://127.0.0.1:$port" /market "/market/search?q=$q" "$product"
