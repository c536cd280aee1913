#!/usr/bin/env bash
# Helpers for the Kubernetes scripts (setup-kube.sh, kube-up.sh, kube-down.sh). Source it after
# lib.sh; it defines variables and functions only.

KUBE_VERSION=v1.20.2
KUBE_CACHE=${FLOTTA_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotta/kube/$KUBE_VERSION}
# shellcheck disable=SC2034  # used by the scripts that source this file
KUBE_BINARIES=(kube-apiserver kube-controller-manager kubectl)

# Succeeds when the cached binary $1 exists and reports the expected version.
kube_binary_ok() {
    local bin=$KUBE_CACHE/$1 out
    [[ -x $bin ]] || return 1
    out=$("$bin" --version 2>/dev/null) || out=$("$bin" version --client 2>/dev/null) || return 1
    [[ $out == *"$KUBE_VERSION"* ]]
}

# Milliseconds since $1 (a `date +%s%N` value), for progress lines.
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
elapsed_s() { echo $(( ($(date +%s%N) - $1) / 1000000000 )); }

# Succeeds when process $1 is alive and runs a binary named $2 (a PID file could name a process
# that ended long ago, its number since reused by something else).
kube_pid_is() {
    local pid=$1 name=$2 argv0
    [[ -r /proc/$pid/cmdline ]] || return 1
    argv0=$(tr '\0' '\n' < "/proc/$pid/cmdline" | head -1)
    [[ ${argv0##*/} == "$name" ]] || return 1
    # a zombie has exited already
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}
