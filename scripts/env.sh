# Shared environment of the scripts: tool paths and the Leptos settings the
# server binary reads when it is started directly (not by cargo-leptos).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}/node_modules/.bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# The S3 server the photo bucket tests start (installed by install-tools.sh).
export TAKAMUL_TEST_S3_SERVER="${TAKAMUL_TEST_S3_SERVER:-${TAKAMUL_TOOLS_DIR:-$HOME/.cache/takamul-tools}/moto/bin/moto_server}"
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
SERVER_BIN="$CARGO_TARGET_DIR/release/server"
cd "$ROOT"
