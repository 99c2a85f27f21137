#!/usr/bin/env bash
# `make run`: everything from a fresh machine to a served site on SQLite with demo data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/install-tools.sh
scripts/build-site.sh
export DATABASE_URL="${DATABASE_URL:-sqlite://data/takamul.db}"
"$SERVER_BIN" migrate
"$SERVER_BIN" seed --demo
echo
echo "Open http://$LEPTOS_SITE_ADDR  (Nafath simulator: http://$LEPTOS_SITE_ADDR/nafath-simulator)"
exec "$SERVER_BIN" serve
