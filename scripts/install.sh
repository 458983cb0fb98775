#!/usr/bin/env bash
# Builds tablemirror (release) and installs it as a systemd service:
#   $PREFIX/bin/tablemirror                       the binary (PREFIX default /usr/local)
#   /etc/systemd/system/tablemirror.service        the unit (conf/tablemirror.service, ExecStart set to the above)
#   /etc/tablemirror/tablemirror.yaml              conf/tablemirror.service.yaml, only if no configuration is there
#   /etc/tablemirror/credentials/                  for the secrets' files (root only, 0700); never read or listed
# Run as root on the machine itself, it also creates the system user `tablemirror` and reloads systemd. With
# DESTDIR set, everything goes under DESTDIR (for packaging, or a test), and no user or systemd is touched.
#
#   scripts/install.sh [--prefix DIR] [--binary PATH | --no-build]
#     --prefix DIR    where bin/ goes (default: $PREFIX, else /usr/local)
#     --binary PATH   install this binary instead of building one
#     --no-build      install the release binary already built (.build/release/tablemirror)
#   Environment: DESTDIR (staging root, default none), PREFIX, UNIT_DIR (default /etc/systemd/system).
#
# Build as yourself and install as root, so the checkout's .build does not end up owned by root:
#   swift build -c release && sudo bash scripts/install.sh --no-build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

prefix=${PREFIX:-/usr/local}
unit_dir=${UNIT_DIR:-/etc/systemd/system}
destdir=${DESTDIR:-}
binary=
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$2; build=0; shift 2 ;;
        --binary=*) binary=${1#--binary=}; build=0; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
# The unit names these paths literally (unquoted, and through sed): absolute, and plain characters only.
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, not '$prefix'" ;; esac
[[ "$prefix" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "--prefix may hold only letters, digits and / . _ + -, not '$prefix'"
case "$unit_dir" in /*) ;; *) die "UNIT_DIR must be an absolute path, not '$unit_dir'" ;; esac
if [ -n "$destdir" ]; then
    case "$destdir" in /*) ;; *) destdir="$PWD/$destdir" ;; esac
fi

if [ "$build" -eq 1 ]; then
    # shellcheck source=lib/deps.sh
    source "$root/scripts/lib/deps.sh"
    # What the release build links against; git lets the build stamp the binary with its commit.
    tm_ensure_packages libmariadb-dev libzstd-dev zlib1g-dev pkg-config git
    command -v swift >/dev/null 2>&1 || die "swift is not on PATH"
    say "building the release binary (swift build -c release)"
    (cd "$root" && swift build -c release --product tablemirror)
    binary="$(cd "$root" && swift build -c release --show-bin-path)/tablemirror"
elif [ -z "$binary" ]; then
    binary="$root/.build/release/tablemirror"
fi
[ -x "$binary" ] || die "no executable at $binary (build it with: swift build -c release)"
"$binary" --version >/dev/null 2>&1 || die "$binary does not run (tablemirror --version failed)"

bin_dir="$destdir$prefix/bin"
etc_dir="$destdir/etc/tablemirror"
install -d -m 0755 "$bin_dir" "$destdir$unit_dir" "$etc_dir"
install -m 0755 "$binary" "$bin_dir/tablemirror"
say "installed $bin_dir/tablemirror: $("$bin_dir/tablemirror" --version)"

# The unit as shipped runs /usr/local/bin/tablemirror; point it at where the binary really goes.
sed "s#^ExecStart=/usr/local/bin/tablemirror #ExecStart=$prefix/bin/tablemirror #" "$root/conf/tablemirror.service" \
    >"$destdir$unit_dir/tablemirror.service.new"
grep -q "^ExecStart=$prefix/bin/tablemirror run " "$destdir$unit_dir/tablemirror.service.new" \
    || die "could not set ExecStart in the unit (conf/tablemirror.service changed?)"
chmod 0644 "$destdir$unit_dir/tablemirror.service.new"
mv "$destdir$unit_dir/tablemirror.service.new" "$destdir$unit_dir/tablemirror.service"
say "installed $destdir$unit_dir/tablemirror.service"

# An operator's configuration is never replaced; the example then lands beside it for comparison. Not readable
# by every local user: a configuration may hold a webhook URL, whose path is often its secret.
installed_config=0
if [ -e "$etc_dir/tablemirror.yaml" ]; then
    install -m 0640 "$root/conf/tablemirror.service.yaml" "$etc_dir/tablemirror.yaml.example"
    say "kept the existing $etc_dir/tablemirror.yaml (the example is in tablemirror.yaml.example)"
else
    install -m 0640 "$root/conf/tablemirror.service.yaml" "$etc_dir/tablemirror.yaml"
    installed_config=1
    say "installed the example configuration as $etc_dir/tablemirror.yaml: edit it"
fi
# Secrets live here; only root may look inside. Existing files are left as they are (and never read).
if [ -d "$etc_dir/credentials" ]; then
    chmod 0700 "$etc_dir/credentials"
else
    install -d -m 0700 "$etc_dir/credentials"
fi

if [ -z "$destdir" ] && [ "$(id -u)" -eq 0 ]; then
    if ! getent passwd tablemirror >/dev/null; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --comment "tablemirror replicator" tablemirror
        say "created the system user tablemirror"
    fi
    # The daemon's group reads the configuration it installed (root owns it).
    if [ "$installed_config" -eq 1 ]; then chgrp tablemirror "$etc_dir/tablemirror.yaml"; fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
    fi
    say "next: put the passwords in $etc_dir/credentials/ (one file each, mode 0600), edit $etc_dir/tablemirror.yaml,"
    say "      then: tablemirror check-config $etc_dir/tablemirror.yaml; systemctl enable --now tablemirror"
elif [ -z "$destdir" ]; then
    say "not root: the system user tablemirror was not created and systemd was not reloaded"
fi
