#!/usr/bin/env bash
# Runs every test of the project, after installing what the tests need: podman and the local
# images, and a real Kubernetes API server built from Debian's sources (cached under
# ~/.cache/flotta; the Kubernetes tests start and stop their own clusters). Idempotent; a warm
# machine skips the installs and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-podman.sh
./scripts/setup-kube.sh
exec mvn -B -ntp -Dstyle.color=never verify "$@"
