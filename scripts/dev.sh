#!/usr/bin/env bash
# `make dev`: `make run` that rebuilds and restarts the server when a file
# under app/, server/, style/, public/ or migrations/ changes (checked every
# second; no watcher to install). Reload the browser page after a rebuild.
set -euo pipefail
source "$(dirname "$0")/env.sh"
scripts/install-tools.sh
export DATABASE_URL="${DATABASE_URL:-sqlite://data/takamul.db}"
stamp="$(mktemp)"
server_pid=""
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; }
trap 'stop; rm -f "$stamp"; exit 0' INT TERM
seeded=""
while true; do
  touch "$stamp"
  started=$(date +%s)
  if scripts/build-site.sh; then
    stop
    "$SERVER_BIN" migrate
    [ -n "$seeded" ] || { "$SERVER_BIN" seed --demo; seeded=1; }
    "$SERVER_BIN" serve & server_pid=$!
    printf '\033[1;32m[dev]\033[0m rebuilt and serving http://%s in %ss; watching for changes\n' \
      "$LEPTOS_SITE_ADDR" "$(( $(date +%s) - started ))"
  fi
  while [ -z "$(find app server style public migrations -newer "$stamp" -type f -print -quit)" ]; do
    sleep 1
  done
done
