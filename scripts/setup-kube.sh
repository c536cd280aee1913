#!/usr/bin/env bash
# Builds a real Kubernetes API server for the tests, offline, from Debian's `kubernetes` source
# package (1.20.2), and caches kube-apiserver, kube-controller-manager and Debian's kubectl under
# ~/.cache/flotta/kube/v1.20.2 (FLOTTA_KUBE_CACHE overrides). Also installs what kube-up.sh runs:
# Debian's etcd, openssl and curl. No registry ships these binaries, so the source is the way.
# Idempotent: with the binaries cached it only checks them (about a second). A cold build takes
# about 8 minutes and 1.3 GB of disk on 2 cores; the build tree is removed afterwards.
# FLOTTA_KUBE_KEEP_BUILD=1 keeps the build tree (for debugging the build).
set -euo pipefail
LOG_TAG=setup-kube
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=kube-lib.sh
source "$here/kube-lib.sh"

RUNTIME_PACKAGES=(etcd-server openssl curl)
BUILD_PACKAGES=(golang-go golang-github-modern-go-reflect2-dev dpkg-dev)
DEB_SRC_NAME=flotta-deb-src
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2

started=$(date +%s%N)
require_root

binaries_ok() {
    local b
    for b in "${KUBE_BINARIES[@]}"; do kube_binary_ok "$b" || return 1; done
}

ensure_runtime_packages() {
    if packages_installed "${RUNTIME_PACKAGES[@]}"; then
        log "packages: ${RUNTIME_PACKAGES[*]} already installed"
    else
        log "packages: installing ${RUNTIME_PACKAGES[*]}"
        apt_install --no-install-recommends "${RUNTIME_PACKAGES[@]}"
    fi
}

if binaries_ok; then
    ensure_runtime_packages
    log "binaries: ${KUBE_BINARIES[*]} $KUBE_VERSION already in $KUBE_CACHE"
    log "done in $(elapsed_ms "$started") ms"
    exit 0
fi

# Two runs at once (a developer and CI on one machine) would both build; the second waits instead.
mkdir -p "$KUBE_CACHE"
exec 9>"$KUBE_CACHE/.setup.lock"
if ! flock -n 9; then
    log "another setup-kube is building; waiting for it"
    flock 9
    if binaries_ok; then
        ensure_runtime_packages
        log "binaries: built by the other run; done in $(elapsed_ms "$started") ms"
        exit 0
    fi
fi

# --- 1. deb-src entries ------------------------------------------------------------------------
# Derived from this machine's own apt sources at run time, so no mirror is named anywhere: every
# enabled `deb` entry for this release gets a `deb-src` twin. Third-party repositories (other
# suites) are left out: they rarely serve sources and a missing index would fail apt-get update.

# Prints deb822 stanzas of type deb-src for the enabled `deb` stanzas of the given .sources files
# that have no deb-src yet, keeping only the suites of release $1.
deb822_to_src() {
    local codename=$1; shift
    awk -v codename="$codename" '
        function keep_suite(s) { return s ~ ("^(" codename "|stable)([-/].*)?$") }
        function flush(   i, n, parts, suites, out) {
            if (nf > 0 && types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && types !~ /deb-src/ \
                    && tolower(enabled) != "no") {
                n = split(suites_raw, parts, /[[:space:]]+/)
                suites = ""
                for (i = 1; i <= n; i++) if (parts[i] != "" && keep_suite(parts[i])) suites = suites " " parts[i]
                if (suites != "") {
                    out = "Types: deb-src\n"
                    for (i = 1; i <= nf; i++) {
                        if (fname[i] == "types" || fname[i] == "architectures") continue
                        if (fname[i] == "suites") out = out "Suites:" suites "\n"
                        else out = out ftext[i]
                    }
                    printf "%s%s", (printed ? "\n" : ""), out
                    printed = 1
                }
            }
            nf = 0; types = ""; suites_raw = ""; enabled = ""
        }
        /^[[:space:]]*#/ { next }
        /^[[:space:]]*$/ { flush(); next }
        /^[[:space:]]/ { if (nf) ftext[nf] = ftext[nf] $0 "\n"; next }
        {
            name = $0; sub(/:.*/, "", name); name = tolower(name)
            value = $0; sub(/^[^:]*:[[:space:]]*/, "", value)
            nf++; fname[nf] = name; ftext[nf] = $0 "\n"
            if (name == "types") types = value
            else if (name == "suites") suites_raw = value
            else if (name == "enabled") enabled = value
        }
        END { flush() }
    ' "$@"
}

# Prints one-line deb-src entries for the `deb` lines of the given .list files, keeping only the
# suites of release $1.
list_to_src() {
    local codename=$1; shift
    awk -v codename="$codename" '
        $1 != "deb" { next }
        {
            rest = $0; sub(/^[[:space:]]*deb[[:space:]]+/, "", rest)
            opts = ""
            if (rest ~ /^\[/) { opts = rest; sub(/\].*/, "]", opts); sub(/^[^]]*\][[:space:]]*/, "", rest) }
            split(rest, f, /[[:space:]]+/)
            if (f[2] !~ ("^(" codename "|stable)([-/].*)?$")) next
            print "deb-src " (opts != "" ? opts " " : "") rest
        }
    ' "$@"
}

# Writes $2 to $1 unless it already has exactly that content (an empty $2 removes $1); succeeds
# when the file changed.
replace_file() {
    local file=$1 content=$2
    if [[ -z $content ]]; then
        [[ -e $file ]] || return 1
        rm -f "$file"
        return 0
    fi
    [[ -f $file && $(cat "$file") == "$content" ]] && return 1
    printf '%s\n' "$content" > "$file"
}

step=$(date +%s%N)
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $codename ]] || die "/etc/os-release names no VERSION_CODENAME"
sources_dir=/etc/apt/sources.list.d
deb822_files=() list_files=()
for f in "$sources_dir"/*.sources; do
    [[ -f $f && $(basename "$f") != "$DEB_SRC_NAME.sources" ]] && deb822_files+=("$f")
done
for f in /etc/apt/sources.list "$sources_dir"/*.list; do
    [[ -f $f && $(basename "$f") != "$DEB_SRC_NAME.list" ]] && list_files+=("$f")
done
src822='' srclist=''
if (( ${#deb822_files[@]} )); then src822=$(deb822_to_src "$codename" "${deb822_files[@]}"); fi
if (( ${#list_files[@]} )); then srclist=$(list_to_src "$codename" "${list_files[@]}"); fi
sources_changed=0
if replace_file "$sources_dir/$DEB_SRC_NAME.sources" "$src822"; then sources_changed=1; fi
if replace_file "$sources_dir/$DEB_SRC_NAME.list" "$srclist"; then sources_changed=1; fi
if (( sources_changed )); then
    log "apt: wrote deb-src entries for $codename ($sources_dir/$DEB_SRC_NAME.*)"
fi
export DEBIAN_FRONTEND=noninteractive
if (( sources_changed )) || [[ -z $(apt-cache showsrc kubernetes 2>/dev/null) ]]; then
    log "apt: refreshing package lists (apt-get update)"
    apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
fi
[[ -n $(apt-cache showsrc kubernetes 2>/dev/null) ]] \
    || die "apt knows no source package 'kubernetes': no deb-src entry could be derived for $codename"

# --- 2. packages -------------------------------------------------------------------------------
if packages_installed "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"; then
    log "packages: ${BUILD_PACKAGES[*]} ${RUNTIME_PACKAGES[*]} already installed"
else
    log "packages: installing ${BUILD_PACKAGES[*]} ${RUNTIME_PACKAGES[*]}"
    apt_install --no-install-recommends "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
fi
[[ -d $REFLECT2_SRC ]] || die "$REFLECT2_SRC missing after installing golang-github-modern-go-reflect2-dev"
log "apt steps took $(elapsed_s "$step") s ($(go version))"

# --- 3. sources --------------------------------------------------------------------------------
work=$(mktemp -d "$(dirname "$KUBE_CACHE")/build.XXXXXX")
cleanup() {
    if [[ ${FLOTTA_KUBE_KEEP_BUILD:-0} == 1 ]]; then
        log "kept the build tree in $work"
    else
        chmod -R u+w "$work" 2>/dev/null || true   # Go's module cache files are read-only
        rm -rf "$work"
    fi
}
trap cleanup EXIT

step=$(date +%s%N)
export GOPATH=$work/gopath GOCACHE=$work/gocache GO111MODULE=off GOPROXY=off GOFLAGS='' CGO_ENABLED=0
tree=$GOPATH/src/k8s.io/kubernetes
mkdir -p "$work/dl" "$(dirname "$tree")" "$work/bin"
(
    cd "$work/dl"
    # As root apt would warn that its sandbox user cannot write here; it downloads either way.
    apt-get source -q --download-only -o APT::Sandbox::User=root kubernetes >/dev/null
    apt-get download -q -o APT::Sandbox::User=root kubernetes-client >/dev/null
)
dsc=$(ls "$work"/dl/kubernetes_*.dsc)
deb_version=$(sed -n 's/^Version: //p' "$dsc")
log "source: downloaded kubernetes $deb_version and its kubernetes-client package"
dpkg-source -x "$dsc" "$tree" > "$work/dpkg-source.log" 2>&1 \
    || { tail -20 "$work/dpkg-source.log" >&2; die "dpkg-source could not unpack $dsc"; }
# kubectl: Debian builds it from the same source and stamps v1.20.2; taking its binary saves a build
# and cannot clash with another kubectl installed on the machine.
dpkg-deb --fsys-tarfile "$work"/dl/kubernetes-client_*.deb \
    | tar -x -C "$work/bin" --strip-components=3 ./usr/bin/kubectl
rm -f "$work"/dl/*.tar.* "$work"/dl/*.deb
log "source: unpacked in $(elapsed_s "$step") s ($(du -sm "$tree" | cut -f1) MB)"

cd "$tree"
# reflect2 1.0.1 reads Go runtime internals that changed in Go 1.18: with Debian's Go 1.19 the
# server crashes on the first custom resource. Debian's 1.0.2 is the fixed release, same API.
rm -rf vendor/github.com/modern-go/reflect2
cp -a "$REFLECT2_SRC" vendor/github.com/modern-go/reflect2
rm -f vendor/github.com/modern-go/reflect2/go.mod
log "source: vendored reflect2 replaced by Debian's ($(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev))"

# --- 4. generated OpenAPI definitions ----------------------------------------------------------
# The tarball lacks pkg/generated/openapi/zz_generated.openapi.go, which the server needs to
# publish its schema. Upstream's Makefile.generated_files produces it from every Go package of the
# tree (the staging repositories under their vendor/ names, not the rest of vendor/) that has a
# `+k8s:` tag comment and asks for `+k8s:openapi-gen=`, except code-generator and sample-apiserver.
step=$(date +%s%N)
nice -n 10 go build -o "$work/bin/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
openapi_dirs=$(
    find -H . \( -path './_*' -o -path './.*' -o -path ./vendor \
                 -o -path ./staging/src/k8s.io/code-generator -o -path ./staging/src/k8s.io/sample-apiserver \) -prune \
         -o -type f -name '*.go' -print0 \
        | xargs -0 -r grep -l -Z -E '^// *\+k8s:' \
        | xargs -0 -r grep -l -F '+k8s:openapi-gen=' \
        | sed -e 's|/[^/]*$||' -e 's|^\./staging/src/|vendor/|' -e 's|^\./||' \
        | LC_ALL=C sort -u
)
[[ -n $openapi_dirs ]] || die "found no package tagged +k8s:openapi-gen="
inputs=$(while read -r d; do echo "k8s.io/kubernetes/$d"; done <<<"$openapi_dirs" | paste -sd,)
nice -n 10 "$work/bin/openapi-gen" --logtostderr --v 0 \
    -i "$inputs" \
    -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi \
    -o "$GOPATH/src" \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -r "$work/openapi-violations.report" 2> "$work/openapi-gen.log" \
    || { tail -20 "$work/openapi-gen.log" >&2; die "openapi-gen failed"; }
[[ -s pkg/generated/openapi/zz_generated.openapi.go ]] || die "openapi-gen wrote no zz_generated.openapi.go"
# Upstream fails its build when the API rule report differs from its known list; for a test server
# a difference only deserves a note.
if ! diff -q "$work/openapi-violations.report" api/api-rules/violation_exceptions.list >/dev/null 2>&1; then
    warn "the OpenAPI rule report differs from api/api-rules/violation_exceptions.list (harmless here)"
fi
log "openapi: generated definitions for $(wc -l <<<"$openapi_dirs") packages in $(elapsed_s "$step") s"

# --- 5. binaries -------------------------------------------------------------------------------
step=$(date +%s%N)
git_commit=$(sed -n "s/^ *KUBE_GIT_COMMIT='\([0-9a-f]\{40\}\)'.*/\1/p" hack/lib/version.sh | head -1)
build_date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(stat -c %Y debian/changelog)}" +%Y-%m-%dT%H:%M:%SZ)
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version \
           k8s.io/kubernetes/vendor/k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
    ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=$build_date"
    [[ -n $git_commit ]] && ldflags+=" -X $pkg.gitCommit=$git_commit"
done
log "build: kube-apiserver and kube-controller-manager (nice, GOPATH mode; several minutes)"
nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$work/bin/" ./cmd/kube-apiserver ./cmd/kube-controller-manager
log "build: done in $(elapsed_s "$step") s (build tree $(du -sm "$work" | cut -f1) MB)"

# --- 6. cache ----------------------------------------------------------------------------------
for b in "${KUBE_BINARIES[@]}"; do
    cp "$work/bin/$b" "$KUBE_CACHE/.$b.new"
    mv -f "$KUBE_CACHE/.$b.new" "$KUBE_CACHE/$b"
done
{
    echo "source: kubernetes $deb_version (Debian source package)"
    echo "go: $(go version)"
    echo "reflect2: $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    (cd "$KUBE_CACHE" && sha256sum "${KUBE_BINARIES[@]}")
} > "$KUBE_CACHE/BUILD-INFO"
binaries_ok || die "the new binaries in $KUBE_CACHE do not report $KUBE_VERSION"
cd /
cleanup
trap - EXIT
log "cache: $KUBE_CACHE holds $(du -sm "$KUBE_CACHE" | cut -f1) MB"
log "done in $(elapsed_s "$started") s"
