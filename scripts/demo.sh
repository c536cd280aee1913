#!/usr/bin/env bash
# The main job: an embedded control plane and an agent on this machine, pairing over mTLS and
# running a sample workload on podman. Installs podman and builds the image on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-podman.sh
# (the sed drops the colour codes Debian's Maven prints even in quiet batch mode)
mvn -B -q -ntp -Dstyle.color=never -DskipTests package 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g'
exec java -jar flotta-examples/target/flotta-examples-*-all.jar demo "$@"
