#!/usr/bin/env bash
# The server the browser tests run against: the build `make test` made
# ($SERVER_BIN, scripts/env.sh) on a fresh SQLite database with the demo
# data, on its own port.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export LEPTOS_SITE_ADDR="${E2E_ADDR:-127.0.0.1:3100}"
dir="$(mktemp -d)"
export DATABASE_URL="sqlite://$dir/e2e.db"
export TAKAMUL_PHOTO_DIR="$dir/photos"
# The tests press "I confirmed" on the waiting page; a self-refresh racing with
# that press confuses Playwright's frame tracking, so it is slowed down here
# (its presence is checked by the integration tests).
export TAKAMUL_SIGN_IN_REFRESH_SECS=3600
# Every browser test signs in from 127.0.0.1; the limits themselves are tested by the
# integration tests, so here they only need to stay out of the way.
export TAKAMUL_SIGN_IN_LIMIT_PER_IP=10000
export TAKAMUL_SIGN_IN_LIMIT_PER_ID=10000
# Messages go out at any hour here (quiet hours are tested by the integration
# tests), so a walk that checks the simulator's inbox passes at night too.
export MESSAGING_QUIET_HOURS=00:00-00:00
"$SERVER_BIN" seed --demo >/dev/null
exec "$SERVER_BIN" serve
