#!/usr/bin/env bash
# Sourced by the scripts: installs the Debian packages tablemirror needs, only those that are missing.
#   tm_ensure_packages PKG...   apt-get installs whichever of PKG... are not installed
#   tm_ensure_build_deps        what building, testing, the demo and the benchmarks need

tm_apt_updated=${tm_apt_updated:-0}

tm_package_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

tm_ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        tm_package_installed "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing missing packages: ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    if [ "$tm_apt_updated" -eq 0 ]; then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 \
            || { echo "deps.sh: apt-get update failed" >&2; return 1; }
        tm_apt_updated=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >&2 \
        || { echo "deps.sh: apt-get install failed for: ${missing[*]}" >&2; return 1; }
}

tm_ensure_build_deps() {
    tm_ensure_packages mariadb-server mariadb-client libmariadb-dev libzstd-dev zlib1g-dev pkg-config \
        procps util-linux
}
