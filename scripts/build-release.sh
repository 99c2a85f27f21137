#!/usr/bin/env bash
# `make build`: the deployable build, the same steps as `make run`'s with the
# release profile. Views keep their full types here (an empty RUSTFLAGS
# overrides .cargo/config.toml's `--cfg erase_components`, a compile-time aid
# for development builds).
set -euo pipefail
export TAKAMUL_PROFILE=release
export RUSTFLAGS=""
exec "$(dirname "$0")/build-site.sh"
