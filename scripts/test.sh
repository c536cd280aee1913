#!/usr/bin/env bash
# Runs every test of the project, after installing and starting what the tests need
# (podman and the local images). Idempotent; a warm machine skips the installs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-podman.sh
exec mvn -B -ntp -Dstyle.color=never verify "$@"
