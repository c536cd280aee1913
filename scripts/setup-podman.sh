#!/usr/bin/env bash
# Makes this Debian 12 machine able to run Flotta's podman runtime and its tests, without any
# container registry: installs podman, runc, busybox-static and nftables, configures podman for a
# machine without systemd and with cgroup v1, and builds the local images the tests and the demo use.
# Idempotent: a second run changes nothing and takes about a second.
set -euo pipefail
LOG_TAG=setup-podman
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONF=/etc/containers/containers.conf
HASH_LABEL=io.flotta.image.hash
BUSYBOX_IMAGE=localhost/flotta/busybox:latest
HTTPD_IMAGE=localhost/flotta/httpd:latest

started=$(date +%s%N)
require_root

# --- 1. packages -------------------------------------------------------------------------------
# podman's recommended packages (catatonit, netavark, aardvark-dns…) are needed for pods and ports;
# the others come without recommends to stay small.
if packages_installed podman runc busybox-static nftables; then
    log "packages: podman, runc, busybox-static, nftables already installed"
else
    log "packages: installing podman (with recommends), runc, busybox-static, nftables"
    apt_install podman
    apt_install --no-install-recommends runc busybox-static nftables
fi
command -v podman >/dev/null || die "podman is not on PATH after installation"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: busybox-static did not install"

# --- 2. /etc/containers/containers.conf --------------------------------------------------------
# crun 1.8 refuses the cgroup v1 hybrid layout, there is no systemd for cgroups or journald, and
# podman as root asks for ulimits above what this VM may grant (EPERM without CAP_SYS_RESOURCE).
changed=0
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[[ $nofile == unlimited ]] && nofile=1048576
if [[ $nproc == unlimited ]] || (( nproc > 32768 )); then nproc=32768; fi

mkdir -p "$(dirname "$CONF")"
[[ -f $CONF ]] || : > "$CONF"
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp".*' EXIT
cp "$CONF" "$tmp"
set_conf() {
    toml_set "$tmp" "$@" > "$tmp.1" || die "could not edit a copy of $CONF"
    mv "$tmp.1" "$tmp"
}
set_conf engine runtime '"runc"'
set_conf engine cgroup_manager '"cgroupfs"'
set_conf engine events_logger '"file"'
set_conf containers default_ulimits "[\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
if cmp -s "$tmp" "$CONF"; then
    log "config: $CONF already has runtime=runc, cgroupfs, events_logger=file, ulimits nofile=$nofile nproc=$nproc"
else
    if [[ -s $CONF && ! -e $CONF.before-flotta ]]; then
        cp -p "$CONF" "$CONF.before-flotta"
        log "config: kept the previous file as $CONF.before-flotta"
    fi
    cat "$tmp" > "$CONF"
    changed=1
    log "config: wrote $CONF (runtime=runc, cgroupfs, events_logger=file, ulimits nofile=$nofile nproc=$nproc)"
fi

# --- 3. local images ---------------------------------------------------------------------------
# Built from the busybox-static binary with `podman import`. The tar is made reproducible (sorted,
# fixed times and owners) so its hash, stored as a label, tells whether the image is current.

# Writes the common busybox root filesystem into $1.
make_busybox_rootfs() {
    local root=$1 applet
    mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev,run,var/tmp}
    chmod 1777 "$root/tmp" "$root/var/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

# Adds the httpd pieces to a busybox root filesystem in $1: a start script that renders the index
# page from the environment (so a changed env shows in the page), and a CGI that prints the env.
make_httpd_rootfs() {
    local root=$1
    mkdir -p "$root/www/cgi-bin"
    cat > "$root/bin/flotta-httpd" <<'SCRIPT'
#!/bin/sh
# Serves /www on ${PORT:-8080}. The index page shows MESSAGE and DEVICE_ID as they were at start.
{
    echo "MESSAGE=${MESSAGE:-hello from flotta}"
    echo "DEVICE_ID=${DEVICE_ID:-}"
} > /www/index.html
# busybox httpd as PID 1 ignores SIGTERM; a shell that traps it makes `podman stop` quick.
trap 'exit 0' TERM INT
httpd -f -p "${PORT:-8080}" -h /www &
wait
SCRIPT
    cat > "$root/www/cgi-bin/env" <<'SCRIPT'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
env | sort
SCRIPT
    chmod 755 "$root/bin/flotta-httpd" "$root/www/cgi-bin/env"
    echo "MESSAGE=hello from flotta" > "$root/www/index.html"
}

# build_image NAME ROOTFS CHANGE... : imports ROOTFS as NAME unless an image with the same hash is there.
build_image() {
    local name=$1 root=$2; shift 2
    local tarball hash current old_id
    tarball=$work/$(basename "$root").tar
    tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$tarball" .
    hash=$( { sha256sum < "$tarball"; printf '%s\n' "$@"; } | sha256sum | cut -c1-64)
    current=$(podman image inspect --format "{{index .Labels \"$HASH_LABEL\"}}" "$name" 2>/dev/null || true)
    if [[ $current == "$hash" ]]; then
        log "image: $name is current (${hash:0:12})"
        return
    fi
    old_id=$(podman image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)
    local changes=() c
    for c in "$@" "LABEL $HASH_LABEL=$hash"; do changes+=(--change "$c"); done
    podman import --quiet "${changes[@]}" "$tarball" "$name" >/dev/null
    changed=1
    log "image: built $name (${hash:0:12}, $(du -k "$tarball" | cut -f1) KiB)"
    if [[ -n $old_id ]]; then
        # the old image lost its tag; drop it unless a container still uses it
        podman rmi "$old_id" >/dev/null 2>&1 || true
    fi
}

work=$(mktemp -d)
trap 'rm -rf "$work" "$tmp" "$tmp".*' EXIT
make_busybox_rootfs "$work/busybox"
build_image "$BUSYBOX_IMAGE" "$work/busybox" 'CMD ["/bin/sh"]' 'ENV PATH=/bin'
cp -a "$work/busybox" "$work/httpd"
make_httpd_rootfs "$work/httpd"
build_image "$HTTPD_IMAGE" "$work/httpd" 'CMD ["/bin/flotta-httpd"]' 'ENV PATH=/bin' 'EXPOSE 8080'

# --- 4. checks ---------------------------------------------------------------------------------
if (( changed )); then
    runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}')
    [[ $runtime == runc ]] || die "podman uses OCI runtime '$runtime', expected runc (check $CONF)"
    log "podman: uses runc"
fi
if nft list tables >/dev/null 2>&1; then
    log "nftables: usable"
else
    warn "nft cannot list tables: host ports will not be opened in the firewall"
fi

log "done in $(( ($(date +%s%N) - started) / 1000000 )) ms"
