#!/usr/bin/env bash
# Import speed on SQLite and PostgreSQL (server/benches/import.rs): a
# households file of BENCH_ROWS rows (default 10 000) and a benefits file of
# as many, each read, dry-run, stored and committed; prints rows per second.
# Each engine gets a fresh database (removed afterwards). The development
# profile is the default (what `make test` already built; a release build
# is faster still): BENCH_PROFILE=release bench/import.sh for the release one.
# Usage: bench/import.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rows="${1:-10000}"
profile="${BENCH_PROFILE:-dev}"
pg_admin="${BENCH_PG_ADMIN:-${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}"
dir="$(mktemp -d /var/tmp/takamul-import-bench.XXXXXX)"
pg_db="takamul_import_bench_$$"
cleanup() {
  rm -rf "$dir"
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cargo bench -q -p server --bench import --profile "$profile" --no-run
echo "== SQLite, $rows rows"
BENCH_ROWS=$rows BENCH_DATABASE_URL="sqlite://$dir/import.db" \
  cargo bench -q -p server --bench import --profile "$profile"
echo "== PostgreSQL, $rows rows"
psql "$pg_admin" -qc "CREATE DATABASE $pg_db"
BENCH_ROWS=$rows BENCH_DATABASE_URL="${pg_admin%/*}/$pg_db" \
  cargo bench -q -p server --bench import --profile "$profile"
