#!/usr/bin/env bash
# Helpers shared by the project's setup scripts. Source it; it defines functions only.

# Prints a step heading and a detail line; every setup script talks through these so a CI log
# shows what was done and what was already in place.
log()  { printf '[%s] %s\n' "${LOG_TAG:-setup}" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "${LOG_TAG:-setup}" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "${LOG_TAG:-setup}" "$*" >&2; exit 1; }

require_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and writes /etc)"
}

# Succeeds when every named Debian package is installed.
packages_installed() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || return 1
        [[ $status == "install ok installed" ]] || return 1
    done
}

# apt-get install that waits for a concurrent apt run instead of failing, never asks questions, and
# refreshes the package lists when they are missing or stale (then tries once more).
apt_install() {
    local args=(-y -q -o DPkg::Lock::Timeout=600)
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install "${args[@]}" --dry-run "$@" >/dev/null 2>&1; then
        log "refreshing package lists (apt-get update)"
        apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
    fi
    if ! apt-get install "${args[@]}" "$@"; then
        log "install failed; refreshing package lists (apt-get update) and trying again"
        apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
        apt-get install "${args[@]}" "$@"
    fi
}

# Sets KEY = VALUE (VALUE is written verbatim, already TOML-quoted) under [SECTION] of a TOML file,
# keeping every other line: replaces the active KEY line of that section (a multi-line array whole),
# otherwise adds the key right under the section header, otherwise appends the section. Writes to
# stdout. The file is read twice: first to learn whether the key is already there.
toml_set() {
    local file=$1 section=$2 key=$3 value=$4
    awk -v section="$section" -v key="$key" -v value="$value" '
        function header_name(line,   name) {
            if (line !~ /^[[:space:]]*\[[^]]+\][[:space:]]*(#.*)?$/) return ""
            name = line
            sub(/^[[:space:]]*\[/, "", name); sub(/\].*$/, "", name)
            gsub(/[[:space:]]/, "", name)
            return name
        }
        function is_key(line) { return line ~ ("^[[:space:]]*" key "[[:space:]]*=") }
        NR == FNR {
            name = header_name($0)
            if (name != "") in_section = (name == section)
            else if (in_section && is_key($0)) has_key = 1
            next
        }
        FNR == 1 { in_section = 0 }
        {
            line = $0
            if (skipping) {
                if (line ~ /\]/) skipping = 0
                next
            }
            name = header_name(line)
            if (name != "") {
                in_section = (name == section)
                print line
                if (in_section && !has_key && !done) { print key " = " value; done = 1 }
                next
            }
            if (in_section && !done && is_key(line)) {
                print key " = " value
                done = 1
                # a multi-line array: drop its continuation lines too
                rest = line; sub(/^[^=]*=[[:space:]]*/, "", rest)
                if (rest ~ /^\[/ && rest !~ /\]/) skipping = 1
                next
            }
            print line
        }
        END {
            if (!done) { if (FNR > 0) print ""; print "[" section "]"; print key " = " value }
        }' "$file" "$file"
}
