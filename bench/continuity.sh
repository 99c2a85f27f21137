#!/usr/bin/env bash
# The continuity recompute on SQLite and PostgreSQL (server/benches/continuity.rs):
# a full run over BENCH households (default 100 000) and the per-event update
# of one. Generated data is kept between runs (SQLite files under
# /var/tmp/takamul-bench, PostgreSQL databases takamul_continuity_N).
# Goal (issue 17): a full run under 30 s, a per-event update under 10 ms.
# Usage: bench/continuity.sh [households]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
n="${1:-100000}"
profile="${BENCH_PROFILE:-dev}"
pg_admin="${BENCH_PG_ADMIN:-${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}"
mkdir -p /var/tmp/takamul-bench
cargo bench -q -p server --bench continuity --profile "$profile" --no-run
echo "== SQLite, $n households"
BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="sqlite:///var/tmp/takamul-bench/continuity-$n.db" \
  cargo bench -q -p server --bench continuity --profile "$profile"
echo "== PostgreSQL, $n households"
psql "$pg_admin" -qtc "SELECT 1 FROM pg_database WHERE datname = 'takamul_continuity_$n'" | grep -q 1 \
  || psql "$pg_admin" -qc "CREATE DATABASE takamul_continuity_$n"
BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="${pg_admin%/*}/takamul_continuity_$n" \
  cargo bench -q -p server --bench continuity --profile "$profile"
