#!/usr/bin/env bash
# Stops the control plane that kube-up.sh started in DIR (default: $TMPDIR/flotta-kube): only the
# processes whose PIDs DIR recorded, and only while they still run the binary recorded for them.
#
#   scripts/kube-down.sh [--purge] [DIR]
#
# --purge also deletes what kube-up.sh wrote into DIR (etcd data, certificates, token, kubeconfig,
# logs), so the next kube-up.sh starts from an empty cluster. Idempotent: with nothing running it
# says so and succeeds.
set -euo pipefail
LOG_TAG=kube-down
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=kube-lib.sh
source "$here/kube-lib.sh"

purge=0
dir=
while (( $# )); do
    case $1 in
        --purge) purge=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dir ]] || die "only one DIR may be given"; dir=$1 ;;
    esac
    shift
done
dir=${dir:-${TMPDIR:-/tmp}/flotta-kube}
if [[ ! -d $dir ]]; then
    log "nothing to stop: $dir does not exist"
    exit 0
fi
dir=$(cd "$dir" && pwd)
started=$(date +%s%N)
exec 9>"$dir/.kube-up.lock"
flock -w 300 9 || die "another kube-up or kube-down on $dir did not finish within 5 minutes"

# stop NAME: SIGTERM, then SIGKILL after 15 s; the API server drains requests first, etcd syncs.
stop() {
    local name=$1 pidfile=$dir/$1.pid pid i
    [[ -f $pidfile ]] || return 0
    pid=$(cat "$pidfile")
    if [[ ! $pid =~ ^[0-9]+$ ]] || ! kube_pid_is "$pid" "$name"; then
        log "$name: not running (stale $pidfile removed)"
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < 150; i++ )); do
        kube_pid_is "$pid" "$name" || break
        sleep 0.1
    done
    if kube_pid_is "$pid" "$name"; then
        warn "$name (pid $pid) ignored SIGTERM for 15 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        for (( i = 0; i < 50; i++ )); do kube_pid_is "$pid" "$name" || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
    log "$name: stopped (pid $pid)"
}

# clients before servers, so none of them logs a burst of connection errors
for name in kube-controller-manager kube-apiserver etcd; do
    stop "$name"
done

if (( purge )); then
    rm -rf "$dir/etcd" "$dir/pki"
    rm -f "$dir"/{ports.env,tokens.csv,kubeconfig,kubeconfig.tmp,env} "$dir"/*.log "$dir"/*.log.1
    log "purged the cluster state in $dir"
fi
log "done in $(elapsed_ms "$started") ms"
