#!/usr/bin/env bash
# `make build`: the deployable build (release profile), the same steps as `make run`'s.
set -euo pipefail
export TAKAMUL_PROFILE=release
exec "$(dirname "$0")/build-site.sh"
