#!/usr/bin/env bash
# Registry and queue latencies at 10^5 and 10^6 households on SQLite and
# PostgreSQL (server/benches/coordination.rs). Generated data is kept between
# runs (SQLite files under /var/tmp/takamul-bench, PostgreSQL databases
# takamul_bench_N). Usage: bench/coordination.sh [100000 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
pg_admin="${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
mkdir -p /var/tmp/takamul-bench
for n in ${sizes[@]}; do
  echo "== SQLite, $n households"
  BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="sqlite:///var/tmp/takamul-bench/households-$n.db" \
    cargo bench -q -p server --bench coordination
  echo "== PostgreSQL, $n households"
  psql "$pg_admin" -qtc "SELECT 1 FROM pg_database WHERE datname = 'takamul_bench_$n'" | grep -q 1 \
    || psql "$pg_admin" -qc "CREATE DATABASE takamul_bench_$n"
  BENCH_HOUSEHOLDS=$n BENCH_DATABASE_URL="${pg_admin%/*}/takamul_bench_$n" \
    cargo bench -q -p server --bench coordination
done
