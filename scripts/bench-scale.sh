#!/usr/bin/env bash
# The scale benchmark: for each scenario, a fresh control plane (`flotta server`, its own JVM) and
# the device simulator (`flotta simulate`, another JVM) on this machine, over loopback. Prints each
# run's table, then one summary row per run (Markdown, as in docs/performance.md). Stops by itself.
#
# Environment (all optional):
#   SCENARIOS    which runs, in order (default: every one below; "grpc-*" runs need the grpc provider)
#   DURATION     seconds each fleet runs after pairing (default 90; with 60 s heartbeats every device
#                sends at least one heartbeat, most two)
#   HEARTBEAT    heartbeat period in seconds (default 60)
#   MAX_DEVICES  devices in the "max" run (default 17000: each side keeps about one connection per
#                device, and a process may hold 20,000 open files here)
#   WORKLOADS    workload mix, count=percent pairs (default 0=50,1=30,3=20)
#   PAIRING      devices pairing at once (default 4: two per core keeps the CPU busy; more only queues)
#   WARMUP       devices paired (then stopped) before each measured fleet, so that pairing is
#                measured with both JVMs warm, as a control plane in service is (default 0: cold;
#                the warm rows of docs/performance.md use 10000: code that runs once per pairing
#                reaches the JIT's last tier only after several thousand pairings)
#   SERVER_HEAP, SIMULATOR_HEAP  -Xmx of the two JVMs (default 2g and 3g)
#   AOT          with JDK 25 or later (the `java` on PATH), 1 (default) first runs a training fleet
#                of 1,000 devices that leaves an ahead-of-time cache for each of the two JVMs
#                (-XX:AOTCacheOutput); every run then starts with it (-XX:AOTCache): classes come
#                loaded and linked, and methods come with the profiles their compilation needs, so
#                less of a fresh JVM's CPU goes into warming up. 0 turns it off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

DURATION="${DURATION:-90}"
HEARTBEAT="${HEARTBEAT:-60}"
MAX_DEVICES="${MAX_DEVICES:-17000}"
WORKLOADS="${WORKLOADS:-0=50,1=30,3=20}"
SCENARIOS="${SCENARIOS:-http-1000 upstream-1000 grpc-1000 http-10000 upstream-10000 http-max}"

echo "building the runnable jar..." >&2
mvn -B -q -ntp -Dstyle.color=never -DskipTests package -pl flotta-examples -am 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g'
jars=(flotta-examples/target/flotta-examples-*-all.jar)

work="$(mktemp -d /tmp/flotta-bench.XXXXXX)"
# a copy: a rebuild while the benchmark runs must not change the classes under the running JVMs
jar="$work/flotta.jar"
cp "${jars[0]}" "$jar"
summary="$work/summary.md"
header="$work/header.md"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

java_version="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB, $(uname -srm); open files: $(ulimit -n); java $java_version"
echo "results in $work"
server_aot=()
simulator_aot=()

# The machine's speed at the moment: P-256 signatures per second on one core (OpenSSL, 2 s). Our
# machines are shared, and their speed moves by a third between hours; measured before and after
# each run, it says which runs can be compared.
machine_speed() {
  openssl speed -seconds 2 -mr ecdsap256 2>/dev/null | awk -F: '/^\+F4:/ {printf "%.0f", $4; found=1} END {if (!found) printf "-"}'
}

# run NAME DEVICES TRANSPORT [simulate options...]
run() {
  local name="$1" devices="$2" transport="$3"
  shift 3
  local dir="$work/$name"
  mkdir -p "$dir"
  echo
  echo "=== $name: $devices devices over $transport $* (warm-up ${WARMUP:-0}; $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
  local speed_before speed_after
  speed_before="$(machine_speed)"
  java -Xmx"${SERVER_HEAP:-2g}" "${server_aot[@]}" -jar "$jar" server --data-dir "$dir/data" --bundle "$dir/data/bootstrap" \
    --port 0 --grpc-port 0 --admin-port 0 --no-object-store --heartbeat-seconds "$HEARTBEAT" \
    >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    [[ -f "$dir/data/admin-url" && -f "$dir/data/bootstrap/bundle.json" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name: the control plane did not start:" >&2
      tail -5 "$dir/server.log" >&2
      server_pid=""
      return 0
    fi
    sleep 0.5
  done
  if java -Xmx"${SIMULATOR_HEAP:-3g}" "${simulator_aot[@]}" -jar "$jar" simulate --devices "$devices" --transport "$transport" \
      --bundle "$dir/data/bootstrap" --admin-dir "$dir/data" --duration "$DURATION" \
      --heartbeat-seconds "$HEARTBEAT" --workloads "$WORKLOADS" --json "$dir/report.json" --pairing-concurrency "${PAIRING:-4}" --warm-up "${WARMUP:-0}" "$@" \
      2>"$dir/simulator.log" | tee "$dir/table.txt"; then
    speed_after="$(machine_speed)"
    echo "machine speed (P-256 signatures per second on one core): $speed_before before, $speed_after after"
    [[ -s "$header" ]] || grep '^summary header: ' "$dir/table.txt" | sed -e 's/^summary header: //; s/$/ machine speed before\/after |/' >"$header" || true
    grep '^summary: ' "$dir/table.txt" | sed -e "s/^summary: //; s/\$/ $speed_before \/ $speed_after |/" >>"$summary" || true
  else
    echo "$name failed; last simulator lines:" >&2
    grep -v ' INFO ' "$dir/simulator.log" | tail -5 >&2 || true
  fi
  stop_server
}

if [[ "${AOT:-1}" == "1" && "${java_version%%.*}" -ge 25 ]]; then
  echo
  echo "=== training run for the ahead-of-time caches (not measured)"
  server_aot=(-XX:AOTCacheOutput="$work/server.aot")
  simulator_aot=(-XX:AOTCacheOutput="$work/simulator.aot")
  WARMUP=0 HEARTBEAT=5 run training 1000 http --fan-out >/dev/null
  if [[ -s "$work/server.aot" && -s "$work/simulator.aot" ]]; then
    server_aot=(-XX:AOTCache="$work/server.aot")
    simulator_aot=(-XX:AOTCache="$work/simulator.aot")
  else
    echo "no ahead-of-time cache was made; running without" >&2
    server_aot=()
    simulator_aot=()
  fi
  : >"$summary"
fi

for scenario in $SCENARIOS; do
  transport="${scenario%%-*}"
  count="${scenario#*-}"
  [[ "$count" == "max" ]] && count="$MAX_DEVICES"
  case "$transport" in
    upstream) run "$scenario" "$count" http --upstream-poll --fan-out ;;
    *) run "$scenario" "$count" "$transport" --fan-out ;;
  esac
done

echo
echo "summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sr)):"
if [[ -s "$header" ]]; then
  cat "$header"
  # the separator line: one "---" per column of the header
  sed -e 's/[^|]//g; s/|/---|/g; s/^---//' "$header"
fi
cat "$summary" 2>/dev/null || true
