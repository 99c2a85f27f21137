#!/usr/bin/env bash
# The dashboards' response time on SQLite and PostgreSQL (server/benches/reporting.rs):
# BENCH households (default 1 000 000) and PRODUCTS published products (default
# 100 000), generated once and kept (SQLite files under /var/tmp/takamul-bench,
# PostgreSQL databases takamul_reporting_N). Goal (issue 18): p95 under 300 ms
# without a cache. BENCH_QUERIES=1 also prints each indicator group's own time;
# BENCH_RUNS sets the loads per dashboard (20).
# Measured 2026-12-04 (dev profile, 10^6 households, 10^5 products, 2 shared
# cores at load 4.7), p95 without the cache: SQLite council 238 ms, a district
# and a craft 126 ms, an association's own 130 ms; PostgreSQL 172, 34 and 272 ms
# (before migration 0028: 0.6 to 2.5 s). docs/ARCHITECTURE.md, "Reporting".
# Usage: bench/reporting.sh [households] [products]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
n="${1:-1000000}"
products="${2:-100000}"
profile="${BENCH_PROFILE:-dev}"
pg_admin="${BENCH_PG_ADMIN:-${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}"
mkdir -p /var/tmp/takamul-bench
cargo bench -q -p server --bench reporting --profile "$profile" --no-run
echo "== SQLite, $n households, $products products"
BENCH_HOUSEHOLDS=$n BENCH_PRODUCTS=$products BENCH_DATABASE_URL="sqlite:///var/tmp/takamul-bench/reporting-$n.db" \
  cargo bench -q -p server --bench reporting --profile "$profile"
echo "== PostgreSQL, $n households, $products products"
psql "$pg_admin" -qtc "SELECT 1 FROM pg_database WHERE datname = 'takamul_reporting_$n'" | grep -q 1 \
  || psql "$pg_admin" -qc "CREATE DATABASE takamul_reporting_$n"
BENCH_HOUSEHOLDS=$n BENCH_PRODUCTS=$products BENCH_DATABASE_URL="${pg_admin%/*}/takamul_reporting_$n" \
  cargo bench -q -p server --bench reporting --profile "$profile"
