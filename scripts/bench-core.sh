#!/usr/bin/env bash
# Benchmarks the control-plane engine (configuration fetches and heartbeats through the device API,
# embedded SQLite store and CA, a paired fleet) with JMH, at settings modest enough for a shared
# 2-vCPU machine: one fork, 2 warm-up and 3 measured iterations of 2 s per benchmark.
#
#   scripts/bench-core.sh                       # every benchmark of ControlPlaneBenchmark
#   scripts/bench-core.sh heartbeat             # those whose name matches a regular expression
#   scripts/bench-core.sh TlsHandshakeBenchmark # another class: the public-key work of pairing
#   scripts/bench-core.sh dataIn -prof gc       # anything after the pattern goes to JMH as is
#
# Results: printed, and written as JSON to flotta-core/target/jmh-result.json.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern=${1:-}
[[ $# -gt 0 ]] && shift

mvn -B -q -ntp -pl flotta-core -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

cd flotta-core
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main "${pattern:-ControlPlaneBenchmark}" \
    -f 1 -wi 2 -w 2s -i 3 -r 2s \
    -rf json -rff target/jmh-result.json \
    "$@"
