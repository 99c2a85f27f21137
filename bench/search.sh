#!/usr/bin/env bash
# The staff search's response time (issue 21 §1) on SQLite and PostgreSQL
# (server/benches/search.rs): BENCH households (default 1 000 000), generated
# once and kept (SQLite file under /var/tmp/takamul-bench, PostgreSQL
# database takamul_search_N). Goal: under 100 ms per search at 10^6.
# Prints p50/p95/max per kind of query (national ID, phone, names); figures
# of 2026-12-05 in docs/ARCHITECTURE.md, "Search".
# BENCH_RUNS sets the searches per kind (30).
# Usage: bench/search.sh [households]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
n="${1:-1000000}"
profile="${BENCH_PROFILE:-dev}"
pg_admin="${BENCH_PG_ADMIN:-${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}"
mkdir -p /var/tmp/takamul-bench
cargo bench -q -p server --bench search --profile "$profile" --no-run
if [ "${BENCH_ENGINES:-both}" != postgres ]; then
  echo "== SQLite, $n households"
  BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="sqlite:///var/tmp/takamul-bench/search-$n.db" \
    cargo bench -q -p server --bench search --profile "$profile"
fi
if [ "${BENCH_ENGINES:-both}" != sqlite ]; then
  echo "== PostgreSQL, $n households"
  psql "$pg_admin" -qtc "SELECT 1 FROM pg_database WHERE datname = 'takamul_search_$n'" | grep -q 1 \
    || psql "$pg_admin" -qc "CREATE DATABASE takamul_search_$n"
  BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="${pg_admin%/*}/takamul_search_$n" \
    cargo bench -q -p server --bench search --profile "$profile"
fi
