#!/usr/bin/env bash
# Installs, from the package registries only, every tool the build and tests need.
# Tools already present at the right version are reused, never rebuilt.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
MOTO_VERSION=5.2.5
LIGHTNINGCSS_VERSION=1.33.0
# Minifies the islands' JS glue in release builds.
ESBUILD_VERSION=0.25.12
source "$(dirname "$0")/env.sh"

log() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }


if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The stylesheet's minifier (prebuilt, from npm); and, only when the app has
# islands, the WASM tools. cargo-leptos is not needed to build or test: it is
# installed by `make dev` for its live reload, on first use.
npm_tools=("lightningcss-cli@$LIGHTNINGCSS_VERSION")
if app_has_islands; then
  if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the app has islands)"
    # Not --locked: its lock file pins a yanked webpki-roots.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  # binaryen from npm: Debian's binaryen 108 produces wasm that breaks hydration.
  npm_tools+=("binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION")
fi
# `npm ls name@version` answers 0 for a package that is not there at all, so
# each one's installed version is read from its package.json.
npm_installed() {
  local tool name version
  for tool in "${npm_tools[@]}"; do
    name="${tool%@*}"; version="${tool##*@}"
    grep -q "\"version\": \"$version\"" "$TOOLS_DIR/node_modules/$name/package.json" 2>/dev/null || return 1
  done
}
if ! npm_installed; then
  log "installing ${npm_tools[*]} from npm"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && { [ -f package.json ] || echo '{"private":true}' > package.json; } && npm install --no-audit --no-fund "${npm_tools[@]}")
fi

if ! [ -x /usr/bin/chromium ]; then
  log "installing Debian chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi

if [ -d "$ROOT/end2end" ] && ! [ -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
  log "installing the Playwright test runner (no browser download)"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# moto's S3 server: the tests' stand-in for an S3-compatible photo bucket
# (it speaks the S3 protocol; the real client is what is tested).
if ! [ -x "$TOOLS_DIR/moto/bin/moto_server" ] || ! "$TOOLS_DIR/moto/bin/pip" show moto 2>/dev/null | grep "Version: $MOTO_VERSION" >/dev/null; then
  log "installing moto $MOTO_VERSION (a local S3 server for the photo bucket tests) from PyPI"
  python3 -m venv "$TOOLS_DIR/moto"
  "$TOOLS_DIR/moto/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi

log "tools ready: lightningcss $(lightningcss --version)$(app_has_islands && echo ", $(wasm-bindgen --version), wasm-opt $(wasm-opt --version), esbuild $(esbuild --version)")"
