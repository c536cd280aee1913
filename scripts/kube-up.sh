#!/usr/bin/env bash
# Starts a real, single-node Kubernetes control plane on 127.0.0.1 for tests: Debian's etcd and the
# kube-apiserver (optionally kube-controller-manager) that setup-kube.sh cached. Everything lives in
# DIR (default: $TMPDIR/flotta-kube): kubeconfig, admin token, certificates, etcd data, logs, PID
# files, and `env` (KUBECONFIG, KUBECTL, KUBE_SERVER lines). Prints the kubeconfig path as its last
# line.
#
#   scripts/kube-up.sh [--controller-manager] [DIR]
#
# --controller-manager (or FLOTTA_KUBE_CONTROLLER_MANAGER=1) also runs kube-controller-manager with
# the controllers in FLOTTA_KUBE_CONTROLLERS (default: namespace,garbagecollector), so namespaces
# really go away and owner references are collected.
# Idempotent: components already running from DIR are kept; missing ones are (re)started on the
# ports DIR recorded, with the data etcd kept. Stop with kube-down.sh DIR.
# Needs setup-kube.sh to have run (it does not build anything itself).
set -euo pipefail
LOG_TAG=kube-up
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=kube-lib.sh
source "$here/kube-lib.sh"

with_cm=${FLOTTA_KUBE_CONTROLLER_MANAGER:-0}
dir=
while (( $# )); do
    case $1 in
        --controller-manager) with_cm=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dir ]] || die "only one DIR may be given"; dir=$1 ;;
    esac
    shift
done
dir=${dir:-${TMPDIR:-/tmp}/flotta-kube}
controllers=${FLOTTA_KUBE_CONTROLLERS:-namespace,garbagecollector}
started=$(date +%s%N)

for b in kube-apiserver kube-controller-manager; do
    kube_binary_ok "$b" || die "$KUBE_CACHE/$b is missing or broken: run scripts/setup-kube.sh first"
done
command -v etcd >/dev/null || die "etcd is not installed: run scripts/setup-kube.sh first"
for tool in openssl curl; do command -v $tool >/dev/null || die "$tool is not installed"; done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir"
exec 9>"$dir/.kube-up.lock"
# a second kube-up on the same DIR waits for the first, then finds it running
flock -w 300 9 || die "another kube-up or kube-down on $dir did not finish within 5 minutes"

# --- ports ------------------------------------------------------------------------------------
# Chosen once per DIR among ports nobody listens on, and recorded so restarts reuse them (etcd
# stores its peer URL in its data).
listening_ports() {
    # local_address is hex IP:PORT; state 0A is LISTEN
    local hex
    awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null \
        | while read -r hex; do echo $(( 16#$hex )); done | sort -un
}
pick_ports() {
    local used picked=() p
    used=" $(listening_ports | tr '\n' ' ') "
    while (( ${#picked[@]} < $1 )); do
        p=$(( 20000 + RANDOM % 12000 ))
        [[ $used == *" $p "* || " ${picked[*]} " == *" $p "* ]] || picked+=("$p")
    done
    echo "${picked[@]}"
}
if [[ ! -f $dir/ports.env ]]; then
    read -r etcd_port peer_port api_port < <(pick_ports 3)
    printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPISERVER_PORT=%s\n' "$etcd_port" "$peer_port" "$api_port" \
        > "$dir/ports.env"
fi
# shellcheck source=/dev/null
source "$dir/ports.env"   # ETCD_PORT, ETCD_PEER_PORT, APISERVER_PORT
server=https://127.0.0.1:$APISERVER_PORT

# --- credentials ------------------------------------------------------------------------------
# A CA and a serving certificate for 127.0.0.1/localhost, the service-account key pair, and the
# admin token (group system:masters, so RBAC lets it do anything). Made once per DIR.
if [[ ! -s $dir/pki/serving.crt ]]; then
    mkdir -p "$dir/pki"
    (
        cd "$dir/pki"
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
            -subj /CN=flotta-test-kube-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout serving.key -out serving.csr \
            -subj /CN=kube-apiserver 2>/dev/null
        printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
            'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
            'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default' > serving.ext
        openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile serving.ext -out serving.crt.tmp 2>/dev/null
        openssl genrsa -out sa.key 2048 2>/dev/null
        openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
        rm -f serving.csr serving.ext ca.srl
        mv serving.crt.tmp serving.crt
    ) || die "openssl could not make the certificates in $dir/pki"
fi
if [[ ! -s $dir/tokens.csv ]]; then
    (umask 077; printf '%s,admin,admin,system:masters\n' "$(openssl rand -hex 24)" > "$dir/tokens.csv")
fi
token=$(cut -d, -f1 "$dir/tokens.csv")

kubeconfig_text() {
    cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: flotta-test
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 < "$dir/pki/ca.crt")
users:
- name: admin
  user:
    token: $token
contexts:
- name: flotta-test
  context:
    cluster: flotta-test
    user: admin
    namespace: default
current-context: flotta-test
EOF
}
kubeconfig_text > "$dir/kubeconfig.tmp"
chmod 600 "$dir/kubeconfig.tmp"
mv -f "$dir/kubeconfig.tmp" "$dir/kubeconfig"
# For scripts and tests that want the pieces without parsing YAML.
printf 'KUBECONFIG=%s\nKUBECTL=%s\nKUBE_SERVER=%s\n' "$dir/kubeconfig" "$KUBE_CACHE/kubectl" "$server" \
    > "$dir/env"

# --- processes --------------------------------------------------------------------------------
# Each runs in its own session, detached from the caller's terminal and pipes (a test harness
# reading this script's output must see it end), logging into DIR.

# Succeeds when DIR/NAME.pid names a live process running binary NAME.
running() {
    local name=$1 pid
    pid=$(cat "$dir/$name.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kube_pid_is "$pid" "$name"
}

# start NAME BINARY ARGS...: starts it in the background and records its PID.
start() {
    local name=$1 bin=$2; shift 2
    [[ -f $dir/$name.log ]] && mv -f "$dir/$name.log" "$dir/$name.log.1"
    # fd 9 holds DIR's lock: a server inheriting it would hold the lock for its whole life
    setsid "$bin" "$@" </dev/null >"$dir/$name.log" 2>&1 9>&- &
    local pid=$! i
    echo "$pid" > "$dir/$name.pid"
    # Until the forked shell has exec'd the server, its PID does not run NAME yet: on a loaded
    # machine `running` would take that for an exit (and leave the server running untracked).
    for (( i = 0; i < 200; i++ )); do
        if running "$name" || ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.05
    done
}

# wait_until NAME SECONDS CHECK...: polls CHECK until it succeeds; fails loudly when NAME exits or
# time runs out, with the end of its log.
wait_until() {
    local name=$1 limit=$2; shift 2
    local deadline=$(( $(date +%s) + limit ))
    until "$@" >/dev/null 2>&1; do
        if ! running "$name"; then
            tail -25 "$dir/$name.log" >&2
            die "$name exited during start-up (log: $dir/$name.log)"
        fi
        if (( $(date +%s) >= deadline )); then
            tail -25 "$dir/$name.log" >&2
            die "$name was not ready within $limit s (log: $dir/$name.log)"
        fi
        sleep 0.2
    done
}

# shellcheck disable=SC2153  # ETCD_PORT comes from ports.env
etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
apiserver_ready() {
    [[ $(curl -s --max-time 5 --cacert "$dir/pki/ca.crt" -H "Authorization: Bearer $token" \
        "$server/readyz") == ok ]]
}

if running etcd; then
    log "etcd: running (pid $(cat "$dir/etcd.pid"), port $ETCD_PORT)"
else
    step=$(date +%s%N)
    start etcd etcd --name flotta-test --data-dir "$dir/etcd" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "flotta-test=http://127.0.0.1:$ETCD_PEER_PORT" \
        --logger zap --log-level warn
    wait_until etcd 30 etcd_healthy
    log "etcd: started (pid $(cat "$dir/etcd.pid"), port $ETCD_PORT) in $(elapsed_ms "$step") ms"
fi

if running kube-apiserver; then
    log "kube-apiserver: running (pid $(cat "$dir/kube-apiserver.pid"), $server)"
else
    step=$(date +%s%N)
    # The endpoint reconciler is off: it would publish 127.0.0.1 as the `kubernetes` service's
    # endpoint, which validation rejects (loopback), and retry every 10 s with an error and writes.
    start kube-apiserver "$KUBE_CACHE/kube-apiserver" \
        --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
        --secure-port="$APISERVER_PORT" --insecure-port=0 \
        --tls-cert-file="$dir/pki/serving.crt" --tls-private-key-file="$dir/pki/serving.key" \
        --cert-dir="$dir/pki" \
        --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --token-auth-file="$dir/tokens.csv" \
        --authorization-mode=RBAC \
        --service-account-key-file="$dir/pki/sa.pub" \
        --service-account-signing-key-file="$dir/pki/sa.key" \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --disable-admission-plugins=ServiceAccount \
        --service-cluster-ip-range=10.0.0.0/24 \
        --endpoint-reconciler-type=none \
        --profiling=false \
        --v=1
    wait_until kube-apiserver 90 apiserver_ready
    log "kube-apiserver: ready (pid $(cat "$dir/kube-apiserver.pid"), $server) in $(elapsed_ms "$step") ms"
fi

if (( with_cm )); then
    if running kube-controller-manager; then
        log "kube-controller-manager: running (pid $(cat "$dir/kube-controller-manager.pid"))"
    else
        step=$(date +%s%N)
        # No ports of its own (both serving ports off); it talks to the API server as admin.
        start kube-controller-manager "$KUBE_CACHE/kube-controller-manager" \
            --kubeconfig="$dir/kubeconfig" \
            --port=0 --secure-port=0 \
            --leader-elect=false \
            --controllers="$controllers" \
            --v=1
        cm_started() { grep -q 'Started "' "$dir/kube-controller-manager.log"; }
        wait_until kube-controller-manager 60 cm_started
        log "kube-controller-manager: started (pid $(cat "$dir/kube-controller-manager.pid"), controllers $controllers) in $(elapsed_ms "$step") ms"
    fi
fi

log "up in $(elapsed_ms "$started") ms; kubectl: $KUBE_CACHE/kubectl --kubeconfig $dir/kubeconfig"
echo "$dir/kubeconfig"
