#!/usr/bin/env bash
# "Our families" exported at scale on SQLite and PostgreSQL (server/benches/export.rs):
# ROWS households (default 100 000) served by one association, downloaded as CSV and
# XLSX over HTTP; prints size, time and the server's peak memory during each download.
# The test process is the server: the bytes received are counted, not kept.
# Measured 2026-12-04 (dev profile, 2 shared cores at load ~5, 100 000 rows):
# SQLite CSV 6.9 s, XLSX 9.1 s; PostgreSQL CSV 6.8 s, XLSX 10.1 s; the server's
# peak memory +3 to +11 MiB. (PostgreSQL did not finish within the client's
# 60 s before the batch read was grouped: docs/ARCHITECTURE.md, "Large lists".)
# Usage: bench/export.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rows="${1:-100000}"
profile="${BENCH_PROFILE:-dev}"
export TAKAMUL_TEST_POSTGRES_URL="${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
cargo bench -q -p server --bench export --profile "$profile" --no-run
for engine in sqlite postgres; do
  echo "== $engine, $rows rows"
  BENCH_ROWS=$rows BENCH_ENGINE=$engine cargo bench -q -p server --bench export --profile "$profile"
done
