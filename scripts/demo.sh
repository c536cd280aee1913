#!/usr/bin/env bash
# The main job: an embedded control plane and an agent on this machine, pairing over mTLS and
# running a sample workload on podman. Installs podman and builds the image on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-podman.sh
mvn -B -q -ntp -Dstyle.color=never -DskipTests package
exec java -jar flotta-examples/target/flotta-examples-*-all.jar demo "$@"
