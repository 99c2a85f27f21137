# Shared environment of the scripts: tool paths and the Leptos settings the
# server binary reads when it is started directly.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# The S3 server the photo bucket tests start (installed by install-tools.sh).
export TAKAMUL_TEST_S3_SERVER="${TAKAMUL_TEST_S3_SERVER:-$TOOLS_DIR/moto/bin/moto_server}"
# Read at compile time too (leptos_config falls back to it): set before any cargo command.
export LEPTOS_OUTPUT_NAME=takamul
export LEPTOS_SITE_ROOT="$ROOT/target/site"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_ENV="${LEPTOS_ENV:-PROD}"
# The server's default is production (Secure cookies, real Nafath, no demo
# data). These scripts run the local demo, so they ask for development and the
# Nafath simulator by name; the simulator still listens on loopback only.
export TAKAMUL_ENV="${TAKAMUL_ENV:-development}"
export NAFATH_MODE="${NAFATH_MODE:-simulator}"
# Messages to families go to the loopback messaging simulator (/messaging-simulator).
export MESSAGING_MODE="${MESSAGING_MODE:-simulator}"
# Which cargo profile `make run`, `make dev` and the browser tests serve: `dev`
# shares every compiled crate with `make test` (docs/ARCHITECTURE.md, "The build",
# has the measurements); `make build` makes the `release` binary for deployment.
export TAKAMUL_PROFILE="${TAKAMUL_PROFILE:-dev}"
if [ "$TAKAMUL_PROFILE" = dev ]; then
  SERVER_BIN="$CARGO_TARGET_DIR/debug/server"
else
  SERVER_BIN="$CARGO_TARGET_DIR/$TAKAMUL_PROFILE/server"
fi
# Whether any component is an `#[island]`: only then is there WASM to build.
app_has_islands() { grep -rqE '^\s*#\[(leptos::)?island' "$ROOT/app/src"; }
cd "$ROOT"
