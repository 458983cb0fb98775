#!/usr/bin/env bash
# Installs the Debian packages tablemirror's scripts need, only those that are missing.

tm_apt_updated=0

tm_ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    if [ "$tm_apt_updated" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        tm_apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

tm_ensure_build_deps() {
    tm_ensure_packages mariadb-server mariadb-client libmariadb-dev libzstd-dev zlib1g-dev pkg-config procps
}
